"""The command palette: logout signs out everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tui.tuikit import (
    listing_caches,
    make_app,
    never_open,
    notifications,
    screen_name,
    screen_text,
    token_file,
    wait_for,
    wait_main_loaded,
)

# -- 3. logout from the command palette -----------------------------------------------

async def test_palette_logout_signs_out_everywhere(tui_signed_in: Any,
                                                   isolated_home: Path, start: Any) -> None:
    token = json.loads(token_file(isolated_home).read_text())["accessToken"]
    app = make_app(flow="pkce", open_browser=never_open)  # no automatic sign-in after
    async with start(app=app) as pilot:
        await wait_main_loaded(pilot)
        assert listing_caches(isolated_home), "the finished listing is cached"
        assert tui_signed_in.check_access(token)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: screen_name(app) == "CommandPalette", "palette")
        await pilot.press(*"logout")
        await wait_for(pilot, lambda: "Logout" in screen_text(app), "the Logout command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "SignInScreen", "sign-in screen")
        assert tui_signed_in.calls["Logout"] == 1
        assert not token_file(isolated_home).exists()
        assert listing_caches(isolated_home) == []
        assert not tui_signed_in.check_access(token)  # revoked at the portal too
        assert any("signed out of corp" in n for n in notifications(app))
        await wait_for(pilot, lambda: "did not open" in screen_text(app), "sign-in URL")

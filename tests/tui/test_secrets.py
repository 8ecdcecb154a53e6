"""Secrets never on screen: after copies, in the write dialogs, not pasted back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tui.tuikit import (
    assert_no_secret,
    copy_exports,
    notifications,
    screen_name,
    screen_text,
    token_file,
    wait_for,
    wait_main_loaded,
)

# -- 5. secrets never on screen -------------------------------------------------------

async def test_secrets_never_on_screen_through_c_p_w(tui_signed_in: Any,
                                                      isolated_home: Path, start: Any) -> None:
    access_token = json.loads(token_file(isolated_home).read_text())["accessToken"]
    async with start(size=(120, 40)) as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        values = await copy_exports(pilot, "sandbox")
        secrets = {"access token": access_token,
                   "secret key": values["AWS_SECRET_ACCESS_KEY"],
                   "session token": values["AWS_SESSION_TOKEN"]}
        assert_no_secret(app, secrets, "after c")

        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "sso_account_id = 333344445555" in screen_text(app),
                       "profile preview")
        assert_no_secret(app, secrets, "in the profile modal")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "profile written")
        assert_no_secret(app, secrets, "after p")

        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "aws_secret_access_key" in screen_text(app),
                       "credentials preview")
        # the default name is the profile just written: a section under it is refused
        app.screen.query_one("#name").value = "sandbox-keys"
        await wait_for(pilot, lambda: "[sandbox-keys]" in screen_text(app), "renamed")
        assert_no_secret(app, secrets, "in the credentials modal")
        await pilot.press("ctrl+s")
        creds_file = isolated_home / ".aws" / "credentials"
        await wait_for(pilot, creds_file.exists, "credentials written")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "back to main")
        written = creds_file.read_text()
        # the file holds this session's credentials (same cache), never the screen
        assert values["AWS_SECRET_ACCESS_KEY"] in written
        assert_no_secret(app, secrets, "after w")


async def test_ctrl_v_in_the_filter_does_not_put_the_secret_on_screen(
        tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        values = await copy_exports(pilot, "log arch")
        await pilot.press("ctrl+u", "ctrl+v")  # e.g. to paste an account id
        await pilot.pause(0.3)
        assert app.screen.query_one("#filter").value == ""  # refused, and said so
        assert any("not pasted" in n for n in notifications(app))
        assert_no_secret(app, {"secret key": values["AWS_SECRET_ACCESS_KEY"],
                               "session token": values["AWS_SESSION_TOKEN"]},
                         "after ctrl+v in the filter")

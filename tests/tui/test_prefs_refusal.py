"""A prefs.toml with a syntax error: the TUI says so once at start, copies still work,
and ctrl+f refuses with the file's line instead of writing."""

from __future__ import annotations

from typing import Any

from tui.tuikit import notifications, screen_text, wait_for, wait_main_loaded

BROKEN = '# mine\nfavorites = ["1/A"\ndefault_format = "fish"\n'


async def test_favorite_refused_when_prefs_toml_is_broken(tui_signed_in: Any, start: Any) -> None:
    from ssotui.core import prefs

    path = prefs.prefs_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKEN)
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        warned = [n for n in notifications(app) if "not valid TOML" in n]
        assert len(warned) == 1 and f"{path}, line 3" in warned[0]
        await pilot.press(*"staging dev", "ctrl+f")
        # the write is refused on a worker; the refusal names the file and line again
        await wait_for(pilot, lambda: any("not saved" in n for n in notifications(app)),
                       "the refusal")
        said = notifications(app)
        assert any("not saved" in n and f"{path}, line 3" in n for n in said), said
        assert not any("added to favorites" in n for n in said)
        assert "★" not in screen_text(app)
        assert not app.is_favorite("777788889999", "Developer")
        assert screen.current_entry is not None
    assert path.read_text() == BROKEN

"""A prefs.toml the TUI cannot write: a favorite is refused and said so, never shown
as made (the write runs on a thread; the screen changes only once it is saved)."""

from __future__ import annotations

from typing import Any

from tui.tuikit import notifications, screen_text, wait_for, wait_main_loaded


async def test_a_favorite_that_cannot_be_saved_is_not_shown(tui_signed_in: Any,
                                                            start: Any) -> None:
    from ssotui.core import prefs

    # a file where prefs.toml's directory should be: no one can write there, root included
    folder = prefs.prefs_path().parent
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a directory\n")
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"staging dev", "ctrl+f")
        await wait_for(pilot, lambda: any("preferences not saved" in n
                                          for n in notifications(app)), "the refusal")
        await pilot.pause()
        assert not any("added to favorites" in n for n in notifications(app))
        assert "★" not in screen_text(app)
        assert not app.is_favorite("777788889999", "Developer")
        assert screen.current_entry is not None and screen.current_entry.name == "staging-api"

"""Auto-clear and the terminal clipboard (OSC 52): the copy notification says what
will be cleared, so an SSH user is never told a secret is gone when it is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.tuikit import notifications, wait_for, wait_main_loaded


async def test_copy_with_autoclear_names_the_terminal_clipboard(
        tui_signed_in: Any, isolated_home: Path, start: Any) -> None:
    prefs = isolated_home / ".config" / "ssotui" / "prefs.toml"
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text("autoclear_seconds = 30\n")
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"stag read", "enter")
        await wait_for(pilot, lambda: any("Copied" in n for n in notifications(app)), "copied")
        (note,) = [n for n in notifications(app) if "Copied" in n]
        # the copy went through OSC 52 too: the note must say what happens to it
        assert "terminal clipboard (OSC 52)" in note, note
        assert "30s" in note or "clear it yourself" in note, note

"""The key bar: the keys that apply now, on one line; a click presses one."""

from __future__ import annotations

from typing import Any

from tui.tuikit import screen_text, wait_for, wait_main_loaded

FILTER_KEYS = " ⏎ copy  ^o export…  ^n profile  ^t creds  ^f fav  ^r refresh  ^g session"
LIST_KEYS = " c copy  e export…  p profile  w creds  f fav  r refresh  s session"


def bottom_line(app: Any) -> str:
    return screen_text(app).splitlines()[-1]


def items(line: str) -> list[str]:
    """The key bar's entries left of the palette hint ("⏎ copy", "^o export…", ...)."""
    return [i.strip() for i in line.split("▏")[0].split("  ") if i.strip()]


async def test_key_bar_follows_focus(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        line = bottom_line(app)
        assert line.startswith(FILTER_KEYS), line  # the filter: no letter is a key
        assert "esc list mode" in line and "^q quit" in line
        assert line.rstrip().endswith("▏^p palette")
        await pilot.press("escape")  # list mode: the letters
        line = bottom_line(app)
        assert line.startswith(LIST_KEYS), line
        assert "? help" in line and "q quit" in line and "esc filter" in line
        await pilot.press("escape")
        assert bottom_line(app).startswith(FILTER_KEYS)


async def test_key_bar_drops_whole_keys_at_80_columns(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        await wait_main_loaded(pilot)
        wide = items(bottom_line(pilot.app))
    async with start(size=(80, 24)) as pilot:
        await wait_main_loaded(pilot)
        line = bottom_line(pilot.app)
        narrow = items(line)
        # issue 16 #7: not the console's width, but what is cut: only whole keys
        # (a prefix of the wide bar's keys), and the palette hint still at the end
        assert 4 <= len(narrow) < len(wide)
        assert narrow == wide[:len(narrow)], (narrow, wide)
        assert line.rstrip().endswith("▏^p palette")


async def test_clicking_a_key_presses_it(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        line = bottom_line(app)
        await pilot.click("KeyBar", offset=(line.index("copy"), 0))
        await wait_for(pilot, lambda: app.clipboard, "the copy a click on `⏎ copy` starts")
        assert app.clipboard.startswith("export AWS_ACCESS_KEY_ID=")
        await pilot.click("KeyBar", offset=(line.index("help"), 0))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help")
        assert screen is not app.screen

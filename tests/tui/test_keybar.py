"""The key bar: the keys that apply now, on one line; a click presses one."""

from __future__ import annotations

from typing import Any

from tui.tuikit import make_app, screen_text, wait_for, wait_main_loaded


def bottom_line(app: Any) -> str:
    return screen_text(app).splitlines()[-1]


async def test_key_bar_follows_focus_and_fits_80_columns(tui_signed_in: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        line = bottom_line(app)
        assert line.startswith(" c copy  e export as…  p profile  w credentials")
        assert line.rstrip().endswith("▏^p palette")
        await pilot.press("slash")
        await pilot.pause()
        line = bottom_line(app)
        assert "esc lists" in line and "c copy" not in line  # the filter's own keys
    async with make_app().run_test(size=(80, 24)) as pilot:
        await wait_main_loaded(pilot)
        line = bottom_line(pilot.app)
        assert len(line.rstrip()) <= 80 and line.rstrip().endswith("▏^p palette")


async def test_clicking_a_key_presses_it(tui_signed_in: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        line = bottom_line(app)
        await pilot.click("KeyBar", offset=(line.index("copy"), 0))
        await wait_for(pilot, lambda: app.clipboard, "the copy a click on `c copy` starts")
        assert app.clipboard.startswith("export AWS_ACCESS_KEY_ID=")
        await pilot.click("KeyBar", offset=(line.index("help"), 0))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help")
        assert screen is not app.screen

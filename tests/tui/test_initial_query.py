"""`ssotui QUERY…`: the picker starts with the filter filled, whichever way it starts."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from tui.tuikit import make_app, rows, screen_name, wait_for


async def _filtered(app: Any) -> list[str]:
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one("#filter", Input).value, "the query")
        assert screen.query_one("#filter", Input).value == "prod-pay admin"
        await wait_for(pilot, lambda: [e.name for e in rows(screen, "accounts")][:1]
                       == ["prod-payments"], "the filtered list")
        return [e.name for e in rows(screen, "accounts")]


async def test_the_query_fills_the_filter_of_the_first_screen(tui_signed_in: Any) -> None:
    # signed in: the main screen is the app's first screen (the prefetch path)
    names = await _filtered(make_app(query="prod-pay admin"))
    assert names[0] == "prod-payments" and len(names) < len(tui_signed_in.org)


async def test_the_query_waits_for_sign_in(tui_env: Any) -> None:
    # signed out: sign-in first, then the main screen, which gets the query
    names = await _filtered(make_app(query="prod-pay admin", prefetch=False))
    assert names[0] == "prod-payments"

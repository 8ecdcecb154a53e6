"""Favorites and recent roles: marked, numbered, jumped to with alt+1–9, kept across runs."""

from __future__ import annotations

from typing import Any

from tui.tuikit import (
    make_app,
    notifications,
    rows,
    screen_text,
    toggle_favorite,
    wait_for,
    wait_main_loaded,
)

# -- 4. favorites and recent ----------------------------------------------------------

async def test_favorite_jump_after_filtering_and_across_runs(tui_signed_in: Any, start: Any) -> None:
    from ssotui.core import prefs

    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"legacy", "escape")
        await toggle_favorite(pilot, "f")  # list mode's f
        await wait_for(pilot, lambda: any("added to favorites" in n
                                          for n in notifications(app)), "favorite note")
        # filter for something else, move the highlight, then jump
        await pilot.press("escape", "ctrl+u", *"dev", "down")  # back in the filter
        assert screen.current_entry is not None and screen.current_entry.name != "legacy-[eu]"
        await pilot.press("alt+1")
        await pilot.pause()
        assert screen.current_entry.name == "legacy-[eu]"
        assert screen.current_role == "Billing"
        assert screen.query_one("#filter").value == ""  # the jump clears the filter
    assert prefs.load_prefs().favorites == ["666677778888/Billing"]

    again = make_app()  # a new run reads the favorite back from the prefs file
    async with start(app=again) as pilot:
        screen = await wait_main_loaded(pilot)
        assert rows(screen, "accounts")[0].name == "legacy-[eu]"  # favorites first
        assert "★" in screen_text(again)
        await pilot.press("end", "alt+1")
        await pilot.pause()
        assert (screen.current_entry.name, screen.current_role) == ("legacy-[eu]", "Billing")
        await toggle_favorite(pilot)  # unmark: gone from the prefs file
        await wait_for(pilot, lambda: prefs.load_prefs().favorites == [], "unmarked")


async def test_recent_copies_follow_favorites_on_the_digit_keys(tui_signed_in: Any, start: Any) -> None:
    from ssotui.core import prefs

    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"staging dev", "enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        await wait_for(pilot, lambda: prefs.load_prefs().recent == ["777788889999/Developer"],
                       "the recent copy saved")
        await pilot.press("ctrl+u", *"log arch")
        await toggle_favorite(pilot)
        await pilot.press("ctrl+u")
        await pilot.pause()
        await pilot.press("home", "alt+2")  # 1: the favorite, 2: the recent copy
        await pilot.pause()
        assert (screen.current_entry.name, screen.current_role) == ("staging-api", "Developer")
        await pilot.press("alt+1")
        await pilot.pause()
        assert (screen.current_entry.name, screen.current_role) == (
            "log-archive", "SecurityAudit")
        await pilot.press("alt+3")
        await pilot.pause()
        assert any("no favorite or recent #3" in n for n in notifications(app))


async def test_jump_to_a_favorite_that_is_not_the_first_role(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"prod-identity view")
        await toggle_favorite(pilot)
        await pilot.press("ctrl+u")
        await pilot.press("end")  # somewhere else
        await pilot.pause()
        assert screen.current_entry.name != "prod-identity"
        await pilot.press("alt+1")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        note = "\n".join(notifications(app))
        assert "prod-identity / ViewOnlyAccess" in note, note
        assert screen.current_role == "ViewOnlyAccess"

"""The keyboard model (issue 11): every printable key types into the filter, however
keys arrive; arrows move; Enter acts on the highlighted role from anywhere; actions
are on keys that cannot be typed; list mode only on purpose; keys remapped in prefs."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest

from tui.tuikit import (
    notifications,
    paste,
    rows,
    screen_name,
    screen_text,
    send_in_one_read,
    toggle_favorite,
    wait_for,
    wait_main_loaded,
)

PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " "
# the full names of accounts starting with the old action letters, and an id
TYPED = "core-prod wiki-eu e2e pay fin-ops qa-1 sec sre 777788889999 /prod ?"


def aws_files(home: Path) -> dict[str, bytes | None]:
    out = {}
    for name in ("config", "credentials"):
        p = home / ".aws" / name
        out[name] = p.read_bytes() if p.exists() else None
    return out


def filter_of(screen: Any) -> Any:
    return screen.query_one("#filter")


def assert_only_typed(app: Any, screen: Any, home: Path, before: dict[str, Any],
                      emulator: Any) -> None:
    """Typing did nothing else: same screen, filter focused, no file, no credentials."""
    assert app.is_running and not app._exit
    assert app.screen is screen and screen.focused is filter_of(screen)
    assert aws_files(home) == before
    assert emulator.calls["GetRoleCredentials"] == 0
    assert app.clipboard == ""


@pytest.mark.parametrize("how", ["press", "one-read"])
async def test_every_printable_character_types_into_the_filter(
        tui_signed_in: Any, isolated_home: Path, start: Any, how: str) -> None:
    before = aws_files(isolated_home)
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        assert screen.focused is filter_of(screen)  # from the start
        for text in (PRINTABLE, TYPED):
            filter_of(screen).value = ""
            if how == "press":
                await pilot.press(*text)
            else:  # many keys in one read: today `/prod` became `o`
                await send_in_one_read(pilot, text)
            assert filter_of(screen).value == text
            assert_only_typed(app, screen, isolated_home, before, tui_signed_in)


# every key that is not typed, then back in the filter (Esc pairs leave and come back)
BEFORE_KEYS = [["down"], ["up"], ["pagedown"], ["pageup"], ["home"], ["end"], ["left"],
               ["right"], ["tab"], ["shift+tab"], ["backspace"], ["ctrl+u"], ["delete"],
               ["alt+1"], ["alt+9"], ["ctrl+f"], ["ctrl+f"], ["escape", "escape"],
               ["escape", "slash"], ["f1", "escape"], ["ctrl+o", "escape"],
               ["ctrl+n", "escape"], ["ctrl+t", "escape"], ["ctrl+g", "escape"],
               ["ctrl+p", "escape"], ["ctrl+r"], ["ctrl+v"]]


async def test_printable_keys_type_after_any_other_key(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        for keys in BEFORE_KEYS:
            filter_of(screen).value = ""
            await pilot.press(*keys)
            await wait_for(pilot, lambda: app.screen is screen, f"back from {keys}")
            await pilot.pause()
            typed = filter_of(screen).value
            await pilot.press(*"cepw rsfq 1 9/?")
            assert filter_of(screen).value == typed + "cepw rsfq 1 9/?", keys
            assert screen.focused is filter_of(screen), keys
            assert app.is_running and not app._exit


async def test_enter_copies_what_the_typed_text_picks_even_in_one_read(
        tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        # the Enter arrives with the letters, before they are handled
        await send_in_one_read(pilot, [*"log arch", "enter"])
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert any("log-archive / SecurityAudit" in n for n in notifications(app))
        assert tui_signed_in.calls["GetRoleCredentials"] == 1


async def test_enter_acts_from_list_mode_and_from_the_roles_pane(tui_signed_in: Any,
                                                                 start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"staging", "escape", "down", "enter")  # list mode
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert screen.focused is screen.query_one("#accounts")
        assert any("staging-api / Developer" in n for n in notifications(app))
        app._clipboard = ""  # forget the first copy (the app's own record of it)
        roles = screen.query_one("#roles")
        await pilot.press("escape")  # back to the filter
        await pilot.click(roles, offset=(3, 1))  # the second role, ReadOnly
        assert screen.focused is filter_of(screen)  # a click picks; typing still filters
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.clipboard, "second clipboard")
        assert any("staging-api / ReadOnly" in n for n in notifications(app))


async def test_arrows_move_while_typing_and_left_right_choose_the_role(
        tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        names = [e.name for e in rows(screen, "accounts")]
        await pilot.press("down", "down")
        assert screen.current_entry.name == names[2]
        await pilot.press("end")
        assert screen.current_entry.name == names[-1]
        await pilot.press("home", "pagedown")
        assert screen.current_entry.name == names[-1]  # one page holds them all
        await pilot.press("pageup", "up")
        assert screen.current_entry.name == names[0]
        await pilot.press(*"dev-plat")  # roles: AdministratorAccess, Developer, ReadOnly
        assert screen.current_role == "AdministratorAccess"
        await pilot.press("right")
        assert screen.current_role == "Developer"
        await pilot.press("tab", "tab")  # wraps around
        assert screen.current_role == "AdministratorAccess"
        await pilot.press("left", "shift+tab")
        assert screen.current_role == "Developer"
        # visible: the roles pane's cursor and the details pane
        assert "role     Developer" in screen_text(app)
        assert screen.focused is filter_of(screen)
        assert filter_of(screen).value == "dev-plat"  # arrows never edited the text


async def test_list_mode_only_on_purpose_and_every_way_back_is_the_filter(
        tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"log", "escape")
        assert screen.focused is screen.query_one("#accounts")
        await pilot.press("slash")  # back, nothing typed
        assert screen.focused is filter_of(screen) and filter_of(screen).value == "log"
        await pilot.press("escape", "escape")
        assert screen.focused is filter_of(screen)
        await pilot.press("escape", *"x arch")  # an unbound letter types, and the rest
        assert filter_of(screen).value == "logx arch"
        assert screen.focused is filter_of(screen)
        await pilot.press("ctrl+u", *"log", "escape", "question_mark")  # help by letter
        await wait_for(pilot, lambda: screen_name(app) == "HelpScreen", "help")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "main")
        assert screen.focused is filter_of(screen)  # a dialog closes into the filter
        await pilot.press("escape", "c")
        await wait_for(pilot, lambda: app.clipboard, "list mode's c copies")
        assert any("log-archive" in n for n in notifications(app))


async def test_list_mode_keys_in_one_read_go_to_the_filter_once_it_has_focus(
        tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press("escape")
        # `l` is not a list key: it and every later key of the read are filter text,
        # the `c`, `r` and `q` included
        await send_in_one_read(pilot, [*"log arch", "enter"])
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert filter_of(screen).value == "log arch"
        assert any("log-archive" in n for n in notifications(app))


async def test_paste_types_into_the_filter_from_anywhere(tui_signed_in: Any,
                                                         start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await paste(pilot, "555566667777")
        assert filter_of(screen).value == "555566667777"
        assert screen.current_entry.name == "log-archive"
        await pilot.press("ctrl+u", "escape")  # list mode: a paste still filters
        await paste(pilot, "staging\x1b]52;c;aGk=\x07\nsecond line")
        assert screen.focused is filter_of(screen)
        assert filter_of(screen).value == "staging ]52;c;aGk="  # one line, no controls
        await pilot.press("ctrl+u")
        await paste(pilot, "\n  staging-api\n")  # a copied line, newline and all
        assert filter_of(screen).value == "staging-api"
        assert screen.current_entry.name == "staging-api"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        exports = app.clipboard
        await pilot.press("ctrl+u")
        await paste(pilot, exports)  # our own exports, pasted back: never typed in
        assert filter_of(screen).value == ""


async def test_favorite_numbers_show_and_alt_digits_jump(tui_signed_in: Any,
                                                         start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"prod-identity view")
        await toggle_favorite(pilot)
        await pilot.press("ctrl+u")
        await pilot.press(*"log", "enter")  # a recent copy is #2
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        await pilot.press("ctrl+u")
        text = screen_text(app)
        assert "1★ prod-identity" in text and "2  log-archive" in text, text
        await pilot.press("end", "alt+1")
        assert (screen.current_entry.name, screen.current_role) == (
            "prod-identity", "ViewOnlyAccess")
        assert "alt+1" in screen_text(app)  # the details pane names the key
        await pilot.press("alt+2")
        assert screen.current_entry.name == "log-archive"
        assert filter_of(screen).value == ""  # jumping typed nothing


def write_prefs(text: str) -> None:
    from ssotui.core.prefs import prefs_path

    path = prefs_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


async def test_keys_remapped_in_prefs(tui_signed_in: Any, start: Any) -> None:
    write_prefs('[keys]\ncopy = "ctrl+y"\nfavorite = "f5"\nquit = "q"\nnope = "f9"\n')
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        warnings = "\n".join(notifications(app))
        assert "quit = 'q'" in warnings and "types into the filter" in warnings
        assert "nope: no such action" in warnings
        assert " ^y copy " in screen_text(app).splitlines()[-1]
        palette = {c.title: c.help for c in app.get_system_commands(screen)}
        assert palette["Copy"].endswith("· ctrl+y") and palette["Fav"].endswith("· f5")
        await pilot.press(*"log arch", "enter")  # Enter is not copy any more
        await pilot.pause(0.2)
        assert app.clipboard == "" and tui_signed_in.calls["GetRoleCredentials"] == 0
        await toggle_favorite(pilot, "f5")
        await pilot.press("ctrl+y")
        await wait_for(pilot, lambda: app.clipboard, "ctrl+y copies")
        assert "★" in screen_text(app)
        await pilot.press(*" q")  # `q` was refused as a key: it types
        assert filter_of(screen).value == "log arch q"
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen_name(app) == "HelpScreen", "help")
        help_text = screen_text(app)
        assert "ctrl+y" in help_text and "f5" in help_text


@pytest.mark.parametrize("prefetched", [True, False], ids=["prefetched", "worker"])
async def test_a_query_given_at_start_fills_the_filter(tui_signed_in: Any, start: Any,
                                                       prefetched: bool) -> None:
    async with start(query="log arch", prefetch=prefetched) as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        assert filter_of(screen).value == "log arch"
        assert [e.name for e in rows(screen, "accounts")] == ["log-archive"]
        await pilot.press(*" x", "backspace", "backspace")  # the cursor is at its end
        assert filter_of(screen).value == "log arch"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert any("log-archive / SecurityAudit" in n for n in notifications(app))


async def test_editing_keys_in_one_read_apply_in_order(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"core")
        # ctrl+u then a name, a typo and its backspace, as one read (a fast typist
        # over SSH, tmux): each key where it came, not the editing keys last
        await send_in_one_read(pilot, ["ctrl+u", *"log-archx", "backspace", *"ive", "enter"])
        assert filter_of(screen).value == "log-archive"
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert any("log-archive / SecurityAudit" in n for n in notifications(app))


async def test_keys_of_one_read_filter_once(tui_signed_in: Any, start: Any) -> None:
    # A paste without bracketed paste, a fast typist over SSH: eleven keys in one read
    # are one filter pass over the org (with 5,000 accounts, eleven passes were the
    # 190 ms a burst took), and the result is the one typing them one by one gives.
    async with start() as pilot:
        screen = await wait_main_loaded(pilot)
        applied: list[str] = []
        set_query = screen.set_query
        screen.set_query = lambda text: (applied.append(text), set_query(text))
        await send_in_one_read(pilot, list("log-archive"))
        assert filter_of(screen).value == "log-archive"
        assert applied == ["log-archive"]
        burst = rows(screen, "accounts")
        filter_of(screen).value = ""
        await pilot.pause()
        await pilot.press(*"log-archive")
        assert rows(screen, "accounts") == burst


async def test_a_burst_tells_the_screen_at_once_what_the_filter_changed(
        tui_signed_in: Any, start: Any) -> None:
    # Widgets tell the screen they need a repaint on their next idle; after a burst the
    # screen's 60 fps update came first and drew the filter's new text alone, the rows a
    # frame later (56-98 ms per burst at 5,000 accounts, bench/tui_bench.py). For a
    # burst the screen is told at once; after one key it is not (that cost a frame).
    from textual._context import active_message_pump
    from textual.messages import Update

    async with start() as pilot:
        screen = await wait_main_loaded(pilot)
        told: list[str] = []
        post = screen.post_message

        def spy(message: Any) -> bool:
            # the screen telling itself (widgets tell it from their own message loop)
            if isinstance(message, Update) and active_message_pump.get() is screen:
                told.append(message.widget.id or "")
            return post(message)

        screen.post_message = spy
        await send_in_one_read(pilot, list("log-archive"))
        assert filter_of(screen).value == "log-archive"
        assert {"accounts", "roles", "counts", "details"} <= set(told)
        told.clear()
        await pilot.press("x")
        assert filter_of(screen).value == "log-archivex"
        assert told == []

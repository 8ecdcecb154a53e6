"""The main screen against the emulator: listing, filter, and every action key."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tui.tuikit import notifications, rows, screen_text, toggle_favorite, wait_for, wait_main_loaded


async def test_lists_every_account_with_roles_and_counts(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        names = [e.name for e in rows(screen, "accounts")]
        assert sorted(names) == sorted(a.account_name for a, _ in tui_signed_in.org)
        assert all(e.roles is not None for e in rows(screen, "accounts"))
        text = screen_text(app)
        n_roles = sum(len(r) for _, r in tui_signed_in.org)
        assert f"8 accounts · {n_roles} roles" in text, text
        assert "legacy-[eu]" in text  # brackets shown literally, not eaten as markup
        assert "7h42m left" in text  # token countdown from the fixed clock


async def test_filter_matches_name_and_role_at_once(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"pay adm")
        await pilot.pause()
        names = [e.name for e in rows(screen, "accounts")]
        assert names[:2] == ["prod-payments", "prod-payments-dr"]
        assert "dev-platform" not in names and "log-archive" not in names
        assert screen.current_role == "AdministratorAccess"
        assert f"{len(names)} of 8 accounts" in screen_text(app)
        # id digits match too, and a term can be a role alone
        await pilot.press(*["backspace"] * 7, *"5566 audit")
        await pilot.pause()
        assert [e.name for e in rows(screen, "accounts")] == ["log-archive"]
        assert screen.current_role == "SecurityAudit"


async def test_typing_a_letter_anywhere_starts_the_filter(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        screen = await wait_main_loaded(pilot)
        await pilot.press("escape", "l", "o", "g")  # list mode: `l` is not bound there
        await pilot.pause()
        assert screen.query_one("#filter").value == "log"
        assert screen.focused is screen.query_one("#filter")
        assert [e.name for e in rows(screen, "accounts")] == ["log-archive"]
        await pilot.press("ctrl+u")  # the filter's own key: clear it
        await pilot.pause()
        assert len(rows(screen, "accounts")) == 8


async def test_c_copies_default_format_and_notifies_without_secret(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"prod-identity", "escape", "c")  # list mode
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        lines = app.clipboard.splitlines()
        assert [line.split("=")[0] for line in lines] == [
            "export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY",
            "export AWS_SESSION_TOKEN", "export AWS_CREDENTIAL_EXPIRATION"]
        secret = lines[1].split("=", 1)[1]
        note = "\n".join(notifications(app))
        assert "prod-identity / AdministratorAccess" in note and "valid" in note
        assert secret not in note and secret not in screen_text(app)
        assert tui_signed_in.calls["GetRoleCredentials"] == 1


async def test_c_also_reaches_the_system_clipboard(tui_signed_in: Any, xdisplay: str, start: Any) -> None:
    from ssotui.core import clipboard
    from tui.tuikit import x_clipboard

    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"log arch", "enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert x_clipboard(xdisplay) == app.clipboard  # xclip on a real X server
        assert clipboard.paste() == app.clipboard  # what core.clipboard/pyperclip read back
        assert any("xclip" in n for n in notifications(app))


async def test_enter_in_filter_copies_best_match(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"stag read", "enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert any("staging-api / ReadOnly" in n for n in notifications(app)), notifications(app)


async def test_e_chooses_a_format_then_copies(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen", "chooser")
        assert "powershell" in screen_text(app)
        await pilot.press("down", "down", "enter")  # env -> env-no-export -> fish
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert app.clipboard.startswith('set -gx AWS_ACCESS_KEY_ID "')
        assert any("as fish" in n for n in notifications(app))


async def test_p_writes_a_profile_after_preview_and_diff(tui_signed_in: Any,
                                                         isolated_home: Path, start: Any) -> None:
    config = isolated_home / ".aws" / "config"
    before = config.read_text()
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"dev-plat dev", "ctrl+n")
        await wait_for(pilot, lambda: "sso_account_id = 444455556666" in screen_text(app),
                       "preview")
        text = screen_text(app)
        assert "[profile 444455556666_Developer]" in text
        assert "+sso_role_name = Developer" in text  # the diff
        assert config.read_text() == before  # nothing written by the preview
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MainScreen", "close")
        written = config.read_text()
        assert written.startswith(before)
        assert "[profile 444455556666_Developer]\nsso_session = corp\n" in written
        assert any("wrote [profile 444455556666_Developer]" in n for n in notifications(app))
        # the details pane now shows the profile pointing at this role
        await wait_for(pilot, lambda: "444455556666_Developer" in screen_text(app), "details")
        assert screen.current_role == "Developer"


async def test_p_refuses_a_colliding_profile_until_overridden(
        tui_signed_in: Any, isolated_home: Path, start: Any) -> None:
    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + "\n[profile team]\nsso_session = corp\n"
                      "sso_account_id = 999999999999\nsso_role_name = Other\n")
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"log-arch", "escape", "p")  # list mode
        await wait_for(pilot, lambda: "name" in screen_text(app), "dialog")
        name = app.screen.query_one("#name")
        name.value = "team"
        await wait_for(pilot, lambda: "differs" in screen_text(app), "collision warning")
        before = config.read_text()
        # refused like `ssotui profile` without --force: neither ctrl+s nor Enter writes
        await pilot.press("ctrl+s", "enter")
        await pilot.pause(0.3)
        assert config.read_text() == before and "Replace" not in screen_text(app)
        await pilot.press("ctrl+o")  # the separate, deliberate override
        await wait_for(pilot, lambda: "Replace" in screen_text(app), "override on")
        assert "sso_account_id 999999999999 -> 555566667777" in " ".join(screen_text(app).split())
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "555566667777" in config.read_text(), "write")
        assert "999999999999" not in config.read_text()


async def test_w_writes_credentials_masked_until_revealed(tui_signed_in: Any,
                                                          isolated_home: Path, start: Any) -> None:
    creds = isolated_home / ".aws" / "credentials"
    async with start(size=(120, 40)) as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"sandbox", "ctrl+t")
        await wait_for(pilot, lambda: "aws_secret_access_key" in screen_text(app), "preview")
        assert "••••••••" in screen_text(app)
        assert not creds.exists()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "••••••••" not in screen_text(app).split("aws_session_token")[0]
        await pilot.press("ctrl+s")
        await wait_for(pilot, creds.exists, "credentials file")
        text = creds.read_text()
        # credentials sections default to credentials_template, apart from profile names
        assert "[sandbox-payments-PowerUser]" in text and "aws_session_token = " in text
        assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600


async def test_r_refreshes_the_listing(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        screen = await wait_main_loaded(pilot)
        first = tui_signed_in.calls["ListAccounts"]
        screen.listing.done = False
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.listing_done, "refresh")
        assert tui_signed_in.calls["ListAccounts"] > first


async def test_f_marks_favorite_and_digits_jump(tui_signed_in: Any, start: Any) -> None:
    from ssotui.core import prefs

    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"staging dev")
        await toggle_favorite(pilot)
        await wait_for(pilot, lambda: prefs.load_prefs().favorites == ["777788889999/Developer"],
                       "the favorite saved")
        assert "1★ staging-api" in screen_text(app)  # its jump number and its star
        await pilot.press("ctrl+u")  # clear the filter; favorites sort first
        await pilot.pause()
        assert rows(screen, "accounts")[0].name == "staging-api"
        await pilot.press("end")  # move away, then jump back with alt+1
        assert screen.current_entry.name != "staging-api"
        await pilot.press("alt+1")
        await pilot.pause()
        assert screen.current_entry.name == "staging-api"
        assert screen.current_role == "Developer"
        await pilot.press("alt+2")
        assert any("no favorite or recent #2" in n for n in notifications(app))


async def test_help_lists_every_binding(tui_signed_in: Any, start: Any) -> None:
    from ssotui.tui.actions import ACTIONS

    async with start(size=(120, 40)) as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen", "help")
        text = screen_text(app)
        for action in ACTIONS:
            assert action.help in text
        assert "ctrl+p" in text and "alt+1 … 9" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "MainScreen", "close")


async def test_palette_has_the_actions_and_logout(tui_signed_in: Any,
                                                  isolated_home: Path, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        titles = list(commands)
        assert commands["Profile"].endswith("· ctrl+n")  # each names its key
        for title in ("Copy", "Export", "Profile", "Creds", "Refresh", "Session",
                      "Fav", "Logout"):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Logout")
        await wait_for(pilot, lambda: "Logout" in screen_text(app), "the Logout command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: tui_signed_in.calls["Logout"] == 1, "logout")
        # issue 16 #6: the sign-in screen, and no token left for this session
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SignInScreen",
                       "sign-in after logout")
        cache = isolated_home / ".aws" / "sso" / "cache"
        assert not [p for p in cache.glob("*.json") if "accessToken" in p.read_text()]


@pytest.mark.parametrize("keys", [["ctrl+q"], ["escape", "q"]], ids=["ctrl+q", "list-q"])
async def test_quit_keys_quit(tui_signed_in: Any, start: Any, keys: list[str]) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*keys)
        # issue 16 #1: checked while run_test is still running the app (leaving the
        # block would stop it whatever the key did)
        await wait_for(pilot, lambda: app._exit, "the app to exit")
        assert app.return_value is None


async def test_print_env_exits_with_exports(tui_signed_in: Any, start: Any) -> None:
    async with start(print_env=True, fmt="fish") as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"prod-pay read", "enter")
        await wait_for(pilot, lambda: not app.is_running, "exit")
    assert app.return_value.startswith('set -gx AWS_ACCESS_KEY_ID "ASIA')
    assert app.clipboard == ""  # printing, not copying


async def test_expired_token_while_copying_leads_to_sign_in(tui_signed_in: Any,
                                                            start: Any) -> None:
    from ssotui.commands.tui import headless_browser

    urls: list[str] = []

    def browser(url: str) -> bool:  # the user's browser, approved by hand below
        urls.append(url)
        return True

    async with start(flow="pkce", open_browser=browser) as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        tui_signed_in.revoke(screen.backend.token.access_token)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("credentials failed" in (n.title or "")
                                          for n in app._notifications), "error notification")
        # issue 16 #8: the sign-in screen is shown, waiting for the browser
        await wait_for(pilot, lambda: type(app.screen).__name__ == "SignInScreen" and urls,
                       "the sign-in screen")
        assert app.clipboard == ""
        headless_browser(urls[0])  # the user approves
        await wait_for(pilot, lambda: app.screen is screen, "back on the main screen")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")


async def test_no_color_is_respected(tui_signed_in: Any, monkeypatch: Any, start: Any) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        assert app.no_color
        import re

        colours = set(re.findall(r"#([0-9a-f]{6})", app.export_screenshot().lower()))
        assert "prod-payments" in screen_text(app)
        chrome = {"ff5f57", "febc2e", "28c840", "c5c8c6"}  # the SVG window frame itself
        tinted = {c for c in colours - chrome if len({c[0:2], c[2:4], c[4:6]}) > 1}
        assert not tinted, tinted  # only greys on screen

"""Production guardrails and the console key in the picker (Pilot, the emulator over
HTTP): the marker (a word, so NO_COLOR still shows it) and the status line; the
confirmation before copy / print / export / profile / credentials / console (y or
the account name; Enter never confirms); the write dialog's refusal of production
credentials; ctrl+l opening the console, or copying the URL where no browser can."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ssotui.core import rolecreds
from tui.tuikit import (
    make_app,
    notifications,
    screen_name,
    screen_text,
    status_text,
    wait_for,
    wait_main_loaded,
)

GUARDRAILS = '[[guardrails]]\nname = "^prod-"\nlabel = "PROD"\n'


@pytest.fixture(autouse=True)
def _fresh_credentials_cache() -> None:
    rolecreds.clear_cache()


def write_prefs(home: Path, text: str = GUARDRAILS) -> None:
    p = home / ".config" / "ssotui" / "prefs.toml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def flat(app: Any) -> str:
    return " ".join(screen_text(app).split())


async def test_marker_and_status_line(tui_signed_in: Any, isolated_home: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    write_prefs(isolated_home)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        main = await wait_main_loaded(pilot)
        text = screen_text(app)
        assert "PROD prod-payments " in text and "PROD prod-identity" in text
        assert "PROD sandbox-payments" not in text and "PROD dev-platform" not in text
        await pilot.press(*"prod-pay adm")
        await wait_for(pilot, lambda: "is production" in status_text(main), "status")
        assert "⚠ PROD: prod-payments / AdministratorAccess is production" in status_text(main)
        await pilot.press(*" x", "ctrl+u", *"sandbox")
        await wait_for(pilot, lambda: "is production" not in status_text(main), "cleared")


async def test_copy_asks_first_and_enter_never_confirms(tui_signed_in: Any,
                                                        isolated_home: Path) -> None:
    write_prefs(isolated_home)
    emu = tui_signed_in
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press(*"prod-pay adm", "enter")
        await wait_for(pilot, lambda: screen_name(app) == "ConfirmProduction", "the question")
        text = flat(app)
        assert "Production: copy its credentials?" in text
        assert "prod-payments (111122223333) / AdministratorAccess" in text
        assert "its name matches '^prod-'" in text
        await pilot.press("enter", "enter", "c")  # neither Enter nor another key confirms
        await pilot.pause(0.2)
        assert screen_name(app) == "ConfirmProduction"
        assert emu.calls["GetRoleCredentials"] == 0
        await pilot.press("n")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "cancelled")
        assert any("not done" in n for n in notifications(app))
        assert emu.calls["GetRoleCredentials"] == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "ConfirmProduction", "asked again")
        await pilot.press("y")
        await wait_for(pilot, lambda: any(n.startswith("Copied") for n in notifications(app)),
                       "the copy")
        assert emu.calls["GetRoleCredentials"] == 1
        # an ordinary account is not asked about
        await pilot.press("ctrl+u", *"sandbox", "enter")
        await wait_for(pilot, lambda: emu.calls["GetRoleCredentials"] == 2, "plain copy")
        assert screen_name(app) == "MainScreen"


async def test_typing_the_name_confirms_print_env(tui_signed_in: Any,
                                                  isolated_home: Path) -> None:
    write_prefs(isolated_home, 'confirm_production = "name"\nproduction_marker = true\n'
                + GUARDRAILS)
    app = make_app(print_env=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press(*"prod-identity view", "enter")
        await wait_for(pilot, lambda: screen_name(app) == "ConfirmProduction", "the question")
        assert "Type the account name (prod-identity)" in flat(app)
        await pilot.press("y", "enter")  # y is not the name
        await wait_for(pilot, lambda: "not the account name" in screen_text(app), "refused")
        app.screen.query_one("#confirm-name").value = ""
        await pilot.press(*"prod-identity", "enter")
        await wait_for(pilot, lambda: app.return_value is not None, "printed")
    assert app.return_value.startswith("export AWS_ACCESS_KEY_ID=ASIA")
    assert app.return_value.endswith("export SSOTUI_PRODUCTION=PROD\n")


async def test_credentials_write_is_refused_for_production(tui_signed_in: Any,
                                                           isolated_home: Path) -> None:
    write_prefs(isolated_home)
    creds = isolated_home / ".aws" / "credentials"
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press(*"prod-pay adm", "ctrl+t")
        await wait_for(pilot, lambda: screen_name(app) == "ConfirmProduction", "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: "refused" in screen_text(app), "the refusal")
        text = flat(app)
        assert "111122223333 is a production account (its name matches '^prod-')" in text
        assert "long-lived plaintext file" in text
        assert "ctrl+o Override would write production credentials" in text
        await pilot.press("ctrl+s", "enter")
        await pilot.pause(0.3)
        assert not creds.exists()
        await pilot.press("ctrl+o", "ctrl+s")
        await wait_for(pilot, lambda: creds.exists(), "the forced write")


async def test_console_key_opens_or_copies_the_url(tui_signed_in: Any, isolated_home: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    emu = tui_signed_in
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press(*"sandbox", "ctrl+l")  # $BROWSER (`true`, the conftest's) opens it
        await wait_for(pilot, lambda: any("Opened the console" in n
                                          for n in notifications(app)), "opened")
        assert "sandbox-payments / PowerUser → https://us-east-1.console.aws.amazon.com/" \
            "console/home?region=us-east-1" in notifications(app)[-1]
        assert emu.calls["getSigninToken"] == 1
        for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
            monkeypatch.delenv(name, raising=False)
        await pilot.press("escape", "o")  # list mode's letter
        await wait_for(pilot, lambda: any("No browser can open here" in n
                                          for n in notifications(app)), "copied")
        note = notifications(app)[-1]
        url = app.clipboard
        assert url.startswith(emu.url + "/federation?Action=login&")
        assert "valid 15 min" in note and url not in note and "SigninToken" not in note
        assert url not in screen_text(app)
        for token in emu.issued_signin_tokens:
            assert token not in note


async def test_confirmation_shows_hostile_names_as_text(tui_signed_in: Any) -> None:
    from ssotui.tui.screens.confirm import ConfirmProduction

    hostile = "[bold]x[/] [@click=app.quit]q[/] \x1b]52;c;aGk=\x07"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        results: list[bool | None] = []
        await app.push_screen(ConfirmProduction(hostile, "111122223333", "[red]Role", "production "
                                          "account (its name matches '[b]')", "PROD", "copy",
                                          "name"), results.append)
        await wait_for(pilot, lambda: screen_name(app) == "ConfirmProduction", "modal")
        text = screen_text(app)
        assert "[bold]x[/] [@click=app.quit]q[/] \\x1b]52;c;aGk=\\x07" in text
        assert "[red]Role" in text and "'[b]'" in text
        app.screen.query_one("#confirm-name").value = hostile
        await pilot.press("enter")  # the exact name, control characters and all
        await wait_for(pilot, lambda: results == [True], "confirmed")

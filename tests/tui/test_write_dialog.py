"""The write dialog renders the core's write plan: it refuses what the CLI refuses
without --force, overriding is a separate step (ctrl+o, never ctrl+s or Enter), it
says what the override replaces, and no secret of any section is on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tui.tuikit import make_app, screen_text, wait_for, wait_main_loaded

LONGTERM = ("[longterm]\n# my laptop's key, do not lose\naws_access_key_id = AKIAOLDLONGTERM\n"
            "aws_secret_access_key = oldlongtermsecret\nregion = eu-west-1\n")


def flat(app: Any) -> str:
    return " ".join(screen_text(app).split())


async def test_w_refuses_long_term_keys_until_overridden(tui_signed_in: Any,
                                                         isolated_home: Path) -> None:
    creds = isolated_home / ".aws" / "credentials"
    creds.write_text(LONGTERM)
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press(*"sandbox", "ctrl+t")
        await wait_for(pilot, lambda: "aws_secret_access_key" in screen_text(app), "preview")
        app.screen.query_one("#name").value = "longterm"
        await wait_for(pilot, lambda: "refused" in screen_text(app), "refusal")
        text = flat(app)
        assert "holds long-term keys (AKIAOLDLONGTERM)" in text
        assert "ctrl+o Override would replace its aws_access_key_id AKIAOLDLONGTERM" in text
        assert "oldlongtermsecret" not in screen_text(app)  # the existing secret is masked
        await pilot.press("ctrl+s", "enter")  # neither the write key nor Enter overrides
        await pilot.pause(0.3)
        assert creds.read_text() == LONGTERM
        await pilot.press("ctrl+r")  # revealing shows our new secret, never the old one
        await pilot.pause(0.1)
        assert "oldlongtermsecret" not in screen_text(app)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: "Override is on" in screen_text(app), "override")
        assert creds.read_text() == LONGTERM  # the override alone writes nothing
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "AKIAOLDLONGTERM" not in creds.read_text(), "write")
        text = creds.read_text()
        assert "# my laptop's key, do not lose\n" in text and "region = eu-west-1\n" in text


async def test_editing_the_name_turns_the_override_off(tui_signed_in: Any,
                                                       isolated_home: Path) -> None:
    creds = isolated_home / ".aws" / "credentials"
    creds.write_text(LONGTERM + LONGTERM.replace("[longterm]", "[other]"))
    before = creds.read_text()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press(*"sandbox", "ctrl+t")
        await wait_for(pilot, lambda: "aws_secret_access_key" in screen_text(app), "preview")
        app.screen.query_one("#name").value = "longterm"
        await wait_for(pilot, lambda: "refused" in screen_text(app), "refusal")
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: "Override is on" in screen_text(app), "override")
        app.screen.query_one("#name").value = "other"
        await wait_for(pilot, lambda: "[other] in" in flat(app), "the other section")
        assert "Override is on" not in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert creds.read_text() == before


async def test_names_are_text_not_markup(tui_signed_in: Any, isolated_home: Path) -> None:
    from ssotui.core.models import Account
    from ssotui.tui.screens.write import WriteScreen

    account_id = tui_signed_in.org[0][0].account_id
    hostile = "[bold]x[/] [@click=app.quit]q[/] \x1b]52;c;aGk=\x07"
    app = make_app()
    async with app.run_test(size=(160, 44)) as pilot:
        main = await wait_main_loaded(pilot)
        app.push_screen(WriteScreen(main.backend, "profile", Account(account_id, hostile, "e"),
                                    "[red]R[/]", "plain-name"))
        await wait_for(pilot, lambda: "[profile plain-name]" in screen_text(app), "preview")
        text = screen_text(app)
        assert "[bold]x[/] [@click=app.quit]q[/] \\x1b]52;c;aGk=\\x07 / [red]R[/]" in text
        assert "\x1b" not in text

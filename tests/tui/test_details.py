"""The details pane, choosing a role, the prefs' defaults, the export chooser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.tuikit import (
    notifications,
    save_prefs,
    screen_name,
    screen_text,
    wait_for,
    wait_main_loaded,
)

# -- 6. flows of issue 6 with no test yet ---------------------------------------------

@pytest.fixture
def shadowing_profile(tui_signed_in: Any, isolated_home: Path,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """[profile pay-admin] for prod-payments/AdministratorAccess, and static keys under
    [pay-admin] in a credentials file at a path as long as ~/.aws/credentials usually is."""
    import tempfile

    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + "\n[profile pay-admin]\nsso_session = corp\n"
                      "sso_account_id = 111122223333\nsso_role_name = AdministratorAccess\n")
    with tempfile.TemporaryDirectory(dir="/tmp") as short:
        creds = Path(short) / "credentials"
        creds.write_text("[pay-admin]\naws_access_key_id = AKIAEXAMPLE\n"
                         "aws_secret_access_key = x\n")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
        yield creds


WARNING = "under this profile's name"


async def test_details_show_profiles_and_the_shadowing_credentials_section(
        shadowing_profile: Path, start: Any) -> None:
    async with start(size=(200, 40)) as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"prod-payments adm")
        await wait_for(pilot, lambda: WARNING in screen_text(app), "shadow warning")
        text = screen_text(app)
        assert "111122223333" in text and "payments-prod@example.com" in text
        assert f"[pay-admin]: static keys in {shadowing_profile.name}" in text
        assert "profiles pay-admin" in " ".join(text.split())
        # another role of the same account: no profile, no warning
        await pilot.press("tab")  # the next role, from the filter
        await wait_for(pilot, lambda: screen.current_role == "ReadOnly", "ReadOnly")
        await wait_for(pilot, lambda: "none in config" in screen_text(app), "no profiles")
        assert WARNING not in screen_text(app)


async def test_shadow_warning_is_readable_at_80x24(shadowing_profile: Path, start: Any) -> None:
    async with start(size=(80, 24)) as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"prod-payments adm")
        await wait_for(pilot, lambda: "⚠" in screen_text(app), "a warning")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "static keys" in " ".join(text.split()), text


async def test_right_right_enter_copies_the_third_role(tui_signed_in: Any,
                                                      start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)
        await pilot.press(*"dev-plat")
        assert screen.current_role == "AdministratorAccess"
        await pilot.press("right", "right", "enter")  # one Enter: no focus hop first
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert screen.current_role == "ReadOnly"
        assert any("dev-platform / ReadOnly" in n for n in notifications(app))
        assert "copied dev-platform/ReadOnly" in screen_text(app)  # the status bar
        assert tui_signed_in.calls["GetRoleCredentials"] == 1


async def test_default_format_and_name_template_come_from_prefs(tui_signed_in: Any,
                                                                isolated_home: Path, start: Any) -> None:
    save_prefs(default_format="dotenv", name_template="{account_name}.{role_name}")
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press(*"log-arch", "enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert app.clipboard.startswith("AWS_ACCESS_KEY_ID=ASIA")
        assert any("as .env file" in n for n in notifications(app))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: "[profile log-archive.SecurityAudit]"
                       in screen_text(app), "templated name")
        assert app.screen.query_one("#name").value == "log-archive.SecurityAudit"
        await pilot.press("escape")  # cancel: nothing written
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "cancelled")
    assert "log-archive" not in (isolated_home / ".aws" / "config").read_text()


async def test_e_escape_copies_nothing(tui_signed_in: Any, start: Any) -> None:
    async with start() as pilot:
        app = pilot.app
        await wait_main_loaded(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: screen_name(app) == "ExportScreen", "chooser")
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "closed")
        await pilot.pause(0.2)
        assert app.clipboard == ""
        assert tui_signed_in.calls["GetRoleCredentials"] == 0

"""Marking roles for a profiles sync in the picker: ctrl keys only (every printable key,
space included, types into the filter), marks visible as `[x]` without colour, one
key opens the core's plan (summary and diff) and only a confirmation writes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tui.tuikit import make_app, screen_text, wait_for, wait_main_loaded


def flat(app: Any) -> str:
    return " ".join(screen_text(app).split())


async def test_mark_preview_and_write(tui_signed_in: Any, isolated_home: Path) -> None:
    config = isolated_home / ".aws" / "config"
    before = config.read_text()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        main = await wait_main_loaded(pilot)
        await pilot.press(*"sandbox")  # sandbox-payments: one role, PowerUser
        await pilot.press("space")  # a space is filter text, never a mark
        await pilot.pause(0.2)
        assert main.marked == set()
        await pilot.press("backspace", "ctrl+@")
        await wait_for(pilot, lambda: "[x] PowerUser" in screen_text(app), "the mark")
        assert "1 marked (ctrl+s sync)" in flat(app)
        await pilot.press("ctrl+a", "ctrl+k", *"prod-payments", "ctrl+b")  # every role shown
        await wait_for(pilot, lambda: len(main.marked) == 5, "marks of the shown roles")
        assert "[x] AdministratorAccess" in screen_text(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "5 added" in flat(app), "the plan")
        text = flat(app)
        assert "+[profile 111122223333_AdministratorAccess]" in text  # the diff, from its top
        assert "+# ssotui: managed 111122223333/AdministratorAccess sso-session=corp" in text
        assert config.read_text() == before  # the preview alone writes nothing
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "[profile 111122223333_ReadOnly]" in config.read_text(),
                       "the write")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "back to the picker")
        assert main.marked == set()
    text = config.read_text()
    assert text.startswith(before) and text.count("# ssotui: managed ") == 5


async def test_a_conflict_is_refused_until_overridden(tui_signed_in: Any,
                                                       isolated_home: Path) -> None:
    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + "\n[profile 333344445555_PowerUser]\n# mine\n"
                      "sso_session = corp\nsso_account_id = 999999999999\nsso_role_name = X\n")
    before = config.read_text()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press(*"sandbox", "ctrl+@", "ctrl+s")
        await wait_for(pilot, lambda: "refused" in screen_text(app), "the refusal")
        assert "is not ssotui's" in flat(app)
        await pilot.press("ctrl+s", "enter")
        await pilot.pause(0.3)
        assert config.read_text() == before
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: "Override is on" in screen_text(app), "override")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "999999999999" not in config.read_text(), "the write")
    assert "# mine\n" in config.read_text()


def screen_name(app: Any) -> str:
    return type(app.screen).__name__


def test_the_marking_keys_cannot_be_typed() -> None:
    from ssotui.tui.actions import BY_ID, typeable

    for action in ("mark", "mark_shown", "sync"):
        keys = BY_ID[action].key.split(",")
        assert keys and not any(typeable(k) for k in keys), (action, keys)


@pytest.fixture
def relative_paths(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    """Run from HOME with the AWS files named relatively, so paths on screen are stable."""
    monkeypatch.chdir(isolated_home)
    monkeypatch.setenv("AWS_CONFIG_FILE", ".aws/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")


def test_sync_preview_snapshot(tui_signed_in: Any, relative_paths: None,
                               snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await wait_main_loaded(pilot)
        await pilot.press(*"prod", "ctrl+b", "ctrl+s")
        await wait_for(pilot, lambda: "+[profile" in screen_text(pilot.app), "the plan")

    assert snap_compare(make_app(), terminal_size=(120, 36), run_before=run_before)

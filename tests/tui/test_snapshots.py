"""Snapshot tests (pytest-textual-snapshot): SVGs under tests/tui/__snapshots__.

Deterministic by construction: a fixed org, a fixed clock ("7h42m left"), the AWS
config at a relative path (no temp dir on screen), and sign-in URLs/codes passed
through a filter that hides the emulator's random port and the random code.
Update with `pytest tests/tui/test_snapshots.py --snapshot-update` and review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tui.tuikit import make_app, screen_name, steady, wait_for, wait_main_loaded

SIZE = (120, 36)


@pytest.fixture
def relative_paths(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    """Run from HOME with the AWS files named relatively, so paths on screen are stable."""
    monkeypatch.chdir(isolated_home)
    monkeypatch.setenv("AWS_CONFIG_FILE", ".aws/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")


@pytest.fixture
def steady_signin(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssotui.tui.screens import signin

    monkeypatch.setattr(signin, "display_filter", steady)


def never_open(url: str) -> bool:
    return False


def test_session_picker(tui_signed_in: Any, isolated_home: Path, relative_paths: None,
                        snap_compare: Any) -> None:
    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + "\n[sso-session sandbox]\n"
                      "sso_start_url = https://d-sandbox.awsapps.com/start\n"
                      "sso_region = eu-west-1\n")

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: screen_name(pilot.app) == "SessionsScreen", "picker")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_signin_pkce(tui_env: Any, relative_paths: None, steady_signin: None,
                     snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        from tui.tuikit import screen_text

        await wait_for(pilot, lambda: "min left" in screen_text(pilot.app), "waiting")

    app = make_app(flow="pkce", open_browser=never_open)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_signin_device(tui_env: Any, relative_paths: None, steady_signin: None,
                       snap_compare: Any) -> None:
    tui_env.approve_mode = "manual"

    async def run_before(pilot: Any) -> None:
        from tui.tuikit import screen_text

        await wait_for(pilot, lambda: "min left" in screen_text(pilot.app), "waiting")

    app = make_app(flow="device", open_browser=never_open)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_main_loading(tui_signed_in: Any, relative_paths: None, snap_compare: Any) -> None:
    tui_signed_in.latency_ms = 4000  # the first page has not arrived yet

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: screen_name(pilot.app) == "MainScreen", "main")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


async def _loaded(pilot: Any) -> None:
    await wait_main_loaded(pilot)


def test_main_loaded(tui_signed_in: Any, relative_paths: None, snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_loaded)


def test_filter_with_matches(tui_signed_in: Any, relative_paths: None,
                             snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_loaded,
                        press=[*"pay adm"])


def test_profile_modal_with_diff(tui_signed_in: Any, relative_paths: None,
                                 snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        from tui.tuikit import screen_text

        await wait_main_loaded(pilot)
        await pilot.press(*"pay adm", "ctrl+n")
        await wait_for(pilot, lambda: "+[profile" in screen_text(pilot.app), "diff")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help(tui_signed_in: Any, relative_paths: None, snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await wait_main_loaded(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: screen_name(pilot.app) == "HelpScreen", "help")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_error_state(tui_env: Any, isolated_home: Path, relative_paths: None,
                     snap_compare: Any) -> None:
    (isolated_home / ".aws" / "config").write_text("[sso-session corp\nsso_region = x\n")

    async def run_before(pilot: Any) -> None:
        await wait_for(pilot, lambda: screen_name(pilot.app) == "ErrorScreen", "error")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_small_terminal(tui_signed_in: Any, relative_paths: None, snap_compare: Any) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=_loaded,
                        press=[*"prod"])


def test_list_mode(tui_signed_in: Any, relative_paths: None, snap_compare: Any) -> None:
    """Esc from the filter: the accounts list focused, the key bar's single letters."""
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=_loaded,
                        press=[*"prod", "escape", "down"])

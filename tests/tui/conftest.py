"""Fixtures for the TUI tests: the fixed org on the emulator and a signed-in `corp`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import REGION, SESSION, START_URL, write_token_file
from tui.tuikit import EXPIRES, ORG, xvfb


@pytest.fixture
def tui_emulator() -> Iterator[Any]:
    from ssotui.emulator import Emulator

    with Emulator(org=ORG, seed=3) as emu:
        yield emu


@pytest.fixture
def tui_env(tui_emulator: Any, monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> Any:
    """Endpoints at the emulator and one `[sso-session corp]` in the config."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", tui_emulator.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", tui_emulator.url)
    monkeypatch.setenv("SSOTUI_FEDERATION_ENDPOINT", tui_emulator.url + "/federation")
    (isolated_home / ".aws" / "config").write_text(
        f"[sso-session {SESSION}]\n"
        f"sso_start_url = {START_URL}\n"
        f"sso_region = {REGION}\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    return tui_emulator


@pytest.fixture
def tui_signed_in(tui_env: Any, isolated_home: Path) -> Any:
    token = tui_env.mint_token(start_url=START_URL)
    write_token_file(isolated_home, SESSION, token, EXPIRES - datetime.now(UTC))
    return tui_env




@pytest.fixture
def xdisplay(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real X clipboard for pyperclip/xclip (DISPLAY set for this test)."""
    with xvfb() as display:
        monkeypatch.setenv("DISPLAY", display)
        yield display


@pytest.fixture
def start() -> Any:
    """Starts the app: `async with start(print_env=True, size=(80, 24)) as pilot:`
    (make_app's arguments, or app=...); the one way the TUI tests start it."""
    from tui.tuikit import started

    return started

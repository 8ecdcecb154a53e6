"""Snapshots of the production guardrails (pytest-textual-snapshot, SVGs under
tests/tui/__snapshots__/test_production_snapshots): the marker and status line, the
confirmation modal, and the write dialog refusing production credentials. Update
with `pytest tests/tui/test_production_snapshots.py --snapshot-update` and review."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tui.test_production import write_prefs
from tui.tuikit import make_app, screen_name, screen_text, wait_for, wait_main_loaded

SIZE = (120, 36)


@pytest.fixture
def production(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guardrails on `^prod-`; paths relative so they are the same on every machine."""
    write_prefs(isolated_home)
    monkeypatch.chdir(isolated_home)
    monkeypatch.setenv("AWS_CONFIG_FILE", ".aws/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")


def test_marker_and_status(tui_signed_in: Any, production: None, snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await wait_main_loaded(pilot)
        await pilot.press(*"pay adm")
        await wait_for(pilot, lambda: "is production" in screen_text(pilot.app), "status")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_confirmation(tui_signed_in: Any, production: None, snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await wait_main_loaded(pilot)
        await pilot.press(*"pay adm", "ctrl+l")
        await wait_for(pilot, lambda: screen_name(pilot.app) == "ConfirmProduction", "modal")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def _steady(text: str) -> str:
    """The plan's random parts (the new access key id, the expiry) made fixed."""
    text = re.sub(r"ASIA[A-Z0-9]+", "ASIAEXAMPLEEXAMPLE00", text)
    return re.sub(r"expires \S+", "expires 2099-01-01T00:00:00+00:00", text)


@pytest.fixture
def steady_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    from ssotui.tui.screens import write

    block_of, diff_text = write.block_of, write.diff_text
    monkeypatch.setattr(write, "block_of", lambda text, header: block_of(_steady(text), header))
    monkeypatch.setattr(write, "diff_text", lambda before, after, path: diff_text(
        _steady(before), _steady(after), path))


def test_refusal(tui_signed_in: Any, production: None, steady_plan: None,
                 snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        await wait_main_loaded(pilot)
        await pilot.press(*"pay adm", "ctrl+t")
        await wait_for(pilot, lambda: screen_name(pilot.app) == "ConfirmProduction", "modal")
        await pilot.press("y")
        await wait_for(pilot, lambda: "refused" in screen_text(pilot.app), "refusal")
        # the new credentials are random: show the masked plan, not the keys
        await wait_for(pilot, lambda: "aws_secret_access_key" in screen_text(pilot.app), "plan")

    assert snap_compare(make_app(), terminal_size=(140, 44), run_before=run_before)

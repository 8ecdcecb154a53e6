"""The loader hands its consumers (the TUI, `ssotui list`) inert failure reasons:
a portal error message holding terminal controls arrives escaped, while account
names stay exact data (escaping them is each display's job)."""

from __future__ import annotations

from typing import Any

import pytest

from ssotui.core import directory as d
from ssotui.core.clients import make_clients
from ssotui.core.text import is_clean
from test_directory import SESSION, START_URL, Recorder, run_loader
from test_listing_output import HOSTILE_ORG, OSC52, RolesFail


def test_failure_reasons_are_inert_and_names_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    with RolesFail({"111111111111"}, org=HOSTILE_ORG) as emu:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
        rec = Recorder()
        final: Any = run_loader(make_clients(SESSION), emu.mint_token(start_url=START_URL), rec,
                                rate=400)
    (failed,) = rec.of(d.AccountFailed)
    assert failed.account_id == "111111111111"
    assert "portal down\\x1b]52;c;" in failed.reason and is_clean(failed.reason)
    assert final.failed == {"111111111111": failed.reason}
    assert {a.account_name for a in final.accounts} == {a.account_name for a, _ in HOSTILE_ORG}
    assert OSC52 in next(a.account_name for a in final.accounts if a.account_id == "111111111111")

"""`ssotui exec` with no ACCOUNT on a terminal: the picker chooses the role (as with
`--print-env`), then the command runs with its credentials and marker variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from e2e.harness import Tmux, record_credentials, signed_in_env, ssotui_cmd

pytestmark = pytest.mark.e2e


def test_exec_without_account_opens_the_picker(tmp_path: Path, signed_in: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    issued = record_credentials(monkeypatch)
    term = Tmux(signed_in_env(tmp_path), "bash --norc --noprofile", size=(120, 36))
    try:
        inner = 'echo "IN=$SSOTUI_ACCOUNT/$SSOTUI_ROLE KEY=$AWS_ACCESS_KEY_ID"; exit 5'
        term.keys(ssotui_cmd("exec", "--", "sh", "-c", inner) + '; echo "RC=$?"', literal=True)
        term.keys("Enter")
        term.wait(lambda t: "12 accounts ·" in t and "listing…" not in t, "the picker")
        term.keys("dev-api admin", literal=True)
        term.wait(lambda t: "1 of 12 accounts" in t, "filtered")
        term.keys("Enter")
        pane = term.wait(lambda t: any(ln.startswith("RC=") for ln in t.splitlines()),
                         "the command's output")
    finally:
        term.kill()
    line = next(ln for ln in pane.splitlines() if ln.startswith("IN="))
    marker, key = line.split()
    assert marker == "IN=156419011138/AdministratorAccess"
    assert issued[key.removeprefix("KEY=")] == ("156419011138", "AdministratorAccess")
    assert "RC=5" in pane.splitlines()

"""End to end in a real terminal: tmux runs `ssotui --demo`; the X clipboard is
real (Xvfb + xclip). Nothing here is simulated inside the process under test."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.harness import Tmux, record_credentials, signed_in_env, ssotui_cmd, terminal_env
from tui.tuikit import x_clipboard, xvfb

pytestmark = pytest.mark.e2e


@pytest.fixture
def xdisplay() -> Iterator[str]:
    with xvfb() as display:
        yield display


def test_demo_filter_and_copy_reaches_the_x_clipboard(tmp_path: Path, xdisplay: str) -> None:
    env = terminal_env(tmp_path, xdisplay)
    term = Tmux(env, ssotui_cmd("--demo") + "; echo EXITED=$?; sleep 60")
    try:
        term.wait(lambda t: "accounts ·" in t and "listing…" not in t, "the demo's main screen")
        term.keys("pay adm", literal=True)  # the filter has the focus from the start
        term.wait(lambda t: "prod-payments" in t and " of 60 accounts" in t, "filtered")
        term.keys("Escape")
        time.sleep(0.3)  # let the terminal deliver a lone Escape before the next key
        term.keys("c")
        pane = term.wait(lambda t: "Copied" in t, "the copy notification")
        assert "prod-payments" in pane and "AdministratorAccess" in pane
        lines = x_clipboard(xdisplay).splitlines()
        assert lines[0].startswith("export AWS_ACCESS_KEY_ID=ASIA")
        secret = lines[1].split("=", 1)[1]
        assert len(secret) > 20 and secret not in pane  # never on screen
        term.keys("q")
        # the demo says where its throwaway files were; the real ~/.aws is untouched
        pane = term.wait(lambda t: "EXITED=" in t, "exit")
        assert "EXITED=0" in pane
        assert "throwaway files kept in" in pane and "your ~/.aws was not touched" in pane
    finally:
        term.kill()
    assert list((tmp_path / "user").iterdir()) == []  # the "real" HOME: untouched


def test_print_env_switches_the_calling_shell(tmp_path: Path, signed_in: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    issued = record_credentials(monkeypatch)
    term = Tmux(signed_in_env(tmp_path), "bash --norc --noprofile")
    try:
        term.keys(f'eval "$({ssotui_cmd("--print-env")})"; '
                  'echo "KEY=$AWS_ACCESS_KEY_ID SECRET_LEN=${#AWS_SECRET_ACCESS_KEY}"',
                  literal=True)
        term.keys("Enter")
        term.wait(lambda t: "12 accounts ·" in t and "listing…" not in t, "the picker")
        term.keys("staging-maps sup", literal=True)  # the filter has the keys from the start
        # only the filtered screen says this (the first one shows all 12 accounts)
        term.wait(lambda t: "1 of 12 accounts" in t and "SupportUser" in t, "filtered")
        term.keys("Enter")
        pane = term.wait(lambda t: any(ln.startswith("KEY=") for ln in t.splitlines()),
                         "the shell's echo")
    finally:
        term.kill()
    line = next(ln for ln in pane.splitlines() if ln.startswith("KEY="))
    key, length = line.split()
    assert int(length.split("=")[1]) == 40
    # exactly the role that was filtered to, and nothing else was fetched
    assert issued == {key.removeprefix("KEY="): ("182184450280", "SupportUser")}

"""clipboard: OSC 52, the no-backend message, and the real X clipboard under Xvfb."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SESSION, require_tool
from ssotui.core import clipboard
from ssotui.core.errors import RuntimeFailure


def test_osc52_plain_and_tmux() -> None:
    seq = clipboard.osc52_sequence("héllo")
    assert seq == "\x1b]52;c;" + base64.b64encode("héllo".encode()).decode() + "\x07"
    wrapped = clipboard.osc52_sequence("héllo", tmux=True)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;") and wrapped.endswith("\x07\x1b\\")


def test_no_backend_is_a_clear_runtime_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(clipboard, "_is_wsl", lambda: False)  # this machine is not WSL anyway
    monkeypatch.setattr(sys, "platform", "linux")
    assert clipboard.available() is None
    with pytest.raises(RuntimeFailure) as info:
        clipboard.copy("x")
    assert "no clipboard available" in str(info.value) and "xclip" in str(info.value)
    assert info.value.exit_code == 1


def test_broken_display_reports_backend_error(monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("xclip")
    monkeypatch.setenv("DISPLAY", ":98765")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    with pytest.raises(RuntimeFailure, match="clipboard: xclip failed"):
        clipboard.copy("x")


@pytest.fixture
def xdisplay(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private Xvfb server; DISPLAY points at it."""
    xvfb = require_tool("Xvfb")
    require_tool("xclip")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-nolisten", "tcp",
                             "-screen", "0", "640x480x24"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        number = f.readline().strip()
    if not number:
        proc.kill()
        pytest.fail("Xvfb did not start")
    display = f":{number}"
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    try:
        yield display
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _xclip_out() -> str:
    return subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True,
                          text=True, timeout=10, check=True).stdout


@pytest.mark.e2e
def test_copy_round_trips_through_x(xdisplay: str) -> None:
    text = "export AWS_ACCESS_KEY_ID=ASIA\nünïcode\n"
    assert clipboard.copy(text) == "xclip"
    assert _xclip_out() == text
    assert clipboard.paste() == text


@pytest.mark.e2e
def test_autoclear_only_when_still_ours(xdisplay: str) -> None:
    clipboard.copy("secret-1")
    proc = clipboard.schedule_clear("secret-1", 0.2)
    assert proc is not None and proc.wait(timeout=30) == 0
    assert _xclip_out() == ""
    clipboard.copy("secret-2")
    proc = clipboard.schedule_clear("secret-2", 0.5)
    clipboard.copy("the user copied something else")
    assert proc is not None and proc.wait(timeout=30) == 0
    assert _xclip_out() == "the user copied something else"


@pytest.mark.e2e
def test_cli_copy_round_trips(xdisplay: str, signed_in: str, emulator: object,
                              isolated_home: Path) -> None:
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    proc = subprocess.run(
        [sys.executable, "-m", "ssotui", "creds", account.account_id, roles[0],
         "--format", "fish", "--copy", "--sso-session", SESSION],
        capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "", "secrets go to the clipboard, not the terminal"
    assert "copied" in proc.stderr and "(xclip)" in proc.stderr
    pasted = _xclip_out()
    assert re.fullmatch(
        r'set -gx AWS_ACCESS_KEY_ID "ASIA\w+"\n'
        r'set -gx AWS_SECRET_ACCESS_KEY "[^"]+"\n'
        r'set -gx AWS_SESSION_TOKEN "[^"]+"\n'
        r'set -gx AWS_CREDENTIAL_EXPIRATION "[0-9T:-]+\+00:00"\n',
        pasted,
    ), pasted

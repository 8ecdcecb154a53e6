"""Auto-clear and the terminal clipboard (OSC 52, the SSH case): the note says what
is cleared, and the terminal clipboard is cleared too when asked, in a real tmux."""

from __future__ import annotations

import os
import select
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from conftest import require_tool
from ssotui.core import clipboard


def test_osc52_only_copy_says_it_is_not_cleared():
    plan = clipboard.plan_clear(30, system=None, osc52=True, clear_terminal=False)
    assert not plan.system and not plan.terminal and plan.sequence == ""
    assert "not" in plan.note and "OSC 52" in plan.note and "clear it yourself" in plan.note


def test_both_clipboards_named_in_the_note():
    plan = clipboard.plan_clear(30, system="xclip", osc52=True, clear_terminal=False)
    assert plan.system and "system clipboard will be cleared in 30s" in plan.note
    assert "terminal clipboard (OSC 52) will not be" in plan.note
    plan = clipboard.plan_clear(30, system="xclip", osc52=True, clear_terminal=True)
    assert plan.system and plan.terminal and plan.sequence == clipboard.osc52_clear_sequence()
    assert "OSC 52" in plan.note and "not" not in plan.note


def test_terminal_only_clear_and_no_autoclear():
    plan = clipboard.plan_clear(45, system=None, osc52=True, clear_terminal=True, tmux=True)
    assert plan.terminal and not plan.system and plan.seconds == 45
    assert plan.sequence == clipboard.osc52_clear_sequence(tmux=True)
    assert "terminal clipboard (OSC 52) will be cleared in 45s" in plan.note
    assert clipboard.plan_clear(0, system="xclip", osc52=True, clear_terminal=True).note == ""
    assert clipboard.plan_clear(30, system="xclip", osc52=False,
                                clear_terminal=True).note == "the clipboard will be cleared in 30s"


def test_clear_sequence_replaces_then_empties():
    seq = clipboard.osc52_clear_sequence()
    assert seq == "\x1b]52;c;IA==\x07\x1b]52;c;\x07"


def test_detached_clearer_writes_the_clear_to_the_terminal():
    master, slave = os.openpty()
    try:
        proc = clipboard.schedule_clear("s3cr3t-value", 0.1, tty=os.ttyname(slave))
        assert proc is not None
        assert not any("s3cr3t" in str(a) for a in proc.args)  # only a digest is passed
        got = b""
        deadline = time.monotonic() + 30
        want = clipboard.osc52_clear_sequence().encode()
        while want not in got and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                got += os.read(master, 4096)
        proc.wait(timeout=30)
    finally:
        os.close(master)
        os.close(slave)
    assert want in got
    assert b"s3cr3t" not in got


def test_write_to_terminal_never_writes_a_regular_file(tmp_path: Path):
    f = tmp_path / "not-a-tty"
    f.write_text("keep")
    assert clipboard.write_to_terminal(str(f), "\x1b]52;c;\x07") is False
    assert f.read_text() == "keep"
    assert clipboard.write_to_terminal(str(tmp_path / "gone"), "x") is False


@pytest.mark.e2e
def test_terminal_clipboard_is_cleared_in_real_tmux():
    """An OSC 52 copy lands in tmux's clipboard (set-clipboard on, as over SSH);
    the scheduled clear replaces it."""
    tmux = require_tool("tmux")
    sock = f"ssotui-{uuid.uuid4().hex[:8]}"
    script = (
        "import os, sys, time\n"
        "from ssotui.core import clipboard\n"
        "tty = os.ttyname(1)\n"
        "os.write(1, clipboard.osc52_sequence('s3cr3t-value').encode())\n"
        "time.sleep(1.5)\n"
        "clipboard.schedule_clear('s3cr3t-value', 0.5, tty=tty)\n"
        "time.sleep(60)\n"
    )
    cmd = shlex.join([sys.executable, "-c", script])

    def buffer() -> str:
        out = subprocess.run([tmux, "-L", sock, "show-buffer"], capture_output=True, text=True)
        return out.stdout if out.returncode == 0 else ""

    def wait_for(pred) -> bool:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if pred(buffer()):
                return True
            time.sleep(0.1)
        return False

    subprocess.run([tmux, "-L", sock, "-f", "/dev/null", "new-session", "-d", "-x", "80",
                    "-y", "24", "sleep 120"], check=True)
    try:
        subprocess.run([tmux, "-L", sock, "set", "-g", "set-clipboard", "on"], check=True)
        subprocess.run([tmux, "-L", sock, "respawn-pane", "-k", cmd], check=True)
        assert wait_for(lambda b: b == "s3cr3t-value"), "the OSC 52 copy never reached tmux"
        assert wait_for(lambda b: b != "s3cr3t-value"), "the terminal clipboard kept the secret"
        assert "s3cr3t" not in buffer()
    finally:
        subprocess.run([tmux, "-L", sock, "kill-server"], capture_output=True)

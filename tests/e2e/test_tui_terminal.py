"""End to end in a real terminal: tmux runs `ssotui --demo`; the X clipboard is
real (Xvfb + xclip). Nothing here is simulated inside the process under test."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import require_tool
from tui.tuikit import x_clipboard, xvfb

pytestmark = pytest.mark.e2e

LIMIT = 60.0  # seconds to wait for anything to appear (a slow shared CI box)


@pytest.fixture
def xdisplay() -> Iterator[str]:
    with xvfb() as display:
        yield display


class Tmux:
    """One private tmux server (its own socket) with one window."""

    def __init__(self, env: dict[str, str], command: str, size: tuple[int, int] = (120, 36)):
        self.tmux = require_tool("tmux")
        self.socket = f"ssotui-e2e-{uuid.uuid4().hex[:8]}"
        self.env = env
        args = [self.tmux, "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
                "-x", str(size[0]), "-y", str(size[1]), "-s", "t"]
        for key, value in env.items():
            args += ["-e", f"{key}={value}"]
        subprocess.run([*args, command], check=True, env=env)

    def run(self, *args: str) -> str:
        return subprocess.run([self.tmux, "-L", self.socket, *args], check=True,
                              capture_output=True, text=True, env=self.env).stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def pane(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", "t")  # -J: wrapped lines joined

    def wait(self, cond: Callable[[str], bool], what: str) -> str:
        deadline = time.monotonic() + LIMIT
        while True:
            text = self.pane()
            if cond(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}; pane:\n{text}")
            time.sleep(0.2)

    def kill(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True)


def terminal_env(tmp_path: Path, display: str | None = None) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path / "user"),
        "TMPDIR": str(tmp_path),  # the demo's throwaway dir lands here
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "BROWSER": "true",
    }
    if display:
        env["DISPLAY"] = display
    (tmp_path / "user").mkdir(exist_ok=True)
    return env


def ssotui_cmd(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in [sys.executable, "-m", "ssotui", *args])


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


def test_print_env_switches_the_calling_shell(tmp_path: Path) -> None:
    env = terminal_env(tmp_path)
    term = Tmux(env, "bash --norc --noprofile")
    try:
        term.keys(f'eval "$({ssotui_cmd("--demo", "--print-env")})"; '
                  'echo "KEY=$AWS_ACCESS_KEY_ID SECRET_LEN=${#AWS_SECRET_ACCESS_KEY}"',
                  literal=True)
        term.keys("Enter")
        term.wait(lambda t: "accounts ·" in t and "listing…" not in t, "the picker")
        term.keys("prod-pay adm", literal=True)
        term.wait(lambda t: "AdministratorAccess" in t, "filtered")
        term.keys("Enter")
        pane = term.wait(lambda t: any(ln.startswith("KEY=") for ln in t.splitlines()),
                         "the shell's echo")
    finally:
        term.kill()
    line = next(ln for ln in pane.splitlines() if ln.startswith("KEY="))
    key, length = line.split()
    assert key.startswith("KEY=ASIA") and len(key) > len("KEY=ASIA") + 8
    assert int(length.split("=")[1]) > 20

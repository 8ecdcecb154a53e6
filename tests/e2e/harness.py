"""The end-to-end harness: a private tmux server, the environment a terminal gets, and
an emulator that remembers which role each access key it handed out belongs to."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import require_tool

LIMIT = 60.0  # seconds to wait for anything to appear (a slow shared CI box)
BIN = str(Path(sys.executable).parent)  # where the installed `ssotui` script lives


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

    def rows(self) -> list[str]:
        """The screen row by row, as drawn (no joining), trailing blanks dropped."""
        return self.run("capture-pane", "-p", "-t", "t").split("\n")[:-1]

    def wait(self, cond: Callable[[str], bool], what: str, limit: float = LIMIT,
             fail: Callable[[str], bool] | None = None) -> str:
        """The pane once `cond` holds; fails at once when `fail` holds."""
        deadline = time.monotonic() + limit
        while True:
            text = self.pane()
            if cond(text):
                return text
            if (fail is not None and fail(text)) or time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting for {what}; pane:\n{text}")
            time.sleep(0.2)

    def kill(self) -> None:
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True)


def terminal_env(tmp_path: Path, display: str | None = None) -> dict[str, str]:
    env = {
        "PATH": BIN + os.pathsep + os.environ["PATH"],
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


# what a terminal inherits from the test's isolated HOME (tests/conftest.py)
AWS_VARS = ["HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "SSOTUI_CACHE_DIR",
            "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "AWS_ENDPOINT_URL_SSO",
            "AWS_ENDPOINT_URL_SSO_OIDC"]


def signed_in_env(tmp_path: Path) -> dict[str, str]:
    """A terminal signed in to the test's emulator (the `signed_in` fixture)."""
    env = terminal_env(tmp_path)
    env.update({k: os.environ[k] for k in AWS_VARS})
    return env


def ssotui_cmd(*args: str) -> str:
    return " ".join(shlex.quote(a) for a in [sys.executable, "-m", "ssotui", *args])


def record_credentials(monkeypatch: Any) -> dict[str, tuple[str, str]]:
    """{access key id: (account id, role)} for every GetRoleCredentials the emulator
    answers from now on: the test can tell exactly which role a shell was given."""
    import json

    from ssotui.emulator import ROUTES

    key = ("GET", "/federation/credentials")
    name, auth, handler = ROUTES[key]
    issued: dict[str, tuple[str, str]] = {}

    def recording(state: Any, req: Any, base: str) -> Any:
        resp = handler(state, req, base)
        if resp.status == 200:
            creds = json.loads(resp.body)["roleCredentials"]
            issued[creds["accessKeyId"]] = (req.query["account_id"], req.query["role_name"])
        return resp

    monkeypatch.setitem(ROUTES, key, (name, auth, recording))
    return issued

"""On a terminal and without --yes, `profiles sync` shows the summary and asks: "y"
writes, anything else writes nothing (exit 1). Run in a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REGION, SESSION, START_URL
from interop import child_env
from ssotui.core import dircache
from ssotui.core.models import Account, SsoSession


def _in_pty(env: dict[str, str], answer: bytes) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ssotui", "profiles", "sync", "--cached"],
                            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    try:
        while b"[y/N]" not in out and time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                out += os.read(master, 4096)
        os.write(master, answer + b"\n")
        while time.monotonic() < deadline:
            if select.select([master], [], [], 1)[0]:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
        return proc.wait(timeout=30), out.decode(errors="replace")
    finally:
        os.close(master)


@pytest.fixture
def env(isolated_home: Path) -> dict[str, str]:
    config = isolated_home / ".aws" / "config"
    config.write_text(f"[sso-session {SESSION}]\nsso_start_url = {START_URL}\n"
                      f"sso_region = {REGION}\n")
    accounts = [Account(f"{100000000000 + i}", f"acct-{i}") for i in range(3)]
    dircache.save(SsoSession(SESSION, START_URL, REGION), accounts,
                  {a.account_id: ("Admin", "ReadOnly") for a in accounts})
    return child_env({k: os.environ[k] for k in (
        "HOME", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "SSOTUI_CACHE_DIR",
        "XDG_CONFIG_HOME")})


def test_a_terminal_is_asked_and_no_writes_nothing(env: dict[str, str]) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    before = config.read_bytes()
    code, out = _in_pty(env, b"n")
    assert code == 1, out
    assert "6 added, 0 changed" in out and "nothing written" in out
    assert config.read_bytes() == before


def test_a_terminal_is_asked_and_yes_writes(env: dict[str, str]) -> None:
    config = Path(env["AWS_CONFIG_FILE"])
    code, out = _in_pty(env, b"y")
    assert code == 0, out
    assert config.read_text().count("# ssotui: managed ") == 6

"""Standard output that cannot be written: one line, exit 1 (`> /dev/full`, `>&-`);
a reader that left (`| head`) stays quiet with 141. Real runs against the emulator."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from interop import aws_env as child_aws_env
from interop import child_env


def _env(emulator: object, home: Path) -> dict[str, str]:
    return child_env(child_aws_env(home, emulator.url,  # type: ignore[attr-defined]
                                   SSOTUI_CACHE_DIR=str(home / "c")))


def _commands(emulator: object) -> dict[str, list[str]]:
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    return {"creds": ["creds", account.account_id, roles[0]],
            "creds-process": ["creds", account.account_id, roles[0], "--format", "process"],
            "list": ["list"], "list-json": ["list", "--json"]}


def _run_sh(args: list[str], redirect: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cmd = shlex.join([sys.executable, "-m", "ssotui", *args])
    return subprocess.run(["bash", "-c", f"exec {cmd} {redirect}"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("redirect", [">/dev/full", ">&-"])
def test_unwritable_stdout_is_one_line_and_exit_1(signed_in, emulator, isolated_home, redirect):
    if redirect == ">/dev/full" and not os.path.exists("/dev/full"):
        pytest.fail("/dev/full missing")
    env = _env(emulator, isolated_home)
    for name, args in _commands(emulator).items():
        proc = _run_sh(args, redirect, env)
        assert proc.returncode == 1, (name, proc.stderr)
        lines = proc.stderr.splitlines()
        assert len(lines) == 1, (name, proc.stderr)
        assert lines[0].startswith("ssotui: cannot write to standard output"), lines


def test_closed_stdout_is_fine_when_nothing_goes_to_it(signed_in, emulator, isolated_home):
    """--write-credentials prints nothing: a closed stdout is no error. (fd 1 gets
    /dev/null first, so the files and sockets opened later never take its number.)"""
    env = _env(emulator, isolated_home)
    account, roles = emulator.org[0]
    proc = _run_sh(["creds", account.account_id, roles[0], "--write-credentials", "dev"], ">&-",
                   env)
    assert proc.returncode == 0, proc.stderr
    text = (isolated_home / ".aws" / "credentials").read_text()
    assert text.startswith("[dev]") and "export" not in text


def test_closed_stderr_does_not_send_errors_to_stdout(signed_in, emulator, isolated_home):
    env = _env(emulator, isolated_home)
    proc = _run_sh(["creds", "000000000000", "NoSuchRole"], "2>&-", env)
    assert proc.returncode == 2
    assert proc.stdout == ""  # an error on stdout would be eval'ed


def test_reader_that_left_is_quiet_141(signed_in, emulator, isolated_home):
    env = _env(emulator, isolated_home)
    for args in _commands(emulator).values():
        proc = subprocess.Popen([sys.executable, "-m", "ssotui", *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before anything is written
        err = proc.stderr.read()
        assert proc.wait(timeout=120) == 141, err
        assert err == b""

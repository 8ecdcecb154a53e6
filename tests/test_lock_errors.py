"""Lock errors are one line naming the lock file and the fix: a read-only directory,
a stale lock left by another user (root), a lock path that is a directory or a
dangling symlink.

Tests run as root, whom permissions do not stop, so the writer runs as `nobody`
in a child process (setpriv); as any other user it runs as that user."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import require_tool
from ssotui.core import files
from ssotui.core.errors import UsageError

NOBODY = 65534
WRITE = """
import sys
from ssotui.core import files
from ssotui.core.errors import SsotuiError
try:
    files.update(sys.argv[1], lambda old: (old or "") + "x = 1\\n")
except SsotuiError as exc:
    print(exc, file=sys.stderr)
    sys.exit(exc.exit_code)
"""


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    return [require_tool("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory the unprivileged child can reach (pytest's tmp_path is root-only)."""
    with tempfile.TemporaryDirectory(prefix="ssotui-lock-") as d:
        os.chmod(d, 0o755)
        yield Path(d)


def _write(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_as_user(), sys.executable, "-c", WRITE, str(path)],
                          capture_output=True, text=True, timeout=60, check=False,
                          env={"PATH": os.environ["PATH"], "HOME": "/nonexistent"})


def _give(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)


def test_read_only_directory_names_the_directory_and_the_fix(shared_dir: Path):
    aws = shared_dir / ".aws"
    aws.mkdir(mode=0o755)  # root's (or read-only): the child may not create files here
    if os.geteuid() != 0:
        aws.chmod(0o555)
    config = aws / "config"
    config.write_text("[default]\n")
    config.chmod(0o666)
    _give(config)
    proc = _write(config)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "No such file" not in proc.stderr
    assert f"cannot create the lock file {config}.lock" in proc.stderr
    assert f"the directory {aws} is not writable" in proc.stderr
    assert f"chmod u+w {aws}" in proc.stderr
    assert config.read_text() == "[default]\n"


def test_stale_lock_of_another_user_says_whose_and_how_to_remove_it(shared_dir: Path):
    if os.geteuid() != 0:
        pytest.skip("needs a lock file owned by another user: run as root (as CI does)")
    aws = shared_dir / ".aws"
    aws.mkdir()
    _give(aws)
    config = aws / "config"
    config.write_text("[default]\n")
    _give(config)
    lock = aws / "config.lock"
    lock.write_text("")
    lock.chmod(0o600)  # what a killed `sudo ssotui` leaves behind
    proc = _write(config)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert f"lock file {lock} (owned by root" in proc.stderr
    assert f"`rm {lock}`" in proc.stderr
    lock.unlink()  # the fix it names works
    assert _write(config).returncode == 0
    assert config.read_text() == "[default]\nx = 1\n"


def test_lock_path_that_is_a_directory_or_a_dangling_symlink(tmp_path: Path):
    config = tmp_path / "config"
    config.write_text("[default]\n")
    lock = tmp_path / "config.lock"
    lock.mkdir()
    with pytest.raises(UsageError, match=f"the lock file {lock} is a directory; remove it"):
        files.update(config, lambda old: "changed\n")
    lock.rmdir()
    (tmp_path / "gone").mkdir()
    lock.symlink_to(tmp_path / "gone" / "sub" / "x")
    with pytest.raises(UsageError, match=f"the lock file {lock} is a symlink"):
        files.update(config, lambda old: "changed\n")
    assert config.read_text() == "[default]\n"


def test_immutable_directory_as_root(tmp_path: Path):
    """chattr +i stops even root: the same one line, not "No such file"."""
    if os.geteuid() != 0:
        pytest.skip("chattr +i needs root")
    chattr = require_tool("chattr")
    config = tmp_path / "config"
    config.write_text("[default]\n")
    if subprocess.run([chattr, "+i", str(tmp_path)], capture_output=True).returncode != 0:
        pytest.fail("chattr +i failed on this file system")
    try:
        with pytest.raises(UsageError) as exc:
            files.update(config, lambda old: "changed\n")
    finally:
        subprocess.run([chattr, "-i", str(tmp_path)], check=True)
    assert f"cannot create the lock file {config}.lock" in str(exc.value)
    assert "No such file" not in str(exc.value)

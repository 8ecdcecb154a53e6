"""The two cache writers ssotui owns, the SSO token cache (`tokens.save_token`, holding
tokens and client secrets) and the listing cache (`dircache.save`), keep their promise:
a process killed mid-write leaves the old file or the new one, never a part; the file
is 0600 whatever the umask or its old mode; a symlinked cache dir or file is followed.

The kill is deterministic: the child writes under RLIMIT_FSIZE, so the kernel sends
SIGXFSZ (default action: terminate) at the first byte past the limit, mid-write.
"""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interop import run_python
from ssotui.core import dircache, tokens
from ssotui.core.models import Account, SsoSession, Token

SESSION = SsoSession("corp", "https://d-emulator.awsapps.com/start", "us-east-1")
BIG = 400_000  # bytes of new content: well past the child's file size limit
LIMIT = 64_000  # the child's RLIMIT_FSIZE: more than the old content, less than the new


def _token(size: int) -> Token:
    return Token(access_token="a" * size, expires_at=datetime.now(UTC) + timedelta(hours=1),
                 start_url=SESSION.start_url, region=SESSION.region,
                 refresh_token="r" * 40, client_id="cid", client_secret="s" * 40)


def _org(size: int) -> tuple[list[Account], dict[str, tuple[str, ...]]]:
    accounts = [Account(f"{i:012d}", f"acct-{i}", f"a{i}@example.com") for i in range(size)]
    return accounts, {a.account_id: ("ReadOnly",) for a in accounts}


@dataclass(frozen=True)
class Writer:
    name: str
    path: Callable[[], Path]
    write: Callable[[int], None]  # content of about this many bytes
    size_of: Callable[[], int]  # what a reader now sees (raises if unreadable)
    child_write: str  # Python code writing BIG bytes' worth in a child process


WRITERS = [
    Writer(
        "token-cache",
        lambda: tokens.token_path(SESSION),
        lambda n: tokens.save_token(SESSION, _token(n)),
        lambda: len(tokens.load_token(SESSION).access_token),  # type: ignore[union-attr]
        "from test_cache_writes import SESSION, _token\n"
        "from ssotui.core import tokens\n"
        f"tokens.save_token(SESSION, _token({BIG}))",
    ),
    Writer(
        "listing-cache",
        lambda: dircache.cache_path(SESSION),
        lambda n: dircache.save(SESSION, *_org(max(1, n // 60))),
        lambda: len(dircache.load(SESSION).accounts) * 60,  # type: ignore[union-attr]
        "from test_cache_writes import SESSION, _org\n"
        "from ssotui.core import dircache\n"
        f"dircache.save(SESSION, *_org({BIG // 60}))",
    ),
]


@pytest.fixture(params=WRITERS, ids=[w.name for w in WRITERS])
def writer(request: pytest.FixtureRequest) -> Writer:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """A permissive umask: a new file is 0600 only because the writer makes it so."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_kill_mid_write_leaves_the_old_file(writer: Writer, isolated_home: Path) -> None:
    writer.write(600)
    path = writer.path()
    before = path.read_bytes()
    assert len(before) < LIMIT
    code = f"""
        import resource, signal, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        {writer.child_write.splitlines()[0]}
        {writer.child_write.splitlines()[1]}
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it by default
        resource.setrlimit(resource.RLIMIT_FSIZE, ({LIMIT}, {LIMIT}))
        {writer.child_write.splitlines()[2]}
        print("not killed")
        """
    env = {"HOME": str(isolated_home), "SSOTUI_CACHE_DIR": os.environ["SSOTUI_CACHE_DIR"],
           "PYTHONDONTWRITEBYTECODE": "1"}
    proc = run_python(code, env=env)
    assert proc.returncode == -signal.SIGXFSZ, (proc.returncode, proc.stdout, proc.stderr)
    assert path.read_bytes() == before  # the old file, whole
    assert writer.size_of() < LIMIT


def test_new_and_existing_files_are_0600_whatever_the_umask(
    writer: Writer, isolated_home: Path, umask_zero: None,
) -> None:
    writer.write(100)
    path = writer.path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    writer.write(200)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert writer.size_of() >= 200 - 60
    leftovers = [p.name for p in path.parent.iterdir() if p != path]
    assert [n for n in leftovers if not n.endswith(".lock")] == []


def test_a_symlinked_cache_dir_and_file_are_followed(
    writer: Writer, isolated_home: Path,
) -> None:
    cache_dir = writer.path().parent
    real_dir = isolated_home / "elsewhere" / "cache"
    real_dir.mkdir(parents=True)
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    cache_dir.symlink_to(real_dir, target_is_directory=True)
    writer.write(100)
    path = writer.path()
    assert cache_dir.is_symlink() and (real_dir / path.name).is_file()

    # The file itself a symlink (dotfiles managers do this): its target is replaced.
    target = isolated_home / "dotfiles" / path.name
    target.parent.mkdir()
    (real_dir / path.name).rename(target)
    path.symlink_to(target)
    writer.write(3000)
    assert path.is_symlink() and os.readlink(path) == str(target)
    assert writer.size_of() >= 3000 - 60
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

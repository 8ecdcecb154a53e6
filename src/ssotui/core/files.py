"""Safe writes for files users care about (~/.aws/config, credentials, caches).

- Symlinks are followed: dotfile repos symlink ~/.aws/config, and replacing the
  link with a regular file would silently fork the user's config.
- A write goes to a temp file in the target's directory, is fsynced, renamed over
  the target and the directory is fsynced, so a crash leaves the old or the new
  file, never a mix.
- The file's permission bits are kept (0600 for new files: they may hold secrets).
- `locked(path)` takes a cross-process lock on `<target>.lock`; a read-modify-write
  (`update`) happens entirely under it so concurrent writers never lose each
  other's changes. The lock file is deleted on release, so ~/.aws keeps no
  `config.lock` (a killed process can leave one; the next write removes it).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ssotui.core.errors import RuntimeFailure, UsageError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

NEW_FILE_MODE = 0o600
LOCK_TIMEOUT = 30.0
_POLL = 0.05
_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def resolve(path: str | os.PathLike[str]) -> Path:
    """The file a write to `path` must change: symlinks followed to their target.

    A symlink whose target is missing is refused rather than replaced by a file."""
    p = Path(path).expanduser()
    if p.is_symlink() and not p.exists():
        raise UsageError(
            f"{p} is a symlink to a missing file ({os.readlink(p)}); "
            "create the target or remove the link"
        )
    target = Path(os.path.realpath(p))
    if target.exists() and not target.is_file():
        raise UsageError(f"{target} is not a regular file")
    return target


def _check_readable(target: Path, st: os.stat_result) -> None:
    # Checked on the mode bits too: as root, os.access says yes to everything.
    if not st.st_mode & 0o444 or not os.access(target, os.R_OK):
        raise UsageError(f"cannot read {target}: permission denied; fix with `chmod u+r {target}`")


def _check_writable(target: Path, st: os.stat_result) -> None:
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise UsageError(
            f"{target} is read-only; nothing written (make it writable with `chmod u+w {target}`)"
        )


def read_text(path: str | os.PathLike[str]) -> str | None:
    """The file's text (None when it does not exist), every byte kept.

    Decoded as UTF-8 with surrogateescape, so a BOM, CRLF and even invalid bytes
    survive a read/encode round trip unchanged."""
    target = resolve(path)
    try:
        st = target.stat()
    except FileNotFoundError:
        return None
    _check_readable(target, st)
    try:
        data = target.read_bytes()
    except PermissionError:
        raise UsageError(f"cannot read {target}: permission denied") from None
    except OSError as exc:
        raise UsageError(f"cannot read {target}: {exc.strerror}") from None
    return decode(data)


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


class LockTimeout(Exception):
    """The lock stayed taken for the whole timeout."""


def _lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


@contextmanager
def locked(path: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold an exclusive cross-process lock for `path` (on `<target>.lock`).

    Yields the resolved target. Each call opens its own lock file descriptor, so
    threads of one process exclude each other too. The lock file is removed on
    release (see `_flock`)."""
    target = resolve(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the directory {target.parent}: {exc.strerror}; "
                         "nothing written") from None
    lock_path = _lock_path(target)
    try:
        with _flock(lock_path, timeout) if fcntl is not None else _filelock(lock_path, timeout):
            yield target
    except LockTimeout:
        raise RuntimeFailure(
            f"{target} is locked by another ssotui process (lock {lock_path}); "
            "try again, or delete the lock file if no ssotui is running"
        ) from None


@contextmanager
def _flock(lock_path: Path, timeout: float) -> Iterator[None]:
    """flock(2) on `lock_path`, unlinked again before release.

    Unlinking a lock file someone may be waiting on is only safe with a check
    after each acquisition: a waiter that wins the lock on an inode that is no
    longer (or no longer the one) at `lock_path` holds nothing, so it closes and
    tries again with a fresh open. The holder unlinks only while holding the
    lock on the inode the path names, so at most one process ever holds a lock
    on the inode currently at `lock_path`. A killed holder just leaves the file;
    the kernel drops its lock and the next holder removes it."""
    assert fcntl is not None
    deadline = time.monotonic() + timeout
    while True:
        fd = _open_lock_file(lock_path)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(str(lock_path)) from None
                    time.sleep(_POLL)
            held = os.fstat(fd)
            try:
                current: os.stat_result | None = os.stat(lock_path)
            except FileNotFoundError:
                current = None
            if current is not None and (current.st_dev, current.st_ino) == (held.st_dev, held.st_ino):
                break  # the lock is ours; fd stays open until release
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the file was removed or replaced while we waited: retry
    try:
        yield
    finally:
        _unlink_quietly(str(lock_path))  # still holding the lock: nobody can be mid-check on it
        os.close(fd)


def _open_lock_file(lock_path: Path) -> int:
    flags = getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(lock_path, os.O_RDWR | os.O_CREAT | flags, 0o600)
    except PermissionError as exc:
        # someone else's lock file (root ran ssotui): flock works on a read-only fd too
        try:
            return os.open(lock_path, os.O_RDONLY | flags)
        except FileNotFoundError:
            raise _lock_error(lock_path, exc) from None  # no lock file and none allowed
        except OSError as again:
            raise _lock_error(lock_path, again) from None
    except OSError as exc:
        raise _lock_error(lock_path, exc) from None


def _owner(path: Path) -> str:
    try:
        uid = path.lstat().st_uid
    except OSError:
        return "another user"
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def _lock_error(lock_path: Path, exc: OSError) -> UsageError:
    """One line naming the lock file, what is wrong and the fix (never just the
    errno text: "No such file" for a read-only directory helps nobody)."""
    directory = lock_path.parent
    if exc.errno == errno.EROFS:
        return UsageError(f"cannot lock {lock_path.with_suffix('')}: {directory} is on a "
                          "read-only file system; nothing written")
    if lock_path.is_symlink():
        return UsageError(f"the lock file {lock_path} is a symlink ({os.readlink(lock_path)}); "
                          f"remove it (`rm {lock_path}`) and try again; nothing written")
    if os.path.lexists(lock_path):
        if lock_path.is_dir():
            return UsageError(f"the lock file {lock_path} is a directory; remove it "
                              f"(`rmdir {lock_path}`) and try again; nothing written")
        remove = "rm" if os.access(directory, os.W_OK) else "sudo rm"
        return UsageError(
            f"cannot open the lock file {lock_path} (owned by {_owner(lock_path)}: "
            f"{exc.strerror}); it was left by ssotui run as another user: if none is "
            f"running, remove it (`{remove} {lock_path}`) and try again; nothing written"
        )
    return UsageError(
        f"cannot create the lock file {lock_path}: the directory {directory} is not "
        f"writable ({exc.strerror}); make it writable (`chmod u+w {directory}`) and try "
        "again; nothing written"
    )


@contextmanager
def _filelock(lock_path: Path, timeout: float) -> Iterator[None]:
    """Where fcntl is missing (Windows): filelock, which leaves the file behind."""
    from filelock import FileLock, Timeout  # Windows only: kept off the start-up path

    lock = FileLock(str(lock_path), timeout=timeout, thread_local=False, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(str(lock_path)) from None
    try:
        yield
    finally:
        lock.release()


def atomic_write(path: str | os.PathLike[str], data: str | bytes, mode: int | None = None,
                 *, private: bool = False) -> Path:
    """Replace `path`'s target with `data` atomically; returns the target written.

    `mode` applies to a new file (default 0600); an existing file keeps its mode,
    except that `private` (a file holding secrets) drops group/other bits.
    The caller should hold `locked(path)` when the new content was derived from
    the old."""
    target = resolve(path)
    raw = encode(data) if isinstance(data, str) else data
    try:
        st: os.stat_result | None = target.stat()
    except FileNotFoundError:
        st = None
    if st is not None:
        _check_writable(target, st)
        new_mode = stat.S_IMODE(st.st_mode)
        if private:
            new_mode &= 0o700
    else:
        new_mode = NEW_FILE_MODE if mode is None else mode
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"cannot write in {directory}: {exc.strerror}; nothing written") from None
    try:
        try:
            os.fchmod(fd, new_mode)
            if st is not None and (st.st_uid != os.getuid() or st.st_gid != os.getgid()):
                try:  # keep ownership when root edits a user's file
                    os.fchown(fd, st.st_uid, st.st_gid)
                except OSError:
                    pass
            view = memoryview(raw)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        _unlink_quietly(tmp)
        if exc.errno in _FULL:
            raise UsageError(
                f"cannot write {target}: disk full or file too large; {target} is unchanged"
            ) from None
        raise UsageError(f"cannot write {target}: {exc.strerror}; {target} is unchanged") from None
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(directory)
    return target


def update(
    path: str | os.PathLike[str],
    transform: Callable[[str | None], str | None],
    mode: int | None = None,
    *,
    private: bool = False,
) -> bool:
    """Read-modify-write under the lock: `transform(old_text_or_None)` returns the
    new text, or None / the same text for "no change" (then nothing is written,
    the mtime included). Returns whether the file was written."""
    with locked(path) as target:
        _remove_stale_temps(target)
        old = read_text(target)
        new = transform(old)
        if new is None or new == old:
            return False
        atomic_write(target, new, mode=mode, private=private)
        return True


def _remove_stale_temps(target: Path) -> None:
    """Temp files a killed writer left behind (they may hold secrets). Called under
    the lock, when no other ssotui writer can be mid-write."""
    import glob  # writers only: kept off the picker's start

    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        _unlink_quietly(str(leftover))


def _unlink_quietly(name: str) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

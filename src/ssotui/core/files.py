"""Safe writes for files users care about (~/.aws/config, credentials, caches).

- Symlinks are followed: dotfile repos symlink ~/.aws/config, and replacing the
  link with a regular file would silently fork the user's config.
- A write goes to a temp file in the target's directory, is fsynced, renamed over
  the target and the directory is fsynced, so a crash leaves the old or the new
  file, never a mix.
- The file's permission bits are kept (0600 for new files: they may hold secrets).
- `locked(path)` takes a cross-process lock on `<target>.lock`; a read-modify-write
  (`update`) happens entirely under it so concurrent writers never lose each
  other's changes.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ssotui.core.errors import RuntimeFailure, UsageError

NEW_FILE_MODE = 0o600
LOCK_TIMEOUT = 30.0
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


def _lock_path(target: Path) -> Path:
    return target.with_name(target.name + ".lock")


@contextmanager
def locked(path: str | os.PathLike[str], timeout: float = LOCK_TIMEOUT) -> Iterator[Path]:
    """Hold an exclusive cross-process lock for `path` (on `<target>.lock`).

    Yields the resolved target. Each call opens its own lock file descriptor, so
    threads of one process exclude each other too."""
    target = resolve(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(_lock_path(target)), timeout=timeout, thread_local=False, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise RuntimeFailure(
            f"{target} is locked by another ssotui process (lock {_lock_path(target)}); "
            "try again, or delete the lock file if no ssotui is running"
        ) from None
    try:
        yield target
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

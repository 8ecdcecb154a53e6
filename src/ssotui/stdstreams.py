"""Standard output and error that fail with one clear line (cli.main handles
OutputError once) instead of a traceback: a full disk, a closed descriptor."""

from __future__ import annotations

import os
import sys
from typing import Any

from ssotui.core.errors import RuntimeFailure


class OutputError(RuntimeFailure):
    """Standard output could not be written (full disk, closed descriptor)."""


class _Stream:
    """sys.stdout / sys.stderr with write errors turned into one clear line.

    stdout: an OSError (ENOSPC from /dev/full, EBADF when closed) becomes
    OutputError, handled once in main(); BrokenPipeError stays itself (the reader
    left: exit quietly). stderr: write errors are dropped, since there is nowhere
    left to report them, and a diagnostic must not turn success into a crash."""

    def __init__(self, stream: Any, *, is_stdout: bool, closed: bool = False) -> None:
        self._stream = stream
        self._is_stdout = is_stdout
        self._closed = closed

    def _failed(self, exc: OSError | None) -> None:
        if isinstance(exc, BrokenPipeError) or not self._is_stdout:
            if self._is_stdout:
                raise exc  # type: ignore[misc]
            return
        reason = "it is closed" if exc is None else (exc.strerror or str(exc))
        raise OutputError(f"cannot write to standard output: {reason}")

    def write(self, text: str) -> int:
        if self._closed:
            self._failed(None)
        try:
            return int(self._stream.write(text))
        except OSError as exc:
            self._failed(exc)
            return 0

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self._failed(exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def guard_std_streams() -> None:
    """Give closed descriptors 0-2 /dev/null, so no file or socket we open later gets
    number 1 (and receives the credentials meant for stdout); then wrap stdout and
    stderr (see _Stream)."""
    closed: set[int] = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if isinstance(sys.stdout, _Stream):
        return  # main() called again in the same process (tests)
    out = sys.stdout if 1 not in closed and sys.stdout is not None else open(os.devnull, "w")
    err = sys.stderr if 2 not in closed and sys.stderr is not None else open(os.devnull, "w")
    sys.stdout = _Stream(out, is_stdout=True, closed=1 in closed)  # type: ignore[assignment]
    sys.stderr = _Stream(err, is_stdout=False)  # type: ignore[assignment]


def silence_stdout() -> None:
    """Point fd 1 at /dev/null so the interpreter's final flush of what is still
    buffered cannot fail again (and print "Exception ignored")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)

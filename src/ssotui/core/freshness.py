"""When `ssotui list` trusts its listing cache, and one revalidation per sso-session.

A cache younger than the max age is printed and that is all. An older one is
printed and then revalidated by a detached process (its own session, stdin/stdout/
stderr on /dev/null), so `ssotui list | head` and `$(ssotui list)` end as soon as
the output is complete. Revalidations of one sso-session coalesce: each holds the
lock `<listing cache>.revalidate.lock` while it lists; a second one finds it held
and exits, and one that gets the lock after a revalidation finished (the cache
file changed since its parent looked) exits too. Nothing here imports botocore.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ssotui.core import dircache, files
from ssotui.core.errors import RuntimeFailure, UsageError
from ssotui.core.models import SsoSession

#: An org changes rarely; a script calling `list` in a loop should not list it again
#: every time (5,000 accounts take minutes at the portal's ~20 requests/s).
DEFAULT_MAX_AGE = 3600.0
#: How long a foreground listing waits for a running revalidation (a 5,000-account
#: listing takes ~250 s at 20 requests/s).
WAIT_FOR_REVALIDATION = 900.0

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def parse_duration(text: str) -> float:
    """Seconds in "90", "90s", "15m", "1h30m", "2d"; ValueError (naming the form) else."""
    t = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        return float(t)
    parts = _PART.findall(t)
    if not t or "".join(n + u for n, u in parts) != t:
        raise ValueError(f"{text!r} is not a duration (use e.g. 90s, 15m, 1h, 1h30m, 2d)")
    return float(sum(float(n) * _UNITS[u] for n, u in parts))


def age_seconds(cached: dircache.CachedDirectory, now: datetime | None = None) -> float:
    """Seconds since the cache was saved (a clock that went back counts as fresh)."""
    return max(0.0, ((now or datetime.now(UTC)) - cached.saved_at).total_seconds())


def cache_stamp(session: SsoSession) -> int:
    """The listing cache file's mtime in ns (0: none): what a revalidation compares
    to know whether another one rewrote the cache in the meantime."""
    try:
        return os.stat(dircache.cache_path(session)).st_mtime_ns
    except OSError:
        return 0


def _lock_target(session: SsoSession) -> Path:
    path = dircache.cache_path(session)
    return path.with_name(path.name + ".revalidate")


@contextmanager
def revalidation_lock(session: SsoSession, wait: float) -> Iterator[bool]:
    """Hold the sso-session's revalidation lock; yields False (holding nothing) when
    another process held it for all of `wait` seconds (0: do not wait), or when the
    cache dir cannot hold a lock file (a cache is never worth failing a listing)."""
    with ExitStack() as stack:
        try:
            stack.enter_context(files.locked(_lock_target(session), timeout=wait))
        except RuntimeFailure:  # held by another revalidation all along
            got = False
        except UsageError:  # read-only or foreign cache dir: list without the lock
            got = False
        else:
            got = True
        yield got


def revalidation_running(session: SsoSession) -> bool:
    """True while another process holds the sso-session's revalidation lock."""
    with revalidation_lock(session, 0) as got:
        return not got


def spawn_revalidation(session: SsoSession, seen: int) -> int | None:
    """Start `python -m ssotui.commands.revalidate` detached; returns its pid (None
    when it could not start: the cached output stands anyway).

    start_new_session: no terminal signals reach it; /dev/null for stdin, stdout and
    stderr and close_fds: no pipe or `$(...)` of the caller is held open."""
    argv = [sys.executable, "-m", "ssotui.commands.revalidate",
            f"--sso-session={session.name}", f"--seen={seen}"]
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, close_fds=True, start_new_session=True,
            cwd=os.path.abspath(os.sep),
        )
    except OSError:
        return None
    _detached.append(proc)  # never waited for: kept so no "still running" warning fires
    return proc.pid


_detached: list[subprocess.Popen[bytes]] = []

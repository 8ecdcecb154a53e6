"""Reading and writing the SSO cache files (`~/.aws/sso/cache`) safely.

Shared by core/tokens.py for tokens and client registrations: timestamps in the
AWS tools' forms, JSON that may be corrupt, and atomic private writes whose temp
files (they hold tokens and client secrets) never stay behind for long.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ssotui.core.errors import RuntimeFailure

try:  # the builtin SHA-1: hashlib's import initialises OpenSSL (~2.5 ms of the picker's start)
    from _sha1 import sha1 as _builtin_sha1
except ImportError:  # a Python built without it
    from hashlib import sha1 as _builtin_sha1

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
#: Timestamps outside these read as missing (see parse_time).
MIN_TIME = datetime(1970, 1, 1, tzinfo=UTC)
MAX_TIME = datetime(9000, 1, 1, tzinfo=UTC)
#: A temp file older than this was left by a killed or failed writer (see write_private).
STALE_TEMP_SECONDS = 60.0
TEMP_PREFIX = ".ssotui-"


def format_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(value: object) -> datetime | None:
    """A timezone-aware UTC datetime from any form the AWS tools write, else None.

    Accepts `...Z`, `...+00:00`, `...UTC` and fractional seconds; a naive value is
    taken as UTC (the AWS CLI always means UTC)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())  # the usual forms, without dateutil
    except ValueError:
        import dateutil.parser  # `...UTC` and other forms; ~15 ms to import, so only then

        try:
            parsed = dateutil.parser.parse(value)
        except (ValueError, OverflowError):
            return None
    try:
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # e.g. year 1 at +01:00 is before datetime.min
        return None
    # Arithmetic near datetime.min/max overflows (now + a refresh window, local time):
    # such a stamp is not one any AWS tool writes, so it reads as missing.
    if not MIN_TIME <= parsed <= MAX_TIME:
        return None
    return parsed



def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return None
    return data if isinstance(data, dict) else None


def _remove_stale_temps(directory: Path) -> None:
    """Temp files a killed or failed writer left behind: they hold tokens and client
    secrets. Only old ones go, so another process's write in progress is never hit."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        leftovers = list(directory.glob(f"{TEMP_PREFIX}*.tmp"))
    except OSError:
        return
    for leftover in leftovers:
        try:
            if leftover.lstat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            pass


def write_private(path: Path, body: dict[str, Any]) -> None:
    """Atomic write with mode 0600, as botocore's JSONFileCache does (temp, fsync, rename).

    Raises RuntimeFailure (one line, exit 1) when the cache cannot be written."""
    try:
        _write_raw(path, body)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RuntimeFailure(
            f"cannot write the SSO token cache {path.parent}: {reason}; "
            "nothing was saved (check that directory's permissions and free space)"
        ) from None


def _write_raw(path: Path, body: dict[str, Any]) -> None:
    if path.is_symlink():
        path = path.resolve()  # keep the user's symlink, replace its target
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(json.dumps(body))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def sha1_hex(text: str) -> str:
    """SHA-1 of `text` (UTF-8) in hex: the AWS CLI's cache file names."""
    return _builtin_sha1(text.encode("utf-8")).hexdigest()

"""User preferences: a small TOML file in the platformdirs user config dir
(`$XDG_CONFIG_HOME/ssotui/prefs.toml` on Linux).

A corrupt or partly wrong file never stops ssotui: unusable values fall back to
their defaults, with a warning saying which and where.

Keys (see `Prefs`): default_format, name_template (default profile name,
`{account_id}_{role_name}`), credentials_template (default section name for
`creds --write-credentials`, `{account_name}-{role_name}`; deliberately not the
profile default, since a credentials section named like an SSO profile is
ignored for that profile), favorites, recent, autoclear_seconds, default_region.
Placeholders: {account_name} {account_id} {role_name} {session}; characters
outside `A-Za-z0-9_.@+=,-` in a template's result become `-`.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from ssotui.core import files
from ssotui.core.exports import FORMATS
from ssotui.core.names import DEFAULT_CREDENTIALS_TEMPLATE, DEFAULT_TEMPLATE

RECENT_LIMIT = 20


@dataclass
class Prefs:
    default_format: str = "env"
    """Export format for copy / `creds` without --format (one of exports.FORMATS)."""
    name_template: str = DEFAULT_TEMPLATE
    """Default profile name (`ssotui profile` without --name); see names.PLACEHOLDERS."""
    credentials_template: str = DEFAULT_CREDENTIALS_TEMPLATE
    """Default section name for `creds --write-credentials` without a SECTION, same
    placeholders, sanitized like profile names. Keep it different from
    name_template: a credentials section named like an SSO profile is ignored for
    that profile (and ssotui refuses to write one without --force)."""
    favorites: list[str] = field(default_factory=list)
    """"account_id/role_name" entries shown first."""
    recent: list[str] = field(default_factory=list)
    """"account_id/role_name" entries, most recent first."""
    autoclear_seconds: int = 0
    """Clear the clipboard this long after a copy if it still holds our text (0: never)."""
    default_region: str | None = None
    """Region for new profiles; None: the sso-session's region."""


def prefs_path() -> Path:
    return Path(platformdirs.user_config_dir("ssotui", appauthor=False)) / "prefs.toml"


def _check(name: str, value: Any) -> bool:
    if name == "default_format":
        return isinstance(value, str) and value in FORMATS
    if name in ("name_template", "credentials_template"):
        return isinstance(value, str) and bool(value.strip())
    if name in ("favorites", "recent"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if name == "autoclear_seconds":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if name == "default_region":
        return value is None or (isinstance(value, str) and bool(value.strip()))
    return False


def load_prefs_with_warnings(path: Path | None = None) -> tuple[Prefs, list[str]]:
    """The preferences and what was wrong with the file (defaults used there)."""
    p = path or prefs_path()
    try:
        text = files.read_text(p)
    except Exception as exc:  # noqa: BLE001 - unreadable prefs must not stop ssotui
        return Prefs(), [f"{p}: {exc}; using default preferences"]
    if text is None:
        return Prefs(), []
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Prefs(), [f"{p} is not valid TOML ({exc}); using default preferences"]
    prefs, warnings = Prefs(), []
    known = {f.name for f in fields(Prefs)}
    for key, value in data.items():
        if key not in known:
            warnings.append(f"{p}: unknown preference {key!r} ignored")
        elif not _check(key, value):
            warnings.append(f"{p}: {key} = {value!r} is not valid; using the default")
        else:
            setattr(prefs, key, value)
    return prefs, warnings


def load_prefs(path: Path | None = None, warn: Callable[[str], None] | None = None) -> Prefs:
    """Preferences; warnings go to `warn` (default: stderr)."""
    prefs, warnings = load_prefs_with_warnings(path)
    for w in warnings:
        (warn or _stderr)(w)
    return prefs


def _stderr(message: str) -> None:
    print(f"ssotui: warning: {message}", file=sys.stderr)


def _dump(prefs: Prefs) -> str:
    import tomli_w  # only when saving: kept off the start-up path

    return tomli_w.dumps({k: v for k, v in asdict(prefs).items() if v is not None})


def save_prefs(prefs: Prefs, path: Path | None = None) -> None:
    """Write the preferences atomically (under the file lock)."""
    p = path or prefs_path()
    with files.locked(p):
        files.atomic_write(p, _dump(prefs), mode=0o600)


def update_prefs(change: Callable[[Prefs], Prefs], path: Path | None = None) -> Prefs:
    """Read, change and write the preferences under the lock (two ssotui windows
    adding favorites keep both)."""
    p = path or prefs_path()
    result: list[Prefs] = []

    def transform(_old: str | None) -> str:
        prefs, _ = load_prefs_with_warnings(p)
        result.append(change(prefs))
        return _dump(result[0])

    os.makedirs(p.parent, exist_ok=True)
    files.update(p, transform, mode=0o600)
    return result[0]


def with_recent(prefs: Prefs, key: str, limit: int = RECENT_LIMIT) -> Prefs:
    """`key` ("account_id/role") moved to the front of `recent`."""
    return replace(prefs, recent=([key] + [k for k in prefs.recent if k != key])[:limit])


def with_favorite_toggled(prefs: Prefs, key: str) -> Prefs:
    favs = [k for k in prefs.favorites if k != key]
    if len(favs) == len(prefs.favorites):
        favs.append(key)
    return replace(prefs, favorites=favs)

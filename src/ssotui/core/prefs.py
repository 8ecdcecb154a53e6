"""User preferences: a small TOML file in the platformdirs user config dir
(`$XDG_CONFIG_HOME/ssotui/prefs.toml` on Linux).

A corrupt or partly wrong file never stops ssotui: unusable values fall back to
their defaults, with a warning saying which and where. A file that is not valid
TOML is never written to (the warning names the line; `update_prefs` raises
PrefsUnreadable instead of writing). Edits go through tomlkit, so comments,
formatting and keys ssotui does not know stay as the user wrote them.

The recent list is ssotui's own state, not a preference: it lives in
core/recent.py's `recent.json` (`recent()`, `remember_recent(key)`); `Prefs.recent`
mirrors it so existing callers keep working. A `recent` key in prefs.toml (written
by older versions) is read only while that file does not exist yet.

Keys (see `Prefs`): default_format, name_template (default profile name,
`{account_id}_{role_name}`), credentials_template (default section name for
`creds --write-credentials`, `{account_name}-{role_name}`; deliberately not the
profile default, since a credentials section named like an SSO profile is
ignored for that profile), favorites, recent, autoclear_seconds, default_region,
list_max_age (how old a listing cache `ssotui list` prints without revalidating).
guardrails / confirm_production / production_marker (core/guardrails.py).
Placeholders: {account_name} {account_id} {role_name} {session}; characters
outside `A-Za-z0-9_.@+=,-` in a template's result become `-`.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from ssotui.core import files
from ssotui.core import recent as recent_state
from ssotui.core.errors import UsageError
from ssotui.core.exports import FORMATS
from ssotui.core.names import DEFAULT_CREDENTIALS_TEMPLATE, DEFAULT_TEMPLATE

if TYPE_CHECKING:
    from ssotui.core import guardrails

RECENT_LIMIT = recent_state.RECENT_LIMIT
# tomllib and core.guardrails are imported where a prefs.toml is read: without one
# (the usual case) the picker's start does not pay for them


class PrefsUnreadable(UsageError):
    """prefs.toml is not valid TOML: it is left untouched, so nothing can be saved."""


class Prefs:
    """prefs.toml's values (each documented below), defaults where unset.

    A plain class with a dataclass's ==, repr and keyword __init__: generating a
    dataclass's methods cost ~0.6 ms of the picker's start."""

    default_format: str
    """Export format for copy / `creds` without --format (one of exports.FORMATS)."""
    name_template: str
    """Default profile name (`ssotui profile` without --name); see names.PLACEHOLDERS."""
    credentials_template: str
    """Default section name for `creds --write-credentials` without a SECTION, same
    placeholders, sanitized like profile names. Keep it different from
    name_template: a credentials section named like an SSO profile is ignored for
    that profile (and ssotui refuses to write one without --force)."""
    favorites: list[str]
    """"account_id/role_name" entries shown first."""
    recent: list[str]
    """"account_id/role_name" entries, most recent first: kept in recent.json (core/recent.py),
    never in prefs.toml."""
    autoclear_seconds: int
    """Clear the clipboard this long after a copy if it still holds our text (0: never)."""
    default_region: str | None
    """Region for new profiles; None: the sso-session's region."""
    list_max_age: str | int
    """`ssotui list` prints a cache younger than this and exits; an older one is printed
    and revalidated in the background. A duration ("15m", "1h", "2d") or seconds."""
    guardrails: list[dict[str, Any]]
    """[[guardrails]] tables naming production accounts (core.guardrails); read only."""
    confirm_production: str
    """How the picker confirms acting on a production role: "key" or "name"."""
    production_marker: bool
    """Exports add SSOTUI_PRODUCTION (the label, or empty) for a prompt to show."""

    def __init__(self, *, default_format: str = "env", name_template: str = DEFAULT_TEMPLATE,
                 credentials_template: str = DEFAULT_CREDENTIALS_TEMPLATE,
                 favorites: list[str] | None = None, recent: list[str] | None = None,
                 autoclear_seconds: int = 0, default_region: str | None = None,
                 list_max_age: str | int = "1h",
                 guardrails: list[dict[str, Any]] | None = None,
                 confirm_production: str = "key", production_marker: bool = False) -> None:
        self.default_format = default_format
        self.name_template = name_template
        self.credentials_template = credentials_template
        self.favorites = [] if favorites is None else favorites
        self.recent = [] if recent is None else recent
        self.autoclear_seconds = autoclear_seconds
        self.default_region = default_region
        self.list_max_age = list_max_age
        self.guardrails = [] if guardrails is None else guardrails
        self.confirm_production = confirm_production
        self.production_marker = production_marker

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return f"Prefs({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"

    def replace(self, **changes: Any) -> Prefs:
        """A copy with `changes` (dataclasses.replace)."""
        return Prefs(**{**vars(self), **changes})


#: every preference's name, in the order documented above
FIELDS = tuple(vars(Prefs()))


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
    if name == "list_max_age":
        return _is_duration(value)
    if name == "guardrails":
        return isinstance(value, list)  # each table is checked by guardrails.parse_rules
    if name == "confirm_production":
        from ssotui.core.guardrails import CONFIRM_MODES

        return value in CONFIRM_MODES
    if name == "production_marker":
        return isinstance(value, bool)
    return False


def _is_duration(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return value >= 0
    if not isinstance(value, str):
        return False
    from ssotui.core.freshness import parse_duration

    try:
        parse_duration(value)
    except ValueError:
        return False
    return True


def _syntax_error(p: Path, exc: Exception) -> str:
    """One line: file, line, what is wrong, what happens and the fix."""
    message = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    where = f"{p}, line {found.group(1)}" if found else str(p)
    what = re.sub(r"\s*\(at line \d+, column \d+\)", "", message) or "syntax error"
    return (f"{where}: not valid TOML ({what}); using default preferences and leaving "
            "the file unchanged; fix that line or delete the file")


def _from_text(p: Path, text: str | None) -> tuple[Prefs, list[str], str | None]:
    """(preferences, warnings, syntax error or None) for prefs.toml's text. `recent`
    is left at its default here (it comes from the state file)."""
    prefs: Prefs = Prefs()
    if text is None:
        return prefs, [], None
    import tomllib

    from ssotui.core import guardrails

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        error = _syntax_error(p, exc)
        return prefs, [error], error
    warnings = []
    known = set(FIELDS)
    for key, value in data.items():
        if key not in known:
            warnings.append(f"{p}: unknown preference {key!r} ignored")
        elif not _check(key, value):
            warnings.append(f"{p}: {key} = {value!r} is not valid; using the default")
        else:
            setattr(prefs, key, value)
    warnings += guardrails.parse_rules(prefs.guardrails, str(p))[1]
    return prefs, warnings, None


def _with_state(prefs: Prefs) -> Prefs:
    stored = recent_state.load_recent()
    return prefs if stored is None else prefs.replace(recent=stored)


def load_prefs_with_warnings(path: Path | None = None) -> tuple[Prefs, list[str]]:
    """The preferences and what was wrong with the file (defaults used there)."""
    p = path or prefs_path()
    try:
        text = files.read_text(p)
    except Exception as exc:  # noqa: BLE001 - unreadable prefs must not stop ssotui
        return _with_state(Prefs()), [f"{p}: {exc}; using default preferences"]
    prefs, warnings, _ = _from_text(p, text)
    return _with_state(prefs), warnings


def load_prefs(path: Path | None = None, warn: Callable[[str], None] | None = None) -> Prefs:
    """Preferences; warnings go to `warn` (default: stderr)."""
    prefs, warnings = load_prefs_with_warnings(path)
    for w in warnings:
        (warn or _stderr)(w)
    return prefs


def _stderr(message: str) -> None:
    print(f"ssotui: warning: {message}", file=sys.stderr)


def _edited(p: Path, text: str | None, values: dict[str, Any]) -> str:
    """`text` with the given keys set (None: removed) and everything else kept."""
    import tomlkit  # only when saving: kept off the start-up path
    from tomlkit.exceptions import ParseError

    try:
        doc = tomlkit.parse(text or "")
    except ParseError as exc:  # tomllib accepted it; be as careful anyway
        raise PrefsUnreadable(_syntax_error(p, exc)) from None
    for key, value in values.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return tomlkit.dumps(doc)


def _write(p: Path, values: Callable[[Prefs], dict[str, Any]],
           then: Callable[[], None] | None = None) -> Prefs:
    """Read-modify-write prefs.toml under the lock; `values(old)` returns the keys to
    set. A file that is not valid TOML is never written: PrefsUnreadable. `then`
    runs under the same lock once the change is allowed (the recent list's write:
    two windows updating at once keep both changes)."""
    result: list[Prefs] = []

    def transform(old_text: str | None) -> str | None:
        old, _, error = _from_text(p, old_text)
        changes = values(old)
        result.append(old)
        if changes and error is not None:
            raise PrefsUnreadable(error.replace("using default preferences and leaving",
                                                "nothing saved; leaving"))
        if then is not None:
            then()
        return _edited(p, old_text, changes) if changes else None

    os.makedirs(p.parent, exist_ok=True)
    files.update(p, transform, mode=0o600)
    return result[0]


# guardrails are the user's to write: ssotui only reads them
_FILE_KEYS = [k for k in FIELDS if k not in ("recent", "guardrails")]


def save_prefs(prefs: Prefs, path: Path | None = None) -> None:
    """Write every preference (the recent list to its state file); other keys and
    comments in prefs.toml stay."""
    _write(path or prefs_path(), lambda _old: {k: getattr(prefs, k) for k in _FILE_KEYS},
           lambda: recent_state.save_recent(prefs.recent))


def update_prefs(change: Callable[[Prefs], Prefs], path: Path | None = None) -> Prefs:
    """Read, change and write the preferences under the lock (two ssotui windows
    adding favorites keep both). Only keys whose value changed are written; a change
    to `recent` alone never touches prefs.toml. Raises PrefsUnreadable (nothing
    written) when prefs.toml must change but is not valid TOML."""
    p = path or prefs_path()
    outcome: list[Prefs] = []

    def values(old: Prefs) -> dict[str, Any]:
        old = _with_state(old)
        new = change(old)
        outcome[:] = [old, new]
        return {k: getattr(new, k) for k in _FILE_KEYS if getattr(new, k) != getattr(old, k)}

    def save_recent() -> None:
        old, new = outcome
        if new.recent != old.recent:
            recent_state.save_recent(new.recent)

    _write(p, values, save_recent)
    return outcome[1]


def remember_recent(key: str) -> list[str]:
    """Move "account_id/role" to the front of the recent list; returns the list.
    (Through update_prefs: under the same lock as every other preference change.)"""
    return update_prefs(lambda p: with_recent(p, key)).recent


def recent() -> list[str]:
    """The recent list, most recent first."""
    return recent_state.recent()


def with_recent(prefs: Prefs, key: str, limit: int = RECENT_LIMIT) -> Prefs:
    """`key` ("account_id/role") moved to the front of `recent`."""
    return prefs.replace(recent=([key] + [k for k in prefs.recent if k != key])[:limit])


def production_rules(prefs: Prefs | None = None) -> list[guardrails.Rule]:
    """The usable [[guardrails]] rules (load_prefs already warned about the others)."""
    from ssotui.core import guardrails

    raw = (prefs if prefs is not None else load_prefs(warn=lambda _m: None)).guardrails
    return guardrails.parse_rules(raw)[0]


def with_favorite_toggled(prefs: Prefs, key: str) -> Prefs:
    favs = [k for k in prefs.favorites if k != key]
    if len(favs) == len(prefs.favorites):
        favs.append(key)
    return prefs.replace(favorites=favs)

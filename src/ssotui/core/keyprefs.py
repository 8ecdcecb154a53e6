"""The `[keys]` table of prefs.toml: the picker's key remapping (`copy = "ctrl+y"`).

Kept apart from core.prefs (which owns the other preferences and may carry the
table itself as `keys`): this module only reads it, never writes the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _strings(table: Any) -> dict[str, str] | None:
    if not isinstance(table, Mapping):
        return None
    return {str(k): v for k, v in table.items()}


def key_overrides(prefs: object, path: Path | None = None) -> tuple[dict[str, Any], list[str]]:
    """({action id: key}, warnings). From `prefs.keys` when the loaded prefs carry
    the table, else from the file. Values are checked by the UI (it knows the keys)."""
    carried = _strings(getattr(prefs, "keys", None))  # a prefs module that knows [keys]
    if carried is not None:
        return carried, []
    if path is None:
        from ssotui.core.prefs import prefs_path

        path = prefs_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [f"{path}: {exc.strerror or exc}; default keys"]
    import tomllib  # only with a prefs.toml: not on the usual start's path

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}, []  # core.prefs already says the file is not valid TOML
    table = data.get("keys", {})
    found = _strings(table)
    if found is None:
        return {}, [f"{path}: keys must be a table ([keys] copy = \"ctrl+y\"); default keys"]
    return found, []

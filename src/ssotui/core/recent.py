"""The recently used roles: ssotui's own state, kept out of the hand-edited prefs.toml.

`recent.json` in ssotui's cache dir (`SSOTUI_CACHE_DIR`, else the platformdirs user
cache dir), `{"version": 1, "recent": ["account_id/role", ...]}`, most recent first,
written atomically under the lock (core/files.py). Losing it only loses the list, so a
file that cannot be read counts as empty and is replaced at the next write.
"""

from __future__ import annotations

import json
from pathlib import Path

from ssotui.core import files

RECENT_LIMIT = 20  # prefs.with_recent keeps this many
VERSION = 1


def state_path() -> Path:
    from ssotui.core.dircache import cache_dir

    return cache_dir() / "recent.json"


def _parse(text: str | None) -> list[str] | None:
    """The list in `text`; None when there is no usable list."""
    if text is None:
        return None
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return None
    items = doc.get("recent") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not all(isinstance(k, str) for k in items):
        return None
    return items


def load_recent(path: Path | None = None) -> list[str] | None:
    """The stored list, None when there is none (or it is unusable)."""
    try:
        return _parse(files.read_text(path or state_path()))
    except Exception:  # noqa: BLE001 - an unreadable list is an empty one
        return None


def recent(path: Path | None = None) -> list[str]:
    """"account_id/role" keys, most recent first."""
    return load_recent(path) or []


def _dump(items: list[str]) -> str:
    return json.dumps({"version": VERSION, "recent": items}, ensure_ascii=False) + "\n"


def save_recent(items: list[str], path: Path | None = None) -> None:
    """Replace the list (callers hold the prefs lock: see prefs.update_prefs)."""
    files.update(path or state_path(), lambda _old: _dump(list(items)), mode=0o600)

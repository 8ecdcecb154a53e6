"""The preferences as the screens read them, held in memory by the app.

Screens read and change this object on the UI thread (no I/O); a change is also
posted to the app (messages.SavePrefs), which writes it on a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class PrefStore:
    def __init__(self, prefs: Any, keys: dict[str, str] | None = None) -> None:
        self.prefs = prefs
        self.keys: dict[str, str] = keys or {}  # Textual keymap: binding id -> keys
        self._rules_of: Any = None  # the guardrails value the rules below were parsed from
        self._rules: list[Any] = []
        self._production: dict[str, Any] = {}  # account id -> guardrails.Match or None

    def apply(self, change: Callable[[Any], Any]) -> None:
        self.prefs = change(self.prefs)

    def default_format(self) -> str:
        return str(self.prefs.default_format or "env")

    def name_template(self) -> str:
        return str(self.prefs.name_template)

    def credentials_template(self) -> str:
        return str(self.prefs.credentials_template)

    def autoclear_seconds(self) -> float:
        return float(self.prefs.autoclear_seconds or 0)

    def favorites(self) -> set[str]:
        """Account ids with at least one favorite role."""
        return {k.split("/", 1)[0] for k in self.prefs.favorites}

    def is_favorite(self, account_id: str, role: str | None) -> bool:
        return f"{account_id}/{role or ''}" in self.prefs.favorites

    def production(self, account_id: str, name: str, email: str) -> Any:
        """guardrails.Match when the account is production (prefs.toml [[guardrails]]),
        else None; memoized per account (rows are drawn on every keystroke)."""
        raw = getattr(self.prefs, "guardrails", None)
        if raw is not self._rules_of:  # the prefs were saved or reloaded
            self._rules_of, self._rules, self._production = raw, [], {}
            if raw:
                from ssotui.core import guardrails  # only with [[guardrails]] in prefs.toml

                self._rules = guardrails.parse_rules(raw)[0]
        if not self._rules:
            return None
        if account_id not in self._production:
            from ssotui.core import guardrails

            self._production[account_id] = guardrails.match(self._rules, account_id, name,
                                                            email)
        return self._production[account_id]

    def confirm_mode(self) -> str:
        return str(getattr(self.prefs, "confirm_production", "key"))

    def marker(self, found: Any) -> list[tuple[str, str]]:
        """The opt-in SSOTUI_PRODUCTION export, or nothing."""
        if not getattr(self.prefs, "production_marker", False):
            return []
        from ssotui.core import guardrails

        return guardrails.marker_variables(found)

    def shortcuts(self) -> list[tuple[str, str | None]]:
        """What alt+1–9 jump to: favorites, then recent ones, without repeats."""
        seen: list[str] = []
        for key in [*self.prefs.favorites, *self.prefs.recent]:
            if key not in seen:
                seen.append(key)
        out: list[tuple[str, str | None]] = []
        for key in seen[:9]:
            account, _, role = key.partition("/")
            out.append((account, role or None))
        return out

    def shortcut_numbers(self) -> dict[str, int]:
        """Account id -> its first shortcut number (shown next to the account)."""
        out: dict[str, int] = {}
        for n, (account, _) in enumerate(self.shortcuts(), 1):
            out.setdefault(account, n)
        return out


def toggled_favorite(key: str) -> Callable[[Any], Any]:
    def change(prefs: Any) -> Any:
        from ssotui.core import prefs as core_prefs

        return core_prefs.with_favorite_toggled(prefs, key)

    return change


def recent(key: str) -> Callable[[Any], Any]:
    def change(prefs: Any) -> Any:
        from ssotui.core import prefs as core_prefs

        return core_prefs.with_recent(prefs, key)

    return change

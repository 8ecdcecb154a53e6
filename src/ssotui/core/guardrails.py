"""Production guardrails: which accounts are production, and the confirmation that
acting on one of their roles needs. Pure (no Textual, no files): the rules come from
prefs.toml's `[[guardrails]]` tables (core.prefs.production_rules reads them)::

    confirm_production = "key"      # "key": a second key press; "name": type the account name
    production_marker = true        # exports add SSOTUI_PRODUCTION (opt-in)

    [[guardrails]]
    accounts = ["111122223333"]     # account ids
    name = "^prod-"                 # and/or a regular expression searched in the account name
    email = "prod@example[.]com$"   # and/or one searched in the account email
    label = "PROD"                  # the word shown in the picker (default "PROD")

An account is production when any table names its id or any of its patterns
matches. The CLI (`creds`, `console`, and `exec` from its own module) calls
`require_confirmation`; the picker asks in a modal; core.writeplan refuses production
credentials in the shared credentials file unless forced.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ssotui.core.errors import RuntimeFailure, UsageError
from ssotui.core.text import shown

DEFAULT_LABEL = "PROD"
CONFIRM_MODES = ("key", "name")
MARKER_VARIABLE = "SSOTUI_PRODUCTION"
_KEYS = ("accounts", "name", "email", "label")
_ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True)
class Rule:
    accounts: frozenset[str] = frozenset()
    name: re.Pattern[str] | None = None
    email: re.Pattern[str] | None = None
    label: str = DEFAULT_LABEL

    def why(self, account_id: str, name: str | None, email: str | None) -> str | None:
        """Why this rule makes the account production (one phrase), or None."""
        if account_id in self.accounts:
            return f"account id {account_id} is listed"
        if self.name is not None and name is not None and self.name.search(name):
            return f"its name matches '{self.name.pattern}'"
        if self.email is not None and email is not None and self.email.search(email):
            return f"its email matches '{self.email.pattern}'"
        return None


@dataclass(frozen=True)
class Match:
    label: str
    reason: str  # "production account (its name matches '^prod-')"


class NotConfirmed(RuntimeFailure):
    """The user did not confirm acting on a production role (exit 1, nothing done)."""


def _pattern(where: str, key: str, value: object, problems: list[str]) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        problems.append(f"{where}: {key} = {value!r} is not a regular expression")
        return None
    try:
        return re.compile(value)
    except re.error as exc:
        problems.append(f"{where}: {key} = {value!r} is not a regular expression ({exc})")
        return None


def parse_rules(raw: object, source: str = "prefs.toml") -> tuple[list[Rule], list[str]]:
    """Rules from the `guardrails` value, and one warning per unusable table (which is
    left out: the others still apply)."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [f"{source}: guardrails must be [[guardrails]] tables; none applied"]
    rules: list[Rule] = []
    warnings: list[str] = []
    for n, table in enumerate(raw, 1):
        where = f"{source}: [[guardrails]] #{n}"
        problems: list[str] = []
        if not isinstance(table, dict):
            warnings.append(f"{where} is not a table; ignored")
            continue
        problems += [f"{where}: unknown key {k!r} (one of {', '.join(_KEYS)})"
                     for k in table if k not in _KEYS]
        accounts = table.get("accounts", [])
        if isinstance(accounts, str):
            accounts = [accounts]
        if not isinstance(accounts, list) or not all(
                isinstance(a, str) and _ACCOUNT_ID.fullmatch(a) for a in accounts):
            problems.append(f"{where}: accounts = {accounts!r} must be 12-digit account ids")
            accounts = []
        name = _pattern(where, "name", table.get("name"), problems)
        email = _pattern(where, "email", table.get("email"), problems)
        label = table.get("label", DEFAULT_LABEL)
        if not isinstance(label, str) or not label.strip() or len(label) > 12:
            problems.append(f"{where}: label = {label!r} must be a short word")
            label = DEFAULT_LABEL
        if not accounts and name is None and email is None and not problems:
            problems.append(f"{where} names no account (accounts, name or email)")
        if problems:
            warnings.append("; ".join(problems) + "; this table is ignored, fix it")
            continue
        rules.append(Rule(frozenset(accounts), name, email, shown(label.strip())))
    return rules, warnings


def match(rules: Sequence[Rule], account_id: str, name: str | None = None,
          email: str | None = None) -> Match | None:
    """The first rule that makes the account production, or None."""
    for rule in rules:
        why = rule.why(account_id, name, email)
        if why is not None:
            return Match(rule.label, f"production account ({why})")
    return None


def needs_names(rules: Iterable[Rule]) -> bool:
    """Whether deciding needs the account's name or email (not only its id)."""
    return any(r.name is not None or r.email is not None for r in rules)


def marker_variables(found: Match | None) -> list[tuple[str, str]]:
    """The opt-in export marker: the label for a production role, empty otherwise (so
    switching a shell away from production clears it)."""
    return [(MARKER_VARIABLE, found.label if found else "")]


def prompt_text(found: Match, account: str, role: str, mode: str) -> str:
    what = f"{shown(account)} / {shown(role)} is a {found.reason}"
    if mode == "name":
        return f"{what}. Type the account name ({shown(account)}) to go on: "
    return f"{what}. Go on? [y/N] "


def confirmed(answer: str, account: str, mode: str) -> bool:
    if mode == "name":
        return answer.strip() == account
    return answer.strip().lower() in ("y", "yes")


def _ask_tty(prompt: str) -> str:
    """A line from the controlling terminal (stdin/stdout may be pipes: `eval $(...)`)."""
    # two streams: one text stream both written and read on a tty cannot switch (no seek)
    with open("/dev/tty", "w", encoding="utf-8", errors="replace") as out, \
            open("/dev/tty", encoding="utf-8", errors="replace") as inp:
        out.write(prompt)
        out.flush()
        return inp.readline()


def has_tty() -> bool:
    try:
        fd = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def require_confirmation(account: str, role: str, *, yes: bool, tty: bool,
                         found: Match | None, mode: str = "key",
                         ask: Callable[[str], str] | None = None) -> None:
    """Return when acting on ACCOUNT/ROLE may go ahead: not production, `--yes`, or
    confirmed on the terminal (`tty`). Otherwise UsageError (no terminal: pass --yes)
    or NotConfirmed. `account` is the account's name (or id when unknown); `found`
    is `match(...)` for it. `ssotui exec` calls this too."""
    if found is None or yes:
        return
    if not tty:
        raise UsageError(f"{shown(account)} / {shown(role)} is a {found.reason}; "
                         "pass --yes to act on it without a terminal to confirm")
    try:
        answer = (ask or _ask_tty)(prompt_text(found, account, role, mode))
    except (OSError, EOFError):
        answer = ""
    if not confirmed(answer, account, mode):
        raise NotConfirmed(f"not confirmed: nothing done for {shown(account)} / {shown(role)}")

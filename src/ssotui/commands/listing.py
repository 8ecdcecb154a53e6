"""`ssotui list [FILTER...] [--json] [--refresh | --cached] [--max-age DURATION]`.

Freshness (core/freshness.py): a cached listing younger than the max age (1 h, the
`list_max_age` preference, or `--max-age`) is printed and the process exits. An
older one is printed (before boto3 is even imported) and revalidated by a detached
process, so a pipe or `$(...)` ends with the output. `--refresh` lists now and
waits (joining a revalidation already running), then reports on stderr what changed
since the cache; `--cached` never touches the network. Without a cache, `list`
lists now. FILTER words keep the roles they pick as the picker's filter does
(commands/listfilter.py).

Accounts whose roles could not be listed print as `"roles": null` (`? (roles not
listed)` in the table); one line says how many and why, and the exit code is 1.
Portal strings go through `shown()` in the table and messages; JSON keeps them exact.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from ssotui.core import dircache
from ssotui.core.errors import RuntimeFailure
from ssotui.core.models import Account, SsoSession
from ssotui.core.text import is_clean, shown

log = logging.getLogger("ssotui.commands.listing")
Org = tuple[Iterable[Account], Mapping[str, Iterable[str]]]
MAX_CHANGE_LINES = 20
NOT_LISTED = "? (roles not listed)"  # in the table; null in --json


def render_json(
    accounts: Iterable[Account], roles: Mapping[str, Iterable[str] | None],
) -> str:
    """Exact data, sorted by name; `"roles": null` for an account whose roles were not
    listed (`[]` means it has none)."""
    rows = [
        {
            "accountId": a.account_id,
            "accountName": a.account_name,
            "emailAddress": a.email_address,
            "roles": _listed(roles, a.account_id),
        }
        for a in _sorted(accounts)
    ]
    return _inert_json(json.dumps(rows, indent=2, ensure_ascii=False)) + "\n"


def render_table(
    accounts: Iterable[Account], roles: Mapping[str, Iterable[str] | None],
) -> str:
    """Names, ids and roles are portal data: shown() so none can drive the terminal."""
    ordered = _sorted(accounts)
    names = [shown(a.account_name) for a in ordered]
    name_w = max([len("ACCOUNT")] + [len(n) for n in names])
    lines = [f"{'ACCOUNT':<{name_w}}  {'ID':<12}  ROLES"]
    for a, name in zip(ordered, names, strict=True):
        listed = _listed(roles, a.account_id)
        cell = NOT_LISTED if listed is None else ", ".join(shown(r) for r in listed)
        lines.append(f"{name:<{name_w}}  {shown(a.account_id):<12}  {cell}")
    return "\n".join(lines) + "\n"


def _listed(roles: Mapping[str, Iterable[str] | None], account_id: str) -> list[str] | None:
    found = roles.get(account_id)
    return None if found is None else sorted(found)


# What json.dumps leaves raw with ensure_ascii=False: DEL, C1 controls (0x9b is CSI),
# bidi overrides, separators. Escaped as \uXXXX, the data parses back unchanged.
_NON_ASCII = re.compile("[\x7f-\U0010ffff]")


def _json_escape(match: re.Match[str]) -> str:
    c = match[0]
    if is_clean(c):
        return c
    code = ord(c)
    if code > 0xFFFF:  # a surrogate pair, as JSON spells characters beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def _inert_json(text: str) -> str:
    """JSON text whose every string is terminal-safe (json.dumps escapes C0 already)."""
    return text if text.isascii() and "\x7f" not in text else _NON_ASCII.sub(_json_escape, text)


def _sorted(accounts: Iterable[Account]) -> list[Account]:
    return sorted(accounts, key=lambda a: (a.account_name.casefold(), a.account_name, a.account_id))


class _ProgressLine:
    """`accounts 340/1000 · 19.8 req/s · 3 throttled` on a terminal's stderr."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = stream.isatty()
        self.last = 0.0

    def show(self, p: object) -> None:
        from ssotui.core.directory import Progress

        if not self.enabled or not isinstance(p, Progress):
            return
        now = time.monotonic()
        if now - self.last < 0.2:
            return
        self.last = now
        total = f"{p.total}" if p.total_final else f"{p.total}+"
        text = f"accounts {p.done}/{total} · {p.rps:.1f} req/s · {p.throttled} throttled"
        if p.failed:
            text += f" · {p.failed} failed"
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _release_stdout() -> None:
    """Flush and point fd 1 at /dev/null: a pipe reader gets EOF now, not after the refresh."""
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)


def _say(text: str) -> None:
    print(f"ssotui: {text}", file=sys.stderr, flush=True)


def _report_changes(report: dircache.ChangeReport, names: Mapping[str, str]) -> None:
    _say(f"refreshed the cached list: {report.summary()}")

    def account(a: Account) -> str:
        return f"{shown(a.account_name)} ({shown(a.account_id)})"

    def role(i: str, r: str) -> str:
        return f"{shown(r)} in {shown(names.get(i, i))} ({shown(i)})"

    lines = [f"  + account {account(a)}" for a in report.accounts_added]
    lines += [f"  - account {account(a)}" for a in report.accounts_removed]
    lines += [f"  + role {role(i, r)}" for i, r in report.roles_added]
    lines += [f"  - role {role(i, r)}" for i, r in report.roles_removed]
    for line in lines[:MAX_CHANGE_LINES]:
        print(line, file=sys.stderr)
    if len(lines) > MAX_CHANGE_LINES:
        print(f"  ... and {len(lines) - MAX_CHANGE_LINES} more", file=sys.stderr)


# A connection error names the request's URL, query included (the account id):
# without the query, one dead endpoint gives one reason, not one per account.
_URL_QUERY = re.compile(r"(https?://[^\s\"'?]*)\?[^\s\"']*")


def _incomplete(failed: Mapping[str, str], total: int) -> RuntimeFailure:
    """One line for every account whose roles could not be listed: how many, and why."""
    reasons = Counter(_URL_QUERY.sub(r"\1", reason) for reason in failed.values())
    (why, _), *others = reasons.most_common()
    if others:
        why += f"; and {len(others)} other reason{'s' if len(others) > 1 else ''}"
    return RuntimeFailure(
        f"roles of {len(failed)} of {total} accounts could not be listed ({shown(why)}); "
        "run `ssotui list` again"
    )


def _print_org(accounts: Iterable[Account], roles: Mapping[str, Iterable[str] | None],
               as_json: bool) -> None:
    text = render_json(accounts, roles) if as_json else render_table(accounts, roles)
    sys.stdout.write(text)
    sys.stdout.flush()


def _cached(session: SsoSession, warned: set[str]) -> dircache.CachedDirectory | None:
    try:
        return dircache.load(session)
    except dircache.CacheCorrupt as exc:
        warned.add(str(exc))
        _say(f"warning: {shown(exc)}")
        return None


def list_org(session: SsoSession, on_event: Callable[[Any], None]) -> Any:
    """List the org now (the cache is rewritten when complete); the loader's Finished.
    NeedsLogin before any listing when there is no usable token."""
    from ssotui.core import directory, tokens
    from ssotui.core.clients import make_clients

    clients = make_clients(session)

    def token_provider() -> str:
        return tokens.ensure_token(session, clients).access_token

    token_provider()  # NeedsLogin (exit 1, with the hint) before any listing
    loader = directory.DirectoryLoader(clients.listing, token_provider, on_event, session=session)
    try:
        final = loader.start(refresh=True).wait()
    finally:
        loader.close()
    assert final is not None
    if final.login_required:
        raise tokens.needs_login(session)
    return final


def _list_now(session: SsoSession, warned: set[str]) -> tuple[Org, Any]:
    """A listing for the caller to wait for: the org and the loader's Finished (None
    when a revalidation that was running when we asked ended first: its cache is used)."""
    from ssotui.core import directory, freshness

    seen = freshness.cache_stamp(session)
    with freshness.revalidation_lock(session, freshness.WAIT_FOR_REVALIDATION) as got:
        if got and freshness.cache_stamp(session) != seen:
            done = _cached(session, warned)  # another process listed while we waited
            if done is not None:
                return (done.accounts, done.roles), None
        progress = _ProgressLine(sys.stderr)

        def on_event(event: directory.Event) -> None:
            if isinstance(event, directory.Progress):
                progress.show(event)
            elif isinstance(event, directory.CacheWarning) and event.message not in warned:
                warned.add(event.message)
                progress.clear()
                _say(f"warning: {shown(event.message)}")

        try:
            final = list_org(session, on_event)
        finally:
            progress.clear()
    if final.error:
        raise RuntimeFailure(f"sso-session {session.name}: {shown(final.error)}")
    return (final.accounts, final.roles), final


def _max_age(args: argparse.Namespace) -> float:
    given = getattr(args, "max_age", None)
    if given is not None:
        return float(given)
    from ssotui.core import freshness, prefs

    setting = prefs.load_prefs().list_max_age
    return float(setting) if isinstance(setting, int) else freshness.parse_duration(setting)


def _not_listed(accounts: Iterable[Account], roles: Mapping[str, object]) -> RuntimeFailure | None:
    """For a cached org: the accounts whose roles the last listing could not get."""
    shown_ids = [a.account_id for a in accounts]
    missing = sum(roles.get(i) is None for i in shown_ids)
    if not missing:
        return None
    return RuntimeFailure(
        f"roles of {missing} of {len(shown_ids)} accounts could not be listed when the "
        "cache was made; `ssotui list --refresh` tries again"
    )


def run(args: argparse.Namespace) -> int:
    from ssotui.core import freshness
    from ssotui.core.sessions import resolve_session

    session = resolve_session(getattr(args, "sso_session", None))
    as_json = bool(getattr(args, "json", False))
    words = list(getattr(args, "filter", None) or [])
    only_cache = bool(getattr(args, "cached", False))
    warned: set[str] = set()
    seen = freshness.cache_stamp(session)  # before reading: a rewrite after it counts
    cached = None if getattr(args, "refresh", False) else _cached(session, warned)
    if only_cache and cached is None:
        raise RuntimeFailure(f"no cached listing for sso-session {shown(session.name)}; "
                             "`ssotui list` lists and caches it")
    if cached is not None:
        accounts, roles = _picked(session, cached.accounts, cached.roles, words)
        stale = not only_cache and freshness.age_seconds(cached) >= _max_age(args)
        try:
            _print_org(accounts, roles, as_json)
        finally:  # also when the reader left early (`| head`): BrokenPipeError
            if stale and not freshness.revalidation_running(session):
                pid = freshness.spawn_revalidation(session, seen)
                log.debug("revalidating the cached list in the background (pid %s)", pid)
        problem = _not_listed(accounts, roles)
        if problem is not None:
            raise problem
        return 0

    (all_accounts, all_roles), final = _list_now(session, warned)
    accounts, roles = _picked(session, all_accounts, all_roles, words)
    _print_org(accounts, roles, as_json)
    if final is None:
        problem = _not_listed(accounts, roles)
        if problem is not None:
            raise problem
        return 0
    if final.changes is not None and not final.changes.empty:
        _release_stdout()
        _report_changes(final.changes, {a.account_id: a.account_name for a in final.accounts})
    printed = {a.account_id for a in accounts}
    failed = {i: why for i, why in final.failed.items() if i in printed}
    if failed:
        raise _incomplete(failed, len(accounts))
    return 0


def _picked(session: SsoSession, accounts: Iterable[Account],
            roles: Mapping[str, Iterable[str]], words: list[str],
            ) -> tuple[list[Account], dict[str, tuple[str, ...] | None]]:
    if not words:
        return list(accounts), {i: tuple(r) for i, r in roles.items()}
    from ssotui.commands.listfilter import pick

    return pick(session, accounts, roles, " ".join(words))

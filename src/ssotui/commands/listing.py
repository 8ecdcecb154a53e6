"""`ssotui list [--json] [--refresh]`: every account and role of an sso-session.

With a cache, the cached org is printed at once (before boto3 is even imported)
and the listing is then refreshed: stdout is released first so a pipe reader is
not kept waiting, the cache is rewritten and what changed is reported on stderr.
`--refresh` skips the cached print and prints the fresh listing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Mapping
from typing import TextIO

from ssotui.core import dircache
from ssotui.core.errors import RuntimeFailure
from ssotui.core.models import Account, SsoSession

MAX_CHANGE_LINES = 20


def render_json(accounts: Iterable[Account], roles: Mapping[str, Iterable[str]]) -> str:
    rows = [
        {
            "accountId": a.account_id,
            "accountName": a.account_name,
            "emailAddress": a.email_address,
            "roles": sorted(roles.get(a.account_id, ())),
        }
        for a in _sorted(accounts)
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def render_table(accounts: Iterable[Account], roles: Mapping[str, Iterable[str]]) -> str:
    ordered = _sorted(accounts)
    name_w = max([len("ACCOUNT")] + [len(a.account_name) for a in ordered])
    lines = [f"{'ACCOUNT':<{name_w}}  {'ID':<12}  ROLES"]
    for a in ordered:
        lines.append(
            f"{a.account_name:<{name_w}}  {a.account_id:<12}  "
            + ", ".join(sorted(roles.get(a.account_id, ())))
        )
    return "\n".join(lines) + "\n"


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
    lines = [f"  + account {a.account_name} ({a.account_id})" for a in report.accounts_added]
    lines += [f"  - account {a.account_name} ({a.account_id})" for a in report.accounts_removed]
    lines += [f"  + role {r} in {names.get(i, i)} ({i})" for i, r in report.roles_added]
    lines += [f"  - role {r} in {names.get(i, i)} ({i})" for i, r in report.roles_removed]
    for line in lines[:MAX_CHANGE_LINES]:
        print(line, file=sys.stderr)
    if len(lines) > MAX_CHANGE_LINES:
        print(f"  ... and {len(lines) - MAX_CHANGE_LINES} more", file=sys.stderr)


def _print_org(accounts: Iterable[Account], roles: Mapping[str, Iterable[str]], as_json: bool) -> None:
    text = render_json(accounts, roles) if as_json else render_table(accounts, roles)
    sys.stdout.write(text)
    sys.stdout.flush()


def _cached(session: SsoSession, warned: set[str]) -> dircache.CachedDirectory | None:
    try:
        return dircache.load(session)
    except dircache.CacheCorrupt as exc:
        warned.add(str(exc))
        _say(f"warning: {exc}")
        return None


def run(args: argparse.Namespace) -> int:
    from ssotui.core.sessions import resolve_session

    session = resolve_session(getattr(args, "sso_session", None))
    as_json = bool(getattr(args, "json", False))
    warned: set[str] = set()
    cached = None if getattr(args, "refresh", False) else _cached(session, warned)
    if cached is not None:
        _print_org(cached.accounts, cached.roles, as_json)
        _release_stdout()

    # Only now pay for boto3 and the token: the cached print must not wait for them.
    from ssotui.core import directory, tokens
    from ssotui.core.clients import make_clients

    clients = make_clients(session)

    def token_provider() -> str:
        return tokens.ensure_token(session, clients).access_token

    token_provider()  # NeedsLogin (exit 1, with the hint) before any listing
    progress = _ProgressLine(sys.stderr)

    def on_event(event: directory.Event) -> None:
        if isinstance(event, directory.Progress):
            progress.show(event)
        elif isinstance(event, directory.CacheWarning) and event.message not in warned:
            warned.add(event.message)
            progress.clear()
            _say(f"warning: {event.message}")

    loader = directory.DirectoryLoader(
        clients.listing, token_provider, on_event, session=session,
    )
    try:
        final = loader.start(refresh=True).wait()
    finally:
        loader.close()
        progress.clear()
    assert final is not None
    if final.login_required:
        raise tokens.needs_login(session)
    if final.error:
        raise RuntimeFailure(f"sso-session {session.name}: {final.error}")
    if cached is None:
        _print_org(final.accounts, final.roles, as_json)
    elif final.changes is not None and not final.changes.empty:
        _report_changes(final.changes, {a.account_id: a.account_name for a in final.accounts})
    if final.failed:
        for acct_id, reason in sorted(final.failed.items())[:MAX_CHANGE_LINES]:
            _say(f"account {acct_id}: roles not listed: {reason}")
        raise RuntimeFailure(
            f"{len(final.failed)} of {len(final.accounts)} accounts could not be listed; "
            "run `ssotui list` again"
        )
    return 0


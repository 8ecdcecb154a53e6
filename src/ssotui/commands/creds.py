"""`ssotui creds` in front of commands.actions, and what `exec`, `serve` share with it:
which role a command means, and its credentials through the shared cache.

The warm path (credentials cached for the current sign-in, core.credcache) reads the
config, the token file and one cache file and prints: no botocore, no Textual, no
network, so `credential_process = ssotui creds ... --format process` costs about a
Python start-up. Everything else (a miss, --copy, --write-credentials, an account
name the listing cache does not know) goes the full way in commands.actions, which
fills the cache for the next caller.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ssotui.core.errors import UsageError
from ssotui.core.models import RoleCredentials, SsoSession

if TYPE_CHECKING:  # core.prefs is imported when a command needs it
    from ssotui.core.prefs import Prefs

_ACCOUNT_ID = re.compile(r"\d{12}")


@dataclass(frozen=True)
class Wanted:
    """The role a command names, before any network call."""

    session: SsoSession
    account: str  # as given: an id or an exact account name
    account_id: str | None  # known without the network, else None
    role: str
    region: str | None = None  # the profile's region, when named by a profile
    profile: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A role's credentials and what names it (for exec's variables and serve's log)."""

    wanted: Wanted
    account_id: str
    account_name: str | None
    credentials: RoleCredentials


def _profile(name: str) -> tuple[dict[str, str], str]:
    from ssotui.core import awsconfig

    values = awsconfig.load_profiles().get(name)
    if values is None:
        raise UsageError(f"no profile {name!r} in {awsconfig.config_path()}; give ACCOUNT "
                         "ROLE, or the name of an SSO profile")
    if not values.get("sso_account_id") or not values.get("sso_role_name"):
        raise UsageError(f"profile {name!r} in {awsconfig.config_path()} has no "
                         "sso_account_id/sso_role_name; give ACCOUNT ROLE instead")
    return values, values.get("sso_session") or name


def wanted(args: argparse.Namespace) -> Wanted:
    """ACCOUNT ROLE, or ACCOUNT alone as a profile name (its session, account, role
    and region). Reads only the config and the listing cache."""
    from ssotui.core.sessions import resolve_session

    account, role = args.account, getattr(args, "role", None)
    region = profile = None
    session_name = getattr(args, "sso_session", None)
    if role is None:
        values, profile_session = _profile(account)
        profile, account, role = account, values["sso_account_id"], values["sso_role_name"]
        region = values.get("region") or None
        session_name = session_name or profile_session
    session = resolve_session(session_name)
    return Wanted(session, account, _known_id(session, account), role, region, profile)


def _known_id(session: SsoSession, account: str) -> str | None:
    if _ACCOUNT_ID.fullmatch(account):
        return account
    from ssotui.core import dircache

    try:
        cached = dircache.load(session)
    except dircache.CacheCorrupt:
        return None
    hits = [a.account_id for a in (cached.accounts if cached else ()) if a.account_name == account]
    return hits[0] if len(hits) == 1 else None


def warm(w: Wanted) -> RoleCredentials | None:
    """Cached credentials for the current sign-in, or None (then `fetch`)."""
    from ssotui.core import credcache

    if w.account_id is None:
        return None
    return credcache.cached(w.session, w.account_id, w.role)


def guarded(prefs: Prefs | None = None) -> bool:
    """prefs.toml names production accounts or asks for the marker: then no warm
    path, which would skip the question (or print without the marker)."""
    from ssotui.core.prefs import load_prefs, production_rules

    prefs = prefs or load_prefs()
    return bool(production_rules(prefs)) or bool(prefs.production_marker)


def fetch(w: Wanted, yes: bool = False, prefs: Prefs | None = None) -> Fetched:
    """The role's credentials: the shared cache, else one portal call (and a clear
    error for an unknown account or role, no sign-in, an unreachable endpoint). A
    production role (prefs.toml [[guardrails]]) needs `yes` or an answer on the
    terminal first."""
    from ssotui.commands import actions
    from ssotui.core import credcache
    from ssotui.core.clients import make_clients
    from ssotui.core.prefs import load_prefs
    from ssotui.core.tokens import ensure_token

    clients = make_clients(w.session)
    token = ensure_token(w.session, clients)
    account_id, name = actions.resolve_account(w.session, clients, token, w.account)
    target = actions.Target(w.session, clients, token, account_id, name, w.role)
    actions.confirm(target, prefs or load_prefs(), yes)
    try:
        creds = credcache.get(w.session, clients, token, account_id, w.role)
    except UsageError:
        actions.check_role(target)  # a better message, with suggestions
        raise
    return Fetched(w, account_id, name, creds)


def credentials(w: Wanted, yes: bool = False) -> Fetched:
    """Warm when possible (no production rules), else fetched (see fetch)."""
    from ssotui.core.prefs import load_prefs

    prefs = load_prefs()  # read once: the guard and the question both need it
    hit = None if guarded(prefs) else warm(w)
    if hit is not None:
        assert w.account_id is not None
        return Fetched(w, w.account_id, None, hit)
    return fetch(w, yes, prefs)


def region_of(w: Wanted) -> str:
    """The profile's region, else the `default_region` preference, else the session's."""
    if w.region:
        return w.region
    from ssotui.core.prefs import load_prefs

    return load_prefs().default_region or w.session.region


def profiles_for(session: SsoSession, account_id: str, role: str) -> list[str]:
    """Profiles in the config that sign in to this account and role via this session."""
    from ssotui.core import awsconfig

    found = []
    for name, v in awsconfig.load_profiles().items():
        if (v.get("sso_account_id"), v.get("sso_role_name")) != (account_id, role):
            continue
        if v.get("sso_session", session.name) == session.name or \
                v.get("sso_start_url") == session.start_url:
            found.append(name)
    return sorted(found)


def profile_var(w: Wanted, fmt: str, with_region: bool) -> str:
    from ssotui.core import awsconfig, exports

    account_id = w.account_id
    if account_id is None:
        account_id = _resolve_id(w)
    names = [w.profile] if w.profile else profiles_for(w.session, account_id, w.role)
    if not names:
        raise UsageError(
            f"no profile in {awsconfig.config_path()} uses {account_id}/{w.role}; create one "
            f"with `ssotui profile {account_id} {w.role}`, or leave out --profile-var")
    pairs = [("AWS_PROFILE", names[0])]
    if with_region:
        pairs += exports.region_vars(region_of(w))
    return exports.render_vars(pairs, fmt)


def _resolve_id(w: Wanted) -> str:
    from ssotui.commands import actions
    from ssotui.core.clients import make_clients
    from ssotui.core.tokens import ensure_token

    clients = make_clients(w.session)
    token = ensure_token(w.session, clients)
    return actions.resolve_account(w.session, clients, token, w.account)[0]


def run(args: argparse.Namespace) -> int:
    fmt = getattr(args, "format", None)
    with_region = bool(getattr(args, "with_region", False))
    if fmt == "process" and (with_region or getattr(args, "profile_var", False)):
        raise UsageError("--with-region and --profile-var print variables; --format "
                         "process has none (use another format)")
    if getattr(args, "profile_var", False):
        if args.copy or args.write_credentials is not None:
            raise UsageError("--profile-var prints AWS_PROFILE; it does not go with "
                             "--copy or --write-credentials")
        fmt = fmt or _default_format()
        sys.stdout.write(profile_var(wanted(args), fmt, with_region))
        return 0
    if fmt and not args.copy and args.write_credentials is None and not guarded():
        w = wanted(args)
        hit = warm(w)
        if hit is not None:
            from ssotui.core import exports

            text = exports.render(hit, fmt)
            if with_region:
                text += exports.render_vars(exports.region_vars(region_of(w)), fmt)
            sys.stdout.write(text)
            return 0
    from ssotui.commands.actions import run_creds

    return run_creds(args)


def _default_format() -> str:
    from ssotui.core.prefs import load_prefs

    return str(load_prefs().default_format)

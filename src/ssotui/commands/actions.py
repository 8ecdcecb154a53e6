"""`ssotui creds` and `ssotui profile`.

creds: stdout gets the chosen format (so `eval "$(ssotui creds ...)"` and
`credential_process = ssotui creds ... --format process` work) unless the output
went to the clipboard (`--copy`) or the credentials file (`--write-credentials`);
notes go to stderr. An account given by id needs no listing call.

profile: stdout gets the profile name (`aws --profile "$(ssotui profile ...)"`),
stderr says what happened; `--dry-run` prints a unified diff instead.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ssotui.argv import DEFAULT_SECTION
from ssotui.core import awsconfig, clipboard, credfile, exports, files, guardrails, names, writeplan
from ssotui.core.errors import NeedsLogin, RuntimeFailure, SsotuiError, UsageError
from ssotui.core.models import Account, SsoSession, Token
from ssotui.core.prefs import Prefs, load_prefs, production_rules

OUTPUTS = ("json", "yaml", "yaml-stream", "text", "table")
_ACCOUNT_ID = re.compile(r"\d{12}")


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class Target:
    session: SsoSession
    clients: Any
    token: Token
    account_id: str
    account_name: str | None
    role: str
    email: str | None = None


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.5)
    close += [c for c in choices if c.lower() == word.lower() and c not in close]
    return f"; did you mean {', '.join(close)}?" if close else ""


def _signed_in(args: argparse.Namespace) -> tuple[SsoSession, Any, Token]:
    from ssotui.core.clients import make_clients
    from ssotui.core.sessions import resolve_session
    from ssotui.core.tokens import ensure_token

    session = resolve_session(getattr(args, "sso_session", None))
    clients = make_clients(session)
    return session, clients, ensure_token(session, clients)


def _cached_accounts(session: SsoSession) -> list[Account]:
    """The listing cache, when there is a readable one: resolving a name from it saves
    paging through every account (50 calls for a 5,000-account org)."""
    from ssotui.core import dircache

    try:
        cached = dircache.load(session)
    except dircache.CacheCorrupt:
        return []
    return list(cached.accounts) if cached is not None else []


def _find(session: SsoSession, clients: Any, token: Token,
          match: Callable[[Account], bool]) -> tuple[list[Account], list[Account]]:
    """(hits, accounts searched): the cache first, the portal when the cache has none."""
    from ssotui.core.directory import list_accounts

    cached = _cached_accounts(session)
    hits = [a for a in cached if match(a)]
    if hits:
        return hits, cached
    live = list_accounts(clients.sso, token.access_token, session)
    return [a for a in live if match(a)], live


def resolve_account(session: SsoSession, clients: Any, token: Token, account: str) -> tuple[str, str | None]:
    """(account id, account name if known). ACCOUNT is an id or an exact name."""
    if _ACCOUNT_ID.fullmatch(account):
        return account, None
    hits, accounts = _find(session, clients, token, lambda a: a.account_name == account)
    if len(hits) == 1:
        return hits[0].account_id, hits[0].account_name
    if len(hits) > 1:
        ids = ", ".join(a.account_id for a in hits)
        raise UsageError(f"several accounts are named {account!r} ({ids}); give the account id")
    raise UsageError(
        f"no account {account!r} for sso-session {session.name}"
        + _suggest(account, sorted(a.account_name for a in accounts))
    )


def _account_name(session: SsoSession, clients: Any, token: Token, account_id: str) -> str:
    hits, _ = _find(session, clients, token, lambda a: a.account_id == account_id)
    if hits:
        return hits[0].account_name
    raise UsageError(f"no account {account_id} for sso-session {session.name}")


def _roles_in(t: Target) -> list[str]:
    """The role names the sign-in can use in the account; [] for an unknown account."""
    from botocore.exceptions import BotoCoreError, ClientError

    roles: list[str] = []
    kwargs: dict[str, Any] = {"accessToken": t.token.access_token, "accountId": t.account_id,
                              "maxResults": 100}
    while True:
        try:
            page = t.clients.sso.list_account_roles(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("ResourceNotFoundException", "ForbiddenException"):
                return []
            if code == "UnauthorizedException":
                raise NeedsLogin(f"sso-session {t.session.name}: signed out or expired; "
                                 f"run `ssotui login --sso-session {t.session.name}`") from None
            raise RuntimeFailure(f"ListAccountRoles for {t.account_id} failed: {code}") from None
        except BotoCoreError as exc:
            raise RuntimeFailure(f"cannot list roles of {t.account_id}: {exc}") from None
        roles += [r["roleName"] for r in page.get("roleList", [])]
        if not page.get("nextToken"):
            return sorted(roles)
        kwargs["nextToken"] = page["nextToken"]


def check_role(t: Target) -> None:
    roles = _roles_in(t)
    if t.role in roles:
        return
    if not roles:
        raise UsageError(
            f"no account {t.account_id} (or no role in it) for sso-session {t.session.name}"
        )
    raise UsageError(f"no role {t.role!r} in account {t.account_id}" + _suggest(t.role, roles))


def _target(args: argparse.Namespace) -> Target:
    session, clients, token = _signed_in(args)
    account_id, account_name = resolve_account(session, clients, token, args.account)
    return Target(session, clients, token, account_id, account_name, args.role)


def production(t: Target, prefs: Prefs) -> guardrails.Match | None:
    """Whether the target is a production account (prefs.toml [[guardrails]]); its name
    and email are looked up (cache first) only when a rule needs them."""
    rules = production_rules(prefs)
    found = guardrails.match(rules, t.account_id)
    if found is None and guardrails.needs_names(rules):
        hits, _ = _find(t.session, t.clients, t.token, lambda a: a.account_id == t.account_id)
        if hits:
            t.account_name = hits[0].account_name
            t.email = hits[0].email_address
            found = guardrails.match(rules, t.account_id, t.account_name, t.email)
    return found


def confirm(t: Target, prefs: Prefs, yes: bool) -> guardrails.Match | None:
    """Ask before acting on a production role (--yes, or y / the account name typed
    on the terminal); returns the match for the export marker."""
    found = production(t, prefs)
    guardrails.require_confirmation(t.account_name or t.account_id, t.role, yes=yes,
                                    tty=sys.stdin.isatty(), found=found,
                                    mode=prefs.confirm_production)
    return found


def _default_name(t: Target, prefs: Prefs, template: str | None = None) -> str:
    """The name `template` (default: the profile name template) gives for the role."""
    template = prefs.name_template if template is None else template
    account_name = t.account_name
    if "{account_name" in template and account_name is None:
        account_name = _account_name(t.session, t.clients, t.token, t.account_id)
    return names.render(template, account_name=account_name or t.account_id,
                        account_id=t.account_id, role_name=t.role, session=t.session.name)


# --- creds -----------------------------------------------------------------------

def _requested_section(value: str | None) -> str | None:
    """None: not requested; "": the default section name; else the checked name."""
    if value is None:
        return None
    if value == DEFAULT_SECTION:
        return ""
    if not value:
        raise UsageError(
            "--write-credentials '' names no section; give a SECTION name, "
            "or leave the value out for the default name"
        )
    return names.check_name(value, "section name")


def run_creds(args: argparse.Namespace) -> int:
    from ssotui.core import credcache

    prefs = load_prefs()
    fmt = getattr(args, "format", None) or prefs.default_format
    section = _requested_section(args.write_credentials)  # checked before any network call
    if getattr(args, "with_region", False) and fmt == "process":
        raise UsageError("--with-region prints variables; --format process has none")
    t = _target(args)
    found = confirm(t, prefs, args.yes)
    try:  # through the shared cache (commands.creds has the warm path)
        creds = credcache.get(t.session, t.clients, t.token, t.account_id, t.role)
    except UsageError:
        check_role(t)  # a better message, with suggestions
        raise
    extra = guardrails.marker_variables(found) if prefs.production_marker else []
    text = exports.render(creds, fmt, extra)
    if getattr(args, "with_region", False):
        region = prefs.default_region or t.session.region
        text += exports.render_vars(exports.region_vars(region), fmt)
    if section is not None:
        section = section or _default_name(t, prefs, prefs.credentials_template)
        plan = _commit(lambda: writeplan.plan_credentials(
            section, creds, account_id=t.account_id, role=t.role, force=args.force,
            account_name=t.account_name, email=t.email))
        _note(f"wrote [{plan.header}] to {files.resolve(plan.path)} "
              f"(expires {exports.expiration_iso(creds)})")
    if args.copy:
        backend = clipboard.copy(text)
        _note(f"copied {t.account_id}/{t.role} as {exports.DESCRIPTIONS[fmt]} ({backend})")
        if prefs.autoclear_seconds > 0:
            clipboard.schedule_clear(text, prefs.autoclear_seconds)
            _note(f"the clipboard will be cleared in {prefs.autoclear_seconds}s")
    if not args.copy and section is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0


# --- profile ---------------------------------------------------------------------


def _credential_sections() -> list[str]:
    try:
        return credfile.section_names()
    except SsotuiError:  # only for a warning: a broken credentials file is not our business here
        return []


def run_profile(args: argparse.Namespace) -> int:
    prefs = load_prefs()
    if args.name is not None:
        names.check_name(args.name)
    if args.output is not None and args.output not in OUTPUTS:
        raise UsageError(f"--output {args.output!r} is not one of {', '.join(OUTPUTS)}")
    if args.region is not None:
        from ssotui.core.sessions import validate_region

        validate_region(args.region)
    path = awsconfig.config_path()
    awsconfig.read(path)  # a malformed config fails before any network call
    t = _target(args)
    check_role(t)
    name = args.name or _default_name(t, prefs)
    region = args.region or prefs.default_region or t.session.region
    values = awsconfig.profile_values(t.session, t.account_id, t.role, region, args.output)
    # Only an explicit --region may change (or conflict with) a region already in the
    # block; the default one goes into a new block, or with --force into one lacking it.
    if_absent = () if args.region else ("region",)
    if name in _credential_sections():
        _note(
            f"warning: [{name}] also exists in {credfile.credentials_path()}; its static keys "
            "are ignored for an SSO profile of the same name — consider removing that section"
        )
    def plan() -> writeplan.WritePlan:
        return writeplan.plan_profile(t.session, name, values, force=args.force, path=path,
                                      if_absent=if_absent)

    if args.dry_run:
        dry = plan()
        diff = dry.diff()  # a refused plan's text is what --force would write
        sys.stdout.write(diff)
        refused = f" ({dry.refusal()})" if dry.refused else ""
        _note(f"dry run: nothing written{refused}" if diff else "dry run: no change")
        return 0
    done = _commit(plan)
    changed = done.changed
    _note(f"{'wrote' if changed else 'unchanged:'} [{done.header}] in {path}")
    print(name)
    return 0


def _commit(make_plan: Callable[[], writeplan.WritePlan]) -> writeplan.WritePlan:
    """Plan and commit; a plan overtaken by another writer is made again (each time
    with every refusal rule checked anew)."""
    for attempt in range(3):
        plan = make_plan()
        if plan.refused:
            raise UsageError(plan.refusal())
        try:
            writeplan.commit(plan)
            return plan
        except writeplan.FileChanged:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")

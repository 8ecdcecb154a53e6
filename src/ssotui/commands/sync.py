"""`ssotui profiles sync`: a `[profile]` for every account and role, in one write.

The listing is the live one (also refreshing the listing cache), or with
`--cached` the listing cache as it is (no network). A failed or incomplete
listing writes nothing (exit 1). The plan is `core.profilesync`'s; stderr gets the
summary, each conflict and each skipped role with its reason; `--dry-run` prints
the unified diff on stdout. Writing needs `--yes`, or a "y" on a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from ssotui.core import awsconfig, names, profilesync, writeplan
from ssotui.core.errors import RuntimeFailure, UsageError
from ssotui.core.models import Account, SsoSession
from ssotui.core.text import shown

MAX_LINES = 20  # skipped roles listed one per line, then "... and N more"


def _say(text: str) -> None:
    print(f"ssotui: {shown(text)}", file=sys.stderr, flush=True)


def _cached_listing(session: SsoSession) -> tuple[tuple[Account, ...], Mapping[str, tuple[str, ...]]]:
    from ssotui.core import dircache

    try:
        cached = dircache.load(session)
    except dircache.CacheCorrupt as exc:
        raise RuntimeFailure(f"{exc}; run `ssotui list` to list again") from None
    if cached is None:
        raise RuntimeFailure(f"no cached listing for sso-session {session.name}; run "
                             "`ssotui list` first, or leave out --cached; nothing written")
    return cached.accounts, cached.roles


def _live_listing(session: SsoSession) -> tuple[tuple[Account, ...], Mapping[str, tuple[str, ...]]]:
    from ssotui.core import directory, tokens
    from ssotui.core.clients import make_clients

    clients = make_clients(session)

    def token_provider() -> str:
        return tokens.ensure_token(session, clients).access_token

    token_provider()  # NeedsLogin (exit 1, with the hint) before any listing
    from ssotui.commands.listing import _ProgressLine

    progress = _ProgressLine(sys.stderr)  # `accounts 340/1000 · 19.8 req/s` on a terminal
    try:
        final = directory.load_all(clients.listing, token_provider, session=session,
                                   on_event=progress.show)
    finally:
        progress.clear()
    if final.login_required:
        raise tokens.needs_login(session)
    if final.error:
        raise RuntimeFailure(f"sso-session {session.name}: {final.error}; nothing written")
    if final.failed:
        raise RuntimeFailure(
            f"roles of {len(final.failed)} of {len(final.accounts)} accounts could not be "
            "listed; nothing written; run `ssotui profiles sync` again")
    return final.accounts, final.roles


def _report(plan: profilesync.SyncPlan) -> None:
    for note in plan.notes:
        _say(note)
    lines = [f"  conflict: {c.message}" for c in plan.conflicts]
    lines += [f"  skipped {i.name or i.holder}: {i.reason}" if i.name or i.holder
              else f"  skipped: {i.reason}" for i in plan.skipped()]
    for line in lines[:MAX_LINES]:
        print(shown(line), file=sys.stderr)
    if len(lines) > MAX_LINES:
        print(f"  ... and {len(lines) - MAX_LINES} more", file=sys.stderr)
    _say(f"profiles sync: {plan.summary()}")


def _confirmed(plan: profilesync.SyncPlan) -> bool:
    """Ask on a terminal; refuse (exit 2) without one."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError(f"profiles sync would change {plan.write.path} ({plan.summary()}); "
                         "pass --yes to write it, or --dry-run to see the diff")
    sys.stderr.write(f"write these changes to {plan.write.path}? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    import gc

    from ssotui.core.prefs import load_prefs

    # Planning 15,000 profiles makes about a million small objects and frees almost
    # none before the process exits: the cyclic collector would run hundreds of times
    # for nothing (a third of a no-op re-sync). Nothing here makes reference cycles.
    gc.disable()
    from ssotui.core.sessions import resolve_session, validate_region

    prefs = load_prefs()
    template = names.check_template(args.name_template or prefs.name_template)
    if args.region is not None:
        validate_region(args.region)
    path = awsconfig.config_path()
    awsconfig.read(path)  # a malformed config fails before any network call
    session = resolve_session(getattr(args, "sso_session", None))
    listing = _cached_listing if args.cached else _live_listing
    accounts, roles = listing(session)
    selected = profilesync.selection(accounts, roles, args.filter)
    if args.filter and not selected:
        raise UsageError(f"no role of sso-session {session.name} matches "
                         f"{' '.join(args.filter)!r}; nothing written")
    region = args.region or prefs.default_region or session.region
    listed = profilesync.listed_holders(accounts, roles)

    def make_plan() -> profilesync.SyncPlan:
        return profilesync.plan_sync(
            session, selected, listed=listed, template=template, region=region,
            explicit_region=args.region is not None, prune=args.prune, force=args.force,
            path=path)

    plan = make_plan()
    _report(plan)
    if args.dry_run:
        sys.stdout.write(plan.diff())  # refused: what --force would write
        refused = f" ({plan.refusal()})" if plan.refused else ""
        _say(f"dry run: nothing written{refused}" if plan.changed else "dry run: no change")
        return 0
    if plan.refused:
        raise UsageError(plan.refusal())
    if not plan.changed:
        _say(f"no change; {path} untouched")
        return 0
    if not args.yes and not _confirmed(plan):
        _say("nothing written")
        return 1
    for attempt in range(3):
        try:
            writeplan.commit(plan.write)
            break
        except writeplan.FileChanged:
            if attempt == 2:
                raise
            plan = make_plan()  # every rule checked anew on the file as it is now
            if plan.refused:
                raise UsageError(plan.refusal()) from None
    _say(f"wrote {path}: {plan.summary()}")
    return 0

"""`ssotui console ACCOUNT ROLE`: the AWS console, signed in as the role.

Bad input (unknown destination, a region outside the sso-session's partition, a
duration out of range) is refused before any network call. The sign-in URL is a
credential: it goes to stdout only with `--print-url` or where no browser can open,
to the browser's argv otherwise, and never into a message or log.
"""

from __future__ import annotations

import argparse
import sys

from ssotui.core import federation
from ssotui.core.errors import UsageError
from ssotui.core.prefs import load_prefs
from ssotui.core.text import shown


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from ssotui.commands.actions import Target, check_role, confirm, resolve_account
    from ssotui.core import credcache
    from ssotui.core.clients import make_clients
    from ssotui.core.sessions import resolve_session
    from ssotui.core.tokens import ensure_token

    prefs = load_prefs()
    if args.browser is not None and not args.browser.strip():
        raise UsageError("--browser '' names no command")
    session = resolve_session(getattr(args, "sso_session", None))
    federation.validate(session_region=session.region, destination=args.destination,
                        region=args.region, duration=args.duration)  # before any call
    clients = make_clients(session)
    token = ensure_token(session, clients)
    account_id, account_name = resolve_account(session, clients, token, args.account)
    t = Target(session, clients, token, account_id, account_name, args.role)
    confirm(t, prefs, args.yes)
    try:
        creds = credcache.get(session, clients, token, account_id, args.role)  # shared
    except UsageError:
        check_role(t)
        raise
    duration = args.duration if args.duration is not None else federation.DEFAULT_DURATION
    link = federation.console_link(creds, session_region=session.region,
                                   issuer=session.start_url, destination=args.destination,
                                   region=args.region, duration=duration)
    what = (f"{shown(t.account_name or account_id)} / {shown(args.role)} → "
            f"{shown(link.destination)}")
    valid = f"valid {link.valid_minutes} minutes, once; it signs in as the role: do not share it"
    if args.print_url:
        print(link.url)
        _note(f"console sign-in URL for {what} ({valid})")
    elif args.browser:
        federation.run_browser(args.browser, link.url)
        _note(f"opened the console for {what}")
    elif federation.open_in_browser(link.url):
        _note(f"opened the console for {what}")
    else:
        print(link.url)
        _note(f"no browser can open here: open this URL for {what} ({valid})")
    return 0

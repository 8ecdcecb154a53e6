"""`ssotui login` and `ssotui logout`: progress on stderr, exit 0 / 1 (2 for bad input)."""

from __future__ import annotations

import argparse
import sys

from ssotui.core import login, sessions
from ssotui.core.clients import make_clients


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_login(args: argparse.Namespace) -> int:
    session = sessions.session_for_login(
        getattr(args, "sso_session", None),
        getattr(args, "start_url", None),
        getattr(args, "region", None),
    )
    clients = make_clients(session)
    device = bool(getattr(args, "device_code", False))
    no_browser = bool(getattr(args, "no_browser", False))
    flow_name = login.choose_flow(session, device)
    # Open a browser only where one can reach the user, and never with --no-browser.
    opener = None if no_browser or not login.browser_available() else login.default_open_browser
    _say(f"Signing in to sso-session {session.name} ({session.start_url})")
    flow = login.run_flow(session, clients, device_code=flow_name == "device", open_browser=opener)
    for event in flow:
        if isinstance(event, login.ShowCode):
            _say(
                f"\nOpen this URL to approve the sign-in:\n\n  {event.verification_uri_complete}\n"
                f"\nand confirm that it shows the code:\n\n  {event.user_code}\n"
                f"\n(or open {event.verification_uri} and enter the code)\n"
            )
        elif isinstance(event, login.ShowUrl):
            if flow_name == "pkce":
                if event.opened:
                    _say("Your browser was opened. If it did not show the sign-in page, open:")
                else:
                    _say("Open this URL in a browser on this machine to sign in:")
                _say(f"\n  {event.url}\n")
        elif isinstance(event, login.Done):
            when = event.token.expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
            _say(f"Signed in to sso-session {session.name} until {when}.")
            return 0
        elif isinstance(event, login.Failed):
            _say(f"ssotui: login failed: {event.reason}")
            return 1
    return 1


def run_logout(args: argparse.Namespace) -> int:
    session = sessions.resolve_session(getattr(args, "sso_session", None))
    removed, warning = login.sign_out(session, make_clients(session))
    if warning:
        _say(f"ssotui: {warning}")
    if removed:
        _say(f"Signed out of sso-session {session.name}.")
    else:
        _say(f"sso-session {session.name} was not signed in.")
    return 0

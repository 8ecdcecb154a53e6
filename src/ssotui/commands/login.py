"""`ssotui login` and `ssotui logout`: progress on stderr, exit 0 / 1 (2 for bad input)."""

from __future__ import annotations

import argparse
import sys

from ssotui.core import login, sessions
from ssotui.core.awsconfig import config_path
from ssotui.core.clients import make_clients
from ssotui.core.errors import UsageError


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _callback_port(args: argparse.Namespace) -> int:
    port = getattr(args, "callback_port", None)
    if port is None:
        return 0
    if not 1 <= int(port) <= 65535:
        raise UsageError(f"--callback-port {port}: give a port from 1 to 65535")
    return int(port)


def run_login(args: argparse.Namespace) -> int:
    name = getattr(args, "sso_session", None)
    # A new sso-session is written to the config only once the sign-in worked.
    session = sessions.session_for_login(
        name, getattr(args, "start_url", None), getattr(args, "region", None), write=False,
    )
    is_new = bool(name) and all(s.name != session.name for s in sessions.list_sessions())
    port = _callback_port(args)
    forced = bool(getattr(args, "browser_flow", False)) or port != 0
    device = bool(getattr(args, "device_code", False))
    flow_name = login.choose_flow(session, device, forced)
    clients = make_clients(session)
    no_browser = bool(getattr(args, "no_browser", False))
    # Open a browser only where one can reach the user, and never with --no-browser.
    here = login.browser_available()
    opener = None if no_browser or not here else login.default_open_browser
    _say(f"Signing in to sso-session {session.name} ({session.start_url})")
    flow = login.run_flow(session, clients, device_code=flow_name == "device",
                          browser=forced, port=port, open_browser=opener)
    try:
        for event in flow:
            if isinstance(event, login.ShowCode):
                _say(
                    f"\nOpen this URL to approve the sign-in:\n\n  {event.verification_uri_complete}\n"
                    f"\nand confirm that it shows the code:\n\n  {event.user_code}\n"
                    f"\n(or open {event.verification_uri} and enter the code)\n"
                )
            elif isinstance(event, login.ShowUrl):
                if flow_name == "pkce":
                    _show_url(event, here)
            elif isinstance(event, login.Done):
                if is_new:
                    sessions.save_session(session)
                    _say(f"Added [sso-session {session.name}] to {config_path()}.")
                when = event.token.expires_at.astimezone().strftime("%Y-%m-%d %H:%M %Z")
                _say(f"Signed in to sso-session {session.name} until {when}.")
                return 0
            elif isinstance(event, login.Failed):
                _say(f"ssotui: login failed: {event.reason}")
                return 1
    finally:
        flow.close()  # shuts the loopback server at once, also on Ctrl-C
    return 1


def _show_url(event: login.ShowUrl, browser_here: bool) -> None:
    if event.opened:
        _say("Your browser was opened. If it did not show the sign-in page, open:")
    elif browser_here or event.callback_port is None:
        _say("Open this URL in a browser on this machine to sign in:")
    else:
        port = event.callback_port
        _say(f"Open this URL in a browser that reaches 127.0.0.1:{port} on this machine "
             f"(over SSH, forward the port first: ssh -L {port}:127.0.0.1:{port} HOST):")
    _say(f"\n  {event.url}\n")


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

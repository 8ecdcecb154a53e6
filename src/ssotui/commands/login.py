"""`ssotui login` and `ssotui logout`: progress on stderr, exit 0 / 1 (2 for bad input)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from ssotui.core import awsconfig, login, sessions, tokens
from ssotui.core.clients import make_clients
from ssotui.core.models import SsoSession


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


def _cli_cache_keys(session: SsoSession) -> set[str]:
    """Names of `~/.aws/cli/cache` files botocore writes for profiles on this session.

    botocore's SSOCredentialFetcher key: sha1 of compact sorted JSON of roleName,
    accountId and sessionName (startUrl for legacy profiles)."""
    keys: set[str] = set()
    for values in awsconfig.load_profiles().values():
        account, role = values.get("sso_account_id"), values.get("sso_role_name")
        if not account or not role:
            continue
        args: dict[str, str] = {"roleName": role, "accountId": account}
        if session.is_legacy:
            if values.get("sso_session") or values.get("sso_start_url") != session.start_url:
                continue
            args["startUrl"] = session.start_url
        else:
            if values.get("sso_session") != session.name:
                continue
            args["sessionName"] = session.name
        text = json.dumps(args, sort_keys=True, separators=(",", ":"))
        keys.add(hashlib.sha1(text.encode("utf-8")).hexdigest())
    return keys


def clear_cli_cache(session: SsoSession) -> int:
    """Delete the AWS CLI's cached role credentials for this session's profiles.

    Unlike `aws sso logout` (which deletes every `"ProviderType": "sso"` file), only
    files we can tie to this session are removed: other sessions stay signed in."""
    cache = Path(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    removed = 0
    for key in _cli_cache_keys(session):
        path = cache / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("ProviderType") == "sso":
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def run_logout(args: argparse.Namespace) -> int:
    session = sessions.resolve_session(getattr(args, "sso_session", None))
    token = tokens.load_token(session)
    if token is not None:
        clients = make_clients(session)
        try:
            clients.sso.logout(accessToken=token.access_token)
        except ClientError:
            pass  # 401: already signed out or expired; the local sign-out still happens
        except BotoCoreError as exc:
            _say(f"ssotui: could not reach the portal to sign out ({type(exc).__name__}); "
                 "removing the local sign-in anyway")
    removed = tokens.delete_token(session)
    clear_cli_cache(session)
    if removed:
        _say(f"Signed out of sso-session {session.name}.")
    else:
        _say(f"sso-session {session.name} was not signed in.")
    return 0

"""Sign-in flows as generators the CLI and the TUI both drive.

Each flow yields small events (core/login_events.py) and blocks (in the caller's
thread: run it in a worker) only between yields:

    ShowUrl(url, opened)          the browser was (or should be) pointed at url
    ShowCode(user_code, ...)      device flow: the code the user confirms
    Waiting(seconds_left, ...)    still waiting for the user (each poll / each second)
    Done(token)                   signed in; the token is already in the cache
    Failed(reason)                one line, no secrets; nothing was written

Setting the `cancel` Event ends a flow with Failed("cancelled") within a second.
Closing the generator early (KeyboardInterrupt) also shuts the loopback server.

    for event in device_flow(session, clients):
        ...

The flows live in login_device.py and login_pkce.py, sign-out in signout.py; this
module picks the flow and keeps the names callers import.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from typing import Any

from ssotui.core.errors import UsageError
from ssotui.core.login_device import DEFAULT_INTERVAL, DEVICE_GRANT, SLOW_DOWN_STEP, device_flow
from ssotui.core.login_events import (
    Done,
    Event,
    Failed,
    OpenBrowser,
    ShowCode,
    ShowUrl,
    Waiting,
    default_open_browser,
)
from ssotui.core.login_pkce import (
    CALLBACK_PATH,
    PKCE_TIMEOUT,
    REDIRECT_WITHOUT_PORT,
    VERIFIER_CHARS,
    authorize_url,
    challenge_for,
    make_verifier,
    oidc_base_url,
    pkce_flow,
)
from ssotui.core.models import SsoSession
from ssotui.core.signout import clear_cli_cache, sign_out

__all__ = [
    "CALLBACK_PATH", "DEFAULT_INTERVAL", "DEVICE_GRANT", "PKCE_TIMEOUT",
    "REDIRECT_WITHOUT_PORT", "SLOW_DOWN_STEP", "VERIFIER_CHARS", "Done", "Event", "Failed",
    "OpenBrowser", "ShowCode", "ShowUrl", "Waiting", "authorize_url", "browser_available",
    "challenge_for", "choose_flow", "clear_cli_cache", "default_open_browser", "device_flow",
    "make_verifier", "oidc_base_url", "pkce_flow", "run_flow", "sign_out",
]


def browser_available(
    env: dict[str, str] | None = None,
    platform: str | None = None,
    in_container: bool | None = None,
) -> bool:
    """False where a browser on this machine cannot reach the user: SSH, headless Linux,
    containers. Then the device-code flow is the one that works."""
    env = dict(os.environ) if env is None else env
    platform = platform or sys.platform
    if env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"):
        return False
    if platform.startswith("linux"):
        if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
            return False
        if in_container is None:
            in_container = bool(env.get("container")) or any(
                Path(p).exists() for p in ("/.dockerenv", "/run/.containerenv"))
        if in_container:
            return False
    return True


def choose_flow(session: SsoSession, device_code: bool = False, browser: bool = False) -> str:
    """"device" or "pkce", as the AWS CLI decides plus the no-browser-here cases.

    `browser` forces the browser (PKCE) flow where ssotui guesses no browser can
    reach the user (SSH with port forwarding, a container with a published port)."""
    if device_code and browser:
        raise UsageError("choose either the device-code flow or the browser flow, not both")
    if browser:
        if session.is_legacy:
            raise UsageError(
                "the browser flow needs an sso-session; legacy profiles (sso_start_url "
                "without sso_session) sign in with the device code"
            )
        return "pkce"
    if device_code or session.is_legacy or not browser_available():
        return "device"
    return "pkce"


def run_flow(
    session: SsoSession,
    clients: Any,
    *,
    device_code: bool = False,
    browser: bool = False,
    port: int = 0,
    open_browser: OpenBrowser | None = default_open_browser,
    cancel: threading.Event | None = None,
) -> Generator[Event, None, None]:
    if choose_flow(session, device_code, browser) == "device":
        return device_flow(session, clients, open_browser=open_browser, cancel=cancel)
    return pkce_flow(session, clients, open_browser=open_browser, cancel=cancel, port=port)

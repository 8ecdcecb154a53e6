"""What the sign-in flows yield, and the small helpers the device and PKCE flows share.

    ShowUrl(url, opened)          the browser was (or should be) pointed at url
    ShowCode(user_code, ...)      device flow: the code the user confirms
    Waiting(seconds_left, ...)    still waiting for the user (each poll / each second)
    Done(token)                   signed in; the token is already in the cache
    Failed(reason)                one line, no secrets; nothing was written
"""

from __future__ import annotations

import time
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from ssotui.core import tokens
from ssotui.core.models import SsoSession, Token
from ssotui.core.text import shown
from ssotui.core.tokens import Registration

OpenBrowser = Callable[[str], Any]


@dataclass(frozen=True)
class ShowUrl:
    url: str
    opened: bool
    #: PKCE: the 127.0.0.1 port the browser's redirect must reach (for port forwarding)
    callback_port: int | None = None


@dataclass(frozen=True)
class ShowCode:
    user_code: str
    verification_uri: str
    verification_uri_complete: str


@dataclass(frozen=True)
class Waiting:
    seconds_left: float
    interval: float = 0.0  # device flow: seconds until the next poll (grows on slow_down)


@dataclass(frozen=True)
class Done:
    token: Token = field(repr=False)


@dataclass(frozen=True)
class Failed:
    reason: str


Event = ShowUrl | ShowCode | Waiting | Done | Failed


def default_open_browser(url: str) -> bool:
    try:
        return bool(webbrowser.open_new_tab(url))
    except Exception:  # noqa: BLE001 - any browser failure just means "print the URL"
        return False


def describe(exc: Exception) -> str:
    """One line for a botocore error; the endpoint's text shown inert."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code") or "Error"
        msg = err.get("Message") or ""
        return shown(f"{code}: {msg}".rstrip(": "))[:300]
    return shown(f"{type(exc).__name__}: {exc}")[:300]


def is_invalid_client(exc: Exception) -> bool:
    """The service no longer knows the cached client registration (revoked, deleted)."""
    return isinstance(exc, ClientError) and \
        exc.response.get("Error", {}).get("Code") == "InvalidClientException"


def try_open(open_browser: OpenBrowser | None, url: str) -> bool:
    if open_browser is None:
        return False
    try:
        return open_browser(url) is not False
    except Exception:  # noqa: BLE001
        return False


def client_name(session: SsoSession) -> str:
    # The AWS CLI uses a timestamp for legacy (session-less) configurations.
    suffix = str(int(time.time())) if session.is_legacy else session.name
    return f"botocore-client-{suffix}"


def register(session: SsoSession, clients: Any, kwargs: dict[str, Any],
             scopes: list[str] | None, grant_types: tuple[str, ...] | None) -> Registration:
    """RegisterClient and cache the result (as the AWS CLI caches it)."""
    resp = clients.oidc.register_client(**kwargs)
    reg = Registration(
        client_id=resp["clientId"],
        client_secret=resp["clientSecret"],
        expires_at=datetime.fromtimestamp(int(resp["clientSecretExpiresAt"]), UTC),
        scopes=tuple(scopes) if scopes else None,
        grant_types=grant_types,
    )
    tokens.save_registration(session, reg)
    return reg


def cache_token(session: SsoSession, reg: Registration, resp: dict[str, Any],
                now: datetime) -> Iterator[Event]:
    """The end of both flows: CreateToken's answer cached as the AWS CLI caches it,
    then Done, or Failed (one line) when the cache cannot be written."""
    from ssotui.core.errors import SsotuiError

    token = tokens.token_for_registration(session, reg, resp, now)
    try:
        tokens.save_token(session, token)
    except SsotuiError as exc:
        yield Failed(str(exc))
        return
    yield Done(token)

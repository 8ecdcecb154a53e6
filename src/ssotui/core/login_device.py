"""The device-code sign-in (RFC 8628): RegisterClient, StartDeviceAuthorization, then
poll CreateToken until the user approves the code in a browser anywhere."""

from __future__ import annotations

import threading
import time
from collections.abc import Generator
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ssotui.core import tokens
from ssotui.core.errors import SsotuiError
from ssotui.core.login_events import (
    Event,
    Failed,
    OpenBrowser,
    ShowCode,
    ShowUrl,
    Waiting,
    cache_token,
    client_name,
    describe,
    is_invalid_client,
    register,
    try_open,
)
from ssotui.core.models import SsoSession
from ssotui.core.tokens import Registration

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
DEFAULT_INTERVAL = 5  # RFC 8628 default when the service sends none
SLOW_DOWN_STEP = 5  # RFC 8628: add 5 s on slow_down


def device_registration(session: SsoSession, clients: Any, *, fresh: bool = False
                        ) -> Registration:
    """The cached device-flow registration, else (or with `fresh`) a new one."""
    reg = None if fresh else tokens.load_registration(session, auth_code=False)
    if reg is not None:
        return reg
    kwargs: dict[str, Any] = {"clientName": client_name(session), "clientType": "public"}
    scopes = tokens.registration_scopes(session)
    if scopes:
        kwargs["scopes"] = scopes
    return register(session, clients, kwargs, scopes, None)


def _start(session: SsoSession, clients: Any, fresh: bool) -> tuple[Registration, Any]:
    reg = device_registration(session, clients, fresh=fresh)
    auth = clients.oidc.start_device_authorization(
        clientId=reg.client_id, clientSecret=reg.client_secret, startUrl=session.start_url
    )
    return reg, auth


def device_flow(
    session: SsoSession,
    clients: Any,
    *,
    open_browser: OpenBrowser | None = None,
    cancel: threading.Event | None = None,
) -> Generator[Event, None, None]:
    """RegisterClient, StartDeviceAuthorization, then poll CreateToken (RFC 8628).

    A cached registration the service no longer knows (InvalidClientException:
    revoked or deleted) is replaced by a new one, once, and the flow goes on."""
    cancel = cancel or threading.Event()
    fresh = False
    while True:
        try:
            reg, auth = _start(session, clients, fresh)
        except (ClientError, BotoCoreError) as exc:
            if is_invalid_client(exc) and not fresh:
                fresh = True
                continue
            yield Failed(f"could not start sign-in: {describe(exc)}")
            return
        except SsotuiError as exc:  # the registration could not be cached
            yield Failed(str(exc))
            return
        outcome = yield from _poll(session, clients, reg, auth, open_browser, cancel)
        if outcome is None:
            return
        if fresh:
            yield Failed(f"sign-in failed: {outcome}")
            return
        fresh = True  # revoked while we waited: register again, show a new code


def _poll(session: SsoSession, clients: Any, reg: Registration, auth: Any,
          open_browser: OpenBrowser | None, cancel: threading.Event
          ) -> Generator[Event, None, str | None]:
    """Show the code and poll. Returns None once a final event (Done/Failed) was
    yielded, or the error text when the service refused the client registration."""
    complete = auth.get("verificationUriComplete") or auth["verificationUri"]
    yield ShowCode(auth["userCode"], auth["verificationUri"], complete)
    yield ShowUrl(complete, try_open(open_browser, complete))
    interval = float(auth.get("interval") or DEFAULT_INTERVAL)
    deadline = time.monotonic() + float(auth.get("expiresIn") or 600)
    errors = clients.oidc.exceptions
    while True:
        if cancel.is_set():
            yield Failed("cancelled")
            return None
        now = datetime.now(UTC)
        try:
            resp = clients.oidc.create_token(
                grantType=DEVICE_GRANT,
                clientId=reg.client_id,
                clientSecret=reg.client_secret,
                deviceCode=auth["deviceCode"],
            )
        except errors.AuthorizationPendingException:
            pass
        except errors.SlowDownException:
            interval += SLOW_DOWN_STEP
        except errors.ExpiredTokenException:
            yield Failed("the code expired before it was approved; start over")
            return None
        except errors.AccessDeniedException:
            yield Failed("sign-in was denied in the browser")
            return None
        except (ClientError, BotoCoreError) as exc:
            if is_invalid_client(exc):
                return describe(exc)
            yield Failed(f"sign-in failed: {describe(exc)}")
            return None
        else:
            yield from cache_token(session, reg, resp, now)
            return None
        left = deadline - time.monotonic()
        if left <= 0:
            yield Failed("the code expired before it was approved; start over")
            return None
        yield Waiting(left, interval)
        if cancel.wait(min(interval, left)):
            yield Failed("cancelled")
            return None

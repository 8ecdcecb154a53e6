"""GetRoleCredentials, with credentials kept in memory and reused until 5 minutes
before they expire (core.credcache shares them between processes).

This is the one place role credentials come in from the network, so it is where
they are checked: the endpoint may not be AWS (a typo, a proxy, a hostile network),
and a value holding `$(...)`, quotes or a newline would run commands when the
exports are eval'ed or add sections to the credentials file. `check()` accepts
only what AWS issues and refuses the rest whole, without echoing any value.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ssotui.core.credrules import (  # noqa: F401 - the rules live there (light imports)
    ACCESS_KEY_RE,
    MAX_LIFETIME,
    MAX_PAST,
    SECRET_KEY_RE,
    SESSION_TOKEN_RE,
    problem,
)
from ssotui.core.errors import NeedsLogin, RuntimeFailure, UsageError
from ssotui.core.models import RoleCredentials, Token
from ssotui.core.pacer import Pacer
from ssotui.core.text import shown

if TYPE_CHECKING:  # botocore is imported only for a call: check() serves the warm path
    from botocore.exceptions import ClientError

REUSE_MARGIN = timedelta(minutes=5)
THROTTLED = "TooManyRequestsException"

_cache: dict[tuple[str, str, str], RoleCredentials] = {}
_lock = threading.Lock()


def from_epoch_ms(ms: int | float) -> datetime:
    """The portal's `expiration` (epoch milliseconds) as an aware UTC datetime,
    whole seconds like botocore's SSO provider."""
    return datetime.fromtimestamp(int(ms) // 1000, UTC)


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def get_role_credentials(clients: Any, token: Token, account_id: str, role_name: str,
                         *, now: datetime | None = None, reuse: bool = True,
                         pacer: Pacer | None = None) -> RoleCredentials:
    """Short-term credentials for `role_name` in `account_id`.

    `clients` is a `Clients` (or anything with `.sso`). With `pacer` (the running
    listing's), the call takes the next send slot of the budget the listing shares,
    and a 429 slows the listing too. Raises NeedsLogin when the
    portal rejects the token, UsageError when there is no such role, and
    RuntimeFailure for anything else. Messages never contain secrets. `reuse=False`
    always asks the portal (core.credcache decides about reuse itself)."""
    from botocore.exceptions import BotoCoreError, ClientError

    now = now or datetime.now(UTC)
    # Keyed by the token too: another identity signing in to the same start URL
    # must never be handed the previous one's credentials.
    key = (hashlib.sha256(token.access_token.encode()).hexdigest(), account_id, role_name)
    with _lock:
        cached = _cache.get(key)
    if reuse and cached is not None and cached.expiration - REUSE_MARGIN > now:
        return cached
    sso = getattr(clients, "sso", clients)
    if pacer is not None:
        pacer.acquire()  # one slot: the user is waiting, so it never queues behind prefetch
    sent = time.monotonic()
    try:
        resp = sso.get_role_credentials(
            roleName=role_name, accountId=account_id, accessToken=token.access_token
        )
    except ClientError as exc:
        if pacer is not None and exc.response.get("Error", {}).get("Code") == THROTTLED:
            pacer.on_throttle(sent)
        raise _map_error(exc, account_id, role_name, token) from None
    except (ValueError, TypeError, OverflowError):
        # botocore's parser chokes on a field of the wrong type ("expiration": "x");
        # its message quotes the value, so it is not repeated here.
        raise RuntimeFailure(
            f"GetRoleCredentials for {shown(account_id)}/{shown(role_name)} returned an "
            "answer that is not what AWS sends; refusing these credentials"
        ) from None
    except BotoCoreError as exc:
        raise RuntimeFailure(
            f"cannot get credentials for {shown(account_id)}/{shown(role_name)}: {shown(exc)}"
        ) from None
    if pacer is not None:
        pacer.on_success()
    creds = check(resp.get("roleCredentials"), f"{account_id}/{role_name}", now=now)
    with _lock:
        _cache[key] = creds
    return creds


def check(rc: object, where: str, *, now: datetime | None = None) -> RoleCredentials:
    """A GetRoleCredentials `roleCredentials` answer as RoleCredentials, or
    RuntimeFailure naming the bad field (never its value) when it is not what AWS
    issues. `where` says which account/role asked (shown escaped)."""
    now = now or datetime.now(UTC)
    found = problem(rc, now) if isinstance(rc, dict) else "no roleCredentials"
    if found is not None:
        raise RuntimeFailure(
            f"GetRoleCredentials for {shown(where)} returned {found}; refusing these "
            "credentials (is the sso-session's endpoint really IAM Identity Center?)"
        )
    assert isinstance(rc, dict)
    return RoleCredentials(
        access_key_id=rc["accessKeyId"],
        secret_access_key=rc["secretAccessKey"],
        session_token=rc["sessionToken"],
        expiration=from_epoch_ms(rc["expiration"]),
    )


def _map_error(exc: ClientError, account_id: str, role_name: str, token: Token) -> Exception:
    err = exc.response.get("Error", {})
    code = str(err.get("Code", ""))
    if code == "UnauthorizedException":
        return NeedsLogin(
            f"the sign-in for {token.start_url} has expired or was revoked; run `ssotui login`"
        )
    if code in ("ResourceNotFoundException", "ForbiddenException"):
        return UsageError(
            f"no role {shown(role_name)} in account {shown(account_id)} for this sign-in")
    if code == THROTTLED:
        return RuntimeFailure("IAM Identity Center is throttling requests; try again in a moment")
    # The service message names the problem; it never echoes the bearer token.
    message = str(err.get("Message", "")).splitlines()[0][:200] if err.get("Message") else ""
    return RuntimeFailure(
        f"GetRoleCredentials for {shown(account_id)}/{shown(role_name)} failed: "
        f"{shown(code) or 'error'}" + (f" ({shown(message)})" if message else "")
    )

"""GetRoleCredentials, with credentials kept in memory (never on disk) and reused
until 5 minutes before they expire."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ssotui.core.errors import NeedsLogin, RuntimeFailure, UsageError
from ssotui.core.models import RoleCredentials, Token

REUSE_MARGIN = timedelta(minutes=5)

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
                         *, now: datetime | None = None) -> RoleCredentials:
    """Short-term credentials for `role_name` in `account_id`.

    `clients` is a `Clients` (or anything with `.sso`). Raises NeedsLogin when the
    portal rejects the token, UsageError when there is no such role, and
    RuntimeFailure for anything else. Messages never contain secrets."""
    now = now or datetime.now(UTC)
    # Keyed by the token too: another identity signing in to the same start URL
    # must never be handed the previous one's credentials.
    key = (hashlib.sha256(token.access_token.encode()).hexdigest(), account_id, role_name)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached.expiration - REUSE_MARGIN > now:
        return cached
    sso = getattr(clients, "sso", clients)
    try:
        resp = sso.get_role_credentials(
            roleName=role_name, accountId=account_id, accessToken=token.access_token
        )
    except ClientError as exc:
        raise _map_error(exc, account_id, role_name, token) from None
    except BotoCoreError as exc:
        raise RuntimeFailure(f"cannot get credentials for {account_id}/{role_name}: {exc}") from None
    rc = resp.get("roleCredentials") or {}
    try:
        creds = RoleCredentials(
            access_key_id=rc["accessKeyId"],
            secret_access_key=rc["secretAccessKey"],
            session_token=rc["sessionToken"],
            expiration=from_epoch_ms(rc["expiration"]),
        )
    except (KeyError, TypeError, ValueError):
        raise RuntimeFailure(
            f"GetRoleCredentials for {account_id}/{role_name} returned an incomplete answer"
        ) from None
    with _lock:
        _cache[key] = creds
    return creds


def _map_error(exc: ClientError, account_id: str, role_name: str, token: Token) -> Exception:
    err = exc.response.get("Error", {})
    code = str(err.get("Code", ""))
    if code == "UnauthorizedException":
        return NeedsLogin(
            f"the sign-in for {token.start_url} has expired or was revoked; run `ssotui login`"
        )
    if code in ("ResourceNotFoundException", "ForbiddenException"):
        return UsageError(f"no role {role_name} in account {account_id} for this sign-in")
    if code == "TooManyRequestsException":
        return RuntimeFailure("IAM Identity Center is throttling requests; try again in a moment")
    # The service message names the problem; it never echoes the bearer token.
    message = str(err.get("Message", "")).splitlines()[0][:200] if err.get("Message") else ""
    return RuntimeFailure(
        f"GetRoleCredentials for {account_id}/{role_name} failed: {code or 'error'}"
        + (f" ({message})" if message else "")
    )

"""GetRoleCredentials, with credentials kept in memory (never on disk) and reused
until 5 minutes before they expire.

This is the one place role credentials come in from the network, so it is where
they are checked: the endpoint may not be AWS (a typo, a proxy, a hostile network),
and a value holding `$(...)`, quotes or a newline would run commands when the
exports are eval'ed or add sections to the credentials file. `check()` accepts
only what AWS issues and refuses the rest whole, without echoing any value.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ssotui.core.errors import NeedsLogin, RuntimeFailure, UsageError
from ssotui.core.models import RoleCredentials, Token
from ssotui.core.pacer import Pacer
from ssotui.core.text import shown

REUSE_MARGIN = timedelta(minutes=5)
THROTTLED = "TooManyRequestsException"

# What AWS issues: access key ids are a 4-letter prefix (ASIA for temporary keys,
# AKIA for long-term ones) and 16 base32 characters (the API allows 16-128 in all);
# secret keys are 40 base64 characters; session tokens are base64, usually several
# hundred to a few thousand characters. A little slack on lengths, none on the
# alphabets: nothing here may need quoting in a shell or an INI file.
ACCESS_KEY_RE = re.compile(r"(?:ASIA|AKIA)[A-Z0-9]{12,124}")
SECRET_KEY_RE = re.compile(r"[A-Za-z0-9/+=]{16,256}")
SESSION_TOKEN_RE = re.compile(r"[A-Za-z0-9/+=]{16,65536}")
#: Permission sets allow sessions of at most 12 hours; beyond this an expiry is not AWS's.
MAX_LIFETIME = timedelta(days=7)
#: An expiry this far in the past is nonsense, not clock skew.
MAX_PAST = timedelta(days=1)

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
                         *, now: datetime | None = None,
                         pacer: Pacer | None = None) -> RoleCredentials:
    """Short-term credentials for `role_name` in `account_id`.

    `clients` is a `Clients` (or anything with `.sso`). With `pacer` (the running
    listing's), the call takes the next send slot of the budget the listing shares,
    and a 429 slows the listing too. Raises NeedsLogin when the
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


def _problem(rc: dict[str, Any], now: datetime) -> str | None:
    """What is wrong with a roleCredentials answer (never quoting a value), or None."""
    for name, pattern in (("accessKeyId", ACCESS_KEY_RE), ("secretAccessKey", SECRET_KEY_RE),
                          ("sessionToken", SESSION_TOKEN_RE)):
        value = rc.get(name)
        if value is None:
            return f"no {name}"
        if not isinstance(value, str) or not pattern.fullmatch(value):
            return f"a {name} unlike any AWS issues"
    ms = rc.get("expiration")
    if ms is None:
        return "no expiration"
    if isinstance(ms, bool) or not isinstance(ms, int | float) or not math.isfinite(ms):
        return "an expiration that is not a time"
    if not (now - MAX_PAST).timestamp() * 1000 <= ms <= (now + MAX_LIFETIME).timestamp() * 1000:
        return "an expiration outside any session AWS grants"
    return None


def check(rc: object, where: str, *, now: datetime | None = None) -> RoleCredentials:
    """A GetRoleCredentials `roleCredentials` answer as RoleCredentials, or
    RuntimeFailure naming the bad field (never its value) when it is not what AWS
    issues. `where` says which account/role asked (shown escaped)."""
    now = now or datetime.now(UTC)
    problem = _problem(rc, now) if isinstance(rc, dict) else "no roleCredentials"
    if problem is not None:
        raise RuntimeFailure(
            f"GetRoleCredentials for {shown(where)} returned {problem}; refusing these "
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

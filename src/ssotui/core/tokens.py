"""The SSO token and client-registration cache, shared with the AWS CLI and botocore.

Files live in `~/.aws/sso/cache` (HOME-based, like botocore). Names and bodies follow
PROTOCOL.md exactly so `aws`, boto3 and ssotui can use each other's sign-ins:

- token: `sha1(session name)` (legacy profiles: `sha1(start URL)`), body
  `startUrl, region, accessToken, expiresAt, clientId, clientSecret,
  registrationExpiresAt[, refreshToken]`, UTC `%Y-%m-%dT%H:%M:%SZ` timestamps;
- registration: `sha1(json.dumps({"tool": "botocore", ...}, sort_keys=True))`
  (the AWS CLI's `_registration_cache_key`), body `clientId, clientSecret,
  expiresAt[, scopes][, grantTypes]`.

A file that is missing, corrupt or half-written reads as "signed out", never an error.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ssotui.core.cachefiles import (  # noqa: F401 - parse_time/format_time: public here too
    TIME_FORMAT,
    format_time,
    parse_time,
    read_json,
    sha1_hex,
    write_private,
)
from ssotui.core.errors import NeedsLogin, RuntimeFailure
from ssotui.core.models import SsoSession, Token
from ssotui.core.record import Record

#: botocore refreshes when fewer than this many seconds remain; so do we.
REFRESH_WINDOW = timedelta(minutes=15)
#: A registration is reused until this close to its expiry (the AWS CLI's window).
REGISTRATION_WINDOW = timedelta(minutes=15)
#: Below this, a token that could not be refreshed is not worth handing out.
MIN_USABLE = timedelta(seconds=60)

AUTH_CODE_GRANTS = ("authorization_code", "refresh_token")

# One refresh at a time per token file inside this process (directory threads race).
_refresh_locks: dict[str, threading.Lock] = {}
_refresh_locks_guard = threading.Lock()


def cache_dir() -> Path:
    # Evaluated per call (botocore does it at import): tests and --demo swap HOME.
    return Path(os.path.expanduser(os.path.join("~", ".aws", "sso", "cache")))


def token_path(session: SsoSession) -> Path:
    return cache_dir() / f"{sha1_hex(session.cache_key)}.json"


def needs_login(session: SsoSession) -> NeedsLogin:
    name = session.name
    return NeedsLogin(
        f"sso-session {name}: signed out or expired; run `ssotui login --sso-session {name}`"
    )


# ---------------------------------------------------------------- tokens


def token_from_dict(data: dict[str, Any]) -> Token | None:
    access = data.get("accessToken")
    expires = parse_time(data.get("expiresAt"))
    if not isinstance(access, str) or not access or expires is None:
        return None

    def text(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) and value else None

    return Token(
        access_token=access,
        expires_at=expires,
        start_url=text("startUrl") or "",
        region=text("region") or "",
        refresh_token=text("refreshToken"),
        client_id=text("clientId"),
        client_secret=text("clientSecret"),
        registration_expires_at=parse_time(data.get("registrationExpiresAt")),
    )


def token_to_dict(token: Token) -> dict[str, Any]:
    body: dict[str, Any] = {
        "startUrl": token.start_url,
        "region": token.region,
        "accessToken": token.access_token,
        "expiresAt": format_time(token.expires_at),
    }
    if token.client_id:
        body["clientId"] = token.client_id
    if token.client_secret:
        body["clientSecret"] = token.client_secret
    if token.registration_expires_at is not None:
        body["registrationExpiresAt"] = format_time(token.registration_expires_at)
    if token.refresh_token:
        body["refreshToken"] = token.refresh_token
    return body


def load_token(session: SsoSession) -> Token | None:
    """The cached token for `session` (possibly expired), or None when signed out."""
    data = read_json(token_path(session))
    return None if data is None else token_from_dict(data)


def save_token(session: SsoSession, token: Token) -> None:
    write_private(token_path(session), token_to_dict(token))


def delete_token(session: SsoSession) -> bool:
    try:
        token_path(session).unlink()
    except FileNotFoundError:
        return False
    return True


def remaining(token: Token, now: datetime | None = None) -> timedelta:
    return token.expires_at - (now or datetime.now(UTC))


def can_refresh(session: SsoSession, token: Token, now: datetime | None = None) -> bool:
    """botocore's rule: sso-session tokens only, with all four refresh keys, live registration."""
    now = now or datetime.now(UTC)
    return (
        not session.is_legacy
        and bool(token.refresh_token and token.client_id and token.client_secret)
        and token.registration_expires_at is not None
        and token.registration_expires_at > now
    )


def refresh_token(session: SsoSession, clients: Any, token: Token) -> Token:
    """CreateToken(refresh_token) and write the result back. Raises ClientError/BotoCoreError."""
    now = datetime.now(UTC).replace(microsecond=0)  # the file holds whole seconds
    resp = clients.oidc.create_token(
        grantType="refresh_token",
        clientId=token.client_id,
        clientSecret=token.client_secret,
        refreshToken=token.refresh_token,
    )
    new = Token(
        access_token=resp["accessToken"],
        expires_at=now + timedelta(seconds=int(resp["expiresIn"])),
        start_url=session.start_url,
        region=session.region,
        # botocore drops the old refresh token when none comes back; keeping it costs
        # nothing and lets the next refresh still try.
        refresh_token=resp.get("refreshToken") or token.refresh_token,
        client_id=token.client_id,
        client_secret=token.client_secret,
        registration_expires_at=token.registration_expires_at,
    )
    save_token(session, new)
    return new


def _lock_for(session: SsoSession) -> threading.Lock:
    with _refresh_locks_guard:
        return _refresh_locks.setdefault(str(token_path(session)), threading.Lock())


def ensure_token(session: SsoSession, clients: Any) -> Token:
    """A token good for at least 15 more minutes, refreshing it (and the file) if needed.

    Like botocore, a token that cannot be refreshed is still used while it is valid;
    raises NeedsLogin when there is no usable token, RuntimeFailure when the refresh
    endpoint cannot be reached and the cached token is no longer usable."""
    token = load_token(session)
    if token is None:
        raise needs_login(session)
    if remaining(token) >= REFRESH_WINDOW:
        return token
    from botocore.exceptions import BotoCoreError, ClientError  # refreshing needs botocore

    with _lock_for(session):
        # Another thread (or botocore in another process) may have refreshed meanwhile.
        token = load_token(session)
        if token is None:
            raise needs_login(session)
        if remaining(token) >= REFRESH_WINDOW:
            return token
        failure: Exception | None = None
        if can_refresh(session, token):
            try:
                return refresh_token(session, clients, token)
            except ClientError:
                # Refused (revoked, expired registration...): maybe someone else won a race.
                again = load_token(session)
                if again is not None and again.access_token != token.access_token:
                    if remaining(again) >= MIN_USABLE:
                        return again
            except BotoCoreError as exc:
                failure = exc
        if remaining(token) >= MIN_USABLE:
            return token
        if failure is not None:
            raise RuntimeFailure(
                f"sso-session {session.name}: could not refresh the token "
                f"({type(failure).__name__}); check the network and retry"
            ) from None
        raise needs_login(session)


def status(session: SsoSession, now: datetime | None = None) -> tuple[str, Token | None]:
    """("signed-in" | "expiring" | "expired" | "signed-out", token) for status lines.

    "expiring" means under 15 minutes left; it is still usable (and refreshable
    through ensure_token when the cache holds a refresh token)."""
    token = load_token(session)
    if token is None:
        return "signed-out", None
    left = remaining(token, now)
    if left <= timedelta(0):
        return "expired", token
    if left < REFRESH_WINDOW:
        return "expiring", token
    return "signed-in", token


@contextmanager
def unauthorized_means_login(session: SsoSession) -> Iterator[None]:
    """Turn the portal's 401 (a revoked or expired token) into NeedsLogin."""
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        http = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code == "UnauthorizedException" or http == 401:
            raise needs_login(session) from None
        raise


# ---------------------------------------------------------------- registrations


class Registration(Record):
    """An OIDC client registration as the AWS CLI caches it (secret: never log)."""

    _fields = ("client_id", "client_secret", "expires_at", "scopes", "grant_types")
    _secret = frozenset({"client_secret"})
    client_id: str
    client_secret: str
    expires_at: datetime
    scopes: tuple[str, ...] | None
    grant_types: tuple[str, ...] | None

    def __init__(self, client_id: str, client_secret: str, expires_at: datetime,
                 scopes: tuple[str, ...] | None = None,
                 grant_types: tuple[str, ...] | None = None) -> None:
        self._set(client_id=client_id, client_secret=client_secret, expires_at=expires_at,
                  scopes=scopes, grant_types=grant_types)

    @property
    def is_auth_code(self) -> bool:
        return bool(self.grant_types and "authorization_code" in self.grant_types)


def registration_scopes(session: SsoSession) -> list[str] | None:
    # The AWS CLI passes None (not []) when sso_registration_scopes is absent.
    return list(session.scopes) if session.scopes else None


def registration_key(session: SsoSession) -> str:
    args = {
        "tool": "botocore",
        "startUrl": session.start_url,
        "region": session.region,
        "scopes": registration_scopes(session),
        "session_name": None if session.is_legacy else session.name,
    }
    return sha1_hex(json.dumps(args, sort_keys=True))


def registration_path(session: SsoSession) -> Path:
    return cache_dir() / f"{registration_key(session)}.json"


def load_registration(session: SsoSession, *, auth_code: bool) -> Registration | None:
    """A cached registration usable for this flow for 15 more minutes, else None."""
    data = read_json(registration_path(session))
    if data is None:
        return None
    client_id, secret = data.get("clientId"), data.get("clientSecret")
    expires = parse_time(data.get("expiresAt"))
    if not isinstance(client_id, str) or not isinstance(secret, str) or expires is None:
        return None
    scopes, grants = data.get("scopes"), data.get("grantTypes")
    reg = Registration(
        client_id=client_id,
        client_secret=secret,
        expires_at=expires,
        scopes=tuple(str(s) for s in scopes) if isinstance(scopes, list) else None,
        grant_types=tuple(str(g) for g in grants) if isinstance(grants, list) else None,
    )
    if expires - datetime.now(UTC) < REGISTRATION_WINDOW or reg.is_auth_code != auth_code:
        return None
    return reg


def save_registration(session: SsoSession, reg: Registration) -> None:
    body: dict[str, Any] = {
        "clientId": reg.client_id,
        "clientSecret": reg.client_secret,
        "expiresAt": format_time(reg.expires_at),
    }
    if reg.scopes is not None:
        body["scopes"] = list(reg.scopes)
    if reg.grant_types is not None:
        body["grantTypes"] = list(reg.grant_types)
    write_private(registration_path(session), body)


def token_for_registration(
    session: SsoSession, reg: Registration, response: dict[str, Any], now: datetime
) -> Token:
    """The Token a CreateToken response yields, carrying its registration (as the CLI does)."""
    now = now.replace(microsecond=0)  # equal to what the file holds
    return Token(
        access_token=response["accessToken"],
        expires_at=now + timedelta(seconds=int(response["expiresIn"])),
        start_url=session.start_url,
        region=session.region,
        refresh_token=response.get("refreshToken") or None,
        client_id=reg.client_id,
        client_secret=reg.client_secret,
        registration_expires_at=reg.expires_at,
    )


"""Role credentials shared between processes: `credential_process`, `exec`, `serve`.

One JSON file per sso-session/account/role in `<ssotui cache dir>/credentials/`
(directory 0700, files 0600, written atomically through core.files). A file is
reused while more than MARGIN is left before its expiry and while the sign-in
that fetched it is still the one in the AWS CLI's token cache (a new sign-in, a
refreshed token or another identity on the same start URL fetches anew). Fetching
happens under a lock per file, so N callers on a cold cache make one
GetRoleCredentials call: the first fetches, the others wait and read its file.

The warm path (`cached()`) reads two small JSON files and imports neither botocore
nor Textual. A file that cannot be used (corrupt, truncated, made for another
start URL) is ignored with one debug line and replaced by the next fetch. Nothing
here logs a secret: debug lines name the file, never its content.
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ssotui.core import credpaths
from ssotui.core.models import RoleCredentials, SsoSession, Token

log = logging.getLogger(__name__)

MARGIN = credpaths.MARGIN  # 15 minutes: botocore's advisory refresh window (see there)
VERSION = credpaths.VERSION
_reported: set[Path] = set()
_KEYS = ("accessKeyId", "secretAccessKey", "sessionToken", "expiration")


@dataclass(frozen=True)
class Entry:
    """What `status` shows about one cached file (no secrets)."""

    session: str
    account_id: str
    role: str
    expiration: datetime
    path: Path


def cache_dir() -> Path:
    return Path(credpaths.cache_dir())


def cache_path(session: SsoSession, account_id: str, role: str) -> Path:
    return Path(credpaths.cache_file(session.cache_key, session.start_url, account_id, role))


def token_digest(token: Token) -> str:
    return credpaths.token_digest(token.access_token)


def _read(path: Path) -> dict[str, Any] | None:
    """The file's JSON object; None when missing or unusable (one debug line)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.debug("ignoring credentials cache %s: %s", path, exc.strerror)
        return None
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or doc.get("version") != VERSION:
            raise ValueError("not a version 1 cache file")
        return doc
    except (ValueError, RecursionError) as exc:
        if path not in _reported:  # read up to three times per command: say it once
            _reported.add(path)
            log.debug("ignoring corrupt credentials cache %s (%s)", path, type(exc).__name__)
        return None


def _usable(doc: dict[str, Any], session: SsoSession, account_id: str, role: str,
            digest: str | None, now: datetime, margin: timedelta) -> RoleCredentials | None:
    from ssotui.core.errors import RuntimeFailure
    from ssotui.core.rolecreds import check

    if (doc.get("startUrl"), doc.get("accountId"), doc.get("roleName")) != \
            (session.start_url, account_id, role):
        return None
    if digest is not None and doc.get("token") != digest:
        return None
    try:  # the same checks as an answer from the portal: nothing else reaches a shell
        creds = check({k: doc.get(k) for k in _KEYS}, f"{account_id}/{role}", now=now)
    except RuntimeFailure:
        log.debug("ignoring credentials cache for %s/%s: unusable values", account_id, role)
        return None
    return creds if creds.expiration - margin > now else None


def cached(session: SsoSession, account_id: str, role: str, *, now: datetime | None = None,
           margin: timedelta = MARGIN) -> RoleCredentials | None:
    """Credentials from the cache for the current sign-in, or None (no network).

    None also when nobody is signed in: the caller's cold path says so."""
    from ssotui.core.tokens import load_token

    token = load_token(session)
    if token is None:
        return None
    doc = _read(cache_path(session, account_id, role))
    if doc is None:
        return None
    return _usable(doc, session, account_id, role, token_digest(token),
                   now or datetime.now(UTC), margin)


def get(session: SsoSession, clients: Any, token: Token, account_id: str, role: str, *,
        margin: timedelta = MARGIN, pacer: Any = None) -> RoleCredentials:
    """Cached credentials, else fetched once under the file's lock and cached.

    Errors are rolecreds.get_role_credentials's (NeedsLogin, UsageError,
    RuntimeFailure); a cache that cannot be written is a debug line, not a failure.
    `pacer`: the running listing's (a fetch takes its next send slot)."""
    from ssotui.core import files
    from ssotui.core.errors import SsotuiError
    from ssotui.core.rolecreds import get_role_credentials

    digest = token_digest(token)
    path = cache_path(session, account_id, role)
    doc = _read(path)
    if doc is not None:
        hit = _usable(doc, session, account_id, role, digest, datetime.now(UTC), margin)
        if hit is not None:
            return hit
    _make_dir(path.parent)
    with ExitStack() as stack:
        try:
            stack.enter_context(files.locked(path))
        except SsotuiError as exc:
            # No usable cache dir (or a lock held for LOCK_TIMEOUT): the credentials
            # still come, they are just not shared.
            log.debug("not sharing credentials for %s/%s: %s", account_id, role, exc)
            return get_role_credentials(clients, token, account_id, role, reuse=False,
                                        pacer=pacer)
        doc = _read(path)  # another process may have fetched while we waited
        if doc is not None:
            hit = _usable(doc, session, account_id, role, digest, datetime.now(UTC), margin)
            if hit is not None:
                return hit
        creds = get_role_credentials(clients, token, account_id, role, reuse=False,
                                     pacer=pacer)
        _store(path, session, account_id, role, digest, creds)
    return creds


def _make_dir(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        log.debug("cannot create %s: %s", directory, exc.strerror)


def _store(path: Path, session: SsoSession, account_id: str, role: str, digest: str,
           creds: RoleCredentials) -> None:
    from ssotui.core import files
    from ssotui.core.errors import SsotuiError

    doc = {
        "version": VERSION, "session": session.name, "startUrl": session.start_url,
        "accountId": account_id, "roleName": role, "token": digest,
        "accessKeyId": creds.access_key_id, "secretAccessKey": creds.secret_access_key,
        "sessionToken": creds.session_token,
        "expiration": int(creds.expiration.timestamp()) * 1000,
    }
    try:
        if path.exists() and not os.access(path, os.W_OK):
            path.unlink()  # an unusable leftover (e.g. mode 0400): replaced, not obeyed
        files.atomic_write(path, json.dumps(doc), mode=0o600, private=True)
        os.chmod(path, 0o600)  # atomic_write keeps an existing file's mode; ours is 0600
    except (SsotuiError, OSError) as exc:
        # The credentials are good; only sharing them failed. Say it in --debug only:
        # a credential_process must not fail because a cache dir is read-only.
        log.debug("could not write the credentials cache %s: %s", path, exc)


def entries(session: SsoSession | None = None) -> list[Entry]:
    """Every cached file (of `session` when given) with its expiry, expired ones too."""
    directory = cache_dir()
    try:
        paths = sorted(directory.glob("*.json"))
    except OSError:
        return []
    out = []
    for path in paths:
        doc = _read(path)
        if doc is None:
            continue
        if session is not None and (doc.get("session"), doc.get("startUrl")) != \
                (session.name, session.start_url):
            continue
        ms = doc.get("expiration")
        if not isinstance(ms, int) or isinstance(ms, bool):
            continue
        try:
            expiration = datetime.fromtimestamp(ms // 1000, UTC)
        except (OverflowError, OSError, ValueError):
            continue
        out.append(Entry(str(doc.get("session", "")), str(doc.get("accountId", "")),
                         str(doc.get("roleName", "")), expiration, path))
    return out


def invalidate(session: SsoSession) -> int:
    """Delete the session's cached credentials (logout); returns how many."""
    removed = 0
    for entry in entries(session):
        try:
            entry.path.unlink()
            removed += 1
        except OSError:
            pass
    return removed

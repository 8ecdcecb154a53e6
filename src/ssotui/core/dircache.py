"""The per-sso-session cache of accounts and roles (stale-while-revalidate).

One compact JSON file per sso-session in `SSOTUI_CACHE_DIR` (else the platformdirs
user cache dir), mode 0600, written atomically. It holds the start URL (a cache
made for another start URL is ignored) and when it was saved, and the request rate
the portal was found to allow (`rate`: the next listing starts from it, see
`ssotui.core.pacer`; kept for the start URL *and* region it was learned against,
and absent from caches written before it existed). Loading is one
`json.loads` of arrays, so a 5,000-account org loads in milliseconds. This module
imports neither botocore nor the loader: `ssotui list` prints from it before
paying for those imports.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from ssotui.core.cachefiles import sha1_hex
from ssotui.core.models import Account, SsoSession
from ssotui.core.record import Record

VERSION = 1


class CacheCorrupt(Exception):
    """The cache file exists but cannot be used; the message says why (no secrets)."""


class LearnedRate(Record):
    """The portal's request limit as a listing found it (requests/s), and when."""

    _fields = ("rps", "learned_at", "region")
    rps: float
    learned_at: datetime
    region: str

    def __init__(self, rps: float, learned_at: datetime, region: str) -> None:
        self._set(rps=rps, learned_at=learned_at, region=region)

    def age(self, now: datetime | None = None) -> float:
        """Seconds since it was learned (0 for a clock that went backwards)."""
        return max(0.0, ((now or datetime.now(UTC)) - self.learned_at).total_seconds())


class CachedDirectory(Record):
    """A listing as cached: `roles` is account id -> sorted role names; `rate` the
    learned rate for this start URL and the session's region."""

    _fields = ("start_url", "saved_at", "accounts", "roles", "rate")
    _unhashed = frozenset({"roles"})
    start_url: str
    saved_at: datetime
    accounts: tuple[Account, ...]
    roles: dict[str, tuple[str, ...]]
    rate: LearnedRate | None

    def __init__(self, start_url: str, saved_at: datetime, accounts: tuple[Account, ...],
                 roles: dict[str, tuple[str, ...]], rate: LearnedRate | None = None) -> None:
        self._set(start_url=start_url, saved_at=saved_at, accounts=accounts, roles=roles,
                  rate=rate)


class ChangeReport(Record):
    """What a refresh found compared with the cache; roles as (account id, role name)."""

    _fields = ("accounts_added", "accounts_removed", "roles_added", "roles_removed")
    accounts_added: tuple[Account, ...]
    accounts_removed: tuple[Account, ...]
    roles_added: tuple[tuple[str, str], ...]
    roles_removed: tuple[tuple[str, str], ...]

    def __init__(self, accounts_added: tuple[Account, ...] = (),
                 accounts_removed: tuple[Account, ...] = (),
                 roles_added: tuple[tuple[str, str], ...] = (),
                 roles_removed: tuple[tuple[str, str], ...] = ()) -> None:
        self._set(accounts_added=accounts_added, accounts_removed=accounts_removed,
                  roles_added=roles_added, roles_removed=roles_removed)

    @property
    def empty(self) -> bool:
        return not (
            self.accounts_added or self.accounts_removed or self.roles_added or self.roles_removed
        )

    def summary(self) -> str:
        """One line, e.g. "2 accounts added, 1 role removed" or "no changes"."""
        parts = []
        for n, what in (
            (len(self.accounts_added), "account{} added"),
            (len(self.accounts_removed), "account{} removed"),
            (len(self.roles_added), "role{} added"),
            (len(self.roles_removed), "role{} removed"),
        ):
            if n:
                parts.append(f"{n} " + what.format("" if n == 1 else "s"))
        return ", ".join(parts) or "no changes"


def compare(
    old: CachedDirectory,
    accounts: list[Account] | tuple[Account, ...],
    roles: dict[str, tuple[str, ...]],
) -> ChangeReport:
    """Differences between the cached org and a fresh one. Accounts missing from
    `roles` (failed this time) are not compared role by role."""
    old_ids = {a.account_id: a for a in old.accounts}
    new_ids = {a.account_id: a for a in accounts}
    roles_added: list[tuple[str, str]] = []
    roles_removed: list[tuple[str, str]] = []
    for acct_id in new_ids.keys() & old_ids.keys():
        if acct_id not in roles or acct_id not in old.roles:
            continue
        before, after = set(old.roles[acct_id]), set(roles[acct_id])
        roles_added += [(acct_id, r) for r in after - before]
        roles_removed += [(acct_id, r) for r in before - after]
    return ChangeReport(
        accounts_added=tuple(a for i, a in new_ids.items() if i not in old_ids),
        accounts_removed=tuple(a for i, a in old_ids.items() if i not in new_ids),
        roles_added=tuple(sorted(roles_added)),
        roles_removed=tuple(sorted(roles_removed)),
    )


def cache_dir() -> Path:
    override = os.environ.get("SSOTUI_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs  # only when needed: keeps `ssotui list` startup lean

    return Path(platformdirs.user_cache_dir("ssotui"))


def cache_path(session: SsoSession) -> Path:
    """`<cache dir>/directory-<readable name>-<hash>.json`; the hash keeps names with
    odd characters (and legacy sessions keyed by URL) apart."""
    key = session.cache_key
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", session.name)[:40] or "session"
    digest = sha1_hex(key)[:12]
    return cache_dir() / f"directory-{slug}-{digest}.json"


def load(session: SsoSession) -> CachedDirectory | None:
    """The cached org, None when there is no cache; raises CacheCorrupt when the
    file cannot be used (the caller warns and carries on without it)."""
    path = cache_path(session)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CacheCorrupt(f"cannot read {path}: {exc.strerror}") from None
    try:
        doc = json.loads(raw)
        if doc.get("version") != VERSION:
            raise CacheCorrupt(f"{path}: unknown cache version, ignoring it")
        start_url = str(doc["startUrl"])
        saved_at = datetime.fromisoformat(doc["savedAt"])
        if saved_at.tzinfo is None:
            raise ValueError("savedAt without a time zone")
        saved_at = saved_at.astimezone(UTC)  # OverflowError near year 1 / 9999
        accounts: list[Account] = []
        roles: dict[str, tuple[str, ...]] = {}
        for acct_id, name, email, acct_roles in doc["accounts"]:  # on the picker's start
            acct_id = str(acct_id)
            accounts.append(Account(acct_id, str(name), str(email)))
            if acct_roles is not None:
                roles[acct_id] = tuple(map(str, acct_roles))
    except CacheCorrupt:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError,
            RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise CacheCorrupt(f"{path} is corrupt ({type(exc).__name__}); ignoring it") from None
    if start_url != session.start_url:
        raise CacheCorrupt(f"{path} was made for another start URL; ignoring it")
    return CachedDirectory(start_url, saved_at, tuple(accounts), roles,
                           _learned_rate(doc.get("rate"), session.region))


def _learned_rate(raw: object, region: str) -> LearnedRate | None:
    """The cached rate, or None when absent (older caches), for another region, or
    unusable: a bad rate only costs the next listing its head start, never the org."""
    if not isinstance(raw, dict) or raw.get("region") != region:
        return None
    try:
        rps = float(raw["rps"])
        learned_at = datetime.fromisoformat(raw["learnedAt"])
        if learned_at.tzinfo is None or not 0 < rps < 1e6:
            return None
        return LearnedRate(rps, learned_at.astimezone(UTC), region)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def save(
    session: SsoSession,
    accounts: list[Account] | tuple[Account, ...],
    roles: dict[str, tuple[str, ...]],
    rate: LearnedRate | None = None,
) -> Path:
    """Write the org atomically, mode 0600. Accounts without known roles get null."""
    doc: dict[str, object] = {
        "version": VERSION,
        "session": session.name,
        "startUrl": session.start_url,
        "region": session.region,
        "savedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "accounts": [
            [a.account_id, a.account_name, a.email_address,
             list(roles[a.account_id]) if a.account_id in roles else None]
            for a in accounts
        ],
    }
    if rate is not None:
        doc["rate"] = {"rps": round(rate.rps, 2), "region": rate.region,
                       "learnedAt": rate.learned_at.isoformat(timespec="seconds")}
    data = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    path = cache_path(session)
    _atomic_write(path, data)
    return path


def _atomic_write(path: Path, data: str) -> None:
    try:
        from ssotui.core.files import atomic_write
    except ImportError:  # B's module missing: a minimal private equivalent
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data, mode=0o600)
    os.chmod(path, 0o600)  # atomic_write keeps an existing file's mode; ours is always 0600

"""The typed events a `DirectoryLoader` emits (see `ssotui.core.directory`).

    CachedOrg(accounts, roles, saved_at)   warm start: the cached org, before any call
    CacheWarning(message)                  cache unreadable/corrupt/unwritable: ignored
    AccountsPage(accounts, complete)       a ListAccounts page (accounts new on this run)
    RolesLoaded(account_id, roles, prioritized)   an account's full, sorted role list
    AccountFailed(account_id, reason)      that account gave up after retries; others go on
    Progress(done, total, total_final, requests, rps, throttled, failed, rate)  <= 10/s
    LoginRequired(message)                 401 and no newer token: listing stopped
    Finished(accounts, roles, failed, changes, cancelled, login_required, error, ...)
                                           the last event of a run; `changes` is a
                                           ChangeReport vs the cache (None without one);
                                           `error`: ListAccounts itself kept failing.
                                           An account in `accounts` but not in `roles`
                                           was not listed (`failed` says why)

Names, roles and reasons are portal data: show them through `ssotui.core.text.shown()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ssotui.core.dircache import ChangeReport
from ssotui.core.models import Account


@dataclass(frozen=True)
class CachedOrg:
    accounts: tuple[Account, ...]
    roles: dict[str, tuple[str, ...]] = field(hash=False)
    saved_at: datetime


@dataclass(frozen=True)
class CacheWarning:
    message: str


@dataclass(frozen=True)
class AccountsPage:
    accounts: tuple[Account, ...]
    complete: bool  # True on the last page


@dataclass(frozen=True)
class RolesLoaded:
    account_id: str
    roles: tuple[str, ...]  # sorted
    prioritized: bool = False


@dataclass(frozen=True)
class AccountFailed:
    account_id: str
    reason: str


@dataclass(frozen=True)
class Progress:
    done: int  # accounts whose roles are known or failed
    total: int  # accounts known so far
    total_final: bool  # all ListAccounts pages are in
    requests: int  # HTTP requests sent, retries included
    rps: float  # requests/s over the last few seconds
    throttled: int  # 429 answers so far
    failed: int  # accounts failed
    rate: float  # the pacer's current target rate


@dataclass(frozen=True)
class LoginRequired:
    message: str


@dataclass(frozen=True)
class Finished:
    accounts: tuple[Account, ...]
    roles: dict[str, tuple[str, ...]] = field(hash=False)
    failed: dict[str, str] = field(hash=False)  # account id -> reason
    changes: ChangeReport | None = None
    cancelled: bool = False
    login_required: bool = False
    error: str | None = None  # listing accounts itself failed
    elapsed: float = 0.0
    requests: int = 0
    throttled: int = 0


Event = (
    CachedOrg | CacheWarning | AccountsPage | RolesLoaded | AccountFailed | Progress
    | LoginRequired | Finished
)

"""Accounts and roles of an sso-session: simple calls, and a streaming loader.

Simple, blocking (CLI helpers, other modules; defined in `ssotui.core.portal`):

    list_accounts(sso, access_token) -> list[Account]           # every page, max_result=100
    list_roles(sso, access_token, account_id) -> list[str]      # every page, sorted

Both retry throttling (429), 5xx and connection errors with backoff, raise
`NeedsLogin` on 401 and `RuntimeFailure` on anything else. `sso` is a botocore
"sso" client (`Clients.sso` or, better, `Clients.listing`).

Streaming (the TUI and `ssotui list`):

    loader = DirectoryLoader(clients.listing, token_provider, on_event, session=sso_session)
    loader.start(refresh=False)      # returns at once; events arrive on worker threads
    loader.prioritize(account_id)    # that account's roles go out in the next send slot
    loader.cancel()                  # stop; Finished(cancelled=True) unless already finished
    loader.close()                   # release threads (prioritize() works until then)
    loader.wait(timeout=None) -> Finished | None
    loader.progress() -> Progress    # a snapshot, any time

    load_all(sso, token_provider, *, session=None, on_event=None) -> Finished   # blocking

The listing always goes to the network; `start(refresh=False)` first emits the
cached org (stale-while-revalidate), `refresh=True` does not. With `session`, the
finished org is written to the cache and compared with the previous one.
`prioritize()` of an account this run already has answers at once; of one not
listed yet fetches it anyway (an unknown id ends in AccountFailed).

`on_event(event)` is called from background threads (and, for CachedOrg /
CacheWarning / an immediate RolesLoaded, from the caller of start()/prioritize()),
one event at a time, never concurrently; keep it quick (post a Textual message).
Events are frozen dataclasses defined, with a table of what each means, in
`ssotui.core.listing_events` (and importable from here).

`token_provider()` returns the current access token; it is asked once at start and
again after a 401, so a refreshed token is picked up
(`lambda: ensure_token(session, clients).access_token`); NeedsLogin from it ends
the run with LoginRequired.

Sending is paced by `ssotui.core.ratelimit` (priority-aware) at the rate of a
`ssotui.core.pacer.Pacer`, which probes for the portal's limit. Without `rate=` or
`pacer=`, a listing with `session` starts from the rate the previous one learned
(kept in the listing cache, trusted less as it ages) and saves what it learns;
use the `Clients.listing` client, whose botocore retries are off so every 429
reaches the pacer (see ratelimit's docstring for why not botocore's adaptive mode).

Modules: this one (the public API, the fetch jobs, retries), `listing_state` (the
token, counters, event delivery, the end of a run), `listing_events` (the events),
`portal` (the plain paged calls). Import from here.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from ssotui.core import dircache

# The events live in listing_events.py; re-exported so callers need one module.
from ssotui.core.listing_events import (  # noqa: F401
    AccountFailed,
    AccountsPage,
    CachedOrg,
    CacheWarning,
    Event,
    Finished,
    LoginRequired,
    Progress,
    RolesLoaded,
)
from ssotui.core.listing_state import PROGRESS_EVERY, LoaderState  # noqa: F401
from ssotui.core.models import Account, SsoSession

# The plain calls live in portal.py; re-exported so callers need one module.
from ssotui.core.portal import (  # noqa: F401
    AUTH,
    FATAL,
    LOGIN_HINT,
    PAGE_SIZE,
    RETRY,
    THROTTLE,
    _with_retries,
    classify,
    describe,
    list_accounts,
    list_roles,
    login_hint,
    parse_accounts,
    parse_roles,
)
from ssotui.core.ratelimit import Pacer, Scheduler
from ssotui.core.text import shown

log = logging.getLogger(__name__)

# ---- streaming loader ----------------------------------------------------------

PRIORITY_USER = 0  # the account the user is looking at
PRIORITY_PAGES = 1  # ListAccounts pages: every account visible as early as possible
PRIORITY_BACKGROUND = 2  # role prefetch, in the order accounts arrived
MAX_THROTTLED_ATTEMPTS = 20  # 429s: the pacer slows down, so keep trying
MAX_FAILED_ATTEMPTS = 6  # 5xx / connection errors
# An endpoint that accepts and never answers costs a whole read timeout per try:
# one retry, so a dead portal fails the listing in seconds rather than half a minute.
MAX_TIMEOUT_ATTEMPTS = 2


class DirectoryLoader(LoaderState):
    """Streams one sso-session's accounts and roles; see the module docstring."""

    # ---- public API -------------------------------------------------------------
    def start(self, refresh: bool = False) -> DirectoryLoader:
        """Begin listing. Unless `refresh`, a cached org is emitted first (CachedOrg)."""
        if self._scheduler is not None:
            raise RuntimeError("DirectoryLoader.start() called twice")
        self._started = time.monotonic()
        if self._session is not None:
            try:
                self._cache = dircache.load(self._session)
            except dircache.CacheCorrupt as exc:
                log.warning("%s", exc)
                self._emit(CacheWarning(str(exc)))
            if self._cache is not None and not refresh:
                self._emit(CachedOrg(self._cache.accounts, self._cache.roles, self._cache.saved_at))
            if self._seed_rate and self._cache is not None and self._cache.rate is not None:
                learned = self._cache.rate
                self.pacer = Pacer.seeded(learned.rps, learned.age())
        self._scheduler = Scheduler(self.pacer, self._workers)
        self._submit_accounts(None, 0)
        return self

    def prioritize(self, account_id: str) -> None:
        """Fetch this account's roles next; a RolesLoaded(prioritized=True) follows
        (at once when this run already has them)."""
        with self._lock:
            if self._stopping or self._scheduler is None:
                return
            self._wanted.add(account_id)
            known = self._roles.get(account_id)
            pending = account_id in self._pending
            if known is None and not pending:
                self._pending.add(account_id)
        if known is not None:
            self._emit(RolesLoaded(account_id, known, prioritized=True))
        elif not pending:
            self._submit_roles(account_id, None, 0, ())
        else:  # queued: move it up; running: its next page or retry goes first anyway
            self._scheduler.bump(("roles", account_id), PRIORITY_USER)

    def cancel(self) -> None:
        """Stop listing; a Finished(cancelled=True) is emitted unless already finished."""
        with self._lock:
            already = self._finished or self._stopping
            self._stopping = True
        if self._scheduler is not None:
            self._scheduler.close()
        if not already:
            self._finish(cancelled=True)

    def close(self) -> None:
        """Release the worker threads (after Finished; prioritize() stops working)."""
        with self._lock:
            self._stopping = True
        if self._scheduler is not None:
            self._scheduler.close()

    # ---- jobs ---------------------------------------------------------------------
    def _submit_accounts(self, next_token: str | None, attempt: int, delay: float = 0.0) -> None:
        assert self._scheduler is not None
        self._scheduler.submit(
            partial(self._fetch_accounts, next_token, attempt), PRIORITY_PAGES,
            key=("accounts",), delay=delay,
        )

    def _submit_roles(
        self, account_id: str, next_token: str | None, attempt: int, got: tuple[str, ...],
        delay: float = 0.0, order: int | None = None,
    ) -> None:
        assert self._scheduler is not None
        if order is None:
            order = self._scheduler.next_order()
        priority = PRIORITY_USER if account_id in self._wanted else PRIORITY_BACKGROUND
        self._scheduler.submit(
            partial(self._fetch_roles, account_id, next_token, attempt, got, order),
            priority, key=("roles", account_id), delay=delay, order=order,
        )

    def _fetch_accounts(self, next_token: str | None, attempt: int) -> None:
        token = self._current_token()
        if token is None:
            return
        kwargs: dict[str, Any] = {"accessToken": token, "maxResults": PAGE_SIZE}
        if next_token:
            kwargs["nextToken"] = next_token
        sent = self._note_request()
        try:
            page = self._sso.list_accounts(**kwargs)
        except Exception as exc:  # noqa: BLE001 - classified in _after_error
            self._after_error(
                exc, sent, token, attempt,
                retry=lambda a, d: self._submit_accounts(next_token, a, d),
                give_up=self._accounts_failed,
            )
            return
        self.pacer.on_success()
        more = page.get("nextToken")
        new: list[Account] = []
        queue_roles: list[str] = []
        with self._lock:
            if self._stopping:
                return
            for acct in parse_accounts(page):
                if acct.account_id in self._accounts:
                    continue
                self._accounts[acct.account_id] = acct
                new.append(acct)
                if acct.account_id in self._roles or acct.account_id in self._failed:
                    self._resolved.add(acct.account_id)
                elif acct.account_id not in self._pending:
                    self._pending.add(acct.account_id)
                    queue_roles.append(acct.account_id)
            self._pages_done = not more
        if more:
            self._submit_accounts(more, 0)
        for acct_id in queue_roles:
            self._submit_roles(acct_id, None, 0, ())
        self._emit(AccountsPage(tuple(new), complete=not more))
        self._progress(force=not more)
        self._maybe_finish()

    def _fetch_roles(
        self, account_id: str, next_token: str | None, attempt: int, got: tuple[str, ...],
        order: int,
    ) -> None:
        token = self._current_token()
        if token is None:
            return
        kwargs: dict[str, Any] = {
            "accessToken": token, "accountId": account_id, "maxResults": PAGE_SIZE,
        }
        if next_token:
            kwargs["nextToken"] = next_token
        sent = self._note_request()
        try:
            page = self._sso.list_account_roles(**kwargs)
        except Exception as exc:  # noqa: BLE001 - classified in _after_error
            self._after_error(
                exc, sent, token, attempt,
                retry=lambda a, d: self._submit_roles(account_id, next_token, a, got, d, order),
                give_up=lambda reason: self._account_failed(account_id, reason),
            )
            return
        self.pacer.on_success()
        got = got + tuple(parse_roles(page))
        if page.get("nextToken"):
            self._submit_roles(account_id, page["nextToken"], 0, got, order=order)
            self._progress()
            return
        roles = tuple(sorted(got))
        with self._lock:
            if self._stopping:
                return
            self._roles[account_id] = roles
            self._failed.pop(account_id, None)
            self._pending.discard(account_id)
            if account_id in self._accounts:
                self._resolved.add(account_id)
            prioritized = account_id in self._wanted
        self._emit(RolesLoaded(account_id, roles, prioritized))
        self._progress()
        self._maybe_finish()

    # ---- failures -----------------------------------------------------------------
    def _after_error(
        self, exc: Exception, sent: float, token: str, attempt: int,
        retry: Callable[[int, float], None], give_up: Callable[[str], None],
    ) -> None:
        verdict = classify(exc)
        if verdict == AUTH:
            if self._reauth(token):
                retry(attempt + 1, 0.0)
            return
        if verdict == THROTTLE:
            with self._lock:
                self._throttled += 1
            self.pacer.on_throttle(sent)
            if attempt + 1 < MAX_THROTTLED_ATTEMPTS:
                # No extra sleep: the retry queues for a pacer slot, now slower.
                retry(attempt + 1, 0.0)
                self._progress()
                return
        elif verdict == RETRY and attempt + 1 < (
                MAX_TIMEOUT_ATTEMPTS if _is_timeout(exc) else MAX_FAILED_ATTEMPTS):
            retry(attempt + 1, min(2.0, 0.1 * 2**attempt) * (0.5 + random.random()))
            return
        # The portal's own message is in there: inert for every consumer (text, not data).
        give_up(shown(describe(exc)))

    def _account_failed(self, account_id: str, reason: str) -> None:
        with self._lock:
            if self._stopping:
                return
            self._failed[account_id] = reason
            self._pending.discard(account_id)
            if account_id in self._accounts:
                self._resolved.add(account_id)
        log.warning("account %s: %s", shown(account_id), reason)  # --debug shows logs
        self._emit(AccountFailed(account_id, reason))
        self._progress()
        self._maybe_finish()

    def _accounts_failed(self, reason: str) -> None:
        if self._stop():
            self._finish(error=f"listing accounts failed: {reason}")



def load_all(
    sso: Any,
    token_provider: Callable[[], str],
    *,
    session: SsoSession | None = None,
    on_event: Callable[[Event], None] | None = None,
    rate: float | None = None,
    workers: int = 32,
) -> Finished:
    """List everything and wait: the org, failures, and changes since the cache."""
    loader = DirectoryLoader(
        sso, token_provider, on_event, session=session, rate=rate, workers=workers,
    )
    loader.start(refresh=True)
    try:
        final = loader.wait()
    finally:
        loader.close()
    assert final is not None
    return final


def _is_timeout(exc: Exception) -> bool:
    from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

    return isinstance(exc, ConnectTimeoutError | ReadTimeoutError)

"""A `DirectoryLoader`'s state and bookkeeping: the token, counters, events, the end.

`ssotui.core.directory.DirectoryLoader` adds the public API and the fetch jobs on
top; this half holds what every job shares: the access token (asked once, again
after a 401), the request counters behind `Progress`, how a run ends (`Finished`,
the cache write) and the one-at-a-time event delivery.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ssotui.core import dircache
from ssotui.core.dircache import CachedDirectory
from ssotui.core.errors import NeedsLogin
from ssotui.core.listing_events import CacheWarning, Event, Finished, LoginRequired, Progress
from ssotui.core.models import Account, SsoSession
from ssotui.core.portal import login_hint
from ssotui.core.ratelimit import Pacer, Scheduler
from ssotui.core.text import shown

log = logging.getLogger("ssotui.core.directory")

PROGRESS_EVERY = 0.1  # seconds between Progress events


class LoaderState:
    """Shared state of one listing run; subclassed by `DirectoryLoader`."""

    def __init__(
        self,
        sso: Any,
        token_provider: Callable[[], str],
        on_event: Callable[[Event], None] | None = None,
        *,
        session: SsoSession | None = None,
        rate: float | None = None,
        workers: int = 32,
        pacer: Pacer | None = None,
    ) -> None:
        self._sso = sso
        self._token_provider = token_provider
        self._on_event = on_event
        self._session = session
        # Neither a rate nor a pacer given: start from the rate the cache learned.
        self._seed_rate = rate is None and pacer is None
        if pacer is None:
            pacer = Pacer() if rate is None else Pacer(rate)
        self.pacer = pacer
        self._workers = workers
        self._lock = threading.Lock()
        self._auth_lock = threading.Lock()
        self._emit_lock = threading.RLock()
        self._scheduler: Scheduler | None = None
        self._token: str | None = None
        self._cache: CachedDirectory | None = None
        self._accounts: dict[str, Account] = {}
        self._roles: dict[str, tuple[str, ...]] = {}
        self._failed: dict[str, str] = {}
        self._resolved: set[str] = set()  # listed accounts with roles or failed
        self._pending: set[str] = set()  # roles job queued or running
        self._wanted: set[str] = set()  # prioritized by the consumer
        self._pages_done = False
        self._finished = False
        self._stopping = False
        self._silenced = False
        self._final: Finished | None = None
        self._done = threading.Event()
        self._requests = 0
        self._throttled = 0
        self._sent: deque[float] = deque()
        self._started = 0.0
        self._last_progress = 0.0

    # ---- public API (the rest is in DirectoryLoader) -----------------------------
    def wait(self, timeout: float | None = None) -> Finished | None:
        self._done.wait(timeout)
        return self._final

    def progress(self) -> Progress:
        now = time.monotonic()
        with self._lock:
            while self._sent and self._sent[0] < now - 3.0:
                self._sent.popleft()
            window = min(3.0, now - self._started)
            return Progress(
                done=len(self._resolved), total=len(self._accounts),
                total_final=self._pages_done, requests=self._requests,
                rps=len(self._sent) / window if window > 0.5 else 0.0,
                throttled=self._throttled, failed=len(self._failed), rate=self.pacer.rate,
            )

    # ---- the access token ---------------------------------------------------------
    def _current_token(self) -> str | None:
        if self._stopping:
            return None
        token = self._token
        if token is not None:
            return token
        with self._auth_lock:
            if self._token is None:
                try:
                    self._token = self._token_provider()
                except NeedsLogin as exc:
                    self._login_required(str(exc))
                    return None
                except Exception as exc:  # noqa: BLE001 - e.g. refresh failed on the network
                    if self._stop():
                        self._finish(error=f"no access token: {shown(exc)}")
                    return None
            return self._token

    def _reauth(self, old: str) -> bool:
        """After a 401: True when the provider has a different token to retry with."""
        with self._auth_lock:
            if self._stopping:
                return False
            if self._token is not None and self._token != old:
                return True
            try:
                new = self._token_provider()
            except Exception as exc:  # noqa: BLE001 - NeedsLogin or a failed refresh
                message = str(exc) if isinstance(exc, NeedsLogin) else login_hint(self._session)
                self._login_required(message)
                return False
            if new and new != old:
                self._token = new
                return True
        self._login_required(login_hint(self._session))
        return False

    def _login_required(self, message: str) -> None:
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            was_finished = self._finished
        if self._scheduler is not None:
            self._scheduler.clear()
        self._emit(LoginRequired(message))
        if was_finished:  # a prioritized fetch after the listing ended
            self._silenced = True
        else:
            self._finish(login_required=True)

    def _stop(self) -> bool:
        """Stop all work; True for the one caller that should report why."""
        with self._lock:
            if self._stopping or self._finished:
                return False
            self._stopping = True
        if self._scheduler is not None:
            self._scheduler.clear()
        return True

    # ---- bookkeeping --------------------------------------------------------------
    def _note_request(self) -> float:
        now = time.monotonic()
        with self._lock:
            self._requests += 1
            self._sent.append(now)
        return now

    def _progress(self, force: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last_progress < PROGRESS_EVERY:
                return
            self._last_progress = now
        self._emit(self.progress())

    def _maybe_finish(self) -> None:
        with self._lock:
            if (
                self._finished or self._stopping or not self._pages_done
                or len(self._resolved) < len(self._accounts)
            ):
                return
            self._finished = True
        self._finish()

    def _finish(
        self, *, cancelled: bool = False, login_required: bool = False, error: str | None = None,
    ) -> None:
        with self._lock:
            self._finished = True
            accounts = tuple(self._accounts.values())
            roles = dict(self._roles)
            failed = dict(self._failed)
        complete = not (cancelled or login_required or error)
        changes = None
        if complete:
            if self._cache is not None:
                changes = dircache.compare(self._cache, accounts, roles)
            if self._session is not None:
                self._save_cache(accounts, roles)
        final = Finished(
            accounts, roles, failed, changes, cancelled, login_required, error,
            elapsed=time.monotonic() - self._started,
            requests=self._requests, throttled=self._throttled,
        )
        self._progress(force=True)
        self._final = final
        self._emit(final)
        if not complete:
            self._silenced = True
        self._done.set()

    def _save_cache(self, accounts: tuple[Account, ...], roles: dict[str, tuple[str, ...]]) -> None:
        assert self._session is not None
        keep = dict(roles)
        if self._cache is not None:  # a failed account keeps its cached roles
            for acct in accounts:
                if acct.account_id not in keep and acct.account_id in self._cache.roles:
                    keep[acct.account_id] = self._cache.roles[acct.account_id]
        learned = self.pacer.learned()
        if learned is not None:
            rate: dircache.LearnedRate | None = dircache.LearnedRate(
                learned, datetime.now(UTC), self._session.region)
        else:  # nothing new (never throttled): keep what an earlier run learned, aging
            rate = self._cache.rate if self._cache is not None else None
        try:
            dircache.save(self._session, accounts, keep, rate)
        except Exception as exc:  # noqa: BLE001 - a cache is never worth failing the listing
            log.warning("could not save the listing cache: %s", exc)
            self._emit(CacheWarning(f"could not save the listing cache: {exc}"))

    def _emit(self, event: Event) -> None:
        if self._on_event is None:
            return
        with self._emit_lock:
            if self._silenced:
                return
            try:
                self._on_event(event)
            except Exception:  # a consumer's bug must not stop the listing
                log.exception("listing event handler failed")



"""A shared adaptive rate limit (AIMD pacer) and a priority-aware job scheduler.

Why not botocore's own `retries={"mode": "adaptive"}`: its token bucket lives in
one client, sees only that client's calls and hands out send slots to whichever
thread asks first. Listing needs (1) one budget shared by ListAccounts,
ListAccountRoles and their retries, (2) a slot to go to the *most urgent* job at
the moment it opens (a role list the user is looking at beats background
prefetch), and (3) 429s to slow the whole listing down. So botocore keeps doing
what it measures well at (connection pool, timeouts) and this module decides
when and what to send; the listing client runs with botocore retries off.

Pacer: sends are spaced 1/rate apart (no bursts). A 429 multiplies the rate by
`decrease` at most once per round of requests already sent; each success while
the pacer is the bottleneck adds `increase / rate`, i.e. about `increase`
req/s per second (additive increase, multiplicative decrease, as TCP does).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class Pacer:
    """Hands out send times at an adaptive rate. Thread-safe."""

    def __init__(
        self,
        rate: float = 20.0,
        *,
        min_rate: float = 0.5,
        max_rate: float = 500.0,
        decrease: float = 0.85,
        increase: float = 0.5,
    ) -> None:
        self._lock = threading.Lock()
        self._rate = rate
        self.min_rate = min_rate
        self.max_rate = max_rate
        self.decrease = decrease
        self.increase = increase
        self._next = time.monotonic()
        self._last_cut = float("-inf")
        self._saturated = False
        self.throttles = 0

    @property
    def rate(self) -> float:
        return self._rate

    def reserve(self) -> float:
        """Take the next send slot; returns how long to wait before sending."""
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next)
            # Saturated: work was waiting for the pacer, so the rate is the limit and
            # probing upward is meaningful (not when latency/concurrency limit us).
            self._saturated = at > now
            self._next = at + 1.0 / self._rate
            return at - now

    def acquire(self, stop: threading.Event | None = None) -> bool:
        """Wait for a send slot; False when `stop` was set while waiting."""
        wait = self.reserve()
        if wait > 0:
            if stop is not None:
                return not stop.wait(wait)
            time.sleep(wait)
        return stop is None or not stop.is_set()

    def on_success(self) -> None:
        with self._lock:
            if self._saturated:
                self._rate = min(self.max_rate, self._rate + self.increase / self._rate)

    def on_throttle(self, sent_at: float) -> None:
        """A request sent at `sent_at` (monotonic) was answered 429."""
        with self._lock:
            self.throttles += 1
            # Requests already in flight when we cut were sent at the old rate; their
            # 429s say nothing new, so cut at most once per such round.
            if sent_at <= self._last_cut:
                return
            self._rate = max(self.min_rate, self._rate * self.decrease)
            self._last_cut = time.monotonic()
            # Respace from now so the new, slower rate applies at once.
            self._next = max(self._next, self._last_cut + 1.0 / self._rate)


@dataclass(order=True)
class _Entry:
    priority: int
    order: int
    ready_at: float = field(compare=False)
    key: Hashable | None = field(compare=False)
    run: Callable[[], None] = field(compare=False)
    dead: bool = field(default=False, compare=False)


class Scheduler:
    """Runs jobs on worker threads, one per pacer slot, lowest `priority` first.

    The slot is taken *before* the job is chosen, so a job submitted (or bumped)
    while the dispatcher waits for the pacer goes out in the very next slot.
    `workers` bounds requests in flight; keep it above rate x latency.
    """

    def __init__(self, pacer: Pacer, workers: int = 32, name: str = "ssotui-dir") -> None:
        self.pacer = pacer
        self._cond = threading.Condition()
        self._ready: list[_Entry] = []
        self._delayed: list[tuple[float, int, _Entry]] = []
        self._by_key: dict[Hashable, _Entry] = {}
        self._orders = itertools.count()
        self._stop = threading.Event()
        self._slots = threading.Semaphore(workers)
        self._work: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._workers = [
            threading.Thread(target=self._worker, name=f"{name}-{i}", daemon=True)
            for i in range(workers)
        ]
        self._dispatcher = threading.Thread(target=self._dispatch, name=f"{name}-d", daemon=True)
        for t in self._workers:
            t.start()
        self._dispatcher.start()

    def next_order(self) -> int:
        return next(self._orders)

    def submit(
        self,
        run: Callable[[], None],
        priority: int,
        *,
        key: Hashable | None = None,
        delay: float = 0.0,
        order: int | None = None,
    ) -> None:
        """Queue `run`; `order` breaks ties (keep a retried job's original place)."""
        entry = _Entry(
            priority, self.next_order() if order is None else order,
            time.monotonic() + delay, key, run,
        )
        with self._cond:
            if self._stop.is_set():
                return
            if key is not None:
                old = self._by_key.get(key)
                if old is not None:
                    old.dead = True
                self._by_key[key] = entry
            if delay > 0:
                heapq.heappush(self._delayed, (entry.ready_at, entry.order, entry))
            else:
                heapq.heappush(self._ready, entry)
            self._cond.notify()

    def bump(self, key: Hashable, priority: int) -> bool:
        """Raise a queued job to `priority` and make it ready now; False if not queued."""
        with self._cond:
            old = self._by_key.get(key)
            if old is None or old.dead:
                return False
            if old.priority <= priority and old.ready_at <= time.monotonic():
                return True
            old.dead = True
            entry = _Entry(priority, old.order, time.monotonic(), key, old.run)
            self._by_key[key] = entry
            heapq.heappush(self._ready, entry)
            self._cond.notify()
            return True

    def clear(self) -> None:
        """Drop every queued job (running ones finish)."""
        with self._cond:
            self._ready.clear()
            self._delayed.clear()
            self._by_key.clear()

    def close(self) -> None:
        """Stop dispatching; queued jobs are dropped, worker threads exit."""
        with self._cond:
            self._stop.set()
            self.clear()
            self._cond.notify_all()
        for _ in self._workers:
            self._work.put(None)

    # ---- threads ------------------------------------------------------------
    def _promote(self) -> float | None:
        """Move due delayed jobs to the ready heap; seconds until the next one."""
        now = time.monotonic()
        while self._delayed and self._delayed[0][0] <= now:
            _, _, entry = heapq.heappop(self._delayed)
            if not entry.dead:
                heapq.heappush(self._ready, entry)
        while self._ready and self._ready[0].dead:
            heapq.heappop(self._ready)
        return self._delayed[0][0] - now if self._delayed else None

    def _pop(self) -> _Entry | None:
        self._promote()
        while self._ready:
            entry = heapq.heappop(self._ready)
            if not entry.dead:
                if entry.key is not None and self._by_key.get(entry.key) is entry:
                    del self._by_key[entry.key]
                return entry
        return None

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                wait = self._promote()
                if not self._ready:
                    self._cond.wait(wait)
                    continue
            self._slots.acquire()
            if not self.pacer.acquire(self._stop):
                return
            with self._cond:
                entry = self._pop()
            if entry is None:
                self._slots.release()
                continue
            self._work.put(entry.run)

    def _worker(self) -> None:
        while True:
            run = self._work.get()
            if run is None:
                return
            try:
                run()
            except Exception:  # a job's own bug must not kill the worker
                log.exception("listing job failed")
            finally:
                self._slots.release()

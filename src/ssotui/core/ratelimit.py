"""A shared adaptive rate limit (the probing pacer) and a priority-aware job scheduler.

Why not botocore's own `retries={"mode": "adaptive"}`: its token bucket lives in
one client, sees only that client's calls and hands out send slots to whichever
thread asks first. Listing needs (1) one budget shared by ListAccounts,
ListAccountRoles and their retries, (2) a slot to go to the *most urgent* job at
the moment it opens (a role list the user is looking at beats background
prefetch), and (3) 429s to slow the whole listing down. So botocore keeps doing
what it measures well at (connection pool, timeouts) and this module decides
when and what to send; the listing client runs with botocore retries off.

The pacer (how fast) lives in `ssotui.core.pacer` and is re-exported here: a
probe that finds the portal's real limit (slow start, then AIMD around it). This
module decides what goes out in each of its slots.
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

from ssotui.core.pacer import Pacer

log = logging.getLogger(__name__)

__all__ = ["Pacer", "Scheduler"]


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

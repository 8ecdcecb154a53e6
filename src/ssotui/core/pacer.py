"""The listing's send rate: a probe that finds the portal's real limit, then holds it.

IAM Identity Center does not publish its request quota, so a fixed guess is either
too slow (a portal that allows 60 req/s listed at 20) or a retry storm (one that
allows 5). The pacer learns the limit the way TCP learns a path's capacity:

- PROBE (slow start): every success while the pacer is the bottleneck adds
  `probe_gain` req/s, so the rate grows by `probe_gain` x itself per second (x1.65
  a second at 0.5) until the first 429, or until it reaches `ceiling` (a rate
  learned earlier, TCP's ssthresh).
- STEADY (AIMD): each success while saturated adds about max(`increase`,
  `steady_gain` x rate) req/s per second; a 429 cuts the rate by `decrease`, at
  most once per round of requests already in flight.
- A cut never goes above the rate the portal was actually *delivering*: successes
  per second since the previous cut (a token bucket that has run dry passes exactly
  its refill rate). It matters most when slow start ends: a portal that allows a
  burst lets the probe overshoot to twice its limit before the first 429, and the
  delivered rate brings it back in one round where x0.9 steps would take seven.
  A cut at most halves the rate.
- QUIET: steady for `quiet` seconds of saturated sending with no 429 means the
  limit went up (or was never reached): back to PROBE, so a rise is found in
  seconds, not minutes of additive climbing.

`learned()` is what a later listing should start from (see `seeded()`), kept by
`ssotui.core.dircache` per sso-session. Every time comes from `clock` (monotonic
seconds), so tests drive the state machine with a fake clock and a simulated
portal, deterministically.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

DEFAULT_RATE = 20.0  # what other tools settled on; only the first listing starts here
PROBE = "probe"
STEADY = "steady"
#: A learned rate is trusted less as it ages: half way back to DEFAULT_RATE per HALF_LIFE.
HALF_LIFE = 24 * 3600.0
MIN_WINDOW = 0.5  # seconds of successes needed before they count as a delivered rate
WINDOW = 2.0  # ... and at most this many recent seconds


class Pacer:
    """Hands out send times at an adaptive rate. Thread-safe."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        ceiling: float | None = None,
        min_rate: float = 0.5,
        max_rate: float = 500.0,
        decrease: float = 0.9,
        increase: float = 0.5,
        probe_gain: float = 0.5,
        steady_gain: float = 0.05,
        quiet: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self.min_rate = min_rate
        self.max_rate = max_rate
        self.decrease = decrease
        self.increase = increase
        self.probe_gain = probe_gain
        self.steady_gain = steady_gain
        self.quiet = quiet
        self._rate = min(max_rate, max(min_rate, rate))
        self.initial = self._rate  # where this pacer started (for reports and tests)
        self._ceiling = ceiling
        self._phase = STEADY if ceiling is not None and self._rate >= ceiling else PROBE
        self._next = self._born = clock()
        self._last_cut = float("-inf")
        self._steady_since = self._next
        self._saturated = False
        self._limit: float | None = None  # the rate after this run's last cut
        self._sends: deque[tuple[float, float]] = deque(maxlen=4096)  # (send time, rate)
        self._successes: deque[float] = deque()
        self.throttles = 0

    @classmethod
    def seeded(cls, learned: float | None, age: float, **kwargs: Any) -> Pacer:
        """A pacer for a listing that learned `learned` req/s `age` seconds ago.

        Fresh: start at the learned rate, steady. Older: start nearer DEFAULT_RATE
        (trust fades with HALF_LIFE) and slow-start back up to the learned rate."""
        if learned is None or learned <= 0:
            return cls(**kwargs)
        trust = 0.5 ** (max(0.0, age) / HALF_LIFE)
        start = DEFAULT_RATE + (learned - DEFAULT_RATE) * trust
        return cls(start, ceiling=learned, **kwargs)

    @property
    def rate(self) -> float:
        return self._rate

    @property
    def phase(self) -> str:
        return self._phase

    def learned(self) -> float | None:
        """The limit this run found (the rate after its last cut); None without a 429."""
        with self._lock:
            return self._limit

    def reserve(self) -> float:
        """Take the next send slot; returns how long to wait before sending."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next)
            # Saturated: work was waiting for the pacer, so the rate is the limit and
            # probing upward is meaningful (not when latency/concurrency limit us).
            self._saturated = at > now
            self._next = at + 1.0 / self._rate
            self._sends.append((at, self._rate))
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
            now = self._clock()
            self._successes.append(now)
            while self._successes[0] < now - WINDOW:
                self._successes.popleft()
            if not self._saturated:
                return
            if self._phase == STEADY and now - max(self._last_cut, self._steady_since) > self.quiet:
                self._phase, self._ceiling = PROBE, None  # the limit went up: find it
            if self._phase == PROBE:
                self._rate += self.probe_gain
                if self._ceiling is not None and self._rate >= self._ceiling:
                    self._rate = self._ceiling
                    self._to_steady(now)
            else:
                self._rate += max(self.increase, self._rate * self.steady_gain) / self._rate
            self._rate = min(self.max_rate, self._rate)

    def on_throttle(self, sent_at: float) -> None:
        """A request sent at `sent_at` (the pacer's clock) was answered 429."""
        with self._lock:
            self.throttles += 1
            # Requests already in flight when we cut were sent at the old rate; their
            # 429s say nothing new, so cut at most once per such round.
            if sent_at <= self._last_cut:
                return
            now = self._clock()
            base = min(self._rate, self._rate_at(sent_at))
            new = base * self.decrease
            delivered = self._delivered(now)
            # At most a halving per cut: a window of nothing but 429s delivers 0/s,
            # and collapsing to min_rate on one bad second would take minutes to undo.
            if delivered is not None:
                new = min(new, max(base * 0.5, delivered))
            elif self._phase == PROBE:
                new = base * 0.5  # slow start overshot by at least the burst allowance
            self._rate = max(self.min_rate, new)
            self._ceiling = self._limit = self._rate
            self._last_cut = now
            self._to_steady(now)
            # Respace from now so the new, slower rate applies at once.
            self._next = max(self._next, now + 1.0 / self._rate)

    # ---- internals (lock held) --------------------------------------------------------
    def _to_steady(self, now: float) -> None:
        if self._phase != STEADY:
            self._phase = STEADY
            self._steady_since = now

    def _rate_at(self, sent_at: float) -> float:
        """The rate the pacer had when it handed out the slot used at `sent_at`."""
        for at, rate in reversed(self._sends):
            if at <= sent_at:
                return rate
        return self._rate

    def _delivered(self, now: float) -> float | None:
        """Successes per second since the last cut (at most WINDOW back), when that
        span is long enough to mean something."""
        since = max(self._last_cut, now - WINDOW, self._born)
        span = now - since
        if span < MIN_WINDOW:
            return None
        return sum(1 for t in self._successes if t > since) / span

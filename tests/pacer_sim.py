"""A simulated portal for the pacer: the emulator's token bucket on a fake clock.

Drives a real `Pacer` the way `Scheduler` does (one send slot at a time, `workers`
requests in flight at most, a 429 retried at once) against the emulator's
throttle (a bucket of `limit(t)` requests refilled at `limit(t)` per second,
checked when the request arrives after `latency`). Discrete events, no threads,
no sleeping: the same inputs give the same run on any machine.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ssotui.core.pacer import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Run:
    elapsed: float = 0.0
    sent: int = 0
    throttled: int = 0
    rates: list[tuple[float, float]] = field(default_factory=list)  # (time, rate) per send

    def rate_at(self, t: float) -> float:
        last = self.rates[0][1]
        for at, rate in self.rates:
            if at > t:
                break
            last = rate
        return last

    def max_rate(self, start: float, stop: float) -> float:
        return max(r for t, r in self.rates if start <= t < stop)

    def min_rate(self, start: float, stop: float) -> float:
        return min(r for t, r in self.rates if start <= t < stop)


def simulate(
    requests: int,
    limit: Callable[[float], float],
    *,
    latency: float = 0.1,
    jitter: float = 0.2,
    workers: int = 32,
    pacer: Pacer | None = None,
    clock: Clock | None = None,
    seed: int = 0,
    **pacer_args: Any,
) -> tuple[Run, Pacer]:
    """Send `requests` successful requests; returns the run and the pacer."""
    clock = clock or Clock()
    pacer = pacer or Pacer(clock=clock, **pacer_args)
    rng = random.Random(seed)
    run = Run()
    events: list[tuple[float, int, str, float]] = []  # (time, order, kind, sent_at)
    order = 0
    queued, in_flight, done = requests, 0, 0
    bucket, bucket_at = limit(0.0), 0.0
    send_pending = False

    def schedule_send() -> None:
        nonlocal send_pending, order
        if send_pending or queued == 0 or in_flight >= workers:
            return
        wait = pacer.reserve()
        order += 1
        heapq.heappush(events, (clock.now + wait, order, "send", 0.0))
        send_pending = True

    schedule_send()
    while done < requests:
        at, _, kind, sent_at = heapq.heappop(events)
        clock.now = at
        if kind == "send":
            send_pending = False
            queued -= 1
            in_flight += 1
            run.sent += 1
            run.rates.append((at, pacer.rate))
            order += 1
            arrive = at + latency * rng.uniform(1 - jitter, 1 + jitter)
            heapq.heappush(events, (arrive, order, "answer", at))
        else:
            in_flight -= 1
            tps = limit(at)
            bucket = min(max(1.0, tps), bucket + (at - bucket_at) * tps)
            bucket_at = at
            if bucket >= 1.0:
                bucket -= 1.0
                done += 1
                pacer.on_success()
            else:
                run.throttled += 1
                queued += 1
                pacer.on_throttle(sent_at)
        schedule_send()
    run.elapsed = clock.now
    return run, pacer

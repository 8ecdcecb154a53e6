"""`--tps` as a schedule: the portal's limit changing during a run.

    60              60 requests/s throughout (as before)
    60@0,20@10s     60/s, then 20/s from 10 s after the first portal call

Times count from the first portal request (after `reset_stats()`), not from
start-up, so signing in or a slow machine does not eat into the first phase.
Tests and benchmarks use it to show the listing's pacer following a drop and a rise.
"""

from __future__ import annotations

Schedule = list[tuple[float, float]]  # (seconds from the first portal call, requests/s)


class TpsError(ValueError):
    """A --tps value that is not a rate or a schedule; the message says how to write one."""


def parse_tps(spec: str | float) -> Schedule:
    """`60` or `60@0,20@10s` as [(0.0, 60.0), (10.0, 20.0)]; raises TpsError."""
    if isinstance(spec, int | float):
        spec = str(spec)
    schedule: Schedule = []
    for part in spec.split(","):
        rate_text, _, at_text = part.strip().partition("@")
        try:
            rate = float(rate_text)
            at = float(at_text.strip().removesuffix("s")) if at_text else 0.0
        except ValueError:
            raise TpsError(f"--tps {spec!r}: expected a rate like 60 or a schedule like "
                           "60@0,20@10s") from None
        if not rate > 0 or at < 0 or rate != rate or at != at:
            raise TpsError(f"--tps {spec!r}: rates must be greater than 0, times 0 or more")
        if schedule and at <= schedule[-1][0]:
            raise TpsError(f"--tps {spec!r}: times must increase")
        if not schedule and at != 0:
            raise TpsError(f"--tps {spec!r}: the first rate starts at 0 (60@0,20@10s)")
        schedule.append((at, rate))
    return schedule


def rate_at(schedule: Schedule, elapsed: float) -> float:
    """The limit `elapsed` seconds into the schedule."""
    rate = schedule[0][1]
    for at, value in schedule:
        if at > elapsed:
            break
        rate = value
    return rate

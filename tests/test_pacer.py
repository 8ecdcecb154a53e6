"""The pacer's state machine, driven on a fake clock against a simulated token bucket
(tests/pacer_sim.py): slow start, the first 429, AIMD, following a drop and a rise,
and starting from a learned rate. Simulated time only: no sleeping, no timing."""

from __future__ import annotations

import pytest

from pacer_sim import Clock, simulate
from ssotui.core.pacer import DEFAULT_RATE, HALF_LIFE, PROBE, STEADY, Pacer


def bound(requests: int, tps: float) -> float:
    return requests / tps


def test_slow_start_grows_multiplicatively_until_the_first_429() -> None:
    clock = Clock()
    p = Pacer(20.0, clock=clock)
    for _ in range(40):  # saturated: every slot is taken before its time comes
        clock.now += p.reserve()
        p.on_success()
    # +0.5 per success that waited for its slot (all but the first, which was free)
    assert p.phase == PROBE and p.rate == pytest.approx(39.5)
    sent = clock.now - 0.02
    clock.now += 0.1
    p.on_throttle(sent)
    assert p.phase == STEADY and p.rate < 40.0
    assert p.learned() == pytest.approx(p.rate)
    # no deeper than a halving, no higher than what the portal delivered meanwhile
    delivered = 40 / clock.now  # every success since the pacer was made
    assert p.rate == pytest.approx(max(39.5 * 0.5, min(39.5 * 0.9, delivered)), rel=0.05)


def test_no_growth_when_not_the_bottleneck() -> None:
    clock = Clock()
    p = Pacer(20.0, clock=clock)
    for _ in range(20):
        clock.now += 1.0  # work arrives slower than the pacer allows
        assert p.reserve() == 0.0
        p.on_success()
    assert p.rate == 20.0 and p.learned() is None


def test_one_cut_per_round_of_requests_in_flight() -> None:
    clock = Clock()
    p = Pacer(20.0, ceiling=20.0, clock=clock)  # steady from the start
    sends = []
    for _ in range(5):
        clock.now += p.reserve()
        sends.append(clock.now)
    clock.now += 0.2  # under MIN_WINDOW since the start: a plain x0.9 cut
    for at in sends:  # the whole round comes back 429
        p.on_throttle(at)
    assert p.rate == pytest.approx(18.0) and p.throttles == 5


@pytest.mark.parametrize(("tps", "latency", "requests", "most"), [
    (60, 0.1, 1010, 1.1), (20, 0.2, 1010, 1.03), (5, 0.2, 101, 1.1),
])
def test_finds_the_limit_from_the_default_start(tps: float, latency: float, requests: int,
                                                most: float) -> None:
    run, p = simulate(requests, lambda t: tps, latency=latency)
    assert run.elapsed <= most * bound(requests, tps)
    # no retry storm: the start at 20/s costs a round of 429s against a 5/s portal
    assert run.throttled < 0.25 * requests
    assert p.learned() == pytest.approx(tps, rel=0.2)


def test_follows_a_drop_and_a_rise() -> None:
    def limit(t: float) -> float:
        return 60.0 if t < 8 else 20.0 if t < 20 else 60.0

    run, p = simulate(1600, limit, latency=0.1)
    assert run.max_rate(4, 8) >= 55  # found 60 before the drop
    assert run.max_rate(10, 20) <= 26  # two seconds after the drop: following it
    assert run.min_rate(10, 20) >= 15  # ... without collapsing below it
    assert run.max_rate(20, run.elapsed) >= 55  # the rise is found again
    assert p.learned() == pytest.approx(60.0, rel=0.2)  # what the next listing starts from
    assert run.elapsed <= 1.1 * (8 + (1600 - 8 * 60 - 12 * 20) / 60 + 12)
    assert run.throttled < 0.1 * 1600


def test_a_long_quiet_steady_phase_probes_again() -> None:
    clock = Clock()
    p = Pacer(30.0, ceiling=30.0, clock=clock, quiet=5.0)
    assert p.phase == STEADY
    clock.now += p.reserve()
    p.on_throttle(clock.now)  # a cut: 27/s is the limit as far as we know
    assert p.learned() == pytest.approx(27.0)
    while clock.now < 4.9:
        clock.now += p.reserve()
        p.on_success()
    assert p.phase == STEADY
    while clock.now < 5.5:
        clock.now += p.reserve()
        p.on_success()
    assert p.phase == PROBE
    assert p.learned() == pytest.approx(27.0)  # probing again does not forget it


def test_seeded_from_a_learned_rate_decays_toward_the_default() -> None:
    fresh = Pacer.seeded(60.0, age=0.0)
    assert fresh.rate == pytest.approx(60.0) and fresh.phase == STEADY
    day = Pacer.seeded(60.0, age=HALF_LIFE)
    assert day.rate == pytest.approx((60.0 + DEFAULT_RATE) / 2) and day.phase == PROBE
    slow = Pacer.seeded(5.0, age=HALF_LIFE)
    assert slow.rate == pytest.approx((5.0 + DEFAULT_RATE) / 2)
    assert Pacer.seeded(None, age=0.0).rate == DEFAULT_RATE


def test_slow_start_stops_at_the_learned_ceiling() -> None:
    clock = Clock()
    p = Pacer.seeded(60.0, age=HALF_LIFE, clock=clock)
    run, _ = simulate(400, lambda t: 1000.0, latency=0.05, pacer=p, clock=clock)
    reached = next(t for t, r in run.rates if r >= 60.0)
    assert reached < 1.5  # x1.65 a second from 40
    # then additive (~5 %/s), where slow start would have gone on to x1.65 a second
    assert run.max_rate(0, reached + 1.0) <= 60.0 * 1.06


def test_a_learned_rate_makes_the_next_listing_faster() -> None:
    first, p = simulate(1010, lambda t: 60.0, latency=0.1)
    clock = Clock()
    again, _ = simulate(1010, lambda t: 60.0, latency=0.1, clock=clock,
                        pacer=Pacer.seeded(p.learned(), age=60.0, clock=clock))
    assert again.elapsed < first.elapsed and again.throttled < first.throttled


def test_a_window_of_nothing_but_429s_halves_at_most() -> None:
    """A second in which every request was throttled 'delivered' 0/s; following that
    down to min_rate would take minutes to climb back from."""
    clock = Clock()
    p = Pacer(20.0, ceiling=20.0, clock=clock)
    while clock.now < 1.0:
        clock.now += p.reserve()
    p.on_throttle(clock.now)
    assert p.rate == pytest.approx(10.0)

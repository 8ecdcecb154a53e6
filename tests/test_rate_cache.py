"""The rate a listing learns is kept per sso-session (start URL and region) in the
listing cache, and the next listing starts from it, trusted less as it ages. Real
HTTP against the emulator's throttle; caches written before the rate existed load."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import test_directory
from ssotui.core import dircache
from ssotui.core import directory as d
from ssotui.core.models import SsoSession
from ssotui.core.pacer import DEFAULT_RATE, HALF_LIFE
from test_directory import SESSION, Recorder, truth

portal = test_directory.portal


def listing(clients: Any, token: str, session: SsoSession = SESSION) -> tuple[d.Finished, Any]:
    """A listing as the TUI and `ssotui list` run it: no rate given."""
    loader = d.DirectoryLoader(clients.listing, lambda: token, Recorder(), session=session)
    final = loader.start(refresh=True).wait(timeout=120)
    loader.close()
    assert final is not None
    return final, loader


def rewrite(change: Any) -> None:
    path = dircache.cache_path(SESSION)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def test_the_learned_rate_is_kept_and_the_next_listing_starts_from_it(
        portal: Any, isolated_home: Path) -> None:
    emu, clients, token = portal(accounts=150, roles_per_account=2, seed=3, tps=40)
    first, loader = listing(clients, token)
    assert first.roles == truth(emu) and first.failed == {}
    assert emu.throttled > 0  # it probed past the limit from the default start
    learned = loader.pacer.learned()
    assert learned is not None
    doc = json.loads(dircache.cache_path(SESSION).read_text())
    assert doc["rate"]["rps"] == pytest.approx(learned, abs=0.01)
    assert doc["rate"]["region"] == SESSION.region
    cached = dircache.load(SESSION)
    assert cached is not None and cached.rate is not None
    assert cached.rate.age() < 60

    second, loader = listing(clients, token)
    assert second.roles == truth(emu)
    # fresh: it starts at the learned rate instead of slow-starting from the default
    assert loader.pacer.initial == pytest.approx(learned, abs=0.01)


def test_seeding_follows_the_cache(portal: Any, isolated_home: Path) -> None:
    emu, clients, token = portal(accounts=5, seed=3)
    listing(clients, token)  # a cache without a rate: never throttled
    assert "rate" not in json.loads(dircache.cache_path(SESSION).read_text())

    def start_rate() -> float:
        loader = d.DirectoryLoader(clients.listing, lambda: token, None, session=SESSION)
        loader.start(refresh=True).wait(timeout=60)
        loader.close()
        return loader.pacer.initial

    assert start_rate() == DEFAULT_RATE  # no rate cached (as in older caches)
    now = datetime.now(UTC)

    def with_rate(rps: float, age: float, region: str = SESSION.region) -> Any:
        def change(doc: dict[str, Any]) -> None:
            doc["rate"] = {"rps": rps, "region": region,
                           "learnedAt": (now - timedelta(seconds=age)).isoformat()}
        return change

    rewrite(with_rate(55.0, 0))
    assert start_rate() == pytest.approx(55.0, rel=0.01)  # a 5-account listing never grows it
    rewrite(with_rate(60.0, HALF_LIFE))
    assert start_rate() == pytest.approx((60.0 + DEFAULT_RATE) / 2, rel=0.01)
    rewrite(with_rate(60.0, 0, region="eu-west-1"))  # learned against another region
    assert start_rate() == DEFAULT_RATE
    for bad in ({"rps": "fast"}, {"rps": -3, "region": SESSION.region, "learnedAt": now.isoformat()},
                {"rps": 50, "region": SESSION.region, "learnedAt": "yesterday"}, [1, 2], None):
        rewrite(lambda doc, bad=bad: doc.__setitem__("rate", bad))
        cached = dircache.load(SESSION)
        assert cached is not None and cached.rate is None  # the org still loads
        assert list(cached.accounts) == [a for a, _ in emu.org]
        assert start_rate() == DEFAULT_RATE


def test_a_listing_that_learns_nothing_keeps_the_earlier_rate(portal: Any,
                                                              isolated_home: Path) -> None:
    emu, clients, token = portal(accounts=5, seed=3)
    listing(clients, token)
    learned_at = (datetime.now(UTC) - timedelta(hours=3)).isoformat(timespec="seconds")
    rewrite(lambda doc: doc.__setitem__("rate", {"rps": 42.5, "region": SESSION.region,
                                                 "learnedAt": learned_at}))
    final, _ = listing(clients, token)
    assert final.roles == truth(emu)
    doc = json.loads(dircache.cache_path(SESSION).read_text())
    # kept with its own timestamp, so it keeps aging rather than being renewed
    assert doc["rate"] == {"rps": 42.5, "region": SESSION.region, "learnedAt": learned_at}


def test_an_old_cache_file_without_a_rate_loads(isolated_home: Path) -> None:
    path = dircache.cache_path(SESSION)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the exact shape written before the rate existed
    path.write_text(json.dumps({
        "version": 1, "session": "corp", "startUrl": SESSION.start_url, "region": "us-east-1",
        "savedAt": "2026-11-30T10:00:00+00:00",
        "accounts": [["111111111111", "one", "one@example.com", ["Admin"]]]}))
    cached = dircache.load(SESSION)
    assert cached is not None and cached.rate is None
    assert cached.roles == {"111111111111": ("Admin",)}

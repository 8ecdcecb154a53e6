"""The listing's pacer against a portal whose limit changes during the listing
(the emulator's `--tps` schedule), over real HTTP: it follows the drop without
failing an account, finds the rise again, and the listing is exact."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import test_directory
from ssotui.core import directory as d
from ssotui.core.pacer import Pacer
from test_directory import Recorder, truth

portal = test_directory.portal


@pytest.mark.slow
def test_the_pacer_follows_the_limit_down_and_up(portal: Any) -> None:
    emu, clients, token = portal(accounts=320, roles_per_account=2, seed=5, latency_ms=20,
                                 tps="40@0,10@3s,40@6s")
    # quiet=2 s rather than 5 s: the same state machine, a shorter test
    pacer = Pacer(quiet=2.0)
    samples: list[tuple[float, float]] = []
    done = threading.Event()
    t0 = time.monotonic()

    def sample() -> None:
        while not done.wait(0.05):
            samples.append((time.monotonic() - t0, pacer.rate))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    loader = d.DirectoryLoader(clients.listing, lambda: token, Recorder(), pacer=pacer)
    final = loader.start().wait(timeout=120)
    loader.close()
    done.set()
    sampler.join()
    assert final is not None
    assert final.failed == {} and final.error is None
    assert final.roles == truth(emu)  # exact, whatever the limit did
    assert emu.throttled > 0 and final.throttled == emu.throttled

    def rates(start: float, stop: float) -> list[float]:
        return [r for t, r in samples if start <= t < stop]

    assert max(rates(0, 3)) > 25  # slow start above the default 20, toward 40
    assert min(rates(4.5, 6)) < 16  # down with the limit of 10 within 1.5 s
    assert min(rates(3, 6)) > 4  # ... without collapsing
    assert max(rates(6, 60)) > 25  # the rise to 40 found again


def test_get_role_credentials_shares_the_listing_pacer(portal: Any) -> None:
    """The TUI passes the listing's pacer: a 429 on GetRoleCredentials slows the
    listing too, and a success counts toward its probe."""
    from datetime import UTC, datetime, timedelta

    from ssotui.core import rolecreds
    from ssotui.core.errors import RuntimeFailure
    from ssotui.core.models import Token

    emu, clients, access = portal(accounts=2, roles_per_account=3, tps=1)
    token = Token(access, datetime.now(UTC) + timedelta(hours=1), test_directory.START_URL,
                  "us-east-1")
    acct, roles = emu.org[0]
    rolecreds.clear_cache()
    pacer = Pacer(100.0, ceiling=100.0)  # steady: a 429 is a plain x0.9 cut
    pacer.reserve()  # the listing took the current slot: the call waits for the next
    # the listing client (botocore retries off) so the 429 reaches us, as in a listing
    rolecreds.get_role_credentials(clients.listing, token, acct.account_id, roles[0],
                                   pacer=pacer)
    assert pacer.throttles == 0 and pacer.rate > 100.0  # waited its turn; success counted
    with pytest.raises(RuntimeFailure, match="throttling"):
        rolecreds.get_role_credentials(clients.listing, token, acct.account_id, roles[1],
                                       pacer=pacer)
    assert pacer.throttles == 1 and pacer.rate < 100.0
    assert emu.calls["GetRoleCredentials"] == 2

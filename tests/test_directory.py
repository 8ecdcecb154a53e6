"""Listing accounts and roles against the emulator over real HTTP: paging, retries,
throttling, 401, priority requests and failures (the cache is in test_directory_cache.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from ssotui.core import dircache
from ssotui.core import directory as d
from ssotui.core.clients import make_clients
from ssotui.core.errors import NeedsLogin
from ssotui.core.models import Account, SsoSession
from ssotui.emulator import Emulator

START_URL = "https://d-emulator.awsapps.com/start"
SESSION = SsoSession("corp", START_URL, "us-east-1")


def org_of(sizes: list[int]) -> list[tuple[Account, list[str]]]:
    """An explicit org: one account per entry of `sizes`, with that many roles."""
    return [
        (Account(f"{100000000000 + i}", f"acct-{i:04d}", f"a{i}@example.com"),
         [f"Role{j:03d}" for j in range(n)])
        for i, n in enumerate(sizes)
    ]


def truth(emu: Emulator) -> dict[str, tuple[str, ...]]:
    return {a.account_id: tuple(sorted(r)) for a, r in emu.org}


@pytest.fixture
def portal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Start an Emulator(**kwargs) and point botocore at it; yields (emu, clients, token)."""
    started: list[Emulator] = []

    def start(**kwargs: Any) -> tuple[Emulator, Any, str]:
        emu = Emulator(**kwargs)
        emu.start()
        started.append(emu)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
        return emu, make_clients(SESSION), emu.mint_token(start_url=START_URL)

    yield start
    for emu in started:
        emu.stop()


class Recorder:
    """Collects events in order; optional hook reacts to each one (on worker threads)."""

    def __init__(self, hook: Any = None) -> None:
        self.events: list[Any] = []
        self.hook = hook
        self.loader: d.DirectoryLoader | None = None
        self.lock = threading.Lock()

    def __call__(self, event: Any) -> None:
        with self.lock:
            self.events.append(event)
        if self.hook is not None:
            self.hook(self, event)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]

    def roles_order(self) -> list[str]:
        return [e.account_id for e in self.of(d.RolesLoaded)]


def run_loader(clients: Any, token: str, rec: Recorder, **kwargs: Any) -> d.Finished:
    loader = d.DirectoryLoader(clients.listing, lambda: token, rec, **kwargs)
    rec.loader = loader
    final = loader.start().wait(timeout=120)
    loader.close()
    assert final is not None, "listing did not finish"
    return final


# ---- simple functions ---------------------------------------------------------------

def test_simple_functions_match_the_org(portal: Any) -> None:
    emu, clients, token = portal(accounts=30, roles_per_account=4, seed=3)
    accounts = d.list_accounts(clients.sso, token)
    assert accounts == [a for a, _ in emu.org]
    for acct in accounts[:5]:
        assert tuple(d.list_roles(clients.sso, token, acct.account_id)) == truth(emu)[acct.account_id]


def test_simple_functions_raise_needs_login_on_401(portal: Any) -> None:
    emu, clients, token = portal(accounts=3)
    emu.revoke(token)
    with pytest.raises(NeedsLogin, match="ssotui login"):
        d.list_accounts(clients.listing, token)


# ---- pagination edge cases -------------------------------------------------------------

@pytest.mark.parametrize(
    ("sizes", "account_pages"),
    [
        ([], 1),  # no accounts at all
        ([2] * 100, 1),  # exactly one full page
        ([2] * 101, 2),  # one more than a page
        ([0, 3, 0], 1),  # accounts with no roles
        ([150, 1], 1),  # 150 roles: two ListAccountRoles pages
    ],
    ids=["0-accounts", "100-accounts", "101-accounts", "0-roles", "150-roles"],
)
def test_pagination_edge_cases(portal: Any, sizes: list[int], account_pages: int) -> None:
    emu, clients, token = portal(org=org_of(sizes))
    rec = Recorder()
    final = run_loader(clients, token, rec, rate=500)
    assert [a.account_id for a in final.accounts] == [a.account_id for a, _ in emu.org]
    assert final.roles == truth(emu)
    assert final.failed == {}
    assert emu.calls["ListAccounts"] == account_pages
    role_pages = sum(max(1, -(-n // 100)) for n in sizes)
    assert emu.calls["ListAccountRoles"] == role_pages
    pages = rec.of(d.AccountsPage)
    assert len(pages) == account_pages and pages[-1].complete
    assert isinstance(rec.events[-1], d.Finished)
    last = rec.of(d.Progress)[-1]
    assert (last.done, last.total, last.total_final, last.failed) == (len(sizes), len(sizes), True, 0)
    assert last.requests == account_pages + role_pages
    # the simple functions page the same way
    assert d.list_accounts(clients.sso, token) == [a for a, _ in emu.org]
    for acct, roles in emu.org:
        assert d.list_roles(clients.sso, token, acct.account_id) == sorted(roles)


def test_accounts_stream_before_roles_finish(portal: Any) -> None:
    emu, clients, token = portal(accounts=250, roles_per_account=2, seed=5, latency_ms=20)
    rec = Recorder()
    final = run_loader(clients, token, rec, rate=100)
    kinds = [type(e).__name__ for e in rec.events]
    first_roles = kinds.index("RolesLoaded")
    assert kinds.index("AccountsPage") < first_roles
    # roles of page 1 arrive while later pages are still being listed
    assert first_roles < max(i for i, k in enumerate(kinds) if k == "AccountsPage")
    assert final.roles == truth(emu)


# ---- throttling, faults, 401 -----------------------------------------------------------

def test_throttling_and_faults_are_recovered_exactly(portal: Any) -> None:
    emu, clients, token = portal(accounts=120, roles_per_account=3, seed=11, tps=30,
                                 fault_rate=0.1)
    rec = Recorder()
    # start well above the emulator's limit so the pacer has to back off
    final = run_loader(clients, token, rec, rate=200)
    assert emu.throttled > 0 and emu.faults > 0  # both really happened
    assert final.failed == {}
    assert final.roles == truth(emu)
    assert final.throttled == emu.throttled
    assert rec.loader is not None and rec.loader.pacer.rate < 200
    assert rec.of(d.Progress)[-1].throttled == emu.throttled


def test_401_mid_listing_stops_and_asks_for_login(portal: Any) -> None:
    emu, clients, token = portal(accounts=300, roles_per_account=2, latency_ms=5)
    asked: list[int] = []

    def provider() -> str:
        asked.append(1)
        return token

    def hook(rec: Recorder, event: Any) -> None:
        if isinstance(event, d.RolesLoaded) and len(rec.of(d.RolesLoaded)) == 20:
            emu.revoke(token)

    rec = Recorder(hook)
    loader = d.DirectoryLoader(clients.listing, provider, rec, session=SESSION, rate=400)
    final = loader.start().wait(timeout=60)
    loader.close()
    assert final is not None and final.login_required
    assert len(rec.of(d.LoginRequired)) == 1
    assert "ssotui login" in rec.of(d.LoginRequired)[0].message
    assert rec.events[-1] is final  # nothing after Finished
    assert 20 <= len(final.roles) < 300
    assert len(asked) >= 2  # the provider was asked again before giving up
    assert not dircache.cache_path(SESSION).exists()  # a partial listing is not cached


def test_refreshed_token_is_picked_up_after_401(portal: Any) -> None:
    emu, clients, token = portal(accounts=150, roles_per_account=2, latency_ms=5)
    tokens = [token]

    def hook(rec: Recorder, event: Any) -> None:
        if isinstance(event, d.RolesLoaded) and len(rec.of(d.RolesLoaded)) == 10:
            tokens.append(emu.mint_token(start_url=START_URL))  # as a refresh would...
            emu.revoke(tokens[0])  # ...and then the old token stops working

    rec = Recorder(hook)
    loader = d.DirectoryLoader(clients.listing, lambda: tokens[-1], rec, rate=400)
    final = loader.start().wait(timeout=60)
    loader.close()
    assert final is not None and not final.login_required
    assert final.roles == truth(emu)
    assert rec.of(d.LoginRequired) == []


def test_no_token_at_start_is_login_required(portal: Any) -> None:
    emu, clients, _ = portal(accounts=3)

    def provider() -> str:
        raise NeedsLogin("sso-session corp: signed out; run `ssotui login --sso-session corp`")

    rec = Recorder()
    loader = d.DirectoryLoader(clients.listing, provider, rec)
    final = loader.start().wait(timeout=30)
    loader.close()
    assert final is not None and final.login_required
    assert "ssotui login" in rec.of(d.LoginRequired)[0].message
    assert emu.calls["ListAccounts"] == 0


def test_one_failed_account_does_not_stop_the_listing(portal: Any) -> None:
    emu, clients, token = portal(accounts=40, roles_per_account=2)
    missing = "999999999999"  # the portal answers 404 for it

    def hook(rec: Recorder, event: Any) -> None:
        if isinstance(event, d.AccountsPage) and len(rec.of(d.AccountsPage)) == 1:
            assert rec.loader is not None
            rec.loader.prioritize(missing)

    rec = Recorder(hook)
    final = run_loader(clients, token, rec, rate=400)
    failed = rec.of(d.AccountFailed)
    assert [f.account_id for f in failed] == [missing]
    assert "ResourceNotFoundException" in failed[0].reason
    assert final.roles.get(missing) is None
    assert final.roles == truth(emu)  # the rest completed


# ---- priority requests ----------------------------------------------------------------

def test_prioritized_account_jumps_the_background_queue(portal: Any) -> None:
    emu, clients, token = portal(accounts=300, roles_per_account=2, seed=2)
    ids = [a.account_id for a, _ in emu.org]
    late_known = ids[99]  # last of page 1: queued behind 99 others
    not_listed_yet = ids[299]  # on page 3, which has not been asked for yet

    def hook(rec: Recorder, event: Any) -> None:
        if isinstance(event, d.AccountsPage) and len(rec.of(d.AccountsPage)) == 1:
            assert rec.loader is not None
            rec.loader.prioritize(late_known)
            rec.loader.prioritize(not_listed_yet)

    rec = Recorder(hook)
    final = run_loader(clients, token, rec, rate=100)
    order = rec.roles_order()
    # without priority they would be 100th and 300th; a wide margin keeps a loaded CI calm
    assert order.index(late_known) < 30 and order.index(not_listed_yet) < 30
    prioritized = {e.account_id for e in rec.of(d.RolesLoaded) if e.prioritized}
    assert {late_known, not_listed_yet} <= prioritized
    # the unlisted account's roles came before its own ListAccounts page
    idx = {id(e): i for i, e in enumerate(rec.events)}
    got = next(e for e in rec.of(d.RolesLoaded) if e.account_id == not_listed_yet)
    last_page = rec.of(d.AccountsPage)[-1]
    assert idx[id(got)] < idx[id(last_page)]
    assert final.roles == truth(emu)
    assert emu.calls["ListAccountRoles"] == 300  # prioritizing never fetched twice


def test_prioritize_known_account_answers_at_once(portal: Any) -> None:
    emu, clients, token = portal(accounts=5, roles_per_account=2)
    rec = Recorder()
    loader = d.DirectoryLoader(clients.listing, lambda: token, rec, rate=400)
    loader.start().wait(timeout=30)
    calls = emu.calls["ListAccountRoles"]
    acct = emu.org[2][0].account_id
    loader.prioritize(acct)
    loader.close()
    last = rec.events[-1]
    assert isinstance(last, d.RolesLoaded) and last.prioritized and last.account_id == acct
    assert last.roles == truth(emu)[acct]
    assert emu.calls["ListAccountRoles"] == calls


def test_cancel_emits_finished_once(portal: Any) -> None:
    emu, clients, token = portal(accounts=300, latency_ms=20)

    def hook(rec: Recorder, event: Any) -> None:
        if isinstance(event, d.RolesLoaded) and len(rec.of(d.RolesLoaded)) == 5:
            assert rec.loader is not None
            threading.Thread(target=rec.loader.cancel).start()

    rec = Recorder(hook)
    final = run_loader(clients, token, rec, rate=100)
    assert final.cancelled
    assert len(rec.of(d.Finished)) == 1
    assert len(final.roles) < 300


# ---- the pacer (pure logic) --------------------------------------------------------------

def test_pacer_cuts_once_per_round_and_probes_up_when_saturated() -> None:
    from ssotui.core.ratelimit import Pacer

    p = Pacer(20.0, decrease=0.5, increase=1.0)
    before = time.monotonic()
    p.on_throttle(before)
    assert p.rate == pytest.approx(10.0)
    p.on_throttle(before)  # sent before the cut: no second cut
    assert p.rate == pytest.approx(10.0)
    p.reserve()
    assert p.reserve() > 0  # spaced 1/rate apart: the second slot waits
    p.on_success()
    assert p.rate > 10.0

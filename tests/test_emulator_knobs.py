"""Realism knobs: throttling, injected faults, latency without head-of-line blocking,
many concurrent connections, and the statistics tests and benchmarks read."""

from __future__ import annotations

import http.client
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

from ssotui.emulator import Emulator


def sso_client(emu: Emulator, monkeypatch: pytest.MonkeyPatch, attempts: int, pool: int = 10):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
    cfg = Config(retries={"mode": "standard", "total_max_attempts": attempts},
                 max_pool_connections=pool)
    return boto3.client("sso", region_name="us-east-1", config=cfg)


def hand_clock(monkeypatch):
    """The emulator's clock, moved by hand (`Clock.now += 1.0`): exact on any machine."""

    class Clock:
        now = 1000.0

        @classmethod
        def monotonic(cls) -> float:
            return cls.now

        time = staticmethod(time.time)

    monkeypatch.setattr("ssotui.emulator.state.time", Clock)
    return Clock


def test_throttling_at_the_configured_rate(monkeypatch):
    """A bucket of `tps` requests, refilled at `tps` per second of the emulator's clock;
    the clock is a fake one moved by hand, so the counts are exact on any machine."""

    Clock = hand_clock(monkeypatch)
    with Emulator(accounts=3, tps=5) as emu:
        sso = sso_client(emu, monkeypatch, attempts=1, pool=20)
        token = emu.mint_token()

        def call(_: int) -> str:
            try:
                sso.list_accounts(accessToken=token)
                return "ok"
            except ClientError as exc:
                return str(exc.response["Error"]["Code"])

        def burst(n: int) -> tuple[int, int]:
            with ThreadPoolExecutor(20) as pool:
                results = list(pool.map(call, range(n)))
            ok, throttled = results.count("ok"), results.count("TooManyRequestsException")
            assert ok + throttled == n
            return ok, throttled

        assert burst(60) == (5, 55)  # the full bucket, then nothing: no time passed
        Clock.now += 1.0
        assert burst(30) == (5, 25)  # one second refills tps requests
        Clock.now += 0.2
        assert burst(10) == (1, 9)
        Clock.now += 3600
        assert burst(10) == (5, 5)  # the bucket holds tps, however long the pause
        assert emu.throttled == 55 + 25 + 9 + 5
        assert emu.calls["ListAccounts"] == 110


def test_tps_schedule_drops_and_rises_on_the_emulator_clock(monkeypatch):
    """`--tps 5@0,2@10s,8@20s`: the limit follows the schedule, timed from the first
    portal call; the bucket shrinks to the lower limit and refills at the new rate."""

    Clock = hand_clock(monkeypatch)
    with Emulator(accounts=3, tps="5@0,2@10s,8@20s") as emu:
        sso = sso_client(emu, monkeypatch, attempts=1, pool=20)
        token = emu.mint_token()
        Clock.now += 500  # start-up and sign-in do not count: the first call starts it

        def burst(n: int) -> tuple[int, int]:
            before = emu.throttled
            for _ in range(n):
                try:
                    sso.list_accounts(accessToken=token)
                except ClientError as exc:
                    assert exc.response["Error"]["Code"] == "TooManyRequestsException"
            return n - (emu.throttled - before), emu.throttled - before

        assert burst(10) == (5, 5) and emu.tps == 5
        Clock.now += 10.0
        assert burst(10) == (2, 8) and emu.tps == 2  # the drop: a bucket of 2
        Clock.now += 0.5
        assert burst(10) == (1, 9)  # refilled at 2/s
        Clock.now += 9.5
        assert burst(20) == (8, 12) and emu.tps == 8  # the rise


def test_throttled_calls_succeed_with_botocore_retries(monkeypatch):
    with Emulator(accounts=3, tps=20) as emu:
        sso = sso_client(emu, monkeypatch, attempts=10)
        token = emu.mint_token()
        for _ in range(30):
            assert sso.list_accounts(accessToken=token)["accountList"]
        assert emu.throttled > 0
        assert emu.calls["ListAccounts"] == 30 + emu.throttled


def test_tps_can_change_while_running(monkeypatch):
    with Emulator(accounts=3, tps=1) as emu:
        sso = sso_client(emu, monkeypatch, attempts=1)
        token = emu.mint_token()
        emu.tps = None
        for _ in range(20):
            sso.list_accounts(accessToken=token)
        assert emu.throttled == 0


def test_fault_injection_is_both_500s_and_dropped_connections(monkeypatch):
    with Emulator(accounts=3, fault_rate=1.0) as emu:
        sso = sso_client(emu, monkeypatch, attempts=1)
        token = emu.mint_token()
        seen = set()
        for _ in range(40):
            try:
                sso.list_accounts(accessToken=token)
                seen.add("ok")
            except ClientError as exc:
                assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 500
                seen.add("500")
            except ConnectionClosedError:
                seen.add("dropped")
        assert seen == {"500", "dropped"}
        assert emu.faults == 40


def test_faults_are_absorbed_by_botocore_retries(monkeypatch):
    with Emulator(accounts=250, seed=4, fault_rate=0.2) as emu:
        sso = sso_client(emu, monkeypatch, attempts=8)
        token = emu.mint_token()
        pages = sso.get_paginator("list_accounts").paginate(
            accessToken=token, PaginationConfig={"PageSize": 5})
        got = [a["accountId"] for p in pages for a in p["accountList"]]
        assert got == [a.account_id for a, _ in emu.org]
        assert emu.faults > 0
        assert emu.calls["ListAccounts"] == 50 + emu.faults


def test_latency_does_not_serialise_requests(monkeypatch):
    with Emulator(accounts=3, latency_ms=800) as emu:
        sso = sso_client(emu, monkeypatch, attempts=1, pool=30)
        token = emu.mint_token()
        with ThreadPoolExecutor(30) as pool:
            list(pool.map(lambda _: sso.list_accounts(accessToken=token), range(30)))
        # Requests overlapped inside the server instead of queueing behind each other.
        assert emu.peak_concurrency > 5


def test_hundreds_of_keep_alive_connections():
    with Emulator(accounts=300, seed=5) as emu:
        token = emu.mint_token()
        parts = urlsplit(emu.url)

        def client(i: int) -> int:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            statuses = []
            for _ in range(3):  # several requests on one connection: keep-alive works
                conn.request("GET", "/assignment/accounts?max_result=100",
                             headers={"x-amz-sso_bearer_token": token})
                resp = conn.getresponse()
                resp.read()
                statuses.append(resp.status)
            conn.close()
            return max(statuses)

        with ThreadPoolExecutor(200) as pool:
            assert set(pool.map(client, range(300))) == {200}
        assert emu.calls["ListAccounts"] == 900


def test_stats_count_operations_and_reset():
    with Emulator(accounts=3) as emu:
        token = emu.mint_token()
        parts = urlsplit(emu.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        for _ in range(5):
            conn.request("GET", "/assignment/accounts", headers={"x-amz-sso_bearer_token": token})
            conn.getresponse().read()
        conn.close()
        assert emu.calls["ListAccounts"] == 5
        assert 1 <= emu.peak_rps <= 5
        emu.reset_stats()
        assert emu.calls["ListAccounts"] == 0 and emu.peak_rps == 0
        assert set(emu.calls) >= {"ListAccounts", "ListAccountRoles", "GetRoleCredentials",
                                  "Logout", "RegisterClient", "StartDeviceAuthorization",
                                  "CreateToken"}


def test_stop_is_clean_and_idempotent():
    emu = Emulator(accounts=1)
    url = emu.start()
    assert emu.start() == url
    emu.stop()
    emu.stop()
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
    with pytest.raises(OSError):
        conn.request("GET", "/assignment/accounts")
        conn.getresponse()


def test_tps_schedule_syntax():
    from ssotui.emulator.throttle import TpsError, parse_tps, rate_at

    assert parse_tps("60") == [(0.0, 60.0)]
    assert parse_tps("60@0, 20@10s,60@25") == [(0.0, 60.0), (10.0, 20.0), (25.0, 60.0)]
    sched = parse_tps("60@0,20@10s")
    assert [rate_at(sched, t) for t in (0, 9.99, 10, 1e6)] == [60, 60, 20, 20]
    for bad in ("", "nan", "-1", "60@1", "60@0,20@-1", "60@0,20@x", "60@0,20@5,30@5"):
        with pytest.raises(TpsError):
            parse_tps(bad)

"""`ssotui emulator` as a user runs it: URL first on stdout, serves, stops cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from ssotui.cli import main


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ssotui", "emulator", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_prints_url_first_serves_and_exits_cleanly(sig):
    proc = _spawn("--accounts", "7", "--roles-per-account", "2", "--seed", "4")
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert int(url.rsplit(":", 1)[1]) > 0
        req = urllib.request.Request(
            f"{url}/client/register", method="POST",
            data=json.dumps({"clientName": "t", "clientType": "public"}).encode())
        body = json.loads(urllib.request.urlopen(req, timeout=10).read())
        assert body["clientId"]
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def _call(url: str, path: str, body: dict[str, object] | None = None,
          token: str | None = None) -> tuple[int, dict[str, object]]:
    """One request to the emulator; (HTTP status, JSON body), errors included."""
    req = urllib.request.Request(
        url + path, method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"x-amz-sso_bearer_token": token} if token else {},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _sign_in(url: str) -> dict[str, object]:
    """The device flow over HTTP (approve=auto: the second poll gets the token)."""
    _, client = _call(url, "/client/register", {"clientName": "t", "clientType": "public"})
    creds = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
    _, device = _call(url, "/device_authorization",
                      {**creds, "startUrl": "https://d-emulator.awsapps.com/start"})
    poll = {**creds, "grantType": "urn:ietf:params:oauth:grant-type:device_code",
            "deviceCode": device["deviceCode"]}
    status, _ = _call(url, "/token", poll)
    assert status == 400  # authorization_pending
    status, token = _call(url, "/token", poll)
    assert status == 200, token
    return token


def _served_org(url: str, token: str) -> list[tuple[str, str, str, list[str]]]:
    status, page = _call(url, "/assignment/accounts?max_result=100", token=token)
    assert status == 200 and "nextToken" not in page
    org = []
    for acct in page["accountList"]:
        status, roles = _call(
            url, f"/assignment/roles?account_id={acct['accountId']}&max_result=100", token=token)
        assert status == 200
        org.append((acct["accountId"], acct["accountName"], acct["emailAddress"],
                    [r["roleName"] for r in roles["roleList"]]))
    return org


def _expected_org(accounts: int, roles: int, seed: int) -> list[tuple[str, str, str, list[str]]]:
    from ssotui.emulator import generate_org

    return [(a.account_id, a.account_name, a.email_address, r)
            for a, r in generate_org(accounts, roles, seed)]


def _serving(*args: str) -> subprocess.Popen[str]:
    proc = _spawn(*args)
    assert proc.stdout is not None
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0


def test_org_flags_reach_the_emulator():
    """--accounts, --roles-per-account, --seed and --token-ttl each change what is served."""
    assert _expected_org(5, 6, 11) != _expected_org(5, 6, 12)  # the seed matters
    assert _expected_org(5, 6, 11) != _expected_org(5, 3, 11)  # so does K
    proc = _serving("--accounts", "5", "--roles-per-account", "6", "--seed", "11",
                    "--token-ttl", "4321")
    try:
        url = proc.stdout.readline().strip()
        token = _sign_in(url)
        assert token["expiresIn"] == 4321
        assert _served_org(url, str(token["accessToken"])) == _expected_org(5, 6, 11)
    finally:
        _stop(proc)


def test_tps_flag_throttles_and_fault_rate_flag_fails_requests():
    """--tps 0.5 answers 429 to a burst (a bucket of at most one request, refilled every
    2 s: no machine is slow enough for ten to pass); --fault-rate 1 fails them all."""
    throttled = _serving("--accounts", "2", "--tps", "0.5")
    faulty = _serving("--accounts", "2", "--fault-rate", "1")
    try:
        url = throttled.stdout.readline().strip()
        token = str(_sign_in(url)["accessToken"])  # OIDC is not rate-limited
        answers = [_call(url, "/assignment/accounts", token=token) for _ in range(10)]
        throttles = [body for status, body in answers if status == 429]
        assert throttles and all(status in (200, 429) for status, _ in answers), answers
        assert all("TooManyRequestsException" in str(body["__type"]) for body in throttles)

        url = faulty.stdout.readline().strip()
        token = str(_sign_in(url)["accessToken"])
        for _ in range(5):
            try:
                status, _ = _call(url, "/assignment/accounts", token=token)
            except (urllib.error.URLError, ConnectionError):
                continue  # a dropped connection: one of the two injected faults
            assert status == 500
    finally:
        _stop(throttled)
        _stop(faulty)


@pytest.mark.parametrize("argv", [
    ["emulator", "--fault-rate", "2"],
    ["emulator", "--accounts", "-1"],
    ["emulator", "--tps", "0"],
    ["emulator", "--tps", "60@5"],  # a schedule starts at 0
    ["emulator", "--tps", "60@0,20@0"],  # times increase
    ["emulator", "--tps", "60@0,fast@10s"],
])
def test_bad_flags_exit_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("ssotui: ") and len(err.strip().splitlines()) == 1


def test_port_in_use_is_a_clear_error(capsys):
    from ssotui.emulator import Emulator

    with Emulator(accounts=1) as emu:
        assert main(["emulator", "--port", str(emu.port)]) == 2
    assert "cannot listen" in capsys.readouterr().err


def test_tps_schedule_flag_raises_the_limit_during_the_run():
    """--tps 0.5@0,1000@3s: a burst is throttled at first, passes once the schedule
    has raised the limit (timed from the first portal call)."""
    proc = _serving("--accounts", "2", "--tps", "0.5@0,1000@3s")
    try:
        url = proc.stdout.readline().strip()
        token = str(_sign_in(url)["accessToken"])
        first = [_call(url, "/assignment/accounts", token=token)[0] for _ in range(10)]
        assert 429 in first, first
        time.sleep(3.2)
        later = [_call(url, "/assignment/accounts", token=token)[0] for _ in range(10)]
        assert later == [200] * 10, later
    finally:
        _stop(proc)

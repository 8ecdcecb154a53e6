"""`ssotui emulator` as a user runs it: URL first on stdout, serves, stops cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
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


def test_org_flags_reach_the_emulator():
    proc = _spawn("--accounts", "3", "--roles-per-account", "1", "--tps", "50")
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        req = urllib.request.Request(f"{url}/assignment/accounts?max_result=100",
                                     headers={"x-amz-sso_bearer_token": "bad"})
        with pytest.raises(urllib.error.HTTPError) as exc:
            urllib.request.urlopen(req, timeout=10)
        assert exc.value.code == 401
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0


@pytest.mark.parametrize("argv", [
    ["emulator", "--fault-rate", "2"],
    ["emulator", "--accounts", "-1"],
    ["emulator", "--tps", "0"],
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

"""`ssotui serve`: the real botocore ContainerProvider, in its own process, reads the
role's credentials from it and gets new ones past an expiry; requests without the
token are refused and logged without it; a taken port and a remote host are refused."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from interop import aws_env as child_aws_env
from interop import child_env, run_python


def _env(home: Path, url: str) -> dict[str, str]:
    return child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui")))


def _role(emu: Any) -> tuple[str, str]:
    acct, roles = emu.org[0]
    return acct.account_id, roles[0]


@contextmanager
def serving(home: Path, url: str, *args: str,
            top: tuple[str, ...] = ()) -> Iterator[tuple[dict[str, str], Any]]:
    """A running `ssotui [TOP] serve ARGS`: (its exported variables, the process)."""
    proc = subprocess.Popen([sys.executable, "-m", "ssotui", *top, "serve", *args],
                            env=_env(home, url),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        exported: dict[str, str] = {}
        assert proc.stdout is not None
        while len(exported) < 2:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "serve exited"
            if line.startswith("export "):
                name, _, value = line[len("export "):].strip().partition("=")
                exported[name] = value
        yield exported, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _get(url: str, token: str | None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": token} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - loopback
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


BOTOCORE_PAST_EXPIRY = """
    import sys, time
    import botocore.session
    creds = botocore.session.Session().get_credentials()
    first = creds.get_frozen_credentials()
    print(creds.method, first.access_key, flush=True)
    time.sleep(float(sys.argv[1]))  # the first credentials have expired by now
    second = creds.get_frozen_credentials()
    print(creds.method, second.access_key, flush=True)
"""


def test_botocore_reads_and_renews_past_an_expiry(signed_in: str, aws_env: Any,
                                                  isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    aws_env.role_credentials_ttl = 3
    with serving(isolated_home, aws_env.url, acct, role) as (exported, proc):
        url = exported["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        assert url.startswith("http://127.0.0.1:")
        child = run_python(BOTOCORE_PAST_EXPIRY, {
            "HOME": str(isolated_home / "elsewhere"),  # no config: only the container provider
            "AWS_CONFIG_FILE": str(isolated_home / "elsewhere" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(isolated_home / "elsewhere" / "credentials"),
            "AWS_EC2_METADATA_DISABLED": "true", **exported}, args=["4"])
        assert child.returncode == 0, child.stderr
        (m1, key1), (m2, key2) = (line.split() for line in child.stdout.splitlines())
        assert m1 == m2 == "container-role"
        issued = [c["accessKeyId"] for c in aws_env.issued_credentials]
        assert key1 in issued and key2 in issued and key1 != key2
        assert issued.index(key2) > issued.index(key1)


@pytest.mark.parametrize("top", [(), ("--debug",)])
def test_token_is_required_and_never_logged(signed_in: str, aws_env: Any,
                                            isolated_home: Path, top: tuple[str, ...]) -> None:
    acct, role = _role(aws_env)
    with serving(isolated_home, aws_env.url, acct, role, top=top) as (exported, proc):
        url = exported["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        token = exported["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        assert len(token) >= 40
        wrong = token[:-4] + "abcd"
        assert _get(url, None)[0] == 401
        assert _get(url, wrong)[0] == 401
        assert _get(url, "Bearer " + token)[0] == 401
        status, body = _get(url, token)
        assert status == 200
        doc = json.loads(body)
        assert sorted(doc) == ["AccessKeyId", "Expiration", "SecretAccessKey", "Token"]
        assert doc["Expiration"].endswith("+00:00")
        time.sleep(0.3)
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert err.count("401 for 127.0.0.1") == 3
    for secret in (token, wrong, doc["SecretAccessKey"], doc["Token"], signed_in):
        assert secret not in err
    if top:
        assert "botocore" in err  # the debug log did run
    assert aws_env.calls["GetRoleCredentials"] == 1  # served from the shared cache


def test_second_serve_on_the_same_port_is_one_line(signed_in: str, aws_env: Any,
                                                   isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    with serving(isolated_home, aws_env.url, acct, role) as (exported, _):
        port = exported["AWS_CONTAINER_CREDENTIALS_FULL_URI"].rsplit(":", 1)[1].strip("/")
        again = subprocess.run([sys.executable, "-m", "ssotui", "serve", acct, role, "--port",
                                port], env=_env(isolated_home, aws_env.url),
                               capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 1 and again.stdout == ""
    (line,) = again.stderr.strip().splitlines()
    assert f"port {port}" in line and "in use" in line


def test_non_loopback_host_needs_the_flag(signed_in: str, aws_env: Any,
                                          isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    proc = subprocess.run([sys.executable, "-m", "ssotui", "serve", acct, role, "--host",
                           "0.0.0.0"], env=_env(isolated_home, aws_env.url),
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert "--allow-non-loopback" in line
    assert aws_env.calls["GetRoleCredentials"] == 0


def test_unknown_role_fails_before_listening(signed_in: str, aws_env: Any,
                                             isolated_home: Path) -> None:
    acct, _ = _role(aws_env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.run([sys.executable, "-m", "ssotui", "serve", acct, "NoSuchRole",
                           "--port", str(port)], env=_env(isolated_home, aws_env.url),
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "NoSuchRole" in proc.stderr

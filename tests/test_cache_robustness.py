"""The SSO token cache and the listing cache under hostile or broken conditions:
stale temp files holding secrets, an unwritable cache, absurd timestamps, deeply
nested JSON, and an endpoint that accepts connections and never answers."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import REGION, SESSION, START_URL, write_token_file
from ssotui.core import clients as C
from ssotui.core import dircache, tokens
from ssotui.core.errors import NeedsLogin, RuntimeFailure
from ssotui.core.models import Account, SsoSession, Token
from test_login import CORP

DEEP = "[" * 200_000 + "]" * 200_000
DEEP_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000


def _cache(home: Path) -> Path:
    return home / ".aws" / "sso" / "cache"


def _token() -> Token:
    from datetime import UTC, datetime

    return Token(access_token="tok", expires_at=datetime.now(UTC) + timedelta(hours=1),
                 start_url=START_URL, region=REGION, refresh_token="r", client_id="c",
                 client_secret="s", registration_expires_at=datetime.now(UTC) + timedelta(days=9))


# ---------------------------------------------------------------- temp files


def test_stale_temp_files_are_removed_at_the_next_write(isolated_home: Path) -> None:
    cache = _cache(isolated_home)
    cache.mkdir(parents=True)
    stale = cache / ".ssotui-killed.tmp"
    stale.write_text('{"clientSecret": "left by a kill -9"}')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    live = cache / ".ssotui-writing-now.tmp"  # another process mid-write: left alone
    live.write_text("{}")
    tokens.save_token(CORP, _token())
    assert not stale.exists()
    assert live.exists()
    loaded = tokens.load_token(CORP)
    assert loaded is not None and loaded.access_token == "tok"


def test_failed_write_leaves_no_temp_and_says_one_line(isolated_home: Path) -> None:
    cache = _cache(isolated_home)
    tokens.token_path(CORP).mkdir(parents=True)  # a directory where the file goes
    with pytest.raises(RuntimeFailure) as failed:
        tokens.save_token(CORP, _token())
    assert "cannot write the SSO token cache" in str(failed.value)
    assert "\n" not in str(failed.value) and "tok" not in str(failed.value).split(": ", 1)[1]
    assert list(cache.glob(".ssotui-*.tmp")) == []


def test_unwritable_cache_makes_login_fail_in_one_line(
        aws_env: object, isolated_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main

    sso = isolated_home / ".aws" / "sso"
    sso.mkdir(parents=True)
    (sso / "cache").write_text("not a directory")  # root ignores chmod; this stops anyone
    assert main(["login", "--device-code"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") - err.count("\n\n") >= 1
    last = err.strip().splitlines()[-1]
    assert last.startswith("ssotui: login failed: cannot write the SSO token cache")
    assert "Traceback" not in err


# ---------------------------------------------------------------- absurd content


@pytest.mark.parametrize("stamp", [
    "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00",
    "9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.999999",
    "+10000-01-01T00:00:00Z", "1" * 5000,
], ids=lambda stamp: stamp[:30])
def test_extreme_timestamps_read_as_signed_out(aws_env: object, isolated_home: Path,
                                               stamp: str) -> None:
    path = write_token_file(isolated_home, SESSION, "tok", timedelta(hours=1))
    body = json.loads(path.read_text())
    body["expiresAt"] = stamp
    path.write_text(json.dumps(body))
    assert tokens.load_token(CORP) is None
    assert tokens.status(CORP) == ("signed-out", None)
    with pytest.raises(NeedsLogin):
        tokens.ensure_token(CORP, C.make_clients(CORP))


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_extreme_registration_expiry_means_register_again(aws_env: object, stamp: str) -> None:
    from ssotui.core import login

    tokens.registration_path(CORP).parent.mkdir(parents=True, exist_ok=True)
    tokens.registration_path(CORP).write_text(json.dumps(
        {"clientId": "x", "clientSecret": "y", "expiresAt": stamp,
         "scopes": ["sso:account:access"]}))
    assert tokens.load_registration(CORP, auth_code=False) is None
    events = list(login.device_flow(CORP, C.make_clients(CORP)))
    assert isinstance(events[-1], login.Done), events


@pytest.mark.parametrize("content", [DEEP, DEEP_OBJECT], ids=["deep-array", "deep-object"])
def test_deeply_nested_cache_files_read_as_signed_out(isolated_home: Path, content: str) -> None:
    cache = _cache(isolated_home)
    cache.mkdir(parents=True)
    tokens.token_path(CORP).write_text(content)
    tokens.registration_path(CORP).write_text(content)
    assert tokens.load_token(CORP) is None
    assert tokens.load_registration(CORP, auth_code=False) is None


def _save_listing() -> Path:
    return dircache.save(CORP, [Account("111111111111", "a", "a@example.com")],
                         {"111111111111": ("Admin",)})


@pytest.mark.parametrize("saved_at", [
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2024-01-01T00:00:00",
])
def test_listing_cache_with_extreme_dates_is_unusable(saved_at: str) -> None:
    path = _save_listing()
    doc = json.loads(path.read_text())
    doc["savedAt"] = saved_at
    path.write_text(json.dumps(doc))
    with pytest.raises(dircache.CacheCorrupt, match="corrupt"):
        dircache.load(CORP)


@pytest.mark.parametrize("content", [DEEP, DEEP_OBJECT], ids=["deep-array", "deep-object"])
def test_deeply_nested_listing_cache_is_unusable(content: str) -> None:
    _save_listing().write_text(content)
    with pytest.raises(dircache.CacheCorrupt):
        dircache.load(CORP)


def test_list_with_a_deeply_nested_cache_warns_and_lists(
        signed_in: str, capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main

    _save_listing().write_text(DEEP)
    assert main(["list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "corrupt" in err and "Traceback" not in err
    assert json.loads(out)


# ---------------------------------------------------------------- dead endpoint


@pytest.fixture
def dead_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An endpoint whose socket accepts connections (the kernel's backlog) and never
    answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", url)
    # the real bounds are checked below; here only how the failure is reported
    monkeypatch.setattr(C, "READ_TIMEOUT", 0.3)
    monkeypatch.setattr(C, "CONNECT_TIMEOUT", 0.3)
    try:
        yield url
    finally:
        sock.close()


def test_client_timeouts_are_bounded() -> None:
    session = SsoSession(SESSION, START_URL, REGION)
    made = C.make_clients(session)
    for client in (made.sso, made.oidc, made.listing):
        cfg = client.meta.config
        assert cfg.connect_timeout <= 5 and cfg.read_timeout <= 10
        attempts = cfg.retries.get("total_max_attempts") or cfg.retries["max_attempts"] + 1
        assert attempts * (cfg.connect_timeout + cfg.read_timeout) <= 30


def test_login_against_a_dead_endpoint_fails_in_one_line(
        aws_env: object, dead_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main

    assert main(["login", "--device-code"]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("ssotui: login failed: could not start sign-in:")
    assert dead_endpoint in last and "timeout" in last.lower()


def test_creds_against_a_dead_endpoint_fails_in_one_line(
        signed_in: str, dead_endpoint: str, capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main

    assert main(["creds", "111111111111", "Admin"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    assert dead_endpoint in err and "timeout" in err.lower()


def test_list_gives_up_on_a_dead_endpoint_after_one_retry(
        signed_in: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Each try against a silent endpoint costs a whole read timeout: the listing
    retries a timeout once (not the six tries a 5xx gets), so it fails in seconds."""
    import threading

    from ssotui.cli import main
    from ssotui.core import directory

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", url)
    monkeypatch.setattr(C, "READ_TIMEOUT", 0.3)
    monkeypatch.setattr(C, "CONNECT_TIMEOUT", 0.3)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])  # keep it open, answer nothing
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        assert main(["list", "--refresh"]) == 1
    finally:
        stop.set()
        thread.join(2)
        for conn in held:
            conn.close()
        sock.close()
    err = capsys.readouterr().err
    assert "timeout" in err.lower(), err
    assert len(held) == directory.MAX_TIMEOUT_ATTEMPTS, len(held)

"""Token and registration cache: AWS CLI file formats, refresh, signed-out cases."""

from __future__ import annotations

import hashlib
import json
import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import REGION, SESSION, START_URL, write_token_file
from ssotui.core import login, tokens
from ssotui.core.clients import make_clients
from ssotui.core.errors import NeedsLogin
from ssotui.core.models import SsoSession, Token

CORP = SsoSession(SESSION, START_URL, REGION, scopes=("sso:account:access",))
LEGACY = SsoSession("old", START_URL, REGION, legacy_profile="old")


def _cache(home: Path) -> Path:
    return home / ".aws" / "sso" / "cache"


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _token(ttl: timedelta, **kw: object) -> Token:
    return Token(
        access_token="at-secret", expires_at=datetime.now(UTC).replace(microsecond=0) + ttl,
        start_url=START_URL, region=REGION, **kw,  # type: ignore[arg-type]
    )


def _device_login(session: SsoSession) -> Token:
    events = list(login.device_flow(session, make_clients(session)))
    done = events[-1]
    assert isinstance(done, login.Done), events
    return done.token


# ---------------------------------------------------------------- file format


def test_token_file_name_body_and_mode(isolated_home: Path) -> None:
    reg_exp = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    tok = _token(timedelta(hours=8), refresh_token="rt", client_id="cid",
                 client_secret="cs", registration_expires_at=reg_exp)
    tokens.save_token(CORP, tok)
    path = _cache(isolated_home) / f"{_sha1(SESSION)}.json"
    body = json.loads(path.read_text())
    assert list(body) == ["startUrl", "region", "accessToken", "expiresAt", "clientId",
                          "clientSecret", "registrationExpiresAt", "refreshToken"]
    assert body["expiresAt"] == tok.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert body["registrationExpiresAt"] == "2030-01-02T03:04:05Z"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tokens.load_token(CORP) == tok
    # no temp files left behind
    assert [p.name for p in _cache(isolated_home).iterdir()] == [path.name]


def test_no_refresh_token_means_no_key(isolated_home: Path) -> None:
    tokens.save_token(CORP, _token(timedelta(hours=1)))
    body = json.loads(tokens.token_path(CORP).read_text())
    assert set(body) == {"startUrl", "region", "accessToken", "expiresAt"}


def test_existing_loose_mode_is_tightened(isolated_home: Path) -> None:
    path = write_token_file(isolated_home, SESSION, "old", timedelta(hours=1))
    path.chmod(0o644)
    tokens.save_token(CORP, _token(timedelta(hours=2)))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_legacy_profile_uses_start_url_hash(isolated_home: Path) -> None:
    write_token_file(isolated_home, START_URL, "legacy-tok", timedelta(hours=1))
    tok = tokens.load_token(LEGACY)
    assert tok is not None and tok.access_token == "legacy-tok"
    assert tokens.load_token(CORP) is None


@pytest.mark.parametrize("stamp", [
    "2031-05-06T07:08:09Z", "2031-05-06T07:08:09+00:00", "2031-05-06T07:08:09UTC",
    "2031-05-06T07:08:09.123456Z", "2031-05-06T09:08:09+02:00", "2031-05-06T07:08:09",
])
def test_reads_aws_cli_timestamp_forms(isolated_home: Path, stamp: str) -> None:
    cache = _cache(isolated_home)
    cache.mkdir(parents=True)
    (cache / f"{_sha1(SESSION)}.json").write_text(json.dumps(
        {"startUrl": START_URL, "region": REGION, "accessToken": "x", "expiresAt": stamp}))
    tok = tokens.load_token(CORP)
    assert tok is not None
    assert tok.expires_at.replace(microsecond=0) == datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert tok.expires_at.tzinfo is not None


@pytest.mark.parametrize("content", [
    "", "{", "null", "[]", '{"accessToken": "x"}', '{"expiresAt": "2031-01-01T00:00:00Z"}',
    '{"accessToken": "x", "expiresAt": "not a date"}', '{"accessToken": 5, "expiresAt": 1}',
    "\x00\x01binary",
])
def test_corrupt_or_partial_file_is_signed_out(isolated_home: Path, content: str) -> None:
    cache = _cache(isolated_home)
    cache.mkdir(parents=True)
    (cache / f"{_sha1(SESSION)}.json").write_text(content)
    assert tokens.load_token(CORP) is None
    with pytest.raises(NeedsLogin, match="ssotui login --sso-session corp"):
        tokens.ensure_token(CORP, None)


def test_corrupt_file_is_replaced_on_next_login(aws_env: object, isolated_home: Path) -> None:
    cache = _cache(isolated_home)
    cache.mkdir(parents=True)
    (cache / f"{_sha1(SESSION)}.json").write_text('{"accessToken": "trunc')
    tok = _device_login(CORP)
    assert tokens.load_token(CORP) == tok


# ---------------------------------------------------------------- registrations


def test_registration_key_matches_aws_cli_derivation() -> None:
    # awscli/botocore/utils.py BaseSSOTokenFetcher._registration_cache_key
    expected = hashlib.sha1(json.dumps({
        "tool": "botocore", "startUrl": START_URL, "region": REGION,
        "scopes": ["sso:account:access"], "session_name": SESSION,
    }, sort_keys=True).encode()).hexdigest()
    assert tokens.registration_key(CORP) == expected
    legacy = hashlib.sha1(json.dumps({
        "tool": "botocore", "startUrl": START_URL, "region": REGION,
        "scopes": None, "session_name": None,
    }, sort_keys=True).encode()).hexdigest()
    assert tokens.registration_key(LEGACY) == legacy


def test_registration_reuse_rules(isolated_home: Path) -> None:
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    dev = tokens.Registration("cid", "sec", later, scopes=("sso:account:access",))
    tokens.save_registration(CORP, dev)
    body = json.loads(tokens.registration_path(CORP).read_text())
    assert body == {"clientId": "cid", "clientSecret": "sec",
                    "expiresAt": later.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "scopes": ["sso:account:access"]}
    assert stat.S_IMODE(tokens.registration_path(CORP).stat().st_mode) == 0o600
    assert tokens.load_registration(CORP, auth_code=False) == dev
    assert tokens.load_registration(CORP, auth_code=True) is None  # other flow's client

    auth = tokens.Registration("cid2", "sec2", later, scopes=("sso:account:access",),
                               grant_types=tokens.AUTH_CODE_GRANTS)
    tokens.save_registration(CORP, auth)
    assert json.loads(tokens.registration_path(CORP).read_text())["grantTypes"] == [
        "authorization_code", "refresh_token"]
    assert tokens.load_registration(CORP, auth_code=True) == auth
    assert tokens.load_registration(CORP, auth_code=False) is None

    soon = datetime.now(UTC) + timedelta(minutes=14)
    tokens.save_registration(CORP, tokens.Registration("c", "s", soon))
    assert tokens.load_registration(CORP, auth_code=False) is None


def test_device_login_reuses_cached_registration(aws_env: object) -> None:
    _device_login(CORP)
    _device_login(CORP)
    assert aws_env.calls["RegisterClient"] == 1  # type: ignore[attr-defined]


# ---------------------------------------------------------------- ensure_token


def test_ensure_token_returns_valid_token_without_calls(signed_in: str) -> None:
    tok = tokens.ensure_token(CORP, make_clients(CORP))
    assert tok.access_token == signed_in


def test_ensure_token_missing_file_needs_login(aws_env: object) -> None:
    with pytest.raises(NeedsLogin) as err:
        tokens.ensure_token(CORP, make_clients(CORP))
    assert str(err.value) == (
        "sso-session corp: signed out or expired; run `ssotui login --sso-session corp`")


def _age(session: SsoSession, left: timedelta) -> Token:
    """Rewrite the cached token so it expires in `left`."""
    tok = tokens.load_token(session)
    assert tok is not None
    aged = Token(tok.access_token, datetime.now(UTC) + left, tok.start_url, tok.region,
                 tok.refresh_token, tok.client_id, tok.client_secret,
                 tok.registration_expires_at)
    tokens.save_token(session, aged)
    return aged


@pytest.mark.parametrize("left", [timedelta(minutes=5), timedelta(minutes=-30)])
def test_ensure_token_refreshes_near_expiry(aws_env: object, left: timedelta) -> None:
    first = _device_login(CORP)
    assert first.refresh_token
    _age(CORP, left)
    new = tokens.ensure_token(CORP, make_clients(CORP))
    assert new.access_token != first.access_token
    assert new.expires_at - datetime.now(UTC) > timedelta(hours=7)
    assert tokens.load_token(CORP) == new  # written back
    assert new.refresh_token and new.client_id == first.client_id
    assert aws_env.calls["CreateToken"] >= 3  # type: ignore[attr-defined]


def test_refused_refresh_of_expired_token_needs_login(aws_env: object) -> None:
    first = _device_login(CORP)
    aws_env.revoke(first.access_token)  # type: ignore[attr-defined]
    _age(CORP, timedelta(minutes=-1))
    with pytest.raises(NeedsLogin):
        tokens.ensure_token(CORP, make_clients(CORP))


def test_refused_refresh_keeps_still_valid_token(aws_env: object) -> None:
    first = _device_login(CORP)
    aws_env.revoke(first.access_token)  # type: ignore[attr-defined]
    _age(CORP, timedelta(minutes=10))
    # Like botocore: an advisory refresh that fails leaves the old token in use.
    assert tokens.ensure_token(CORP, make_clients(CORP)).access_token == first.access_token


def test_expired_registration_is_not_refreshed(aws_env: object) -> None:
    _device_login(CORP)
    tok = tokens.load_token(CORP)
    assert tok is not None
    tokens.save_token(CORP, Token(tok.access_token, datetime.now(UTC) - timedelta(minutes=1),
                                  tok.start_url, tok.region, tok.refresh_token, tok.client_id,
                                  tok.client_secret, datetime.now(UTC) - timedelta(seconds=1)))
    before = aws_env.calls["CreateToken"]  # type: ignore[attr-defined]
    with pytest.raises(NeedsLogin):
        tokens.ensure_token(CORP, make_clients(CORP))
    assert aws_env.calls["CreateToken"] == before  # type: ignore[attr-defined]


def test_legacy_token_is_never_refreshed(aws_env: object, isolated_home: Path) -> None:
    write_token_file(isolated_home, START_URL, "legacy", timedelta(minutes=-5),
                     refreshToken="rt", clientId="c", clientSecret="s",
                     registrationExpiresAt="2099-01-01T00:00:00Z")
    with pytest.raises(NeedsLogin, match="--sso-session old"):
        tokens.ensure_token(LEGACY, make_clients(LEGACY))
    assert aws_env.calls.get("CreateToken", 0) == 0  # type: ignore[attr-defined]


def test_concurrent_ensure_token_refreshes_once(aws_env: object) -> None:
    _device_login(CORP)
    _age(CORP, timedelta(minutes=3))
    before = aws_env.calls["CreateToken"]  # type: ignore[attr-defined]
    clients = make_clients(CORP)
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(
        tokens.ensure_token(CORP, clients).access_token)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 6
    assert aws_env.calls["CreateToken"] == before + 1  # type: ignore[attr-defined]


def test_revoked_token_401_means_login(signed_in: str, aws_env: object) -> None:
    aws_env.revoke(signed_in)  # type: ignore[attr-defined]
    clients = make_clients(CORP)
    tok = tokens.ensure_token(CORP, clients)  # still looks valid locally
    with pytest.raises(NeedsLogin, match="ssotui login --sso-session corp"):
        with tokens.unauthorized_means_login(CORP):
            clients.sso.list_accounts(accessToken=tok.access_token, maxResults=1)


def test_status(isolated_home: Path) -> None:
    assert tokens.status(CORP) == ("signed-out", None)
    tokens.save_token(CORP, _token(timedelta(hours=2)))
    assert tokens.status(CORP)[0] == "signed-in"
    tokens.save_token(CORP, _token(timedelta(minutes=5)))
    assert tokens.status(CORP)[0] == "expiring"
    tokens.save_token(CORP, _token(timedelta(minutes=-5)))
    assert tokens.status(CORP)[0] == "expired"


def test_secrets_not_in_repr() -> None:
    tok = _token(timedelta(hours=1), refresh_token="rt-secret", client_secret="cs-secret")
    reg = tokens.Registration("cid", "reg-secret", datetime.now(UTC))
    text = repr(tok) + repr(reg) + repr(login.Done(tok))
    assert "at-secret" not in text and "rt-secret" not in text
    assert "cs-secret" not in text and "reg-secret" not in text

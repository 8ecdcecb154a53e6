"""`ssotui login/logout` as processes, and interop with the real botocore in separate
processes with a throwaway HOME."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import REGION, SESSION, START_URL, write_token_file
from interop import aws_env as child_aws_env
from interop import child_env, run_python
from ssotui.core import login, login_pkce, tokens
from ssotui.core.clients import make_clients
from ssotui.core.models import SsoSession, Token

CORP = SsoSession(SESSION, START_URL, REGION, scopes=("sso:account:access",))
PROFILE = """
[profile dev]
sso_session = corp
sso_account_id = {account}
sso_role_name = {role}
region = us-east-1
"""

GET_CREDS = """
import boto3
creds = boto3.Session(profile_name="dev").get_credentials().get_frozen_credentials()
print(creds.access_key)
"""


def _ssotui(args: list[str], env: dict[str, str], timeout: float = 120
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ssotui", *args], env=child_env(env),
                          capture_output=True, text=True, timeout=timeout, check=False)


def _add_profile(home: Path, emulator: object) -> tuple[str, str]:
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    with open(home / ".aws" / "config", "a") as f:
        f.write(PROFILE.format(account=account.account_id, role=roles[0]))
    return account.account_id, roles[0]


def _device_login() -> Token:
    events = list(login.device_flow(CORP, make_clients(CORP)))
    assert isinstance(events[-1], login.Done), events
    return events[-1].token


@pytest.fixture
def emulator_process() -> Iterator[str]:
    """`ssotui emulator --approve auto` as its own process; yields its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ssotui", "emulator", "--approve", "auto", "--accounts", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=child_env({}),
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# ---------------------------------------------------------------- acceptance


def test_acceptance_device_login_then_plain_boto3(emulator_process: str,
                                                  isolated_home: Path) -> None:
    env = child_aws_env(isolated_home, emulator_process)
    (isolated_home / ".aws" / "config").write_text(
        "[profile dev]\nsso_session = corp\nsso_account_id = {a}\nsso_role_name = {r}\n"
        "region = us-east-1\n")
    proc = _ssotui(["login", "--device-code", "--sso-session", "corp",
                    "--start-url", START_URL, "--region", REGION], env)
    assert proc.returncode == 0, proc.stderr
    assert "Signed in to sso-session corp" in proc.stderr
    assert "/verify?user_code=" in proc.stderr  # the URL with the code embedded
    # the profile needs a real account/role from the emulator's org
    listing = run_python("""
        import boto3, json, hashlib, os
        path = os.path.expanduser("~/.aws/sso/cache/" + hashlib.sha1(b"corp").hexdigest() + ".json")
        tok = json.load(open(path))["accessToken"]
        sso = boto3.client("sso", region_name="us-east-1")
        acct = sso.list_accounts(accessToken=tok)["accountList"][0]["accountId"]
        role = sso.list_account_roles(accessToken=tok, accountId=acct)["roleList"][0]["roleName"]
        print(acct, role)
    """, env)
    assert listing.returncode == 0, listing.stderr
    account, role = listing.stdout.split()
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(cfg.read_text().replace("{a}", account).replace("{r}", role))
    creds = run_python(GET_CREDS, env)
    assert creds.returncode == 0, creds.stderr
    assert creds.stdout.strip().startswith("ASIA")


# ---------------------------------------------------------------- interop


def test_botocore_uses_token_ssotui_wrote(aws_env: object, isolated_home: Path) -> None:
    _device_login()
    _add_profile(isolated_home, aws_env)
    before = aws_env.calls.get("GetRoleCredentials", 0)  # type: ignore[attr-defined]
    proc = run_python(GET_CREDS, child_aws_env(isolated_home, aws_env.url))  # type: ignore[attr-defined]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    assert aws_env.calls["GetRoleCredentials"] == before + 1  # type: ignore[attr-defined]


def test_botocore_refreshes_ssotui_token_and_ssotui_reads_it(aws_env: object,
                                                             isolated_home: Path) -> None:
    first = _device_login()
    aged = Token(first.access_token, datetime.now(UTC) + timedelta(minutes=5), first.start_url,
                 first.region, first.refresh_token, first.client_id, first.client_secret,
                 first.registration_expires_at)
    tokens.save_token(CORP, aged)
    _add_profile(isolated_home, aws_env)
    proc = run_python(GET_CREDS, child_aws_env(isolated_home, aws_env.url))  # type: ignore[attr-defined]
    assert proc.returncode == 0, proc.stderr
    after = tokens.load_token(CORP)
    assert after is not None and after.access_token != first.access_token
    assert after.expires_at - datetime.now(UTC) > timedelta(hours=7)
    assert after.refresh_token and after.client_id == first.client_id
    # and it is the token ssotui now hands out, without another refresh
    calls = aws_env.calls["CreateToken"]  # type: ignore[attr-defined]
    assert tokens.ensure_token(CORP, make_clients(CORP)) == after
    assert aws_env.calls["CreateToken"] == calls  # type: ignore[attr-defined]


def test_ssotui_reads_token_written_by_botocore_code(aws_env: object,
                                                     isolated_home: Path) -> None:
    access = aws_env.mint_token(start_url=START_URL)  # type: ignore[attr-defined]
    # botocore's own cache writer and serializer, as `aws sso login` uses them
    proc = run_python(f"""
        import datetime, os
        from botocore.utils import JSONFileCache
        from botocore.tokens import _sso_json_dumps
        cache = JSONFileCache(os.path.expanduser("~/.aws/sso/cache"), dumps_func=_sso_json_dumps)
        now = datetime.datetime.now(datetime.timezone.utc)
        import hashlib
        cache[hashlib.sha1(b"corp").hexdigest()] = {{
            "startUrl": {START_URL!r}, "region": {REGION!r}, "accessToken": {access!r},
            "expiresAt": now + datetime.timedelta(hours=8),
            "clientId": "cid", "clientSecret": "secret",
            "registrationExpiresAt": now + datetime.timedelta(days=90),
            "refreshToken": "rt",
        }}
    """, child_aws_env(isolated_home, aws_env.url))  # type: ignore[attr-defined]
    assert proc.returncode == 0, proc.stderr
    tok = tokens.ensure_token(CORP, make_clients(CORP))
    assert tok.access_token == access and tok.refresh_token == "rt"
    assert tok.registration_expires_at is not None
    with tokens.unauthorized_means_login(CORP):
        make_clients(CORP).sso.list_accounts(accessToken=tok.access_token, maxResults=1)


# ---------------------------------------------------------------- CLI


def test_cli_login_new_session_needs_url_without_terminal(isolated_home: Path) -> None:
    proc = _ssotui(["login", "--sso-session", "new"], {"HOME": str(isolated_home)})
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--start-url URL and --region REGION" in proc.stderr


def test_cli_login_without_any_session(isolated_home: Path) -> None:
    proc = _ssotui(["login"], {"HOME": str(isolated_home)})
    assert proc.returncode == 2
    assert "ssotui login --sso-session NAME --start-url URL --region REGION" in proc.stderr


def test_cli_login_refuses_http_start_url(isolated_home: Path) -> None:
    proc = _ssotui(["login", "--sso-session", "x", "--start-url", "http://evil.example/start",
                    "--region", "us-east-1"], {"HOME": str(isolated_home)})
    assert proc.returncode == 2 and "https" in proc.stderr
    assert not (isolated_home / ".aws" / "config").exists()


def test_cli_login_failure_exits_1(aws_env: object, isolated_home: Path) -> None:
    aws_env.approve_mode = "manual"  # type: ignore[attr-defined]
    aws_env.device_expires_in = 1  # type: ignore[attr-defined]
    env = child_aws_env(isolated_home, aws_env.url)  # type: ignore[attr-defined]
    proc = _ssotui(["login", "--device-code"], env)
    assert proc.returncode == 1
    assert "login failed" in proc.stderr and "expired" in proc.stderr
    assert not tokens.token_path(CORP).exists()


def test_cli_logout_removes_only_this_session(aws_env: object, isolated_home: Path) -> None:
    token = _device_login()
    other = write_token_file(isolated_home, "other", "other-token", timedelta(hours=1))
    _add_profile(isolated_home, aws_env)
    env = child_aws_env(isolated_home, aws_env.url)  # type: ignore[attr-defined]
    # The installed botocore caches the profile's role credentials as the AWS CLI has it
    # do (a JSONFileCache in ~/.aws/cli/cache), under whatever key its version computes.
    cached = run_python("""
        import os, boto3
        from botocore.credentials import JSONFileCache
        s = boto3.Session(profile_name="dev")
        provider = s._session.get_component("credential_provider").get_provider("sso")
        provider.cache = JSONFileCache(os.path.expanduser("~/.aws/cli/cache"))
        print(s.get_credentials().get_frozen_credentials().access_key[:4])
        """, env=env)
    assert cached.returncode == 0 and cached.stdout.strip() == "ASIA", cached.stderr
    cli_cache = isolated_home / ".aws" / "cli" / "cache"
    (mine,) = cli_cache.iterdir()
    assert json.loads(mine.read_text())["ProviderType"] == "sso"
    unrelated = cli_cache / "0123.json"
    unrelated.write_text(json.dumps({"ProviderType": "sso", "Credentials": {}}))
    proc = _ssotui(["logout", "--sso-session", "corp"], env)
    assert proc.returncode == 0, proc.stderr
    assert "Signed out of sso-session corp" in proc.stderr
    assert not tokens.token_path(CORP).exists()
    assert other.exists() and unrelated.exists() and not mine.exists()
    assert aws_env.calls["Logout"] == 1  # type: ignore[attr-defined]
    assert not aws_env.check_access(token.access_token)  # type: ignore[attr-defined]


def test_cli_logout_with_revoked_token_still_signs_out(signed_in: str, aws_env: object,
                                                       isolated_home: Path) -> None:
    aws_env.revoke(signed_in)  # type: ignore[attr-defined]
    env = child_aws_env(isolated_home, aws_env.url)  # type: ignore[attr-defined]
    proc = _ssotui(["logout"], env)
    assert proc.returncode == 0, proc.stderr
    assert not tokens.token_path(CORP).exists()
    proc = _ssotui(["logout"], env)
    assert proc.returncode == 0 and "was not signed in" in proc.stderr


def test_legacy_profile_login_and_botocore(aws_env: object, isolated_home: Path) -> None:
    account, roles = aws_env.org[0]  # type: ignore[attr-defined]
    (isolated_home / ".aws" / "config").write_text(
        f"[profile old]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n"
        f"sso_account_id = {account.account_id}\nsso_role_name = {roles[0]}\n")
    from ssotui.core import sessions

    legacy = sessions.resolve_session()
    assert legacy.is_legacy
    events = list(login.run_flow(legacy, make_clients(legacy), open_browser=None))
    assert isinstance(events[-1], login.Done)
    cache = isolated_home / ".aws" / "sso" / "cache"
    assert (cache / f"{hashlib.sha1(START_URL.encode()).hexdigest()}.json").exists()
    proc = run_python("""
        import boto3
        print(boto3.Session(profile_name="old").get_credentials().get_frozen_credentials().access_key)
    """, child_aws_env(isolated_home, aws_env.url))  # type: ignore[attr-defined]
    assert proc.returncode == 0, proc.stderr


def test_run_login_pkce_prints_url_and_signs_in(aws_env: object, isolated_home: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main
    from test_login import Browser

    browser = Browser()
    monkeypatch.setattr(login, "browser_available", lambda: True)
    monkeypatch.setattr(login, "default_open_browser", browser)
    assert main(["login"]) == 0
    err = capsys.readouterr().err
    assert browser.urls and browser.urls[0] in err
    assert "Signed in to sso-session corp" in err
    assert tokens.load_token(CORP) is not None


def test_run_login_no_browser_does_not_open(aws_env: object, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.cli import main

    opened: list[str] = []
    monkeypatch.setattr(login, "browser_available", lambda: True)
    monkeypatch.setattr(login, "default_open_browser", opened.append)
    monkeypatch.setattr(login_pkce, "PKCE_TIMEOUT", 0.5)
    assert main(["login", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert opened == []
    assert "Open this URL in a browser on this machine" in err and "/authorize?" in err
    assert "timed out" in err

"""`ssotui status`: sign-in, token time, refresh, listing age and the role credentials
held, from local files only (never a secret)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from conftest import SESSION, START_URL, write_token_file
from interop import aws_env as child_aws_env
from interop import child_env


def ssotui(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui")))
    return subprocess.run([sys.executable, "-m", "ssotui", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_status_reports_sign_in_listing_and_held_credentials(signed_in: str, aws_env: Any,
                                                             isolated_home: Path) -> None:
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(cfg.read_text() + "\n[sso-session other]\nsso_start_url = "
                   "https://other.awsapps.com/start\nsso_region = eu-west-1\n")
    acct, roles = aws_env.org[0]
    creds = ssotui(isolated_home, aws_env.url, "creds", acct.account_id, roles[0],
                   "--format", "process", "--sso-session", SESSION)
    assert creds.returncode == 0, creds.stderr
    assert ssotui(isolated_home, aws_env.url, "list", "--sso-session", SESSION).returncode == 0
    calls = dict(aws_env.calls)
    proc = ssotui(isolated_home, aws_env.url, "status", "--json")
    assert proc.returncode == 0, proc.stderr
    assert aws_env.calls == calls  # no network
    corp, other = sorted(json.loads(proc.stdout), key=lambda r: r["session"])
    assert (corp["session"], corp["signedIn"], corp["state"]) == (SESSION, True, "signed-in")
    assert 7 * 3600 < corp["tokenSecondsLeft"] <= 8 * 3600
    assert corp["canRefresh"] is False  # minted without a refresh token
    assert corp["listing"]["accounts"] == len(aws_env.org)
    assert 0 <= corp["listing"]["ageSeconds"] < 120
    (held,) = corp["credentials"]
    assert (held["accountId"], held["roleName"]) == (acct.account_id, roles[0])
    assert held["expiration"] == json.loads(creds.stdout)["Expiration"]
    assert (other["signedIn"], other["state"], other["listing"], other["credentials"]) == \
        (False, "signed-out", None, [])
    body = json.loads(creds.stdout)
    text = ssotui(isolated_home, aws_env.url, "status")
    assert text.returncode == 0, text.stderr
    for secret in (body["SecretAccessKey"], body["SessionToken"], body["AccessKeyId"], signed_in):
        assert secret not in proc.stdout and secret not in text.stdout
    lines = text.stdout.splitlines()
    assert lines[0].startswith(f"{SESSION} ({START_URL}, us-east-1): signed in, 7h")
    assert f"credentials: {acct.account_id}/{roles[0]} until" in text.stdout
    assert "other (https://other.awsapps.com/start, eu-west-1): signed out" in text.stdout


def test_status_with_refreshable_expired_token(aws_env: Any, isolated_home: Path) -> None:
    login = aws_env.mint_login(start_url=START_URL)
    write_token_file(isolated_home, SESSION, str(login["accessToken"]), timedelta(minutes=-1),
                     refreshToken=str(login["refreshToken"]), clientId=str(login["clientId"]),
                     clientSecret=str(login["clientSecret"]),
                     registrationExpiresAt="2099-01-01T00:00:00Z")
    proc = ssotui(isolated_home, aws_env.url, "status", "--json")
    (corp,) = json.loads(proc.stdout)
    assert (corp["state"], corp["signedIn"], corp["canRefresh"]) == ("expired", False, True)
    assert str(login["refreshToken"]) not in proc.stdout


def test_status_with_a_broken_config_is_one_line(isolated_home: Path, aws_env: Any) -> None:
    (isolated_home / ".aws" / "config").write_text("[sso-session corp\nsso_region = x\n")
    proc = ssotui(isolated_home, aws_env.url, "status")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr

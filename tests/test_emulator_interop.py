"""botocore's own SSO credential provider, in a separate process with a throwaway
HOME, resolves role credentials against the emulator from a token file we wrote.
If this passes, the emulator speaks what botocore (and so the AWS CLI) expects."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3

from conftest import REGION, SESSION, START_URL, write_token_file
from interop import aws_env, run_python

RESOLVE = """
import json, boto3
creds = boto3.Session(profile_name="dev").get_credentials().get_frozen_credentials()
print(json.dumps({"key": creds.access_key, "secret": creds.secret_key,
                  "token": creds.token}))
"""


def _config(home, account_id: str, role: str) -> None:  # type: ignore[no-untyped-def]
    (home / ".aws" / "config").write_text(
        f"[sso-session {SESSION}]\n"
        f"sso_start_url = {START_URL}\n"
        f"sso_region = {REGION}\n"
        "sso_registration_scopes = sso:account:access\n\n"
        "[profile dev]\n"
        f"sso_session = {SESSION}\n"
        f"sso_account_id = {account_id}\n"
        f"sso_role_name = {role}\n"
        f"region = {REGION}\n"
    )


def test_botocore_resolves_sso_session_profile(emulator, isolated_home):
    account, roles = emulator.org[0]
    _config(isolated_home, account.account_id, roles[0])
    token = emulator.mint_token(start_url=START_URL)
    write_token_file(isolated_home, SESSION, token, timedelta(hours=8))

    proc = run_python(RESOLVE, aws_env(isolated_home, emulator.url))
    assert proc.returncode == 0, proc.stderr
    creds = json.loads(proc.stdout)
    assert creds["key"].startswith("ASIA") and len(creds["secret"]) == 40 and creds["token"]
    assert emulator.calls["GetRoleCredentials"] == 1
    # A fresh token needs no refresh: botocore never talked to the OIDC side.
    assert emulator.calls["CreateToken"] == 0


def test_botocore_reports_a_revoked_token(emulator, isolated_home):
    account, roles = emulator.org[0]
    _config(isolated_home, account.account_id, roles[0])
    token = emulator.mint_token(start_url=START_URL)
    write_token_file(isolated_home, SESSION, token, timedelta(hours=8))
    emulator.revoke(token)

    proc = run_python(RESOLVE, aws_env(isolated_home, emulator.url))
    assert proc.returncode != 0
    assert "UnauthorizedException" in proc.stderr


def test_botocore_refreshes_a_nearly_expired_token(emulator, isolated_home):
    """botocore refreshes an sso-session token with < 15 min left through our /token
    refresh grant, and writes the new token back."""
    account, roles = emulator.org[0]
    _config(isolated_home, account.account_id, roles[0])
    oidc = boto3.client("sso-oidc", region_name=REGION, endpoint_url=emulator.url)
    reg = oidc.register_client(clientName=f"botocore-client-{SESSION}", clientType="public",
                               scopes=["sso:account:access"])
    auth = oidc.start_device_authorization(clientId=reg["clientId"],
                                           clientSecret=reg["clientSecret"], startUrl=START_URL)
    emulator.approve(auth["userCode"])
    first = oidc.create_token(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                              grantType="urn:ietf:params:oauth:grant-type:device_code",
                              deviceCode=auth["deviceCode"])
    reg_expiry = datetime.fromtimestamp(reg["clientSecretExpiresAt"], UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    path = write_token_file(isolated_home, SESSION, first["accessToken"], timedelta(minutes=5),
                            refreshToken=first["refreshToken"], clientId=reg["clientId"],
                            clientSecret=reg["clientSecret"], registrationExpiresAt=reg_expiry)
    emulator.reset_stats()

    proc = run_python(RESOLVE, aws_env(isolated_home, emulator.url))
    assert proc.returncode == 0, proc.stderr
    assert emulator.calls["CreateToken"] == 1
    assert emulator.calls["GetRoleCredentials"] == 1
    cached = json.loads(path.read_text())
    assert cached["accessToken"] != first["accessToken"]
    assert emulator.check_access(cached["accessToken"])

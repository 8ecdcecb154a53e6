"""The emulator serves an org file's names, emails, roles and credential values
verbatim over real HTTP (`Emulator(org_file=...)` and `ssotui emulator --org`)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from hostile import ACCOUNTS, BAD_CREDENTIAL_ROLES, CREDS_LAB, HOSTILE_ORG
from ssotui.emulator import Emulator, OrgFileError, parse_org

BEARER = "x-amz-sso_bearer_token"


def _get(url: str, path: str, token: str, **query: str) -> dict:
    q = urllib.parse.urlencode(query)
    req = urllib.request.Request(f"{url}{path}?{q}", headers={BEARER: token})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _all_accounts(url: str, token: str) -> list[tuple[str, str, str]]:
    body = _get(url, "/assignment/accounts", token, max_result="100")
    return [(a["accountId"], a["accountName"], a["emailAddress"]) for a in body["accountList"]]


def test_org_file_names_and_credentials_are_served_verbatim():
    with Emulator(org_file=HOSTILE_ORG) as emu:
        token = emu.mint_token()
        assert _all_accounts(emu.url, token) == [(i, n, e) for i, n, e, _ in ACCOUNTS]
        for account_id, _, _, roles in ACCOUNTS:
            body = _get(emu.url, "/assignment/roles", token, account_id=account_id,
                        max_result="100")
            assert [r["roleName"] for r in body["roleList"]] == roles
        raw = json.loads(HOSTILE_ORG.read_text())["accounts"][7]["roles"]
        for entry in raw:
            got = _get(emu.url, "/federation/credentials", token, account_id=CREDS_LAB,
                       role_name=entry["roleName"])["roleCredentials"]
            for field, value in entry["credentials"].items():
                assert got[field] == value, (entry["roleName"], field)
        assert len(emu.issued_credentials) == len(raw)
        # every credential value handed out is listed for log greps
        secrets = emu.issued_secrets()
        assert "ASIA$(touch /tmp/pwn)AAAA" in secrets and token in secrets


def test_roles_without_credentials_get_generated_ones_and_defaults_apply():
    org, creds = parse_org({
        "credentials": {"sessionToken": "DEFAULT"},
        "accounts": [{"accountId": "1", "accountName": "n",
                      "roles": ["plain", {"roleName": "own",
                                          "credentials": {"sessionToken": "OWN"}}]}]})
    with Emulator(org=org, credentials=creds) as emu:
        token = emu.mint_token()
        plain = _get(emu.url, "/federation/credentials", token, account_id="1",
                     role_name="plain")["roleCredentials"]
        own = _get(emu.url, "/federation/credentials", token, account_id="1",
                   role_name="own")["roleCredentials"]
    assert plain["sessionToken"] == "DEFAULT" and plain["accessKeyId"].startswith("ASIA")
    assert own["sessionToken"] == "OWN"


@pytest.mark.parametrize("data, words", [
    ([], "accounts"),
    ({"accounts": [{"accountName": "x"}]}, "accounts[0]"),
    ({"accounts": [{"accountId": "1", "accountName": "x", "roles": [7]}]}, "roles[0]"),
    ({"accounts": [{"accountId": "1", "accountName": "x",
                    "roles": [{"roleName": "r", "credentials": {"token": "x"}}]}]}, "token"),
    ({"accounts": [{"accountId": "1", "accountName": "x"},
                   {"accountId": "1", "accountName": "y"}]}, "duplicate"),
])
def test_bad_org_data_is_refused_with_its_place(data, words):
    with pytest.raises(OrgFileError, match=words.replace("[", r"\[")):
        parse_org(data, "f.json")


def test_cli_serves_the_org_file():
    proc = subprocess.Popen([sys.executable, "-m", "ssotui", "emulator", "--org", str(HOSTILE_ORG)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        token = _device_sign_in(url)
        assert _all_accounts(url, token) == [(i, n, e) for i, n, e, _ in ACCOUNTS]
        got = _get(url, "/federation/credentials", token, account_id=CREDS_LAB,
                   role_name="cmd-subst")["roleCredentials"]
        assert got["accessKeyId"] == "ASIA$(touch /tmp/pwn)AAAA"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert url.startswith("http://127.0.0.1:")
    assert f"# {len(ACCOUNTS)} accounts" in err
    assert proc.returncode == 0, err
    assert BAD_CREDENTIAL_ROLES  # the fixture keeps its hostile roles


def _post(url: str, path: str, body: dict) -> dict:
    req = urllib.request.Request(f"{url}{path}", method="POST", data=json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def _device_sign_in(url: str) -> str:
    """The device flow by hand (the emulator approves it by itself, `--approve auto`)."""
    client = _post(url, "/client/register", {"clientName": "t", "clientType": "public"})
    ids = {"clientId": client["clientId"], "clientSecret": client["clientSecret"]}
    dev = _post(url, "/device_authorization", {**ids, "startUrl": "https://x.example/start"})
    grant = {**ids, "grantType": "urn:ietf:params:oauth:grant-type:device_code",
             "deviceCode": dev["deviceCode"]}
    for _ in range(3):
        try:
            return str(_post(url, "/token", grant)["accessToken"])
        except urllib.error.HTTPError as exc:
            assert exc.code == 400  # AuthorizationPending once, then approved
    raise AssertionError("device flow did not finish")


def test_cli_refuses_a_broken_org_file(tmp_path: Path):
    bad = tmp_path / "org.json"
    bad.write_text("{not json")
    proc = subprocess.run([sys.executable, "-m", "ssotui", "emulator", "--org", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and str(bad) in proc.stderr
    assert "Traceback" not in proc.stderr

"""`--debug` output holds no secret: every secret the emulator issued is grepped for
in the stderr of real `ssotui --debug ...` runs against it over HTTP."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SESSION
from hostile import HOSTILE_ORG
from interop import aws_env as child_aws_env
from interop import child_env
from ssotui.core.redact import MASK, RedactingFilter, Redactor
from ssotui.emulator import Emulator


def _ssotui(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ssotui", "--debug", *args],
                          env=child_env(env), capture_output=True, text=True, timeout=120,
                          check=False)


def _expire_cached_token(home: Path) -> None:
    path = home / ".aws" / "sso" / "cache" / (hashlib.sha1(SESSION.encode()).hexdigest() + ".json")
    body = json.loads(path.read_text())
    body["expiresAt"] = "2001-01-01T00:00:00Z"
    path.write_text(json.dumps(body))


def test_debug_output_holds_no_issued_secret(aws_env, isolated_home: Path):
    emu = aws_env
    env = child_aws_env(isolated_home, emu.url, SSOTUI_CACHE_DIR=str(isolated_home / "c"))
    account, roles = emu.org[0]
    runs = [
        _ssotui(["login", "--device-code"], env),
        _ssotui(["list", "--refresh"], env),
        _ssotui(["list", "--json"], env),
        _ssotui(["creds", account.account_id, roles[0]], env),
        # other roles: the same one would come from the shared credentials cache
        _ssotui(["creds", emu.org[1][0].account_id, emu.org[1][1][0], "--format", "process"],
                env),
        _ssotui(["creds", emu.org[2][0].account_id, emu.org[2][1][0], "--write-credentials",
                 "dev"], env),
    ]
    _expire_cached_token(isolated_home)  # the next run refreshes: refresh token + secret
    runs.append(_ssotui(["list", "--refresh"], env))
    runs.append(_ssotui(["logout"], env))
    for proc in runs:
        assert proc.returncode == 0, proc.stderr[-2000:]
    stderr = "".join(p.stderr for p in runs)
    secrets = emu.issued_secrets()
    kinds = {"client secret": [c.client_secret for c in emu.clients.values()],
             "device code": list(emu.device_codes),
             "role credentials": [c["secretAccessKey"] for c in emu.issued_credentials]}
    assert all(kinds.values()), kinds  # every kind was issued (and so could leak)
    assert len(secrets) >= 10
    leaked = [s[:12] + "..." for s in secrets if s in stderr]
    assert not leaked, f"{len(leaked)} secrets in --debug output: {leaked}"
    # the debug log did run, with the secrets' places masked
    assert "botocore.parsers: Response body" in stderr and MASK in stderr
    assert "x-amz-sso_bearer_token': '" + MASK in stderr


def test_debug_output_of_a_hostile_org_drives_no_terminal(isolated_home: Path):
    with Emulator(org_file=HOSTILE_ORG) as emu:
        (isolated_home / ".aws" / "config").write_text(
            f"[sso-session {SESSION}]\nsso_start_url = https://x.example/start\n"
            "sso_region = us-east-1\n")
        env = child_aws_env(isolated_home, emu.url, SSOTUI_CACHE_DIR=str(isolated_home / "c"))
        login = _ssotui(["login", "--device-code"], env)
        listing = _ssotui(["list", "--json"], env)
        secrets = emu.issued_secrets()
    assert login.returncode == 0 and listing.returncode == 0, listing.stderr[-2000:]
    stderr = login.stderr + listing.stderr
    assert "\x1b" not in stderr and "\u202e" not in stderr
    assert sum(s in stderr for s in secrets) == 0


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("botocore.endpoint", logging.DEBUG, __file__, 1, msg, args, None)


def test_request_bodies_are_masked_whole_whatever_they_hold():
    flt = RedactingFilter(Redactor())
    hostile = "co\\\"de'\"x, \"codeVerifier\": \"y"
    body = json.dumps({"clientId": "cid", "clientSecret": "csec-1234567890",
                       "grantType": "authorization_code", "code": hostile,
                       "codeVerifier": "verifier-1234567890", "redirectUri": "http://l/"})
    rec = _record("Making request with params: %s",
                  {"headers": {"Authorization": "Bearer abcdefgh123", "X-Other": "keep"},
                   "body": body.encode()})
    flt.filter(rec)
    text = rec.getMessage()
    for secret in ("csec-1234567890", "verifier-1234567890", "abcdefgh123", "co\\"):
        assert secret not in text
    assert "keep" in text and "authorization_code" in text
    # remembered: the same values in a later, unstructured record are masked too
    later = _record("Sending http request: <req body=%s>", "clientSecret%3Dcsec-1234567890")
    flt.filter(later)
    assert "csec-1234567890" not in later.getMessage()


@pytest.mark.parametrize("line", [
    "grant_type=refresh_token&refresh_token=aor-secret-value&client_id=x",
    "{'x-amz-sso_bearer_token': b'aoa-secret-value'}",
    'b\'{"accessToken":"aoa-secret-value","expiresIn":3600}\'',
    "aws_secret_access_key = aoa-secret-value",
])
def test_text_shapes_are_masked(line: str):
    assert "aoa-secret-value" not in Redactor().text(line).replace("aor", "aoa")
    assert "secret-value" not in Redactor().text(line)


def test_error_codes_stay_readable():
    text = Redactor().text("{'Error': {'Code': 'UnauthorizedException', 'Message': 'x'}}")
    assert "UnauthorizedException" in text


def test_secret_fields_of_any_shape_are_masked_structurally():
    # not a quoted string after the name: only the field-by-field pass can see it
    rec = _record("%s params: %s", "op", {"body": {
        "accessToken": ["tok-1234567890", "tok-abcdefghij"], "sessionToken": {"v": "tok-zyxwvutsrq"}}})
    RedactingFilter(Redactor()).filter(rec)
    assert "tok-" not in rec.getMessage()

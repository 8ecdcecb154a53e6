"""Credential values from a hostile endpoint: refused whole, never run, never written.

Every value GetRoleCredentials returns is checked against what AWS issues
(rolecreds.check); the exports quote anything else safely or refuse it. Against the
emulator over real HTTP, with the hostile org of tests/data and with random values."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import SESSION, require_tool
from hostile import BAD_CREDENTIAL_ROLES, CREDS_LAB, HOSTILE_ORG, VALID_EDGE_ROLE
from interop import aws_env as child_aws_env
from interop import child_env
from ssotui.core import credfile, exports, rolecreds
from ssotui.core.clients import make_clients
from ssotui.core.errors import RuntimeFailure
from ssotui.core.models import RoleCredentials, SsoSession, Token
from ssotui.emulator import Emulator

PWN = Path("/tmp/pwn")
OTHER_SECTIONS = (
    "[default]\n# the user's own keys\naws_access_key_id = AKIAUSERUSERUSER1234\n"
    "aws_secret_access_key = usersecret\nregion = eu-west-1\n\n"
    "[other]\naws_access_key_id = AKIAOTHEROTHER123456\naws_secret_access_key = o\n"
)
SHELL_VARS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
              "AWS_CREDENTIAL_EXPIRATION")


@pytest.fixture
def hostile(isolated_home: Path):
    with Emulator(org_file=HOSTILE_ORG) as emu:
        (isolated_home / ".aws" / "config").write_text(
            f"[sso-session {SESSION}]\nsso_start_url = https://x.example/start\n"
            "sso_region = us-east-1\n")
        env = child_aws_env(isolated_home, emu.url, SSOTUI_CACHE_DIR=str(isolated_home / "c"))
        login = _ssotui(["login", "--device-code"], env)
        assert login.returncode == 0, login.stderr
        yield emu, env


def _ssotui(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ssotui", *args], env=child_env(env),
                          capture_output=True, text=True, timeout=120, check=False)


def test_values_aws_never_issues_are_refused(hostile, isolated_home: Path):
    emu, env = hostile
    creds_file = isolated_home / ".aws" / "credentials"
    creds_file.write_text(OTHER_SECTIONS)
    PWN.unlink(missing_ok=True)
    formats = ["env", "fish", "dotenv", "process", "powershell", "windows-cmd"]
    for i, role in enumerate(BAD_CREDENTIAL_ROLES):
        # refused before any format is rendered: one format per role covers them all
        for extra in (["--format", formats[i % len(formats)]],
                      ["--write-credentials", "lab"], ["--copy"]):
            proc = _ssotui(["creds", CREDS_LAB, role, *extra], env)
            assert proc.returncode == 1, (role, proc.stderr)
            assert proc.stdout == ""
            assert proc.stderr.count("\n") == 1, proc.stderr
            assert "refusing these credentials" in proc.stderr and "Traceback" not in proc.stderr
            served = emu.issued_credentials[-1]
            for value in served.values():  # no served value echoed, not even partly
                assert not (isinstance(value, str) and value[:8] in proc.stderr), role
    assert creds_file.read_text() == OTHER_SECTIONS
    assert not PWN.exists()


def test_real_looking_edge_values_are_accepted_exactly(hostile):
    emu, env = hostile
    proc = _ssotui(["creds", CREDS_LAB, VALID_EDGE_ROLE], env)
    assert proc.returncode == 0, proc.stderr
    served = emu.issued_credentials[-1]
    out = subprocess.run(["bash", "-c", proc.stdout + 'printf %s "$AWS_SESSION_TOKEN"'],
                         capture_output=True, text=True, check=True).stdout
    assert out == served["sessionToken"] and "/" in out and "+" in out and out.endswith("=")


# --- property tests -------------------------------------------------------------

def _round_trip(shell: list[str], script: str) -> list[str]:
    out = subprocess.run([*shell, script], capture_output=True, check=True,
                         env={"PATH": os.environ["PATH"], "HOME": "/nonexistent"}).stdout
    return out.decode("utf-8").split("\0")[:-1]


BASH_PRINT = "".join(f'printf "%s\\0" "${v}"; ' for v in SHELL_VARS)
FISH_PRINT = "".join(f'printf "%s\\0" "${v}"; ' for v in SHELL_VARS)
# Any character, shell syntax and quoting characters much more often than chance.
SPECIAL = "\\'\"$`\n\r\t ;&|(){}[]<>*?!#~%^=,\x1b\u2018\u2019"
values = st.text(st.one_of(st.sampled_from(SPECIAL), st.characters(blacklist_categories=("Cs",))),
                 max_size=40)
EXP = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def _check_exports(creds: RoleCredentials) -> None:
    expected = [creds.access_key_id, creds.secret_access_key, creds.session_token,
                exports.expiration_iso(creds)]
    shells = [("env", ["bash", "-c"], BASH_PRINT), ("env-no-export", ["bash", "-c"], BASH_PRINT)]
    if shutil.which("fish") or os.environ.get("CI") == "true":
        require_tool("fish")
        shells.append(("fish", ["fish", "--no-config", "-c"], FISH_PRINT))
    for fmt, shell, printer in shells:
        try:
            script = exports.render(creds, fmt)
        except RuntimeFailure:
            assert "\0" in "".join(expected), fmt  # refused only for what no shell holds
            continue
        assert _round_trip(shell, script + printer) == expected, fmt
    for fmt in ("dotenv", "windows-cmd", "powershell", "process"):
        try:
            text = exports.render(creds, fmt)
        except RuntimeFailure:
            continue
        if fmt == "process":
            body = json.loads(text)
            assert [body["AccessKeyId"], body["SecretAccessKey"], body["SessionToken"]] == expected[:3]
        else:  # one line per variable, whatever the values hold
            assert text.count("\n") == 4


@settings(max_examples=60, deadline=None)
@given(values, values, values)
@example("ends\\", "two\\\\'quote", "$(touch /tmp/pwn)`id`\n[default]")
@example("", "it's", "\u2019x'\"")
def test_exports_of_any_values_round_trip_or_are_refused(key: str, secret: str, token: str):
    require_tool("bash")
    _check_exports(RoleCredentials(key, secret, token, EXP))


# Values near and far from what AWS issues: random text, and base64-ish text with
# one random character spliced in.
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+="
near = st.builds(lambda a, c, b: a + c + b, st.text(B64, min_size=8, max_size=30),
                 st.text(st.characters(blacklist_categories=("Cs",)), max_size=2),
                 st.text(B64, max_size=30))
near_key = st.builds(lambda a, c, b: "ASIA" + a + c + b,
                     st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=12, max_size=20),
                     st.text(st.sampled_from(SPECIAL), max_size=1),
                     st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", max_size=4))
cred_value = st.one_of(values, near, st.just(None), st.integers())
# What AWS could send (accepted): base64 alphabet, = and / and + included.
aws_shaped = st.tuples(
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=20).map("ASIA".__add__),
    st.text(B64, min_size=40, max_size=40), st.text(B64, min_size=16, max_size=300),
    st.just("ok"))
expiry = st.one_of(st.integers(), st.floats(allow_nan=True), st.text(max_size=5),
                   st.just(None), st.booleans())


def test_random_portal_answers_are_refused_or_safe_end_to_end(isolated_home: Path):
    """GetRoleCredentials over real HTTP answering random values: ssotui refuses them
    or its exports round-trip exactly and the credentials file gains nothing else."""
    require_tool("bash")
    with Emulator(accounts=1, roles_per_account=1, seed=3) as emu:
        os.environ["AWS_ENDPOINT_URL_SSO"] = os.environ["AWS_ENDPOINT_URL_SSO_OIDC"] = emu.url
        try:
            session = SsoSession(SESSION, "https://x.example/start", "us-east-1")
            clients = make_clients(session)
            token = Token(emu.mint_token(), datetime.now(UTC) + timedelta(hours=1),
                          session.start_url, session.region)
            account, roles = emu.org[0]
            seen = {"accepted": 0, "refused": 0}

            @settings(max_examples=80, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])
            @given(st.one_of(aws_shaped, st.tuples(
                st.one_of(near_key, cred_value), st.one_of(near, cred_value),
                st.one_of(near, cred_value), st.one_of(st.just("ok"), expiry))))
            def run(answer: tuple[object, object, object, object]) -> None:
                key, secret, tok, exp = answer
                rolecreds.clear_cache()
                served: dict[str, object] = {"accessKeyId": key, "secretAccessKey": secret,
                                             "sessionToken": tok}
                if exp != "ok":
                    served["expiration"] = exp
                emu.credential_overrides[(account.account_id, roles[0])] = served
                try:
                    creds = rolecreds.get_role_credentials(clients, token, account.account_id,
                                                           roles[0])
                except RuntimeFailure as exc:
                    seen["refused"] += 1
                    assert "refusing these credentials" in str(exc)
                    return
                seen["accepted"] += 1
                assert rolecreds.ACCESS_KEY_RE.fullmatch(creds.access_key_id)
                _check_exports(creds)
                _check_credentials_file(creds)

            run()
            # and the one AWS-shaped answer is accepted
            emu.credential_overrides.clear()
            rolecreds.clear_cache()
            creds = rolecreds.get_role_credentials(clients, token, account.account_id, roles[0])
            _check_exports(creds)
            _check_credentials_file(creds)
            assert seen["refused"] > 0 and seen["accepted"] > 0, seen
        finally:
            del os.environ["AWS_ENDPOINT_URL_SSO"], os.environ["AWS_ENDPOINT_URL_SSO_OIDC"]


def _check_credentials_file(creds: RoleCredentials) -> None:
    new = credfile.edit_section(OTHER_SECTIONS, "dev", creds, held="x").text
    before, after = configparser.RawConfigParser(), configparser.RawConfigParser()
    before.read_string(OTHER_SECTIONS)
    after.read_string(new)
    assert after.sections() == [*before.sections(), "dev"]
    for name in before.sections():
        assert dict(after[name]) == dict(before[name])
    assert dict(after["dev"]) == {"aws_access_key_id": creds.access_key_id,
                                  "aws_secret_access_key": creds.secret_access_key,
                                  "aws_session_token": creds.session_token}

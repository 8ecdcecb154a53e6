"""exports: byte-for-byte the `aws configure export-credentials` formats (PROTOCOL.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ssotui.core import exports
from ssotui.core.errors import RuntimeFailure, UsageError
from ssotui.core.models import RoleCredentials

CREDS = RoleCredentials(
    access_key_id="ASIAEXAMPLE123",
    secret_access_key="wJalr/XUtnFEMI+K7MDENG=",
    session_token="IQoJb3JpZ2luX2VjE/+token==",
    expiration=datetime(2026, 11, 22, 1, 2, 3, 456000, tzinfo=UTC),
)
EXP = "2026-11-22T01:02:03+00:00"


def test_env() -> None:
    assert exports.render(CREDS, "env") == (
        "export AWS_ACCESS_KEY_ID=ASIAEXAMPLE123\n"
        "export AWS_SECRET_ACCESS_KEY=wJalr/XUtnFEMI+K7MDENG=\n"
        "export AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE/+token==\n"
        f"export AWS_CREDENTIAL_EXPIRATION={EXP}\n"
    )


def test_env_no_export() -> None:
    assert exports.render(CREDS, "env-no-export") == (
        "AWS_ACCESS_KEY_ID=ASIAEXAMPLE123\n"
        "AWS_SECRET_ACCESS_KEY=wJalr/XUtnFEMI+K7MDENG=\n"
        "AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE/+token==\n"
        f"AWS_CREDENTIAL_EXPIRATION={EXP}\n"
    )


def test_fish() -> None:
    assert exports.render(CREDS, "fish") == (
        'set -gx AWS_ACCESS_KEY_ID "ASIAEXAMPLE123"\n'
        'set -gx AWS_SECRET_ACCESS_KEY "wJalr/XUtnFEMI+K7MDENG="\n'
        'set -gx AWS_SESSION_TOKEN "IQoJb3JpZ2luX2VjE/+token=="\n'
        f'set -gx AWS_CREDENTIAL_EXPIRATION "{EXP}"\n'
    )


def test_powershell() -> None:
    assert exports.render(CREDS, "powershell") == (
        '$Env:AWS_ACCESS_KEY_ID="ASIAEXAMPLE123"\n'
        '$Env:AWS_SECRET_ACCESS_KEY="wJalr/XUtnFEMI+K7MDENG="\n'
        '$Env:AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjE/+token=="\n'
        f'$Env:AWS_CREDENTIAL_EXPIRATION="{EXP}"\n'
    )


def test_windows_cmd() -> None:
    assert exports.render(CREDS, "windows-cmd") == (
        "set AWS_ACCESS_KEY_ID=ASIAEXAMPLE123\n"
        "set AWS_SECRET_ACCESS_KEY=wJalr/XUtnFEMI+K7MDENG=\n"
        "set AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE/+token==\n"
        f"set AWS_CREDENTIAL_EXPIRATION={EXP}\n"
    )


def test_process_is_cli_json() -> None:
    out = exports.render(CREDS, "process")
    assert out == (
        "{\n"
        '  "Version": 1,\n'
        '  "AccessKeyId": "ASIAEXAMPLE123",\n'
        '  "SecretAccessKey": "wJalr/XUtnFEMI+K7MDENG=",\n'
        '  "SessionToken": "IQoJb3JpZ2luX2VjE/+token==",\n'
        f'  "Expiration": "{EXP}"\n'
        "}\n"
    )
    assert json.loads(out)["Version"] == 1


def test_dotenv_plain_and_quoted() -> None:
    assert exports.render(CREDS, "dotenv").splitlines()[1] == "AWS_SECRET_ACCESS_KEY=wJalr/XUtnFEMI+K7MDENG="
    assert exports.dotenv_quote("a b") == "'a b'"
    # single quotes: no dotenv reader expands $HOME or unescapes inside them
    assert exports.dotenv_quote('$HOME say "hi"') == "'$HOME say \"hi\"'"
    # readers disagree on every escape: refused rather than guessed
    for value in ("it's $HOME", 'say "hi" \\', "two\nlines", "\ud800"):
        with pytest.raises(RuntimeFailure, match="cannot be written safely as dotenv"):
            exports.dotenv_quote(value)


def test_expiration_converted_to_utc() -> None:
    local = CREDS.expiration.astimezone(timezone(timedelta(hours=5, minutes=30)))
    creds = RoleCredentials("A", "S", "T", local)
    assert exports.expiration_iso(creds) == EXP


def test_unknown_format() -> None:
    with pytest.raises(UsageError, match="unknown format"):
        exports.render(CREDS, "yaml")


@pytest.mark.parametrize("fmt", ["env", "env-no-export"])
def test_bash_evaluates_the_exports(fmt: str) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not installed")
    tricky = RoleCredentials("AKIA", "s/e+c=r", "t+o/k==", CREDS.expiration)
    script = exports.render(tricky, fmt) + (
        'printf "%s|%s|%s|%s" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" '
        '"$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION"'
    )
    out = subprocess.run([bash, "-c", script], capture_output=True, text=True, check=True,
                         env={"PATH": os.environ["PATH"]}).stdout
    assert out == f"AKIA|s/e+c=r|t+o/k==|{EXP}"

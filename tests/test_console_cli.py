"""`ssotui console` against the emulator over HTTP: every flag, bad input (one line,
exit 2, no federation call), a federation endpoint that is down (one line, exit 1),
and the URL never in a message."""

from __future__ import annotations

import os
import socket
import stat
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ssotui.cli import main
from ssotui.core import rolecreds


@pytest.fixture(autouse=True)
def _fresh_credentials_cache() -> None:
    rolecreds.clear_cache()


def _one_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ssotui: "), err
    return lines[0]


def _landing(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - the emulator
        return resp.read().decode()


def _target(emulator: object) -> tuple[str, str, str]:
    account, roles = emulator.org[2]  # type: ignore[attr-defined]
    return account.account_id, account.account_name, roles[-1]


def test_print_url_lands_on_the_console_page(signed_in: str, emulator: object,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    account_id, name, role = _target(emulator)
    assert main(["console", name, role, "--print-url", "--destination", "cloudshell",
                 "--region", "eu-west-1", "--duration", "7200", "--sso-session", "corp"]) == 0
    out, err = capsys.readouterr()
    url = out.strip()
    assert url.startswith(os.environ["SSOTUI_FEDERATION_ENDPOINT"] + "?Action=login&")
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    dest = "https://eu-west-1.console.aws.amazon.com/cloudshell/home?region=eu-west-1"
    assert q["Destination"] == [dest]
    assert q["Issuer"] == ["https://d-emulator.awsapps.com/start"]
    # stderr names account, role and destination and how long the URL is valid, not the URL
    assert f"{name} / {role} → {dest}" in err and "valid 15 minutes" in err
    assert q["SigninToken"][0] not in err and url not in err
    page = _landing(url)
    assert f"<dd id='account'>{account_id}</dd>" in page and f">{role}<" in page
    assert emulator.console_logins[-1]["destination"] == dest  # type: ignore[attr-defined]


def test_browser_command_gets_the_url(signed_in: str, emulator: object, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, role = _target(emulator)
    seen = tmp_path / "argv"
    script = tmp_path / "fake browser"
    script.write_text(f"#!/bin/sh\nprintf '%s' \"$1\" > '{seen}.tmp' && mv '{seen}.tmp' '{seen}'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    assert main(["console", account_id, role, "--browser", f"'{script}'"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and f"opened the console for {account_id} / {role}" in err
    deadline = time.monotonic() + 10
    while not seen.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    url = seen.read_text()
    assert url not in err
    assert f"<dd id='account'>{account_id}</dd>" in _landing(url)


def test_browser_env_and_no_browser(signed_in: str, emulator: object,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, role = _target(emulator)
    # $BROWSER (the conftest's `true`) opens it: nothing on stdout
    assert main(["console", account_id, role]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "opened the console" in err
    # no $BROWSER, no display: the URL is printed, with how long it stays valid
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert main(["console", account_id, role]) == 0
    out, err = capsys.readouterr()
    assert "no browser can open here" in err and "valid 15 minutes" in err
    assert "<dd id='account'>" in _landing(out.strip())


@pytest.mark.parametrize(("flags", "expected"), [
    (["--destination", "s4"], "--destination s4: unknown service; did you mean s3"),
    (["--destination", "https://evil.example/"], "is not an https URL on console.aws.amazon.com"),
    (["--region", "cn-north-1"], "--region cn-north-1 is not in the aws partition"),
    (["--duration", "60"], "--duration 60: the console session lasts 900–43200 seconds"),
    (["--browser", "/nonexistent/browser"], "--browser /nonexistent/browser: cannot run it"),
])
def test_bad_input_one_line_exit_2(signed_in: str, emulator: object, flags: list[str],
                                   expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, role = _target(emulator)
    before = emulator.calls  # type: ignore[attr-defined]
    assert main(["console", account_id, role, *flags]) == 2
    assert expected in _one_error(capsys.readouterr().err)
    after = emulator.calls  # type: ignore[attr-defined]
    if "--browser" not in flags:  # refused before the role's credentials or any exchange
        assert after.get("getSigninToken", 0) == before.get("getSigninToken", 0)
        assert after["GetRoleCredentials"] == before["GetRoleCredentials"]


def test_unknown_role_and_account(signed_in: str, emulator: object,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, _ = _target(emulator)
    assert main(["console", account_id, "NoSuchRole", "--print-url"]) == 2
    assert "no role 'NoSuchRole'" in _one_error(capsys.readouterr().err)
    assert main(["console", "no-such-account", "ReadOnly", "--print-url"]) == 2
    assert "no account 'no-such-account'" in _one_error(capsys.readouterr().err)


def test_federation_endpoint_down_one_line_exit_1(signed_in: str, emulator: object,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, role = _target(emulator)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("SSOTUI_FEDERATION_ENDPOINT", f"http://127.0.0.1:{port}/federation")
    assert main(["console", account_id, role, "--print-url"]) == 1
    out, err = capsys.readouterr()
    line = _one_error(err)
    assert f"cannot reach the federation endpoint 127.0.0.1:{port}" in line and out == ""
    for secret in emulator.issued_secrets():  # type: ignore[attr-defined]
        assert secret not in err


def test_not_signed_in_is_exit_1(aws_env: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["console", "111111111111", "ReadOnly", "--print-url"]) == 1
    assert "ssotui login" in _one_error(capsys.readouterr().err)


def test_debug_output_holds_no_signin_token_or_key(signed_in: str, emulator: object,
                                                   isolated_home: Path) -> None:
    """`--debug` runs in a child process: stderr holds no credential, no sign-in token
    and not the URL (stdout has it only with --print-url)."""
    import subprocess
    import sys

    from interop import aws_env, child_env

    account_id, _, role = _target(emulator)
    env = aws_env(isolated_home, emulator.url,  # type: ignore[attr-defined]
                  SSOTUI_FEDERATION_ENDPOINT=os.environ["SSOTUI_FEDERATION_ENDPOINT"],
                  SSOTUI_CACHE_DIR=str(isolated_home / "c"), BROWSER="true")
    runs = [subprocess.run([sys.executable, "-m", "ssotui", "--debug", "console", account_id,
                            role, *flags], env=child_env(env), capture_output=True, text=True,
                           timeout=120, stdin=subprocess.DEVNULL)
            for flags in (["--print-url"], [], ["--destination", "ec2"])]
    for proc in runs:
        assert proc.returncode == 0, proc.stderr[-2000:]
    stderr = "".join(p.stderr for p in runs)
    assert "botocore" in stderr  # the debug log did run
    tokens = emulator.issued_signin_tokens  # type: ignore[attr-defined]
    assert len(tokens) == 3
    secrets = emulator.issued_secrets()  # type: ignore[attr-defined]
    leaked = [s[:12] + "..." for s in secrets if s in stderr]
    assert not leaked, leaked
    assert "SigninToken=" not in stderr and runs[0].stdout.strip() not in stderr
    assert runs[1].stdout == runs[2].stdout == ""

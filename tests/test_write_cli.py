"""`creds --write-credentials` and `profile --force` against the emulator over HTTP:
the CLI renders the core's write plan (refusals named, one line, exit 2, nothing
written) and --force changes only the keys we manage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ssotui.cli import main
from ssotui.core import rolecreds

LONGTERM = ("[longterm]\n# my laptop's key, do not lose\naws_access_key_id = AKIAOLDLONGTERM\n"
            "aws_secret_access_key = oldlongtermsecret\nregion = eu-west-1\n")


@pytest.fixture(autouse=True)
def _fresh_credentials_cache() -> None:
    rolecreds.clear_cache()


def _creds_file() -> Path:
    return Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])


def _config() -> Path:
    return Path(os.environ["AWS_CONFIG_FILE"])


def _error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ssotui: "), err
    return lines[0]


def test_creds_force_keeps_comment_region_and_other_keys(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    _creds_file().write_text(LONGTERM)
    args = ["creds", account.account_id, roles[0], "--write-credentials", "longterm"]
    assert main(args) == 2
    line = _error(capsys.readouterr().err)
    assert "holds long-term keys (AKIAOLDLONGTERM)" in line and "--force" in line
    assert _creds_file().read_text() == LONGTERM
    assert main([*args, "--force"]) == 0
    text = _creds_file().read_text()
    assert "# my laptop's key, do not lose\n" in text and "region = eu-west-1\n" in text
    assert "AKIAOLDLONGTERM" not in text and "oldlongtermsecret" not in text
    assert f"({account.account_id}/{roles[0]})" in text


def test_creds_refuses_a_section_written_for_another_account(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    (first, first_roles), (second, second_roles) = emulator.org[:2]  # type: ignore[attr-defined]
    assert main(["creds", first.account_id, first_roles[0], "--write-credentials", "shared"]) == 0
    written = _creds_file().read_text()
    capsys.readouterr()
    assert main(["creds", second.account_id, second_roles[0],
                 "--write-credentials", "shared"]) == 2
    line = _error(capsys.readouterr().err)
    assert f"holds the credentials of {first.account_id}/{first_roles[0]}" in line
    assert _creds_file().read_text() == written
    assert main(["creds", second.account_id, second_roles[0], "--write-credentials", "shared",
                 "--force"]) == 0
    assert f"({second.account_id}/{second_roles[0]})" in _creds_file().read_text()


@pytest.mark.parametrize("header", ["profile x ", "profile  x", 'profile "x"'])
def test_profile_force_edits_a_header_botocore_reads_as_x(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str], header: str) -> None:
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    _config().write_text(_config().read_text() + f"\n[{header}]\n# mine\nsso_session = corp\n"
                         "sso_account_id = 999999999999\nsso_role_name = Other\n")
    args = ["profile", account.account_id, roles[0], "--name", "x"]
    assert main(args) == 2
    line = _error(capsys.readouterr().err)
    assert f"[{header}] in " in line and "sso_account_id 999999999999 -> " in line
    assert main([*args, "--force"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "x\n" and f"wrote [{header}]" in captured.err
    text = _config().read_text()
    assert f"[{header}]\n# mine\nsso_session = corp\nsso_account_id = {account.account_id}\n" in text


def test_profile_dry_run_masks_static_secrets_in_the_diff(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    _config().write_text(_config().read_text() + "\n[profile static]\naws_access_key_id = AKIAX\n"
                         "aws_secret_access_key = topsecretvalue\naws_session_token = tokvalue\n")
    assert main(["profile", account.account_id, roles[0], "--name", "p", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "aws_session_token = ••••••••" in out  # the context line is there, masked
    assert "topsecretvalue" not in out and "tokvalue" not in out

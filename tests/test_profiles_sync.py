"""`ssotui profiles sync` against the emulator over HTTP: what it writes and how it
marks it, --dry-run, the terminal rule, conflicts (each named, nothing written,
--force resolves only those), a failed listing, and botocore (another process)
getting each synced profile's credentials for the right account and role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interop import aws_env, run_python
from ssotui.cli import main
from ssotui.core import profilesync


def _config() -> Path:
    return Path(os.environ["AWS_CONFIG_FILE"])


def _lines(err: str) -> list[str]:
    return err.strip().splitlines()


def _expected(emulator: object) -> dict[str, tuple[str, str]]:
    return {f"{a.account_id}_{r}": (a.account_id, r)
            for a, roles in emulator.org for r in roles}  # type: ignore[attr-defined]


def test_sync_writes_a_marked_profile_for_every_role_then_changes_nothing(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    before = _config().read_text()
    assert main(["profiles", "sync", "--yes"]) == 0
    text = _config().read_text()
    assert text.startswith(before)
    expected = _expected(emulator)
    for name, (account, role) in expected.items():
        block = (f"[profile {name}]\n# ssotui: managed {account}/{role} sso-session=corp\n"
                 f"sso_session = corp\nsso_account_id = {account}\nsso_role_name = {role}\n"
                 "region = us-east-1\n")
        assert block in text
    assert f"{len(expected)} added" in capsys.readouterr().err
    mtime = _config().stat().st_mtime_ns
    assert main(["profiles", "sync", "--yes"]) == 0
    err = capsys.readouterr().err
    assert f"0 added, 0 changed, {len(expected)} unchanged" in err and "untouched" in err
    assert _config().read_text() == text and _config().stat().st_mtime_ns == mtime


def test_dry_run_prints_the_diff_and_writes_nothing(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    before = _config().read_text()
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    assert main(["profiles", "sync", account.account_name, roles[0], "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert _config().read_text() == before
    assert f"+[profile {account.account_id}_{roles[0]}]\n" in out
    assert out.count("+[profile ") >= 1 and "1 added" in err and "dry run: nothing written" in err


def test_without_a_terminal_and_without_yes_it_refuses_in_one_line(
        signed_in: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = _config().read_text()
    assert main(["profiles", "sync"]) == 2  # pytest's stdin is not a terminal
    err = _lines(capsys.readouterr().err)
    assert err[-1].startswith("ssotui: profiles sync would change ") and "--yes" in err[-1]
    assert _config().read_text() == before


def test_conflicts_are_each_named_refused_and_forced_one_by_one(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    (first, first_roles), (second, second_roles) = emulator.org[:2]  # type: ignore[attr-defined]
    hand = f"{first.account_id}_{first_roles[0]}"
    shadowed = f"{second.account_id}_{second_roles[0]}"
    mine = f"\n[profile {hand}]\n# my own\nsso_session = corp\nsso_account_id = 999999999999\n" \
           "sso_role_name = Mine\nregion = eu-west-1\n"
    _config().write_text(_config().read_text() + mine)
    creds = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    creds.write_text(f"[{shadowed}]\naws_access_key_id = AKIAEXAMPLE\n")
    before = _config().read_text()
    # a template that maps every account's roles of one name to one profile name
    assert main(["profiles", "sync", "--yes"]) == 2
    err = _lines(capsys.readouterr().err)
    assert any(f"[profile {hand}] in " in line and "is not ssotui's" in line
               and "sso_account_id 999999999999 -> " in line for line in err)
    assert any(f"[{shadowed}] is a section of {creds}" in line for line in err)
    assert "2 name conflicts" in err[-1] and "--force" in err[-1]
    assert _config().read_text() == before

    assert main(["profiles", "sync", "--yes", "--force"]) == 0
    text = _config().read_text()
    # the hand-written block is taken over in place: its comment and region stay
    taken = text[text.index(f"[profile {hand}]"):]
    taken = taken[: taken.index("\n[")] if "\n[" in taken else taken
    assert "# my own\n" in taken and "region = eu-west-1\n" in taken
    assert f"sso_account_id = {first.account_id}\n" in taken
    assert f"# ssotui: managed {first.account_id}/{first_roles[0]} sso-session=corp\n" in taken
    assert f"[profile {shadowed}]\n" in text


def test_duplicate_names_are_refused_and_force_gives_the_name_to_the_first(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    before = _config().read_text()
    assert main(["profiles", "sync", "--yes", "--name-template", "{role_name}"]) == 2
    err = _lines(capsys.readouterr().err)
    dupes = [line for line in err if "roles would be named" in line]
    assert dupes and _config().read_text() == before
    assert main(["profiles", "sync", "--yes", "--name-template", "{role_name}", "--force"]) == 0
    roles = {r for _, rs in emulator.org for r in rs}  # type: ignore[attr-defined]
    text = _config().read_text()
    assert sorted(line for line in text.splitlines() if line.startswith("[profile ")) == \
        sorted(f"[profile {r}]" for r in roles)
    assert "skipped" in capsys.readouterr().err


def test_a_failed_listing_writes_nothing(
        aws_env: object, capsys: pytest.CaptureFixture[str]) -> None:
    before = _config().read_text()  # aws_env: configured but never signed in
    assert main(["profiles", "sync", "--yes"]) == 1
    err = _lines(capsys.readouterr().err)
    assert len(err) == 1 and "ssotui login" in err[0]
    assert _config().read_text() == before


def test_a_failed_roles_listing_writes_nothing(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    before = _config().read_text()
    emulator.fault_rate = 1.0  # type: ignore[attr-defined]
    assert main(["profiles", "sync", "--yes"]) == 1
    assert "nothing written" in _lines(capsys.readouterr().err)[-1]
    assert _config().read_text() == before


def test_cached_needs_a_listing_cache(signed_in: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "sync", "--cached", "--yes"]) == 1
    assert "no cached listing" in capsys.readouterr().err


BOTOCORE_CREDS = """
import json, sys
import botocore.session
out = {}
for name in sys.argv[1:]:
    s = botocore.session.Session(profile=name)
    out[name] = s.get_credentials().get_frozen_credentials().access_key
print(json.dumps(out))
"""


def test_botocore_gets_each_synced_profiles_credentials_for_its_role(
        signed_in: str, emulator: object, isolated_home: Path) -> None:
    import json

    expected = _expected(emulator)
    sample = sorted(expected)[::7]
    for name in sample:
        account, role = expected[name]
        emulator.credential_overrides[(account, role)] = {  # type: ignore[attr-defined]
            "accessKeyId": f"ASIA{account}{role}".upper()[:32]}
    assert main(["profiles", "sync", "--yes"]) == 0
    proc = run_python(BOTOCORE_CREDS, aws_env(isolated_home, emulator.url), args=sample)  # type: ignore[attr-defined]
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got == {n: f"ASIA{expected[n][0]}{expected[n][1]}".upper()[:32] for n in sample}


def test_selection_matches_every_word_in_name_id_or_role() -> None:
    from ssotui.core.models import Account

    accounts = [Account("111111111111", "Prod Web"), Account("222222222222", "dev")]
    roles = {"111111111111": ("Admin", "ReadOnly"), "222222222222": ("Admin",)}
    picked = profilesync.selection(accounts, roles, ["prod", "admin"])
    assert [(a.account_id, r) for a, r in picked] == [("111111111111", "Admin")]
    assert len(profilesync.selection(accounts, roles, ["2222"])) == 1


def test_a_hostile_org_writes_only_safe_names_and_prints_no_raw_control_characters(
        isolated_home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import re
    from datetime import timedelta

    from conftest import START_URL, write_token_file
    from ssotui.core import inifile
    from ssotui.emulator import Emulator

    org = Path(__file__).parent / "data" / "hostile_org.json"
    with Emulator(org_file=org) as emu:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", emu.url)
        _config().write_text(f"[sso-session corp]\nsso_start_url = {START_URL}\n"
                             "sso_region = us-east-1\n")
        write_token_file(isolated_home, "corp", emu.mint_token(start_url=START_URL),
                         timedelta(hours=8))
        args = ["profiles", "sync", "--yes", "--name-template", "{account_name}-{role_name}"]
        assert main(args) == 2  # 'a b' and 'a-b' give one name: refused, each named
        out, err = capsys.readouterr()
        assert "roles would be named" in err
        assert main([*args, "--force"]) == 0
        out2, err2 = capsys.readouterr()
    for text in (out, err, out2, err2):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text), text
    written = _config().read_text()
    headers = [s.header for s in inifile.parse(written).sections]
    assert all(re.fullmatch(r"(profile [A-Za-z0-9_.@+=,-]+|sso-session corp)", h) for h in headers)
    inifile.read_back(written)  # configparser (botocore's reader) takes the result
    assert "skipped" in err2  # roles whose names are no IAM role names


def test_a_legacy_session_gets_legacy_profiles_and_no_sso_session_block(tmp_path: Path) -> None:
    from ssotui.core import inifile, writeplan
    from ssotui.core.models import Account, SsoSession

    cfg = tmp_path / "config"
    cfg.write_text("[profile old]\nsso_start_url = https://x.awsapps.com/start\n"
                   "sso_region = eu-west-1\nsso_account_id = 111111111111\nsso_role_name = R\n")
    session = SsoSession("old", "https://x.awsapps.com/start", "eu-west-1", legacy_profile="old")
    plan = profilesync.plan_sync(session, [(Account("222222222222", "two"), "Admin")],
                                 path=cfg, credentials=tmp_path / "none", region="eu-west-1")
    assert writeplan.commit(plan.write)
    got = inifile.read_back(cfg.read_text())
    assert "sso-session old" not in got
    assert got["profile 222222222222_Admin"] == {
        "sso_start_url": "https://x.awsapps.com/start", "sso_region": "eu-west-1",
        "sso_account_id": "222222222222", "sso_role_name": "Admin", "region": "eu-west-1"}
    assert "# ssotui: managed 222222222222/Admin sso-session=old\n" in cfg.read_text()


def test_a_result_that_reads_back_wrong_is_never_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-back is the safety net under the splicing: a block rendered wrong (here
    keys indented under the first, which configparser reads as one nested value) is
    refused."""
    from ssotui.core.errors import ConfigError
    from ssotui.core.models import Account, SsoSession

    def indented(header: str, mark: str, values: dict[str, str], nl: str) -> str:
        keys = [f"{'  ' if i else ''}{k} = {v}" for i, (k, v) in enumerate(values.items())]
        return nl.join([f"[{header}]", mark, *keys]) + nl

    monkeypatch.setattr(profilesync, "_block", indented)
    cfg = tmp_path / "config"
    cfg.write_text("[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\n"
                   "sso_region = us-east-1\n")
    with pytest.raises(ConfigError, match="would read back wrong; nothing written"):
        profilesync.plan_sync(SsoSession("corp", "https://x.awsapps.com/start", "us-east-1"),
                              [(Account("111111111111", "one"), "Admin")], path=cfg,
                              credentials=tmp_path / "none")

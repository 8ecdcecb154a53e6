"""`ssotui creds` and `ssotui profile` end to end against the emulator, bad input
included (exit 2, one line, nothing written), and botocore in a separate process
accepting what ssotui wrote or printed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SESSION
from interop import aws_env, run_python
from ssotui.cli import main
from ssotui.core import awsconfig, names, rolecreds
from ssotui.core.models import SsoSession
from ssotui.core.prefs import Prefs, save_prefs


@pytest.fixture(autouse=True)
def _fresh_credentials_cache() -> None:
    rolecreds.clear_cache()


def _pick(emulator: object) -> tuple[str, str, str, list[str]]:
    account, roles = emulator.org[0]  # type: ignore[attr-defined]
    return account.account_id, account.account_name, roles[0], roles


def _config() -> Path:
    return Path(os.environ["AWS_CONFIG_FILE"])


def _creds_file() -> Path:
    return Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ssotui: "), err
    return lines[0]


# --- creds -----------------------------------------------------------------------


def test_creds_env_by_id_and_by_name(signed_in: str, emulator: object,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, acct_name, role, _ = _pick(emulator)
    assert main(["creds", acct_id, role]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert [ln.split("=", 1)[0] for ln in lines] == [
        "export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY",
        "export AWS_SESSION_TOKEN", "export AWS_CREDENTIAL_EXPIRATION",
    ]
    assert re.fullmatch(r"export AWS_CREDENTIAL_EXPIRATION=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", lines[3])
    # Same role by account name: served from memory, no second GetRoleCredentials.
    assert main(["creds", acct_name, role]) == 0
    assert capsys.readouterr().out == out
    assert emulator.calls["GetRoleCredentials"] == 1  # type: ignore[attr-defined]


def test_creds_default_format_from_prefs(signed_in: str, emulator: object,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    save_prefs(Prefs(default_format="process"))
    acct_id, _, role, _ = _pick(emulator)
    assert main(["creds", acct_id, role]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["Version"] == 1 and body["AccessKeyId"]


@pytest.mark.parametrize("which", ["account-name", "account-id", "role"])
def test_creds_unknown_account_or_role(which: str, signed_in: str, emulator: object,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, acct_name, role, _ = _pick(emulator)
    args = {"account-name": [acct_name + "x", role], "account-id": ["000000000000", role],
            "role": [acct_id, role + "x"]}[which]
    assert main(["creds", *args]) == 2
    captured = capsys.readouterr()
    line = _one_line_error(captured.err)
    assert captured.out == ""
    if which == "account-name":
        assert f"did you mean {acct_name}" in line
    elif which == "role":
        assert f"no role '{role}x'" in line and role in line.split("did you mean", 1)[1]
    else:
        assert "000000000000" in line
    assert not _creds_file().exists()


def test_creds_write_credentials(signed_in: str, emulator: object, isolated_home: Path,
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """botocore reads back exactly what GetRoleCredentials answered on the wire."""
    from ssotui import emulator as emulator_module

    route = ("GET", "/federation/credentials")
    op, is_portal, handler = emulator_module.ROUTES[route]
    issued: list[dict[str, object]] = []

    def recording(state: object, req: object, base: str) -> object:
        resp = handler(state, req, base)  # type: ignore[arg-type]
        issued.append(json.loads(resp.body)["roleCredentials"])
        return resp

    # The running server looks routes up in this same dict, request by request.
    monkeypatch.setitem(emulator_module.ROUTES, route, (op, is_portal, recording))

    def read_back(profile: str) -> list[str]:
        proc = run_python(
            f"""
            import boto3
            c = boto3.Session(profile_name={profile!r}).get_credentials().get_frozen_credentials()
            print(c.access_key, c.secret_key, c.token, sep="\\n")
            """,
            env=aws_env(isolated_home, emulator.url),  # type: ignore[attr-defined]
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.splitlines()

    acct_id, acct_name, role, _ = _pick(emulator)
    assert main(["creds", acct_id, role, "--write-credentials"]) == 0
    captured = capsys.readouterr()
    section = names.sanitize(f"{acct_name}-{role}")  # credentials_template's default
    assert captured.out == "" and f"[{section}]" in captured.err
    text = _creds_file().read_text()
    assert text.startswith(f"[{section}]\n# ssotui: expires ")
    assert _creds_file().stat().st_mode & 0o777 == 0o600
    (wire,) = issued
    expected = [wire["accessKeyId"], wire["secretAccessKey"], wire["sessionToken"]]
    assert read_back(section) == expected
    assert main(["creds", acct_id, role, "--write-credentials", "named"]) == 0
    assert len(issued) == 1  # reused from memory, so the same credentials
    assert read_back("named") == expected
    assert read_back(section) == expected  # the first section is unchanged


def test_creds_write_credentials_refuses_sso_profile_name(signed_in: str, emulator: object,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    assert main(["profile", acct_id, role, "--name", "dev"]) == 0
    capsys.readouterr()
    assert main(["creds", acct_id, role, "--write-credentials", "dev"]) == 2
    assert "is an SSO profile" in _one_line_error(capsys.readouterr().err)
    assert not _creds_file().exists()


def test_creds_write_credentials_empty_name_is_usage_error(signed_in: str, emulator: object,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    assert main(["creds", acct_id, role, "--write-credentials", ""]) == 2
    captured = capsys.readouterr()
    assert "--write-credentials ''" in _one_line_error(captured.err) and captured.out == ""
    assert not _creds_file().exists()
    assert emulator.calls["GetRoleCredentials"] == 0  # type: ignore[attr-defined]


def test_default_credentials_section_and_profile_names_do_not_clash(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    assert main(["creds", acct_id, role, "--write-credentials"]) == 0
    assert main(["profile", acct_id, role]) == 0
    captured = capsys.readouterr()
    profile = captured.out.strip()
    assert profile == f"{acct_id}_{role}" and "warning" not in captured.err
    (section,) = [ln[1:-1] for ln in _creds_file().read_text().splitlines() if ln.startswith("[")]
    assert section != profile and section not in awsconfig.load_profiles()


def test_credentials_template_preference(signed_in: str, emulator: object,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    save_prefs(Prefs(credentials_template="{session} {role_name}"))
    acct_id, _, role, _ = _pick(emulator)
    assert main(["creds", acct_id, role, "--write-credentials"]) == 0
    assert f"[{SESSION}-{role}]" in capsys.readouterr().err
    # the collision check still applies to the default name
    save_prefs(Prefs(credentials_template="{account_id}_{role_name}"))
    assert main(["profile", acct_id, role]) == 0
    capsys.readouterr()
    assert main(["creds", acct_id, role, "--write-credentials"]) == 2
    assert "is an SSO profile" in _one_line_error(capsys.readouterr().err)


# --- profile ---------------------------------------------------------------------


def test_profile_writes_block_then_noop(signed_in: str, emulator: object,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    before = _config().read_bytes()
    assert main(["profile", acct_id, role, "--output", "json"]) == 0
    name = f"{acct_id}_{role}"
    assert capsys.readouterr().out == name + "\n"
    after = _config().read_bytes()
    assert after == before + (
        f"\n[profile {name}]\nsso_session = {SESSION}\nsso_account_id = {acct_id}\n"
        f"sso_role_name = {role}\nregion = us-east-1\noutput = json\n"
    ).encode()
    mtime = _config().stat().st_mtime_ns
    assert main(["profile", acct_id, role, "--output", "json"]) == 0
    assert _config().stat().st_mtime_ns == mtime and _config().read_bytes() == after


def test_profile_conflict_force_and_dry_run(signed_in: str, emulator: object,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    assert main(["profile", acct_id, role, "--name", "p"]) == 0
    written = _config().read_bytes()
    capsys.readouterr()
    assert main(["profile", acct_id, role, "--name", "p", "--region", "eu-west-1"]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "region us-east-1 -> eu-west-1" in line and "--force" in line
    for force in (["--force"], []):
        assert main(["profile", acct_id, role, "--name", "p", "--region", "eu-west-1",
                     "--dry-run", *force]) == 0
        captured = capsys.readouterr()
        assert "-region = us-east-1\n+region = eu-west-1\n" in captured.out
        assert "nothing written" in captured.err
        assert ("--force" in captured.err) == (not force)
        assert _config().read_bytes() == written
    assert main(["profile", acct_id, role, "--name", "p", "--region", "eu-west-1", "--force"]) == 0
    assert b"region = eu-west-1" in _config().read_bytes()


MINE = """[profile mine]
# keep me
sso_session = {session}
sso_account_id = {account}
sso_role_name = {role}
region = eu-west-1
cli_pager =
s3 =
  max_concurrent_requests = 20
"""


def test_profile_force_keeps_user_lines_and_region(signed_in: str, emulator: object,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    base = _config().read_text()
    _config().write_text(base + "\n" + MINE.format(session=SESSION, account="111111111111", role="Old")
                         + "# after\n")
    assert main(["profile", acct_id, role, "--name", "mine"]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert "sso_account_id 111111111111 -> " + acct_id in line and "s3" not in line
    assert main(["profile", acct_id, role, "--name", "mine", "--force"]) == 0
    capsys.readouterr()
    expected = base + "\n" + MINE.format(session=SESSION, account=acct_id, role=role) + "# after\n"
    assert _config().read_text() == expected
    # same account/role again, user region and extra keys in place, no --region: no-op
    mtime = _config().stat().st_mtime_ns
    assert main(["profile", acct_id, role, "--name", "mine"]) == 0
    assert capsys.readouterr().out == "mine\n"
    assert _config().stat().st_mtime_ns == mtime and _config().read_text() == expected
    # an explicit --region changes that one line only
    assert main(["profile", acct_id, role, "--name", "mine", "--region", "us-west-2", "--force"]) == 0
    assert _config().read_text() == expected.replace("region = eu-west-1", "region = us-west-2")


def test_profile_name_template_and_default_region(signed_in: str, emulator: object,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    save_prefs(Prefs(name_template="{session} {account_name}/[{role_name}]",
                     default_region="ap-south-1"))
    acct_id, acct_name, role, _ = _pick(emulator)
    assert main(["profile", acct_id, role]) == 0
    name = capsys.readouterr().out.strip()
    assert name == f"{SESSION}-{acct_name}-{role}"
    assert awsconfig.load_profiles()[name]["region"] == "ap-south-1"


def test_profile_warns_about_credentials_section(signed_in: str, emulator: object,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    _creds_file().write_text("[clash]\naws_access_key_id = A\naws_secret_access_key = B\n")
    assert main(["profile", acct_id, role, "--name", "clash"]) == 0
    assert "warning: [clash] also exists in" in capsys.readouterr().err


def test_missing_sso_session_block_is_created() -> None:
    s = SsoSession("corp", "https://d-1.awsapps.com/start", "eu-west-1", ("sso:account:access",))
    values = {"sso_session": "corp", "sso_account_id": "1", "sso_role_name": "R"}
    text = awsconfig.plan_profile("# mine\n", s, "p", values, force=False, path="config")
    assert text == (
        "# mine\n\n[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\n"
        "sso_region = eu-west-1\nsso_registration_scopes = sso:account:access\n\n"
        "[profile p]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
    )


# --- bad input: exit 2, one line, nothing written --------------------------------


@pytest.mark.parametrize("name", ["has space", "[x]", "a]b", "tab\tname"])
def test_profile_bad_names(name: str, signed_in: str, emulator: object,
                           capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    before = _config().read_bytes()
    assert main(["profile", acct_id, role, "--name", name]) == 2
    assert "is not allowed" in _one_line_error(capsys.readouterr().err)
    assert _config().read_bytes() == before


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("[profile broken\nregion = x\n", "unclosed section header"),
        ("[sso-session corp]\nsso_region = us-east-1\n", "defined twice"),
        ("\n", None),  # placeholder replaced below: key outside a section
    ],
)
def test_profile_malformed_config(extra: str, words: str | None, signed_in: str, emulator: object,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    if words is None:
        text = "region = us-east-1\n" + _config().read_text()
        words = "outside any section"
    else:
        text = _config().read_text() + extra
    _config().write_text(text)
    assert main(["profile", acct_id, role]) == 2
    line = _one_line_error(capsys.readouterr().err)
    assert words in line and re.search(rf"{re.escape(str(_config()))}:\d+: ", line)
    assert _config().read_text() == text


@pytest.mark.parametrize(("mode", "words"), [(0o444, "read-only"), (0o200, "cannot read")])
def test_profile_unwritable_or_unreadable_config(mode: int, words: str, signed_in: str,
                                                 emulator: object,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    before = _config().read_bytes()
    _config().chmod(mode)
    try:
        assert main(["profile", acct_id, role]) == 2
        assert words in _one_line_error(capsys.readouterr().err)
    finally:
        _config().chmod(0o600)
    assert _config().read_bytes() == before


def test_profile_symlink_to_missing_target(signed_in: str, emulator: object, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    acct_id, _, role, _ = _pick(emulator)
    link = tmp_path / "dangling-config"
    link.symlink_to(tmp_path / "dotfiles" / "aws-config")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(link))
    assert main(["profile", acct_id, role, "--sso-session", SESSION]) == 2
    assert "symlink to a missing file" in _one_line_error(capsys.readouterr().err)
    assert link.is_symlink() and not (tmp_path / "dotfiles").exists()


DISK_FULL = """
import resource, signal, sys
from ssotui.cli import main
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(sys.argv[2:]))
"""


def test_profile_disk_full(signed_in: str, emulator: object, isolated_home: Path) -> None:
    acct_id, _, role, _ = _pick(emulator)
    before = _config().read_bytes()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(len(before) + 20), "profile", acct_id, role],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "disk full" in _one_line_error(proc.stderr)
    assert _config().read_bytes() == before
    assert not list(_config().parent.glob(".config.*.tmp"))


# --- interop: botocore in a separate process -------------------------------------


def test_botocore_uses_the_profile_ssotui_wrote(signed_in: str, emulator: object,
                                                isolated_home: Path) -> None:
    acct_id, _, role, _ = _pick(emulator)
    assert main(["profile", acct_id, role, "--name", "written"]) == 0
    calls = emulator.calls["GetRoleCredentials"]  # type: ignore[attr-defined]
    proc = run_python(
        """
        import boto3
        s = boto3.Session(profile_name="written")
        c = s.get_credentials().get_frozen_credentials()
        print(c.access_key[:4], s.region_name, bool(c.secret_key and c.token))
        """,
        env=aws_env(isolated_home, emulator.url),  # type: ignore[attr-defined]
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["ASIA", "us-east-1", "True"]
    assert emulator.calls["GetRoleCredentials"] == calls + 1  # type: ignore[attr-defined]


def test_botocore_credential_process_accepts_creds(signed_in: str, emulator: object,
                                                   isolated_home: Path) -> None:
    acct_id, acct_name, role, _ = _pick(emulator)
    with _config().open("a") as f:
        f.write(f"\n[profile viaprocess]\ncredential_process = {sys.executable} -m ssotui creds "
                f"{acct_id} {role} --format process --sso-session {SESSION}\n")
    env = aws_env(isolated_home, emulator.url,  # type: ignore[attr-defined]
                  SSOTUI_CACHE_DIR=str(isolated_home / ".cache" / "ssotui"),
                  XDG_CONFIG_HOME=str(isolated_home / ".config"))
    proc = run_python(
        """
        import boto3
        creds = boto3.Session(profile_name="viaprocess").get_credentials()
        frozen = creds.get_frozen_credentials()
        print(creds.method, frozen.access_key[:4], bool(frozen.secret_key and frozen.token))
        print(creds._expiry_time.isoformat())
        """,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()
    assert first.split() == ["custom-process", "ASIA", "True"]
    assert second.endswith("+00:00")

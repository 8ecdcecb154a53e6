"""Default-session rules, validation, and creating an [sso-session] block."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from conftest import REGION, START_URL
from ssotui.core import sessions
from ssotui.core.errors import ConfigError, UsageError
from ssotui.core.models import SsoSession

TWO = f"""# my config
[sso-session corp]
sso_start_url = {START_URL}
sso_region = {REGION}
sso_registration_scopes = sso:account:access

[sso-session lab]
sso_start_url = https://d-lab.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = lab
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile old]
sso_start_url = https://d-old.awsapps.com/start
sso_region = us-west-2
sso_account_id = 111122223333
sso_role_name = Admin

[profile plain]
region = us-east-1
"""


def _config(home: Path, text: str) -> Path:
    path = home / ".aws" / "config"
    path.write_text(text)
    return path


def test_explicit_name_wins(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(isolated_home, TWO)
    monkeypatch.setenv("AWS_PROFILE", "dev")
    s = sessions.resolve_session("corp")
    assert (s.name, s.start_url, s.region, s.scopes) == (
        "corp", START_URL, REGION, ("sso:account:access",))


def test_aws_profile_sso_session(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(isolated_home, TWO)
    monkeypatch.setenv("AWS_PROFILE", "dev")
    assert sessions.resolve_session().name == "lab"


def test_aws_profile_legacy(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _config(isolated_home, TWO)
    monkeypatch.setenv("AWS_PROFILE", "old")
    s = sessions.resolve_session()
    assert s.is_legacy and s.start_url == "https://d-old.awsapps.com/start"
    assert s.cache_key == "https://d-old.awsapps.com/start"


def test_aws_profile_without_sso_falls_through(isolated_home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _config(isolated_home, TWO)
    monkeypatch.setenv("AWS_PROFILE", "plain")
    with pytest.raises(UsageError, match=r"several sso-sessions \(corp, lab\)"):
        sessions.resolve_session()


def test_aws_profile_naming_missing_session(isolated_home: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _config(isolated_home, "[profile x]\nsso_session = gone\nsso_account_id = 1\n")
    monkeypatch.setenv("AWS_PROFILE", "x")
    with pytest.raises(UsageError, match="sso_session gone"):
        sessions.resolve_session()


def test_only_one_session(aws_env: object) -> None:
    assert sessions.resolve_session().name == "corp"


def test_only_legacy_profiles_sharing_a_url_count_once(isolated_home: Path) -> None:
    block = "[profile {n}]\nsso_start_url = https://d-x.awsapps.com/start\nsso_region = us-east-1\n"
    _config(isolated_home, block.format(n="a") + "\n" + block.format(n="b"))
    assert sessions.resolve_session().start_url == "https://d-x.awsapps.com/start"


def test_unknown_name_lists_known(isolated_home: Path) -> None:
    _config(isolated_home, TWO)
    with pytest.raises(UsageError, match=r"no sso-session named nope .*\(known: corp, lab\)"):
        sessions.resolve_session("nope")


def test_no_sessions_tells_how_to_create(isolated_home: Path) -> None:
    with pytest.raises(UsageError, match="ssotui login --sso-session NAME --start-url URL"):
        sessions.resolve_session()
    _config(isolated_home, "[profile plain]\nregion = us-east-1\n")
    with pytest.raises(UsageError, match="ssotui login --sso-session NAME --start-url URL"):
        sessions.resolve_session()


def test_malformed_config_names_file_and_line(isolated_home: Path) -> None:
    path = _config(isolated_home, "[sso-session corp]\nsso_start_url = https://x/start\n"
                                  "this is not a key value line\n")
    with pytest.raises(ConfigError, match=rf"{path}:3"):
        sessions.resolve_session()
    _config(isolated_home, "[sso-session corp]\nsso_region = us-east-1\n")
    with pytest.raises(ConfigError, match=r"config:1.*sso_start_url"):
        sessions.resolve_session()


@pytest.mark.parametrize("url", [
    "https://d-abc.awsapps.com/start", "http://127.0.0.1:8080/start",
    "http://localhost/start", "http://[::1]:9/start",
])
def test_start_url_accepted(url: str) -> None:
    assert sessions.validate_start_url(url) == url


@pytest.mark.parametrize("url", [
    "http://d-abc.awsapps.com/start", "ftp://x/start", "d-abc.awsapps.com/start", "",
    "http://127.0.0.1.evil.com/start", "javascript:alert(1)",
])
def test_start_url_refused(url: str) -> None:
    with pytest.raises(UsageError, match=rf"^start URL {re.escape(repr(url))} (must|is not)"):
        sessions.validate_start_url(url)


@pytest.mark.parametrize("region,ok", [
    ("us-east-1", True), ("eu-central-2", True), ("us-gov-west-1", True),
    ("us-isob-east-1", True), ("ap-southeast-4", True), ("US-EAST-1", False),
    ("useast1", False), ("us-east", False), ("us-east-1 ", True), ("x", False),
])
def test_region_validation(region: str, ok: bool) -> None:
    if ok:
        assert sessions.validate_region(region) == region.strip()
    else:
        with pytest.raises(UsageError, match=rf"^region {re.escape(repr(region))} does not look"):
            sessions.validate_region(region)


def test_create_session_appends_block_byte_preserving(isolated_home: Path) -> None:
    original = "# keep me\r\n[profile a]\r\nregion = us-east-1  \r\n"
    path = _config(isolated_home, "")
    path.write_bytes(original.encode())
    path.chmod(0o640)
    s = sessions.create_session("work", "https://d-work.awsapps.com/start", "eu-west-1")
    assert s == SsoSession("work", "https://d-work.awsapps.com/start", "eu-west-1",
                           ("sso:account:access",))
    data = path.read_bytes().decode()
    assert data.startswith(original)
    assert data[len(original):] == (
        "\r\n[sso-session work]\r\nsso_start_url = https://d-work.awsapps.com/start\r\n"
        "sso_region = eu-west-1\r\nsso_registration_scopes = sso:account:access\r\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sessions.resolve_session("work") == s


def test_create_session_new_file_and_validation(isolated_home: Path) -> None:
    path = isolated_home / ".aws" / "config"
    with pytest.raises(UsageError, match="https"):
        sessions.create_session("x", "http://portal.example.com/start", "us-east-1")
    with pytest.raises(UsageError, match="region"):
        sessions.create_session("x", "https://d.awsapps.com/start", "mars")
    with pytest.raises(UsageError, match="name"):
        sessions.create_session("bad name]", "https://d.awsapps.com/start", "us-east-1")
    assert not path.exists()  # nothing written on bad input
    sessions.create_session("x", "https://d.awsapps.com/start", "us-east-1")
    assert path.read_text().startswith("[sso-session x]\n")


def test_session_for_login_uses_flags(isolated_home: Path) -> None:
    s = sessions.session_for_login("new", "https://d-new.awsapps.com/start", "us-west-2",
                                   interactive=False)
    assert sessions.resolve_session() == s


def test_session_for_login_prompts_on_a_terminal(isolated_home: Path) -> None:
    answers = iter(["https://d-p.awsapps.com/start", "ca-central-1"])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    s = sessions.session_for_login("p", interactive=True, ask=ask)
    assert (s.start_url, s.region) == ("https://d-p.awsapps.com/start", "ca-central-1")
    assert len(prompts) == 2 and "sso-session p" in prompts[0]


def test_session_for_login_without_terminal_is_usage_error(isolated_home: Path) -> None:
    with pytest.raises(UsageError, match="--start-url URL and --region REGION"):
        sessions.session_for_login("p", interactive=False)
    assert not (isolated_home / ".aws" / "config").exists()  # nothing written


def test_session_for_login_existing_conflict(aws_env: object) -> None:
    assert sessions.session_for_login("corp").name == "corp"
    with pytest.raises(UsageError, match="already exists with start URL"):
        sessions.session_for_login("corp", "https://other.awsapps.com/start")


def test_login_refuses_http_start_url_in_config(isolated_home: Path) -> None:
    path = _config(isolated_home, "[sso-session bad]\nsso_start_url = http://portal.example.com/x\n"
                                  "sso_region = us-east-1\n")
    with pytest.raises(UsageError, match=rf"sso-session bad in {path}: .*https"):
        sessions.session_for_login("bad")

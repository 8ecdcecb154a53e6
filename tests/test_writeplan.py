"""writeplan: one plan (path, before/after, named conflicts, what --force replaces)
for profiles and credentials sections, committed atomically only if the file did
not change; credentials sections edited in place; the whole file read back by
botocore in a separate process."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interop import run_python
from ssotui.core import names, writeplan
from ssotui.core.errors import UsageError
from ssotui.core.models import RoleCredentials, SsoSession

CREDS = RoleCredentials("ASIANEWKEY", "newsecret/+=", "newtoken+/==",
                        datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
SESSION = SsoSession("corp", "https://d-1234567890.awsapps.com/start", "us-east-1")
LONGTERM = ("[longterm]\n# my laptop's key, do not lose\naws_access_key_id = AKIAOLDLONGTERM\n"
            "aws_secret_access_key = oldlongtermsecret\nregion = eu-west-1\n")


def creds_file() -> Path:
    return Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])


def config_file() -> Path:
    return Path(os.environ["AWS_CONFIG_FILE"])


def plan_creds(section: str, *, account: str = "111122223333", role: str = "ReadOnly",
               force: bool = False, creds: RoleCredentials = CREDS) -> writeplan.WritePlan:
    return writeplan.plan_credentials(section, creds, account_id=account, role=role, force=force)


def botocore_profiles(home: Path, profiles: list[str]) -> dict[str, object]:
    """What botocore (in a child process) resolves for each profile: its credentials
    (credentials file) or its config keys, or the exception's name."""
    proc = run_python(
        """
        import json, sys, botocore.session
        out = {}
        for name in sys.argv[1:]:
            s = botocore.session.Session(profile=name)
            try:
                out[name] = {"config": s.get_scoped_config()}
            except Exception as exc:
                out[name] = type(exc).__name__
                continue
            try:
                f = s.get_credentials().get_frozen_credentials()
                out[name]["creds"] = [f.access_key, f.secret_key, f.token]
            except Exception as exc:
                out[name]["creds"] = type(exc).__name__
        print(json.dumps(out))
        """,
        env={"HOME": str(home), "AWS_SHARED_CREDENTIALS_FILE": str(creds_file()),
             "AWS_CONFIG_FILE": str(config_file())},
        args=profiles,
    )
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


# -- the plan and its commit ---------------------------------------------------------

def test_long_term_section_is_a_named_conflict_and_force_keeps_comment_and_region() -> None:
    creds_file().write_text(LONGTERM)
    plan = plan_creds("longterm")
    assert plan.refused and [c.reason for c in plan.conflicts] == [writeplan.LONG_TERM]
    (conflict,) = plan.conflicts
    assert "holds long-term keys (AKIAOLDLONGTERM)" in conflict.message
    assert "replace its aws_access_key_id AKIAOLDLONGTERM and aws_secret_access_key" \
        in conflict.override and "keeping region, 1 comment line" in conflict.override
    with pytest.raises(UsageError, match="use --force to replace its aws_access_key_id"):
        writeplan.commit(plan)
    assert creds_file().read_text() == LONGTERM
    # the override: only the managed keys change, in place
    assert writeplan.commit(plan.forced())
    text = creds_file().read_text()
    assert text == ("[longterm]\n# ssotui: expires 2030-01-02T03:04:05+00:00 (111122223333/ReadOnly)\n"
                    "# my laptop's key, do not lose\naws_access_key_id = ASIANEWKEY\n"
                    "aws_secret_access_key = newsecret/+=\nregion = eu-west-1\n"
                    "aws_session_token = newtoken+/==\n")


def test_commit_refuses_a_file_changed_since_the_plan() -> None:
    creds_file().write_text("[other]\naws_access_key_id = ASIAX\n")
    plan = plan_creds("dev")
    creds_file().write_text("[other]\naws_access_key_id = ASIAY\n")
    with pytest.raises(writeplan.FileChanged, match="changed since"):
        writeplan.commit(plan)
    assert creds_file().read_text() == "[other]\naws_access_key_id = ASIAY\n"


def test_profile_plan_names_the_difference_and_what_force_replaces() -> None:
    config_file().write_text("[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
                             "sso_region = us-east-1\n[profile p]\n# mine\nsso_session = corp\n"
                             "sso_account_id = 999999999999\nsso_role_name = R\noutput = json\n")
    values = {"sso_session": "corp", "sso_account_id": "111122223333", "sso_role_name": "R"}
    plan = writeplan.plan_profile(SESSION, "p", values)
    assert plan.refused and plan.conflicts[0].reason == writeplan.DIFFERS
    assert "sso_account_id 999999999999 -> 111122223333" in plan.conflicts[0].override
    before = config_file().read_text()
    with pytest.raises(UsageError):
        writeplan.commit(plan)
    assert config_file().read_text() == before
    writeplan.commit(plan.forced())
    assert config_file().read_text() == before.replace("999999999999", "111122223333")


def test_secrets_are_masked_in_every_rendering_of_the_plan() -> None:
    creds_file().write_text("[static]\naws_secret_access_key = hunter2static\n"
                            "aws_security_token = legacytok\nAWS_SESSION_TOKEN: upper\n")
    plan = plan_creds("dev")
    for text in (plan.diff(), plan.shown(plan.before), plan.shown(plan.after)):
        for secret in ("hunter2static", "legacytok", "upper", "newsecret/+=", "newtoken+/=="):
            assert secret not in text
    revealed = plan.diff(reveal=True)
    assert "newsecret/+=" in revealed and "hunter2static" not in revealed


# -- item: an indented next header stays a section -----------------------------------

@pytest.mark.parametrize("dev_keys", [
    "  aws_access_key_id = ASIAOLD\n  aws_secret_access_key = old\n  aws_session_token = oldtok\n",
    "  aws_access_key_id = ASIAOLD\n  aws_session_token = oldtok\n",  # a key gets appended
])
def test_indented_next_header_is_not_swallowed(isolated_home: Path, dev_keys: str) -> None:
    prod = " [prod]\n aws_access_key_id = AKIAPROD\n aws_secret_access_key = prodsecret\n"
    creds_file().write_text("[dev]\n" + dev_keys + prod)
    writeplan.commit(plan_creds("dev"))
    got = botocore_profiles(isolated_home, ["dev", "prod"])
    assert got["prod"]["creds"] == ["AKIAPROD", "prodsecret", None]  # type: ignore[index]
    assert got["dev"]["creds"] == ["ASIANEWKEY", "newsecret/+=", "newtoken+/=="]  # type: ignore[index]
    assert creds_file().read_text().endswith(prod)


# -- item: colliding section names -----------------------------------------------------

def test_a_section_written_for_another_account_is_a_conflict() -> None:
    section = names.render(names.DEFAULT_CREDENTIALS_TEMPLATE, account_name="a b",
                           account_id="111111111111", role_name="ReadOnly", session="corp")
    assert section == names.render(names.DEFAULT_CREDENTIALS_TEMPLATE, account_name="a-b",
                                   account_id="222222222222", role_name="ReadOnly",
                                   session="corp") == "a-b-ReadOnly"
    writeplan.commit(plan_creds(section, account="111111111111"))
    written = creds_file().read_text()
    assert "(111111111111/ReadOnly)" in written
    assert not plan_creds(section, account="111111111111").conflicts  # same role: a refresh
    plan = plan_creds(section, account="222222222222")
    assert [c.reason for c in plan.conflicts] == [writeplan.OTHER_ROLE]
    assert "holds the credentials of 111111111111/ReadOnly, not 222222222222/ReadOnly" \
        in plan.conflicts[0].message
    with pytest.raises(UsageError, match="111111111111/ReadOnly"):
        writeplan.commit(plan)
    assert creds_file().read_text() == written
    writeplan.commit(plan.forced())
    assert "(222222222222/ReadOnly)" in creds_file().read_text()
    assert creds_file().read_text().count("# ssotui:") == 1


# -- item: --force finds a profile header the way botocore does --------------------------

@pytest.mark.parametrize("header", ["profile x ", "profile  x", 'profile "x"'])
def test_force_finds_odd_profile_headers(isolated_home: Path, header: str) -> None:
    config_file().write_text(f"[{header}]\nsso_session = corp\nsso_account_id = 999999999999\n"
                             "sso_role_name = R\n[sso-session corp]\nsso_region = us-east-1\n"
                             "sso_start_url = https://d-1234567890.awsapps.com/start\n")
    values = {"sso_session": "corp", "sso_account_id": "111122223333", "sso_role_name": "R"}
    plan = writeplan.plan_profile(SESSION, "x", values)
    assert plan.header == header and f"[{header}] in " in plan.conflicts[0].message
    writeplan.commit(plan.forced())
    text = config_file().read_text()
    assert text.startswith(f"[{header}]\n") and text.count("[profile") == 1
    got = botocore_profiles(isolated_home, ["x"])
    assert got["x"]["config"]["sso_account_id"] == "111122223333"  # type: ignore[index]

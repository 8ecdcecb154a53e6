"""Production guardrails: the [[guardrails]] tables in prefs.toml, the confirmation
`creds` needs (--yes, or the terminal), the write plan's refusal of production
credentials in ~/.aws/credentials (one rule for the CLI and the picker), and the
opt-in export marker (default output unchanged)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ssotui.cli import main
from ssotui.core import exports, guardrails, rolecreds, writeplan
from ssotui.core.errors import UsageError
from ssotui.core.models import RoleCredentials
from ssotui.core.prefs import load_prefs_with_warnings, prefs_path, production_rules

CREDS = RoleCredentials("ASIAEXAMPLEEXAMPLE12", "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12",
                        "IQoJb3JpZ2luX2VjEXAMPLETOKEN", datetime(2030, 1, 1, tzinfo=UTC))


@pytest.fixture(autouse=True)
def _fresh_credentials_cache() -> None:
    rolecreds.clear_cache()


def _prefs(text: str) -> Path:
    p = prefs_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def _one_error(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if not line.startswith("ssotui: warning")]
    assert len(lines) == 1 and lines[0].startswith("ssotui: "), err
    return lines[0]


def test_rules_by_id_name_and_email() -> None:
    rules, warnings = guardrails.parse_rules([
        {"accounts": ["111122223333"]},
        {"name": "^prod-", "label": "LIVE"},
        {"email": r"@prod\.example$"},
    ])
    assert warnings == [] and len(rules) == 3
    assert guardrails.match(rules, "111122223333").label == "PROD"  # type: ignore[union-attr]
    hit = guardrails.match(rules, "999999999999", "prod-payments")
    assert hit is not None and hit.label == "LIVE" and "'^prod-'" in hit.reason
    assert guardrails.match(rules, "999999999999", "sandbox", "ops@prod.example") is not None
    assert guardrails.match(rules, "999999999999", "sandbox-prod-x", "ops@dev.example") is None
    assert guardrails.needs_names(rules) and not guardrails.needs_names(rules[:1])


def test_bad_tables_are_warned_and_left_out() -> None:
    rules, warnings = guardrails.parse_rules([
        {"name": "("}, {"accounts": ["12"]}, {"nmae": "^prod"}, {}, "x", {"accounts": "111122223333"},
    ], "prefs.toml")
    assert len(rules) == 1 and rules[0].accounts == {"111122223333"}
    assert len(warnings) == 5
    assert "[[guardrails]] #1: name = '(' is not a regular expression" in warnings[0]
    assert "must be 12-digit account ids" in warnings[1]
    assert "unknown key 'nmae'" in warnings[2]
    assert "names no account" in warnings[3]


def test_prefs_file_tables_and_warnings() -> None:
    p = _prefs('confirm_production = "name"\nproduction_marker = true\n\n'
               '[[guardrails]]\naccounts = ["111122223333"]\n\n'
               '[[guardrails]]\nname = "["\n')
    prefs, warnings = load_prefs_with_warnings(p)
    assert prefs.confirm_production == "name" and prefs.production_marker is True
    assert len(production_rules(prefs)) == 1
    assert len(warnings) == 1 and str(p) in warnings[0] and "#2" in warnings[0]


def test_require_confirmation() -> None:
    found = guardrails.match(guardrails.parse_rules([{"accounts": ["111122223333"]}])[0],
                             "111122223333")
    guardrails.require_confirmation("dev", "Admin", yes=False, tty=False, found=None)
    guardrails.require_confirmation("prod", "Admin", yes=True, tty=False, found=found)
    with pytest.raises(UsageError, match="pass --yes"):
        guardrails.require_confirmation("prod", "Admin", yes=False, tty=False, found=found)
    asked: list[str] = []

    def answer(text: str) -> str:
        def ask(prompt: str) -> str:
            asked.append(prompt)
            return text
        return ask  # type: ignore[return-value]

    guardrails.require_confirmation("prod", "Admin", yes=False, tty=True, found=found,
                                    ask=answer("y\n"))  # type: ignore[arg-type]
    with pytest.raises(guardrails.NotConfirmed):
        guardrails.require_confirmation("prod", "Admin", yes=False, tty=True, found=found,
                                        ask=answer("\n"))  # type: ignore[arg-type]
    with pytest.raises(guardrails.NotConfirmed):  # name mode: y is not the name
        guardrails.require_confirmation("prod", "Admin", yes=False, tty=True, found=found,
                                        mode="name", ask=answer("y\n"))  # type: ignore[arg-type]
    guardrails.require_confirmation("prod", "Admin", yes=False, tty=True, found=found,
                                    mode="name", ask=answer("prod\n"))  # type: ignore[arg-type]
    assert "Type the account name (prod)" in asked[-1] and "[y/N]" in asked[0]


def test_writeplan_refuses_production_credentials(tmp_path: Path) -> None:
    rules = guardrails.parse_rules([{"name": "^prod-"}])[0]
    path = tmp_path / "credentials"
    plan = writeplan.plan_credentials("s", CREDS, account_id="111122223333", role="Admin",
                                      path=path, account_name="prod-pay", rules=rules)
    assert plan.refused and plan.conflicts[0].reason == writeplan.PRODUCTION
    assert "long-lived plaintext" in plan.refusal() and "--force" in plan.refusal()
    with pytest.raises(UsageError):
        writeplan.commit(plan)
    assert not path.exists()
    assert writeplan.commit(plan.forced()) and "ASIAEXAMPLE" in path.read_text()
    ok = writeplan.plan_credentials("s2", CREDS, account_id="111122223333", role="Admin",
                                    path=path, account_name="dev-pay", rules=rules)
    assert not ok.refused


def test_marker_is_opt_in_and_default_output_unchanged() -> None:
    plain = exports.render(CREDS, "env")
    assert exports.render(CREDS, "env", ()) == plain and "SSOTUI" not in plain
    found = guardrails.Match("PROD", "production account")
    marked = exports.render(CREDS, "env", guardrails.marker_variables(found))
    assert marked == plain + "export SSOTUI_PRODUCTION=PROD\n"
    assert exports.render(CREDS, "env", guardrails.marker_variables(None)) == \
        plain + "export SSOTUI_PRODUCTION=''\n"
    assert exports.render(CREDS, "fish", guardrails.marker_variables(found)).endswith(
        'set -gx SSOTUI_PRODUCTION "PROD"\n')
    assert "SSOTUI" not in exports.render(CREDS, "process", guardrails.marker_variables(found))


# -- the CLI against the emulator ------------------------------------------------

def _prod_env(emulator: object, extra: str = "") -> tuple[str, str, str]:
    account, roles = emulator.org[3]  # type: ignore[attr-defined]
    _prefs(f'{extra}[[guardrails]]\nname = "^{account.account_name}$"\n')
    return account.account_id, account.account_name, roles[0]


def test_creds_needs_yes_for_production(signed_in: str, emulator: object,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    account_id, name, role = _prod_env(emulator)
    before = emulator.calls["GetRoleCredentials"]  # type: ignore[attr-defined]
    assert main(["creds", account_id, role]) == 2  # by id: the name comes from the listing
    line = _one_error(capsys.readouterr().err)
    assert f"{name} / {role} is a production account" in line and "--yes" in line
    assert emulator.calls["GetRoleCredentials"] == before  # type: ignore[attr-defined]
    assert main(["creds", account_id, role, "--yes"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("export AWS_ACCESS_KEY_ID=ASIA") and "SSOTUI" not in out
    other, roles = emulator.org[4]  # type: ignore[attr-defined]
    assert main(["creds", other.account_id, roles[0]]) == 0  # not production: no question


def test_creds_marker_when_opted_in(signed_in: str, emulator: object,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, role = _prod_env(emulator, "production_marker = true\n")
    assert main(["creds", account_id, role, "--yes", "--format", "env"]) == 0
    assert capsys.readouterr().out.endswith("export SSOTUI_PRODUCTION=PROD\n")


def test_write_credentials_refused_for_production_unless_forced(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, role = _prod_env(emulator)
    path = Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"])
    args = ["creds", account_id, role, "--yes", "--write-credentials", "prodsec"]
    assert main(args) == 2
    line = _one_error(capsys.readouterr().err)
    assert "is a production account" in line and "long-lived plaintext" in line
    assert "--force" in line and not path.exists()
    assert main([*args, "--force"]) == 0
    assert "[prodsec]" in path.read_text()


def test_console_needs_yes_for_production(signed_in: str, emulator: object,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    account_id, _, role = _prod_env(emulator)
    assert main(["console", account_id, role, "--print-url"]) == 2
    assert "--yes" in _one_error(capsys.readouterr().err)
    assert main(["console", account_id, role, "--print-url", "--yes"]) == 0
    assert capsys.readouterr().out.startswith("http://")


def test_expiry_of_creds_is_not_touched_by_marker() -> None:
    # the marker follows the four variables: AWS_CREDENTIAL_EXPIRATION stays 4th
    lines = exports.render(CREDS, "env-no-export",
                           guardrails.marker_variables(None)).splitlines()
    assert [line.split("=")[0] for line in lines] == [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION", "SSOTUI_PRODUCTION"]
    assert CREDS.expiration - datetime.now(UTC) > timedelta(0)


def test_print_env_query_leaves_production_to_the_picker(signed_in: str,
                                                         emulator: object) -> None:
    """`sa QUERY` naming one production role prints nothing at once: the picker opens
    (and asks); an ordinary role still switches at once, marker included when on."""
    from ssotui.commands.assume import exports_for

    account_id, name, role = _prod_env(emulator, "production_marker = true\n")
    before = emulator.calls["GetRoleCredentials"]  # type: ignore[attr-defined]
    assert exports_for(f"{account_id} {role}", "corp", None) is None
    assert emulator.calls["GetRoleCredentials"] == before  # type: ignore[attr-defined]
    other, roles = emulator.org[4]  # type: ignore[attr-defined]
    text = exports_for(f"{other.account_id} {roles[0]}", "corp", None)
    assert text is not None and text.endswith("export SSOTUI_PRODUCTION=''\n")

"""`ssotui list FILTER...`: the roles the words pick, as the picker's filter picks them
(and as `sa FILTER` would choose from), from the cache with `--cached`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ssotui.core import dircache
from ssotui.core.models import Account, SsoSession
from test_listing import ssotui

SESSION = SsoSession("corp", "https://d-emulator.awsapps.com/start", "us-east-1")
PAY = Account("111122223333", "prod-payments", "pay@example.com")
DEV = Account("222233334444", "dev-payments", "devpay@example.com")
SEARCH = Account("333344445555", "prod-search", "search@example.com")
SANDBOX = Account("444455556666", "sandbox", "sandbox@example.com")
ROLES = {PAY.account_id: ("AdministratorAccess", "ReadOnly"),
         DEV.account_id: ("ReadOnly",), SEARCH.account_id: ("AdministratorAccess",)}


@pytest.fixture
def cached_org(aws_env: Any, isolated_home: Path) -> Any:
    dircache.save(SESSION, [PAY, DEV, SEARCH, SANDBOX], dict(ROLES))  # sandbox: not listed
    with (isolated_home / ".aws" / "config").open("a") as f:
        f.write("\n[profile pp-admin]\nsso_session = corp\nsso_account_id = 111122223333\n"
                "sso_role_name = AdministratorAccess\nregion = us-east-1\n")
    return aws_env


def picked(home: Path, url: str, *words: str) -> tuple[dict[str, Any], Any]:
    proc = ssotui(home, url, "list", "--cached", "--json", *words)
    return {r["accountName"]: r["roles"] for r in json.loads(proc.stdout)}, proc


@pytest.mark.parametrize(("words", "expected"), [
    (["pay", "adm"], {"prod-payments": ["AdministratorAccess"]}),
    (["payments"], {"dev-payments": ["ReadOnly"],
                    "prod-payments": ["AdministratorAccess", "ReadOnly"]}),
    (["PROD", "read"], {"prod-payments": ["ReadOnly"]}),
    (["prdsrch"], {"prod-search": ["AdministratorAccess"]}),  # fuzzy, as in the picker
    (["1111-2222-3333"], {"prod-payments": ["AdministratorAccess", "ReadOnly"]}),
    (["arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/"
      "AWSReservedSSO_ReadOnly_0123456789abcdef"], {"prod-payments": ["ReadOnly"]}),
    (["devpay@example.com"], {"dev-payments": ["ReadOnly"]}),
    (["pp-admin"], {"prod-payments": ["AdministratorAccess"]}),  # a profile name
    (["nothing-like-it"], {}),
])
def test_filter_picks_like_the_picker(
    cached_org: Any, isolated_home: Path, words: list[str], expected: dict[str, Any],
) -> None:
    rows, proc = picked(isolated_home, cached_org.url, *words)
    assert proc.returncode == 0, proc.stderr
    assert rows == expected
    assert sum(cached_org.calls.values()) == 0


def test_filter_keeps_an_unlisted_account_that_matches_with_its_exit_1(
    cached_org: Any, isolated_home: Path,
) -> None:
    rows, proc = picked(isolated_home, cached_org.url, "sand")
    assert rows == {"sandbox": None}
    assert proc.returncode == 1 and len(proc.stderr.splitlines()) == 1
    assert "roles of 1 of 1 accounts could not be listed" in proc.stderr


def test_filter_in_the_table_keeps_the_name_order(cached_org: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, cached_org.url, "list", "--cached", "read")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["ACCOUNT", "ID", "ROLES"]
    assert [line.split()[0] for line in lines[1:]] == ["dev-payments", "prod-payments"]
    assert lines[2].split()[2:] == ["ReadOnly"]


def test_filter_words_may_follow_options(cached_org: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, cached_org.url, "list", "pay", "--cached", "--json", "adm")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == picked(isolated_home, cached_org.url, "pay", "adm")[1].stdout
    assert "prod-payments" in proc.stdout and "ReadOnly" not in proc.stdout

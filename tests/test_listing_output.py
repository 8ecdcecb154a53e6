"""`ssotui list` output against hostile and failing portals, over real HTTP.

Hostile: account names, emails, ids and roles holding terminal control sequences
reach the table and change reports only as visible escapes, and `--json` as exact
data that is still inert on a terminal. Failing: accounts whose roles could not be
listed are `null` in JSON and marked in the table, one line says how many and why,
and the exit code is 1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ssotui.commands.listing import NOT_LISTED
from ssotui.core.models import Account
from ssotui.core.text import is_clean, shown
from ssotui.emulator import Emulator, generate_org
from ssotui.emulator.server import ApiError
from test_listing import ssotui

OSC52 = "\x1b]52;c;ZXZpbA==\x07"  # writes "evil" to the terminal's clipboard
HOSTILE_ORG = [
    (Account("111111111111", f"prod{OSC52}", f"ops{OSC52}@example.com"), ["Admin\x1b[2J"]),
    (Account("222222222222", "csi\x9b31mred\x7f", "c1@example.com"), ["ReadOnly"]),
    (Account("333333333333", "rtl\u202eexe.txt", "bidi\u2066@example.com"), ["Viewer"]),
    (Account("444444444444", "two\nlines\r\u2028", "nl@example.com"), ["Dev", "Ops"]),
    (Account("555555555555", "astral\U000e0041tag", "tag@example.com"), []),
]

# Account names that sort differently with and without case folding.
MIXED_CASE = ["beta", "Alpha", "delta", "alpha2", "Charlie"]
MIXED_CASE_ORDER = ["Alpha", "alpha2", "beta", "Charlie", "delta"]


class RolesFail(Emulator):
    """ListAccountRoles answers 503 for some accounts, with a hostile message."""

    def __init__(self, failing: set[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.failing = failing

    def roles_of(self, account_id: str) -> list[str] | None:
        if account_id in self.failing:
            raise ApiError(503, "ServiceUnavailableException", f"portal down{OSC52}")
        return super().roles_of(account_id)


class DiesMidway(Emulator):
    """The endpoint goes away (stops listening) at the Nth ListAccountRoles call."""

    def __init__(self, at_call: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.at_call = at_call
        self.role_calls = 0
        self._count_lock = threading.Lock()

    def roles_of(self, account_id: str) -> list[str] | None:
        with self._count_lock:
            self.role_calls += 1
            dying = self.role_calls == self.at_call
        if dying:
            self.stop()
        return super().roles_of(account_id)


def _zero_roles_org() -> list[tuple[Account, list[str]]]:
    org = generate_org(12, 3, 7)
    org[0] = (org[0][0], [])  # an account with no roles at all: [] in JSON, not null
    return org


EMULATORS: dict[str, Callable[[], Emulator]] = {
    "hostile": lambda: Emulator(org=HOSTILE_ORG),
    "mixed-case": lambda: Emulator(org=[
        (Account(f"{i:012d}", name, f"{name}@example.com"), ["R"])
        for i, name in enumerate(MIXED_CASE, start=1)
    ]),
    "roles-fail": lambda: RolesFail(
        {a.account_id for a, _ in _zero_roles_org()[3:7]}, org=_zero_roles_org(),
    ),
    "hostile-roles-fail": lambda: RolesFail({"111111111111", "333333333333"}, org=HOSTILE_ORG),
    "dies-midway": lambda: DiesMidway(4, org=generate_org(12, 3, 7)),
}


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """Overrides conftest's: the org or failure each test names (indirect parameter)."""
    with EMULATORS[request.param]() as emu:
        yield emu


def with_emulator(name: str) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("emulator", [name], indirect=True)


def assert_inert(text: str) -> None:
    """Every line is free of control, format and bidi characters."""
    for line in text.split("\n"):
        assert is_clean(line), repr(line)


def rows_by_id(stdout: str) -> dict[str, Any]:
    return {r["accountId"]: r for r in json.loads(stdout)}


# ---- hostile names ---------------------------------------------------------------

@with_emulator("hostile")
def test_table_shows_hostile_names_and_roles_as_visible_escapes(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--refresh")
    assert proc.returncode == 0, proc.stderr
    assert_inert(proc.stdout)
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 + len(HOSTILE_ORG)  # a newline in a name does not add a row
    for acct, roles in HOSTILE_ORG:
        (line,) = [x for x in lines if acct.account_id in x]
        assert line.startswith(shown(acct.account_name) + " ")
        assert line.rstrip().endswith(", ".join(shown(r) for r in sorted(roles)) or acct.account_id)
    assert "prod\\x1b]52;c;ZXZpbA==\\x07" in proc.stdout


@with_emulator("hostile")
def test_json_keeps_hostile_names_exact_and_inert(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh")
    assert proc.returncode == 0, proc.stderr
    assert_inert(proc.stdout)  # json.dumps leaves DEL, C1 and bidi characters raw
    got = rows_by_id(proc.stdout)
    for acct, roles in HOSTILE_ORG:
        assert got[acct.account_id] == {
            "accountId": acct.account_id, "accountName": acct.account_name,
            "emailAddress": acct.email_address, "roles": sorted(roles),
        }
    assert "\\u001b]52;c;" in proc.stdout and "\\u202e" in proc.stdout
    assert "\\udb40\\udc41" in proc.stdout  # a tag character, as a JSON surrogate pair


@with_emulator("hostile")
def test_change_report_shows_hostile_names_as_visible_escapes(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    from ssotui.core import dircache
    from ssotui.core.models import SsoSession

    session = SsoSession("corp", "https://d-emulator.awsapps.com/start", "us-east-1")
    gone = Account("999999999999", f"gone{OSC52}", "x@example.com")
    kept = [(a, r) for a, r in HOSTILE_ORG if a.account_id != "111111111111"]
    kept = [(a, ["Stale\x1b[5m"] if a.account_id == "222222222222" else r) for a, r in kept]
    stale = [(gone, ["Old"]), *kept]
    dircache.save(session, [a for a, _ in stale], {a.account_id: tuple(r) for a, r in stale})

    proc = ssotui(isolated_home, aws_env.url, "list", "--refresh")
    assert proc.returncode == 0, proc.stderr
    assert_inert(proc.stdout)
    assert_inert(proc.stderr)
    assert f"+ account {shown(HOSTILE_ORG[0][0].account_name)} (111111111111)" in proc.stderr
    assert f"- account {shown(gone.account_name)} (999999999999)" in proc.stderr
    role, where = shown("Stale\x1b[5m"), shown("csi\x9b31mred\x7f")
    assert f"- role {role} in {where} (222222222222)" in proc.stderr


def test_renderers_survive_a_lone_surrogate() -> None:
    """JSON allows "\\ud800"; printed raw it cannot even be encoded (a traceback)."""
    from ssotui.commands.listing import render_json, render_table

    accounts = [Account("666666666666", "lone\ud800surrogate", "s\udfff@example.com")]
    text = render_json(accounts, {"666666666666": ("R\ud800",)})
    text.encode("utf-8")
    (row,) = json.loads(text)
    assert row["accountName"] == "lone\ud800surrogate" and row["roles"] == ["R\ud800"]
    assert row["emailAddress"] == "s\udfff@example.com"
    table = render_table(accounts, {"666666666666": ("R\ud800",)})
    assert "lone\\ud800surrogate" in table and "R\\ud800" in table
    table.encode("utf-8")


# ---- order -----------------------------------------------------------------------

@with_emulator("mixed-case")
def test_list_sorts_names_case_insensitively(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh")
    assert proc.returncode == 0, proc.stderr
    assert [r["accountName"] for r in json.loads(proc.stdout)] == MIXED_CASE_ORDER
    table = ssotui(isolated_home, aws_env.url, "list", "--refresh").stdout.splitlines()
    assert [line.split()[0] for line in table[1:]] == MIXED_CASE_ORDER


# ---- incomplete listings ---------------------------------------------------------

@with_emulator("roles-fail")
def test_unlisted_roles_are_null_in_json_with_one_line_and_exit_1(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh")
    assert proc.returncode == 1
    got = rows_by_id(proc.stdout)
    assert len(got) == 12
    for acct, roles in aws_env.org:
        expected = None if acct.account_id in aws_env.failing else sorted(roles)
        assert got[acct.account_id]["roles"] == expected, acct
    assert got[aws_env.org[0][0].account_id]["roles"] == []  # no roles is not "not listed"
    (line,) = proc.stderr.splitlines()
    assert line.startswith("ssotui: roles of 4 of 12 accounts could not be listed (")
    assert line.count("ServiceUnavailableException") == 1 and "other reason" not in line


@with_emulator("roles-fail")
def test_unlisted_roles_are_marked_in_the_table(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--refresh")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 13
    for acct, roles in aws_env.org:
        (line,) = [x for x in lines if acct.account_id in x]
        expected = NOT_LISTED if acct.account_id in aws_env.failing else ", ".join(sorted(roles))
        assert line.rstrip().endswith(expected or acct.account_id), line
    assert sum(NOT_LISTED in x for x in lines) == 4
    assert len(proc.stderr.splitlines()) == 1


@with_emulator("roles-fail")
def test_warm_start_keeps_unlisted_roles_null_and_still_exits_1(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    cold = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert cold.returncode == 1
    warm = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert warm.stdout == cold.stdout  # the cache kept "not listed" as null, not []
    assert sum(r["roles"] is None for r in json.loads(warm.stdout)) == 4
    assert warm.returncode == 1 and len(warm.stderr.splitlines()) == 1
    assert "roles of 4 of 12 accounts could not be listed" in warm.stderr


@with_emulator("hostile-roles-fail")
def test_failure_reason_from_the_portal_is_shown_inert(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--refresh")
    assert proc.returncode == 1
    assert_inert(proc.stdout)
    assert_inert(proc.stderr)
    (line,) = proc.stderr.splitlines()
    assert "roles of 2 of 5 accounts" in line and "portal down\\x1b]52;c;" in line


@with_emulator("dies-midway")
def test_endpoint_dying_mid_listing_gives_one_line_naming_it(
    signed_in: str, aws_env: Any, isolated_home: Any,
) -> None:
    url = aws_env.url
    proc = ssotui(isolated_home, url, "list", "--json", "--refresh")
    assert proc.returncode == 1
    got = rows_by_id(proc.stdout)
    unlisted = {i for i, r in got.items() if r["roles"] is None}
    assert 1 <= len(unlisted) < 12
    for acct, roles in aws_env.org:
        if acct.account_id not in unlisted:
            assert got[acct.account_id]["roles"] == sorted(roles)
    (line,) = proc.stderr.splitlines()
    assert f"roles of {len(unlisted)} of 12 accounts could not be listed" in line
    assert f"{url}/assignment/roles" in line and "account_id=" not in line
    assert "other reason" not in line  # one dead endpoint, one reason

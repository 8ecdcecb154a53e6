"""Paste anything that names a role and the filter finds it (pure functions, no terminal)."""

from __future__ import annotations

import pytest

from ssotui.tui.filtering import (
    PINNED,
    Entry,
    Query,
    Target,
    filter_entries,
    identify,
    match_entries,
    profiles_by_name,
    sort_key,
)


def entry(name: str, account_id: str, email: str, roles: list[str] | None) -> Entry:
    e = Entry(account_id, name, email, roles=roles)
    e.rebuild()
    return e


ORG = sorted([
    entry("prod-payments", "111122223333", "Payments-Prod@example.com",
          ["AdministratorAccess", "Admin", "ReadOnly"]),
    # holds the other id's digits in its name: an id pasted must not find it
    entry("legacy-111122223333", "999988887777", "legacy@example.com", ["Admin"]),
    entry("sandbox", "333344445555", "sandbox@example.com", ["PowerUser"]),
    entry("payroll", "444455556666", "payroll@example.org", ["ReadOnly"]),
], key=sort_key)

PROFILES = {"payments-admin": ("111122223333", "Admin"),
            "ro": ("444455556666", "ReadOnly")}


def found(text: str, entries: list[Entry] = ORG) -> list[tuple[str, str | None]]:
    """(account name, highlighted role) of each account the filter keeps, best first."""
    q = Query.parse(text, PROFILES)
    return [(e.name, e.roles[q.role_index(e.roles)] if e.roles else None)
            for e in filter_entries(entries, q)]


ROLE_ARN = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abcd1234"
ASSUMED = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_abcd/user@example.com"


@pytest.mark.parametrize(("text", "target"), [
    ("111122223333", Target("111122223333")),
    ("1111-2222-3333", Target("111122223333")),  # as the console shows it
    (f"  {ROLE_ARN}\n", Target("111122223333", "Admin")),
    (ASSUMED, Target("111122223333", "Admin")),
    # a region in the path; a permission set name with underscores in it
    ("arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/"
     "AWSReservedSSO_Data_Eng_0123456789abcdef", Target("111122223333", "Data_Eng")),
    ("arn:aws-us-gov:sts::111122223333:assumed-role/Deploy/ci", Target("111122223333", "Deploy")),
    ("arn:aws:iam::111122223333:role/team/Deploy", Target("111122223333", "Deploy")),
    (f'"{ASSUMED}"', Target("111122223333", "Admin")),  # copied with its quotes
    ("Payments-Prod@Example.com", Target(email="payments-prod@example.com")),
    ("payments-admin", Target("111122223333", "Admin", exact=False)),
    ("[profile ro]", Target("444455556666", "ReadOnly", exact=False)),
])
def test_identify_each_kind(text: str, target: Target) -> None:
    assert identify(text, PROFILES) == target


@pytest.mark.parametrize("text", ["", "pay adm", "11112222333", "1111222233334", "prod",
                                  "arn:aws:s3:::bucket", "payments-admin x", "a@b c"])
def test_ordinary_text_is_not_an_identifier(text: str) -> None:
    assert identify(text, PROFILES) is None


@pytest.mark.parametrize("text", ["111122223333", ROLE_ARN, ASSUMED, "payments-prod@example.com",
                                  "1111-2222-3333"])
def test_an_identifier_keeps_only_its_account(text: str) -> None:
    expected_role = "Admin" if "arn:" in text else "AdministratorAccess"
    assert found(text) == [("prod-payments", expected_role)]


def test_the_role_named_wins_over_a_longer_name_that_also_matches() -> None:
    # "Admin" comes second in the account's roles and "AdministratorAccess" also holds it
    q = Query.parse(ASSUMED)
    assert q.role_index(["AdministratorAccess", "Admin", "ReadOnly"]) == 1
    assert q.role_index(["ADMIN"]) == 0  # role names compare without case
    assert q.role_index(["ReadOnly"]) == 0  # not there: the first role, as for no query


def test_a_profile_name_puts_its_account_first_and_still_filters() -> None:
    assert found("payments-admin") == [("prod-payments", "Admin")]
    # "ro" is a profile (payroll/ReadOnly) and also fuzzy-matches other accounts
    result = found("ro")
    assert result[0] == ("payroll", "ReadOnly")
    assert ("prod-payments", "ReadOnly") in result[1:]
    assert found("[profile ro]")[0] == ("payroll", "ReadOnly")
    assert Query.parse("ro").target is None  # without the config's profiles: plain text


def test_part_of_an_email_keeps_the_accounts_that_hold_it() -> None:
    assert [n for n, _ in found("@example.com")] == ["legacy-111122223333", "prod-payments",
                                                     "sandbox"]
    assert found("nobody@example.com") == []


def test_identifier_scores_are_the_same_through_the_joined_scan() -> None:
    from ssotui.emulator import generate_org

    entries = [entry(a.account_name, a.account_id, a.email_address, list(r))
               for a, r in generate_org(300, 3, seed=5)]
    entries.sort(key=sort_key)
    some = entries[123]
    profiles = {"p": (some.account_id, "x"), "zzz": (some.account_id, "")}
    for text in [some.account_id, some.email, f"arn:aws:sts::{some.account_id}:assumed-role/R/s",
                 "p", "zzz", "@"]:
        q = Query.parse(text, profiles)
        one_by_one = [(s, e) for e in entries if (s := q.score(e))]
        got = match_entries(entries, q)
        assert got == one_by_one, text
        assert (some, PINNED) in [(e, s) for s, e in got] or text == "@", text
    assert [e.name for e in filter_entries(entries, Query.parse("zzz", profiles))] == [some.name]


def test_identifiers_never_narrow_a_previous_result() -> None:
    assert not Query.parse("111122223333").refines(Query.parse("11112222333"))
    assert not Query.parse("1111222233334").refines(Query.parse("111122223333"))
    assert not Query.parse("payments-admin", PROFILES).refines(Query.parse("payments-adm"))


def test_profiles_by_name_inverts_the_screen_index() -> None:
    index = {("111122223333", "Admin"): ["a", "b"], ("444455556666", "ReadOnly"): ["c"]}
    assert profiles_by_name(index) == {"a": ("111122223333", "Admin"),
                                       "b": ("111122223333", "Admin"),
                                       "c": ("444455556666", "ReadOnly")}


def pairs(text: str) -> list[tuple[str, str]]:
    from ssotui.tui.filtering import matching_roles

    return [(e.name, r) for e, r in matching_roles(ORG, Query.parse(text, PROFILES))]


def test_matching_roles_is_one_pair_only_when_the_text_names_one_role() -> None:
    assert pairs("prod-payments readonly") == [("prod-payments", "ReadOnly")]
    assert pairs("sandbox") == [("sandbox", "PowerUser")]  # one account with one role
    assert pairs(ASSUMED) == [("prod-payments", "Admin")]
    assert pairs("payments-admin") == [("prod-payments", "Admin")]  # a profile
    assert pairs("arn:aws:iam::111122223333:role/Nope") == []  # no such role there
    # several: the picker asks
    assert len(pairs("111122223333")) == 3
    assert pairs("prod-payments admin") == [("prod-payments", "AdministratorAccess"),
                                            ("prod-payments", "Admin")]
    assert len(pairs("readonly")) == 2
    assert pairs("zzz") == []

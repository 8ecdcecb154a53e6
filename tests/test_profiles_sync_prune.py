"""An org that loses accounts and roles between two syncs (the emulator serves the
changed org): `--prune` removes exactly ssotui's profiles for what is gone, of this
sso-session only; a hand-written profile, another session's synced profile and the
hand-added keys and comments inside a surviving synced profile all stay."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ssotui.cli import main


def _config() -> Path:
    return Path(os.environ["AWS_CONFIG_FILE"])


def _block(account: str, role: str) -> str:
    return (f"\n[profile {account}_{role}]\n# ssotui: managed {account}/{role} sso-session=corp\n"
            f"sso_session = corp\nsso_account_id = {account}\nsso_role_name = {role}\n"
            "region = us-east-1\n")


def test_prune_removes_exactly_our_profiles_for_what_is_gone(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    org = emulator.org  # type: ignore[attr-defined]
    (gone1, gone1_roles), (gone2, gone2_roles) = org[:2]
    shrunk, shrunk_roles = next(e for e in org[2:] if len(e[1]) >= 2)
    survivor, survivor_roles = next(e for e in org[2:] if e[0] != shrunk)
    assert main(["profiles", "sync", "--yes"]) == 0
    text = _config().read_text()
    # a person edits a synced profile, writes one by hand, and another session's sync
    # left a profile for an account that is about to go
    kept = _block(survivor.account_id, survivor_roles[0])
    edited = kept.replace("sso-session=corp\n", "sso-session=corp\n# my note\n") \
        .replace("region = us-east-1\n", "region = us-east-1\ncli_pager = less\n")
    assert kept in text
    text = text.replace(kept, edited)
    text += (f"\n[profile handmade]\nsso_session = corp\nsso_account_id = {gone1.account_id}\n"
             f"sso_role_name = {gone1_roles[0]}\n")
    other = _block(gone2.account_id, gone2_roles[0]).replace("sso-session=corp", "sso-session=other") \
        .replace(f"[profile {gone2.account_id}_", f"[profile other-{gone2.account_id}_")
    text += other
    _config().write_text(text)

    new_org = [(a, roles) for a, roles in org if a.account_id not in (gone1.account_id,
                                                                      gone2.account_id)]
    new_org = [(a, roles[1:] if a.account_id == shrunk.account_id else roles) for a, roles in new_org]
    emulator.set_org(new_org)  # type: ignore[attr-defined]

    assert main(["profiles", "sync", "--yes"]) == 0  # without --prune nothing goes
    assert _config().read_text() == text
    capsys.readouterr()

    assert main(["profiles", "sync", "--yes", "--prune"]) == 0
    gone = [(gone1.account_id, r) for r in gone1_roles] + \
           [(gone2.account_id, r) for r in gone2_roles] + [(shrunk.account_id, shrunk_roles[0])]
    expected = text
    for account, role in gone:
        assert _block(account, role) in expected
        expected = expected.replace(_block(account, role), "")
    assert _config().read_text() == expected
    assert edited in expected and "[profile handmade]\n" in expected and other in expected
    assert f"{len(gone)} pruned" in capsys.readouterr().err

    mtime = _config().stat().st_mtime_ns
    assert main(["profiles", "sync", "--yes", "--prune"]) == 0  # nothing left to do
    assert _config().read_text() == expected and _config().stat().st_mtime_ns == mtime


def test_prune_with_a_filter_still_prunes_only_what_the_listing_lost(
        signed_in: str, emulator: object) -> None:
    org = emulator.org  # type: ignore[attr-defined]
    assert main(["profiles", "sync", "--yes"]) == 0
    before = _config().read_text()
    first, roles = org[0]
    # the filter picks one account; every other synced profile is still listed: kept
    assert main(["profiles", "sync", "--yes", "--prune", first.account_id]) == 0
    assert _config().read_text() == before
    emulator.set_org(org[1:])  # type: ignore[attr-defined]
    second = org[1][0]
    assert main(["profiles", "sync", "--yes", "--prune", second.account_id]) == 0
    after = _config().read_text()
    expected = before
    for role in roles:
        expected = expected.replace(_block(first.account_id, role), "")
    assert after == expected


def test_a_renamed_account_moves_its_profiles_to_the_new_name_with_prune(
        signed_in: str, emulator: object, capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.core.models import Account

    org = emulator.org  # type: ignore[attr-defined]
    first, roles = org[0]
    template = ["--name-template", "{account_name}-{role_name}"]
    assert main(["profiles", "sync", "--yes", *template]) == 0
    before = _config().read_text()
    renamed = Account(first.account_id, "renamed-account", first.email_address)
    emulator.set_org([(renamed, roles), *org[1:]])  # type: ignore[attr-defined]
    capsys.readouterr()
    assert main(["profiles", "sync", "--yes", *template]) == 0  # adds; the old names stay
    err = capsys.readouterr().err
    assert f"is now named 'renamed-account-{roles[0]}'; --prune removes it" in err
    middle = _config().read_text()
    assert middle.startswith(before) and f"[profile renamed-account-{roles[0]}]\n" in middle
    assert main(["profiles", "sync", "--yes", "--prune", *template]) == 0
    text = _config().read_text()
    assert f"[profile {first.account_name}-{roles[0]}]" not in text
    assert text.count(f"sso_account_id = {first.account_id}\n") == len(roles)
    assert f"{len(roles)} pruned" in capsys.readouterr().err

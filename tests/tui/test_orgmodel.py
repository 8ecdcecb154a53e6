"""The org model alone (no Textual, no Pilot): listing events in, entries and order out."""

from __future__ import annotations

from datetime import UTC, datetime

from ssotui.core.dircache import ChangeReport
from ssotui.core.directory import (
    AccountFailed,
    AccountsPage,
    CachedOrg,
    Finished,
    Progress,
    RolesLoaded,
)
from ssotui.core.models import Account
from ssotui.tui.filtering import Query
from ssotui.tui.orgmodel import Change, OrgModel

A = Account("111122223333", "prod-payments", "pay@example.com")
B = Account("222233334444", "Beta", "beta@example.com")
C = Account("333344445555", "alpha", "alpha@example.com")


def names(model: OrgModel) -> list[str]:
    return [e.name for e in model.visible()]


def test_pages_then_roles_build_the_entries_in_name_order() -> None:
    m = OrgModel()
    assert m.apply(AccountsPage((A, B), complete=False)).accounts
    assert m.apply(AccountsPage((C,), complete=True)).accounts
    # case-insensitive: "alpha" < "Beta" < "prod-payments" (plain sorting puts B first)
    assert names(m) == ["alpha", "Beta", "prod-payments"]
    assert m.entries[A.account_id].roles is None  # not listed yet
    change = m.apply(RolesLoaded(A.account_id, ("Admin", "ReadOnly")))
    assert change.accounts and change.roles_of == A.account_id
    assert m.entries[A.account_id].roles == ["Admin", "ReadOnly"]
    assert [e.name for e in m.visible(Query.parse("pay adm"))] == ["prod-payments"]


def test_a_cached_org_confirmed_by_the_portal_changes_nothing() -> None:
    m = OrgModel()
    m.apply(CachedOrg((A, B), {A.account_id: ("Admin",), B.account_id: ("Dev",)},
                      datetime.now(UTC)))
    m.visible()
    version = m.version
    assert not m.apply(AccountsPage((A, B), complete=True)).accounts
    assert not m.apply(RolesLoaded(A.account_id, ("Admin",))).accounts
    assert m.version == version  # so the screen does not re-filter
    assert m.apply(RolesLoaded(A.account_id, ("Admin", "New"))).accounts
    assert m.version > version


def test_finished_removes_accounts_gone_from_the_portal_and_reports_it() -> None:
    m = OrgModel()
    m.apply(AccountsPage((A, B, C), complete=True))
    report = ChangeReport(accounts_removed=(B,))
    change = m.apply(Finished((A, C), {}, {}, changes=report))
    assert change.finished and change.accounts
    assert names(m) == ["alpha", "prod-payments"]
    assert change.notes and "1 account removed" in change.notes[0]


def test_a_cancelled_listing_removes_nothing() -> None:
    m = OrgModel()
    m.apply(AccountsPage((A, B), complete=True))
    change = m.apply(Finished((A,), {}, {}, changes=ChangeReport(accounts_removed=(B,)),
                              cancelled=True))
    assert not change.accounts and len(m.entries) == 2


def test_failures_and_events_for_the_screen_only() -> None:
    m = OrgModel()
    m.apply(AccountsPage((A,), complete=True))
    assert m.apply(AccountFailed(A.account_id, "AccessDenied")).failed == A.account_id
    assert m.failures == {A.account_id: "AccessDenied"}
    # progress is the status bar's business: nothing changes in the model
    assert m.apply(Progress(1, 1, True, 2, 1.0, 0, 1, 5.0)) == Change()


def test_favorites_sort_first_and_narrowing_reuses_the_last_matches() -> None:
    m = OrgModel()
    m.apply(AccountsPage((A, B, C), complete=True))
    m.set_favorites({A.account_id})
    assert names(m)[0] == "prod-payments"
    assert [e.name for e in m.visible(Query.parse("a"))]  # alpha, Beta, prod-payments
    assert [e.name for e in m.visible(Query.parse("al"))] == ["alpha"]
    m.remove([C.account_id])  # a change: the cache of matches is not reused
    assert m.visible(Query.parse("alp")) == []

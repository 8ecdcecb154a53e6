"""The per-session listing cache: round trip, stale-while-revalidate, change report,
file mode, and corrupt or foreign cache files ignored with a warning."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import pytest

import test_directory
from ssotui.core import dircache
from ssotui.core import directory as d
from ssotui.core.dircache import ChangeReport
from ssotui.core.models import Account, SsoSession
from test_directory import SESSION, START_URL, Recorder, org_of, truth

portal = test_directory.portal  # the same fixture: an Emulator(**kwargs) factory


def listing(clients: Any, token: str, session: SsoSession = SESSION,
            refresh: bool = False) -> tuple[d.Finished, Recorder]:
    rec = Recorder()
    loader = d.DirectoryLoader(clients.listing, lambda: token, rec, session=session, rate=400)
    final = loader.start(refresh=refresh).wait(timeout=60)
    loader.close()
    assert final is not None
    return final, rec


def test_cache_round_trip_and_warm_start(portal: Any, isolated_home: Path) -> None:
    emu, clients, token = portal(accounts=30, roles_per_account=3, seed=4)
    first, rec = listing(clients, token)
    assert rec.of(d.CachedOrg) == [] and first.changes is None  # no cache yet
    path = dircache.cache_path(SESSION)
    assert path.parent == isolated_home / ".cache" / "ssotui"  # SSOTUI_CACHE_DIR
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert doc["startUrl"] == START_URL and doc["savedAt"]

    cached = dircache.load(SESSION)
    assert cached is not None
    assert list(cached.accounts) == [a for a, _ in emu.org]
    assert cached.roles == truth(emu)

    calls = emu.calls["ListAccounts"]
    second, rec = listing(clients, token)
    first_event = rec.events[0]
    assert isinstance(first_event, d.CachedOrg)  # before any network answer
    assert first_event.roles == truth(emu)
    assert emu.calls["ListAccounts"] == calls + 1  # ...and revalidated in the background
    assert second.changes == ChangeReport() and second.changes.empty


def test_refresh_skips_the_cached_org_but_reports_changes(portal: Any) -> None:
    emu, clients, token = portal(accounts=10, seed=4)
    listing(clients, token)
    final, rec = listing(clients, token, refresh=True)
    assert rec.of(d.CachedOrg) == []
    assert final.changes is not None and final.changes.empty


def test_change_report_lists_accounts_and_roles_added_and_removed(portal: Any) -> None:
    before = org_of([2, 2, 2])
    _, clients, token = portal(org=before)
    listing(clients, token)

    kept0, kept1 = before[0][0], before[1][0]
    gone = before[2][0]
    new = Account("200000000000", "acct-new", "new@example.com")
    after = [
        (kept0, ["Role000", "Role001", "Extra"]),  # one role added
        (kept1, ["Role001"]),  # one role removed
        (new, ["Role000"]),
    ]
    _, clients2, token2 = portal(org=after)
    final, rec = listing(clients2, token2)
    assert isinstance(rec.events[0], d.CachedOrg)
    assert final.changes == ChangeReport(
        accounts_added=(new,),
        accounts_removed=(gone,),
        roles_added=((kept0.account_id, "Extra"),),
        roles_removed=((kept1.account_id, "Role000"),),
    )
    assert final.changes.summary() == "1 account added, 1 account removed, 1 role added, 1 role removed"
    # the cache now holds the new org
    cached = dircache.load(SESSION)
    assert cached is not None and [a.account_id for a in cached.accounts] == [
        kept0.account_id, kept1.account_id, new.account_id]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b'{"version": 1, "startUrl": 5}', b'[1, 2]',
     b'{"version": 1, "startUrl": "x", "savedAt": "now", "accounts": 3}',
     b'{"version": 99}', "\u00e9t\u00e9".encode("latin-1")],
    ids=["truncated", "empty", "missing-keys", "list", "bad-types", "future-version", "not-utf8"],
)
def test_corrupt_cache_is_ignored_with_a_warning(
    portal: Any, content: bytes, caplog: pytest.LogCaptureFixture,
) -> None:
    emu, clients, token = portal(accounts=8, seed=9)
    path = dircache.cache_path(SESSION)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="ssotui.core.directory"):
        final, rec = listing(clients, token)
    warnings = rec.of(d.CacheWarning)
    assert len(warnings) == 1 and str(path) in warnings[0].message
    assert any(str(path) in r.getMessage() for r in caplog.records)
    assert rec.of(d.CachedOrg) == []
    assert final.roles == truth(emu) and final.changes is None
    assert dircache.load(SESSION) is not None  # rewritten, usable again


def test_cache_for_another_start_url_is_not_shown(portal: Any) -> None:
    _, clients, token = portal(accounts=4)
    other = SsoSession("corp", "https://d-other.awsapps.com/start", "us-east-1")
    dircache.save(other, [Account("111111111111", "elsewhere")], {"111111111111": ("R",)})
    final, rec = listing(clients, token)
    assert rec.of(d.CachedOrg) == []
    assert "another start URL" in rec.of(d.CacheWarning)[0].message
    assert all(a.account_name != "elsewhere" for a in final.accounts)


# The writer's promises (a kill mid-write leaves the old file, 0600 whatever the umask,
# symlinks followed) are tested for this cache and the token cache in test_cache_writes.py.


def test_failed_listing_leaves_the_cache_alone(portal: Any) -> None:
    org = org_of([1, 1])
    _, clients, token = portal(org=org)
    listing(clients, token)
    acct_id = org[1][0].account_id
    _, clients2, token2 = portal(org=[org[0], (org[1][0], ["Role000"])], fault_rate=1.0)
    final, _ = listing(clients2, token2)
    # every call fails: ListAccounts gives up, nothing is cached over the old org
    assert final.error is not None
    cached = dircache.load(SESSION)
    assert cached is not None and cached.roles[acct_id] == ("Role000",)

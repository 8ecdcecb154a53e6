"""Start-up: the prefetch that reads config, token and cache before the app starts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from conftest import REGION, SESSION, START_URL, write_token_file
from ssotui.tui.backend import Prefetch
from tui.tuikit import make_app, rows, screen_name, wait_for, wait_main_loaded


async def _cache_the_org(start: Any) -> None:
    """One full run, so the listing cache holds the org."""
    async with start() as pilot:
        await wait_main_loaded(pilot)


async def test_prefetch_reads_session_token_and_cache(tui_signed_in: Any, start: Any) -> None:
    await _cache_the_org(start)
    pre = Prefetch(None)
    assert pre.session is not None and pre.session.name == SESSION
    assert pre.token is not None and pre.token.access_token
    assert pre.cached is not None
    assert len(pre.cached.accounts) == len(tui_signed_in.org)


def test_prefetch_leaves_a_token_near_expiry_to_the_app(tui_env: Any,
                                                        isolated_home: Path) -> None:
    # 5 minutes left: ensure_token would refresh it (network), so the prefetch stays out
    write_token_file(isolated_home, SESSION, tui_env.mint_token(start_url=START_URL),
                     timedelta(minutes=5))
    pre = Prefetch(None)
    assert pre.sessions is not None and [s.name for s in pre.sessions] == [SESSION]
    assert pre.session is None and pre.cached is None


def test_prefetch_with_several_sessions_needs_a_name(tui_signed_in: Any,
                                                     isolated_home: Path) -> None:
    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + f"\n[sso-session other]\nsso_start_url = "
                      f"https://d-other.awsapps.com/start\nsso_region = {REGION}\n")
    unnamed = Prefetch(None)
    named = Prefetch(SESSION)
    assert unnamed.session is None  # the picker decides
    assert named.session is not None and named.session.name == SESSION


def test_prefetch_of_a_malformed_config_leaves_the_error_to_the_app(
        tui_env: Any, isolated_home: Path) -> None:
    (isolated_home / ".aws" / "config").write_text("[sso-session broken]\nsso_region = x\n")
    pre = Prefetch(None)
    assert pre.session is None and pre.sessions is None


async def test_prefetched_start_goes_straight_to_the_cached_list(tui_signed_in: Any,
                                                                  start: Any) -> None:
    await _cache_the_org(start)
    tui_signed_in.reset_stats()
    tui_signed_in.latency_ms = 3000  # the portal is slow: what shows comes from the cache
    pre = Prefetch(SESSION)
    app = make_app(session_name=SESSION, prefetch=pre)
    try:
        async with start(app=app) as pilot:
            await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
            screen = app.screen
            assert screen.backend.token is pre.token  # no second read, no worker
            await wait_for(pilot, lambda: len(rows(screen, "accounts")) == len(
                tui_signed_in.org), "the cached accounts")
            assert tui_signed_in.calls["ListAccountRoles"] == 0
            assert all(e.roles is not None for e in rows(screen, "accounts"))
    finally:
        tui_signed_in.latency_ms = 0


def _save_cache(org: Any, extra: tuple[Any, ...] = ()) -> None:
    from ssotui.core import dircache
    from ssotui.core.models import SsoSession

    accounts = [a for a, _ in org] + list(extra)
    roles = {a.account_id: tuple(sorted(r)) for a, r in org}
    roles.update({a.account_id: ("ReadOnly",) for a in extra})
    dircache.save(SsoSession(SESSION, START_URL, REGION), accounts, roles)


async def test_revalidating_an_unchanged_cache_refilters_once(tui_signed_in: Any, start: Any) -> None:
    _save_cache(tui_signed_in.org)
    async with start() as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
        screen = app.screen
        await wait_for(pilot, lambda: len(rows(screen, "accounts")) == len(tui_signed_in.org),
                       "the cached accounts")
        before = screen.model.filtered
        await wait_for(pilot, lambda: screen.listing_done, "the revalidation")
        await pilot.pause()
        # every role the portal sent matched the cache: only Finished re-filtered
        assert tui_signed_in.calls["ListAccountRoles"] == len(tui_signed_in.org)
        assert screen.model.filtered - before == 1


async def test_an_account_gone_from_the_portal_leaves_the_list(tui_signed_in: Any, start: Any) -> None:
    from ssotui.core.models import Account

    gone = Account("999988887777", "closed-account", "closed@example.com")
    _save_cache(tui_signed_in.org, (gone,))
    async with start() as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
        screen = app.screen
        await wait_for(pilot, lambda: len(rows(screen, "accounts")) == len(tui_signed_in.org) + 1,
                       "the cached accounts, the closed one too")
        await wait_for(pilot, lambda: screen.listing_done, "the revalidation")
        await pilot.pause()
        ids = [e.account_id for e in rows(screen, "accounts")]
        assert gone.account_id not in ids and len(ids) == len(tui_signed_in.org)
        assert any("1 account removed" in str(n.message) for n in app._notifications)

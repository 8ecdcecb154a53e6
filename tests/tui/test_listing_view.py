"""The listing on screen: the highlighted account's roles first, throttling and
progress in the status bar, the warm start from the cache, the token countdown,
a revoked token during the listing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import REGION, SESSION, START_URL, write_token_file
from ssotui.core.models import Account
from tui.tuikit import (
    EXPIRES,
    make_app,
    rows,
    screen_name,
    screen_text,
    status_text,
    token_file,
    wait_for,
    wait_main_loaded,
)

# -- 1. the highlighted account's roles come first ------------------------------------

DEEP_ORG: list[tuple[Account, list[str]]] = [
    (Account(f"{100000000000 + i}", f"acct-{i:03d}", f"a{i}@example.com"),
     ["ReadOnly", f"Team{i:03d}Admin"])
    for i in range(150)
]


@pytest.fixture
def slow_org(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> Iterator[Any]:
    """150 accounts (two ListAccounts pages) behind a slow, throttling portal, signed in."""
    from ssotui.emulator import Emulator

    with Emulator(org=DEEP_ORG, seed=3, latency_ms=100, tps=6) as emu:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", emu.url)
        (isolated_home / ".aws" / "config").write_text(
            f"[sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n")
        write_token_file(isolated_home, SESSION, emu.mint_token(start_url=START_URL),
                         EXPIRES - datetime.now(UTC))
        yield emu


async def test_highlighted_deep_account_gets_its_roles_before_the_prefetch(
        slow_org: Any, start: Any) -> None:
    last, last_roles = DEEP_ORG[-1]
    async with start() as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main screen")
        screen = app.screen
        await wait_for(pilot, lambda: len(rows(screen, "accounts")) == len(DEEP_ORG),
                       "every account listed", limit=30)
        await pilot.press("end")  # the last account both here and in the portal's order
        await wait_for(pilot, lambda: screen.current_entry is not None
                       and screen.current_entry.account_id == last.account_id, "highlight")
        seen: dict[str, Any] = {}

        def roles_shown() -> bool:
            if rows(screen, "roles") != sorted(last_roles):
                return False
            # what the background prefetch had reached at that moment
            seen["loaded"] = sum(e.roles is not None for e in screen.model.entries.values())
            seen["calls"] = slow_org.calls["ListAccountRoles"]
            seen["done"] = screen.listing_done
            seen["status"] = status_text(screen)
            return True

        await wait_for(pilot, roles_shown, "the deep account's roles", limit=30)
        # The prefetch goes in list order: had it reached the last account, (nearly)
        # every other account would have its roles too.
        assert not seen["done"], seen
        assert seen["loaded"] < len(DEEP_ORG) // 2, seen
        assert seen["calls"] < len(DEEP_ORG) // 2, seen
        assert f"/{len(DEEP_ORG)}" in seen["status"] and "listing" in seen["status"], seen
        assert screen.current_role in last_roles


async def test_throttling_shows_in_the_status_bar(tui_signed_in: Any, start: Any) -> None:
    tui_signed_in.tps = 1  # the portal allows one request a second
    async with start() as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
        screen = app.screen
        await wait_for(pilot, lambda: "throttled" in status_text(screen)
                       or screen.listing_done, "throttling in the status bar", limit=60)
        assert not screen.listing_done, "listing ended with no throttling shown"
        assert tui_signed_in.throttled > 0
        await wait_for(pilot, lambda: screen.listing_done, "listing done", limit=90)
        assert all(e.roles is not None for e in screen.model.entries.values())  # nothing lost


@pytest.mark.parametrize("prefetched", [True, False], ids=["prefetched", "worker"])
async def test_warm_start_shows_the_cached_org_before_the_portal_answers(
        tui_signed_in: Any, prefetched: bool, start: Any) -> None:
    first = make_app()
    async with start(app=first) as pilot:
        await wait_main_loaded(pilot)
    tui_signed_in.reset_stats()
    tui_signed_in.latency_ms = 3000  # the portal is slow on the second run
    async with start(prefetch=prefetched) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
        screen = app.screen
        seen: dict[str, Any] = {}

        def cached_org_shown() -> bool:
            shown = rows(screen, "accounts")
            if len(shown) < len(tui_signed_in.org) or any(e.roles is None for e in shown):
                return False
            seen.update(done=screen.listing_done, **tui_signed_in.calls)
            return True

        await wait_for(pilot, cached_org_shown, "cached accounts and roles")
        # every role was on screen before the portal had been asked for any
        assert seen["ListAccountRoles"] == 0 and not seen["done"], seen
        # the rows are set; under load the frame that draws them may come a little later
        await wait_for(pilot, lambda: "prod-payments" in screen_text(app), "rows drawn")
        tui_signed_in.latency_ms = 0


async def test_status_bar_counts_the_token_down(tui_signed_in: Any, start: Any) -> None:
    from datetime import timedelta

    from tui.tuikit import NOW

    now = [NOW]
    async with start(clock=lambda: now[0]) as pilot:
        screen = await wait_main_loaded(pilot)
        assert "7h42m left" in status_text(screen)
        now[0] = NOW + timedelta(hours=7, minutes=35)
        await wait_for(pilot, lambda: "7m00s left" in status_text(screen), "countdown")
        now[0] = EXPIRES + timedelta(seconds=1)
        await wait_for(pilot, lambda: "expired" in status_text(screen), "expired")


async def test_revoked_token_during_listing_signs_in_and_resumes(tui_signed_in: Any,
                                                                 isolated_home: Path, start: Any) -> None:
    # signed out at the portal (e.g. from another machine) but the token file looks valid:
    # the listing's first call gets a 401
    tui_signed_in.revoke(json.loads(token_file(isolated_home).read_text())["accessToken"])
    app = make_app(flow="pkce")  # the headless browser approves the new sign-in
    async with start(app=app) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "SignInScreen"
                       or tui_signed_in.calls["CreateToken"] > 0, "sign-in")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen"
                       and tui_signed_in.calls["CreateToken"] == 1, "main after sign-in")
        screen = app.screen
        await wait_for(pilot, lambda: len(rows(screen, "accounts")) == len(tui_signed_in.org)
                       and all(e.roles is not None for e in rows(screen, "accounts")),
                       "the listing after sign-in")
        assert tui_signed_in.calls["ListAccounts"] >= 2
        await pilot.press(*"log arch", "enter")
        await wait_for(pilot, lambda: app.clipboard, "copy with the new token")

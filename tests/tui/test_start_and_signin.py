"""Start-up paths (one, several, no sessions; a bad config) and the sign-in screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import REGION, SESSION, START_URL, write_token_file
from tui.tuikit import EXPIRES, make_app, notifications, screen_name, screen_text, wait_for


def never_open(url: str) -> bool:
    """A browser that cannot open (e.g. over SSH): the user must use the URL."""
    return False


def add_session(home: Path, name: str, url: str = "https://d-other.awsapps.com/start") -> None:
    config = home / ".aws" / "config"
    config.write_text(config.read_text() + f"\n[sso-session {name}]\nsso_start_url = {url}\n"
                      f"sso_region = eu-west-1\n")


async def test_several_sessions_show_the_picker_with_state(tui_signed_in: Any,
                                                           isolated_home: Path, start: Any) -> None:
    add_session(isolated_home, "other")
    async with start() as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "SessionsScreen", "picker")
        await wait_for(pilot, lambda: "signed out" in screen_text(app), "the sessions' state")
        text = screen_text(app)
        assert re.search(r"corp\s+https://d-emulator.awsapps.com/start\s+us-east-1\s+"
                         r"signed in · 7h42m left", text), text
        assert re.search(r"other\s+https://d-other.awsapps.com/start\s+eu-west-1\s+signed out",
                         text), text
        await pilot.press("enter")  # corp is first
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")


async def test_no_session_shows_a_form_that_creates_one(tui_env: Any,
                                                        isolated_home: Path, start: Any) -> None:
    config = isolated_home / ".aws" / "config"
    config.write_text("# my settings\n[default]\nregion = eu-west-1\n")
    async with start(flow="pkce") as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "NewSessionScreen", "form")
        await pilot.press(*"work", "enter")
        await pilot.press(*"bad url", "enter", "enter")
        await wait_for(pilot, lambda: "✗" in screen_text(app), "validation error")
        app.screen.query_one("#start_url").value = START_URL
        await pilot.press("ctrl+s")
        # the new session has no token: sign-in (browser auto-approves), then main
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
    text = config.read_text()
    assert text.startswith("# my settings\n[default]\nregion = eu-west-1\n")
    assert f"[sso-session work]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n" in text


async def test_pkce_sign_in_then_main(tui_env: Any, isolated_home: Path, start: Any) -> None:
    async with start(flow="pkce") as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main after sign-in")
        assert tui_env.calls["CreateToken"] == 1
    tokens = list((isolated_home / ".aws" / "sso" / "cache").glob("*.json"))
    assert any('"accessToken"' in p.read_text() for p in tokens)


async def test_pkce_shows_url_copies_it_and_escape_cancels(tui_env: Any, start: Any) -> None:
    async with start(flow="pkce", open_browser=never_open) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: "did not open" in screen_text(app), "URL")
        await pilot.press("u")
        assert app.clipboard.startswith(tui_env.url + "/authorize?response_type=code")
        assert "sign-in URL copied" in notifications(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: "cancelled" in screen_text(app), "cancelled")
        # retry, then let "the user" open the copied URL in a browser elsewhere
        await pilot.press("r")
        await wait_for(pilot, lambda: "did not open" in screen_text(app), "URL again")
        await pilot.press("u")
        from ssotui.commands.tui import headless_browser

        headless_browser(app.clipboard)
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")


async def test_denied_in_browser_shows_error_and_retry_works(tui_env: Any, start: Any) -> None:
    tui_env.deny_authorize = True
    async with start(flow="pkce") as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: "denied" in screen_text(app), "error")
        assert "r retry" in screen_text(app)
        tui_env.deny_authorize = False
        await pilot.press("r")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")


async def test_device_code_flow_shows_code_and_completes(tui_env: Any, start: Any) -> None:
    tui_env.approve_mode = "manual"
    async with start(flow="device") as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: tui_env.pending_user_codes(), "a device code")
        code = tui_env.pending_user_codes()[0]
        await wait_for(pilot, lambda: " ".join(code) in screen_text(app), "code on screen")
        await pilot.press("u")
        assert code.replace("-", "") in app.clipboard.replace("-", "")  # verificationUriComplete
        tui_env.approve(code)
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")


async def test_expired_token_goes_to_sign_in(tui_env: Any, isolated_home: Path, start: Any) -> None:
    token = tui_env.mint_token(start_url=START_URL)
    write_token_file(isolated_home, SESSION, token, datetime(2000, 1, 1, tzinfo=UTC)
                     - datetime.now(UTC))
    async with start(flow="pkce", open_browser=never_open) as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "SignInScreen", "sign-in")


async def test_malformed_config_is_an_error_screen_naming_the_line(tui_env: Any,
                                                                   isolated_home: Path, start: Any) -> None:
    config = isolated_home / ".aws" / "config"
    config.write_text("[sso-session corp\nsso_start_url = x\n")
    async with start() as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", "error screen")
        await wait_for(pilot, lambda: f"{config}:1" in screen_text(app).replace("\n", ""),
                       "the file and line on screen")
        config.write_text(f"[sso-session corp]\nsso_start_url = {START_URL}\n"
                          f"sso_region = {REGION}\n")
        write_token_file(isolated_home, SESSION, tui_env.mint_token(start_url=START_URL),
                         EXPIRES - datetime.now(UTC))
        await pilot.press("r")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main after retry")


async def test_unknown_session_name_is_an_error(tui_env: Any, start: Any) -> None:
    async with start(session_name="nope") as pilot:
        app = pilot.app
        await wait_for(pilot, lambda: screen_name(app) == "ErrorScreen", "error screen")
        await wait_for(pilot, lambda: "No sso-session 'nope'" in screen_text(app), "its text")


@pytest.mark.parametrize("prefetched", [False, True], ids=["worker", "prefetched"])
async def test_s_switches_session(tui_signed_in: Any, isolated_home: Path,
                                  prefetched: bool, start: Any) -> None:
    """Prefetched, the main screen is the app's first screen; switching away must
    replace it (unmounted, listing stopped), not leave it running underneath."""
    add_session(isolated_home, "other", url="https://d-other.awsapps.com/start")
    app = make_app(session_name=SESSION, flow="device", open_browser=never_open,
                   prefetch=prefetched)
    async with start(app=app) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
        first_main = app.screen
        assert (app.screen_stack[0] is first_main) == prefetched
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen_name(app) == "SessionsScreen", "picker")
        await pilot.press("escape")  # back to where we were
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main again")
        await pilot.press("escape", "s")  # list mode's s
        await wait_for(pilot, lambda: screen_name(app) == "SessionsScreen", "picker")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: screen_name(app) == "SignInScreen", "sign-in for other")
        assert "other" in screen_text(app)
        assert app.backend is not None and app.backend.session.name == "other"
        below = "MainScreen" if prefetched else "Screen"
        assert [type(x).__name__ for x in app.screen_stack] == [below, "SignInScreen"]
        if prefetched:  # Textual keeps its first screen: retired, not left running
            assert first_main.listing.loader is None and not first_main.model.entries
            from ssotui.core.directory import AccountsPage
            from ssotui.core.models import Account
            from ssotui.tui.messages import DirectoryEvent

            late = AccountsPage((Account("123456789012", "late-page"),), complete=True)
            first_main.post_message(DirectoryEvent(late))  # a cancelled loader's last word
            await pilot.pause(0.1)
            assert not first_main.model.entries
        else:
            await wait_for(pilot, lambda: not first_main.is_attached, "the old main screen gone")


async def test_picker_marks_an_expired_session(tui_signed_in: Any,
                                               isolated_home: Path, start: Any) -> None:
    import re
    from datetime import timedelta

    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + "\n[sso-session old]\n"
                      "sso_start_url = https://d-old.awsapps.com/start\nsso_region = eu-west-1\n")
    write_token_file(isolated_home, "old", tui_signed_in.mint_token(
        start_url="https://d-old.awsapps.com/start"), timedelta(hours=1),
        start_url="https://d-old.awsapps.com/start", region="eu-west-1")
    app = make_app()  # the app's clock is years after that token's expiry
    async with start(app=app) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "SessionsScreen", "picker")
        await wait_for(pilot, lambda: "expired" in screen_text(app), "the sessions' state")
        text = screen_text(app)
        assert re.search(r"old\s+https://d-old.awsapps.com/start\s+eu-west-1\s+expired",
                         text), text
        assert re.search(r"corp\s+\S+\s+us-east-1\s+signed in · 7h42m left", text), text

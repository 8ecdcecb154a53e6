"""More Pilot tests against the emulator: priority of the highlighted account,
clipboard auto-clear on a real X server, logout from the palette, favorites and
recent across runs, secrets kept off the screen, and smaller flows of issue 6."""

from __future__ import annotations

import hashlib
import html
import json
import os
import subprocess
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
    notifications,
    rows,
    screen_name,
    screen_text,
    wait_for,
    wait_main_loaded,
    x_clipboard,
)


def never_open(url: str) -> bool:
    """A browser that cannot open: the sign-in screen waits for the user."""
    return False


def status_text(screen: Any) -> str:
    from textual.css.query import NoMatches

    try:
        return str(screen.query_one("#status").render())
    except NoMatches:
        return ""


def token_file(home: Path) -> Path:
    """Where the AWS CLI keeps the token of sso-session `corp` (sha1 of its name)."""
    name = hashlib.sha1(SESSION.encode()).hexdigest() + ".json"
    return home / ".aws" / "sso" / "cache" / name


def listing_caches(home: Path) -> list[Path]:
    return sorted((home / ".cache" / "ssotui").glob(f"directory-{SESSION}-*.json"))


def save_prefs(**values: Any) -> None:
    from ssotui.core import prefs

    prefs.save_prefs(prefs.Prefs(**values))


def leaked(secret: str, text: str, window: int = 12) -> str | None:
    """A piece of `secret` found in `text` (a wrapped or cut secret still counts)."""
    for i in range(len(secret) - window + 1):
        if secret[i:i + window] in text:
            return secret[i:i + window]
    return None


def assert_no_secret(app: Any, secrets: dict[str, str], when: str) -> None:
    svg = html.unescape(app.export_screenshot()).replace("\u00a0", " ")
    shown = screen_text(app) + "\n".join(notifications(app))
    for what, secret in secrets.items():
        for where, text in (("screen", shown), ("SVG", svg)):
            piece = leaked(secret, text)
            assert piece is None, f"{what} ({piece!r}) in the {where} {when}"


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
        slow_org: Any) -> None:
    last, last_roles = DEEP_ORG[-1]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
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
            seen["loaded"] = sum(e.roles is not None for e in screen.entries.values())
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


# -- 2. clipboard auto-clear on a real X clipboard ------------------------------------

def clear_processes(text: str) -> list[int]:
    """Pids of `python -m ssotui.core.clipboard --clear-after N <sha256 of text>`."""
    digest = hashlib.sha256(text.encode()).hexdigest().encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"--clear-after" in cmdline and digest in cmdline:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has finished


def x_copy(display: str, text: str) -> None:
    """The user copies something else (with xclip, as any X program would)."""
    subprocess.run(["xclip", "-selection", "clipboard", "-in"], input=text.encode(),
                   env={**os.environ, "DISPLAY": display}, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=10, check=True)


async def copy_with_autoclear(pilot: Any, query: str) -> str:
    app = pilot.app
    await wait_main_loaded(pilot)
    await pilot.press("slash", *query, "escape", "c")
    await wait_for(pilot, lambda: app.clipboard, "clipboard")
    await wait_for(pilot, lambda: any("(xclip)" in n for n in notifications(app)),
                   "copied to the X clipboard")
    return str(app.clipboard)


async def test_autoclear_empties_the_x_clipboard(tui_signed_in: Any, xdisplay: str) -> None:
    save_prefs(autoclear_seconds=1)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        copied = await copy_with_autoclear(pilot, "log arch")
        secret = copied.splitlines()[1].split("=", 1)[1]
        assert clear_processes(copied), "no auto-clear was scheduled"
        await wait_for(pilot, lambda: secret not in x_clipboard(xdisplay),
                       "the X clipboard to be cleared", limit=30)
        assert x_clipboard(xdisplay) == ""


async def test_autoclear_keeps_what_the_user_copied_since(tui_signed_in: Any,
                                                          xdisplay: str) -> None:
    save_prefs(autoclear_seconds=2)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        copied = await copy_with_autoclear(pilot, "prod-identity")
        x_copy(xdisplay, "my own notes")
        pids = clear_processes(copied)
        # the clear must still be pending, or this test would prove nothing
        assert pids and all(running(p) for p in pids), "auto-clear already ran"
        await wait_for(pilot, lambda: not any(running(p) for p in pids),
                       "the auto-clear to finish", limit=30)
        assert x_clipboard(xdisplay) == "my own notes"


# -- 3. logout from the command palette -----------------------------------------------

async def test_palette_logout_signs_out_everywhere(tui_signed_in: Any,
                                                   isolated_home: Path) -> None:
    token = json.loads(token_file(isolated_home).read_text())["accessToken"]
    app = make_app(flow="pkce", open_browser=never_open)  # no automatic sign-in after
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        assert listing_caches(isolated_home), "the finished listing is cached"
        assert tui_signed_in.check_access(token)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: screen_name(app) == "CommandPalette", "palette")
        await pilot.press(*"logout")
        await wait_for(pilot, lambda: "Logout" in screen_text(app), "the Logout command")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen_name(app) == "SignInScreen", "sign-in screen")
        assert tui_signed_in.calls["Logout"] == 1
        assert not token_file(isolated_home).exists()
        assert listing_caches(isolated_home) == []
        assert not tui_signed_in.check_access(token)  # revoked at the portal too
        assert any("signed out of corp" in n for n in notifications(app))
        await wait_for(pilot, lambda: "did not open" in screen_text(app), "sign-in URL")


# -- 4. favorites and recent ----------------------------------------------------------

async def test_favorite_jump_after_filtering_and_across_runs(tui_signed_in: Any) -> None:
    from ssotui.core import prefs

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        await pilot.press("slash", *"legacy", "escape", "f")
        await wait_for(pilot, lambda: any("added to favorites" in n
                                          for n in notifications(app)), "favorite note")
        # filter for something else, move the highlight, then jump
        await pilot.press("escape", "slash", *"dev", "escape", "down")
        assert screen.current_entry is not None and screen.current_entry.name != "legacy-[eu]"
        await pilot.press("1")
        await pilot.pause()
        assert screen.current_entry.name == "legacy-[eu]"
        assert screen.current_role == "Billing"
        assert screen.query_one("#filter").value == ""  # the jump clears the filter
    assert prefs.load_prefs().favorites == ["666677778888/Billing"]

    again = make_app()  # a new run reads the favorite back from the prefs file
    async with again.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        assert rows(screen, "accounts")[0].name == "legacy-[eu]"  # favorites first
        assert "★" in screen_text(again)
        await pilot.press("end", "1")
        await pilot.pause()
        assert (screen.current_entry.name, screen.current_role) == ("legacy-[eu]", "Billing")
        await pilot.press("f")  # unmark: gone from the prefs file
        await wait_for(pilot, lambda: prefs.load_prefs().favorites == [], "unmarked")


async def test_recent_copies_follow_favorites_on_the_digit_keys(tui_signed_in: Any) -> None:
    from ssotui.core import prefs

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        await pilot.press("slash", *"staging dev", "escape", "c")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert prefs.load_prefs().recent == ["777788889999/Developer"]
        await pilot.press("escape", "slash", *"log arch", "escape", "f", "escape")
        await pilot.pause()
        await pilot.press("home", "2")  # 1: the favorite, 2: the recent copy
        await pilot.pause()
        assert (screen.current_entry.name, screen.current_role) == ("staging-api", "Developer")
        await pilot.press("1")
        await pilot.pause()
        assert (screen.current_entry.name, screen.current_role) == (
            "log-archive", "SecurityAudit")
        await pilot.press("3")
        await pilot.pause()
        assert any("no favorite or recent #3" in n for n in notifications(app))


async def test_jump_to_a_favorite_that_is_not_the_first_role(tui_signed_in: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        await pilot.press("slash", *"prod-identity view", "escape", "f", "escape")
        await pilot.press("end")  # somewhere else
        await pilot.pause()
        assert screen.current_entry.name != "prod-identity"
        await pilot.press("1")
        await pilot.pause(0.3)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        note = "\n".join(notifications(app))
        assert "prod-identity / ViewOnlyAccess" in note, note
        assert screen.current_role == "ViewOnlyAccess"


# -- 5. secrets never on screen -------------------------------------------------------

async def copy_exports(pilot: Any, query: str) -> dict[str, str]:
    """Filter for `query`, copy with `c`; the copied exports as {NAME: value}."""
    app = pilot.app
    await pilot.press("slash", *query, "escape", "c")
    await wait_for(pilot, lambda: app.clipboard, "clipboard")
    return dict(line.removeprefix("export ").split("=", 1)
                for line in app.clipboard.splitlines())


async def test_secrets_never_on_screen_through_c_p_w(tui_signed_in: Any,
                                                      isolated_home: Path) -> None:
    access_token = json.loads(token_file(isolated_home).read_text())["accessToken"]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_main_loaded(pilot)
        values = await copy_exports(pilot, "sandbox")
        secrets = {"access token": access_token,
                   "secret key": values["AWS_SECRET_ACCESS_KEY"],
                   "session token": values["AWS_SESSION_TOKEN"]}
        assert_no_secret(app, secrets, "after c")

        await pilot.press("p")
        await wait_for(pilot, lambda: "sso_account_id = 333344445555" in screen_text(app),
                       "profile preview")
        assert_no_secret(app, secrets, "in the profile modal")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "profile written")
        assert_no_secret(app, secrets, "after p")

        await pilot.press("w")
        await wait_for(pilot, lambda: "aws_secret_access_key" in screen_text(app),
                       "credentials preview")
        # the default name is the profile just written: a section under it is refused
        app.screen.query_one("#name").value = "sandbox-keys"
        await wait_for(pilot, lambda: "[sandbox-keys]" in screen_text(app), "renamed")
        assert_no_secret(app, secrets, "in the credentials modal")
        await pilot.press("ctrl+s")
        creds_file = isolated_home / ".aws" / "credentials"
        await wait_for(pilot, creds_file.exists, "credentials written")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "back to main")
        written = creds_file.read_text()
        # the file holds this session's credentials (same cache), never the screen
        assert values["AWS_SECRET_ACCESS_KEY"] in written
        assert_no_secret(app, secrets, "after w")


async def test_ctrl_v_in_the_filter_does_not_put_the_secret_on_screen(
        tui_signed_in: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        values = await copy_exports(pilot, "log arch")
        await pilot.press("escape", "slash", "ctrl+v")  # e.g. to paste an account id
        await pilot.pause(0.3)
        assert_no_secret(app, {"secret key": values["AWS_SECRET_ACCESS_KEY"],
                               "session token": values["AWS_SESSION_TOKEN"]},
                         "after ctrl+v in the filter")


# -- 6. flows of issue 6 with no test yet ---------------------------------------------

@pytest.fixture
def shadowing_profile(tui_signed_in: Any, isolated_home: Path,
                      monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """[profile pay-admin] for prod-payments/AdministratorAccess, and static keys under
    [pay-admin] in a credentials file at a path as long as ~/.aws/credentials usually is."""
    import tempfile

    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + "\n[profile pay-admin]\nsso_session = corp\n"
                      "sso_account_id = 111122223333\nsso_role_name = AdministratorAccess\n")
    with tempfile.TemporaryDirectory(dir="/tmp") as short:
        creds = Path(short) / "credentials"
        creds.write_text("[pay-admin]\naws_access_key_id = AKIAEXAMPLE\n"
                         "aws_secret_access_key = x\n")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
        yield creds


WARNING = "under this profile's name"


async def test_details_show_profiles_and_the_shadowing_credentials_section(
        shadowing_profile: Path) -> None:
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await wait_main_loaded(pilot)
        await pilot.press("slash", *"prod-payments adm", "escape")
        await wait_for(pilot, lambda: WARNING in screen_text(app), "shadow warning")
        text = screen_text(app)
        assert "111122223333" in text and "payments-prod@example.com" in text
        assert f"[pay-admin]: static keys in {shadowing_profile.name}" in text
        assert "profiles pay-admin" in " ".join(text.split())
        # another role of the same account: no profile, no warning
        await pilot.press("tab", "down")
        await wait_for(pilot, lambda: screen.current_role == "ReadOnly", "ReadOnly")
        await wait_for(pilot, lambda: "none in config" in screen_text(app), "no profiles")
        assert WARNING not in screen_text(app)


async def test_shadow_warning_is_readable_at_80x24(shadowing_profile: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press("slash", *"prod-payments adm", "escape")
        await wait_for(pilot, lambda: "⚠" in screen_text(app), "a warning")
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "static keys" in " ".join(text.split()), text


async def test_enter_on_an_account_then_a_role_copies_that_role(tui_signed_in: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        await pilot.press("slash", *"dev-plat", "escape", "enter")  # into the roles
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert screen.current_role == "ReadOnly"
        assert any("dev-platform / ReadOnly" in n for n in notifications(app))
        assert "copied dev-platform/ReadOnly" in screen_text(app)  # the status bar
        assert tui_signed_in.calls["GetRoleCredentials"] == 1


async def test_default_format_and_name_template_come_from_prefs(tui_signed_in: Any,
                                                                isolated_home: Path) -> None:
    save_prefs(default_format="dotenv", name_template="{account_name}.{role_name}")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press("slash", *"log-arch", "escape", "c")
        await wait_for(pilot, lambda: app.clipboard, "clipboard")
        assert app.clipboard.startswith("AWS_ACCESS_KEY_ID=ASIA")
        assert any("as .env file" in n for n in notifications(app))
        await pilot.press("p")
        await wait_for(pilot, lambda: "[profile log-archive.SecurityAudit]"
                       in screen_text(app), "templated name")
        assert app.screen.query_one("#name").value == "log-archive.SecurityAudit"
        await pilot.press("escape")  # cancel: nothing written
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "cancelled")
    assert "log-archive" not in (isolated_home / ".aws" / "config").read_text()


async def test_e_escape_copies_nothing(tui_signed_in: Any) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: screen_name(app) == "ExportScreen", "chooser")
        await pilot.press("escape")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "closed")
        await pilot.pause(0.2)
        assert app.clipboard == ""
        assert tui_signed_in.calls["GetRoleCredentials"] == 0


async def test_throttling_shows_in_the_status_bar(tui_signed_in: Any) -> None:
    tui_signed_in.tps = 1  # the portal allows one request a second
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen", "main")
        screen = app.screen
        await wait_for(pilot, lambda: "throttled" in status_text(screen)
                       or screen.listing_done, "throttling in the status bar", limit=60)
        assert not screen.listing_done, "listing ended with no throttling shown"
        assert tui_signed_in.throttled > 0
        await wait_for(pilot, lambda: screen.listing_done, "listing done", limit=90)
        assert all(e.roles is not None for e in screen.entries.values())  # nothing lost


@pytest.mark.parametrize("prefetched", [True, False], ids=["prefetched", "worker"])
async def test_warm_start_shows_the_cached_org_before_the_portal_answers(
        tui_signed_in: Any, prefetched: bool) -> None:
    first = make_app()
    async with first.run_test(size=(120, 36)) as pilot:
        await wait_main_loaded(pilot)
    tui_signed_in.reset_stats()
    tui_signed_in.latency_ms = 3000  # the portal is slow on the second run
    app = make_app(prefetch=prefetched)
    async with app.run_test(size=(120, 36)) as pilot:
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
        assert "prod-payments" in screen_text(app)
        tui_signed_in.latency_ms = 0


async def test_status_bar_counts_the_token_down(tui_signed_in: Any) -> None:
    from datetime import timedelta

    from tui.tuikit import NOW

    now = [NOW]
    app = make_app(clock=lambda: now[0])
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        assert "7h42m left" in status_text(screen)
        now[0] = NOW + timedelta(hours=7, minutes=35)
        await wait_for(pilot, lambda: "7m00s left" in status_text(screen), "countdown")
        now[0] = EXPIRES + timedelta(seconds=1)
        await wait_for(pilot, lambda: "expired" in status_text(screen), "expired")


async def test_picker_marks_an_expired_session(tui_signed_in: Any,
                                               isolated_home: Path) -> None:
    import re
    from datetime import timedelta

    config = isolated_home / ".aws" / "config"
    config.write_text(config.read_text() + "\n[sso-session old]\n"
                      "sso_start_url = https://d-old.awsapps.com/start\nsso_region = eu-west-1\n")
    write_token_file(isolated_home, "old", tui_signed_in.mint_token(
        start_url="https://d-old.awsapps.com/start"), timedelta(hours=1),
        start_url="https://d-old.awsapps.com/start", region="eu-west-1")
    app = make_app()  # the app's clock is years after that token's expiry
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "SessionsScreen", "picker")
        text = screen_text(app)
        assert re.search(r"old\s+https://d-old.awsapps.com/start\s+eu-west-1\s+expired",
                         text), text
        assert re.search(r"corp\s+\S+\s+us-east-1\s+signed in · 7h42m left", text), text


async def test_revoked_token_during_listing_signs_in_and_resumes(tui_signed_in: Any,
                                                                 isolated_home: Path) -> None:
    # signed out at the portal (e.g. from another machine) but the token file looks valid:
    # the listing's first call gets a 401
    tui_signed_in.revoke(json.loads(token_file(isolated_home).read_text())["accessToken"])
    app = make_app(flow="pkce")  # the headless browser approves the new sign-in
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: screen_name(app) == "SignInScreen"
                       or tui_signed_in.calls["CreateToken"] > 0, "sign-in")
        await wait_for(pilot, lambda: screen_name(app) == "MainScreen"
                       and tui_signed_in.calls["CreateToken"] == 1, "main after sign-in")
        screen = app.screen
        await wait_for(pilot, lambda: len(rows(screen, "accounts")) == len(tui_signed_in.org)
                       and all(e.roles is not None for e in rows(screen, "accounts")),
                       "the listing after sign-in")
        assert tui_signed_in.calls["ListAccounts"] >= 2
        await pilot.press("slash", *"log arch", "escape", "c")
        await wait_for(pilot, lambda: app.clipboard, "copy with the new token")

"""Names from the portal are text (issue 10, markup and control characters): an org
whose names are Rich markup and terminal escapes, served by the emulator over HTTP,
shows them literally everywhere and never runs them; and a property test over the
renderers with random names."""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from conftest import REGION, SESSION, START_URL, write_token_file
from ssotui.core.models import Account
from ssotui.core.text import shown
from tui.tuikit import (
    EXPIRES,
    notifications,
    rows,
    screen_text,
    wait_for,
    wait_main_loaded,
)

OSC52 = "\x1b]52;c;cHduZWQ=\x07"
HOSTILE: list[tuple[Account, list[str]]] = [
    (Account("111111111111", "[/]", "[/]@example.com"), ["[/]Admin"]),
    (Account("222222222222", "[@click=app.quit]quit-me", "[b]x[/b]@example.com"),
     ["[@click=app.quit]Role"]),
    (Account("333333333333", "[link=https://evil.example]click[/link]", "a@example.com"),
     ["ReadOnly"]),
    (Account("444444444444", f"osc{OSC52}clip", "osc@example.com"), [f"Esc{OSC52}Role"]),
    (Account("555555555555", "bidi\u202eevil\u2066x", "bidi@example.com"), ["Dev"]),
    (Account("666666666666", "[bold red]loud", "line\nbreak@example.com"), ["[dim]x"]),
]


@pytest.fixture
def hostile_org(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> Iterator[Any]:
    from ssotui.emulator import Emulator

    with Emulator(org=HOSTILE, seed=3) as emu:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", emu.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", emu.url)
        (isolated_home / ".aws" / "config").write_text(
            f"[sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n")
        write_token_file(isolated_home, SESSION, emu.mint_token(start_url=START_URL),
                         EXPIRES - datetime.now(UTC))
        yield emu


def controls(text: str) -> list[str]:
    return sorted({c for c in text if unicodedata.category(c) in ("Cc", "Cf")} - {"\n"})


def svg_text(app: Any) -> str:
    return html.unescape(app.export_screenshot()).replace("\u00a0", " ")


async def test_a_hostile_org_shows_as_text_everywhere(hostile_org: Any, start: Any) -> None:
    async with start(size=(160, 40), toasts=True) as pilot:
        app = pilot.app
        screen = await wait_main_loaded(pilot)  # `[/]` in a pane title crashed the start
        assert len(rows(screen, "accounts")) == len(HOSTILE)
        for account, roles in HOSTILE:
            app.clear_notifications()  # the last toast would cover the details pane
            ctrl = pilot.app.screen.query_one("#filter")
            ctrl.value = account.account_id
            await wait_for(pilot, lambda a=account: screen.current_entry is not None
                           and screen.current_entry.account_id == a.account_id
                           and screen.current_role is not None, account.account_id)
            await pilot.pause()
            text = screen_text(app)
            name = shown(account.account_name)
            # the accounts row, the roles pane title and the details: the name as it is
            assert text.count(name) >= 3, (name, text)
            assert shown(roles[0]) in text
            assert shown(account.email_address) in text
            assert not controls(text) and not controls(svg_text(app))
            await pilot.press("enter")
            await wait_for(pilot, lambda a=account: any(
                shown(a.account_name) in n for n in notifications(app)), "copy note")
            # the toast on screen: the name as it is, not markup (no click action)
            await wait_for(pilot, lambda a=account: "Copied " + shown(a.account_name)
                           in " ".join(screen_text(app).split()), "the toast")
            assert app.is_running and not app._exit  # `[@click=app.quit]` never ran
        status = str(screen.query_one("#status").render())
        assert f"copied {shown(HOSTILE[-1][0].account_name)}/" in status
        assert not controls(status)


NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=40)
MARKUPISH = st.lists(st.sampled_from(["[", "]", "/", "@click=app.quit", "link=x", "b",
                                      "\x1b", "]52;c;", "\x07", "\u202e", "\n", "a", " "]),
                     min_size=1, max_size=12).map("".join)


def plain(renderable: Any, width: int = 200) -> tuple[str, list[str]]:
    """What a terminal shows for `renderable`: its text, and each segment's text."""
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True,
                      legacy_windows=False)
    segments = list(console.render(renderable))
    return "".join(s.text for s in segments), [s.text for s in segments]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.one_of(NAMES, MARKUPISH), role=st.one_of(NAMES, MARKUPISH),
       email=st.one_of(NAMES, MARKUPISH))
def test_random_names_render_as_the_same_text(name: str, role: str, email: str) -> None:
    from rich.segment import Segment

    from ssotui.tui.filtering import Entry
    from ssotui.tui.widgets.details import Details
    from ssotui.tui.widgets.rows import account_row, role_row

    entry = Entry("123456789012", name, email, roles=[role])
    entry.rebuild()
    for segments in (account_row(entry, 400, []), account_row(entry, 400, name.split()[:1]),
                     role_row(role, 200, role.lower().split()[:2], [name])):
        text = "".join(s.text for s in segments)
        assert not controls(text)
        assert all(isinstance(s, Segment) for s in segments)
    assert shown(name) in "".join(s.text for s in account_row(entry, 400, []))
    assert shown(role) in "".join(s.text for s in role_row(role, 400, []))

    captured: list[Any] = []

    class Capture(Details):
        def update(self, content: Any = "", *, layout: bool = True) -> None:
            captured.append(content)

    Capture().show(entry, role, [name], [f"[{name}]: static keys"], failure=name, number=3)
    text, _ = plain(captured[-1], width=2000)
    def norm(line: str) -> str:
        return re.sub(r"\s+", " ", line).strip()

    lines = [norm(line) for line in text.splitlines()]
    # one line each (a newline or an escape in a name never splits or drives it)
    assert norm(f"account {shown(name)}") in lines
    assert norm(f"role {shown(role)}") in lines
    assert norm(f"email {shown(email)}") in lines
    assert not controls(text)

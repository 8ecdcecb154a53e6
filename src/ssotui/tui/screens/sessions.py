"""Choosing an sso-session, and creating the first one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ssotui.core.models import SsoSession, Token
from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.messages import OpenSession
from ssotui.tui.widgets.keybar import KeyBar
from ssotui.tui.widgets.statusbar import time_left


def session_state(token: Token | None, now: datetime) -> Text:
    if token is None:
        return Text("signed out", style="dim")
    left = time_left(token.expires_at, now)
    if left == "expired":
        return Text("expired", style="red")
    return Text(f"signed in · {left}", style="green")


class SessionsScreen(Screen[None]):
    """Every sso-session in the config with its start URL, region and sign-in state."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new", "new session"),
        Binding("escape", "back", "back"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, sessions: list[SsoSession], clock: Callable[[], datetime],
                 can_go_back: bool = False) -> None:
        super().__init__()
        self.sessions = sessions
        self.clock = clock
        self.can_go_back = can_go_back

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label("Choose an sso-session", classes="dialog-title")
            yield OptionList(id="sessions")
            yield Label("Enter open · n new session · q quit", classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load_tokens()

    @work(thread=True, exclusive=True, exit_on_error=False, group="tokens")
    def load_tokens(self) -> None:
        """Each session's token file, read here rather than on the UI thread."""
        tokens: list[Token | None] = []
        for s in self.sessions:
            try:
                tokens.append(be.load_token(s))
            except Exception:  # noqa: BLE001 - shown as signed out
                tokens.append(None)
        self.app.call_from_thread(self._show, tokens)

    @tolerate_closing
    def _show(self, tokens: list[Token | None]) -> None:
        ol = self.query_one(OptionList)
        width = max((len(shown(s.name)) for s in self.sessions), default=8)
        url_width = max((len(shown(s.start_url)) for s in self.sessions), default=20)
        now = self.clock()
        for i, (s, token) in enumerate(zip(self.sessions, tokens, strict=True)):
            grid = Table.grid(padding=(0, 2))
            grid.add_row(Text(shown(s.name).ljust(width), style="bold"),
                         Text(shown(s.start_url).ljust(url_width)),
                         Text(shown(s.region).ljust(14)), session_state(token, now))
            ol.add_option(Option(grid, id=str(i)))
        ol.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.post_message(OpenSession(self.sessions[int(event.option.id or 0)]))

    def action_new(self) -> None:
        self.app.push_screen(NewSessionScreen(be.config_path()))

    def action_back(self) -> None:
        if self.can_go_back:
            self.app.pop_screen()

    def action_quit(self) -> None:
        self.app.exit()


class NewSessionScreen(Screen[None]):
    """A form that writes an `[sso-session NAME]` block (core.sessions.create_session)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back"),
        Binding("ctrl+s", "create", "create"),
    ]

    def __init__(self, config: Path) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        with Vertical(id="newsession"):
            yield Label("Create an sso-session", classes="dialog-title")
            yield Static(Text(f"It is added to {shown(self.config)}; nothing else changes.",
                              style="dim"))
            for field, placeholder, value in (
                ("name", "e.g. corp", ""),
                ("start_url", "https://d-xxxxxxxxxx.awsapps.com/start", ""),
                ("region", "e.g. us-east-1", "us-east-1"),
            ):
                with Horizontal(classes="row"):
                    yield Label(field.replace("_", " ").ljust(10), classes="field-label")
                    yield Input(value, placeholder=placeholder, id=field)
            yield Static("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Create", id="create", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        order = ["name", "start_url", "region"]
        idx = order.index(event.input.id or "name")
        if idx < len(order) - 1:
            self.query_one(f"#{order[idx + 1]}", Input).focus()
        else:
            self.action_create()

    @on(Button.Pressed, "#create")
    def _pressed(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        values = {f: self.query_one(f"#{f}", Input).value.strip()
                  for f in ("name", "start_url", "region")}
        self.create(values["name"], values["start_url"], values["region"])

    @work(thread=True, exclusive=True, exit_on_error=False, group="create-session")
    def create(self, name: str, start_url: str, region: str) -> None:
        try:
            session = be.create_session(name, start_url, region)
        except Exception as exc:  # noqa: BLE001 - shown in the form
            self.app.call_from_thread(
                self.query_one("#form-error", Static).update,
                Text("✗ " + be.describe_error(exc)[0], style="bold red"))
            return
        self.app.call_from_thread(self.notify, f"added [sso-session {shown(session.name)}]",
                                  markup=False)
        self.post_message(OpenSession(session))

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()

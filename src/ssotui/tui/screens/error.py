"""A problem ssotui cannot go on without (e.g. a malformed config), and the fix."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, Static

from ssotui.core.text import shown
from ssotui.tui.messages import StartOver
from ssotui.tui.widgets.keybar import KeyBar


class ErrorScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape,ctrl+q", "app.quit", "quit"),
                                             Binding("r", "retry", "retry")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Label(Text(shown(self.title_text)), classes="dialog-title error")
            # several lines (a file, its line, the fix): each line made inert
            yield Static(Text("\n".join(map(shown, self.message.splitlines()))))
            yield Label("r retry · q quit", classes="dialog-hint")
        yield KeyBar()

    def action_retry(self) -> None:
        self.post_message(StartOver())  # the app clears the stack and starts again

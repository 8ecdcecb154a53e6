"""The production guardrail's question: acting on a production role needs a second,
deliberate key (`y`; Enter never confirms) or, with `confirm_production = "name"`,
the account name typed. Dismisses with True only then."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ssotui.core.text import shown


class ConfirmProduction(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, account_name: str, account_id: str, role: str, reason: str,
                 label: str, what: str, mode: str = "key") -> None:
        super().__init__()
        self.account_name = account_name
        self.account_id = account_id
        self.role = role
        self.reason = reason
        self.label = label
        self.what = what
        self.mode = mode

    def compose(self) -> ComposeResult:
        body = Text()
        body.append(f" {self.label} ", "bold red reverse")
        body.append(f" {shown(self.account_name)} ({self.account_id}) / {shown(self.role)}",
                    "bold")
        body.append(f"\nis a {shown(self.reason)}.")
        with Vertical(id="dialog"):
            yield Label(Text(f"Production: {self.what}?"), classes="dialog-title")
            yield Static(body, id="confirm-text")
            if self.mode == "name":
                yield Label(Text(f"Type the account name ({shown(self.account_name)}) "
                                 "and press Enter:"))
                yield Input(id="confirm-name")  # empty: the name is typed, not accepted
                yield Static("", id="confirm-error")
                hint = "Enter confirm · Esc cancel"
            else:
                hint = f"y {self.what} · Esc or n cancel"
            yield Label(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        if self.mode == "name":
            self.query_one("#confirm-name", Input).focus()

    def on_key(self, event: object) -> None:
        if self.mode != "key":
            return
        key = getattr(event, "key", "")
        if key == "y":
            self.dismiss(True)
        elif key == "n":
            self.dismiss(False)

    @on(Input.Submitted, "#confirm-name")
    def _typed(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.account_name:
            self.dismiss(True)
            return
        self.query_one("#confirm-error", Static).update(
            Text("✗ that is not the account name", style="bold red"))

    def action_cancel(self) -> None:
        self.dismiss(False)

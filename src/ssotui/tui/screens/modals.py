"""Modal screens: export format chooser, help (the writer is in write.py)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ssotui.tui import backend as be


class ExportScreen(ModalScreen[str | None]):
    """Pick one of the export formats; dismisses with its name."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="small"):
            yield Label("Copy credentials as…", classes="dialog-title")
            yield OptionList(*[
                Option(f"{fmt:<14} {be.FORMAT_LABELS[fmt]}"
                       + ("  (default)" if fmt == self.default else ""), id=fmt)
                for fmt in be.FORMATS
            ], id="formats")
            yield Label("Enter copy · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        ol = self.query_one(OptionList)
        ol.highlighted = be.FORMATS.index(self.default) if self.default in be.FORMATS else 0
        ol.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key, from the same table the footer and palette use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "close"),
    ]

    def compose(self) -> ComposeResult:
        from ssotui.tui.screens.main import ACTIONS

        keys: list[tuple[str, str]] = []
        for key, _, _, text in ACTIONS:
            keys.append(({"slash": "/", "question_mark": "?"}.get(key, key), text))
        keys += [
            ("Enter", "on a role: copy (with --print-env: print and exit)"),
            ("1 … 9", "jump to favorite / recent account and role"),
            ("↑ ↓ j k", "move; PgUp/PgDn/Home/End jump"),
            ("Tab", "switch between accounts and roles"),
            ("Esc", "leave / clear the filter; close dialogs"),
            ("ctrl+p", "command palette (all actions, logout, theme)"),
            ("any letter", "not bound above: starts filtering"),
        ]
        body = Text()
        for key, desc in keys:
            body.append(f"  {key:<11}", "bold")
            body.append(desc + "\n")
        with Vertical(id="dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(body, id="help-text")
            yield Label("Esc close", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


"""Modal screens: export format chooser, help (the writer is in write.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.keys import format_key
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ssotui.tui import backend as be
from ssotui.tui.actions import ACTIONS, key_of


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


def help_rows(keys: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(key now, list-mode letter, what it does) for every action (tui.actions), with
    the keys remapped in prefs, then the keys for moving."""
    # the first key of several (ctrl+space, which most terminals send as ctrl+@)
    rows = [(format_key(key_of(a, keys).split(",")[0]), format_key(a.letter) if a.letter else "",
             a.help) for a in ACTIONS]
    return rows + [
        ("alt+1 … 9", "1 … 9", "jump to favorite / recent (the number left of the account)"),
        ("↑ ↓", "j k", "move the highlighted account (PgUp/PgDn/Home/End jump)"),
        ("← → Tab", "", "choose among the highlighted account's roles"),
        ("any text", "", "types into the filter: no letter, digit or space is a key there"),
        ("ctrl+p", "", "command palette (every action, logout, theme)"),
    ]


class HelpScreen(ModalScreen[None]):
    """Every key, from the same table the key bar and palette use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q,question_mark", "close", "close"),
    ]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        body = Text()
        body.append(f"  {'key':<11}{'list mode':<11}\n", "dim")
        for key, letter, desc in self.rows:
            body.append(f"  {key:<11}", "bold")
            body.append(f"{letter:<11}", "bold")
            body.append(desc + "\n")
        with Vertical(id="dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(body, id="help-text")
            yield Label("Esc close · list mode: Esc from the filter", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)

"""The filter, and the accounts list with its list mode.

The filter has the focus from the start and takes every printable key, digit and
space (the screen's actions are on keys that cannot be typed). Esc leaves it for
list mode: the accounts list with single-letter keys; Esc, / or any other
printable key goes back to the filter (that key typed into it).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from textual.binding import Binding, BindingType
from textual.events import Key, Paste
from textual.geometry import Region
from textual.widgets import Input

from ssotui.tui.actions import list_bindings
from ssotui.tui.widgets.rowlist import RowList


class FilterInput(Input):
    """Esc (the screen's list_mode binding) leaves it; Enter is the screen's copy."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._secrets: set[str] = set()  # exports copied from this screen

    async def _on_key(self, event: Key) -> None:
        # The filter's own editing keys (Backspace, ctrl+u, ctrl+w, …) are bindings,
        # which Textual runs only once the key has bubbled up to the app; by then the
        # letters typed after it in the same read are already in: `ctrl+u` `edge`
        # would clear `edge`. Run them here, in the order they came.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            event.stop()
            event.prevent_default()  # Input's own key handler does not run after this
            await self.run_action(binding.action)
            return

    def never_paste(self, text: str) -> None:
        """`text` (exports just copied) must never be typed in by a paste."""
        self._secrets.add(text.strip())

    def _is_secret(self, text: str) -> bool:
        return text.strip() in self._secrets

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        # Input asks for a layout of the whole screen on every keystroke (its virtual
        # size follows the text); its own size is fixed, so a repaint is enough
        if layout and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def action_paste(self) -> None:
        # Textual's own clipboard holds the last exports (what ssotui copied): never
        # type those into the filter. Terminal pastes arrive as Paste events instead.
        if self._is_secret(self.app.clipboard):
            self.notify("the app's clipboard holds credentials: not pasted into the filter; "
                        "paste with your terminal's paste key", severity="warning",
                        markup=False)
            return
        super().action_paste()


    def _on_paste(self, event: Paste) -> None:
        # one line of plain text (a pasted id, ARN or name), never a control character;
        # Input's own paste handler does not run after this one
        event.prevent_default()
        event.stop()
        if self._is_secret(event.text):
            return  # our own exports, pasted back (e.g. from the system clipboard)
        self.type_text(pasted_line(event.text))

    def type_text(self, text: str) -> None:
        """Typed or pasted (also list mode's keys that arrived for the filter)."""
        if text:
            if self.selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *self.selection)


def pasted_line(text: str) -> str:
    """The first non-blank line of a paste, its control characters made spaces."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    return "".join(c if c.isprintable() else " " for c in line).strip()


_LIST_KEYS = frozenset(k.strip() for b in list_bindings() for k in b.key.split(","))


class AccountList(RowList):
    """The accounts; focused, it is list mode (single-letter keys)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *[b for b in RowList.BINDINGS if isinstance(b, Binding) and b.action != "select"],
        *list_bindings(),
    ]

    def on_key(self, event: Key) -> None:
        if not (event.is_printable and event.character):
            return
        focused = self.screen.focused is self  # now (has_focus follows a later event)
        if focused and event.key in _LIST_KEYS:
            return  # a list-mode key: its binding acts
        # any other printable key goes back to the filter, typed into it; so do keys
        # that were already on their way here when the focus moved (one read, many keys)
        filt = self.screen.query_one(FilterInput)
        if focused:
            self.screen.set_focus(filt)
        filt.type_text(event.character)
        event.stop()
        event.prevent_default()

    def on_paste(self, event: Paste) -> None:
        filt = self.screen.query_one(FilterInput)
        self.screen.set_focus(filt)
        filt.post_message(Paste(event.text))  # the filter's own checks and clean-up
        event.stop()

"""The key bar at the bottom of each screen: the bindings that apply now, one line.

Textual's Footer builds a widget per key (eleven on the main screen) and builds
them all again on every focus change; drawing the same line as one widget takes
~30 ms off the first paint and off the keystroke that moves focus to the filter.
A click on a key presses it, as in the Footer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.widget import Widget

from ssotui.tui.actions import ACTIONS

_ORDER = {a.id: i for i, a in enumerate(ACTIONS)}


class KeyBar(Widget, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; width: 100%;
        background: $footer-background; color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._spans: list[tuple[int, int, str, bool]] = []  # (from x, to x, key, enabled)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def _keys(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, bool] | None]:
        """[(key, shown as, description, enabled)], one per action as the Footer does,
        and the command palette's key (shown on the right) if it is bound."""
        active = self.screen.active_bindings
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _ = active[self.app.COMMAND_PALETTE_BINDING]
            palette = (self.app.get_key_display(binding), binding.description, enabled)
        keys: list[tuple[str, str, str, bool]] = []
        slots: dict[str, tuple[int, bool]] = {}  # action -> (index in keys, priority)
        for _, binding, enabled, _ in active.values():
            if not binding.show:
                continue
            if palette is not None and binding.key == self.app.COMMAND_PALETTE_BINDING:
                continue
            entry = (binding.key, self.app.get_key_display(binding), binding.description,
                     enabled)
            action = binding.action.rpartition(".")[2]  # "screen.copy" is "copy"
            if action in slots:
                # one key per action: the focused widget's own (list mode's letter)
                # rather than the screen-wide one
                index, priority = slots[action]
                if priority and not binding.priority:
                    keys[index] = entry
                    slots[action] = (index, False)
                continue
            slots[action] = (len(keys), binding.priority)
            keys.append(entry)
        # in the actions table's order: a remapped key (bound later) keeps its place
        # instead of being the first to fall off a full bar
        ours = sorted((i, _ORDER[a]) for a, (i, _) in slots.items() if a in _ORDER)
        ordered = [keys[i] for i, _ in sorted(ours, key=lambda io: io[1])]
        for (i, _), entry in zip(ours, ordered, strict=True):  # other keys stay put
            keys[i] = entry
        return keys, palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        dim = Style(dim=True)
        keys, palette = self._keys()
        right = Text()
        if palette is not None:
            shown, description, palette_enabled = palette
            right = Text.assemble("▏", (f"{shown} ", key_style), (f"{description} ", text_style))
        room = self.size.width - right.cell_len
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, str, bool]] = []
        for key, shown_key, description, enabled in keys:
            item = Text.assemble(
                (f" {shown_key} ", key_style if enabled else key_style + dim),
                (f"{description} ", text_style if enabled else text_style + dim))
            if line.cell_len + item.cell_len > room:
                break  # whole keys only: a cut-off label reads as another word
            start = line.cell_len
            line.append_text(item)
            spans.append((start, line.cell_len, key, enabled))
        if palette is not None:
            line.pad_right(max(0, room - line.cell_len))
            spans.append((room, self.size.width, self.app.COMMAND_PALETTE_BINDING,
                          palette_enabled))
            line.append_text(right)
        self._spans = spans
        return line

    def on_click(self, event: Click) -> None:
        for start, end, key, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(key)
                else:
                    self.app.bell()
                return

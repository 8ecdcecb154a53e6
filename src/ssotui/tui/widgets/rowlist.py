"""A one-line-per-row virtual list (Textual's Line API).

OptionList measures every option when options are set, which costs ~100 ms at
5,000 rows; this list only renders the rows on screen, so replacing its rows on
each filter keystroke is O(visible). Rows are arbitrary objects; a render
callback turns one into rich Segments when it scrolls into view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

RenderRow = Callable[[Any, int], list[Segment]]


class RowList(ScrollView, can_focus=True):
    """Rows with a cursor; posts Highlighted when the cursor moves, Selected on Enter."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"rowlist--cursor", "rowlist--empty"}

    DEFAULT_CSS = """
    RowList { overflow-x: hidden; }
    RowList > .rowlist--cursor { background: $block-cursor-blurred-background; }
    RowList:focus > .rowlist--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: bold;
    }
    RowList > .rowlist--empty { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "up", show=False),
        Binding("down,j", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "jump(0)", "first", show=False),
        Binding("end", "jump(-1)", "last", show=False),
        Binding("enter", "select", "select", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, rowlist: RowList, row: Any) -> None:
            super().__init__()
            self.rowlist = rowlist
            self.row = row

        @property
        def control(self) -> RowList:
            return self.rowlist

    class Selected(Highlighted):
        pass

    def __init__(self, render_row: RenderRow, *, empty_text: str = "", **kw: Any) -> None:
        super().__init__(**kw)
        self._render_row = render_row
        self._rows: Sequence[Any] = ()
        self.empty_text = empty_text
        self._styles: tuple[Style, Style] | None = None

    @property
    def rows(self) -> Sequence[Any]:
        return self._rows

    @property
    def current(self) -> Any | None:
        if 0 <= self.cursor < len(self._rows):
            return self._rows[self.cursor]
        return None

    def set_rows(self, rows: Sequence[Any], cursor: int | None = None) -> None:
        """Replace the rows; keep the cursor on the same row object when it survives."""
        old = self.current
        self._rows = rows
        if cursor is None:
            cursor = 0
            if old is not None:
                try:
                    cursor = rows.index(old)  # type: ignore[attr-defined]
                except ValueError:
                    cursor = 0
        self._set_virtual_height(len(rows))
        self.set_cursor(cursor, force=old is not self.current_at(cursor))
        self.refresh()

    def _set_virtual_height(self, n: int) -> None:
        """Textual re-lays-out the whole screen when `virtual_size` changes (~10 ms per
        keystroke at this size); only the scrollbar appearing or going needs that."""
        new = Size(self.size.width, n)
        if new == self.virtual_size:
            return
        height = self.container_size.height
        if not height or (self.virtual_size.height > height) != (n > height):
            self.virtual_size = new  # the scrollbar shows or hides: a real layout
            return
        self.set_reactive(RowList.virtual_size, new)
        self._scroll_update(new)  # scrollbar thumb and scroll bounds, no layout

    def current_at(self, index: int) -> Any | None:
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def set_cursor(self, index: int, force: bool = True) -> None:
        n = len(self._rows)
        index = max(0, min(index, n - 1)) if n else 0
        if index != self.cursor or force:
            self.cursor = index

    def watch_cursor(self, index: int) -> None:
        self.scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._rows))
        self.scroll_to_cursor()

    def action_cursor(self, delta: int) -> None:
        self.set_cursor(self.cursor + delta, force=False)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.set_cursor(self.cursor + direction * step, force=False)

    def action_jump(self, index: int) -> None:
        self.set_cursor(index if index >= 0 else len(self._rows) - 1, force=False)

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self, self.current))

    #: a click takes the focus (False: it only moves the cursor, the focus stays put)
    click_focuses = True

    def focus_on_click(self) -> bool:  # Textual asks this on mouse down
        return self.click_focuses

    def on_click(self, event: Any) -> None:
        row = int(self.scroll_y) + event.y
        if 0 <= row < len(self._rows):
            if self.click_focuses:
                self.focus()
            self.set_cursor(row, force=False)

    def render_lines(self, crop: Region) -> list[Strip]:
        # the styles are the same for every line of one render: look them up once
        self._styles = (self.rich_style, self.get_component_rich_style("rowlist--cursor"))
        try:
            return super().render_lines(crop)
        finally:
            self._styles = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        base, cursor_style = self._styles or (
            self.rich_style, self.get_component_rich_style("rowlist--cursor"))
        if not self._rows:
            if y == 0 and self.empty_text:
                empty = self.get_component_rich_style("rowlist--empty")
                return Strip([Segment(" " + self.empty_text, empty)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        segments = self._render_row(self._rows[index], width)
        style: Style = base
        if index == self.cursor:
            style = base + cursor_style
        # one Strip, not three (each Strip builds its own caches): styled, cut, padded
        line = Segment.adjust_line_length(list(Segment.apply_style(segments, style)), width,
                                          style)
        return Strip(line, width)

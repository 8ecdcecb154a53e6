"""The details pane: what the highlighted account/role is and what already points at it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ssotui.core.text import shown
from ssotui.tui.filtering import Entry


class Details(Static):
    DEFAULT_CSS = """
    Details { padding: 0 1; height: auto; }
    """

    _shown: object = object()  # nothing shown yet: never equal to a key

    def show(self, entry: Entry | None, role: str | None, profiles: Sequence[str] = (),
             warnings: Sequence[str] = (), failure: str = "",
             number: int | None = None) -> None:
        # typing often keeps the same top match: skip re-rendering the same table
        key = None if entry is None else (
            entry.account_id, entry.name, entry.email, entry.roles is None, role,
            tuple(profiles), tuple(warnings), failure, number)
        if key == self._shown:
            return
        self._shown = key
        if entry is None:
            self.update(Text("no account selected", style="dim"), layout=False)
            return
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        # every portal string through shown() and into Text: data, never markup
        grid.add_row("account", Text(shown(entry.name)))
        grid.add_row("id", Text(entry.account_id))
        grid.add_row("email", Text(shown(entry.email) if entry.email else "—"))
        if entry.roles is None:
            grid.add_row("role", Text("listing roles…", style="dim"))
        else:
            grid.add_row("role", Text(shown(role) if role else "—"))
        grid.add_row("profiles", Text(", ".join(map(shown, profiles)) if profiles
                                      else "none in config"))
        if number is not None:
            grid.add_row("jump", Text(f"alt+{number} (favorite / recent #{number})"))
        for w in warnings:
            grid.add_row(Text("⚠", style="yellow"), Text(shown(w), style="yellow"))
        if failure:
            grid.add_row(Text("✗", style="red"), Text(shown(failure), style="red"))
        self.update(grid, layout=False)  # a fixed-height pane: no re-layout

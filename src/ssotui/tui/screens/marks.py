"""Marking roles for a profiles sync on the main screen (a base class of MainScreen).

The filter keeps every printable key, so marking is on ctrl keys (tui.actions):
ctrl+space marks the highlighted role, ctrl+b every role of the accounts the filter
shows, ctrl+s opens the sync preview (screens.sync). A marked role's row starts
with `[x]`, so the marks read without colour; the counts line says how many.
"""

from __future__ import annotations

from ssotui.core.models import Account
from ssotui.core.text import shown
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.screens.main_actions import MainActions, after_typing
from ssotui.tui.widgets.rowlist import RowList


class MarkActions(MainActions):
    marked: set[tuple[str, str]]  # (account id, role), set by MainScreen

    def apply_filter(self, keep_cursor: bool) -> None:
        raise NotImplementedError

    @after_typing
    def action_mark(self) -> None:
        t = self.target()
        if t is None:
            return
        key = (t[0].account_id, t[1])
        self.marked.symmetric_difference_update({key})
        verb = "marked" if key in self.marked else "unmarked"
        self.marks_changed(f"{verb} {shown(t[0].name)} / {shown(t[1])}")

    @after_typing
    def action_mark_shown(self) -> None:
        shown_roles = {(e.account_id, r) for e in self.model.visible() for r in e.roles or ()}
        if not shown_roles:
            self.notify("no listed role to mark", severity="warning")
            return
        if shown_roles <= self.marked:
            self.marked -= shown_roles
            self.marks_changed(f"unmarked {len(shown_roles):,} roles")
        else:
            self.marked |= shown_roles
            self.marks_changed(f"marked {len(shown_roles):,} roles")

    @tolerate_closing
    def marks_changed(self, what: str) -> None:
        self.query_one("#roles", RowList).refresh()
        self.apply_filter(keep_cursor=True)  # the counts line shows the marks
        self.set_last_action(what)

    @after_typing
    def action_sync(self) -> None:
        from ssotui.tui.screens.sync import SyncScreen

        if not self.marked:
            self.notify("mark roles first: ctrl+space marks one, ctrl+b every role shown",
                        severity="warning")
            return
        entries = self.model.entries
        selected = [(Account(e.account_id, e.name, e.email), role)
                    for account_id, role in sorted(self.marked)
                    if (e := entries.get(account_id)) is not None]
        listed = {f"{e.account_id}/{r}" for e in entries.values() for r in e.roles or ()}
        self.app.push_screen(SyncScreen(self.backend, selected, listed), self._synced)

    def _synced(self, result: str | None) -> None:
        if result:
            self.notify(shown(result), title="profiles sync", markup=False)
            self.set_last_action("synced profiles")
            self.marked.clear()
            self.marks_changed("synced profiles")
            self.load_profiles()

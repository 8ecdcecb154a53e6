"""The main screen's production guardrails and its console action (a base class of
MainActions).

`guarded` runs an action at once for an ordinary role and only after the
ConfirmProduction modal for a production one (prefs.toml [[guardrails]]);
`show_production` keeps the status line saying so while such a role is highlighted.
The console action signs in on a worker and opens the browser; where none can open,
the sign-in URL (a credential) goes to the clipboard, and the notification names
account, role and destination, never the URL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message

from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.filtering import Entry
from ssotui.tui.messages import ActionFailed
from ssotui.tui.prefstore import PrefStore
from ssotui.tui.screens.listing_view import ListingView
from ssotui.tui.widgets.filterinput import FilterInput
from ssotui.tui.widgets.statusbar import StatusBar


class ConsoleReady(Message):
    """A console sign-in URL was made (`url` is a credential: clipboard only, never
    shown or in a repr)."""

    def __init__(self, account_name: str, role: str, destination: str, opened: bool,
                 valid_minutes: int, url: str = "") -> None:
        self.account_name = account_name
        self.role = role
        self.destination = destination
        self.opened = opened
        self.valid_minutes = valid_minutes
        self.url = url
        super().__init__()

    def __repr__(self) -> str:
        return f"ConsoleReady(account_name={self.account_name!r}, role={self.role!r})"


class ConsoleActions(ListingView):  # a plain mixin of MainScreen (see ListingView)
    store: PrefStore

    def target(self) -> tuple[Entry, str] | None:
        raise NotImplementedError

    def set_last_action(self, text: str) -> None:
        raise NotImplementedError

    def production_of(self, entry: Entry) -> Any:
        return self.store.production(entry.account_id, entry.name, entry.email)

    def show_production(self, entry: Entry | None, role: str | None) -> None:
        found = self.production_of(entry) if entry is not None else None
        text = ""
        if found is not None:
            text = f"⚠ {found.label}: {shown(entry.name) if entry else ''}"
            text += f" / {shown(role)} is production" if role else " is production"
        status = self.query_one(StatusBar)
        if status.production != text:
            status.production = text
            status.redraw()

    def guarded(self, entry: Entry, role: str, what: str, proceed: Callable[[], object]) -> None:
        """`proceed()` now, or once confirmed when the account is production."""
        found = self.production_of(entry)
        if found is None:
            proceed()
            return
        from ssotui.tui.screens.confirm import ConfirmProduction

        def answered(ok: bool | None) -> None:
            if ok:
                proceed()
            else:
                self.notify(f"not done: {shown(entry.name)} / {shown(role)} is production",
                            severity="warning", markup=False)

        self.app.push_screen(ConfirmProduction(entry.name, entry.account_id, role,
                                               found.reason, found.label, what,
                                               self.store.confirm_mode()), answered)

    def console(self) -> None:
        t = self.target()
        if t is not None:
            entry, role = t
            self.guarded(entry, role, "open the console",
                         lambda: self.open_console(entry, role))

    @work(thread=True, exclusive=True, exit_on_error=False, group="console")
    def open_console(self, entry: Entry, role: str) -> None:
        try:
            link, opened = self.backend.console(entry.account_id, role)
            if not opened:  # the terminal's clipboard (OSC 52) is written on the UI thread
                self.backend.system_clipboard(link.url, self.store.autoclear_seconds())
        except Exception as exc:  # noqa: BLE001 - becomes a notification
            text, login = be.describe_error(exc)
            self.post_message(ActionFailed("console sign-in", text, login))
            return
        self.post_message(ConsoleReady(entry.name, role, link.destination, opened,
                                       link.valid_minutes, link.url))

    @tolerate_closing
    def on_console_ready(self, msg: ConsoleReady) -> None:
        what = f"{shown(msg.account_name)} / {shown(msg.role)} → {shown(msg.destination)}"
        if msg.opened:
            self.notify(f"Opened the console for {what}", title="console", markup=False)
        else:
            self.query_one(FilterInput).never_paste(msg.url)
            self.app.copy_to_clipboard(msg.url)
            self.notify(f"No browser can open here: the sign-in URL for {what} is on the "
                        f"clipboard, valid {msg.valid_minutes} min (paste it into a browser)",
                        title="console", markup=False)
        self.set_last_action(f"console {shown(msg.account_name)}/{shown(msg.role)}")

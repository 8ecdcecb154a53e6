"""The main screen's actions (see tui.actions for their keys): copy, export, write a
profile or credentials section, favorites and jumps, refresh, switch, help, quit,
and moving while typing. A base class of MainScreen."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from textual import work
from textual.widgets import Input

from ssotui.core.models import Account, PickedText
from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.filtering import Entry
from ssotui.tui.messages import ActionFailed, CredsReady, SavePrefs, SignInNeeded, SwitchSession
from ssotui.tui.prefstore import PrefStore, recent, toggled_favorite
from ssotui.tui.screens.main_console import ConsoleActions
from ssotui.tui.widgets.filterinput import FilterInput
from ssotui.tui.widgets.rowlist import RowList
from ssotui.tui.widgets.statusbar import StatusBar

F = TypeVar("F", bound=Callable[..., Any])


def after_typing(method: F) -> F:
    """Run an action after the keys already on their way to the focused widget: one
    read holding `prod⏎` must copy what `prod` picks, not what was there before."""

    @functools.wraps(method)
    def wrapper(self: MainActions, *args: Any) -> None:
        target = self.focused or self
        target.call_later(self.run_synced, method, *args)

    return wrapper  # type: ignore[return-value]



class MainActions(ConsoleActions):
    store: PrefStore
    print_env: bool
    fmt: str | None
    _numbers: dict[str, int]
    _jump_role: tuple[str, str] | None

    def run_synced(self, method: Callable[..., Any], *args: Any) -> None:
        raise NotImplementedError

    def set_query(self, text: str) -> None:
        raise NotImplementedError

    # -- moving (while typing) ----------------------------------------------
    @after_typing
    def action_move(self, delta: int) -> None:
        self.query_one("#accounts", RowList).action_cursor(delta)

    @after_typing
    def action_page(self, direction: int) -> None:
        self.query_one("#accounts", RowList).action_page(direction)

    @after_typing
    def action_edge(self, index: int) -> None:
        self.query_one("#accounts", RowList).action_jump(index)

    @after_typing
    def action_role(self, delta: int) -> None:
        roles = self.query_one("#roles", RowList)
        if roles.rows:  # wraps around: Tab cycles through an account's roles
            roles.set_cursor((roles.cursor + delta) % len(roles.rows), force=False)

    def action_list_mode(self) -> None:
        self.set_focus(self.query_one("#accounts", RowList))

    def action_filter_mode(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    # -- actions ------------------------------------------------------------
    def target(self) -> tuple[Entry, str] | None:
        entry, role = self.current_entry, self.current_role
        if entry is None:
            self.notify("no account selected", severity="warning")
            return None
        if role is None:
            name = shown(entry.name)
            self.notify(f"{name}: roles are still being listed" if entry.roles is None
                        else f"{name} has no roles", severity="warning", markup=False)
            return None
        return entry, role

    @after_typing
    def action_copy(self) -> None:
        t = self.target()
        if t is None:
            return
        entry, role = t
        if self.print_env:
            fmt = self.fmt or self.store.default_format()
            self.guarded(entry, role, "print its credentials",
                         lambda: self.fetch_creds(entry, role, "print", fmt))
        else:
            fmt = self.store.default_format()
            self.guarded(entry, role, "copy its credentials",
                         lambda: self.fetch_creds(entry, role, "copy", fmt))

    @after_typing
    def action_console(self) -> None:
        self.console()

    @after_typing
    def action_export(self) -> None:
        from ssotui.tui.screens.modals import ExportScreen

        t = self.target()
        if t is not None:
            entry, role = t

            def chosen(fmt: str | None) -> None:
                if fmt:
                    self.fetch_creds(entry, role, "copy", fmt)

            self.guarded(entry, role, "export its credentials", lambda: self.app.push_screen(
                ExportScreen(self.store.default_format()), chosen))

    @work(thread=True, exclusive=True, exit_on_error=False, group="creds")
    def fetch_creds(self, entry: Entry, role: str, purpose: str, fmt: str) -> None:
        try:
            creds = self.backend.role_credentials(entry.account_id, role)
            text = self.backend.render(creds, fmt, self.store.marker(self.production_of(entry)))
            where = ""
            if purpose == "copy":
                where = self.backend.system_clipboard(text, self.store.autoclear_seconds())
        except Exception as exc:  # noqa: BLE001 - becomes a notification
            text_, login = be.describe_error(exc)
            self.post_message(ActionFailed("credentials", text_, login))
            return
        self.post_message(CredsReady(entry.account_id, entry.name, role, creds, purpose, fmt,
                                     text, where))

    def remember(self, account_id: str, role: str) -> None:
        change = recent(f"{account_id}/{role}")
        self.store.apply(change)
        self._numbers = self.store.shortcut_numbers()
        self.post_message(SavePrefs(change))

    @tolerate_closing
    def on_creds_ready(self, msg: CredsReady) -> None:
        self.remember(msg.account_id, msg.role)
        if msg.purpose == "print":
            self.app.exit(PickedText.of(msg.text, self.backend.session.name, msg.account_id,
                                        msg.role))
            return
        self.query_one(FilterInput).never_paste(msg.text)
        self.app.copy_to_clipboard(msg.text)
        mins = int((msg.creds.expiration - datetime.now(UTC)).total_seconds() // 60)
        label = be.FORMAT_LABELS.get(msg.fmt, msg.fmt)
        what = f"{shown(msg.account_name)} / {shown(msg.role)}"
        note = f"Copied {what} as {label}, valid {mins} min"
        if msg.where:
            note += f"\n{msg.where}"
        self.notify(note, title="copied", markup=False)
        self.set_last_action(f"copied {shown(msg.account_name)}/{shown(msg.role)} ({mins}m)")

    @tolerate_closing
    def on_action_failed(self, msg: ActionFailed) -> None:
        self.notify(shown(msg.text), title=f"{msg.what} failed", severity="error",
                    markup=False)
        self.set_last_action(f"{msg.what} failed")
        if msg.needs_login:
            self.post_message(SignInNeeded(self.backend, self.after_sign_in))

    def set_last_action(self, text: str) -> None:
        status = self.query_one(StatusBar)
        status.last_action = text
        status.redraw()

    @after_typing
    def action_profile(self) -> None:
        self._open_write("profile", self.store.name_template())

    @after_typing
    def action_credentials(self) -> None:
        # its own template: a credentials section named like an SSO profile is ignored
        self._open_write("credentials", self.store.credentials_template())

    def _open_write(self, kind: str, template: str) -> None:
        from ssotui.tui.screens.write import WriteScreen

        t = self.target()
        if t is None:
            return
        entry, role = t
        account = Account(entry.account_id, entry.name, entry.email)
        name = self.backend.profile_name(account, role, template)
        what = "write a profile" if kind == "profile" else "write its credentials"
        self.guarded(entry, role, what, lambda: self.app.push_screen(
            WriteScreen(self.backend, kind, account, role, name),
            functools.partial(self._written, entry.account_id, role)))

    def _written(self, account_id: str, role: str, result: str | None) -> None:
        if result:
            self.notify(shown(result), title="written", markup=False)
            self.set_last_action(shown(result.split(" in ")[0]))
            self.remember(account_id, role)
            self.load_profiles()

    @after_typing
    def action_refresh(self) -> None:
        self.listing.done = False
        self.set_last_action("refreshing")
        self.start_listing(refresh=True)

    def action_switch(self) -> None:
        self.post_message(SwitchSession())

    @after_typing
    def action_favorite(self) -> None:
        entry, role = self.current_entry, self.current_role
        if entry is None:
            return
        key = f"{entry.account_id}/{role or ''}"
        what = f"{shown(entry.name)} / {shown(role)}" if role else shown(entry.name)

        def done(saved: bool) -> None:  # shown once saved: a refused change shows nothing
            if saved:
                added = key in self.store.prefs.favorites
                self.notify(f"{what} {'added to' if added else 'removed from'} favorites",
                            markup=False)
                self.favorites_changed()

        self.post_message(SavePrefs(toggled_favorite(key), done))

    @tolerate_closing
    def favorites_changed(self) -> None:
        self.model.set_favorites(self.store.favorites())
        self._numbers = self.store.shortcut_numbers()
        self.apply_filter(keep_cursor=True)
        self.update_details()

    def action_help(self) -> None:
        from ssotui.tui.screens.modals import HelpScreen, help_rows

        self.app.push_screen(HelpScreen(help_rows(self.store.keys)))

    def action_quit(self) -> None:
        self.app.exit()

    @after_typing
    def action_jump(self, n: int) -> None:
        shortcuts = self.store.shortcuts()
        if n > len(shortcuts):
            self.notify(f"no favorite or recent #{n}", severity="warning")
            return
        account_id, role = shortcuts[n - 1]
        self.jump_to(account_id, role)

    def jump_to(self, account_id: str, role: str | None) -> None:
        entry = self.model.entries.get(account_id)
        if entry is None:
            self.notify(f"account {account_id} is not in this listing", severity="warning",
                        markup=False)
            return
        filt = self.query_one("#filter", Input)
        if filt.value:
            filt.value = ""
            self.set_query("")
        accounts = self.query_one("#accounts", RowList)
        self._jump_role = (account_id, role) if role else None
        accounts.set_cursor(list(accounts.rows).index(entry))
        self.show_roles(entry, role)

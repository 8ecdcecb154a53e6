"""The main screen: filter, accounts, roles, details, status.

The filter has the focus: every printable key types into it; arrows move the
account (up/down) and role (left/right, Tab); Enter acts on the highlighted role;
every other action is on a key that cannot be typed (see tui.actions). The org
itself is tui.orgmodel; the loader is tui.listing; the app is told things through
messages (messages.SwitchSession, SignInNeeded, SavePrefs), never called.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.messages import Update
from textual.screen import Screen
from textual.widgets import Input, Static

from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.actions import main_bindings
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.filtering import Entry, Query, profiles_by_name
from ssotui.tui.listing import ListingController
from ssotui.tui.orgmodel import OrgModel
from ssotui.tui.prefstore import PrefStore
from ssotui.tui.screens.marks import MarkActions
from ssotui.tui.widgets.details import Details
from ssotui.tui.widgets.filterinput import AccountList, FilterInput
from ssotui.tui.widgets.keybar import KeyBar
from ssotui.tui.widgets.rowlist import RowList
from ssotui.tui.widgets.rows import account_row, role_row
from ssotui.tui.widgets.statusbar import StatusBar

#: what a new filter text redraws (besides the filter itself)
_FILTERED = "#accounts, #roles, #counts, #details"


class MainScreen(MarkActions, Screen[None]):
    AUTO_FOCUS = "#filter"
    BINDINGS: ClassVar[list[BindingType]] = list(main_bindings())

    def __init__(self, backend: be.Backend, store: PrefStore, *, print_env: bool = False,
                 fmt: str | None = None, clock: Callable[[], datetime],
                 cached: Any = None, ready: Callable[[], bool] = lambda: False,
                 query: str = "") -> None:
        """`cached`: the listing cache (core.dircache) when already read, shown at once;
        `ready`: whether Textual has drawn its first frame; `query`: the filter's text."""
        super().__init__()
        self.backend = backend
        self.store = store
        self.print_env = print_env
        self.fmt = fmt
        self.clock = clock
        self._ready = ready
        self.model = OrgModel()
        self.model.query = Query.parse(query)
        self.model.set_favorites(store.favorites())
        self.listing = ListingController(backend)
        self._preloaded = cached
        self._jump_role: tuple[str, str] | None = None
        self._roles_title = ""
        self._numbers = store.shortcut_numbers()
        self.profile_index: dict[tuple[str, str], list[str]] = {}
        self.shadowed: set[str] = set()
        self.marked: set[tuple[str, str]] = set()  # roles marked for a profiles sync
        self.init_listing()

    def app_ready(self) -> bool:
        return self._ready()

    @property
    def listing_done(self) -> bool:
        return self.listing.done

    def compose(self) -> ComposeResult:
        s = self.backend.session
        yield Static(Text(shown(f" ssotui  {s.name} · {s.start_url} · {s.region}")),
                     id="title")
        yield FilterInput(self.model.query.text,
                          placeholder="type to filter: account name, id or role — e.g. "
                          "“pay adm” · ⏎ copies the highlighted role",
                          id="filter", select_on_focus=False)
        yield Static("", id="counts")
        # the screen is a grid (styles.tcss) rather than a Horizontal container more:
        # that container cost ~2% of the instructions to the first frame (callgrind)
        yield AccountList(self._account_row, id="accounts", empty_text="listing accounts…")
        with Vertical(id="right"):
            yield RowList(self._role_row, id="roles", empty_text="")
            yield Details(id="details")
        yield StatusBar(self.clock, id="status")
        yield KeyBar()

    def _account_row(self, entry: Entry, width: int) -> Any:
        found = self.store.production(entry.account_id, entry.name, entry.email)
        return account_row(entry, width, self.model.query.terms,
                           self._numbers.get(entry.account_id), found.label if found else None)

    def _role_row(self, role: str, width: int) -> Any:
        entry = self.current_entry
        profiles = self.profile_index.get((entry.account_id, role), []) if entry else []
        marked = entry is not None and (entry.account_id, role) in self.marked
        return role_row(role, width, self.model.query.terms, profiles, marked)

    # -- lifecycle ----------------------------------------------------------
    @tolerate_closing  # the app may be exiting while the screen still mounts
    def on_mount(self) -> None:
        self.query_one("#accounts").border_title = "Accounts"
        self.query_one("#roles").border_title = "Roles"
        self.query_one("#details").border_title = "Details"
        for rows in self.query(RowList):
            rows.click_focuses = False  # a click picks a row; typing still filters
        self.query_one("#filter", Input).focus()
        if self.app.is_headless:  # steady screenshots and snapshots
            self.query_one("#filter", Input).cursor_blink = False
        self.mount_listing()

    @tolerate_closing
    def on_screen_resume(self) -> None:
        # back from a dialog or the picker: the filter again, whatever had the focus
        self.set_focus(self.query_one("#filter", Input))
        self._numbers = self.store.shortcut_numbers()
        self.resume_listing()

    def on_unmount(self) -> None:
        self.listing.stop()

    # -- filter -------------------------------------------------------------
    @on(Input.Changed, "#filter")
    @tolerate_closing
    def _filter_changed(self, event: Input.Changed) -> None:
        # The filter's value now, not the event's: keys of one read are all in the
        # filter before the screen sees the first Changed, so one pass filters for the
        # whole burst and the Changed events after it find it applied.
        value = self.query_one("#filter", Input).value
        if value != self.model.query.text:  # not already applied (burst, run_synced)
            self.set_query(value)
            if event.value != value:
                # A burst (this event is for its first key): widgets tell the screen they
                # changed on their next idle, and after a burst the screen draws the
                # filter's new text alone before that; the rows would wait a frame
                # (~17 ms at 60 fps). Told now, both share the next frame. (After one
                # key it is the other way round: telling it early costs a frame.)
                for widget in self.query(_FILTERED):
                    self.post_message(Update(widget))

    def set_query(self, text: str) -> None:
        # a pasted [profile] name names its account and role (the index is read on a worker)
        self.model.query = Query.parse(text, profiles_by_name(self.profile_index))
        self.apply_filter(keep_cursor=False)

    def run_synced(self, method: Callable[..., Any], *args: Any) -> None:
        """`method` with the filter's text applied first (see after_typing)."""
        try:
            value = self.query_one("#filter", Input).value
            if value != self.model.query.text:
                self.set_query(value)
            method(self, *args)
        except NoMatches:
            pass  # the screen is closing

    def apply_filter(self, keep_cursor: bool) -> None:
        q = self.model.query
        visible = self.model.visible()
        accounts = self.query_one("#accounts", RowList)
        if self.model.entries:
            accounts.empty_text = f"no account matches “{shown(q.text.strip())}”"
        accounts.set_rows(visible, cursor=None if keep_cursor else 0)
        if not keep_cursor:  # a new query may prefer another role of the same account
            self.show_roles(self.current_entry)
        n_roles = sum(map(attrgetter("n_roles"), visible))
        total = len(self.model.ordered)
        count = f"{len(visible):,} of {total:,}" if q.terms else f"{total:,}"
        marks = f" · {len(self.marked):,} marked (ctrl+s sync)" if self.marked else ""
        self.query_one("#counts", Static).update(
            f"{count} accounts · {n_roles:,} roles{marks}" + (
                "" if self.listing.done else " · listing…"),
            layout=False)  # fixed size: no re-layout per keystroke

    # -- selection ----------------------------------------------------------
    @property
    def current_entry(self) -> Entry | None:
        row = self.query_one("#accounts", RowList).current
        return row if isinstance(row, Entry) else None

    @property
    def current_role(self) -> str | None:
        entry = self.current_entry
        if entry is None or not entry.roles:
            return None
        row = self.query_one("#roles", RowList).current
        return row if isinstance(row, str) else None

    @on(RowList.Highlighted, "#accounts")
    @tolerate_closing
    def _account_highlighted(self, event: RowList.Highlighted) -> None:
        # a jump to a favorite moves the cursor first; keep its role, not the best one
        jump, self._jump_role = self._jump_role, None
        row = event.row
        role = jump[1] if jump and row is not None and row.account_id == jump[0] else None
        self.show_roles(row, role)

    @tolerate_closing
    def show_roles(self, entry: Entry | None, role: str | None = None) -> None:
        roles = self.query_one("#roles", RowList)
        title = "Roles"
        if entry is not None:
            title = f"Roles · {shown(entry.name)} · {entry.account_id}"
        if self._roles_title != title:  # setting it repaints, even to the same text
            self._roles_title = title
            roles.border_title = Text(title)  # Text: a name is never markup
        if entry is None:
            roles.empty_text = ""
            roles.set_rows([], cursor=0)
        elif entry.roles is None:
            roles.empty_text = "listing roles…"
            self.listing.prioritize(entry.account_id)
            roles.set_rows([], cursor=0)
        else:
            roles.empty_text = "no roles"
            if role is not None and role in entry.roles:
                cursor = entry.roles.index(role)
            else:
                cursor = self.model.query.role_index(entry.roles)
            roles.set_rows(entry.roles, cursor=cursor)
        self.update_details()

    @on(RowList.Highlighted, "#roles")
    @tolerate_closing
    def _role_highlighted(self) -> None:
        self.update_details()

    @on(RowList.Selected, "#roles")
    def _role_selected(self) -> None:
        self.action_copy()

    @tolerate_closing
    def update_details(self) -> None:
        entry, role = self.current_entry, self.current_role
        profiles: list[str] = []
        warnings: list[str] = []
        if entry is not None:
            if role:
                profiles = self.profile_index.get((entry.account_id, role), [])
            else:
                profiles = sorted({n for (a, _), names in self.profile_index.items()
                                   if a == entry.account_id for n in names})
            shadowed = [n for n in profiles if n in self.shadowed]
            if shadowed:
                # the file name only: a full path crowds out the reason at 80 columns
                path = be.credentials_path()
                warnings = [f"[{n}]: static keys in {path.name} under this profile's name"
                            for n in shadowed]
        number = self._numbers.get(entry.account_id) if entry else None
        self.show_production(entry, role)
        self.query_one(Details).show(
            entry, role, profiles, warnings,
            self.model.failures.get(entry.account_id, "") if entry else "", number)

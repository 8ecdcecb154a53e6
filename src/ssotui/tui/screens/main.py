"""The main screen: filter, accounts, roles, details, status; one key per action."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, Self

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.events import Key
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Input, Static

from ssotui.core.models import Account
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.filtering import Entry, Query, best_role, match_entries, rank, sort_key
from ssotui.tui.messages import ActionFailed, CredsReady, DirectoryEvent
from ssotui.tui.startup import settle_gc
from ssotui.tui.widgets.details import Details
from ssotui.tui.widgets.keybar import KeyBar
from ssotui.tui.widgets.rowlist import RowList
from ssotui.tui.widgets.rows import account_row, role_row
from ssotui.tui.widgets.statusbar import StatusBar

if TYPE_CHECKING:
    from ssotui.tui.app import SsotuiApp

# (key, action, footer label, help text); the help screen and palette read this too
ACTIONS: list[tuple[str, str, str, str]] = [
    ("c", "copy", "copy", "copy credentials in the default export format"),
    ("e", "export", "export as…", "choose an export format, then copy"),
    ("p", "profile", "profile", "write a [profile] block to the AWS config"),
    ("w", "credentials", "credentials", "write a section to the shared credentials file"),
    ("r", "refresh", "refresh", "list accounts and roles again"),
    ("s", "switch", "session", "switch sso-session"),
    ("f", "favorite", "fav", "mark / unmark the highlighted role as a favorite"),
    ("slash", "focus_filter", "filter", "focus the filter (name, id and role at once)"),
    ("question_mark", "help", "help", "show every key"),
    ("q", "quit", "quit", "quit"),
]


class FilterInput(Input):
    """The filter: ↑/↓ move the account cursor while typing, Esc goes to the lists."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "lists (keys c e p w …)"),
        Binding("enter", "submit", "copy best match"),
        Binding("down", "move(1)", "next", show=False),
        Binding("up", "move(-1)", "previous", show=False),
    ]

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        # Input asks for a layout of the whole screen on every keystroke (its virtual
        # size follows the text); its own size is fixed, so a repaint is enough
        if layout and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def action_paste(self) -> None:
        # Textual pastes its own clipboard, which holds the last exports: never type
        # secrets into the filter (terminal pastes arrive as Paste events, untouched).
        text = self.app.clipboard
        if "\n" in text.strip():
            self.notify("the clipboard holds credentials: not pasted into the filter",
                        severity="warning")
            return
        super().action_paste()

    def action_leave(self) -> None:
        self.screen.query_one("#accounts", RowList).focus()

    def action_move(self, delta: int) -> None:
        self.screen.query_one("#accounts", RowList).action_cursor(delta)


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#accounts"  # on first show and when a dialog or the picker closes
    BINDINGS: ClassVar[list[BindingType]] = [
        *[Binding(k, a, label) for k, a, label, _ in ACTIONS],
        Binding("tab", "toggle_pane", "roles/accounts", show=False),
        Binding("escape", "escape", "clear filter", show=False),
        *[Binding(str(i), f"jump({i})", f"favorite {i}", show=False) for i in range(1, 10)],
    ]
    BOUND_KEYS = {k for k, *_ in ACTIONS} | {"tab", "escape", "j", "k"} | {
        str(i) for i in range(1, 10)}

    def __init__(self, backend: be.Backend, cached: Any = None) -> None:
        """`cached`: the listing cache (core.dircache) when already read, shown at once."""
        super().__init__()
        self.backend = backend
        #: (account id, role) a favorite jump is moving the cursor to
        self._jump_role: tuple[str, str] | None = None
        self._preloaded = cached
        self.entries: dict[str, Entry] = {}
        self.ordered: list[Entry] = []
        self.fq = Query.parse("")
        self._prev: tuple[Query, int, list[Entry]] | None = None
        self._version = 0
        self._dirty = False
        self._order_dirty = False
        self._flush_pending = False
        self.loader: Any = None
        self.failures: dict[str, str] = {}
        self.profile_index: dict[tuple[str, str], list[str]] = {}
        self.shadowed: set[str] = set()
        self.listing_done = False
        self._net_gate = threading.Event()
        self._await_paint = False  # background work waits for the first frame
        self._retired = False  # see retire()

    @property
    def ssotui(self) -> SsotuiApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        s = self.backend.session
        yield Static(f" ssotui  {s.name} · {s.start_url} · {s.region}", id="title")
        yield FilterInput(placeholder="/ filter: account name, id or role — e.g. “pay adm”",
                          id="filter", select_on_focus=False)
        yield Static("", id="counts")
        with Horizontal(id="panes"):
            yield RowList(lambda e, w: account_row(e, w, self.fq.terms), id="accounts",
                          empty_text="listing accounts…")
            with Vertical(id="right"):
                yield RowList(self._role_row, id="roles", empty_text="")
                yield Details(id="details")
        yield StatusBar(self.ssotui.clock, id="status")
        yield KeyBar()

    def _role_row(self, role: str, width: int) -> Any:
        entry = self.current_entry
        profiles = self.profile_index.get((entry.account_id, role), []) if entry else []
        return role_row(role, width, self.fq.terms, profiles)

    # -- lifecycle ----------------------------------------------------------
    def on_mount(self) -> None:
        status = self.query_one(StatusBar)
        status.session = self.backend.session.name
        status.expires_at = self.backend.token.expires_at if self.backend.token else None
        status.listing = "listing…"
        status.redraw()
        self.query_one("#counts", Static).update("listing accounts…")
        self.query_one("#accounts").border_title = "Accounts"
        self.query_one("#roles").border_title = "Roles"
        self.query_one("#details").border_title = "Details"
        self.query_one("#accounts", RowList).focus()
        if self.app.is_headless:  # steady screenshots and snapshots
            self.query_one("#filter", Input).cursor_blink = False
        cached, self._preloaded = self._preloaded, None
        if cached is None:
            self.load_profiles()
            self.start_listing(refresh=False)
            return
        # the cached list goes into the first paint; the workers (reading the config,
        # importing the loader) start after it rather than competing with it
        self._add_accounts(list(cached.accounts), cached.roles)
        self._await_paint = True

    def on_screen_resume(self) -> None:
        # call_after_refresh from on_mount can run before the screen is first drawn
        # (the screen is not current yet); from here it runs after the first frame,
        # unless Textual is still starting (then the app calls first_frame_drawn)
        if self.ssotui.ready:
            self.first_frame_drawn()

    def first_frame_drawn(self) -> None:
        if self._await_paint:
            self._await_paint = False
            self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        settle_gc()
        self.load_profiles()
        self.start_listing(False)

    def on_unmount(self) -> None:
        self.stop_listing()

    def retire(self) -> None:
        """For the app's first screen, which Textual keeps at the bottom of the stack:
        stop the work and drop the org when another screen takes over for good."""
        self._retired = True
        self.stop_listing()
        self._await_paint = False
        self.entries.clear()
        self.ordered = []
        self._prev = None
        try:
            self.query_one("#accounts", RowList).set_rows([])
            self.query_one(StatusBar).stop_clock()
        except NoMatches:
            pass

    def stop_listing(self) -> None:
        self._net_gate.set()  # a cancelled loader must not sit waiting for it
        if self.loader is not None:
            try:
                self.loader.cancel()
            except Exception:  # noqa: BLE001 - best effort on the way out
                pass
            self.loader = None

    @work(thread=True, exclusive=True, exit_on_error=False, group="listing")
    def start_listing(self, refresh: bool) -> None:
        self.stop_listing()
        # the network waits until the cached list is painted (see _release_network)
        gate = self._net_gate = threading.Event()
        cached = False

        def on_event(ev: Any) -> None:
            nonlocal cached
            cached = cached or type(ev).__name__ == "CachedOrg"
            self.post_message(DirectoryEvent(ev))

        self.loader = self.backend.start_loader(on_event, refresh=refresh, gate=gate)
        if not cached:  # nothing to paint first: go ahead
            gate.set()

    def _release_network(self) -> None:
        self._net_gate.set()

    @work(thread=True, exclusive=True, exit_on_error=False, group="profiles")
    def load_profiles(self) -> None:
        index: dict[tuple[str, str], list[str]] = {}
        for name in self.backend.profiles_for_all():
            index.setdefault((name[1], name[2]), []).append(name[0])
        shadowed = be.credential_sections()
        self.app.call_from_thread(self._set_profiles, index, shadowed)

    @tolerate_closing
    def _set_profiles(self, index: dict[tuple[str, str], list[str]], shadowed: set[str]) -> None:
        self.profile_index = index
        self.shadowed = shadowed
        self.query_one("#roles", RowList).refresh()
        self.update_details()

    # -- directory events ---------------------------------------------------
    def on_directory_event(self, message: DirectoryEvent) -> None:
        if self._retired:  # a cancelled loader's last events: not for this screen any more
            return
        try:
            self._directory_event(message.event)
        except NoMatches:
            pass  # the screen is closing: its widgets are already gone

    def _directory_event(self, ev: Any) -> None:
        kind = type(ev).__name__
        status = self.query_one(StatusBar)
        if kind == "CachedOrg":
            self._add_accounts(ev.accounts, ev.roles)
            self.call_after_refresh(self._release_network)  # once it is on screen
        elif kind == "AccountsPage":
            self._add_accounts(ev.accounts, {})
        elif kind == "RolesLoaded":
            entry = self.entries.get(ev.account_id)
            roles = list(ev.roles)
            # revalidating a cached org mostly confirms it: only a change costs a re-filter
            if entry is not None and entry.roles != roles:
                entry.roles = roles
                entry.rebuild()
                if entry is self.current_entry:
                    self.show_roles(entry)
                self._changed()
        elif kind == "AccountFailed":
            self.failures[ev.account_id] = str(ev.reason)
            if self.current_entry and self.current_entry.account_id == ev.account_id:
                self.update_details()
        elif kind == "Progress":
            total = f"{ev.total:,}" if ev.total_final else f"{ev.total:,}+"
            status.listing = f"listing {ev.done:,}/{total}"
            parts = [f"{ev.rps:.0f} req/s"] if ev.rps >= 1 else []
            if ev.throttled:
                parts.append(f"{ev.throttled} throttled")
            if ev.failed:
                parts.append(f"{ev.failed} failed")
            status.rate = " · ".join(parts)
            status.redraw()
        elif kind == "LoginRequired":
            self.stop_listing()
            self.ssotui.sign_in(self.backend, then=self._after_sign_in)
        elif kind == "CacheWarning":
            self.notify(str(ev.message), severity="warning")
        elif kind == "Finished":
            self.listing_done = True
            if getattr(ev, "error", None):
                self.notify(str(ev.error), title="listing failed", severity="error")
            n = len(self.entries)
            status.listing = f"{n:,} accounts" + (" (stopped)" if ev.cancelled else "")
            status.rate = f"{len(ev.failed)} failed" if ev.failed else ""
            status.redraw()
            changes = getattr(ev, "changes", None)
            if changes is not None and not ev.cancelled and not ev.error:
                for gone in changes.accounts_removed:  # no longer in the portal's answer
                    if self.entries.pop(gone.account_id, None) is not None:
                        self._order_dirty = True
            summary = str(changes.summary()) if changes and hasattr(changes, "summary") else ""
            if summary:
                self.notify(summary, title="since last listing")
            self._changed(urgent=True)

    def _after_sign_in(self, ok: bool | None) -> None:
        if ok:
            self.query_one(StatusBar).expires_at = (
                self.backend.token.expires_at if self.backend.token else None)
            self.start_listing(refresh=False)

    def _add_accounts(self, accounts: Sequence[Account],
                      roles: Mapping[str, Sequence[str]]) -> None:
        favs = set(self.ssotui.favorites())
        changed = False
        for a in accounts:
            e = self.entries.get(a.account_id)
            new_roles = list(roles[a.account_id]) if a.account_id in roles else None
            if e is None:
                e = Entry(a.account_id, a.account_name, a.email_address,
                          favorite=a.account_id in favs)
                self.entries[a.account_id] = e
            elif (e.name, e.email) == (a.account_name, a.email_address) and (
                    new_roles is None or new_roles == e.roles):
                continue  # what the screen already shows (a cached account, confirmed)
            elif e.name != a.account_name:
                self._order_dirty = True
            e.name, e.email = a.account_name, a.email_address
            if new_roles is not None:
                e.roles = new_roles
            e.rebuild()
            changed = True
        # the first accounts go on screen at once; later batches are coalesced
        if changed or not self.ordered:
            self._changed(urgent=not self.ordered)

    def _changed(self, urgent: bool = False) -> None:
        self._dirty = True
        if urgent:
            self._flush()
        elif not self._flush_pending:
            self._flush_pending = True
            self.set_timer(0.2, self._flush)

    @tolerate_closing
    def _flush(self) -> None:
        self._flush_pending = False
        if not self.is_attached:
            return
        if not self._dirty:
            return
        self._dirty = False
        self._version += 1
        if self._order_dirty or len(self.ordered) != len(self.entries):
            # roles arriving do not change the order; new accounts and favorites do
            self.ordered = sorted(self.entries.values(), key=sort_key)
            self._order_dirty = False
        self.apply_filter(keep_cursor=True)
        # the highlighted account's roles may have just arrived
        entry = self.current_entry
        roles = self.query_one("#roles", RowList)
        if entry is not None and (entry.roles or []) != list(roles.rows):
            self.show_roles(entry, self.current_role)

    # -- filter -------------------------------------------------------------
    @on(Input.Changed, "#filter")
    @tolerate_closing
    def _filter_changed(self, event: Input.Changed) -> None:
        self.fq = Query.parse(event.value)
        self.apply_filter(keep_cursor=False)

    def apply_filter(self, keep_cursor: bool) -> None:
        q = self.fq
        base: list[Entry] = self.ordered
        if self._prev is not None:
            pq, version, matched = self._prev
            if version == self._version and q.refines(pq):
                base = matched  # typing more letters: only narrow the last matches
        found = match_entries(base, q)
        visible = rank(found) if q.terms else base
        self._prev = (q, self._version, [e for _, e in found])
        accounts = self.query_one("#accounts", RowList)
        if self.ordered:
            accounts.empty_text = f"no account matches “{q.text.strip()}”"
        accounts.set_rows(visible, cursor=None if keep_cursor else 0)
        if not keep_cursor:  # a new query may prefer another role of the same account
            self.show_roles(self.current_entry)
        n_roles = sum(map(attrgetter("n_roles"), visible))
        total = len(self.ordered)
        shown = f"{len(visible):,} of {total:,}" if q.terms else f"{total:,}"
        self.query_one("#counts", Static).update(
            f"{shown} accounts · {n_roles:,} roles" + ("" if self.listing_done else " · listing…"),
            layout=False)  # fixed size: no re-layout per keystroke

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.act_default()

    def on_key(self, event: Key) -> None:
        filt = self.query_one("#filter", Input)
        if self.focused is filt:
            return
        if (event.character and event.is_printable and event.key not in self.BOUND_KEYS
                and not isinstance(self.focused, Input)):
            self.set_focus(filt)  # now, not later: the next key may already be queued
            filt.insert_text_at_cursor(event.character)
            event.stop()

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
        # a jump to a favorite moves the cursor first; keep its role, not the first one
        jump, self._jump_role = self._jump_role, None
        row = event.row
        role = jump[1] if jump and row is not None and row.account_id == jump[0] else None
        self.show_roles(row, role)

    @tolerate_closing
    def show_roles(self, entry: Entry | None, role: str | None = None) -> None:
        roles = self.query_one("#roles", RowList)
        if entry is None:
            roles.empty_text = ""
            roles.set_rows([], cursor=0)
            roles.border_title = "Roles"
            self.update_details()
            return
        title = f"Roles · {entry.name} · {entry.account_id}"
        if roles.border_title != title:  # setting it repaints, even to the same text
            roles.border_title = title
        if entry.roles is None:
            roles.empty_text = "listing roles…"
            if self.loader is not None:
                try:
                    self.loader.prioritize(entry.account_id)
                except Exception:  # noqa: BLE001 - a finished loader may refuse
                    pass
            roles.set_rows([], cursor=0)
        else:
            roles.empty_text = "no roles"
            if role is not None and role in entry.roles:
                cursor = entry.roles.index(role)
            else:
                cursor = best_role(entry.roles, self.fq.terms)
            roles.set_rows(entry.roles, cursor=cursor)
        self.update_details()

    @on(RowList.Highlighted, "#roles")
    @tolerate_closing
    def _role_highlighted(self) -> None:
        self.update_details()

    @on(RowList.Selected)
    @tolerate_closing
    def _selected(self, event: RowList.Selected) -> None:
        if event.rowlist.id == "accounts":
            self.query_one("#roles", RowList).focus()
        else:
            self.act_default()

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
            # the file name only: a full path crowds out the reason at 80 columns
            path = be.credentials_path()
            warnings = [f"[{n}]: static keys in {path.name} under this profile's name"
                        for n in profiles if n in self.shadowed]
        self.query_one(Details).show(entry, role, profiles, warnings,
                                     self.failures.get(entry.account_id, "") if entry else "")

    # -- actions ------------------------------------------------------------
    def target(self) -> tuple[Entry, str] | None:
        entry, role = self.current_entry, self.current_role
        if entry is None:
            self.notify("no account selected", severity="warning")
            return None
        if role is None:
            self.notify(f"{entry.name}: roles are still being listed" if entry.roles is None
                        else f"{entry.name} has no roles", severity="warning")
            return None
        return entry, role

    def act_default(self) -> None:
        if self.ssotui.print_env:
            self.action_print_env()
        else:
            self.action_copy()

    def action_copy(self, fmt: str | None = None) -> None:
        t = self.target()
        if t is not None:
            fmt = fmt or self.ssotui.default_format()
            self.fetch_creds(t[0], t[1], "copy", fmt)

    def action_print_env(self) -> None:
        t = self.target()
        if t is not None:
            self.fetch_creds(t[0], t[1], "print", self.ssotui.print_format())

    def action_export(self) -> None:
        from ssotui.tui.screens.modals import ExportScreen

        t = self.target()
        if t is not None:
            self.app.push_screen(ExportScreen(self.ssotui.default_format()),
                                 lambda fmt: self.action_copy(fmt) if fmt else None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="creds")
    def fetch_creds(self, entry: Entry, role: str, purpose: str, fmt: str) -> None:
        try:
            creds = self.backend.role_credentials(entry.account_id, role)
            text = self.backend.render(creds, fmt)
            where = ""
            if purpose == "copy":
                try:
                    where = self.backend.system_clipboard(
                        text, float(self.ssotui.prefs.autoclear_seconds or 0))
                except Exception:  # noqa: BLE001 - OSC 52 still copied
                    where = "through the terminal (OSC 52); no system clipboard tool found"
        except Exception as exc:  # noqa: BLE001 - becomes a notification
            text_, login = be.describe_error(exc)
            self.post_message(ActionFailed("credentials", text_, login))
            return
        self.post_message(CredsReady(entry.account_id, entry.name, role, creds, purpose, fmt,
                                     text, where))

    @tolerate_closing
    def on_creds_ready(self, msg: CredsReady) -> None:
        self.ssotui.remember(msg.account_id, msg.role)
        if msg.purpose == "print":
            self.app.exit(msg.text)
            return
        self.app.copy_to_clipboard(msg.text)
        mins = int((msg.creds.expiration - datetime.now(UTC)).total_seconds() // 60)
        label = be.FORMAT_LABELS.get(msg.fmt, msg.fmt)
        note = f"Copied {msg.account_name} / {msg.role} as {label}, valid {mins} min"
        if msg.where and not msg.where.startswith("through"):
            note += f"\nalso on the system clipboard ({msg.where})"
        elif msg.where:
            note += f"\n{msg.where}"
        self.notify(note, title="copied")
        self.set_last_action(f"copied {msg.account_name}/{msg.role} ({mins}m)")

    @tolerate_closing
    def on_action_failed(self, msg: ActionFailed) -> None:
        self.notify(msg.text, title=f"{msg.what} failed", severity="error")
        self.set_last_action(f"{msg.what} failed")
        if msg.needs_login:
            self.ssotui.sign_in(self.backend, then=self._after_sign_in)

    def set_last_action(self, text: str) -> None:
        status = self.query_one(StatusBar)
        status.last_action = text
        status.redraw()

    def action_profile(self) -> None:
        self._open_write("profile", self.ssotui.name_template())

    def action_credentials(self) -> None:
        # its own template: a credentials section named like an SSO profile is ignored
        self._open_write("credentials", self.ssotui.credentials_template())

    def _open_write(self, kind: str, template: str) -> None:
        from ssotui.tui.screens.write import WriteScreen

        t = self.target()
        if t is None:
            return
        entry, role = t
        account = Account(entry.account_id, entry.name, entry.email)
        name = self.backend.profile_name(account, role, template)
        self.app.push_screen(WriteScreen(self.backend, kind, account, role, name),
                             self._written)

    def _written(self, result: str | None) -> None:
        if result:
            self.notify(result, title="written")
            self.set_last_action(result.split(" in ")[0])
            entry, role = self.current_entry, self.current_role
            if entry and role:
                self.ssotui.remember(entry.account_id, role)
            self.load_profiles()

    def action_refresh(self) -> None:
        self.listing_done = False
        self.set_last_action("refreshing")
        self.start_listing(refresh=True)

    def action_switch(self) -> None:
        self.ssotui.show_picker()

    def action_favorite(self) -> None:
        entry, role = self.current_entry, self.current_role
        if entry is None:
            return
        added = self.ssotui.toggle_favorite(entry.account_id, role)
        if added is None:  # refused: prefs.toml is unreadable (the app said so)
            return
        entry.favorite = entry.account_id in self.ssotui.favorites()
        self._order_dirty = True
        what = f"{entry.name} / {role}" if role else entry.name
        self.notify(f"{what} {'added to' if added else 'removed from'} favorites")
        self._dirty = True
        self._flush()

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#filter", Input))

    def action_help(self) -> None:
        from ssotui.tui.screens.modals import HelpScreen

        self.app.push_screen(HelpScreen())

    def action_quit(self) -> None:
        self.app.exit()

    def action_toggle_pane(self) -> None:
        accounts = self.query_one("#accounts", RowList)
        roles = self.query_one("#roles", RowList)
        (roles if self.focused is accounts else accounts).focus()

    def action_escape(self) -> None:
        filt = self.query_one("#filter", Input)
        if filt.value:
            filt.value = ""
        elif self.focused is self.query_one("#roles", RowList):
            self.query_one("#accounts", RowList).focus()

    def action_jump(self, n: int) -> None:
        shortcuts = self.ssotui.shortcuts()
        if n > len(shortcuts):
            self.notify(f"no favorite or recent #{n}", severity="warning")
            return
        account_id, role = shortcuts[n - 1]
        self.jump_to(account_id, role)

    def jump_to(self, account_id: str, role: str | None) -> None:
        entry = self.entries.get(account_id)
        if entry is None:
            self.notify(f"account {account_id} is not in this listing", severity="warning")
            return
        filt = self.query_one("#filter", Input)
        if filt.value:
            filt.value = ""
            self.fq = Query.parse("")
            self.apply_filter(keep_cursor=False)
        accounts = self.query_one("#accounts", RowList)
        self._jump_role = (account_id, role) if role else None
        accounts.set_cursor(list(accounts.rows).index(entry))
        self.show_roles(entry, role)
        (self.query_one("#roles", RowList) if role else accounts).focus()

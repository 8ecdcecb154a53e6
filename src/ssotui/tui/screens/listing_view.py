"""The main screen's listing half: starts the loader after the first frame, applies
its events to the org model, coalesces repaints, reads the config's profiles.

A base class of MainScreen (which draws the rows): it only calls the few methods
declared at the end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Static

from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.filtering import Entry
from ssotui.tui.listing import ListingController
from ssotui.tui.messages import DirectoryEvent, SignInNeeded
from ssotui.tui.orgmodel import OrgModel
from ssotui.tui.startup import settle_gc
from ssotui.tui.widgets.rowlist import RowList
from ssotui.tui.widgets.statusbar import StatusBar

FLUSH_DELAY = 0.2  # later listing batches are painted at most this often


class FirstFrame(Message):
    """Textual has drawn its first frame (posted by the app to its first screen)."""


if TYPE_CHECKING:
    from textual.screen import Screen

    _Screen = Screen[None]
else:
    # ListingView and the action mixins above it (ConsoleActions, MainActions,
    # MarkActions) are plain classes; MainScreen alone is the Screen: each Screen
    # subclass cost Textual's class set-up (bindings, CSS names, handlers: ~0.4 ms)
    # on the picker's start
    _Screen = object


class ListingView(_Screen):
    backend: be.Backend
    model: OrgModel
    listing: ListingController
    profile_index: dict[tuple[str, str], list[str]]
    shadowed: set[str]
    _preloaded: Any

    def init_listing(self) -> None:
        self._dirty = False
        self._flush_pending = False
        self._await_paint = False  # background work waits for the first frame
        self._retired = False  # see retire()

    def mount_listing(self) -> None:
        status = self.query_one(StatusBar)
        status.session = self.backend.session.name
        status.expires_at = self.backend.token.expires_at if self.backend.token else None
        status.listing = "listing…"
        status.redraw()
        self.query_one("#counts", Static).update("listing accounts…")
        cached, self._preloaded = self._preloaded, None
        if cached is None:
            self.load_profiles()
            self.start_listing(refresh=False)
            return
        # the cached list goes into the first paint; the workers (reading the config,
        # importing the loader) start after it rather than competing with it
        self.model.add_accounts(list(cached.accounts), cached.roles)
        self.repaint(urgent=True)
        self._await_paint = True

    def resume_listing(self) -> None:
        # call_after_refresh from on_mount can run before the screen is first drawn;
        # from here it runs after the first frame, unless Textual is still starting
        # (then the app posts FirstFrame)
        if self.app_ready():
            self.on_first_frame()

    def app_ready(self) -> bool:
        raise NotImplementedError

    def on_first_frame(self, _: FirstFrame | None = None) -> None:
        if self._await_paint:
            self._await_paint = False
            self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        settle_gc()
        self.load_profiles()
        self.start_listing(False)

    def retire(self) -> None:
        """For the app's first screen, which Textual keeps at the bottom of the stack:
        stop the work and drop the org when another screen takes over for good."""
        self._retired = True
        self.listing.stop()
        self._await_paint = False
        self.model.clear()
        try:
            self.query_one("#accounts", RowList).set_rows([])
            self.query_one(StatusBar).stop_clock()
        except NoMatches:
            pass

    @work(thread=True, exclusive=True, exit_on_error=False, group="listing")
    def start_listing(self, refresh: bool) -> None:
        def post(ev: Any) -> None:
            self.post_message(DirectoryEvent(ev))

        self.listing.start(post, refresh)

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

    # -- listing events -----------------------------------------------------
    @tolerate_closing
    def on_directory_event(self, message: DirectoryEvent) -> None:
        if self._retired:  # a cancelled loader's last events: not for this screen any more
            return
        from ssotui.core import directory as d

        ev = message.event
        change = self.model.apply(ev)
        status = self.query_one(StatusBar)
        match ev:
            case d.CachedOrg():
                if change.accounts or not self.model.ordered:  # else: already shown
                    self.repaint(urgent=not self.model.ordered)
                self.call_after_refresh(self.listing.release)  # once it is on screen
            case d.AccountsPage() if change.accounts:
                # the first accounts go on screen at once; later batches are coalesced
                self.repaint(urgent=not self.model.ordered)
            case d.RolesLoaded() if change.accounts:
                entry = self.current_entry
                if entry is not None and entry.account_id == change.roles_of:
                    self.show_roles(entry)
                self.repaint()
            case d.AccountFailed(account_id=account_id):
                entry = self.current_entry
                if entry is not None and entry.account_id == account_id:
                    self.update_details()
            case d.Progress(done=done, total=total, total_final=final, rps=rps,
                            throttled=throttled, failed=failed):
                status.listing = f"listing {done:,}/{total:,}{'' if final else '+'}"
                parts = [f"{rps:.0f} req/s"] if rps >= 1 else []
                if throttled:
                    parts.append(f"{throttled} throttled")
                if failed:
                    parts.append(f"{failed} failed")
                status.rate = " · ".join(parts)
                status.redraw()
            case d.LoginRequired():
                self.listing.stop()
                self.post_message(SignInNeeded(self.backend, self.after_sign_in))
            case d.CacheWarning(message=text):
                self.notify(shown(text), severity="warning", markup=False)
            case d.Finished(cancelled=cancelled, error=error, failed=failed):
                self.listing.done = True
                if error:
                    self.notify(shown(error), title="listing failed", severity="error",
                                markup=False)
                n = len(self.model.entries)
                status.listing = f"{n:,} accounts" + (" (stopped)" if cancelled else "")
                status.rate = f"{len(failed)} failed" if failed else ""
                status.redraw()
                for note in change.notes:
                    self.notify(shown(note), title="since last listing", markup=False)
                self.repaint(urgent=True)

    def after_sign_in(self, ok: bool | None) -> None:
        if ok:
            self.query_one(StatusBar).expires_at = (
                self.backend.token.expires_at if self.backend.token else None)
            self.start_listing(refresh=False)

    def repaint(self, urgent: bool = False) -> None:
        self._dirty = True
        if urgent:
            self._flush()
        elif not self._flush_pending:
            self._flush_pending = True
            self.set_timer(FLUSH_DELAY, self._flush)

    @tolerate_closing
    def _flush(self) -> None:
        self._flush_pending = False
        if not self.is_attached or not self._dirty:
            return
        self._dirty = False
        self.apply_filter(keep_cursor=True)
        # the highlighted account's roles may have just arrived
        entry = self.current_entry
        roles = self.query_one("#roles", RowList)
        if entry is not None and (entry.roles or []) != list(roles.rows):
            self.show_roles(entry, self.current_role)

    # -- drawn by the screen ------------------------------------------------
    @property
    def current_entry(self) -> Entry | None:
        raise NotImplementedError

    @property
    def current_role(self) -> str | None:
        raise NotImplementedError

    def apply_filter(self, keep_cursor: bool) -> None:
        raise NotImplementedError

    def show_roles(self, entry: Entry | None, role: str | None = None) -> None:
        raise NotImplementedError

    def update_details(self) -> None:
        raise NotImplementedError

"""SsotuiApp: starts at the right screen and holds what every screen shares.

Start: `--sso-session NAME` or the only configured session opens directly; several
show the picker; none show a form that creates one. A session without a usable
token goes through the sign-in screen first. With `print_env`, the app exits
with the rendered exports as its return value (the caller prints them).

Screens never import this module: they get what they need when made and post
messages (tui.messages) that the handlers here act on.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.keys import format_key
from textual.screen import Screen

from ssotui.core.errors import NeedsLogin
from ssotui.core.models import SsoSession
from ssotui.tui import backend as be
from ssotui.tui.actions import ACTIONS, key_of
from ssotui.tui.messages import OpenSession, SavePrefs, SignInNeeded, StartOver, SwitchSession
from ssotui.tui.prefstore import PrefStore
from ssotui.tui.screens.listing_view import FirstFrame
from ssotui.tui.screens.main import MainScreen
from ssotui.tui.startup import settle_gc

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def _load_prefs() -> tuple[Any, list[str]]:
    from ssotui.core import prefs

    try:
        p, warnings = prefs.load_prefs_with_warnings()
    except Exception as exc:  # noqa: BLE001 - defaults still work
        return prefs.Prefs(), [be.describe_error(exc)[0]]
    # the [keys] table is read by core.keyprefs, not by this prefs module
    return p, [w for w in warnings if "unknown preference 'keys'" not in w]


def _load_keys(prefs: Any) -> tuple[dict[str, str], list[str]]:
    from ssotui.core.keyprefs import key_overrides
    from ssotui.tui.actions import keymap

    overrides, warnings = key_overrides(prefs)
    keys, more = keymap(overrides)
    return keys, warnings + more


class SsotuiApp(App[str | None]):
    CSS_PATH = "styles.tcss"
    TITLE = "ssotui"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, *, session_name: str | None = None, print_env: bool = False,
                 fmt: str | None = None, clock: Clock | None = None,
                 open_browser: Callable[[str], Any] | None = None,
                 flow: str | None = None, prefetch: be.Prefetch | None = None,
                 query: str = "") -> None:
        driver = None
        if sys.platform != "win32":  # the size of the terminal, not of a captured stdout
            from ssotui.tui.driver import TerminalDriver

            driver = TerminalDriver
        super().__init__(driver_class=driver)
        self.prefetch = prefetch
        self.session_name = session_name
        self.print_env = print_env
        self.fmt = fmt
        self.clock: Clock = clock or _now
        self.open_browser = open_browser
        self.flow = flow  # force "pkce" / "device" (tests); None: core decides
        self.start_query = query  # the filter's text at start (`ssotui QUERY…`)
        self.backend: be.Backend | None = None
        prefs, self.prefs_warnings = _load_prefs()
        keys, warnings = _load_keys(prefs)
        self.prefs_warnings += warnings
        self.store = PrefStore(prefs, keys)
        self.set_keymap(keys)
        self.ready = False  # the first frame has been drawn (Textual's Ready event)

    @property
    def prefs(self) -> Any:
        return self.store.prefs

    # -- preferences --------------------------------------------------------
    @on(SavePrefs)
    def _save_prefs(self, message: SavePrefs) -> None:
        self.save_prefs(message.change, message.done)

    @work(thread=True, exit_on_error=False, group="prefs")
    def save_prefs(self, change: Callable[[Any], Any],
                   done: Callable[[bool], None] | None = None) -> None:
        from ssotui.core import prefs

        try:
            saved = prefs.update_prefs(change)
        except Exception as exc:  # noqa: BLE001 - e.g. an unparsable prefs.toml: refused
            text = be.describe_error(exc)[0]
            self.call_from_thread(self.notify, f"preferences not saved: {text}",
                                  title="preferences", severity="error", markup=False)
            if done is not None:
                self.call_from_thread(done, False)
            return
        self.call_from_thread(self._saved, saved, done)

    def _saved(self, saved: Any, done: Callable[[bool], None] | None) -> None:
        self.store.prefs = saved
        if done is not None:
            done(True)

    def is_favorite(self, account_id: str, role: str | None) -> bool:
        return self.store.is_favorite(account_id, role)

    def main_screen(self, backend: be.Backend, cached: Any = None) -> MainScreen:
        query, self.start_query = self.start_query, ""  # only the first main screen starts with it
        return MainScreen(backend, self.store, print_env=self.print_env, fmt=self.fmt,
                          clock=self.clock, cached=cached, ready=lambda: self.ready,
                          query=query)

    # -- start --------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        """Signed in, with token and cache read before the app started (see
        backend.Prefetch): the main screen is the first screen, drawn in the first
        frame. Otherwise a blank screen, and on_mount decides where to go."""
        pre, self.prefetch = self.prefetch, None
        if pre is not None and pre.session is not None:
            self.backend = be.Backend(pre.session)
            self.backend.token = pre.token
            return self.main_screen(self.backend, pre.cached)
        return super().get_default_screen()

    def on_mount(self) -> None:
        # the main screen settles it after its first paint; any other first screen
        # (sign-in, picker, an error) by this timer
        self.set_timer(1.0, settle_gc)
        for w in self.prefs_warnings:
            self.notify(w, title="preferences", severity="warning", markup=False)
        if self.backend is None:  # the main screen is not already the first screen
            self.start()

    def on_ready(self) -> None:
        self.ready = True
        self.screen.post_message(FirstFrame())

    @work(thread=True, exclusive=True, exit_on_error=False, group="start")
    def start(self) -> None:
        """Read the config (on a thread) and go where it says."""
        from ssotui.tui.screens.error import ErrorScreen  # not on the way to the first frame

        try:
            sessions = be.load_sessions()
        except Exception as exc:  # noqa: BLE001 - a malformed config: say where
            self.call_from_thread(self.push_screen, ErrorScreen(
                "Cannot read the AWS config", be.describe_error(exc)[0]))
            return
        self.call_from_thread(self._start_with, sessions)

    def _start_with(self, sessions: list[SsoSession]) -> None:
        from ssotui.tui.screens.error import ErrorScreen
        from ssotui.tui.screens.sessions import NewSessionScreen

        if self.session_name:
            match = [s for s in sessions if self.session_name in (s.name, s.legacy_profile)]
            if not match:
                names = ", ".join(s.name for s in sessions) or "none configured"
                self.push_screen(ErrorScreen(
                    f"No sso-session {self.session_name!r}",
                    f"{be.config_path()} has: {names}.\n"
                    "Run ssotui without --sso-session to choose or create one."))
                return
            self.open_session(match[0])
        elif len(sessions) == 1:
            self.open_session(sessions[0])
        elif sessions:
            self.push_screen(self._picker(sessions, can_go_back=False))
        else:
            self.push_screen(NewSessionScreen(be.config_path()))

    def _picker(self, sessions: list[SsoSession], can_go_back: bool) -> Screen[Any]:
        from ssotui.tui.screens.sessions import SessionsScreen

        return SessionsScreen(sessions, self.clock, can_go_back=can_go_back)

    @on(SwitchSession)
    def show_picker(self) -> None:
        self.load_picker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="start")
    def load_picker(self) -> None:
        try:
            sessions = be.load_sessions()
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(self.notify, be.describe_error(exc)[0], severity="error",
                                  markup=False)
            return
        self.call_from_thread(self.push_screen, self._picker(sessions, can_go_back=True))

    def _clear_stack(self) -> None:
        """Down to the first screen. When that is a main screen (see
        get_default_screen) it is retired: Textual cannot replace the first screen,
        so it stays underneath, hidden, with its listing stopped and its list dropped."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        first = self.screen_stack[0]
        if isinstance(first, MainScreen):
            first.retire()

    def _reset_to(self, screen: Screen[Any], callback: Any = None) -> None:
        self._clear_stack()
        self.push_screen(screen, callback)

    @on(OpenSession)
    def _open_session(self, message: OpenSession) -> None:
        self.open_session(message.session)

    def open_session(self, session: SsoSession) -> None:
        self.backend = be.Backend(session)
        self.check_token(self.backend)

    @work(thread=True, exclusive=True, exit_on_error=False, group="token")
    def check_token(self, backend: be.Backend) -> None:
        try:
            backend.ensure_token()
        except NeedsLogin:
            self.call_from_thread(self.sign_in, backend, self._signed_in, True)
            return
        except Exception as exc:  # noqa: BLE001 - e.g. network down during a refresh
            self.call_from_thread(self.notify, be.describe_error(exc)[0],
                                  title="token refresh failed", severity="error",
                                  markup=False)
            self.call_from_thread(self.sign_in, backend, self._signed_in, True)
            return
        # read the listing cache here, off the UI thread, so the main screen's first
        # paint has the list (rather than an empty screen, then the list)
        self.call_from_thread(self.show_main, backend, backend.cached_org())

    def show_main(self, backend: be.Backend, cached: Any = None) -> None:
        self._reset_to(self.main_screen(backend, cached))

    def _signed_in(self, ok: bool | None) -> None:
        if ok and self.backend is not None:
            self.show_main(self.backend)
        else:
            self.start_over()

    @on(StartOver)
    def start_over(self) -> None:
        self._clear_stack()
        self.session_name = None
        self.start()

    @on(SignInNeeded)
    def _sign_in_needed(self, message: SignInNeeded) -> None:
        self.sign_in(message.backend, message.then)

    def sign_in(self, backend: be.Backend, then: Callable[[bool | None], None],
                reset: bool = False) -> None:
        from ssotui.tui.screens.signin import SignInScreen

        screen = SignInScreen(backend, kind=self.flow, open_browser=self.open_browser)
        if reset:
            self._reset_to(screen, then)
        else:
            self.push_screen(screen, then)

    # -- command palette ----------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if isinstance(screen, MainScreen):
            for action in ACTIONS:
                if action.id in ("quit", "list_mode"):
                    continue
                key = format_key(key_of(action, self.store.keys))
                yield SystemCommand(action.label.rstrip("…").capitalize(),
                                    f"{action.help} · {key}",
                                    getattr(screen, f"action_{action.id}"))
            yield SystemCommand("Logout", "sign out of this sso-session (portal Logout)",
                                self.action_logout)
        yield from super().get_system_commands(screen)

    def action_logout(self) -> None:
        if self.backend is not None:
            self.logout(self.backend)

    @work(thread=True, exclusive=True, exit_on_error=False, group="logout")
    def logout(self, backend: be.Backend) -> None:
        try:
            backend.logout()
        except Exception as exc:  # noqa: BLE001
            self.call_from_thread(self.notify, be.describe_error(exc)[0],
                                  title="logout failed", severity="error", markup=False)
            return
        self.call_from_thread(self.notify, f"signed out of {backend.session.name}",
                              markup=False)
        self.call_from_thread(self.sign_in, backend, self._signed_in, True)

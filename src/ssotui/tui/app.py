"""SsotuiApp: starts at the right screen and holds what every screen shares.

Start: `--sso-session NAME` or the only configured session opens directly; several
show the picker; none show a form that creates one. A session without a usable
token goes through the sign-in screen first. With `print_env`, the app exits
with the rendered exports as its return value (the caller prints them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Label, Static

from ssotui.core.errors import NeedsLogin
from ssotui.core.models import SsoSession, Token
from ssotui.tui import backend as be
from ssotui.tui.startup import settle_gc
from ssotui.tui.widgets.keybar import KeyBar

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


class ErrorScreen(Screen[None]):
    """A problem ssotui cannot go on without (e.g. a malformed config), and the fix."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "app.quit", "quit"),
                                             Binding("r", "retry", "retry")]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Label(self.title_text, classes="dialog-title error")
            yield Static(Text(self.message))
            yield Label("r retry · q quit", classes="dialog-hint")
        yield KeyBar()

    def action_retry(self) -> None:
        self.app.pop_screen()
        app: SsotuiApp = self.app  # type: ignore[assignment]
        app.start()


class SsotuiApp(App[str | None]):
    CSS_PATH = "styles.tcss"
    TITLE = "ssotui"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, *, session_name: str | None = None, print_env: bool = False,
                 fmt: str | None = None, clock: Clock | None = None,
                 open_browser: Callable[[str], Any] | None = None,
                 flow: str | None = None, prefetch: be.Prefetch | None = None,
                 query: str = "") -> None:
        super().__init__()
        self.query_text = query  # `ssotui QUERY…`: typed into the first main screen's filter
        self.prefetch = prefetch
        self.session_name = session_name
        self.print_env = print_env
        self.fmt = fmt
        self.clock: Clock = clock or _now
        self.open_browser = open_browser
        self.flow = flow  # force "pkce" / "device" (tests); None: core decides
        self.backend: be.Backend | None = None
        self.prefs_warnings: list[str] = []
        self.prefs = self._load_prefs()
        self.ready = False  # the first frame has been drawn (Textual's Ready event)

    # -- preferences --------------------------------------------------------
    def _load_prefs(self) -> Any:
        try:
            from ssotui.core import prefs

            p, self.prefs_warnings = prefs.load_prefs_with_warnings()
            return p
        except Exception as exc:  # noqa: BLE001 - defaults still work
            self.prefs_warnings = [be.describe_error(exc)[0]]
            from ssotui.core.prefs import Prefs

            return Prefs()

    def _update_prefs(self, change: Callable[[Any], Any]) -> None:
        from ssotui.core import prefs

        try:
            self.prefs = prefs.update_prefs(change)
        except Exception as exc:  # noqa: BLE001 - keep the change for this run
            self.prefs = change(self.prefs)
            self.notify(f"preferences not saved: {be.describe_error(exc)[0]}",
                        severity="warning")

    def default_format(self) -> str:
        return str(self.prefs.default_format or "env")

    def print_format(self) -> str:
        return self.fmt or self.default_format()

    def name_template(self) -> str:
        return str(self.prefs.name_template)

    def credentials_template(self) -> str:
        return str(self.prefs.credentials_template)

    def favorites(self) -> set[str]:
        """Account ids with at least one favorite role."""
        return {k.split("/", 1)[0] for k in self.prefs.favorites}

    def is_favorite(self, account_id: str, role: str | None) -> bool:
        return f"{account_id}/{role}" in self.prefs.favorites

    def toggle_favorite(self, account_id: str, role: str | None) -> bool:
        from ssotui.core import prefs

        key = f"{account_id}/{role or ''}"
        self._update_prefs(lambda p: prefs.with_favorite_toggled(p, key))
        return key in self.prefs.favorites

    def remember(self, account_id: str, role: str) -> None:
        from ssotui.core import prefs

        self._update_prefs(lambda p: prefs.with_recent(p, f"{account_id}/{role}"))

    def shortcuts(self) -> list[tuple[str, str | None]]:
        """What keys 1–9 jump to: favorites, then recent ones, without repeats."""
        seen: list[str] = []
        for key in [*self.prefs.favorites, *self.prefs.recent]:
            if key not in seen:
                seen.append(key)
        out: list[tuple[str, str | None]] = []
        for key in seen[:9]:
            account, _, role = key.partition("/")
            out.append((account, role or None))
        return out

    # -- start --------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        """Signed in, with token and cache read while Textual was importing (see
        backend.Prefetch): the main screen is the first screen, drawn in the first
        frame. Otherwise a blank screen, and on_mount decides where to go."""
        pre, self.prefetch = self.prefetch, None
        if pre is not None and pre.ready(0.05) and pre.session is not None:
            from ssotui.tui.screens.main import MainScreen

            self.backend = be.Backend(pre.session)
            self.backend.token = pre.token
            return MainScreen(self.backend, pre.cached)
        return super().get_default_screen()

    def on_mount(self) -> None:
        # the main screen settles it after its first paint; any other first screen
        # (sign-in, picker, an error) by this timer
        self.set_timer(1.0, settle_gc)
        for w in self.prefs_warnings:
            self.notify(w, title="preferences", severity="warning")
        if self.backend is None:  # the main screen is not already the first screen
            self.start()

    def fill_filter(self) -> None:
        """The command line's QUERY into the main screen's filter, once."""
        from textual.widgets import Input

        if not self.query_text:
            return
        for filt in self.screen.query("#filter").results(Input):
            filt.value, self.query_text = self.query_text, ""
            filt.cursor_position = len(filt.value)

    def on_ready(self) -> None:
        self.ready = True
        self.fill_filter()
        first_frame_drawn = getattr(self.screen, "first_frame_drawn", None)
        if first_frame_drawn is not None:
            first_frame_drawn()

    def start(self) -> None:
        from ssotui.tui.screens.sessions import NewSessionScreen, SessionsScreen

        try:
            sessions = be.load_sessions()
        except Exception as exc:  # noqa: BLE001 - a malformed config: say where
            self.push_screen(ErrorScreen("Cannot read the AWS config", be.describe_error(exc)[0]))
            return
        if self.session_name:
            match = [s for s in sessions if s.name == self.session_name
                     or s.legacy_profile == self.session_name]
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
            self.push_screen(SessionsScreen(sessions))
        else:
            self.push_screen(NewSessionScreen())

    def token_for(self, session: SsoSession) -> Token | None:
        try:
            return be.load_token(session)
        except Exception:  # noqa: BLE001 - shown as signed out
            return None

    def show_picker(self) -> None:
        from ssotui.tui.screens.sessions import SessionsScreen

        try:
            sessions = be.load_sessions()
        except Exception as exc:  # noqa: BLE001
            self.notify(be.describe_error(exc)[0], severity="error")
            return
        self.push_screen(SessionsScreen(sessions, can_go_back=True))

    def _clear_stack(self) -> None:
        """Down to the first screen. When that is a main screen (see
        get_default_screen) it is retired: Textual cannot replace the first screen,
        so it stays underneath, hidden, with its listing stopped and its list dropped."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        retire = getattr(self.screen_stack[0], "retire", None)
        if retire is not None:
            retire()

    def _reset_to(self, screen: Screen[Any], callback: Any = None) -> None:
        self._clear_stack()
        self.push_screen(screen, callback)

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
                                  title="token refresh failed", severity="error")
            self.call_from_thread(self.sign_in, backend, self._signed_in, True)
            return
        # read the listing cache here, off the UI thread, so the main screen's first
        # paint has the list (rather than an empty screen, then the list)
        self.call_from_thread(self.show_main, backend, backend.cached_org())

    def show_main(self, backend: be.Backend, cached: Any = None) -> None:
        from ssotui.tui.screens.main import MainScreen

        self._reset_to(MainScreen(backend, cached))
        self.call_after_refresh(self.fill_filter)

    def _signed_in(self, ok: bool | None) -> None:
        if ok and self.backend is not None:
            self.show_main(self.backend)
        else:
            self.start_over()

    def start_over(self) -> None:
        self._clear_stack()
        self.session_name = None
        self.start()

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
        from ssotui.tui.screens.main import ACTIONS, MainScreen

        if isinstance(screen, MainScreen):
            for _, action, label, text in ACTIONS:
                if action == "quit":
                    continue
                yield SystemCommand(label.rstrip("…").capitalize(), text,
                                    getattr(screen, f"action_{action}"))
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
                                  title="logout failed", severity="error")
            return
        self.call_from_thread(self.notify, f"signed out of {backend.session.name}")
        self.call_from_thread(self.sign_in, backend, self._signed_in, True)

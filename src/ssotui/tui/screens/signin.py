"""Sign-in: PKCE in the browser by default, device code where no browser can open.

The flow generator from `ssotui.core.login` runs in a thread worker; its events
come back as SignInEvent messages. Escape sets the flow's cancel Event (the
generator then ends within a second); `r` retries, `d`/`b` switch flows, `u`
copies the URL (or the device verification URL) for a browser elsewhere.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.messages import SignInEvent
from ssotui.tui.widgets.keybar import KeyBar


def _identity(text: str) -> str:
    return text


#: What the screen shows of a URL or code; snapshot tests swap it to hide random ports.
display_filter: Callable[[str], str] = _identity


def _shown(text: str) -> str:
    return display_filter(shown(text))


class SignInScreen(Screen[bool]):
    """Dismisses with True once signed in, False when the user gives up."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("u", "copy_url", "copy URL"),
        Binding("r", "retry", "retry"),
        Binding("d", "device", "use device code"),
        Binding("b", "browser", "use browser"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, backend: be.Backend, kind: str | None = None,
                 open_browser: Any = None) -> None:
        super().__init__()
        self.backend = backend
        self.kind = kind
        self.open_browser = open_browser
        self.cancel_event = threading.Event()
        self.url = ""
        self.running = False
        self.failed = False
        self.generation = 0

    def compose(self) -> ComposeResult:
        s = self.backend.session
        with Vertical(id="signin"):
            yield Static(Text.assemble(("Sign in to ", ""), (shown(s.name), "bold"),
                                       "\n", (shown(f"{s.start_url} · {s.region}"), "dim")),
                         id="signin-title")
            yield Static("", id="signin-how")
            with Center():
                yield Static("", id="signin-code")
            yield Static("", id="signin-url")
            yield Static("", id="signin-state")
        yield KeyBar()

    def on_mount(self) -> None:
        self.start()  # the flow's kind, when not given, is chosen on the worker thread

    def on_unmount(self) -> None:
        self.cancel_event.set()  # the flow thread ends within a second

    @tolerate_closing
    def start(self) -> None:
        self.cancel_event = threading.Event()
        self.failed = False
        self.running = True
        self.generation += 1
        self.url = ""
        self.query_one("#signin-code", Static).update("")
        self.query_one("#signin-code", Static).display = False
        self.query_one("#signin-url", Static).update("")
        self._show_how(self.kind)
        self._state("starting…")
        self.run_flow(self.kind, self.cancel_event, self.generation)

    @tolerate_closing
    def _show_how(self, kind: str | None) -> None:
        if kind is None:
            return
        self.kind = kind
        how = ("Sign in through your browser (authorization code with PKCE)."
               if kind == "pkce" else
               "Confirm this code in a browser on any device (device authorization):")
        self.query_one("#signin-how", Static).update(how)

    @work(thread=True, exclusive=False, exit_on_error=False, group="signin")
    def run_flow(self, kind: str | None, cancel: threading.Event, generation: int) -> None:
        opener = self.open_browser if self.open_browser is not None else self._open_in_app
        from ssotui.core import login

        if kind is None:  # looks at the environment and the disk (a container?)
            kind = self.backend.flow_kind()
            self.app.call_from_thread(self._show_how, kind)

        try:
            for event in self.backend.login_flow(kind, opener, cancel):
                self.post_message(SignInEvent(event, generation))
                if cancel.is_set() and isinstance(event, login.Done | login.Failed):
                    return
        except Exception as exc:  # noqa: BLE001 - shown on screen
            self.post_message(SignInEvent(login.Failed(be.describe_error(exc)[0]), generation))

    def _open_in_app(self, url: str) -> bool:
        # App.open_url must run on the UI thread
        self.app.call_from_thread(self.app.open_url, url)
        return True

    @tolerate_closing
    def on_sign_in_event(self, message: SignInEvent) -> None:
        if message.generation != self.generation:
            return  # a cancelled attempt still winding down
        from ssotui.core import login

        match message.event:
            case login.ShowUrl(url=url, opened=opened):
                self.url = url
                self.query_one("#signin-url", Static).update(Text.assemble(
                    ("Browser " + ("opened at" if opened else "did not open; visit") + ":\n",
                     "dim"),
                    (_shown(url), "underline"), ("\nu copies this URL", "dim")))
                self._state("waiting for you to approve in the browser…")
            case login.ShowCode(user_code=user_code, verification_uri=uri,
                                verification_uri_complete=complete):
                self.url = complete or uri
                code = self.query_one("#signin-code", Static)
                code.display = True
                code.update(Text(" ".join(_shown(user_code)), style="bold"))
                self.query_one("#signin-url", Static).update(Text.assemble(
                    ("Open ", "dim"), (_shown(uri), "underline"),
                    (" and enter the code above, or open directly:\n", "dim"),
                    (_shown(self.url), "underline"), ("\nu copies this URL", "dim")))
                self._state("waiting for approval…")
            case login.Waiting(seconds_left=seconds_left):
                mins = max(1, math.ceil(seconds_left / 60))
                self._state(f"waiting for approval… (about {mins} min left · Esc cancels)")
            case login.Done(token=token):
                self.running = False
                self.backend.token = token
                self._state("signed in")
                self.dismiss(True)
            case login.Failed(reason=reason):
                self.running = False
                self.failed = True
                if reason == "cancelled":
                    self._state("cancelled · r retry · Esc back · q quit", error=False)
                else:
                    self._state(f"✗ {shown(reason)}\nr retry · d device code · b browser · "
                                "q quit", error=True)

    def _state(self, text: str, error: bool = False) -> None:
        self.query_one("#signin-state", Static).update(
            Text(text, style="bold red" if error else ""))

    def action_copy_url(self) -> None:
        if not self.url:
            self.notify("no URL yet", severity="warning")
            return
        self.app.copy_to_clipboard(self.url)
        self.copy_to_system(self.url)
        self.notify("sign-in URL copied")

    @work(thread=True, exit_on_error=False, group="clipboard")
    def copy_to_system(self, text: str) -> None:
        """The system clipboard tool is a subprocess: not on the UI thread."""
        try:
            self.backend.system_clipboard(text)
        except Exception:  # noqa: BLE001 - OSC 52 already copied it
            pass

    def action_cancel(self) -> None:
        if self.running:
            self.cancel_event.set()
            self.running = False
            self._state("cancelling…")
            return
        self.dismiss(False)

    def action_retry(self) -> None:
        if not self.running:
            self.start()

    def action_device(self) -> None:
        self._switch("device")

    def action_browser(self) -> None:
        self._switch("pkce")

    def _switch(self, kind: str) -> None:
        self.cancel_event.set()
        self.kind = kind
        self.start()

    def action_quit(self) -> None:
        self.cancel_event.set()
        self.app.exit()

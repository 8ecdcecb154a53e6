"""Helpers for the TUI tests: the fixed org, the fixed clock, waiting and reading the screen."""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console

from conftest import SESSION
from ssotui.core.models import Account

# A fixed org: names and ids on screen never change between runs.
ORG: list[tuple[Account, list[str]]] = [
    (Account("111122223333", "prod-payments", "payments-prod@example.com"),
     ["AdministratorAccess", "ReadOnly"]),
    (Account("222233334444", "prod-payments-dr", "payments-dr@example.com"),
     ["AdministratorAccess", "ReadOnly"]),
    (Account("333344445555", "sandbox-payments", "sandbox@example.com"), ["PowerUser"]),
    (Account("444455556666", "dev-platform", "platform-dev@example.com"),
     ["AdministratorAccess", "Developer", "ReadOnly"]),
    (Account("555566667777", "log-archive", "logs@example.com"), ["SecurityAudit"]),
    (Account("666677778888", "legacy-[eu]", "legacy@example.com"), ["Billing"]),
    (Account("777788889999", "staging-api", "staging@example.com"), ["Developer", "ReadOnly"]),
    (Account("888899990000", "prod-identity", "identity@example.com"),
     ["AdministratorAccess", "ViewOnlyAccess"]),
]

# Token valid until EXPIRES; the app's clock says NOW, so "7h42m left" on screen.
EXPIRES = datetime(2099, 1, 1, 0, 0, tzinfo=UTC)
NOW = datetime(2098, 12, 31, 16, 18, tzinfo=UTC)


def fixed_clock() -> datetime:
    return NOW


@contextmanager
def xvfb() -> Iterator[str]:
    """A private X server (Xvfb); yields its display name, e.g. ":93"."""
    from conftest import require_tool

    server = require_tool("Xvfb")
    require_tool("xclip")
    read, write = os.pipe()
    proc = subprocess.Popen([server, "-displayfd", str(write), "-nolisten", "tcp",
                             "-screen", "0", "320x200x24"], pass_fds=(write,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    try:
        assert number, "Xvfb did not report a display"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def x_clipboard(display: str) -> str:
    env = {**os.environ, "DISPLAY": display}
    return subprocess.run(["xclip", "-o", "-selection", "clipboard"], env=env,
                          capture_output=True, text=True, timeout=10).stdout


def make_app(*, prefetch: bool | Any = True, **kw: Any) -> Any:
    """The app as `ssotui` starts it: with the prefetch (config, token and cache read
    beforehand), unless `prefetch=False` (the worker path) or a Prefetch is given."""
    from ssotui.commands.tui import headless_browser
    from ssotui.tui.app import SsotuiApp
    from ssotui.tui.backend import Prefetch

    kw.setdefault("clock", fixed_clock)
    kw.setdefault("open_browser", headless_browser)
    if prefetch is True:
        prefetch = Prefetch(kw.get("session_name"))
    kw["prefetch"] = prefetch or None
    return SsotuiApp(**kw)


async def wait_for(pilot: Any, cond: Callable[[], Any], what: str = "condition",
                   limit: float = 15.0) -> None:
    """Pause until `cond()` is true (fails the test after `limit` seconds)."""
    waited = 0.0
    while not cond():
        if waited >= limit:
            raise AssertionError(f"gave up waiting for {what}:\n{screen_text(pilot.app)}")
        await pilot.pause(0.05)
        waited += 0.05


def rows(screen: Any, which: str) -> list[Any]:
    """The rows of the list `#which` ([] while the screen is still being composed)."""
    from textual.css.query import NoMatches

    from ssotui.tui.widgets.rowlist import RowList

    try:
        return list(screen.query_one(f"#{which}", RowList).rows)
    except NoMatches:
        return []


def screen_name(app: Any) -> str:
    return type(app.screen).__name__


async def wait_main_loaded(pilot: Any) -> Any:
    await wait_for(pilot, lambda: screen_name(pilot.app) == "MainScreen", "main screen")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.listing_done, "listing to finish")
    await pilot.pause()
    return screen


def screen_text(app: Any) -> str:
    """The screen as plain text (what a user reads)."""
    w, h = app.size
    console = Console(width=w, height=h, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


def notifications(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


_PORT = re.compile(r"127\.0\.0\.1:\d+")
_QUERY = re.compile(r"\?.*$")


def steady(text: str) -> str:
    """Hide the random parts of sign-in URLs and codes for snapshots."""
    text = _PORT.sub("127.0.0.1:PORT", text)
    text = _QUERY.sub("?…", text)
    if re.fullmatch(r"[A-Z0-9]{4}-?[A-Z0-9]{4}", text):
        return "WXYZ-2345"
    return text


@asynccontextmanager
async def started(app: Any = None, *, size: tuple[int, int] = (120, 36),
                  toasts: bool = False, **kw: Any) -> AsyncIterator[Any]:
    """The app (`make_app(**kw)` unless given) running headless at `size`; yields its
    pilot. `toasts`: draw notifications on screen (Pilot hides them by default)."""
    app = app if app is not None else make_app(**kw)
    async with app.run_test(size=size, notifications=toasts) as pilot:
        yield pilot


def key_event(key: str) -> Any:
    """The Key event a terminal driver makes for `key` (a character or a key name)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def send_in_one_read(pilot: Any, keys: str | list[str]) -> None:
    """Keys as one terminal read delivers them: the driver sends every key event at
    once, none handled before the last is queued (Pilot.press waits after each)."""
    app = pilot.app
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
    await pilot.pause()


async def paste(pilot: Any, text: str) -> None:
    """A bracketed paste from the terminal (the driver sends one Paste event)."""
    from textual import events

    event = events.Paste(text)
    event.set_sender(pilot.app)
    pilot.app._driver.send_message(event)
    await pilot.pause()


# -- shared by the feature test files --------------------------------------------

def never_open(url: str) -> bool:
    """A browser that cannot open: the sign-in screen waits for the user."""
    return False


def status_text(screen: Any) -> str:
    from textual.css.query import NoMatches

    try:
        return str(screen.query_one("#status").render())
    except NoMatches:
        return ""


def token_file(home: Path) -> Path:
    """Where the AWS CLI keeps the token of sso-session `corp` (sha1 of its name)."""
    name = hashlib.sha1(SESSION.encode()).hexdigest() + ".json"
    return home / ".aws" / "sso" / "cache" / name


def listing_caches(home: Path) -> list[Path]:
    return sorted((home / ".cache" / "ssotui").glob(f"directory-{SESSION}-*.json"))


def save_prefs(**values: Any) -> None:
    from ssotui.core import prefs

    prefs.save_prefs(prefs.Prefs(**values))


def leaked(secret: str, text: str, window: int = 12) -> str | None:
    """A piece of `secret` found in `text` (a wrapped or cut secret still counts)."""
    for i in range(len(secret) - window + 1):
        if secret[i:i + window] in text:
            return secret[i:i + window]
    return None


def assert_no_secret(app: Any, secrets: dict[str, str], when: str) -> None:
    svg = html.unescape(app.export_screenshot()).replace("\u00a0", " ")
    shown = screen_text(app) + "\n".join(notifications(app))
    for what, secret in secrets.items():
        for where, text in (("screen", shown), ("SVG", svg)):
            piece = leaked(secret, text)
            assert piece is None, f"{what} ({piece!r}) in the {where} {when}"


async def copy_exports(pilot: Any, query: str) -> dict[str, str]:
    """Type `query`, copy with Enter; the copied exports as {NAME: value}."""
    app = pilot.app
    await pilot.press(*query, "enter")
    await wait_for(pilot, lambda: app.clipboard, "clipboard")
    return dict(line.removeprefix("export ").split("=", 1)
                for line in app.clipboard.splitlines())


async def toggle_favorite(pilot: Any, key: str = "ctrl+f") -> None:
    """Press the favorite key and wait until it is saved and shown (the prefs file is
    written on a thread; the note and the star follow)."""
    def said() -> int:
        return sum("favorites" in n for n in notifications(pilot.app))

    before = said()
    await pilot.press(key)
    await wait_for(pilot, lambda: said() > before, "the favorite saved")
    await pilot.pause()

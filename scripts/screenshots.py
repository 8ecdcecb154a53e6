"""Regenerate the README screenshots (SVG) from the demo: `make screenshots`.

Runs the app headless at 120×36 against the in-process emulator with throwaway
files, the way `ssotui --demo` does. No secret is ever on these screens: the
copy notification names account, role and expiry only, and the sign-in URL is
shortened (its port and query are random anyway).
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
SIZE = (120, 36)


def _short(text: str) -> str:
    text = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", text)
    return re.sub(r"\?.*$", "?…", text)


async def _until(pilot: Any, cond: Callable[[], bool], limit: float = 30.0) -> None:
    waited = 0.0
    while not cond():
        if waited > limit:
            raise SystemExit("screenshots: the demo did not get there in time")
        await pilot.pause(0.1)
        waited += 0.1


async def main() -> int:
    from ssotui.commands.tui import demo_environment, headless_browser
    from ssotui.tui.app import SsotuiApp
    from ssotui.tui.screens import signin

    OUT.mkdir(exist_ok=True)
    signin.display_filter = _short
    with demo_environment():
        # sign-in first (the browser never opens, so the screen waits for the user)
        app = SsotuiApp(session_name="demo", flow="pkce", open_browser=lambda url: False)
        async with app.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: type(app.screen).__name__ == "SignInScreen")
            await pilot.pause(1.5)
            app.save_screenshot("signin.svg", str(OUT))

        app = SsotuiApp(session_name="demo", open_browser=headless_browser)
        async with app.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: type(app.screen).__name__ == "MainScreen")
            screen: Any = app.screen
            await _until(pilot, lambda: screen.listing_done)
            await pilot.pause(0.5)
            app.save_screenshot("main.svg", str(OUT))
            await pilot.press(*"pay adm")  # the filter has the focus: just type
            await pilot.pause(0.5)
            app.save_screenshot("filter.svg", str(OUT))
            await pilot.press("ctrl+n")
            await _until(pilot, lambda: type(app.screen).__name__ == "WriteScreen")
            await pilot.pause(1.0)
            app.save_screenshot("profile.svg", str(OUT))
    for name in ("main", "filter", "profile", "signin"):
        print(OUT / f"{name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

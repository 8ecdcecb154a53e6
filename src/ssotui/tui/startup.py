"""Start-up helpers shared by the app and the main screen."""

from __future__ import annotations

import gc


def settle_gc() -> None:
    """Turn the collector back on after start-up (cli.entry turns it off), with the
    start-up objects frozen so later collections while typing need not walk them.
    A no-op when it was on (tests, embedding)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()

"""Copies on a real X clipboard: auto-clear, and what the user copied since."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path
from typing import Any

from tui.tuikit import (
    notifications,
    save_prefs,
    wait_for,
    wait_main_loaded,
    x_clipboard,
)

# -- 2. clipboard auto-clear on a real X clipboard ------------------------------------

def clear_processes(text: str) -> list[int]:
    """Pids of `python -m ssotui.core.clipboard --clear-after N <sha256 of text>`."""
    digest = hashlib.sha256(text.encode()).hexdigest().encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"--clear-after" in cmdline and digest in cmdline:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has finished


def x_copy(display: str, text: str) -> None:
    """The user copies something else (with xclip, as any X program would)."""
    subprocess.run(["xclip", "-selection", "clipboard", "-in"], input=text.encode(),
                   env={**os.environ, "DISPLAY": display}, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=10, check=True)


async def copy_with_autoclear(pilot: Any, query: str) -> str:
    app = pilot.app
    await wait_main_loaded(pilot)
    await pilot.press(*query, "enter")
    await wait_for(pilot, lambda: app.clipboard, "clipboard")
    await wait_for(pilot, lambda: any("(xclip)" in n for n in notifications(app)),
                   "copied to the X clipboard")
    return str(app.clipboard)


async def test_autoclear_empties_the_x_clipboard(tui_signed_in: Any, xdisplay: str, start: Any) -> None:
    save_prefs(autoclear_seconds=1)
    async with start() as pilot:
        copied = await copy_with_autoclear(pilot, "log arch")
        secret = copied.splitlines()[1].split("=", 1)[1]
        assert clear_processes(copied), "no auto-clear was scheduled"
        await wait_for(pilot, lambda: secret not in x_clipboard(xdisplay),
                       "the X clipboard to be cleared", limit=30)
        assert x_clipboard(xdisplay) == ""


async def test_autoclear_keeps_what_the_user_copied_since(tui_signed_in: Any,
                                                          xdisplay: str, start: Any) -> None:
    save_prefs(autoclear_seconds=2)
    async with start() as pilot:
        copied = await copy_with_autoclear(pilot, "prod-identity")
        x_copy(xdisplay, "my own notes")
        pids = clear_processes(copied)
        # the clear must still be pending, or this test would prove nothing
        assert pids and all(running(p) for p in pids), "auto-clear already ran"
        await wait_for(pilot, lambda: not any(running(p) for p in pids),
                       "the auto-clear to finish", limit=30)
        assert x_clipboard(xdisplay) == "my own notes"

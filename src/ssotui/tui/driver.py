"""Textual's Linux driver, sized from the terminal it draws on.

Textual sizes the screen with `shutil.get_terminal_size()`, which asks stdout. Under
`eval "$(ssotui --print-env)"` stdout is the shell's pipe, so the picker drew at 80x24
whatever the window's size, and every resize (SIGWINCH) measured the pipe again. The
driver draws on stderr and reads stdin: ask those, then /dev/tty.
"""

from __future__ import annotations

import os
import sys

from textual.drivers.linux_driver import LinuxDriver


def terminal_size() -> tuple[int, int] | None:
    """(columns, lines) of the controlling terminal, or None when there is none."""
    for stream in (sys.__stderr__, sys.__stdin__, sys.__stdout__):
        try:
            size = os.get_terminal_size(stream.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            continue
        if size.columns > 0 and size.lines > 0:
            return size.columns, size.lines
    try:
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return None
    try:
        size = os.get_terminal_size(fd)
        return (size.columns, size.lines) if size.columns > 0 and size.lines > 0 else None
    except OSError:
        return None
    finally:
        os.close(fd)


class TerminalDriver(LinuxDriver):
    def _get_terminal_size(self) -> tuple[int, int]:
        return terminal_size() or super()._get_terminal_size()

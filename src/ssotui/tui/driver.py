"""The terminal driver: the real terminal's size even when stdout is not the terminal.

`eval "$(ssotui --print-env)"` captures stdout; Textual's driver asks stdout for the
size (shutil.get_terminal_size), gets a pipe, and draws at 80x24 forever. This one
asks the terminal it draws on (stderr, or stdin), so the picker fills the window and
follows resizes.
"""

from __future__ import annotations

import os
import sys

from textual.drivers.linux_driver import LinuxDriver


def terminal_size() -> tuple[int, int] | None:
    for stream in (sys.__stderr__, sys.__stdin__, sys.__stdout__):
        try:
            size = os.get_terminal_size(stream.fileno()) if stream is not None else None
        except (AttributeError, ValueError, OSError):
            continue
        if size is not None and size.columns and size.lines:
            return size.columns, size.lines
    return None


class TerminalDriver(LinuxDriver):
    def _get_terminal_size(self) -> tuple[int, int]:
        return terminal_size() or super()._get_terminal_size()

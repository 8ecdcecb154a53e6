"""The status bar: session, token countdown, listing progress, rate, last action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widgets import Static


def time_left(expires_at: datetime | None, now: datetime) -> str:
    if expires_at is None:
        return "not signed in"
    secs = int((expires_at - now).total_seconds())
    if secs <= 0:
        return "expired"
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h}h{m:02d}m left"
    if m >= 10:
        return f"{m}m left"
    return f"{m}m{s:02d}s left"


class StatusBar(Static):
    """One line, refreshed every second by its owner (the countdown) and on events."""

    DEFAULT_CSS = """
    StatusBar { height: 1; width: 100%; background: $panel; color: $text; padding: 0 1; }
    """

    def __init__(self, clock: Callable[[], datetime], **kw: object) -> None:
        super().__init__("", **kw)  # type: ignore[arg-type]
        self.clock = clock
        self.session = ""
        self.expires_at: datetime | None = None
        self.listing = ""
        self.rate = ""
        self.last_action = ""
        self.production = ""  # "⚠ PROD …" while a production role is highlighted

    def on_mount(self) -> None:
        self._clock = self.set_interval(1.0, self.redraw)
        self.redraw()

    def stop_clock(self) -> None:
        self._clock.stop()

    def redraw(self) -> None:
        left = Text()
        left.append(self.session, "bold")
        left.append(" · ")
        tl = time_left(self.expires_at, self.clock())
        left.append(tl, "bold red" if tl in ("expired", "not signed in") else "")
        if self.production:
            left.append(" · ")
            left.append(self.production, "bold red reverse")
        for part in (self.listing, self.rate):
            if part:
                left.append(" · ")
                left.append(part, "yellow" if "throttled" in part else "")
        if self.last_action:
            width = max(0, self.size.width - 2 - left.cell_len - len(self.last_action) - 1)
            left.append(" " * max(1, width))
            left.append(self.last_action, "italic")
        self.update(left, layout=False)

"""The listing controller: one core.directory loader at a time, its network gate (held
until the cached list is on screen), priority for the highlighted account, cancel.
No Textual here; the screen runs `start` in a thread worker and gets the events
through the callback it passes in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ssotui.tui import backend as be


class ListingController:
    def __init__(self, backend: be.Backend) -> None:
        self.backend = backend
        self.loader: Any = None
        self.gate = threading.Event()
        self.done = False
        self._lock = threading.Lock()

    def start(self, on_event: Callable[[Any], None], refresh: bool) -> None:
        """Stop any listing and start a new one (blocking: call from a worker). With
        a cached org to paint first, the network waits for `release()`."""
        from ssotui.core import directory

        self.stop()
        gate = threading.Event()
        cached = False

        def event(ev: Any) -> None:
            nonlocal cached
            cached = cached or isinstance(ev, directory.CachedOrg)
            on_event(ev)

        loader = self.backend.start_loader(event, refresh=refresh, gate=gate)
        with self._lock:
            self.gate, self.loader, self.done = gate, loader, False
        if not cached:  # nothing to paint first: go ahead
            gate.set()

    def release(self) -> None:
        """The cached list is on screen: the network may start."""
        self.gate.set()

    def prioritize(self, account_id: str) -> None:
        loader = self.loader
        if loader is not None and not self.done:
            loader.prioritize(account_id)

    def stop(self) -> None:
        self.gate.set()  # a cancelled loader must not sit waiting for it
        with self._lock:
            loader, self.loader = self.loader, None
        if loader is not None:
            loader.cancel()

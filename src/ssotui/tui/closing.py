"""A guard for message handlers that may run while their screen is closing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from textual.css.query import NoMatches

F = TypeVar("F", bound=Callable[..., Any])


def tolerate_closing(handler: F) -> F:
    """Ignore NoMatches: a worker's message can arrive after the screen's widgets are
    gone (the user quit or switched screens); there is nothing left to update."""

    @functools.wraps(handler)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return handler(*args, **kwargs)
        except NoMatches:
            return None

    return wrapper  # type: ignore[return-value]

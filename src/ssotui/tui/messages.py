"""Messages that thread workers post back to the UI thread, and that screens post up
to the app.

Plain classes rather than dataclasses: this module is imported on the way to the
first frame, and each dataclass costs ~0.5 ms to create (it compiles its methods).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message

from ssotui.core.models import RoleCredentials, SsoSession, Token


class DirectoryEvent(Message):
    """A `ssotui.core.directory` loader event (CachedOrg, AccountsPage, RolesLoaded, ...)."""

    def __init__(self, event: Any) -> None:
        self.event = event
        super().__init__()


class SignInEvent(Message):
    """A `ssotui.core.login` flow event (ShowUrl, ShowCode, Waiting, Done, Failed).
    `generation`: which attempt it belongs to (retries start a new one)."""

    def __init__(self, event: Any, generation: int = 0) -> None:
        self.event = event
        self.generation = generation
        super().__init__()


class TokenReady(Message):
    def __init__(self, session: SsoSession, token: Token) -> None:
        self.session = session
        self.token = token
        super().__init__()


class CredsReady(Message):
    """Role credentials fetched for an action ("copy", "env", "print"); `text` is
    what was rendered from them (a secret: never in a repr)."""

    def __init__(self, account_id: str, account_name: str, role: str,
                 creds: RoleCredentials, purpose: str, fmt: str, text: str = "",
                 where: str = "") -> None:
        self.account_id = account_id
        self.account_name = account_name
        self.role = role
        self.creds = creds
        self.purpose = purpose
        self.fmt = fmt
        self.text = text
        self.where = where
        super().__init__()

    def __repr__(self) -> str:
        return (f"CredsReady(account_id={self.account_id!r}, role={self.role!r}, "
                f"purpose={self.purpose!r}, fmt={self.fmt!r})")


class ActionFailed(Message):
    """A worker failed; the text is one line for a notification (no secrets)."""

    def __init__(self, what: str, text: str, needs_login: bool = False) -> None:
        self.what = what
        self.text = text
        self.needs_login = needs_login
        super().__init__()


# -- screens to the app (screens never import the app) --------------------------------

class SwitchSession(Message):
    """Show the sso-session picker (from the main screen)."""


class OpenSession(Message):
    """Open this sso-session (picker or new-session form)."""

    def __init__(self, session: SsoSession) -> None:
        self.session = session
        super().__init__()


class StartOver(Message):
    """Read the config again and start from the top (the error screen's retry)."""


class SignInNeeded(Message):
    """The token is no longer accepted: sign in, then call `then(ok)`."""

    def __init__(self, backend: Any, then: Callable[[bool | None], None]) -> None:
        self.backend = backend
        self.then = then
        super().__init__()


class SavePrefs(Message):
    """Write a change to the preferences on a thread; `done(saved)` follows on the UI
    thread (the app's store then holds what was saved; a refusal was said)."""

    def __init__(self, change: Callable[[Any], Any],
                 done: Callable[[bool], None] | None = None) -> None:
        self.change = change
        self.done = done
        super().__init__()

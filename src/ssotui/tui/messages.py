"""Messages that thread workers post back to the UI thread (small dataclasses)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from ssotui.core.models import RoleCredentials, SsoSession, Token


@dataclass
class DirectoryEvent(Message):
    """A `ssotui.core.directory` loader event (CachedOrg, AccountsPage, RolesLoaded, ...)."""

    event: Any


@dataclass
class SignInEvent(Message):
    """A `ssotui.core.login` flow event (ShowUrl, ShowCode, Waiting, Done, Failed)."""

    event: Any
    generation: int = 0  # which attempt it belongs to (retries start a new one)


@dataclass
class TokenReady(Message):
    session: SsoSession
    token: Token


@dataclass
class CredsReady(Message):
    """Role credentials fetched for an action ("copy", "env", "print")."""

    account_id: str
    account_name: str
    role: str
    creds: RoleCredentials
    purpose: str
    fmt: str
    text: str = field(default="", repr=False)
    where: str = ""


@dataclass
class ActionFailed(Message):
    """A worker failed; the text is one line for a notification (no secrets)."""

    what: str
    text: str
    needs_login: bool = False


# -- screens to the app (screens never import the app) --------------------------------

@dataclass
class SwitchSession(Message):
    """Show the sso-session picker (from the main screen)."""


@dataclass
class OpenSession(Message):
    """Open this sso-session (picker or new-session form)."""

    session: SsoSession


@dataclass
class StartOver(Message):
    """Read the config again and start from the top (the error screen's retry)."""


@dataclass
class SignInNeeded(Message):
    """The token is no longer accepted: sign in, then call `then(ok)`."""

    backend: Any
    then: Callable[[bool | None], None]


@dataclass
class SavePrefs(Message):
    """Write a change to the preferences on a thread; `done(saved)` follows on the UI
    thread (the app's store then holds what was saved; a refusal was said)."""

    change: Callable[[Any], Any]
    done: Callable[[bool], None] | None = None

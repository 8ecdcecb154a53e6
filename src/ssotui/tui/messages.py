"""Messages that thread workers post back to the UI thread (small dataclasses)."""

from __future__ import annotations

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

"""Frozen dataclasses shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SsoSession:
    """An `[sso-session NAME]` block, or a legacy profile carrying sso_start_url."""

    name: str
    start_url: str
    region: str
    scopes: tuple[str, ...] = ()
    #: For a legacy profile (no sso-session block): the profile's name.
    legacy_profile: str | None = None

    @property
    def is_legacy(self) -> bool:
        return self.legacy_profile is not None

    @property
    def cache_key(self) -> str:
        """What the AWS CLI hashes to name the token file."""
        return self.start_url if self.is_legacy else self.name


@dataclass(frozen=True)
class Token:
    """An SSO access token as cached in ~/.aws/sso/cache (secrets: never log)."""

    access_token: str = field(repr=False)
    expires_at: datetime  # timezone-aware UTC
    start_url: str
    region: str
    refresh_token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    registration_expires_at: datetime | None = None


@dataclass(frozen=True)
class Account:
    account_id: str
    account_name: str
    email_address: str = ""


@dataclass(frozen=True)
class Role:
    account_id: str
    role_name: str


@dataclass(frozen=True)
class RoleCredentials:
    """Short-term role credentials (secrets: never log)."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str = field(repr=False)
    expiration: datetime  # timezone-aware UTC


class PickedText(str):
    """The text the picker prints with `--print-env`, still saying which role it is
    for (`exec` and `--profile-var` need that); anywhere else it is just the text."""

    session: str = ""
    account_id: str = ""
    role: str = ""

    @classmethod
    def of(cls, text: str, session: str, account_id: str, role: str) -> PickedText:
        picked = cls(text)
        picked.session, picked.account_id, picked.role = session, account_id, role
        return picked

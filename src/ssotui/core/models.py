"""The records shared by every layer: immutable, compared and hashed by value.

Records (core.record) rather than frozen dataclasses: this module is on the way to
the picker's first frame, where a frozen dataclass costs ~1 ms to create.
"""

from __future__ import annotations

from datetime import datetime

from ssotui.core.record import Record


class SsoSession(Record):
    """An `[sso-session NAME]` block, or a legacy profile carrying sso_start_url
    (`legacy_profile`: that profile's name)."""

    _fields = ("name", "start_url", "region", "scopes", "legacy_profile")
    name: str
    start_url: str
    region: str
    scopes: tuple[str, ...]
    legacy_profile: str | None

    def __init__(self, name: str, start_url: str, region: str, scopes: tuple[str, ...] = (),
                 legacy_profile: str | None = None) -> None:
        self._set(name=name, start_url=start_url, region=region, scopes=scopes,
                  legacy_profile=legacy_profile)

    @property
    def is_legacy(self) -> bool:
        return self.legacy_profile is not None

    @property
    def cache_key(self) -> str:
        """What the AWS CLI hashes to name the token file."""
        return self.start_url if self.is_legacy else self.name


class Token(Record):
    """An SSO access token as cached in ~/.aws/sso/cache (secrets: never log).
    `expires_at` is timezone-aware UTC."""

    _fields = ("access_token", "expires_at", "start_url", "region", "refresh_token",
               "client_id", "client_secret", "registration_expires_at")
    _secret = frozenset({"access_token", "refresh_token", "client_secret"})
    access_token: str
    expires_at: datetime
    start_url: str
    region: str
    refresh_token: str | None
    client_id: str | None
    client_secret: str | None
    registration_expires_at: datetime | None

    def __init__(self, access_token: str, expires_at: datetime, start_url: str, region: str,
                 refresh_token: str | None = None, client_id: str | None = None,
                 client_secret: str | None = None,
                 registration_expires_at: datetime | None = None) -> None:
        self._set(access_token=access_token, expires_at=expires_at, start_url=start_url,
                  region=region, refresh_token=refresh_token, client_id=client_id,
                  client_secret=client_secret, registration_expires_at=registration_expires_at)


class Account(Record):
    _fields = ("account_id", "account_name", "email_address")
    account_id: str
    account_name: str
    email_address: str

    def __init__(self, account_id: str, account_name: str, email_address: str = "") -> None:
        d = self.__dict__  # made thousands of times when a listing cache is read
        d["account_id"] = account_id
        d["account_name"] = account_name
        d["email_address"] = email_address


class Role(Record):
    _fields = ("account_id", "role_name")
    account_id: str
    role_name: str

    def __init__(self, account_id: str, role_name: str) -> None:
        self._set(account_id=account_id, role_name=role_name)


class RoleCredentials(Record):
    """Short-term role credentials (secrets: never log); `expiration` is
    timezone-aware UTC."""

    _fields = ("access_key_id", "secret_access_key", "session_token", "expiration")
    _secret = frozenset({"secret_access_key", "session_token"})
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime

    def __init__(self, access_key_id: str, secret_access_key: str, session_token: str,
                 expiration: datetime) -> None:
        self._set(access_key_id=access_key_id, secret_access_key=secret_access_key,
                  session_token=session_token, expiration=expiration)


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

"""Which sso-session a command means, and creating a new one.

Default session: `--sso-session NAME`, else the sso_session (or legacy sso_start_url)
of `AWS_PROFILE`'s profile, else the only one configured. Reading and writing the
config goes through `awsconfig` and `files` (shared with the profile writer).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ssotui.core import awsconfig, files
from ssotui.core.errors import UsageError
from ssotui.core.models import SsoSession
from ssotui.core.text import shown

DEFAULT_SCOPES = ("sso:account:access",)
REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$")
# Characters that would break an `[sso-session NAME]` header or a shell hint.
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+=,-]*$")
LOGIN_HINT = "run `ssotui login --sso-session NAME --start-url URL --region REGION`"


def list_sessions() -> list[SsoSession]:
    """Every [sso-session] block and legacy sso_start_url profile (ConfigError on bad files)."""
    return list(awsconfig.load_sessions())


def is_loopback(host: str) -> bool:
    """localhost or a loopback address (the emulator's http, serve's default host)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_start_url(url: str) -> str:
    """https, or http only for a loopback host (a local emulator)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise UsageError(f"start URL {url!r} is not a URL") from None
    if not host:
        raise UsageError(f"start URL {url!r} is not a URL (expected https://...awsapps.com/start)")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)):
        return url
    if parts.scheme == "http":
        raise UsageError(
            f"start URL {url!r} must use https (http is allowed only for 127.0.0.1/localhost)"
        )
    raise UsageError(f"start URL {url!r} must start with https://")


def validate_region(region: str) -> str:
    region = region.strip()
    if not REGION_RE.match(region):
        raise UsageError(f"region {region!r} does not look like an AWS region (e.g. us-east-1)")
    return region


def validate_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise UsageError(
            f"sso-session name {name!r} is not usable; use letters, digits and -_.@+=,"
        )
    return name


def _find(sessions: list[SsoSession], name: str) -> SsoSession | None:
    for s in sessions:
        if not s.is_legacy and s.name == name:
            return s
    for s in sessions:
        if s.is_legacy and name in (s.name, s.legacy_profile):
            return s
    return None


def _from_aws_profile(sessions: list[SsoSession]) -> SsoSession | None:
    profile = os.environ.get("AWS_PROFILE")
    if not profile:
        return None
    values = awsconfig.load_profiles().get(profile)
    if values is None:
        _check_profile_exists(profile)
        return None
    if values.get("sso_session"):
        found = _find(sessions, values["sso_session"])
        if found is None:
            raise UsageError(
                f"AWS_PROFILE={profile} uses sso_session {values['sso_session']}, which is "
                f"not in {awsconfig.config_path()}; add it or {LOGIN_HINT}"
            )
        return found
    if values.get("sso_start_url"):
        for s in sessions:
            if s.is_legacy and s.legacy_profile == profile:
                return s
    return None


def _check_profile_exists(profile: str) -> None:
    """AWS_PROFILE naming no profile at all is an error, as it is for botocore
    (ProfileNotFound); one defined only in the credentials file (static keys) is
    simply not an SSO profile."""
    from ssotui.core import credfile

    try:
        in_credentials = profile in credfile.section_names()
    except UsageError:
        in_credentials = False  # an unreadable credentials file: say what we know
    if not in_credentials:
        raise UsageError(
            f"AWS_PROFILE={shown(profile)} names no profile in {awsconfig.config_path()} "
            f"or {credfile.credentials_path()}; fix or unset AWS_PROFILE, or choose a "
            "session with --sso-session NAME"
        )


def _distinct(sessions: list[SsoSession]) -> list[SsoSession]:
    # Legacy profiles sharing a start URL share one token file: one sign-in, one choice.
    named = [s for s in sessions if not s.is_legacy]
    if named:
        return named
    seen: dict[str, SsoSession] = {}
    for s in sessions:
        seen.setdefault(s.cache_key, s)
    return list(seen.values())


def resolve_session(name: str | None = None) -> SsoSession:
    """The session a command means (see module docstring); UsageError when unclear."""
    sessions = list_sessions()
    if name:
        found = _find(sessions, name)
        if found is None:
            known = ", ".join(sorted({s.name for s in _distinct(sessions)}))
            where = awsconfig.config_path()
            if known:
                raise UsageError(f"no sso-session named {name} in {where} (known: {known})")
            raise UsageError(f"no sso-session named {name} in {where}; {LOGIN_HINT}")
        return found
    from_profile = _from_aws_profile(sessions)
    if from_profile is not None:
        return from_profile
    candidates = _distinct(sessions)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UsageError(f"no sso-session configured in {awsconfig.config_path()}; {LOGIN_HINT}")
    names = ", ".join(sorted(s.name for s in candidates))
    profile = os.environ.get("AWS_PROFILE")
    why = f" (AWS_PROFILE={shown(profile)} is not an SSO profile)" if profile else ""
    raise UsageError(
        f"several sso-sessions ({names}) in {awsconfig.config_path()}{why}; "
        "choose one with --sso-session NAME"
    )


def create_session(
    name: str, start_url: str, region: str, scopes: tuple[str, ...] = DEFAULT_SCOPES
) -> SsoSession:
    """Validate and write an `[sso-session NAME]` block; returns the new session."""
    return save_session(new_session(name, start_url, region, scopes))


def new_session(
    name: str, start_url: str, region: str, scopes: tuple[str, ...] = DEFAULT_SCOPES
) -> SsoSession:
    """A validated session that is not written yet (login writes it once signed in)."""
    return SsoSession(
        name=validate_name(name),
        start_url=validate_start_url(start_url),
        region=validate_region(region),
        scopes=scopes,
    )


def save_session(session: SsoSession) -> SsoSession:
    """Write (or update) the session's `[sso-session NAME]` block."""
    path = awsconfig.config_path()
    files.update(path, lambda old: awsconfig.upsert_sso_session(old, session, path=path))
    return session


def session_for_login(
    name: str | None,
    start_url: str | None = None,
    region: str | None = None,
    *,
    interactive: bool | None = None,
    ask: Callable[[str], str] = input,
    write: bool = True,
) -> SsoSession:
    """The session `ssotui login` signs in to, creating it when NAME is new.

    A new session takes --start-url/--region, else asks on a terminal, else fails.
    With `write=False` a new session is returned unwritten (see save_session)."""
    if not name:
        if start_url or region:
            raise UsageError("--start-url/--region need --sso-session NAME for the new session")
        return check_session(resolve_session(None))
    sessions = list_sessions()
    found = _find(sessions, name)
    if found is not None:
        if start_url and start_url.strip().rstrip("/") != found.start_url.rstrip("/"):
            raise UsageError(
                f"sso-session {name} already exists with start URL {found.start_url}; "
                f"edit {awsconfig.config_path()} to change it"
            )
        if region and region.strip() != found.region:
            raise UsageError(
                f"sso-session {name} already exists with region {found.region}; "
                f"edit {awsconfig.config_path()} to change it"
            )
        return check_session(found)
    validate_name(name)
    if interactive is None:
        interactive = os.isatty(0)
    if not start_url or not region:
        if not interactive:
            raise UsageError(
                f"sso-session {name} does not exist; give --start-url URL and --region REGION "
                "to create it"
            )
        try:
            if not start_url:
                start_url = validate_start_url(ask(f"Start URL for sso-session {name}: "))
            if not region:
                region = validate_region(ask(f"SSO region for sso-session {name}: "))
        except EOFError:
            raise UsageError(f"sso-session {name} not created: no input") from None
    return create_session(name, start_url, region) if write else \
        new_session(name, start_url, region)


def check_session(session: SsoSession) -> SsoSession:
    """Refuse to sign in to a session whose config values could not work (or leak)."""
    where = f"sso-session {session.name} in {awsconfig.config_path()}"
    try:
        validate_start_url(session.start_url)
        validate_region(session.region)
    except UsageError as exc:
        raise UsageError(f"{where}: {exc}") from None
    return session

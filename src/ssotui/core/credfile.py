"""Upsert a section in the shared credentials file (~/.aws/credentials).

Same splice-only editing as awsconfig (every byte outside the section kept), the
same atomic/locked/symlink-following write, and the file ends up mode 0600.
A comment inside the block says when the keys expire: botocore reads no expiry
key, so this is for the human reading the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from ssotui.core import awsconfig, files
from ssotui.core.errors import UsageError
from ssotui.core.exports import expiration_iso
from ssotui.core.models import RoleCredentials

MARKER = "# ssotui:"


def credentials_path() -> Path:
    """AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials."""
    env = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    if env:
        return Path(os.path.expanduser(os.path.expandvars(env)))
    return Path.home() / ".aws" / "credentials"


def section_names(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Section names in the credentials file ([] when it is missing)."""
    p = Path(path) if path is not None else credentials_path()
    doc = awsconfig.parse(files.read_text(p), p, config_kinds=False)
    return [s.header for s in doc.sections]


def render_section(section: str, creds: RoleCredentials, note: str = "", newline: str = "\n") -> str:
    comment = f"{MARKER} expires {expiration_iso(creds)}" + (f" ({note})" if note else "")
    lines = [
        f"[{section}]",
        comment,
        f"aws_access_key_id = {creds.access_key_id}",
        f"aws_secret_access_key = {creds.secret_access_key}",
        f"aws_session_token = {creds.session_token}",
    ]
    return newline.join(lines) + newline


def upsert_credentials(text: str | None, section: str, creds: RoleCredentials, *,
                       note: str = "", force: bool = False,
                       path: str | os.PathLike[str] = "credentials") -> str:
    """New credentials-file text with `[section]` holding `creds`.

    An existing section with long-term keys (no session token) is only replaced
    with `force`: overwriting someone's permanent keys is not undoable."""
    doc = awsconfig.parse(text, path, config_kinds=False)
    existing = doc.find_header(section)
    if existing is not None and "aws_session_token" not in existing.values and not force:
        raise UsageError(
            f"[{section}] in {path}:{existing.lineno} holds long-term keys; "
            "use --force to overwrite it or choose another section name"
        )
    block = render_section(section, creds, note, doc.newline)
    new = awsconfig.splice(doc, existing, block)
    check = awsconfig.parse(new, path, config_kinds=False).find_header(section)
    if check is None or check.values.get("aws_access_key_id") != creds.access_key_id:
        raise UsageError(f"{path}: the edited [{section}] section reads back wrong; nothing written")
    return new


def sso_profile_conflict(section: str, config: str | os.PathLike[str] | None = None) -> bool:
    """Whether `section` names an SSO profile in the config file."""
    values = awsconfig.load_profiles(config).get(section)
    return values is not None and any(
        k in values for k in ("sso_session", "sso_start_url", "sso_account_id")
    )


def save_credentials(section: str, creds: RoleCredentials, *, note: str = "", force: bool = False,
                     path: str | os.PathLike[str] | None = None,
                     config: str | os.PathLike[str] | None = None) -> Path:
    """Write `[section]` into the credentials file (mode 0600). Refuses a section
    named like an SSO profile in config unless `force`."""
    if not force and sso_profile_conflict(section, config):
        raise UsageError(
            f"{section!r} is an SSO profile in {config or awsconfig.config_path()}; static keys "
            "under the same name in the credentials file would be ignored for it — "
            "pick another section name or use --force"
        )
    p = Path(path) if path is not None else credentials_path()
    files.update(
        p,
        lambda old: upsert_credentials(old, section, creds, note=note, force=force, path=p),
        mode=0o600,
        private=True,
    )
    return files.resolve(p)

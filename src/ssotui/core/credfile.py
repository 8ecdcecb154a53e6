"""A section of the shared credentials file (~/.aws/credentials), edited like the
config file (`inifile`): every byte outside the section kept, and inside it only
the keys we manage, in place (the user's comments, `region` and other keys stay).

A comment in the section says when the keys expire (botocore reads no expiry key,
so this is for the human reading the file) and which account/role they belong to
(so a later write for another role under the same name is a conflict; see
`writeplan`). Whether a write is allowed is decided in `writeplan`, not here.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ssotui.core import awsconfig, files
from ssotui.core.errors import UsageError
from ssotui.core.exports import expiration_iso
from ssotui.core.inifile import Section, edit_in_place, parse, splice, verify
from ssotui.core.models import RoleCredentials

MARKER = "# ssotui:"
MANAGED = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")
TOKEN_KEYS = ("aws_session_token", "aws_security_token")  # botocore reads either
_MARK = re.compile(r"(?:^|(?<=\r))[ \t]*# ssotui: expires \S+(?: \((?P<holder>[^)\r\n]*)\))?"
                   r"[ \t]*(?=\r|\n|\Z)", re.M)
_HOLDER = re.compile(r"\d{12}/[\w+=,.@-]+")  # account id / IAM role name
_LINE_END = re.compile(r"\r\n|\r|\n")


def credentials_path() -> Path:
    """AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials."""
    env = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    if env:
        return Path(os.path.expanduser(os.path.expandvars(env)))
    return Path.home() / ".aws" / "credentials"


def section_names(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Section names in the credentials file ([] when it is missing)."""
    p = Path(path) if path is not None else credentials_path()
    doc = parse(files.read_text(p), p, config_kinds=False)
    return [s.header for s in doc.sections]


def holder(account_id: str, role: str) -> str:
    """`ACCOUNT_ID/ROLE`, what the section's comment records; UsageError for a value
    that is no account id or role name (it goes into the file)."""
    value = f"{account_id}/{role}"
    if not _HOLDER.fullmatch(value):
        raise UsageError(f"{value!r} is not an account id and IAM role name; nothing written")
    return value


def marker(creds: RoleCredentials, held: str = "") -> str:
    return f"{MARKER} expires {expiration_iso(creds)}" + (f" ({held})" if held else "")


def managed_values(creds: RoleCredentials) -> dict[str, str]:
    """The keys we write; UsageError for a value that would not stay one line."""
    for value in (creds.access_key_id, creds.secret_access_key, creds.session_token):
        if not value or not value.isprintable() or value != value.strip():
            raise UsageError("the credentials hold an empty, multi-line or padded value; "
                             "nothing written")
    return {"aws_access_key_id": creds.access_key_id,
            "aws_secret_access_key": creds.secret_access_key,
            "aws_session_token": creds.session_token}


def render_section(section: str, creds: RoleCredentials, held: str = "", newline: str = "\n") -> str:
    lines = [f"[{section}]", marker(creds, held)]
    lines += [f"{k} = {v}" for k, v in managed_values(creds).items()]
    return newline.join(lines) + newline


@dataclass
class SectionEdit:
    """The credentials text with `[section]` holding the keys, and what was there."""

    text: str
    existing: Section | None
    old: dict[str, str] = field(default_factory=dict)
    held_by: str | None = None  # ACCOUNT_ID/ROLE from the existing section's ssotui comment
    comments: int = 0  # the user's comment lines in the existing section (ours not counted)

    @property
    def long_term(self) -> bool:
        """Whether the existing section holds keys with no session token (permanent)."""
        return "aws_access_key_id" in self.old and not any(k in self.old for k in TOKEN_KEYS)

    @property
    def kept(self) -> list[str]:
        """The existing section's keys a write leaves alone."""
        return [k for k in self.old if k not in MANAGED]


def _comments(text: str, section: Section) -> tuple[str | None, int, re.Match[str] | None]:
    """(holder recorded by our comment, number of other comment lines, our comment's match)."""
    body = text[section.start : section.end]
    mine = _MARK.search(body)
    held = mine.group("holder") if mine else None
    count = sum(1 for line in body.splitlines()
                if line.strip().startswith(("#", ";")) and not _MARK.fullmatch(line))
    return (held if held and _HOLDER.fullmatch(held) else None), count, mine


def _set_marker(text: str, path: str, name: str, line: str) -> str:
    """`text` with the section's ssotui comment set to `line`: replaced where it is,
    else added right after the header line."""
    section = parse(text, path, config_kinds=False).find_header(name)
    assert section is not None
    _, _, mine = _comments(text, section)
    if mine is not None:
        start = section.start + mine.start()
        indent = mine.group(0)[: len(mine.group(0)) - len(mine.group(0).lstrip())]
        return text[:start] + indent + line + text[section.start + mine.end() :]
    brk = _LINE_END.search(text, section.start)
    if brk is None:  # a bare header at the very end
        return text + "\n" + line
    return text[: brk.end()] + line + brk.group(0) + text[brk.end() :]


def edit_section(text: str | None, name: str, creds: RoleCredentials, held: str,
                 path: str | os.PathLike[str] = "credentials") -> SectionEdit:
    """The text with `[name]` holding `creds`: a new section appended, or the managed
    keys (and our comment) of the existing one set in place. The whole result is
    read back as botocore reads it (every other section unchanged) before it is
    returned; ConfigError otherwise."""
    where = str(path)
    doc = parse(text, path, config_kinds=False)
    values = managed_values(creds)
    existing = doc.find_header(name)
    if existing is None:
        new = splice(doc, None, render_section(name, creds, held, doc.newline))
        verify(doc.text, new, name, values, where)
        return SectionEdit(new, None)
    held_by, count, _ = _comments(doc.text, existing)
    new = edit_in_place(doc, existing, values)
    new = _set_marker(new, where, name, marker(creds, held))
    verify(doc.text, new, name, values, where, keep_others=True)
    return SectionEdit(new, existing, dict(existing.values), held_by, count)


def sso_profile_conflict(section: str, config: str | os.PathLike[str] | None = None) -> bool:
    """Whether `section` names an SSO profile in the config file."""
    values = awsconfig.load_profiles(config).get(section)
    return values is not None and any(
        k in values for k in ("sso_session", "sso_start_url", "sso_account_id")
    )

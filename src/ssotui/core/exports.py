"""Render role credentials as shell exports, dotenv lines or credential_process JSON.

The first six formats are byte-identical to `aws configure export-credentials
--format FMT` (see PROTOCOL.md): values unquoted except where the AWS CLI
quotes, the expiry as ISO 8601 with `+00:00` at second precision (botocore's SSO
provider keeps whole seconds), every line ending in "\\n".

That holds for every value AWS issues (`rolecreds.check` lets nothing else in).
Any other value is quoted so the shell reads it back exactly (POSIX and fish
single quotes, PowerShell single quotes), or refused where no quoting is safe
(cmd, dotenv with quotes, backslashes or line breaks; NUL anywhere): an export
never runs a command and never sets a variable it does not name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING

from ssotui.core.errors import RuntimeFailure, UsageError

if TYPE_CHECKING:  # annotations only: the warm credential_process path skips dataclasses
    from ssotui.core.models import RoleCredentials

FORMATS = ("env", "env-no-export", "fish", "powershell", "windows-cmd", "dotenv", "process")

#: Format -> one line per variable, as the AWS CLI writes them.
_LINE_FORMATS = {
    "env": "export {name}={value}",
    "env-no-export": "{name}={value}",
    "fish": "set -gx {name} {value}",
    "powershell": "$Env:{name}={value}",
    "windows-cmd": "set {name}={value}",
}

#: Characters every format takes as they are (all that AWS credentials and the
#: ISO expiry hold): no quoting, expansion or word splitting in any shell.
_PLAIN = re.compile(r"[A-Za-z0-9/+=:._-]*")
#: PowerShell takes these as single quotes too.
_PS_QUOTES = "'\u2018\u2019\u201a\u201b"

#: Human names for notifications ("copied ... as bash exports").
DESCRIPTIONS = {
    "env": "bash exports",
    "env-no-export": "shell variables",
    "fish": "fish exports",
    "powershell": "PowerShell variables",
    "windows-cmd": "cmd variables",
    "dotenv": "dotenv lines",
    "process": "credential_process JSON",
}

_DOTENV_SAFE = re.compile(r"[A-Za-z0-9_./+=:@,-]*")


def _refuse(fmt: str) -> RuntimeFailure:
    return RuntimeFailure(
        f"these credentials hold characters that cannot be written safely as {fmt}; "
        "nothing printed (use --format process)"
    )


def _encodable(value: str) -> bool:
    try:  # a lone surrogate (JSON "\\ud800") cannot be printed at all
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_control(c: str) -> bool:
    return ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0


def quote(value: str, fmt: str) -> str:
    """`value` as the shell of `fmt` must read it; RuntimeFailure when it cannot be
    written safely. Plain values come out as the AWS CLI writes them."""
    if "\0" in value or not _encodable(value):
        raise _refuse(fmt)
    plain = _PLAIN.fullmatch(value) is not None
    if fmt in ("env", "env-no-export"):
        return value if plain and value else "'" + value.replace("'", "'\\''") + "'"
    if fmt == "fish":
        if plain:
            return f'"{value}"'
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if fmt == "powershell":
        if plain:
            return f'"{value}"'
        if any(map(_is_control, value)) or any(q in value for q in _PS_QUOTES):
            raise _refuse(fmt)
        return f"'{value}'"
    if fmt == "windows-cmd" and plain:
        return value
    raise _refuse(fmt)


def expiration_iso(creds: RoleCredentials) -> str:
    return creds.expiration.astimezone(UTC).replace(microsecond=0).isoformat()


def variables(creds: RoleCredentials) -> list[tuple[str, str]]:
    """The four environment variables, in the AWS CLI's order."""
    return [
        ("AWS_ACCESS_KEY_ID", creds.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key),
        ("AWS_SESSION_TOKEN", creds.session_token),
        ("AWS_CREDENTIAL_EXPIRATION", expiration_iso(creds)),
    ]


def dotenv_quote(value: str) -> str:
    """Plain values bare; others in single quotes, which no dotenv reader expands
    (`$VAR`) or unescapes. Dotenv readers disagree on every escape, so a value
    holding a single quote, a backslash or a control character is refused."""
    if _DOTENV_SAFE.fullmatch(value):
        return value
    if "'" in value or "\\" in value or any(map(_is_control, value)) or not _encodable(value):
        raise _refuse("dotenv")
    return f"'{value}'"


def render(creds: RoleCredentials, fmt: str,
           extra: Sequence[tuple[str, str]] = ()) -> str:
    """The text for `fmt` (one of FORMATS). `extra` variables (the opt-in production
    marker) follow the four, in the shell formats only: `process` is read by botocore."""
    if fmt == "process":
        body = {
            "Version": 1,
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "SessionToken": creds.session_token,
            "Expiration": expiration_iso(creds),
        }
        return json.dumps(body, indent=2, separators=(",", ": ")) + "\n"
    if fmt == "dotenv":
        return "".join(f"{name}={dotenv_quote(value)}\n"
                       for name, value in [*variables(creds), *extra])
    try:
        template = _LINE_FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return "".join(template.format(name=n, value=quote(v, fmt)) + "\n"
                   for n, v in [*variables(creds), *extra])


def render_vars(pairs: list[tuple[str, str]], fmt: str) -> str:
    """Other variables (AWS_REGION, AWS_PROFILE) in the line format `fmt`, quoted as
    the credentials are. `process` JSON has no place for them (UsageError)."""
    if fmt == "process":
        raise UsageError("--with-region and --profile-var print variables; "
                         "--format process has none (use another format)")
    if fmt == "dotenv":
        return "".join(f"{name}={dotenv_quote(value)}\n" for name, value in pairs)
    try:
        template = _LINE_FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return "".join(template.format(name=n, value=quote(v, fmt)) + "\n" for n, v in pairs)


def region_vars(region: str) -> list[tuple[str, str]]:
    """AWS_REGION (the SDKs') and AWS_DEFAULT_REGION (the AWS CLI's), both set."""
    return [("AWS_REGION", region), ("AWS_DEFAULT_REGION", region)]

"""Render role credentials as shell exports, dotenv lines or credential_process JSON.

The first six formats are byte-identical to `aws configure export-credentials
--format FMT` (see PROTOCOL.md): values unquoted except where the AWS CLI
quotes, the expiry as ISO 8601 with `+00:00` at second precision (botocore's SSO
provider keeps whole seconds), every line ending in "\\n".
"""

from __future__ import annotations

import json
import re
from datetime import UTC

from ssotui.core.errors import UsageError
from ssotui.core.models import RoleCredentials

FORMATS = ("env", "env-no-export", "fish", "powershell", "windows-cmd", "dotenv", "process")

#: Format -> one line per variable, as the AWS CLI writes them.
_LINE_FORMATS = {
    "env": "export {name}={value}",
    "env-no-export": "{name}={value}",
    "fish": 'set -gx {name} "{value}"',
    "powershell": '$Env:{name}="{value}"',
    "windows-cmd": "set {name}={value}",
}

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
    """Leave plain values bare; otherwise single quotes (no interpolation), or
    double quotes with escapes when the value holds a single quote."""
    if _DOTENV_SAFE.fullmatch(value):
        return value
    if "'" not in value and "\n" not in value:
        return f"'{value}'"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render(creds: RoleCredentials, fmt: str) -> str:
    """The text for `fmt` (one of FORMATS)."""
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
        return "".join(f"{name}={dotenv_quote(value)}\n" for name, value in variables(creds))
    try:
        template = _LINE_FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return "".join(template.format(name=n, value=v) + "\n" for n, v in variables(creds))

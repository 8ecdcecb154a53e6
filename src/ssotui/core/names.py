"""Profile / credentials-section names.

Allowed characters: ASCII letters, digits and `_ . @ + = , -` — IAM's own role
name charset, which covers the AWS CLI's `<account id>_<role name>` suggestion.
Spaces, quotes and brackets are out: botocore splits `[profile NAME]` with shlex
and configparser ends a header at `]`, so such names are unreadable or silently
different. A template's result is sanitized (other characters become `-`); an
explicit name is checked and refused instead, so the user gets what they typed.
"""

from __future__ import annotations

import re
import string

from ssotui.core.errors import UsageError

DEFAULT_TEMPLATE = "{account_id}_{role_name}"
# Credentials sections get a different default than profiles: a section named like
# an SSO profile is ignored for it (PROTOCOL.md), so the defaults must not collide.
DEFAULT_CREDENTIALS_TEMPLATE = "{account_name}-{role_name}"
PLACEHOLDERS = ("account_name", "account_id", "role_name", "session")
_ALLOWED = re.compile(r"[A-Za-z0-9_.@+=,-]+")
_DISALLOWED_RUN = re.compile(r"[^A-Za-z0-9_.@+=,-]+")


def sanitize(name: str) -> str:
    return _DISALLOWED_RUN.sub("-", name).strip("-")


def check_name(name: str, what: str = "profile name") -> str:
    """`name` unchanged when it is usable; UsageError (exit 2) otherwise."""
    if not _ALLOWED.fullmatch(name):
        bad = sorted({c for c in name if not _ALLOWED.fullmatch(c)})
        shown = " ".join("space" if c == " " else repr(c) for c in bad) or "nothing"
        raise UsageError(
            f"{what} {name!r} is not allowed (contains {shown}); "
            "use letters, digits and _ . @ + = , - only"
        )
    return name


def check_template(template: str) -> str:
    """`template` when every placeholder is known and it formats; UsageError otherwise."""
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None and field not in PLACEHOLDERS:
            raise UsageError(
                f"name template {template!r} uses {{{field}}}; "
                f"available: {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            )
    try:
        template.format(account_name="", account_id="", role_name="", session="")
    except (ValueError, IndexError) as exc:
        raise UsageError(f"name template {template!r} is invalid ({exc})") from None
    return template


def render(template: str, *, account_name: str, account_id: str, role_name: str,
           session: str) -> str:
    """Fill `template` and sanitize the result."""
    check_template(template)
    name = sanitize(template.format(account_name=account_name, account_id=account_id,
                                    role_name=role_name, session=session))
    if not name:
        raise UsageError(f"name template {template!r} produced an empty name")
    return name

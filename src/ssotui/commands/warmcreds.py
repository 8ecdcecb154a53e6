"""The warm path of `ssotui creds ACCOUNT_ID ROLE --format FMT [--sso-session NAME]`,
run by cli.main before argparse: a `credential_process` pays for a Python start-up
and little more (no argparse parser, no dataclasses, no botocore, no Textual).

It answers only when everything is plain (and prefs.toml names no production
accounts, whose question only the full path asks): the form above with a 12-digit account id,
an sso-session it can name without doubt (--sso-session, the sso_session of
AWS_PROFILE's profile, or the only [sso-session] in the config), a signed-in token
file and a cache file for that sign-in with more than credpaths.MARGIN left. In every
other case `text_for` returns None and the full command runs (which fills the cache,
reads the config exactly and reports errors), so this path can never be wrong in a
way the full path would not be: it only serves what the full path stored for the
same session, account, role and access token.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, datetime
from typing import Any

from ssotui.core import credpaths, exports
from ssotui.core.credrules import problem

_ACCOUNT_ID = re.compile(r"\d{12}")
_HEADER = re.compile(r"\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?")
_ASSIGN = re.compile(r"([^\s=#;\[][^=]*?)\s*=\s*(.*?)\s*")


class _Creds:
    """The attributes exports.render reads (a dataclass costs an import here)."""

    __slots__ = ("access_key_id", "secret_access_key", "session_token", "expiration")

    def __init__(self, doc: dict[str, Any]) -> None:
        self.access_key_id = doc["accessKeyId"]
        self.secret_access_key = doc["secretAccessKey"]
        self.session_token = doc["sessionToken"]
        self.expiration = datetime.fromtimestamp(doc["expiration"] // 1000, UTC)


def _parse(argv: list[str]) -> tuple[str, str, str, str | None] | None:
    """(account id, role, format, session name) for the plain form, else None."""
    positional: list[str] = []
    options: dict[str, str] = {}
    i = 0
    while i < len(argv):
        word = argv[i]
        name, eq, value = word.partition("=")
        if name in ("--format", "--sso-session"):
            if not eq:
                if i + 1 >= len(argv):
                    return None
                i += 1
                value = argv[i]
            if name in options:
                return None
            options[name] = value
        elif word.startswith("-"):
            return None
        else:
            positional.append(word)
        i += 1
    fmt = options.get("--format")
    if len(positional) != 2 or fmt not in exports.FORMATS:
        return None
    if not _ACCOUNT_ID.fullmatch(positional[0]):
        return None
    return positional[0], positional[1], str(fmt), options.get("--sso-session")


def _sections() -> dict[str, dict[str, str]] | None:
    """The config's sections by header (`sso-session corp`, `profile dev`), top-level
    keys only; None when the file is missing, unreadable or has a repeated header."""
    env = os.environ.get("AWS_CONFIG_FILE")
    path = os.path.expanduser(os.path.expandvars(env)) if env else \
        os.path.join(os.path.expanduser("~"), ".aws", "config")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError):
        return None
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.lstrip("\ufeff").splitlines():
        if not line.strip() or line.lstrip()[:1] in ("#", ";") or line[:1] in (" ", "\t"):
            continue
        header = _HEADER.fullmatch(line)
        if header:
            name = " ".join(header.group(1).split())
            if name in sections:
                return None
            current = sections[name] = {}
            continue
        assign = _ASSIGN.fullmatch(line)
        if assign and current is not None:
            current[assign.group(1).lower()] = assign.group(2)
    return sections


def _session(name: str | None) -> tuple[str, str] | None:
    """(sso-session name, start URL) when there is no doubt which one is meant."""
    sections = _sections()
    if sections is None:
        return None
    named = {k[len("sso-session "):]: v for k, v in sections.items()
             if k.startswith("sso-session ")}
    if name is None:
        profile = os.environ.get("AWS_PROFILE")
        if profile:
            values = sections.get("default" if profile == "default" else f"profile {profile}")
            if values is None or "sso_start_url" in values:
                return None  # no such profile, or a legacy one: the full path decides
            name = values.get("sso_session")
    if name is None:
        if len(named) != 1 or any("sso_start_url" in v for k, v in sections.items()
                                  if not k.startswith("sso-session ")):
            return None
        name = next(iter(named))
    values = named.get(name)
    if values is None or not values.get("sso_start_url"):
        return None
    return name, values["sso_start_url"]


def _guarded() -> bool:
    """Whether prefs.toml may name production accounts or add a marker (or cannot be
    read): then the full path decides, which asks before handing out a production
    role's credentials. A substring test: it errs towards the full path."""
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(
            os.path.expanduser("~"), ".config")
        path = os.path.join(base, "ssotui", "prefs.toml")
    else:
        from ssotui.core.prefs import prefs_path

        path = str(prefs_path())
    try:
        with open(path, "rb") as f:
            text = f.read()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return b"guardrails" in text or b"production" in text


def _read(path: os.PathLike[str] | str) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read())
    except (OSError, ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def text_for(argv: list[str]) -> str | None:
    """The output of `ssotui creds ARGV...` from the cache, or None (run the full path)."""
    try:
        return _text_for(argv)
    except Exception:  # noqa: BLE001 - anything odd: the full path deals with it properly
        return None


def _text_for(argv: list[str]) -> str | None:
    parsed = _parse(argv)
    if parsed is None:
        return None
    account_id, role, fmt, session_name = parsed
    if _guarded():
        return None
    session = _session(session_name)
    if session is None:
        return None
    name, start_url = session
    token = _read(credpaths.token_file(name))
    access = token.get("accessToken") if token else None
    if not isinstance(access, str) or not access:
        return None
    doc = _read(credpaths.cache_file(name, start_url, account_id, role))
    if doc is None:
        return None
    wanted = (credpaths.VERSION, name, start_url, account_id, role, credpaths.token_digest(access))
    if (doc.get("version"), doc.get("session"), doc.get("startUrl"), doc.get("accountId"),
            doc.get("roleName"), doc.get("token")) != wanted:
        return None
    now = datetime.now(UTC)
    if problem(doc, now) is not None or not isinstance(doc["expiration"], int):
        return None
    creds = _Creds(doc)
    if creds.expiration - credpaths.MARGIN <= now:
        return None
    return exports.render(creds, fmt)  # type: ignore[arg-type]

"""Keep secrets out of debug logs.

`--debug` turns on botocore's DEBUG logging, which prints every request and
response: the client secret, device and authorization codes, access and refresh
tokens, the `x-amz-sso_bearer_token` header and role credentials. `install()`
puts a filter on the root logger's handlers that rewrites each record before it
is formatted:

- request dicts and response bodies (botocore passes them as log arguments) are
  masked field by field, JSON bodies parsed first, so a value is masked whole
  whatever characters it holds;
- every masked value is remembered and masked wherever it shows up again (the
  prepared request, a URL, an exception);
- what remains goes through a pattern pass for `key: "value"` / `key=value`
  shapes (secret names from the OIDC, portal and config vocabularies);
- control characters other than newlines are shown escaped (`core.text.shown`):
  the portal's data must not drive the terminal through the log either.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from typing import Any

from ssotui.core.text import shown

MASK = "<redacted>"

#: Field and form names whose values are secrets (exact case: `Code` in an error
#: answer is not the authorization `code`).
SECRET_FIELDS = frozenset((
    "accessToken", "refreshToken", "idToken", "clientSecret", "deviceCode", "code",
    "codeVerifier", "code_verifier", "access_token", "refresh_token", "id_token",
    "client_secret", "device_code", "accessKeyId", "secretAccessKey", "sessionToken",
    "AccessKeyId", "SecretAccessKey", "SessionToken", "aws_access_key_id",
    "aws_secret_access_key", "aws_session_token", "aws_security_token",
    # console sign-in (core.federation): the Session JSON, its keys, the sign-in token
    "Session", "sessionKey", "SigninToken",
))
#: Header names (any case) whose values are secrets.
SECRET_HEADERS = frozenset(("x-amz-sso_bearer_token", "authorization", "x-amz-security-token"))
SECRET_NAMES = SECRET_FIELDS | SECRET_HEADERS
_NAMES = "|".join(sorted((re.escape(n) for n in SECRET_NAMES), key=len, reverse=True))
# "name": "value", 'name': b'value', name = value (config), name=value (form, query)
_QUOTED = re.compile(
    rf"""(?P<k>["']?)(?P<name>{_NAMES})(?P=k)\s*[:=]\s*(?P<b>b?)(?P<q>["'])"""
    rf"""(?P<v>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.IGNORECASE)
_BARE = re.compile(rf"""(?<![\w-])(?P<name>{_NAMES})(?P<sep>\s*=\s*|=)(?P<v>[^\s&'",;}}\]]+)""",
                   re.IGNORECASE)
#: Shorter values are not worth remembering (and would mask ordinary words).
_MIN_REMEMBERED = 8


class Redactor:
    """Masks secrets in log arguments and text; remembers what it masked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def remember(self, value: object) -> None:
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and len(value) >= _MIN_REMEMBERED and value != MASK:
            with self._lock:
                if value not in self._known:
                    self._known.add(value)
                    self._pattern = None

    def _known_pattern(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._known:
                # longest first: a token that contains another is masked whole
                ordered = sorted(self._known, key=len, reverse=True)
                self._pattern = re.compile("|".join(map(re.escape, ordered)))
            return self._pattern

    def scrub(self, obj: Any) -> Any:
        """A copy of `obj` (dicts, lists, JSON bytes/str) with secret fields masked."""
        if isinstance(obj, dict):
            out: dict[Any, Any] = {}
            for key, value in obj.items():
                if isinstance(key, str | bytes) and _secret_name(key):
                    self._remember_all(value)
                    out[key] = MASK
                else:
                    out[key] = self.scrub(value)
            return out
        if isinstance(obj, list | tuple):
            return type(obj)(self.scrub(v) for v in obj)
        if isinstance(obj, bytes | str) and obj[:1] in ("{", "[", b"{", b"["):
            try:
                parsed = json.loads(obj)
            except ValueError:
                return obj
            text = json.dumps(self.scrub(parsed))
            return text.encode() if isinstance(obj, bytes) else text
        return obj

    def _remember_all(self, value: Any) -> None:
        if isinstance(value, dict):
            for v in value.values():
                self._remember_all(v)
        elif isinstance(value, list | tuple):
            for v in value:
                self._remember_all(v)
        else:
            self.remember(value)

    def text(self, text: str) -> str:
        """`text` with known secrets and `name: value` secrets masked."""
        def quoted(m: re.Match[str]) -> str:
            if not _secret_name(m["name"]):
                return m.group(0)
            self.remember(m["v"])
            return m.group(0)[: m.start("v") - m.start(0)] + MASK + m["q"]

        def bare(m: re.Match[str]) -> str:
            if not _secret_name(m["name"]):
                return m.group(0)
            self.remember(m["v"])
            return m["name"] + m["sep"] + MASK

        text = _QUOTED.sub(quoted, text)
        text = _BARE.sub(bare, text)
        pattern = self._known_pattern()
        if pattern is not None:
            text = pattern.sub(MASK, text)
        return text


def _secret_name(key: str | bytes) -> bool:
    if isinstance(key, bytes):
        key = key.decode("latin-1")
    return key in SECRET_FIELDS or key.lower() in SECRET_HEADERS


def _inert(text: str) -> str:
    return "\n".join(shown(line) for line in text.split("\n"))


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and traceback) with the secrets masked."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or Redactor()

    def filter(self, record: logging.LogRecord) -> bool:
        r = self.redactor
        try:
            if isinstance(record.args, dict):
                record.args = r.scrub(record.args)
            elif record.args:
                record.args = tuple(r.scrub(a) for a in record.args)
            message = record.getMessage()
        except Exception:  # a record that cannot format: keep the raw template only
            message = str(record.msg)
        record.msg, record.args = _inert(r.text(message)), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _inert(r.text(record.exc_text))
        if record.stack_info:
            record.stack_info = _inert(r.text(record.stack_info))
        return True


_installed: RedactingFilter | None = None


def install(logger: logging.Logger | None = None) -> RedactingFilter:
    """Put the filter on every handler of `logger` (the root logger by default)."""
    global _installed
    target = logger or logging.getLogger()
    flt = _installed or RedactingFilter()
    for handler in target.handlers:
        if flt not in handler.filters:
            handler.addFilter(flt)
    _installed = flt
    return flt


def remember(value: object) -> None:
    """Mask `value` in debug logs from now on (no-op unless `install()` ran)."""
    if _installed is not None:
        _installed.redactor.remember(value)

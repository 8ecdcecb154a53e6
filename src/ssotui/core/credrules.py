"""What AWS issues as role credentials, checked without importing anything heavy
(the warm credential_process path uses these too; see commands.warmcreds).

Access key ids are a 4-letter prefix (ASIA for temporary keys, AKIA for long-term
ones) and 16 base32 characters (the API allows 16-128 in all); secret keys are 40
base64 characters; session tokens are base64, usually several hundred to a few
thousand characters. A little slack on lengths, none on the alphabets: nothing
here may need quoting in a shell or an INI file.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

ACCESS_KEY_RE = re.compile(r"(?:ASIA|AKIA)[A-Z0-9]{12,124}")
SECRET_KEY_RE = re.compile(r"[A-Za-z0-9/+=]{16,256}")
SESSION_TOKEN_RE = re.compile(r"[A-Za-z0-9/+=]{16,65536}")
#: Permission sets allow sessions of at most 12 hours; beyond this an expiry is not AWS's.
MAX_LIFETIME = timedelta(days=7)
#: An expiry this far in the past is nonsense, not clock skew.
MAX_PAST = timedelta(days=1)


def problem(rc: dict[str, object], now: datetime) -> str | None:
    """What is wrong with a roleCredentials answer (never quoting a value), or None."""
    for name, pattern in (("accessKeyId", ACCESS_KEY_RE), ("secretAccessKey", SECRET_KEY_RE),
                          ("sessionToken", SESSION_TOKEN_RE)):
        value = rc.get(name)
        if value is None:
            return f"no {name}"
        if not isinstance(value, str) or not pattern.fullmatch(value):
            return f"a {name} unlike any AWS issues"
    ms = rc.get("expiration")
    if ms is None:
        return "no expiration"
    if isinstance(ms, bool) or not isinstance(ms, int | float) or not math.isfinite(ms):
        return "an expiration that is not a time"
    if not (now - MAX_PAST).timestamp() * 1000 <= ms <= (now + MAX_LIFETIME).timestamp() * 1000:
        return "an expiration outside any session AWS grants"
    return None

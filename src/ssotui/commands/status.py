"""`ssotui status [--json]`: every sso-session in the config, whether it is signed in,
the token's time left and whether it can be refreshed, the listing cache's age and
the role credentials held in the shared cache (account, role, expiry; never a
secret). Reads local files only: no network, no botocore.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from ssotui.core import credcache, dircache, sessions, tokens
from ssotui.core.awsconfig import config_path
from ssotui.core.models import SsoSession
from ssotui.core.text import shown


def _distinct(all_sessions: list[SsoSession]) -> list[SsoSession]:
    """Named sessions, then legacy profiles with a start URL of their own (profiles
    sharing one share a token file: one sign-in)."""
    seen: dict[str, SsoSession] = {}
    for s in all_sessions:
        seen.setdefault(("n:" if not s.is_legacy else "l:") + s.cache_key, s)
    return list(seen.values())


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


def describe(session: SsoSession, now: datetime) -> dict[str, Any]:
    state, token = tokens.status(session, now)
    listing: dict[str, Any] | None = None
    try:
        cached = dircache.load(session)
        if cached is not None:
            listing = {"savedAt": _iso(cached.saved_at),
                       "ageSeconds": int((now - cached.saved_at).total_seconds()),
                       "accounts": len(cached.accounts)}
    except dircache.CacheCorrupt:
        listing = {"corrupt": True}
    held = [{"accountId": e.account_id, "roleName": e.role, "expiration": _iso(e.expiration),
             "secondsLeft": int((e.expiration - now).total_seconds())}
            for e in credcache.entries(session)]
    return {
        "session": session.name,
        "legacyProfile": session.legacy_profile,
        "startUrl": session.start_url,
        "region": session.region,
        "state": state,
        "signedIn": state in ("signed-in", "expiring"),
        "tokenExpiresAt": _iso(token.expires_at) if token else None,
        "tokenSecondsLeft": int(tokens.remaining(token, now).total_seconds()) if token else None,
        "canRefresh": bool(token) and tokens.can_refresh(session, token, now),  # type: ignore[arg-type]
        "listing": listing,
        "credentials": sorted(held, key=lambda c: (c["accountId"], c["roleName"])),
    }


def _left(seconds: int) -> str:
    if seconds <= 0:
        return "expired"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h {rest // 60:02d}m left" if hours else f"{rest // 60}m left"


def _text(report: dict[str, Any]) -> list[str]:
    name = shown(report["session"])
    where = f"{name} ({shown(report['startUrl'])}, {shown(report['region'])})"
    state = report["state"]
    if report["tokenSecondsLeft"] is None:
        sign_in = "signed out"
    else:
        sign_in = state.replace("-", " ") + ", " + _left(report["tokenSecondsLeft"])
    sign_in += "; refresh possible" if report["canRefresh"] else "; no refresh"
    lines = [f"{where}: {sign_in}"]
    listing = report["listing"]
    if listing is None:
        lines.append("  listing: not cached")
    elif listing.get("corrupt"):
        lines.append("  listing: cache file unusable (the next listing replaces it)")
    else:
        age = listing["ageSeconds"]
        ago = f"{age // 3600}h {age % 3600 // 60:02d}m" if age >= 3600 else f"{age // 60}m"
        lines.append(f"  listing: {listing['accounts']} accounts, cached {ago} ago")
    for c in report["credentials"]:
        lines.append(f"  credentials: {shown(c['accountId'])}/{shown(c['roleName'])} until "
                     f"{c['expiration']} ({_left(c['secondsLeft'])})")
    return lines


def run(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    reports = [describe(s, now) for s in _distinct(sessions.list_sessions())]
    if args.json:
        sys.stdout.write(json.dumps(reports, indent=2) + "\n")
        return 0
    if not reports:
        print(f"no sso-session configured in {config_path()}; {sessions.LOGIN_HINT}")
        return 0
    print("\n".join(line for r in reports for line in _text(r)))
    return 0

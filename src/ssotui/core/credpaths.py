"""Where the shared role credentials live, computed with the standard library only:
core.credcache and the warm credential_process path (commands.warmcreds) must agree
on every name, and the warm path cannot afford heavier imports (plain `os.path`
strings: even pathlib costs a credential_process ~10 ms)."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta

VERSION = 1
#: Cached credentials are handed out only while more than this is left. botocore
#: refreshes credentials it got from a credential_process or a container endpoint
#: 15 minutes before they expire (its advisory window; 10 is mandatory): anything we
#: hand out outlives that window, so botocore never asks twice for the same ones.
MARGIN = timedelta(minutes=15)


def cache_dir() -> str:
    """`<ssotui cache dir>/credentials` (SSOTUI_CACHE_DIR, else the platform's, as
    core.dircache.cache_dir)."""
    override = os.environ.get("SSOTUI_CACHE_DIR")
    if override:
        return os.path.join(os.path.expanduser(override), "credentials")
    import platformdirs

    return os.path.join(platformdirs.user_cache_dir("ssotui"), "credentials")


def cache_file(cache_key: str, start_url: str, account_id: str, role: str) -> str:
    """One file per sso-session (its token cache key and start URL), account and role."""
    key = json.dumps([cache_key, start_url, account_id, role])
    return os.path.join(cache_dir(), f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json")


def token_file(cache_key: str) -> str:
    """The AWS CLI's token cache file for a session (as core.tokens.token_path)."""
    name = hashlib.sha1(cache_key.encode("utf-8")).hexdigest()
    return os.path.join(os.path.expanduser("~"), ".aws", "sso", "cache", f"{name}.json")


def token_digest(access_token: str) -> str:
    """Binds a cache file to the sign-in that fetched it, without storing the token."""
    return hashlib.sha256(access_token.encode()).hexdigest()

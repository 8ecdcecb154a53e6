"""Sign-out: the portal's Logout, this session's token file, the AWS CLI's cached role
credentials for its profiles, ssotui's listing cache and its shared role credentials."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ssotui.core import awsconfig, tokens
from ssotui.core.models import SsoSession


def _cli_cache_keys(session: SsoSession) -> set[str]:
    """Names of `~/.aws/cli/cache` files botocore writes for profiles on this session.

    botocore's SSOCredentialFetcher key: sha1 of compact sorted JSON of roleName,
    accountId and sessionName (startUrl for legacy profiles)."""
    keys: set[str] = set()
    for values in awsconfig.load_profiles().values():
        account, role = values.get("sso_account_id"), values.get("sso_role_name")
        if not account or not role:
            continue
        args: dict[str, str] = {"roleName": role, "accountId": account}
        if session.is_legacy:
            if values.get("sso_session") or values.get("sso_start_url") != session.start_url:
                continue
            args["startUrl"] = session.start_url
        else:
            if values.get("sso_session") != session.name:
                continue
            args["sessionName"] = session.name
        text = json.dumps(args, sort_keys=True, separators=(",", ":"))
        keys.add(hashlib.sha1(text.encode("utf-8")).hexdigest())
    return keys


def clear_cli_cache(session: SsoSession) -> int:
    """Delete the AWS CLI's cached role credentials for this session's profiles.

    Unlike `aws sso logout` (which deletes every `"ProviderType": "sso"` file), only
    files we can tie to this session are removed: other sessions stay signed in."""
    cache = Path(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    removed = 0
    for key in _cli_cache_keys(session):
        path = cache / f"{key}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("ProviderType") == "sso":
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def sign_out(session: SsoSession, clients: Any) -> tuple[bool, str | None]:
    """Portal Logout (a 401 means already signed out), delete this session's token file,
    its AWS CLI role-credential cache files and ssotui's listing cache.
    Returns (was signed in, warning)."""
    warning = None
    token = tokens.load_token(session)
    if token is not None:
        try:
            clients.sso.logout(accessToken=token.access_token)
        except ClientError:
            pass  # 401: already signed out or expired; the local sign-out still happens
        except BotoCoreError as exc:
            warning = (f"could not reach the portal to sign out ({type(exc).__name__}); "
                       "removed the local sign-in anyway")
    removed = tokens.delete_token(session)
    clear_cli_cache(session)
    # The account listing belongs to the sign-in: signed out, `ssotui list` must not go
    # on printing the org (nor should anyone else on a shared machine read it).
    from ssotui.core import credcache, dircache

    dircache.cache_path(session).unlink(missing_ok=True)
    credcache.invalidate(session)  # credential_process / exec / serve must fetch anew
    return removed, warning

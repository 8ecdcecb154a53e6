"""boto3 clients, created once per sso-session and passed in.

Endpoints come from botocore itself, so AWS_ENDPOINT_URL_SSO / _SSO_OIDC move them
(to the emulator in tests and the demo) exactly as they move the AWS CLI's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from ssotui.core.errors import ConfigError
from ssotui.core.models import SsoSession

# Requests the listing keeps in flight at most (ssotui.core.directory); the pool is
# sized to match so no request waits for a connection ("Connection pool is full").
LISTING_WORKERS = 32
CONNECT_TIMEOUT = 3.0  # seconds
READ_TIMEOUT = 5.0  # seconds
#: Tries per call (first one included) on the sso/oidc clients: 429s and 5xx get two
#: retries, and a dead endpoint costs at most about 3 * READ_TIMEOUT.
TOTAL_ATTEMPTS = 3


@dataclass(frozen=True)
class Clients:
    sso: Any  # botocore client for the portal API ("sso"), botocore retries on
    oidc: Any  # botocore client for "sso-oidc"
    #: "sso" client for the bulk listing: botocore retries OFF, because
    #: ssotui.core.ratelimit retries itself so every 429 slows the shared pacer.
    listing: Any = None


def make_clients(session: SsoSession, *, max_pool: int = LISTING_WORKERS + 4) -> Clients:
    """The portal and OIDC clients for one sso-session.

    Raises ConfigError (exit 2) for settings botocore refuses: a bad region, an
    unparsable config file, a malformed AWS_ENDPOINT_URL_SSO.
    """
    try:
        return _make(session, max_pool)
    except (BotoCoreError, ValueError) as exc:
        raise ConfigError(
            f"cannot set up AWS clients for sso-session {session.name} "
            f"(region {session.region!r}): {exc}"
        ) from None


def _make(session: SsoSession, max_pool: int) -> Clients:
    # No AWS credentials are needed (portal calls carry a bearer token, OIDC calls are
    # unsigned). AWS_PROFILE is ignored and placeholder keys are passed so botocore never
    # resolves credentials: resolving them could run a `credential_process = ssotui
    # creds ...` profile and so call ssotui recursively.
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    bs = boto3.session.Session(
        botocore_session=core,
        region_name=session.region,
        aws_access_key_id="unused",
        aws_secret_access_key="unused",
    )
    base = {
        "signature_version": UNSIGNED,
        "max_pool_connections": max_pool,
        # An endpoint that accepts and never answers must fail in seconds, not minutes
        # (botocore's 60 s read timeout times its retries); portal and OIDC answers
        # are small and come within a second.
        "connect_timeout": CONNECT_TIMEOUT,
        "read_timeout": READ_TIMEOUT,
        # TCP keep-alive: long listings reuse pooled connections across idle gaps
        "tcp_keepalive": True,
    }
    # botocore's `max_attempts` counts retries; `total_max_attempts` counts the first try too.
    cfg = Config(retries={"mode": "standard", "total_max_attempts": TOTAL_ATTEMPTS}, **base)
    listing_cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, **base)
    return Clients(
        sso=bs.client("sso", region_name=session.region, config=cfg),
        oidc=bs.client("sso-oidc", region_name=session.region, config=cfg),
        listing=bs.client("sso", region_name=session.region, config=listing_cfg),
    )

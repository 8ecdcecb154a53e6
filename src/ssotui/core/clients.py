"""boto3 clients, created once per sso-session and passed in.

Endpoints come from botocore itself, so AWS_ENDPOINT_URL_SSO / _SSO_OIDC move them
(to the emulator in tests and the demo) exactly as they move the AWS CLI's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore import UNSIGNED
from botocore.config import Config

from ssotui.core.models import SsoSession

# Requests the listing keeps in flight at most (ssotui.core.directory); the pool is
# sized to match so no request waits for a connection ("Connection pool is full").
LISTING_WORKERS = 32


@dataclass(frozen=True)
class Clients:
    sso: Any  # botocore client for the portal API ("sso"), botocore retries on
    oidc: Any  # botocore client for "sso-oidc"
    #: "sso" client for the bulk listing: botocore retries OFF, because
    #: ssotui.core.ratelimit retries itself so every 429 slows the shared pacer.
    listing: Any = None


def make_clients(session: SsoSession, *, max_pool: int = LISTING_WORKERS + 4) -> Clients:
    # A fresh botocore session: no profile credentials are needed (portal calls are
    # bearer-token, OIDC calls unsigned) and the user's AWS_PROFILE must not interfere.
    bs = boto3.session.Session(region_name=session.region)
    base = {
        "signature_version": UNSIGNED,
        "max_pool_connections": max_pool,
        "connect_timeout": 10,
        "read_timeout": 30,
        # TCP keep-alive: long listings reuse pooled connections across idle gaps
        "tcp_keepalive": True,
    }
    cfg = Config(retries={"mode": "standard", "max_attempts": 3}, **base)
    # botocore's `max_attempts` counts retries; `total_max_attempts` counts the first try too.
    listing_cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, **base)
    return Clients(
        sso=bs.client("sso", region_name=session.region, config=cfg),
        oidc=bs.client("sso-oidc", region_name=session.region, config=cfg),
        listing=bs.client("sso", region_name=session.region, config=listing_cfg),
    )

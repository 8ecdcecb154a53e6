"""Shared fixtures. Every test runs with a throwaway HOME and AWS file paths, so the
machine's real ~/.aws is never read or written."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

SESSION = "corp"
START_URL = "https://d-emulator.awsapps.com/start"
REGION = "us-east-1"

_SCRUB = [
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_REGION", "AWS_DEFAULT_REGION", "SSOTUI_CACHE_DIR", "NO_COLOR",
    "SSOTUI_FEDERATION_ENDPOINT",
]


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME with its own AWS config, credentials, caches and preferences."""
    for name in _SCRUB:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    monkeypatch.setenv("SSOTUI_CACHE_DIR", str(home / ".cache" / "ssotui"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    # Never open a real browser from a test.
    monkeypatch.setenv("BROWSER", "true")
    return home


def require_tool(name: str) -> str:
    """Path of an external tool; skip (or fail under CI=true) when it is missing."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required under CI=true (make sysdeps installs it)")
        pytest.skip(f"{name} not installed (run `make sysdeps`)")
    return path


@pytest.fixture
def emulator() -> Iterator[object]:
    """A local IAM Identity Center on 127.0.0.1:<random>, small default org."""
    from ssotui.emulator import Emulator

    with Emulator(accounts=12, roles_per_account=3, seed=7) as emu:
        yield emu


@pytest.fixture
def aws_env(emulator: object, monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> object:
    """Points botocore (ours and any subprocess) at the emulator, and writes an
    `[sso-session corp]` block to the throwaway config."""
    url = emulator.url  # type: ignore[attr-defined]
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", url)
    monkeypatch.setenv("SSOTUI_FEDERATION_ENDPOINT", url + "/federation")  # console sign-in
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(
        f"[sso-session {SESSION}]\n"
        f"sso_start_url = {START_URL}\n"
        f"sso_region = {REGION}\n"
        "sso_registration_scopes = sso:account:access\n"
    )
    return emulator


def write_token_file(home: Path, key: str, access_token: str, ttl: timedelta,
                     start_url: str = START_URL, region: str = REGION, **extra: str) -> Path:
    """Write a token cache file exactly as the AWS CLI does (independent of ssotui code)."""
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    body = {
        "startUrl": start_url,
        "region": region,
        "accessToken": access_token,
        "expiresAt": (datetime.now(UTC) + ttl).strftime(fmt),
        **extra,
    }
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / (hashlib.sha1(key.encode()).hexdigest() + ".json")
    path.write_text(json.dumps(body))
    path.chmod(0o600)
    return path


@pytest.fixture
def signed_in(aws_env: object, isolated_home: Path) -> str:
    """A valid access token for session `corp`, cached as the AWS CLI would cache it."""
    token = aws_env.mint_token(start_url=START_URL)  # type: ignore[attr-defined]
    write_token_file(isolated_home, SESSION, token, timedelta(hours=8))
    return str(token)

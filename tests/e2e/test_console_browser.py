"""A real browser follows the URL `ssotui console --print-url` prints: headless Chromium
(the distribution's package, installed by `make sysdeps`) signs in at the emulator's
federation endpoint and lands on its console page for that account and role. A
screenshot is kept with the test's artifacts (tmp_path/artifacts/console.png)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_tool

pytestmark = pytest.mark.e2e


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = require_tool("chromium")
    profile = tmp_path / "chromium-profile"  # never the user's browser profile
    return subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=True)


def print_url(account: str, role: str, *flags: str) -> str:
    done = subprocess.run([sys.executable, "-m", "ssotui", "console", account, role,
                           "--print-url", *flags], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    url = done.stdout.strip()
    assert url not in done.stderr and "valid 15 minutes" in done.stderr
    return url


def test_headless_chromium_lands_on_the_console_page(signed_in: str, emulator: object,
                                                     tmp_path: Path) -> None:
    account, roles = emulator.org[5]  # type: ignore[attr-defined]
    role = roles[0]
    dom = chromium(tmp_path, "--dump-dom",
                   print_url(account.account_name, role, "--destination", "s3")).stdout
    assert "AWS Management Console" in dom
    assert f'<dd id="account">{account.account_id}</dd>' in dom
    assert f'<dd id="role">{role}</dd>' in dom
    assert "us-east-1.console.aws.amazon.com/s3/buckets?region=us-east-1" in dom
    # a sign-in URL works once: the second visit is refused
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    shot = artifacts / "console.png"
    url = print_url(account.account_id, role, "--destination", "ec2", "--region", "eu-west-1")
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=900,500", url)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 2000
    again = chromium(tmp_path, "--dump-dom", url).stdout
    assert "invalid sign-in token" in again and account.account_id not in again
    logins = emulator.console_logins  # type: ignore[attr-defined]
    assert [(c["account_id"], c["role"]) for c in logins] == [(account.account_id, role)] * 2

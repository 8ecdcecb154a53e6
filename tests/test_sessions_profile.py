"""AWS_PROFILE naming no profile: one line naming the profile and the files, exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from interop import aws_env as child_aws_env
from interop import child_env
from ssotui.core import sessions
from ssotui.core.errors import UsageError

TWO = ("[sso-session corp]\nsso_start_url = https://d-a.awsapps.com/start\nsso_region = us-east-1\n"
       "\n[sso-session lab]\nsso_start_url = https://d-b.awsapps.com/start\nsso_region = eu-west-1\n")


def _ssotui(home: Path, url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ssotui", *args],
                          env=child_env(child_aws_env(home, url, **env)),
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("config", [TWO, TWO.split("\n\n")[0]])
def test_unknown_aws_profile_is_named(isolated_home: Path, emulator, config: str):
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(config)
    for args in (["list"], ["creds", "123456789012", "ReadOnly"], ["login", "--device-code"]):
        proc = _ssotui(isolated_home, emulator.url, *args, AWS_PROFILE="nonexistent")
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1, proc.stderr
        assert "AWS_PROFILE=nonexistent" in proc.stderr and str(cfg) in proc.stderr
        assert "several" not in proc.stderr


def test_profile_only_in_credentials_file_is_not_an_error(isolated_home: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    (isolated_home / ".aws" / "config").write_text(TWO.split("\n\n")[0])
    (isolated_home / ".aws" / "credentials").write_text(
        "[static]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_PROFILE", "static")
    assert sessions.resolve_session().name == "corp"


def test_non_sso_profile_with_several_sessions_says_why(isolated_home: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    (isolated_home / ".aws" / "config").write_text(TWO + "\n[profile plain]\nregion = x\n")
    monkeypatch.setenv("AWS_PROFILE", "plain")
    with pytest.raises(UsageError, match=r"AWS_PROFILE=plain is not an SSO profile"):
        sessions.resolve_session()


def test_explicit_session_ignores_aws_profile(isolated_home: Path,
                                              monkeypatch: pytest.MonkeyPatch):
    (isolated_home / ".aws" / "config").write_text(TWO)
    monkeypatch.setenv("AWS_PROFILE", "nonexistent")
    assert sessions.resolve_session("lab").name == "lab"

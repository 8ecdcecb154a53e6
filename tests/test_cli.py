"""The command-line contract end to end: exit codes, one-line errors, pipes, and
settings botocore would otherwise turn into tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from interop import aws_env as child_aws_env
from interop import child_env


def ssotui(home: Path, url: str, *args: str, stdin: Any = subprocess.DEVNULL,
           **extra: str) -> subprocess.CompletedProcess[str]:
    env = child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui"),
                                  **extra))
    return subprocess.run(
        [sys.executable, "-m", "ssotui", *args], env=env, capture_output=True, text=True,
        timeout=120, check=False, stdin=stdin,
    )


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_picker_without_a_terminal_says_so(aws_env: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, aws_env.url)
    assert proc.returncode == 2
    assert "needs a terminal" in one_line(proc.stderr)
    assert proc.stdout == ""


def test_closed_pipe_is_quiet(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    env = child_env(child_aws_env(isolated_home, aws_env.url,
                                  SSOTUI_CACHE_DIR=str(isolated_home / ".cache" / "ssotui")))
    proc = subprocess.run(
        ["bash", "-c", f"'{sys.executable}' -m ssotui list --json | true;"
                       " echo ${PIPESTATUS[0]} >&2"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    # `true` is gone long before Python starts writing, so the write always fails
    assert proc.stderr.strip().splitlines() == ["141"]


def test_top_level_format_reaches_creds(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    acct, roles = aws_env.org[0]
    proc = ssotui(isolated_home, aws_env.url, "--format", "fish", "creds",
                  acct.account_id, roles[0])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('set -gx AWS_ACCESS_KEY_ID "')


def test_bad_region_in_config_is_one_line_exit_2(aws_env: Any, isolated_home: Path) -> None:
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(cfg.read_text().replace("sso_region = us-east-1", "sso_region = not a region"))
    proc = ssotui(isolated_home, aws_env.url, "list")
    assert proc.returncode == 2
    assert "region" in one_line(proc.stderr)


def test_malformed_endpoint_is_one_line_exit_2(signed_in: str, aws_env: Any,
                                               isolated_home: Path) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--refresh",
                  AWS_ENDPOINT_URL_SSO="notaurl")
    assert proc.returncode == 2
    assert "notaurl" in one_line(proc.stderr)


def test_broken_credentials_file_is_named_not_a_traceback(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    # botocore parses the shared files for every client; the AWS CLI fails the same way.
    creds = isolated_home / ".aws" / "credentials"
    creds.write_text("garbage\n[x\n")
    proc = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh")
    assert proc.returncode == 2
    assert str(creds) in one_line(proc.stderr)
    assert proc.stdout == ""


def test_aws_profile_credential_process_is_never_run(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    # Resolving AWS credentials for the portal clients could run this very command
    # recursively when AWS_PROFILE names a `credential_process = ssotui creds` profile.
    marker = isolated_home / "ran"
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(cfg.read_text() + "\n[profile loop]\nsso_session = corp\n"
                   f"credential_process = sh -c 'touch {marker}; exit 1'\n")
    proc = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh", AWS_PROFILE="loop")
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()


def test_logout_forgets_the_listing(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    assert ssotui(isolated_home, aws_env.url, "list").returncode == 0
    cache = isolated_home / ".cache" / "ssotui"
    assert list(cache.glob("directory-*.json"))
    out = ssotui(isolated_home, aws_env.url, "logout")
    assert out.returncode == 0, out.stderr
    assert not list(cache.glob("directory-*.json"))
    proc = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "ssotui login --sso-session corp" in one_line(proc.stderr)


def test_warnings_are_printed_once(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    assert ssotui(isolated_home, aws_env.url, "list").returncode == 0
    (path,) = list((isolated_home / ".cache" / "ssotui").glob("directory-*.json"))
    path.write_text("{x")
    proc = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert proc.returncode == 0
    assert proc.stderr.count("corrupt") == 1, proc.stderr


def test_account_name_resolves_from_the_cache(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    assert ssotui(isolated_home, aws_env.url, "list").returncode == 0
    aws_env.reset_stats()
    acct, roles = aws_env.org[3]
    proc = ssotui(isolated_home, aws_env.url, "creds", acct.account_name, roles[0],
                  "--format", "env-no-export")
    assert proc.returncode == 0, proc.stderr
    assert aws_env.calls.get("ListAccounts", 0) == 0
    assert aws_env.calls["GetRoleCredentials"] == 1
    assert proc.stdout.startswith("AWS_ACCESS_KEY_ID=")


def test_config_botocore_cannot_parse_is_one_line_exit_2(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    # ssotui's own writer keeps a UTF-8 BOM, but botocore cannot parse such a file
    cfg = isolated_home / ".aws" / "config"
    cfg.write_bytes(b"\xef\xbb\xbf" + cfg.read_bytes())
    proc = ssotui(isolated_home, aws_env.url, "list", "--refresh")
    assert proc.returncode == 2
    assert str(cfg) in one_line(proc.stderr)
    assert proc.stdout == ""

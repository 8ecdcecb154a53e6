"""Opt-ins of `creds` and `--print-env`: AWS_REGION/AWS_DEFAULT_REGION after the keys,
and AWS_PROFILE for an existing profile instead of keys. Without them the output is
what it always was (byte-identical to `aws configure export-credentials`, see
test_exports)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import SESSION
from interop import aws_env as child_aws_env
from interop import child_env
from ssotui.cliparser import build_parser


def ssotui(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui")))
    return subprocess.run([sys.executable, "-m", "ssotui", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _role(emu: Any) -> tuple[str, str]:
    acct, roles = emu.org[0]
    return acct.account_id, roles[0]


def _add_profile(home: Path, name: str, acct: str, role: str) -> None:
    cfg = home / ".aws" / "config"
    cfg.write_text(cfg.read_text() + f"\n[profile {name}]\nsso_session = {SESSION}\n"
                   f"sso_account_id = {acct}\nsso_role_name = {role}\nregion = eu-west-1\n")


@pytest.mark.parametrize(("fmt", "lines"), [
    ("env", ["export AWS_REGION=us-east-1", "export AWS_DEFAULT_REGION=us-east-1"]),
    ("fish", ['set -gx AWS_REGION "us-east-1"', 'set -gx AWS_DEFAULT_REGION "us-east-1"']),
    ("powershell", ['$Env:AWS_REGION="us-east-1"', '$Env:AWS_DEFAULT_REGION="us-east-1"']),
    ("dotenv", ["AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1"]),
])
def test_with_region_appends_two_lines(signed_in: str, aws_env: Any, isolated_home: Path,
                                       fmt: str, lines: list[str]) -> None:
    acct, role = _role(aws_env)
    plain = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", fmt)
    region = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", fmt,
                    "--with-region")
    assert plain.returncode == region.returncode == 0, plain.stderr + region.stderr
    assert region.stdout == plain.stdout + "".join(line + "\n" for line in lines)


def test_with_region_on_the_full_path_too(signed_in: str, aws_env: Any,
                                          isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    name = aws_env.org[0][0].account_name  # a name: not the warm path's plain form
    proc = ssotui(isolated_home, aws_env.url, "creds", name, role, "--with-region")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2:] == ["export AWS_REGION=us-east-1",
                                             "export AWS_DEFAULT_REGION=us-east-1"]


def test_profile_var_prints_the_profile_not_keys(signed_in: str, aws_env: Any,
                                                 isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    _add_profile(isolated_home, "dev", acct, role)
    proc = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--profile-var")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "export AWS_PROFILE=dev\n"
    both = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--profile-var",
                  "--with-region", "--format", "fish")
    assert both.stdout == ('set -gx AWS_PROFILE "dev"\nset -gx AWS_REGION "us-east-1"\n'
                           'set -gx AWS_DEFAULT_REGION "us-east-1"\n')
    assert aws_env.calls["GetRoleCredentials"] == 0  # no keys were needed


@pytest.mark.parametrize("args", [
    ("--profile-var",),
    ("--with-region", "--format", "process"),
    ("--profile-var", "--format", "process"),
    ("--profile-var", "--copy"),
])
def test_opt_ins_refused_one_line(signed_in: str, aws_env: Any, isolated_home: Path,
                                  args: tuple[str, ...]) -> None:
    acct, role = _role(aws_env)
    proc = ssotui(isolated_home, aws_env.url, "creds", acct, role, *args)
    assert proc.returncode == 2 and proc.stdout == ""
    (line,) = proc.stderr.strip().splitlines()
    assert "Traceback" not in line
    assert aws_env.calls["GetRoleCredentials"] == 0


def test_print_env_opt_ins_on_the_direct_path(signed_in: str, aws_env: Any,
                                              isolated_home: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from ssotui.commands import tui

    acct, role = _role(aws_env)
    _add_profile(isolated_home, "dev", acct, role)
    name = aws_env.org[0][0].account_name
    assert tui.run(build_parser().parse_args(["--print-env", "--profile-var", name,
                                              role])) == 0
    assert capsys.readouterr().out == "export AWS_PROFILE=dev\n"
    assert tui.run(build_parser().parse_args(["--print-env", "--with-region", name,
                                              role])) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("export AWS_ACCESS_KEY_ID=ASIA")
    assert out[-2:] == ["export AWS_REGION=us-east-1", "export AWS_DEFAULT_REGION=us-east-1"]

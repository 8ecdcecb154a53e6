"""`ssotui exec`: a real child process gets the role's credentials (read back by the
real botocore), its exit status and signals come back, nesting is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import SESSION
from interop import aws_env as child_aws_env
from interop import child_env

PRINT_ENV = ("import json, os; print(json.dumps({k: v for k, v in os.environ.items() "
             "if k.startswith(('AWS_', 'SSOTUI_'))}))")


def ssotui(home: Path, url: str, *args: str, stdin: Any = subprocess.DEVNULL,
           **extra: str) -> subprocess.CompletedProcess[str]:
    env = child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui"),
                                  **extra))
    return subprocess.run([sys.executable, "-m", "ssotui", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False,
                          stdin=stdin)


def _role(emu: Any) -> tuple[str, str]:
    acct, roles = emu.org[0]
    return acct.account_id, roles[0]


def test_command_gets_credentials_region_and_marker(signed_in: str, aws_env: Any,
                                                    isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(cfg.read_text() + "\n[profile someone-else]\nregion = eu-north-1\n")
    creds = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
    proc = ssotui(isolated_home, aws_env.url, "exec", acct, role, "--",
                  sys.executable, "-c", PRINT_ENV, AWS_PROFILE="someone-else")
    assert proc.returncode == 0, proc.stderr
    env = json.loads(proc.stdout)
    body = json.loads(creds.stdout)
    assert env["AWS_ACCESS_KEY_ID"] == body["AccessKeyId"]
    assert env["AWS_SECRET_ACCESS_KEY"] == body["SecretAccessKey"]
    assert env["AWS_SESSION_TOKEN"] == body["SessionToken"]
    assert env["AWS_CREDENTIAL_EXPIRATION"] == body["Expiration"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert (env["SSOTUI_ACCOUNT"], env["SSOTUI_ROLE"], env["SSOTUI_SESSION"]) == \
        (acct, role, SESSION)
    assert "AWS_PROFILE" not in env
    assert aws_env.calls["GetRoleCredentials"] == 1  # the same cached credentials
    assert proc.stderr == ""


def test_real_botocore_in_the_child_uses_them(signed_in: str, aws_env: Any,
                                              isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    code = ("import botocore.session; s = botocore.session.Session(); "
            "c = s.get_credentials(); print(c.method, c.access_key, s.get_config_variable('region'))")
    proc = ssotui(isolated_home, aws_env.url, "exec", acct, role, "--", sys.executable, "-c", code)
    assert proc.returncode == 0, proc.stderr
    method, key, region = proc.stdout.split()
    assert method == "env" and key.startswith("ASIA") and region == "us-east-1"


def test_exit_status_and_signals_pass_through(signed_in: str, aws_env: Any,
                                              isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    assert ssotui(isolated_home, aws_env.url, "exec", acct, role, "--",
                  "sh", "-c", "exit 7").returncode == 7
    assert ssotui(isolated_home, aws_env.url, "exec", acct, role, "--",
                  "sh", "-c", "kill -TERM $$").returncode == 128 + 15
    assert ssotui(isolated_home, aws_env.url, "exec", acct, role, "--", "true").returncode == 0


def test_no_command_starts_the_shell_with_a_marker(signed_in: str, aws_env: Any,
                                                   isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    proc = subprocess.run(
        [sys.executable, "-m", "ssotui", "exec", acct, role],
        env=child_env(child_aws_env(isolated_home, aws_env.url, SHELL="/bin/sh",
                                    SSOTUI_CACHE_DIR=str(isolated_home / ".cache" / "ssotui"))),
        input='echo "inside $SSOTUI_ACCOUNT/$SSOTUI_ROLE"; exit 3\n',
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout.strip() == f"inside {acct}/{role}"
    assert "/bin/sh" in proc.stderr and "SSOTUI_ACCOUNT" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_nesting_is_refused_unless_asked(signed_in: str, aws_env: Any,
                                         isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    refused = ssotui(isolated_home, aws_env.url, "exec", acct, role, "--", "true",
                     SSOTUI_ACCOUNT="111122223333", SSOTUI_ROLE="Admin")
    assert refused.returncode == 2
    (line,) = refused.stderr.strip().splitlines()
    assert "111122223333/Admin" in line and "--nest" in line
    assert aws_env.calls["GetRoleCredentials"] == 0
    nested = ssotui(isolated_home, aws_env.url, "exec", "--nest", acct, role, "--",
                    sys.executable, "-c", PRINT_ENV, SSOTUI_ACCOUNT="111122223333")
    assert nested.returncode == 0, nested.stderr
    assert json.loads(nested.stdout)["SSOTUI_ACCOUNT"] == acct


def test_profile_name_gives_account_role_and_region(signed_in: str, aws_env: Any,
                                                    isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(cfg.read_text() + f"\n[profile dev]\nsso_session = {SESSION}\n"
                   f"sso_account_id = {acct}\nsso_role_name = {role}\nregion = eu-west-1\n")
    proc = ssotui(isolated_home, aws_env.url, "exec", "dev", "--", sys.executable, "-c", PRINT_ENV)
    assert proc.returncode == 0, proc.stderr
    env = json.loads(proc.stdout)
    assert (env["SSOTUI_ACCOUNT"], env["SSOTUI_ROLE"], env["AWS_REGION"]) == \
        (acct, role, "eu-west-1")


def test_bad_input_is_one_line(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    for args, code, words in [
        (("exec", acct, role, "--", "no-such-command-xyz"), 127, "command not found"),
        (("exec", "no-such-profile", "--", "true"), 2, "no profile"),
        (("exec", "999999999999", role, "--", "true"), 2, "999999999999"),
        (("exec", "--", "true"), 2, "ACCOUNT ROLE"),
    ]:
        proc = ssotui(isolated_home, aws_env.url, *args)
        assert proc.returncode == code, (args, proc.stderr)
        (line,) = proc.stderr.strip().splitlines()
        assert words in line and "Traceback" not in line


def test_production_role_needs_yes(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    # prefs.toml names the account production: exec (and serve, through the same
    # creds.credentials) asks first; without a terminal that is --yes, and the cached
    # credentials of an earlier call do not skip the question.
    from ssotui.core.prefs import prefs_path

    acct, role = _role(aws_env)
    prefs = prefs_path()
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text(f'[[guardrails]]\naccounts = ["{acct}"]\nlabel = "LIVE"\n')
    xdg = {"XDG_CONFIG_HOME": str(prefs.parent.parent)}
    run = ("--", sys.executable, "-c", "print('ran')")
    for _ in range(2):  # the second time the credentials are cached
        refused = ssotui(isolated_home, aws_env.url, "exec", acct, role, *run, **xdg)
        assert refused.returncode == 2 and "ran" not in refused.stdout, refused.stdout
        assert "production" in refused.stderr and "--yes" in refused.stderr
        ok = ssotui(isolated_home, aws_env.url, "exec", acct, role, "--yes", *run, **xdg)
        assert ok.returncode == 0 and ok.stdout == "ran\n", ok.stderr
    assert aws_env.calls["GetRoleCredentials"] == 1

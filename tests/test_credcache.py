"""The shared role-credentials cache behind `creds --format process`, `exec` and `serve`:
real ssotui processes against the emulator, which counts GetRoleCredentials calls."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from conftest import SESSION, START_URL, write_token_file
from interop import aws_env as child_aws_env
from interop import child_env, run_python
from ssotui.core import credcache, credpaths, tokens
from ssotui.core.models import SsoSession

CORP = SsoSession(SESSION, START_URL, "us-east-1")


def _env(home: Path, url: str, **extra: str) -> dict[str, str]:
    return child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui"),
                                   **extra))


def ssotui(home: Path, url: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ssotui", *args], env=_env(home, url, **extra),
                          capture_output=True, text=True, timeout=120, check=False,
                          stdin=subprocess.DEVNULL)


def _role(emu: Any) -> tuple[str, str]:
    acct, roles = emu.org[0]
    return acct.account_id, roles[0]


def _cache_files(home: Path) -> list[Path]:
    return sorted((home / ".cache" / "ssotui" / "credentials").glob("*.json"))


def test_second_call_is_served_from_the_cache(signed_in: str, aws_env: Any,
                                              isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    first = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
    second = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
    assert aws_env.calls["GetRoleCredentials"] == 1
    # another format of the same role comes from the same file
    env = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "env")
    assert json.loads(first.stdout)["AccessKeyId"] in env.stdout
    assert aws_env.calls["GetRoleCredentials"] == 1
    (path,) = _cache_files(isolated_home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path == credcache.cache_path(CORP, acct, role)


def test_warm_path_imports_neither_botocore_nor_textual(signed_in: str, aws_env: Any,
                                                       isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    assert ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format",
                  "process").returncode == 0
    code = f"""
        import sys
        from ssotui.cli import main
        code = main(["creds", "{acct}", "{role}", "--format", "process"])
        heavy = sorted(m for m in sys.modules
                       if m.split(".")[0] in ("botocore", "boto3", "textual",
                                              "dataclasses"))
        print("HEAVY", heavy, file=sys.stderr)
        sys.exit(code)
    """
    proc = run_python(code, _env(isolated_home, aws_env.url))
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stderr
    assert '"Version": 1' in proc.stdout
    assert aws_env.calls["GetRoleCredentials"] == 1


def _holding(pid: int, lock: Path) -> bool:
    """Whether process `pid` has `lock` open (it is waiting for, or holds, the lock)."""
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(lock):
                return True
        except OSError:
            pass
    return False


def test_twenty_concurrent_callers_make_one_call(signed_in: str, aws_env: Any,
                                                 isolated_home: Path) -> None:
    """The test holds the cache file's lock until all 20 processes wait for it, so
    they really are concurrent however slowly a busy machine starts them; then one
    fetches and the other 19 read its file."""
    from ssotui.core import files

    acct, role = _role(aws_env)
    path = credcache.cache_path(CORP, acct, role)
    path.parent.mkdir(parents=True)
    lock = path.with_name(path.name + ".lock")
    env = _env(isolated_home, aws_env.url)
    with files.locked(path):
        procs = [subprocess.Popen([sys.executable, "-m", "ssotui", "creds", acct, role,
                                   "--format", "process"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(20)]
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and aws_env.calls["GetRoleCredentials"] == 0:
            if all(_holding(p.pid, lock) for p in procs):
                break
            time.sleep(0.05)
        assert aws_env.calls["GetRoleCredentials"] == 0, "a caller fetched without the lock"
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 20, [e for _, e in outs]
    assert len({o for o, _ in outs}) == 1
    assert aws_env.calls["GetRoleCredentials"] == 1
    assert len(_cache_files(isolated_home)) == 1
    assert not list(path.parent.glob("*.lock"))


def test_credentials_near_expiry_are_fetched_again(signed_in: str, aws_env: Any,
                                                   isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    aws_env.role_credentials_ttl = int(credpaths.MARGIN.total_seconds()) - 60
    for _ in range(2):
        proc = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
        assert proc.returncode == 0, proc.stderr
    assert aws_env.calls["GetRoleCredentials"] == 2


def test_a_new_sign_in_does_not_reuse_the_old_ones(signed_in: str, aws_env: Any,
                                                   isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    first = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
    write_token_file(isolated_home, SESSION, aws_env.mint_token(start_url=START_URL),
                     timedelta(hours=8))
    second = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
    assert first.returncode == second.returncode == 0
    assert first.stdout != second.stdout
    assert aws_env.calls["GetRoleCredentials"] == 2


def test_corrupt_cache_file_is_ignored_and_replaced(signed_in: str, aws_env: Any,
                                                    isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    path = credcache.cache_path(CORP, acct, role)
    path.parent.mkdir(parents=True)
    path.write_text('{"version": 1, "accessKeyId": ')  # truncated
    proc = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process",
                  SSOTUI_DEBUG="1")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert "Traceback" not in proc.stderr
    notes = [line for line in proc.stderr.splitlines() if "credentials cache" in line]
    assert len(notes) == 1 and "corrupt" in notes[0]
    for secret in (body["SecretAccessKey"], body["SessionToken"], signed_in):
        assert secret not in proc.stderr
    assert json.loads(path.read_text())["accessKeyId"] == body["AccessKeyId"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_logout_removes_the_cached_credentials(signed_in: str, aws_env: Any,
                                               isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    assert ssotui(isolated_home, aws_env.url, "creds", acct, role).returncode == 0
    assert len(_cache_files(isolated_home)) == 1
    proc = ssotui(isolated_home, aws_env.url, "logout")
    assert proc.returncode == 0, proc.stderr
    assert _cache_files(isolated_home) == []


def test_paths_agree_with_the_token_cache(isolated_home: Path) -> None:
    assert Path(credpaths.token_file(CORP.cache_key)) == tokens.token_path(CORP)


def test_bad_input_writes_no_cache(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    unknown = ssotui(isolated_home, aws_env.url, "creds", "999999999999", role,
                     "--format", "process")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert len(unknown.stderr.strip().splitlines()) == 1, unknown.stderr
    bad_role = ssotui(isolated_home, aws_env.url, "creds", acct, "NoSuchRole",
                      "--format", "process")
    assert bad_role.returncode == 2 and "NoSuchRole" in bad_role.stderr
    assert len(bad_role.stderr.strip().splitlines()) == 1, bad_role.stderr
    assert _cache_files(isolated_home) == []


def test_no_token_and_expired_token(aws_env: Any, isolated_home: Path) -> None:
    acct, role = _role(aws_env)
    none = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
    assert none.returncode == 1 and "ssotui login" in none.stderr
    assert len(none.stderr.strip().splitlines()) == 1, none.stderr
    write_token_file(isolated_home, SESSION, aws_env.mint_token(start_url=START_URL),
                     timedelta(minutes=-5))  # expired, no refresh token
    expired = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
    assert expired.returncode == 1 and "ssotui login" in expired.stderr
    assert len(expired.stderr.strip().splitlines()) == 1, expired.stderr
    assert _cache_files(isolated_home) == []


def test_dead_endpoint_is_one_line(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    import socket

    acct, role = _role(aws_env)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # bound, never listening
    proc = ssotui(isolated_home, dead, "creds", acct, role, "--format", "process")
    assert proc.returncode == 1, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert _cache_files(isolated_home) == []


def test_cache_stays_valid_json_for_other_readers(signed_in: str, aws_env: Any,
                                                  isolated_home: Path) -> None:
    """The file names the session, account and role and holds no access token."""
    acct, role = _role(aws_env)
    assert ssotui(isolated_home, aws_env.url, "creds", acct, role).returncode == 0
    (path,) = _cache_files(isolated_home)
    doc = json.loads(path.read_text())
    assert (doc["session"], doc["accountId"], doc["roleName"]) == (SESSION, acct, role)
    assert signed_in not in path.read_text()
    assert os.environ.get("SSOTUI_CACHE_DIR")  # the throwaway one (conftest)


def test_botocore_credential_process_shares_one_fetch(signed_in: str, aws_env: Any,
                                                      isolated_home: Path) -> None:
    """Two separate botocore processes with AWS_PROFILE naming a credential_process
    profile (as `aws --profile scripted` does): one portal call between them."""
    acct, role = _role(aws_env)
    cfg = isolated_home / ".aws" / "config"
    cfg.write_text(cfg.read_text() + f"\n[profile scripted]\ncredential_process = "
                   f"{sys.executable} -m ssotui creds {acct} {role} --format process\n")
    code = """
        import botocore.session
        creds = botocore.session.Session().get_credentials()
        print(creds.method, creds.get_frozen_credentials().access_key)
    """
    env = _env(isolated_home, aws_env.url, AWS_PROFILE="scripted")
    first, second = (run_python(code, env) for _ in range(2))
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout == second.stdout
    assert first.stdout.split()[0] == "custom-process"
    assert aws_env.calls["GetRoleCredentials"] == 1


def test_unusable_cache_dir_still_gives_credentials(signed_in: str, aws_env: Any,
                                                    isolated_home: Path) -> None:
    """A credential_process must not fail because its cache cannot be written."""
    acct, role = _role(aws_env)
    blocker = isolated_home / ".cache" / "ssotui" / "credentials"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a directory")
    for _ in range(2):
        proc = ssotui(isolated_home, aws_env.url, "creds", acct, role, "--format", "process")
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["Version"] == 1 and proc.stderr == ""
    assert blocker.read_text() == "not a directory"
    assert aws_env.calls["GetRoleCredentials"] == 2  # nothing shared, nothing broken


def test_warm_path_never_skips_the_production_question(signed_in: str, aws_env: Any,
                                                       isolated_home: Path) -> None:
    # A credential_process for a production role: the cached credentials are not
    # served from the warm path; the full path asks (no terminal, no --yes: refused).
    from ssotui.core.prefs import prefs_path

    account, roles = aws_env.org[0]
    prefs = prefs_path()
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text(f'[[guardrails]]\naccounts = ["{account.account_id}"]\n')
    xdg = {"XDG_CONFIG_HOME": str(prefs.parent.parent)}
    args = ("creds", account.account_id, roles[0], "--format", "process")
    first = ssotui(isolated_home, aws_env.url, *args, "--yes", **xdg)
    assert first.returncode == 0, first.stderr
    assert len(_cache_files(isolated_home)) == 1  # cached for the next caller
    again = ssotui(isolated_home, aws_env.url, *args, **xdg)
    assert again.returncode == 2 and again.stdout == "", again.stdout
    assert "production" in again.stderr and "--yes" in again.stderr
    prefs.write_text("")  # no rules: the warm path serves the cached set again
    plain = ssotui(isolated_home, aws_env.url, *args, **xdg)
    assert plain.returncode == 0 and plain.stdout == first.stdout
    assert aws_env.calls["GetRoleCredentials"] == 1

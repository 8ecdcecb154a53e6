"""`ssotui list` in a subprocess against the emulator: the JSON shape, the table,
the cached (warm) start, the corrupt-cache warning and the login hint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from interop import aws_env as child_aws_env
from interop import child_env
from ssotui.commands.listing import NOT_LISTED, render_json, render_table
from ssotui.core.models import Account


def ssotui(home: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui")))
    return subprocess.run(
        [sys.executable, "-m", "ssotui", *args], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )


def expected_json(emu: Any) -> list[dict[str, Any]]:
    rows = [
        {"accountId": a.account_id, "accountName": a.account_name,
         "emailAddress": a.email_address, "roles": sorted(roles)}
        for a, roles in emu.org
    ]
    return sorted(rows, key=lambda r: (r["accountName"].casefold(), r["accountName"]))


def test_list_json_shape_and_order(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows == expected_json(aws_env)
    assert all(list(r) == ["accountId", "accountName", "emailAddress", "roles"] for r in rows)
    names = [r["accountName"] for r in rows]
    assert names == sorted(names, key=str.casefold)
    assert proc.stderr == ""  # no progress line: stderr is not a terminal


def test_list_table(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["ACCOUNT", "ID", "ROLES"]
    assert len(lines) == 1 + len(aws_env.org)
    for acct, roles in aws_env.org:
        line = next(x for x in lines if acct.account_id in x)
        assert line.startswith(acct.account_name + " ")
        assert line.rstrip().endswith(", ".join(sorted(roles)))


def test_warm_start_within_max_age_prints_the_cache_and_lists_nothing(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    cold = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert cold.returncode == 0, cold.stderr
    calls = aws_env.calls
    warm = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == cold.stdout
    assert warm.stderr == ""
    assert aws_env.calls == calls  # younger than the max age: no revalidation at all
    forced = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh")
    assert forced.returncode == 0 and forced.stdout == cold.stdout
    assert aws_env.calls["ListAccounts"] == calls["ListAccounts"] + 1


def test_corrupt_cache_warns_and_lists(signed_in: str, aws_env: Any, isolated_home: Path) -> None:
    cache = isolated_home / ".cache" / "ssotui"
    assert ssotui(isolated_home, aws_env.url, "list").returncode == 0
    (path,) = list(cache.glob("directory-*.json"))
    path.write_text('{"version": 1, "accounts": [[')
    proc = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected_json(aws_env)
    warnings = [x for x in proc.stderr.splitlines() if "warning" in x]
    assert len(warnings) == 1 and str(path) in warnings[0] and "corrupt" in warnings[0]
    assert json.loads(path.read_text())["version"] == 1  # repaired


def test_not_signed_in_exits_1_with_the_login_hint(aws_env: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "ssotui login --sso-session corp" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_revoked_token_exits_1_with_the_login_hint(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    aws_env.revoke(signed_in)
    proc = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh")
    assert proc.returncode == 1
    assert "ssotui login --sso-session corp" in proc.stderr


def test_renderers_sort_case_insensitively_and_tell_unlisted_from_none() -> None:
    # Without casefold these would sort Alpha, Charlie, alpha2, beta.
    accounts = [Account("2", "beta", "b@x"), Account("1", "Alpha", "a@x"),
                Account("4", "Charlie"), Account("3", "alpha2")]
    roles: dict[str, tuple[str, ...]] = {"2": ("Z", "A"), "4": ()}
    rows = json.loads(render_json(accounts, roles))
    assert [r["accountId"] for r in rows] == ["1", "3", "2", "4"]
    assert rows[2]["roles"] == ["A", "Z"] and rows[3]["roles"] == []
    assert rows[0]["roles"] is None  # not listed, which is not the same as no roles
    table = render_table(accounts, roles).splitlines()
    assert [line.split()[0] for line in table[1:]] == ["Alpha", "alpha2", "beta", "Charlie"]
    assert table[3].split() == ["beta", "2", "A,", "Z"]
    assert table[4].split() == ["Charlie", "4"]
    assert table[1].endswith("  " + NOT_LISTED)


def test_no_textual_import_on_the_list_path() -> None:
    code = ("import sys, ssotui.commands.listing, ssotui.core.directory;"
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=child_env({"HOME": os.environ["HOME"]}), check=True)
    assert out.stdout.strip() == "False"


def test_progress_line_only_when_stderr_is_a_terminal(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    import pty

    env = child_env(child_aws_env(isolated_home, aws_env.url,
                                  SSOTUI_CACHE_DIR=str(isolated_home / ".cache" / "ssotui")))
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "ssotui", "list", "--json", "--refresh"], env=env,
            stdout=subprocess.PIPE, stderr=follower, timeout=120, check=False,
        )
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side is closed and drained
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == expected_json(aws_env)  # stdout stays clean
    text = seen.decode()
    assert f"/{len(aws_env.org)}" in text and "req/s" in text and "throttled" in text
    assert text.endswith("\r\x1b[K")  # the line is cleared when done


def test_refresh_prints_the_new_list_and_reports_changes(
    signed_in: str, aws_env: Any, isolated_home: Path,
) -> None:
    from ssotui.core import dircache
    from ssotui.core.models import SsoSession

    org = aws_env.org
    gone_acct, kept = org[0][0], org[1:]
    stale_acct = Account("000000000001", "zz-retired", "old@example.com")
    session = SsoSession("corp", "https://d-emulator.awsapps.com/start", "us-east-1")
    stale = [(stale_acct, ["OldRole"])] + [(a, r) for a, r in kept]
    dircache.save(session, [a for a, _ in stale], {a.account_id: tuple(r) for a, r in stale})

    cached = ssotui(isolated_home, aws_env.url, "list", "--json")
    shown = {r["accountId"] for r in json.loads(cached.stdout)}
    assert stale_acct.account_id in shown and gone_acct.account_id not in shown  # the cache
    proc = ssotui(isolated_home, aws_env.url, "list", "--json", "--refresh")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == expected_json(aws_env)
    assert "refreshed the cached list: 1 account added, 1 account removed" in proc.stderr
    assert f"+ account {gone_acct.account_name} ({gone_acct.account_id})" in proc.stderr
    assert "- account zz-retired (000000000001)" in proc.stderr
    again = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert json.loads(again.stdout) == expected_json(aws_env) and again.stderr == ""

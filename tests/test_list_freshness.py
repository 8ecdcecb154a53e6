"""`ssotui list` and its cache's age, over real HTTP and real processes.

A stale cache is printed and revalidated by a detached process: `| head -3` and
`$(...)` end while that revalidation is still held at the emulator (a gate on
ListAccounts that only the test opens: the order is proven by construction, not
by timing), and the revalidation then rewrites the cache. Two revalidations of one
sso-session make one listing's worth of requests; `--cached` makes none.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from interop import aws_env as child_aws_env
from interop import child_env
from ssotui.core import dircache, freshness
from ssotui.core.models import Account, SsoSession
from ssotui.emulator import ROUTES
from test_listing import expected_json, ssotui

SESSION = SsoSession("corp", "https://d-emulator.awsapps.com/start", "us-east-1")
#: cached accounts the emulator does not have: a table of these is > 64 KiB, more
#: than a pipe holds, so `| head -3` really closes the pipe on a writing ssotui
STALE = [(Account(f"{900000000000 + i}", f"zz-stale-{i:04d}", f"s{i}@example.com"),
          ["OldRole", "OtherOldRole"]) for i in range(1500)]


class Gate:
    """Holds every ListAccounts request at the emulator until `open()`."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self._open = threading.Event()

    def open(self) -> None:
        self._open.set()

    def wrap(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        def gated(state: Any, req: Any, base: str) -> Any:
            self.arrived.set()
            self._open.wait(60)
            return handler(state, req, base)
        return gated


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    key = ("GET", "/assignment/accounts")
    op, portal, handler = ROUTES[key]
    monkeypatch.setitem(ROUTES, key, (op, portal, g.wrap(handler)))
    yield g
    g.open()  # never leave an emulator thread (or a revalidation) hanging


def stale_cache(age: timedelta = timedelta(hours=2)) -> Path:
    """A cache of STALE accounts saved `age` ago."""
    path = dircache.save(SESSION, [a for a, _ in STALE], {a.account_id: tuple(r) for a, r in STALE})
    doc = json.loads(path.read_text())
    doc["savedAt"] = (datetime.now(UTC) - age).isoformat(timespec="seconds")
    path.write_text(json.dumps(doc))
    return path


def wait_for_change(path: Path, stamp: int, timeout: float = 60) -> None:
    """Until the file's mtime differs from `stamp` (a bound, not a measurement)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and os.stat(path).st_mtime_ns != stamp:
            return
        time.sleep(0.05)
    raise AssertionError(f"{path} was not rewritten within {timeout} s")


def wait_gone(stderr: str, timeout: float = 60) -> None:
    """Until the revalidation a `--debug` run names (pid N) has exited."""
    pid = int(stderr.split("in the background (pid ")[1].split(")")[0])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return
        if state in ("Z", "X"):  # exited; whoever adopted it has not reaped it yet
            return
        time.sleep(0.05)
    raise AssertionError(f"revalidation {pid} still running after {timeout} s")


def shell(home: Path, url: str, script: str) -> subprocess.CompletedProcess[str]:
    env = child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui"),
                                  SSOTUI=f"{sys.executable} -m ssotui"))  # split by the shell
    return subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def assert_revalidated_after(gate: Gate, path: Path, stamp: int, emu: Any) -> None:
    """The revalidation is running (held at the gate) and has not touched the cache;
    once let through, it rewrites the cache with the emulator's org."""
    assert os.stat(path).st_mtime_ns == stamp  # not revalidated yet: it cannot have been
    assert gate.arrived.wait(60), "no revalidation reached the portal"
    assert os.stat(path).st_mtime_ns == stamp
    gate.open()
    wait_for_change(path, stamp)
    cached = dircache.load(SESSION)
    assert cached is not None
    assert {a.account_id for a in cached.accounts} == {a.account_id for a, _ in emu.org}
    assert freshness.age_seconds(cached) < 60


@pytest.mark.usefixtures("signed_in")
def test_head_ends_while_the_revalidation_is_still_running(
    gate: Gate, aws_env: Any, isolated_home: Path,
) -> None:
    path = stale_cache()
    stamp = os.stat(path).st_mtime_ns
    proc = shell(isolated_home, aws_env.url, "$SSOTUI list | head -3")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 3 and lines[0].startswith("ACCOUNT") and "zz-stale-0000" in lines[1]
    assert "Traceback" not in proc.stderr
    assert_revalidated_after(gate, path, stamp, aws_env)
    assert aws_env.calls["ListAccounts"] == 1


@pytest.mark.usefixtures("signed_in")
def test_command_substitution_ends_while_the_revalidation_is_still_running(
    gate: Gate, aws_env: Any, isolated_home: Path,
) -> None:
    path = stale_cache()
    stamp = os.stat(path).st_mtime_ns
    proc = shell(isolated_home, aws_env.url,
                 'out="$($SSOTUI list --json)"; echo "exit $?"; printf %s "$out"')
    assert proc.returncode == 0, proc.stderr
    status, _, body = proc.stdout.partition("\n")
    assert status == "exit 0"
    assert len(json.loads(body)) == len(STALE)  # the cache, complete
    assert_revalidated_after(gate, path, stamp, aws_env)
    again = ssotui(isolated_home, aws_env.url, "list", "--json")
    assert json.loads(again.stdout) == expected_json(aws_env)


def revalidate(home: Path, url: str, seen: int) -> subprocess.Popen[str]:
    env = child_env(child_aws_env(home, url, SSOTUI_CACHE_DIR=str(home / ".cache" / "ssotui")))
    return subprocess.Popen(
        [sys.executable, "-m", "ssotui.commands.revalidate", "--sso-session=corp",
         f"--seen={seen}"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.usefixtures("signed_in")
def test_concurrent_revalidations_make_one_listing(
    gate: Gate, aws_env: Any, isolated_home: Path,
) -> None:
    path = stale_cache()
    stamp = os.stat(path).st_mtime_ns
    first = revalidate(isolated_home, aws_env.url, stamp)
    assert gate.arrived.wait(60)  # the first one holds the lock and waits at the portal
    second = revalidate(isolated_home, aws_env.url, stamp)
    assert second.wait(30) == 0  # found the lock held: gone while the first still waits
    assert first.poll() is None
    gate.open()
    assert first.wait(60) == 0
    # and one that starts after the first finished sees the cache it wrote
    late = revalidate(isolated_home, aws_env.url, stamp)
    assert late.wait(30) == 0
    n = len(aws_env.org)
    assert aws_env.calls["ListAccounts"] == 1  # 12 accounts: one page
    assert aws_env.calls["ListAccountRoles"] == n
    assert os.stat(path).st_mtime_ns != stamp


@pytest.mark.usefixtures("signed_in")
def test_a_second_list_does_not_start_another_revalidation(
    gate: Gate, aws_env: Any, isolated_home: Path,
) -> None:
    path = stale_cache()
    stamp = os.stat(path).st_mtime_ns
    one = ssotui(isolated_home, aws_env.url, "--debug", "list", "--json")
    assert one.returncode == 0 and "in the background" in one.stderr
    assert gate.arrived.wait(60)
    two = ssotui(isolated_home, aws_env.url, "--debug", "list", "--json")
    assert two.returncode == 0 and two.stdout == one.stdout
    assert "in the background" not in two.stderr  # the lock is held: nothing spawned
    gate.open()
    wait_for_change(path, stamp)
    wait_gone(one.stderr)
    assert aws_env.calls["ListAccounts"] == 1


@pytest.mark.usefixtures("signed_in")
def test_cached_makes_no_request(aws_env: Any, isolated_home: Path) -> None:
    stale_cache()
    aws_env.reset_stats()
    proc = ssotui(isolated_home, aws_env.url, "--debug", "list", "--cached", "--json")
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == len(STALE)
    assert "in the background" not in proc.stderr  # stale, but --cached: no revalidation
    assert sum(aws_env.calls.values()) == 0


def test_cached_without_a_cache_is_one_line_exit_1(aws_env: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--cached")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "ssotui: no cached listing for sso-session corp; `ssotui list` lists and caches it"]
    assert sum(aws_env.calls.values()) == 0


@pytest.mark.usefixtures("signed_in")
def test_max_age_decides_between_printing_and_revalidating(
    aws_env: Any, isolated_home: Path,
) -> None:
    stale_cache(timedelta(minutes=10))
    young = ssotui(isolated_home, aws_env.url, "--debug", "list", "--max-age", "15m")
    assert young.returncode == 0 and "in the background" not in young.stderr
    prefs = isolated_home / ".config" / "ssotui" / "prefs.toml"
    prefs.parent.mkdir(parents=True)
    prefs.write_text('list_max_age = "5m"\n')
    old = ssotui(isolated_home, aws_env.url, "--debug", "list")
    assert old.returncode == 0 and "in the background" in old.stderr
    assert old.stdout == young.stdout
    wait_gone(old.stderr)


def test_bad_max_age_is_refused(aws_env: Any, isolated_home: Path) -> None:
    proc = ssotui(isolated_home, aws_env.url, "list", "--max-age", "soon")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "'soon' is not a duration" in proc.stderr


@pytest.mark.parametrize(("text", "seconds"), [
    ("90", 90), ("90s", 90), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2d", 172800),
    ("0", 0), ("1.5h", 5400),
])
def test_durations(text: str, seconds: float) -> None:
    assert freshness.parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "h", "1x", "1h 30m", "-5m", "m1", "1hh"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        freshness.parse_duration(text)


@pytest.mark.usefixtures("signed_in")
def test_refresh_waits_for_a_running_revalidation_and_prints_its_result(
    gate: Gate, aws_env: Any, isolated_home: Path,
) -> None:
    path = stale_cache()
    stamp = os.stat(path).st_mtime_ns
    stale = ssotui(isolated_home, aws_env.url, "--debug", "list")
    assert gate.arrived.wait(60)  # the background revalidation is at the portal
    env = child_env(child_aws_env(isolated_home, aws_env.url,
                                  SSOTUI_CACHE_DIR=str(isolated_home / ".cache" / "ssotui")))
    refresh = subprocess.Popen([sys.executable, "-m", "ssotui", "list", "--refresh", "--json"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_lock_waiter(refresh.pid)
    gate.open()
    out, err = refresh.communicate(timeout=60)
    assert refresh.returncode == 0, err
    assert json.loads(out) == expected_json(aws_env)  # the revalidation's result
    wait_gone(stale.stderr)
    assert os.stat(path).st_mtime_ns != stamp
    assert aws_env.calls["ListAccounts"] == 1  # one listing for both


def wait_for_lock_waiter(pid: int, timeout: float = 60) -> None:
    """Until process `pid` has opened the revalidation lock file (it is waiting on it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            links = []
        if any(link.endswith(".revalidate.lock") for link in links):
            return
        time.sleep(0.02)
    raise AssertionError(f"process {pid} never waited on the revalidation lock")


def test_a_bad_list_max_age_preference_warns_and_uses_the_default(
    aws_env: Any, isolated_home: Path,
) -> None:
    from ssotui.core import prefs

    path = isolated_home / ".config" / "ssotui" / "prefs.toml"
    path.parent.mkdir(parents=True)
    path.write_text('list_max_age = "soon"\n')
    loaded, warnings = prefs.load_prefs_with_warnings(path)
    assert loaded.list_max_age == "1h"
    assert warnings == [f"{path}: list_max_age = 'soon' is not valid; using the default"]
    path.write_text("list_max_age = 600\n")
    assert prefs.load_prefs(path).list_max_age == 600

"""TUI figures (issue 6), measured on a real pseudo-terminal read with pyte.

    python bench/tui_bench.py              # all three; prints JSON, writes bench/tui_results.json
    python bench/tui_bench.py --runs 5

- warm start: a cached org of 1,000 accounts; from process start (fork of
  `python -m ssotui`) until an account row is on the pyte screen.
- filter: 5,000 accounts × 3 roles cached; each keystroke typed into the pty, timed
  until the counts line on screen changes (median of a typed query, several runs).
- memory: VmRSS of the ssotui process with 5,000 accounts listed (after the refresh).

The emulator runs in this process on 127.0.0.1; HOME and every AWS path point at a
temporary directory (the real ~/.aws is never read).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyte

START_URL = "https://d-emulator.awsapps.com/start"
SESSION = "bench"
COLS, ROWS = 120, 36


def _write_token(home: Path, token: str) -> None:
    import hashlib

    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    body = {"startUrl": START_URL, "region": "us-east-1", "accessToken": token,
            "expiresAt": (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    path = cache / (hashlib.sha1(SESSION.encode()).hexdigest() + ".json")
    path.write_text(json.dumps(body))
    path.chmod(0o600)


class Org:
    """Emulator + throwaway HOME + a warm listing cache for `accounts` accounts."""

    def __init__(self, accounts: int, roles: int = 3) -> None:
        from ssotui.emulator import Emulator

        self.tmp = Path(tempfile.mkdtemp(prefix="ssotui-tui-bench-"))
        self.home = self.tmp / "home"
        (self.home / ".aws").mkdir(parents=True)
        self.emu = Emulator(accounts=accounts, roles_per_account=roles, seed=5)
        self.emu.start()
        self.env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(self.home), "TERM": "xterm-256color",
            "LANG": "C.UTF-8", "AWS_CONFIG_FILE": str(self.home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.home / ".aws" / "credentials"),
            "SSOTUI_CACHE_DIR": str(self.tmp / "cache"),
            "XDG_CONFIG_HOME": str(self.tmp / "xdg"), "XDG_CACHE_HOME": str(self.tmp / "xdgc"),
            "AWS_ENDPOINT_URL_SSO": self.emu.url, "AWS_ENDPOINT_URL_SSO_OIDC": self.emu.url,
        }
        Path(self.env["AWS_CONFIG_FILE"]).write_text(
            f"[sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n")
        _write_token(self.home, self.emu.mint_token(start_url=START_URL))
        self._save_cache()

    def _save_cache(self) -> None:
        saved = os.environ.get("SSOTUI_CACHE_DIR")
        os.environ["SSOTUI_CACHE_DIR"] = self.env["SSOTUI_CACHE_DIR"]
        try:
            from ssotui.core import dircache
            from ssotui.core.models import SsoSession

            org = self.emu.org
            dircache.save(SsoSession(SESSION, START_URL, "us-east-1"), [a for a, _ in org],
                          {a.account_id: tuple(sorted(r)) for a, r in org})
        finally:
            if saved is None:
                os.environ.pop("SSOTUI_CACHE_DIR", None)
            else:
                os.environ["SSOTUI_CACHE_DIR"] = saved

    def close(self) -> None:
        self.emu.stop()


class Pty:
    """`python -m ssotui` on a pseudo-terminal, its screen kept by pyte."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execve(sys.executable, [sys.executable, "-m", "ssotui", *args], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)

    def pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.stream.feed(data)
        return True

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait(self, cond: Any, limit: float = 60.0) -> float:
        deadline = time.perf_counter() + limit
        while not cond(self.text()):
            if time.perf_counter() > deadline:
                raise SystemExit("bench: gave up waiting; screen:\n" + self.text())
            self.pump(0.05)
        return time.perf_counter()

    def send(self, data: str) -> float:
        t = time.perf_counter()
        os.write(self.fd, data.encode())
        return t

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def _counts_line(text: str) -> str:
    return next((ln for ln in text.splitlines() if "accounts ·" in ln), "")


def warm_start(runs: int) -> dict[str, Any]:
    org = Org(1000)
    first = org.emu.org[0][0].account_name
    names = sorted(a.account_name for a, _ in org.emu.org)
    times = []
    try:
        for _ in range(runs):
            term = Pty(org.env, "--sso-session", SESSION)
            try:
                t = term.wait(lambda s: names[0] in s and "Accounts" in s)
                times.append(t - term.started)
            finally:
                term.close()
    finally:
        org.close()
    del first
    return {"warm_start_1000_s": statistics.median(times), "runs": times}


def filter_and_memory(runs: int, idle: bool = False) -> dict[str, Any]:
    org = Org(5000)
    if idle:  # the background refresh never gets an answer: typing has the CPU alone
        org.emu.latency_ms = 600_000
    query = "pay adm"
    latencies: list[float] = []
    rss = float("nan")
    try:
        for _ in range(runs):
            term = Pty(org.env, "--sso-session", SESSION)
            try:
                term.wait(lambda s: "5,000 accounts" in _counts_line(s))
                term.send("/")
                time.sleep(0.3)
                term.pump(0.1)
                for ch in query:
                    if ch == " ":  # changes nothing on screen: type it, do not time it
                        term.send(ch)
                        time.sleep(0.15)
                        term.pump(0.05)
                        continue
                    before = _counts_line(term.text()) + term.text().split("\n")[2]
                    t0 = term.send(ch)
                    t1 = term.wait(lambda s, b=before: _counts_line(s) + s.split("\n")[2] != b)
                    latencies.append(t1 - t0)
                    time.sleep(0.15)  # a typist's pace; let the screen settle
                    term.pump(0.05)
                term.send("\x1b")
                time.sleep(0.3)
                term.send("\x1b")
                # memory once the refresh has listed all 5,000 accounts again
                deadline = time.perf_counter() + 600
                while (not idle and "listing" in _counts_line(term.text())
                       and time.perf_counter() < deadline):
                    term.pump(0.5)
                rss = max(rss, term.rss_mb()) if rss == rss else term.rss_mb()
            finally:
                term.close()
    finally:
        org.close()
    return {"filter_keystroke_median_ms": statistics.median(latencies) * 1000,
            "filter_keystroke_p90_ms": sorted(latencies)[int(len(latencies) * 0.9)] * 1000,
            "keystrokes": len(latencies), "rss_5000_mb": rss}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="warm,filter")
    parser.add_argument("--idle", action="store_true",
                        help="filter with the background refresh stalled (CPU to the UI)")
    args = parser.parse_args()
    out: dict[str, Any] = {}
    if "warm" in args.only:
        out.update(warm_start(args.runs))
    if "filter" in args.only:
        out.update(filter_and_memory(max(1, args.runs - 1), idle=args.idle))
    out["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    out["cpus"] = os.cpu_count()
    text = json.dumps(out, indent=2)
    print(text)
    (Path(__file__).resolve().parent / "tui_results.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""TUI figures (issue 6), measured on a real pseudo-terminal read with pyte.

    python bench/tui_bench.py              # everything; prints JSON, writes bench/tui_results.json
    python bench/tui_bench.py --runs 11 --only warm
    python bench/tui_bench.py --only filter --modes stress

- warm start: a cached org of 1,000 accounts; from process start (fork of
  `python -m ssotui`) until the first account row is on the pyte screen.
- filter: 5,000 accounts x 3 roles cached; each keystroke typed into the pty, timed
  until the counts line (or the top row) on screen changes. While the user types,
  ssotui revalidates the cache in the background; the modes say what that costs:
    realistic  the emulator answers like the portal does in bench/run.py
               (200 ms latency, 20 requests/s), the case users meet;
    stress     no latency and no limit: the refresh takes all the CPU it can;
    idle       the refresh never gets an answer: the UI has the CPU alone.
- memory: VmRSS of the ssotui process with 5,000 accounts on screen.

A time is taken when the bytes that complete the awaited screen arrive from the pty
(read, before pyte parses them): pyte is pure Python and needs 10-50 ms per frame,
which a real terminal does not. The figure including pyte's parse is kept as well
(`*_with_pyte`). The emulator runs in this process on 127.0.0.1; HOME and every AWS
path point at a temporary directory (the real ~/.aws is never read).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
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

    def __init__(self, accounts: int, roles: int = 3, latency_ms: float = 0.0,
                 tps: float | None = None) -> None:
        from ssotui.emulator import Emulator

        self.tmp = Path(tempfile.mkdtemp(prefix="ssotui-tui-bench-"))
        self.home = self.tmp / "home"
        (self.home / ".aws").mkdir(parents=True)
        self.emu = Emulator(accounts=accounts, roles_per_account=roles, seed=5,
                            latency_ms=latency_ms, tps=tps)
        self.emu.start()
        self.env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(self.home), "TERM": "xterm-256color",
            "LANG": "C.UTF-8", "AWS_CONFIG_FILE": str(self.home / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.home / ".aws" / "credentials"),
            "SSOTUI_CACHE_DIR": str(self.tmp / "cache"),
            "XDG_CONFIG_HOME": str(self.tmp / "xdg"), "XDG_CACHE_HOME": str(self.tmp / "xdgc"),
            "AWS_ENDPOINT_URL_SSO": self.emu.url, "AWS_ENDPOINT_URL_SSO_OIDC": self.emu.url,
        }
        if os.environ.get("SSOTUI_BENCH_SRC"):  # A/B: run another checkout's src/
            self.env["PYTHONPATH"] = os.environ["SSOTUI_BENCH_SRC"]
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
        shutil.rmtree(self.tmp, ignore_errors=True)


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
        self.arrived = self.parsed = 0.0  # when the last bytes were read / fed to pyte

    def pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return False
        self.arrived = time.perf_counter()
        self.stream.feed(data)
        self.parsed = time.perf_counter()
        return True

    def drain(self, quiet: float = 0.05) -> None:
        """Read until the pty has been quiet for `quiet` seconds."""
        while self.pump(quiet):
            pass

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait(self, cond: Any, limit: float = 60.0) -> tuple[float, float]:
        """(arrival, parsed): when the bytes that made `cond` true were read from the
        pty, and when pyte had parsed them."""
        deadline = time.perf_counter() + limit
        while not cond(self.text()):
            if time.perf_counter() > deadline:
                raise SystemExit("bench: gave up waiting; screen:\n" + self.text())
            self.pump(0.05)
        return self.arrived, self.parsed

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


def _import_textual_s(env: dict[str, str]) -> float:
    """Wall time of `python -c "import textual.app"`: the framework's own floor."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], env=env, check=True)
    return time.perf_counter() - t


def warm_start(runs: int) -> dict[str, Any]:
    """Interleaved with the floor (importing Textual alone): this machine's speed
    drifts by 1.5x over minutes, so the two are measured in the same minutes."""
    org = Org(1000)
    names = sorted(a.account_name for a, _ in org.emu.org)
    times, parsed, floor = [], [], []
    try:
        for _ in range(runs):
            term = Pty(org.env, "--sso-session", SESSION)
            try:
                t, p = term.wait(lambda s: names[0] in s and "Accounts" in s)
                times.append(t - term.started)
                parsed.append(p - term.started)
            finally:
                term.close()
            floor.append(_import_textual_s(org.env))
    finally:
        org.close()
    return {"median_s": statistics.median(times), "runs_s": times,
            "median_with_pyte_s": statistics.median(parsed), "runs_with_pyte_s": parsed,
            "import_textual_median_s": statistics.median(floor), "import_textual_runs_s": floor}


MODES = {"realistic": {"latency_ms": 200.0, "tps": 20.0}, "stress": {},
         "idle": {"latency_ms": 600_000.0}}


def filter_and_memory(runs: int, mode: str) -> dict[str, Any]:
    org = Org(5000, **MODES[mode])  # type: ignore[arg-type]
    query = "pay adm"
    latencies: list[float] = []
    with_pyte: list[float] = []
    rss = float("nan")
    try:
        for _ in range(runs):
            term = Pty(org.env, "--sso-session", SESSION)
            try:
                term.wait(lambda s: "5,000 accounts" in _counts_line(s))
                # the filter has the focus from the start: no key before typing
                for ch in query:
                    if ch == " ":  # changes nothing on screen: type it, do not time it
                        term.send(ch)
                        time.sleep(0.15)
                        term.drain()
                        continue
                    before = _counts_line(term.text()) + term.text().split("\n")[2]
                    t0 = term.send(ch)
                    t1, p1 = term.wait(lambda s, b=before: _counts_line(s) + s.split("\n")[2] != b)
                    latencies.append(t1 - t0)
                    with_pyte.append(p1 - t0)
                    time.sleep(0.15)  # a typist's pace; let the screen settle
                    term.drain()
                term.send("\x15")  # ctrl+u: clear the filter
                # stress: memory once the refresh has listed all 5,000 accounts again
                deadline = time.perf_counter() + (600 if mode == "stress" else 0.5)
                while (("listing" in _counts_line(term.text()) or mode != "stress")
                       and time.perf_counter() < deadline):
                    term.pump(0.2)
                rss = max(rss, term.rss_mb()) if rss == rss else term.rss_mb()
            finally:
                term.close()
    finally:
        org.close()
    def ms(xs: list[float]) -> list[float]:
        return [round(x * 1000, 1) for x in xs]

    return {"median_ms": statistics.median(latencies) * 1000,
            "p90_ms": sorted(latencies)[int(len(latencies) * 0.9)] * 1000,
            "median_with_pyte_ms": statistics.median(with_pyte) * 1000,
            "keystrokes_ms": ms(latencies), "keystrokes_with_pyte_ms": ms(with_pyte),
            "rss_mb": rss, **MODES[mode]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11, help="warm starts (median)")
    parser.add_argument("--filter-runs", type=int, default=3,
                        help="sessions typing the query, per mode (median over all keys)")
    parser.add_argument("--only", default="warm,filter")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="filter modes: " + ", ".join(MODES))
    args = parser.parse_args()
    path = Path(__file__).resolve().parent / "tui_results.json"
    # a partial run (--only, --modes) updates its figures and keeps the others
    out: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if out.get("version") != 2:
        out = {"version": 2}
    def now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    if "warm" in args.only:
        out["warm_start_1000"] = {**warm_start(args.runs), "measured_at": now()}
        # the machine's speed drifts: keep the last runs' medians side by side
        w = out["warm_start_1000"]
        out["warm_start_history"] = [*out.get("warm_start_history", []), {
            k: w[k] for k in ("measured_at", "median_s", "import_textual_median_s")}][-10:]
    if "filter" in args.only:
        filt = out.setdefault("filter_5000", {})
        for mode in [m for m in args.modes.split(",") if m]:
            filt[mode] = {**filter_and_memory(args.filter_runs, mode), "measured_at": now()}
    out["measured_at"] = now()
    out["cpus"] = os.cpu_count()
    text = json.dumps(out, indent=2)
    print(text)
    path.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

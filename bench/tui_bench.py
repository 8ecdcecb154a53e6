"""TUI figures (issue 6), measured on a real pseudo-terminal read with pyte.

    python bench/tui_bench.py              # everything; prints JSON, writes bench/tui_results.json
    python bench/tui_bench.py --runs 11 --only warm
    python bench/tui_bench.py --only filter --modes stress

Every process timed runs from a wheel installed in a scratch venv (bench/installed.py),
as users run ssotui, never the worktree's editable install.

- warm start: a cached org of 1,000 accounts; from process start (exec of the
  installed `ssotui` script) until the first account row is on the pyte screen.
  Interleaved, in the same minutes: the floor `python -c "import textual.app"`, and
  bench/minimal_app.py (an OptionList of the same 1,000 names) until its first row
  is on screen; the figures are the ratios to the floor.
- filter: 5,000 accounts x 3 roles cached; each keystroke typed into the pty, timed
  until the counts line (or the top row) on screen changes; then the whole query
  written at once (many keys in one read), timed until the screen shows the same
  result as after the last keystroke typed one by one. While the user types,
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
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent  # the installed build's bin dir (set by main)
# typed straight into the filter: the main screen starts with the filter focused; its
# first letter is no action key in the older keyboard model either
QUERY = "dev adm"


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
    """A program (by default the installed `ssotui`) on a pseudo-terminal, its screen
    kept by pyte."""

    def __init__(self, env: dict[str, str], *args: str, argv: list[str] | None = None) -> None:
        argv = argv or [str(BIN / "ssotui"), *args]
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execve(argv[0], argv, env)
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
    subprocess.run([str(BIN / "python"), "-c", "import textual.app"], env=env, check=True)
    return time.perf_counter() - t


def _first_row_s(term: Pty, *shown: str) -> tuple[float, float]:
    try:
        t, p = term.wait(lambda s: all(x in s for x in shown))
        return t - term.started, p - term.started
    finally:
        term.close()


def warm_start(runs: int) -> dict[str, Any]:
    """Interleaved with the floor (importing Textual alone) and the minimal app: this
    machine's speed drifts by 1.5x over minutes, so all three share the same minutes."""
    org = Org(1000)
    names = sorted(a.account_name for a, _ in org.emu.org)
    names_file = org.tmp / "names.json"
    names_file.write_text(json.dumps(names))
    minimal_argv = [str(BIN / "python"), str(HERE / "minimal_app.py"), str(names_file)]
    times, parsed, floor, minimal = [], [], [], []
    try:
        for _ in range(runs):
            t, p = _first_row_s(Pty(org.env, "--sso-session", SESSION), names[0], "Accounts")
            times.append(t)
            parsed.append(p)
            floor.append(_import_textual_s(org.env))
            minimal.append(_first_row_s(Pty(org.env, argv=minimal_argv), names[0])[0])
    finally:
        org.close()
    med, fl, mi = (statistics.median(x) for x in (times, floor, minimal))
    return {"median_s": med, "runs_s": times,
            "median_with_pyte_s": statistics.median(parsed), "runs_with_pyte_s": parsed,
            "import_textual_median_s": fl, "import_textual_runs_s": floor,
            "minimal_app_median_s": mi, "minimal_app_runs_s": minimal,
            "ratio_to_floor": med / fl, "minimal_ratio_to_floor": mi / fl,
            # steadier than the ratios: each run against the minimal app's run beside it
            "gap_to_minimal_ms": statistics.median(
                (t - m) * 1000 for t, m in zip(times, minimal, strict=True)),
            # per run, each against the floor measured right after it
            "ratios_per_run": [t / f for t, f in zip(times, floor, strict=True)]}


def _burst(env: dict[str, str], query: str, final: str) -> float | None:
    """The whole query in one write (one read for ssotui: a paste, a fast typist over
    ssh): seconds until the counts line is `final`, what typing it key by key gave;
    None when it never is (keys lost: issue 11)."""
    term = Pty(env, "--sso-session", SESSION)
    try:
        term.wait(lambda s: "5,000 accounts" in _counts_line(s))
        time.sleep(0.3)
        term.drain()
        t0 = term.send(query)
        deadline = t0 + 10
        while _counts_line(term.text()) != final:
            if time.perf_counter() > deadline:
                return None
            term.pump(0.05)
        return term.arrived - t0
    finally:
        term.close()


MODES = {"realistic": {"latency_ms": 200.0, "tps": 20.0}, "stress": {},
         "idle": {"latency_ms": 600_000.0}}


def filter_and_memory(runs: int, mode: str) -> dict[str, Any]:
    org = Org(5000, **MODES[mode])  # type: ignore[arg-type]
    query = QUERY
    latencies: list[float] = []
    with_pyte: list[float] = []
    bursts: list[float | None] = []
    rss = float("nan")
    try:
        for _ in range(runs):
            term = Pty(org.env, "--sso-session", SESSION)
            try:
                term.wait(lambda s: "5,000 accounts" in _counts_line(s))
                time.sleep(0.3)
                term.drain()
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
                final = _counts_line(term.text())
                bursts.append(_burst(org.env, query, final))
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

    arrived = [b for b in bursts if b is not None]
    lost = len(bursts) - len(arrived)
    everything = latencies + arrived  # bursts that lost keys are counted apart
    return {"median_ms": statistics.median(latencies) * 1000,
            "p90_ms": sorted(latencies)[int(len(latencies) * 0.9)] * 1000,
            "burst_ms": ms(arrived), "bursts_with_keys_lost": lost,
            "burst_median_ms": statistics.median(arrived) * 1000 if arrived else None,
            # the keystrokes typed one by one and the bursts, together
            "all_median_ms": statistics.median(everything) * 1000,
            "all_p90_ms": sorted(everything)[int(len(everything) * 0.9)] * 1000,
            "median_with_pyte_ms": statistics.median(with_pyte) * 1000,
            "keystrokes_ms": ms(latencies), "keystrokes_with_pyte_ms": ms(with_pyte),
            "rss_mb": rss, **MODES[mode]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21, help="warm starts (median)")
    parser.add_argument("--filter-runs", type=int, default=3,
                        help="sessions typing the query, per mode (median over all keys)")
    parser.add_argument("--only", default="warm,filter")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="filter modes: " + ", ".join(MODES))
    args = parser.parse_args()
    global BIN
    from installed import build

    build_root = Path(tempfile.mkdtemp(prefix="ssotui-bench-build-"))
    try:
        BIN = build(build_root)
        return _measure(args)
    finally:
        shutil.rmtree(build_root, ignore_errors=True)


def _measure(args: argparse.Namespace) -> int:
    path = Path(__file__).resolve().parent / "tui_results.json"
    # a partial run (--only, --modes) updates its figures and keeps the others
    out: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if out.get("version") != 3:  # 3: installed build, minimal app, bursts
        out = {"version": 3}
    def now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    if "warm" in args.only:
        out["warm_start_1000"] = {**warm_start(args.runs), "measured_at": now()}
        # the machine's speed drifts: keep the last runs' medians side by side
        w = out["warm_start_1000"]
        out["warm_start_history"] = [*out.get("warm_start_history", []), {
            k: w[k] for k in ("measured_at", "median_s", "import_textual_median_s",
                              "minimal_app_median_s", "ratio_to_floor",
                              "minimal_ratio_to_floor", "gap_to_minimal_ms")}][-10:]
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

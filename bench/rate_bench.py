"""Does the listing find the portal's real rate? (issue 15) Writes bench/rate_results.json.

    python bench/rate_bench.py                     # every case (~3 minutes)
    python bench/rate_bench.py --only tps60,tps5   # some of: tps60 tps20 tps5 drop

Each case starts an emulator subprocess (`ssotui emulator --latency-ms L --tps R`)
and runs one listing in a second subprocess, both from a wheel installed into a
scratch venv (bench/installed.py), signed in through `ssotui login --device-code` in
a throwaway HOME (never the real ~/.aws). The listing process (bench/rate_driver.py)
is the loader as `ssotui list` runs it, with the listing cache: the first listing
starts from the default 20 req/s; `tps60` then lists again from the rate the first
one learned.

The bound: a token bucket of `tps` requests refilled at `tps` per second passes at
most `tps` requests a second, so N accounts (N ListAccountRoles + N/100 ListAccounts
pages of 100, the fewest requests that list them) take at least (N + N/100) / tps
seconds. Throttled requests are not counted: a 429 takes no token. The bucket starts
full, so a listing can beat the bound by up to one second. For the drop case the
bound is the first half of the requests at 60/s plus the rest at 20/s. The floor,
`python -c pass` of the same venv, is measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from installed import build
from run import Home, log

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "rate_results.json"
DRIVER = HERE / "rate_driver.py"
CASES: dict[str, dict[str, Any]] = {
    "tps60": {"accounts": 1000, "latency_ms": 100, "tps": 60, "target": 1.3, "again": True},
    "tps20": {"accounts": 1000, "latency_ms": 200, "tps": 20, "target": 1.03},
    "tps5": {"accounts": 100, "latency_ms": 200, "tps": 5, "target": 1.1},
    "drop": {"accounts": 1000, "latency_ms": 100, "tps": (60, 20), "target": None},
}


def requests_needed(accounts: int) -> int:
    return accounts + math.ceil(accounts / 100)


def bound_of(case: dict[str, Any]) -> tuple[float, str]:
    """Seconds the limit allows, and the --tps value that sets it."""
    need = requests_needed(case["accounts"])
    tps = case["tps"]
    if isinstance(tps, tuple):
        high, low = tps
        switch = need / 2 / high  # halfway through the requests at the high rate
        return switch + (need / 2) / low, f"{high}@0,{low}@{switch:.2f}s"
    return need / tps, str(tps)


def floor(python: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        subprocess.run([str(python), "-c", "pass"], check=True)
        times.append(time.monotonic() - t0)
    return statistics.median(times)


def run_case(name: str, case: dict[str, Any], bin_dir: Path, tmp: Path) -> dict[str, Any]:
    python = bin_dir / "python"
    bound, tps_arg = bound_of(case)
    log(f"{name}: {case['accounts']} accounts, {case['latency_ms']} ms, --tps {tps_arg} "
        f"(bound {bound:.2f} s)")
    emu = subprocess.Popen(
        [str(python), "-m", "ssotui", "emulator", "--accounts", str(case["accounts"]),
         "--latency-ms", str(case["latency_ms"]), "--tps", tps_arg],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    runs = []
    try:
        assert emu.stdout is not None
        url = emu.stdout.readline().strip()
        home = Home(tmp / name, url)
        home.login()
        time.sleep(1.5)  # the login's calls are OIDC, but let the bucket be full anyway
        for _ in range(2 if case.get("again") else 1):
            t0 = time.monotonic()
            proc = subprocess.run([str(python), str(DRIVER), str(case["accounts"])],
                                  env=home.env, capture_output=True, text=True, timeout=600,
                                  check=False)
            wall = time.monotonic() - t0
            if proc.returncode != 0:
                raise RuntimeError(f"{name}: the listing failed: {proc.stderr[-2000:]}")
            got = json.loads(proc.stdout)
            got["process_s"] = round(wall, 2)
            got["ratio"] = round(got["elapsed_s"] / bound, 3)
            runs.append(got)
            log(f"  {got['elapsed_s']} s = {got['ratio']}x the bound, {got['throttled']} 429s, "
                f"exact={got['matches_ground_truth']}, failed={got['failed']}, "
                f"start {got['start_rate']} -> learned {got['learned_rate']}")
            time.sleep(1.5)  # a full bucket for the next run, as after any pause
    finally:
        emu.terminate()
        emu.wait(timeout=10)
    return {"accounts": case["accounts"], "latency_ms": case["latency_ms"], "tps": tps_arg,
            "requests_needed": requests_needed(case["accounts"]), "bound_s": round(bound, 2),
            "target": case["target"], "runs": runs}


def render_rate(res: dict[str, Any]) -> list[str]:
    """The RESULTS.md section (bench/run.py's render() appends it)."""
    if not res:
        return []
    out = ["## Finding the portal's rate (issue 15, bench/rate_bench.py)", "",
           f"Run {res.get('date', '?')}; installed wheel in a scratch venv, emulator and "
           "listing in separate processes; the listing is the loader with the listing "
           "cache, starting from the default 20 req/s unless it says otherwise. "
           "**Bound** = (N role lists + N/100 account pages) / tps: the fewest requests "
           "that list N accounts at the most the emulator's token bucket passes "
           "(429s take no token, so they are not counted; the bucket starts full, which "
           "is worth up to one second). Drop: half the requests at 60/s, the rest at 20/s. "
           f"Floor `python -c pass` (same venv, same run): {res.get('floor_s', '?')} s; "
           "process = spawn to exit of the listing process, which includes that "
           "start-up and botocore's import.", "",
           "| case | run | listing | bound | ratio | target | process | 429s | requests "
           "| failed | exact | start -> learned req/s |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    cases = res.get("cases", {})
    for name in sorted(cases, key=lambda n: list(CASES).index(n) if n in CASES else 99):
        c = cases[name]
        for i, r in enumerate(c["runs"]):
            what = (f"{c['accounts']} accounts, {c['latency_ms']} ms, --tps {c['tps']}")
            run = "first (default start)" if i == 0 else "again (learned start)"
            target = f"<= {c['target']}x" if c["target"] else "no failure, exact"
            out.append(
                f"| {name}: {what} | {run} | {r['elapsed_s']} s | {c['bound_s']} s | "
                f"**{r['ratio']}x** | {target} | {r['process_s']} s | {r['throttled']} | "
                f"{r['requests']} | {r['failed']} | {r['matches_ground_truth']} | "
                f"{r['start_rate']} -> {r['learned_rate']} |")
    for note in res.get("notes", []):
        out += ["", note]
    out.append("")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(CASES))
    args = ap.parse_args()
    res: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    res.setdefault("cases", {})
    with tempfile.TemporaryDirectory(prefix="ssotui-rate-") as tmp_name:
        tmp = Path(tmp_name)
        bin_dir = build(tmp / "installed")
        res["floor_s"] = round(floor(bin_dir / "python"), 3)
        res["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        res["cpus"] = os.cpu_count()
        for name in [x for x in args.only.split(",") if x]:
            res["cases"][name] = run_case(name, CASES[name], bin_dir, tmp)
            RESULTS.write_text(json.dumps(res, indent=2) + "\n")
    print("\n".join(render_rate(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

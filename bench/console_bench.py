"""Console sign-in and guardrail benchmarks (issue 13); writes bench/console_results.json
and re-renders bench/RESULTS.md (its "Console sign-in" section).

    python bench/console_bench.py            # ~30 s

Against the emulator (in this process, on a thread; no added latency) with a
throwaway HOME, never the real ~/.aws. Each command is a fresh process of the
`ssotui` of a wheel installed in a scratch venv (bench/installed.py), timed wall-clock, median of RUNS run round-robin; the floor is `python -c pass`
measured in the same minutes, so the ratios hold on a busy shared machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "console_results.json"
RUNS = 7
START_URL = "https://d-emulator.awsapps.com/start"


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{argv[1:4]} failed: {done.stderr[-500:]}")
    return elapsed


def medians_ms(commands: dict[str, list[str]], env: dict[str, str]) -> dict[str, float]:
    """Median wall time of each command, run round-robin (one of each per round) so a
    burst of load from another job lands on all of them alike."""
    for argv in commands.values():
        timed(argv, env)  # warm the page cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, argv in commands.items():
            times[name].append(timed(argv, env))
    return {name: round(statistics.median(t) * 1000, 1) for name, t in times.items()}


def processes() -> dict[str, Any]:
    from installed import build

    root = Path(tempfile.mkdtemp(prefix="ssotui-console-bench-"))
    try:
        # timed starts run a wheel installed in a scratch venv, as users run ssotui
        return _processes(root, build(root / "installed"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _processes(root: Path, bin_dir: Path) -> dict[str, Any]:
    from ssotui.emulator import Emulator

    home = root / "home"
    (home / ".aws" / "sso" / "cache").mkdir(parents=True)
    with Emulator(accounts=200, roles_per_account=3, seed=5) as emu:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
               "HOME": str(home), "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
               "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
               "SSOTUI_CACHE_DIR": str(root / "cache"), "XDG_CONFIG_HOME": str(root / "xdg"),
               "AWS_ENDPOINT_URL_SSO": emu.url, "AWS_ENDPOINT_URL_SSO_OIDC": emu.url,
               "SSOTUI_FEDERATION_ENDPOINT": emu.url + "/federation"}
        Path(env["AWS_CONFIG_FILE"]).write_text(
            f"[sso-session bench]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n")
        token = {"startUrl": START_URL, "region": "us-east-1",
                 "accessToken": emu.mint_token(START_URL),
                 "expiresAt": (datetime.now(UTC) + timedelta(hours=8)).strftime(
                     "%Y-%m-%dT%H:%M:%SZ")}
        name = hashlib.sha1(b"bench").hexdigest() + ".json"
        (home / ".aws" / "sso" / "cache" / name).write_text(json.dumps(token))
        account, roles = emu.org[0]
        ssotui = str(bin_dir / "ssotui")
        m = medians_ms({
            "floor": [str(bin_dir / "python"), "-c", "pass"],
            "version": [ssotui, "--version"],
            "creds": [ssotui, "creds", account.account_id, roles[0]],
            "console": [ssotui, "console", account.account_id, roles[0], "--print-url"],
        }, env)
    return {"floor_ms": m["floor"], "version_ms": m["version"], "creds_ms": m["creds"],
            "console_ms": m["console"], "console_to_floor": round(m["console"] / m["floor"], 2),
            "console_to_creds": round(m["console"] / m["creds"], 2)}


def guardrail_matching(accounts: int = 5000) -> dict[str, Any]:
    """guardrails.match over a whole org (three rules: ids, a name and an email pattern):
    the picker memoizes per account, so this is the cost of the first full draw at most."""
    from ssotui.core import guardrails

    rules, _ = guardrails.parse_rules([
        {"accounts": [f"{n:012d}" for n in range(0, 5000, 97)]},
        {"name": "^prod-|-prod$"}, {"email": r"@prod\.example\.com$"}])
    org = [(f"{n:012d}", f"{'prod' if n % 7 == 0 else 'dev'}-team-{n}",
            f"team{n}@{'prod' if n % 11 == 0 else 'dev'}.example.com") for n in range(accounts)]
    runs = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        hits = sum(guardrails.match(rules, *a) is not None for a in org)
        runs.append(time.perf_counter() - t0)
    ms = statistics.median(runs) * 1000
    return {"accounts": accounts, "production": hits, "total_ms": round(ms, 2),
            "us_per_account": round(ms * 1000 / accounts, 2)}


def render_console(r: dict[str, Any]) -> list[str]:
    p, g = r["processes"], r["guardrails"]
    return [
        "## Console sign-in and guardrails (bench/console_bench.py)", "",
        f"Last run {r['measured_at']} on {r['cpus']} CPUs, `ssotui` from a wheel installed "
        "in a scratch venv (bench/installed.py), emulator in-process with no added latency, median of "
        f"{RUNS} fresh processes each, run round-robin. Compare the ratios: the machine is shared.", "",
        "| figure | result |", "|---|---|",
        f"| floor: `python -c pass` | {p['floor_ms']} ms |",
        f"| `ssotui --version` | {p['version_ms']} ms |",
        f"| `ssotui creds ID ROLE` (GetRoleCredentials) | {p['creds_ms']} ms |",
        f"| `ssotui console ID ROLE --print-url` (+ getSigninToken) | {p['console_ms']} ms: "
        f"{p['console_to_floor']}x the floor, {p['console_to_creds']}x `creds` |",
        f"| guardrails.match, {g['accounts']:,} accounts x 3 rules ({g['production']:,} "
        f"production) | {g['total_ms']} ms ({g['us_per_account']} µs an account) |", ""]


def main() -> int:
    sys.path.insert(0, str(HERE))
    result = {"measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
              "cpus": os.cpu_count(), "python": platform.python_version(),
              "processes": processes(), "guardrails": guardrail_matching()}
    import run  # bench/run.py renders every section, this one included

    run.publish(OUT, result, render_console(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`ssotui profiles sync` at scale, the whole process, on an installed wheel.

5,000 accounts x 3 roles from a warm listing (the listing cache, `--cached`) into a
config that already holds 1,500 hand-written profiles: the first sync (15,000
profiles added, one write), then a no-op re-sync (the file must keep its mtime).
Each run is interleaved with the floor, `python -c pass` of the same interpreter,
and with botocore reading the synced file (what every `aws` command does with it),
so the ratios hold on a shared, noisy machine.

    python bench/sync_bench.py [--runs N]     # writes sync_results.json, prints its section
    (bench/run.py renders the section into RESULTS.md; `bench/run.py sync` runs it too)

Set SSOTUI_BENCH_BIN to a bin dir built by bench/installed.py to skip the build.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

ACCOUNTS, ROLES, HAND = 5000, ("Admin", "ReadOnly", "PowerUser"), 1500
START_URL = "https://d-bench.awsapps.com/start"


def hand_written_config() -> str:
    """An sso-session, a default profile and 1,500 profiles someone wrote by hand."""
    out = [f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n",
           "[default]\nregion = eu-west-1\noutput = json\n"]
    for i in range(HAND):
        out.append(f"# team {i % 17}\n[profile hand-{i:04d}]\nsso_session = corp\n"
                   f"sso_account_id = {900000000000 + i}\nsso_role_name = Dev\n"
                   "region = us-west-2\n")
    return "\n".join(out)


def fixture(home: Path) -> dict[str, str]:
    """A HOME with the config and a warm listing cache; returns the environment."""
    from ssotui.core import dircache
    from ssotui.core.models import Account, SsoSession

    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home),
           "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
           "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
           "SSOTUI_CACHE_DIR": str(home / "cache"), "XDG_CONFIG_HOME": str(home / ".config")}
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    Path(env["AWS_CONFIG_FILE"]).write_text(hand_written_config())
    accounts = [Account(f"{100000000000 + i:012d}", f"account-{i:05d}", f"a{i}@example.com")
                for i in range(ACCOUNTS)]
    saved = os.environ.get("SSOTUI_CACHE_DIR")
    os.environ["SSOTUI_CACHE_DIR"] = env["SSOTUI_CACHE_DIR"]
    try:
        dircache.save(SsoSession("corp", START_URL, "us-east-1"), accounts,
                      {a.account_id: ROLES for a in accounts})
    finally:
        if saved is None:
            os.environ.pop("SSOTUI_CACHE_DIR", None)
        else:
            os.environ["SSOTUI_CACHE_DIR"] = saved
    return env


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {cmd} failed ({proc.returncode}): {proc.stderr}")
    return elapsed


def run(runs: int) -> dict[str, object]:
    from installed import build

    tmp = Path(tempfile.mkdtemp(prefix="ssotui-sync-bench-"))
    bin_dir = build(tmp / "installed")
    python, ssotui = str(bin_dir / "python"), str(bin_dir / "ssotui")
    env = fixture(tmp / "home")
    config = Path(env["AWS_CONFIG_FILE"])
    original = config.read_bytes()
    sync = [ssotui, "profiles", "sync", "--cached", "--yes"]
    botocore_read = [python, "-c", "import sys, botocore.session as b; s = b.Session(); "
                     "s.set_config_variable('config_file', sys.argv[1]); s.full_config",
                     str(config)]
    floor, first, noop, botocore = [], [], [], []
    untouched = True
    for _ in range(runs):
        config.write_bytes(original)
        floor.append(timed([python, "-c", "pass"], env))
        first.append(timed(sync, env))
        synced = config.read_bytes()
        mtime = config.stat().st_mtime_ns
        noop.append(timed(sync, env))
        botocore.append(timed(botocore_read, env))  # what every `aws` command does with it
        untouched &= config.stat().st_mtime_ns == mtime and config.read_bytes() == synced
    profiles = synced.count(b"\n[profile ")
    f = statistics.median(floor)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(), "runs": runs, "accounts": ACCOUNTS, "roles": len(ROLES),
        "hand_written": HAND, "profiles_after": profiles, "bytes_after": len(synced),
        "floor_s": floor, "sync_s": first, "noop_s": noop, "noop_untouched": untouched,
        "botocore_read_s": botocore, "botocore_read_median_s": statistics.median(botocore),
        "floor_median_s": f, "sync_median_s": statistics.median(first),
        "noop_median_s": statistics.median(noop),
        "sync_ratio": statistics.median(first) / f, "noop_ratio": statistics.median(noop) / f,
    }


PROSE = """\
`ssotui profiles sync --cached --yes` as a user runs it (an installed wheel in a scratch
venv, bench/installed.py), the whole process from exec to exit: 5,000 accounts x 3 roles
from the warm listing cache into a config that already holds an sso-session, `[default]`
and 1,500 hand-written profiles (each with a comment). Each run restores the original
config, then times the first sync (15,000 profiles added in one atomic write, read back
once with configparser as botocore reads it) and the no-op re-sync right after it (must
leave the file untouched: bytes and mtime). Each run is interleaved with the floor
`python -c pass` and with botocore itself reading the synced file. The machine has 2 CPUs
shared with four other engineers' jobs: the absolute times drift, and the floor measures
process start only, not CPU contention, so botocore's read of the same file is the
steadier yardstick (an earlier run at load average 3.9-5.5 gave 1.24 s and 1.02 s against
botocore's 1.87 s: the same 0.54-0.55x).

Where the time goes (in-process, same fixture): the first sync is mostly configparser
reading the 115,000-line result once (the verification); the no-op is mostly parsing the
file once with ssotui's span-keeping parser. Before the fixes of issue 14 the no-op took
13.8 s: every section header went through `shlex.split` several times (now cached, with a
plain split when the header has no quotes), and one command parsed the config four times
(now the last parse of each file is reused). Turning the cyclic GC off for the command (a
million small objects, no cycles) and splitting key lines without configparser's
backtracking regex took it from ~1.4 s to ~0.9 s."""


def render_sync(r: dict[str, Any]) -> list[str]:
    """The RESULTS.md section (bench/run.py renders it from sync_results.json)."""
    def runs(key: str) -> str:
        return ", ".join(f"{x:.2f}" for x in sorted(r[key]))

    return [
        "## Profiles sync (bench/sync_bench.py, issue 14)", "", PROSE, "",
        f"Last run {r['measured_at']} on {r['cpus']} CPUs, installed wheel, {r['runs']} runs "
        "interleaved with the floor `python -c pass` (same interpreter).",
        "",
        "| figure | result | target |",
        "|---|---|---|",
        f"| sync {r['accounts']:,} accounts x {r['roles']} roles (cached listing) into a config "
        f"with {r['hand_written']:,} hand-written profiles, whole process | median "
        f"**{r['sync_median_s']:.2f} s** = {r['sync_ratio']:.1f}x the floor (runs "
        f"{runs('sync_s')}); {r['profiles_after']:,} profiles, {r['bytes_after']:,} bytes after "
        "| < 3 s |",
        f"| no-op re-sync, whole process | median **{r['noop_median_s']:.2f} s** = "
        f"{r['noop_ratio']:.1f}x the floor (runs {runs('noop_s')}); file untouched (mtime "
        f"included): **{r['noop_untouched']}** | < 1.5 s |",
        f"| floor `python -c pass` | median {r['floor_median_s'] * 1000:.0f} ms | |",
        f"| reference: botocore reading the synced file (`Session().full_config`, what every "
        f"`aws` command does) | median {r['botocore_read_median_s']:.2f} s; the no-op re-sync "
        f"is {r['noop_median_s'] / r['botocore_read_median_s']:.2f}x that | |",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    results = run(parser.parse_args().runs)
    (HERE / "sync_results.json").write_text(json.dumps(results, indent=2) + "\n")
    print("\n".join(render_sync(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

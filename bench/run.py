"""Listing benchmarks (issue 4), run by `make bench`; writes bench/RESULTS.md.

Every figure is measured against an emulator *subprocess*
(`python -m ssotui emulator --accounts N --latency-ms 200 --tps 20`), signed in
with `ssotui login --device-code` in a throwaway HOME, never the real ~/.aws.

    python bench/run.py                        # everything (~15 minutes)
    python bench/run.py --only cold,warm       # some of: cold priority warm compare faults
    python bench/run.py --fault-tps 40         # the 20x500 runs at a higher limit

Results accumulate in bench/results.json (a partial run keeps the others'
figures) and are rendered to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
START_URL = "https://d-emulator.awsapps.com/start"
REGION = "us-east-1"
SESSION = "bench"
LATENCY_MS = 200.0
TPS = 20.0
INSTALLED = Path(sys.executable).parent  # the installed build's bin dir (set by main)
# Benchmarks with a script of their own: name -> (script, results file, its renderer).
# Each writes its results file; render() adds its section when the file is there.
SCRIPTS = {
    "list": ("list_bench.py", "list_results.json", "render_list"),  # pipelines, completion
    "rate": ("rate_bench.py", "rate_results.json", "render_rate"),  # issue 15
    "console": ("console_bench.py", "console_results.json", "render_console"),  # issue 13
    "creds": ("creds_bench.py", "creds_results.json", "render"),  # issue 12
    "sync": ("sync_bench.py", "sync_results.json", "render_sync"),  # issue 14
    "instructions": ("start_instructions.py", "start_results.json", "render"),  # issue 11
}
ALL = ["cold", "priority", "warm", "compare", "faults", "adaptive", "tui", *SCRIPTS]


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# ---- environment: emulator subprocess and a signed-in throwaway HOME ------------------

@contextmanager
def emulator(accounts: int, tps: float = TPS, fault_rate: float = 0.0) -> Iterator[str]:
    cmd = [sys.executable, "-m", "ssotui", "emulator", "--accounts", str(accounts),
           "--latency-ms", str(LATENCY_MS), "--tps", str(tps), "--fault-rate", str(fault_rate)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"emulator did not start: {url!r}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Home:
    """A throwaway HOME with an [sso-session bench] block, signed in to `url`."""

    def __init__(self, root: Path, url: str) -> None:
        self.root = root
        self.url = url
        (root / ".aws").mkdir(parents=True, exist_ok=True)
        (root / ".aws" / "config").write_text(
            f"[sso-session {SESSION}]\nsso_start_url = {START_URL}\nsso_region = {REGION}\n"
            "sso_registration_scopes = sso:account:access\n"
        )
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(root),
            "AWS_CONFIG_FILE": str(root / ".aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(root / ".aws" / "credentials"),
            "AWS_ENDPOINT_URL_SSO": url,
            "AWS_ENDPOINT_URL_SSO_OIDC": url,
            "SSOTUI_CACHE_DIR": str(root / "cache"),
            "XDG_CONFIG_HOME": str(root / ".config"),
        }

    def login(self) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "ssotui", "login", "--sso-session", SESSION,
             "--device-code", "--no-browser"],
            env=self.env, capture_output=True, text=True, timeout=120, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"login failed: {proc.stderr}")
        cache = self.root / ".aws" / "sso" / "cache"
        by_session = cache / (hashlib.sha1(SESSION.encode()).hexdigest() + ".json")
        # aws-sso-util (botocore's legacy token cache) looks under sha1(start URL).
        shutil.copy(by_session, cache / (hashlib.sha1(START_URL.encode()).hexdigest() + ".json"))

    @contextmanager
    def in_process(self) -> Iterator[Any]:
        """This process's environment pointed at the HOME; yields (session, clients, token)."""
        saved = dict(os.environ)
        os.environ.update(self.env)
        try:
            from ssotui.core import tokens
            from ssotui.core.clients import make_clients
            from ssotui.core.models import SsoSession

            session = SsoSession(SESSION, START_URL, REGION, ("sso:account:access",))
            clients = make_clients(session)
            token = tokens.ensure_token(session, clients).access_token
            yield session, clients, token
        finally:
            os.environ.clear()
            os.environ.update(saved)


def ground_truth(accounts: int) -> dict[str, tuple[str, ...]]:
    from ssotui.emulator import generate_org  # same (accounts, 3 roles, seed 0) as the CLI

    return {a.account_id: tuple(sorted(r)) for a, r in generate_org(accounts, 3, 0)}


def bound(n: int) -> float:
    """The service bound: N ListAccountRoles + N/100 ListAccounts at 20 requests/s."""
    return (n + n / 100) / TPS


def timed_listing(sso: Any, token: str, session: Any = None,
                  on_event: Any = None) -> tuple[Any, float, float | None]:
    from ssotui.core import directory as d

    t0 = time.monotonic()
    first: list[float] = []

    def handler(event: Any) -> None:
        if isinstance(event, d.AccountsPage) and event.accounts and not first:
            first.append(time.monotonic() - t0)
        if on_event is not None:
            on_event(event)

    final = d.load_all(sso, lambda: token, session=session, on_event=handler)
    return final, time.monotonic() - t0, first[0] if first else None


# ---- the benchmarks ----------------------------------------------------------------

def bench_cold(tmp: Path, n: int = 1000) -> dict[str, Any]:
    log(f"cold listing of {n} accounts (bound {bound(n):.1f} s)")
    with emulator(n) as url:
        home = Home(tmp / "cold", url)
        home.login()
        with home.in_process() as (session, clients, token):
            final, elapsed, first = timed_listing(clients.listing, token)
    truth = ground_truth(n)
    return {
        "accounts": n, "elapsed_s": round(elapsed, 2), "bound_s": bound(n),
        "ratio": round(elapsed / bound(n), 3), "first_accounts_s": round(first or -1, 3),
        "failed": len(final.failed), "matches_ground_truth": final.roles == truth,
        "requests": final.requests, "throttled": final.throttled,
    }


def bench_priority(tmp: Path, n: int = 5000, every: float = 4.0) -> dict[str, Any]:
    from ssotui.core import directory as d

    log(f"priority requests during a cold listing of {n} accounts (~{bound(n):.0f} s)")
    truth_ids = list(ground_truth(n))
    known: list[str] = []
    loaded: set[str] = set()
    asked: dict[str, float] = {}
    answered: dict[str, float] = {}
    lock = threading.Lock()

    def on_event(event: Any) -> None:
        with lock:
            if isinstance(event, d.AccountsPage):
                known.extend(a.account_id for a in event.accounts)
            elif isinstance(event, d.RolesLoaded):
                loaded.add(event.account_id)
                if event.prioritized and event.account_id in asked:
                    answered.setdefault(event.account_id, time.monotonic())

    samples: list[dict[str, Any]] = []
    with emulator(n) as url:
        home = Home(tmp / "priority", url)
        home.login()
        with home.in_process() as (session, clients, token):
            loader = d.DirectoryLoader(clients.listing, lambda: token, on_event, session=session)
            t0 = time.monotonic()
            loader.start(refresh=True)
            kind = 0
            while loader.wait(every) is None:
                with lock:
                    listed = set(known)
                    queued = [i for i in known if i not in loaded and i not in asked]
                    unlisted = [i for i in truth_ids if i not in listed and i not in asked]
                # alternate: deepest queued account, then one not even listed yet
                pick = (unlisted[-1] if kind % 2 and unlisted else queued[-1] if queued else None)
                kind += 1
                if pick is None:
                    continue
                with lock:
                    asked[pick] = time.monotonic()
                loader.prioritize(pick)
                samples.append({"account": pick, "listed": pick in listed,
                                "at_s": round(asked[pick] - t0, 1)})
            final = loader.wait()
            loader.close()
    elapsed = time.monotonic() - t0
    for s in samples:
        done = answered.get(s["account"])
        s["latency_ms"] = round((done - asked[s["account"]]) * 1000) if done else None
    lat = [s["latency_ms"] for s in samples if s["latency_ms"] is not None]
    assert final is not None
    return {
        "accounts": n, "elapsed_s": round(elapsed, 1), "bound_s": bound(n),
        "ratio": round(elapsed / bound(n), 3), "failed": len(final.failed),
        "matches_ground_truth": final.roles == ground_truth(n),
        "samples": samples, "median_ms": statistics.median(lat) if lat else None,
        "max_ms": max(lat) if lat else None, "answered": len(lat),
        "round_trip_ms": LATENCY_MS, "home": str(home.root),
    }


def bench_warm(tmp: Path, n: int = 5000, runs: int = 5) -> dict[str, Any]:
    """`ssotui list` with a cache present: time from spawn until stdout is complete."""
    log(f"warm start of {n} accounts ({runs} runs each, table and --json)")
    from ssotui.core import dircache
    from ssotui.core.models import SsoSession

    out: dict[str, Any] = {"accounts": n}
    with emulator(n) as url:
        home = Home(tmp / "warm", url)
        home.login()
        session = SsoSession(SESSION, START_URL, REGION)
        os.environ["SSOTUI_CACHE_DIR"] = home.env["SSOTUI_CACHE_DIR"]
        from ssotui.emulator import generate_org

        org = generate_org(n, 3, 0)
        dircache.save(session, [a for a, _ in org], {a.account_id: tuple(sorted(r)) for a, r in org})
        del os.environ["SSOTUI_CACHE_DIR"]
        for args in (["list"], ["list", "--json"]):
            times = []
            lines = 0
            for _ in range(runs):
                t0 = time.monotonic()
                proc = subprocess.Popen([str(INSTALLED / "ssotui"), *args], env=home.env,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                assert proc.stdout is not None
                data = proc.stdout.read()  # EOF: the listing is printed and stdout released
                times.append(time.monotonic() - t0)
                lines = data.count(b"\n")
                proc.terminate()  # the background revalidation is not what we time here
                proc.wait()
            key = "json" if "--json" in args else "table"
            out[key] = {"median_s": round(statistics.median(times), 3),
                        "max_s": round(max(times), 3), "lines": lines}
    base = []
    for _ in range(3):
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        base.append(time.monotonic() - t0)
    out["python_startup_s"] = round(statistics.median(base), 3)
    return out


def bench_compare(tmp: Path, n: int = 200) -> dict[str, Any]:
    log(f"aws-sso-util roles vs ssotui list on {n} accounts")
    tool = shutil.which("aws-sso-util") or str(Path(sys.executable).parent / "aws-sso-util")
    truth = ground_truth(n)
    rows = sum(len(r) for r in truth.values())
    with emulator(n) as url:
        home = Home(tmp / "compare", url)
        home.login()
        env = dict(home.env, AWS_DEFAULT_SSO_START_URL=START_URL, AWS_DEFAULT_SSO_REGION=REGION)
        t0 = time.monotonic()
        other = subprocess.run([tool, "roles", "--no-header", "--separator", "\t"], env=env,
                               capture_output=True, text=True, timeout=900, check=False)
        other_s = time.monotonic() - t0
        time.sleep(2)  # let the emulator's token bucket refill between the two
        t0 = time.monotonic()
        ours = subprocess.run([sys.executable, "-m", "ssotui", "list", "--json", "--refresh"],
                              env=home.env, capture_output=True, text=True, timeout=900,
                              check=False)
        ours_s = time.monotonic() - t0
    theirs: dict[str, list[str]] = {}
    for line in other.stdout.splitlines():  # name, id, role (tab-separated)
        _, acct_id, role = line.split("\t")
        theirs.setdefault(acct_id, []).append(role)
    other_ok = {k: tuple(sorted(v)) for k, v in theirs.items()} == {
        k: v for k, v in truth.items() if v}  # accounts without roles print no row
    ours_rows = json.loads(ours.stdout) if ours.returncode == 0 else []
    ours_ok = {r["accountId"]: tuple(r["roles"]) for r in ours_rows} == truth
    return {
        "accounts": n, "role_rows": rows,
        "aws_sso_util": {"seconds": round(other_s, 2), "exit": other.returncode,
                         "rows": len(other.stdout.splitlines()),
                         "matches_ground_truth": other_ok,
                         "stderr_tail": other.stderr.strip().splitlines()[-1:]},
        "ssotui": {"seconds": round(ours_s, 2), "exit": ours.returncode,
                   "matches_ground_truth": ours_ok},
        "ratio": round(other_s / ours_s, 2) if ours_s else None,
    }


def bench_faults(tmp: Path, n: int = 500, runs: int = 20, tps: float = TPS,
                 fault_rate: float = 0.05) -> dict[str, Any]:
    log(f"{runs} listings of {n} accounts, fault rate {fault_rate}, tps {tps}")
    truth = ground_truth(n)
    results = []
    with emulator(n, tps=tps, fault_rate=fault_rate) as url:
        home = Home(tmp / "faults", url)
        home.login()
        with home.in_process() as (session, clients, token):
            for i in range(runs):
                from ssotui.core import directory as d

                t0 = time.monotonic()
                final = d.load_all(clients.listing, lambda: token, rate=tps)
                elapsed = time.monotonic() - t0
                ok = final.roles == truth and not final.failed and not final.error
                results.append({"run": i + 1, "elapsed_s": round(elapsed, 1), "match": ok,
                                "failed": len(final.failed), "requests": final.requests,
                                "throttled": final.throttled})
                log(f"  run {i + 1}: {elapsed:.1f} s, match={ok}, 429s={final.throttled}")
    return {"accounts": n, "runs": runs, "tps": tps, "fault_rate": fault_rate,
            "all_match": all(r["match"] for r in results), "results": results}


def bench_adaptive(tmp: Path, n: int = 500, threads: int = 8) -> dict[str, Any]:
    """The botocore-only alternative: adaptive retry mode + a thread pool, no own pacer."""
    from concurrent.futures import ThreadPoolExecutor

    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    from ssotui.core import directory as d

    log(f"botocore adaptive retry mode, {threads} threads, {n} accounts")
    with emulator(n) as url:
        home = Home(tmp / "adaptive", url)
        home.login()
        with home.in_process() as (session, clients, token):
            cfg = Config(signature_version=UNSIGNED, max_pool_connections=threads + 4,
                         retries={"mode": "adaptive", "max_attempts": 10})
            sso = boto3.session.Session().client("sso", region_name=REGION, config=cfg)
            t0 = time.monotonic()
            accounts = d.list_accounts(sso, token)
            failed = 0

            def roles(acct_id: str) -> tuple[str, ...] | None:
                try:
                    return tuple(d.list_roles(sso, token, acct_id))
                except Exception:  # noqa: BLE001 - counted as a failed account
                    return None

            with ThreadPoolExecutor(threads) as pool:
                got = dict(zip([a.account_id for a in accounts],
                               pool.map(roles, [a.account_id for a in accounts]), strict=True))
            elapsed = time.monotonic() - t0
            failed = sum(1 for v in got.values() if v is None)
    return {"accounts": n, "threads": threads, "elapsed_s": round(elapsed, 1),
            "bound_s": bound(n), "ratio": round(elapsed / bound(n), 3), "failed": failed,
            "matches_ground_truth": got == ground_truth(n)}


# ---- report ----------------------------------------------------------------------------

def render(res: dict[str, Any]) -> str:
    env = res.get("environment", {})
    out = ["# Benchmarks", "",
           f"Run {env.get('date', '?')} on {env.get('machine', '?')} "
           f"({env.get('cpus', '?')} CPUs shared with other work), Python {env.get('python', '?')}, "
           f"botocore {env.get('botocore', '?')}. Emulator subprocess: "
           f"`--latency-ms {LATENCY_MS:.0f} --tps {TPS:.0f}` (latency is uniform 0.8-1.2x). "
           "Regenerate with `make bench`.", ""]
    c = res.get("cold")
    if c:
        out += ["## Cold listing, 1,000 accounts", "",
                "| elapsed | bound (N+N/100)/20 | ratio (target <= 1.15) | first accounts visible | failed | matches ground truth | requests | 429s |",
                "|---|---|---|---|---|---|---|---|",
                f"| {c['elapsed_s']} s | {c['bound_s']:.1f} s | **{c['ratio']}** | {c['first_accounts_s']} s | "
                f"{c['failed']} | {c['matches_ground_truth']} | {c['requests']} | {c['throttled']} |", ""]
    p = res.get("priority")
    if p:
        rt = p["round_trip_ms"]
        out += ["## Priority requests during a cold listing of 5,000 accounts", "",
                f"Every 4 s one account's roles were requested with `prioritize()`: alternately the "
                f"account deepest in the background queue and one not yet listed at all. "
                f"Round trip = {rt:.0f} ms emulated latency.", "",
                f"- answered: {p['answered']}/{len(p['samples'])}; median **{p['median_ms']} ms** "
                f"({(p['median_ms'] or 0) / rt:.2f} round trips), max **{p['max_ms']} ms** "
                f"({(p['max_ms'] or 0) / rt:.2f} round trips)",
                f"- the 5,000-account listing itself: {p['elapsed_s']} s vs bound {p['bound_s']:.1f} s "
                f"(ratio {p['ratio']}), failed {p['failed']}, matches ground truth {p['matches_ground_truth']}",
                "", "| at | account | listed yet | latency |", "|---|---|---|---|"]
        out += [f"| {s['at_s']} s | {s['account']} | {s['listed']} | {s['latency_ms']} ms |"
                for s in p["samples"][:12]]
        if len(p["samples"]) > 12:
            out.append(f"| ... | {len(p['samples']) - 12} more in results.json | | |")
        out.append("")
    w = res.get("warm")
    if w:
        out += ["## Warm start, 5,000 accounts (`ssotui list` subprocess, cache present)", "",
                "Time from spawning the process until its stdout is complete (EOF); the "
                "background revalidation that follows is not timed. Target < 0.5 s.", "",
                "| output | median | max | lines |", "|---|---|---|---|",
                f"| table | **{w['table']['median_s']} s** | {w['table']['max_s']} s | {w['table']['lines']} |",
                f"| --json | **{w['json']['median_s']} s** | {w['json']['max_s']} s | {w['json']['lines']} |",
                "", f"(`python -c pass` alone: {w['python_startup_s']} s.)", ""]
    cmp_ = res.get("compare")
    if cmp_:
        a, s = cmp_["aws_sso_util"], cmp_["ssotui"]
        out += ["## Side by side: `aws-sso-util roles` vs `ssotui list --refresh`, 200 accounts", "",
                "Same emulator, same org, both cold (aws-sso-util has no cache), both as "
                "subprocesses including start-up.", "",
                "| tool | seconds | exit | output |", "|---|---|---|---|",
                f"| aws-sso-util roles | {a['seconds']} | {a['exit']} | {a['rows']} role rows (expected {cmp_['role_rows']}), matches ground truth: {a.get('matches_ground_truth')} |",
                f"| ssotui list --json --refresh | {s['seconds']} | {s['exit']} | matches ground truth: {s['matches_ground_truth']} |",
                "", f"**ssotui is {cmp_['ratio']}x faster.** aws-sso-util lists accounts and then "
                "each account's roles one request at a time, so it is bound by latency "
                "(~N round trips), while ssotui keeps ~4-8 requests in flight at the rate limit.", ""]
    ad = res.get("adaptive")
    if ad:
        out += ["## Why not botocore alone: adaptive retry mode", "",
                f"The same {ad['accounts']}-account cold listing with botocore's "
                f"`retries={{'mode': 'adaptive', 'max_attempts': 10}}` and {ad['threads']} threads "
                "(no ssotui pacer): its client-side rate limiter learns the limit only from "
                "throttles, each thread waits on it in turn, and nothing can jump its queue.", "",
                "| elapsed | bound | ratio | failed | matches ground truth |", "|---|---|---|---|---|",
                f"| {ad['elapsed_s']} s | {ad['bound_s']:.2f} s | {ad['ratio']} | {ad['failed']} | "
                f"{ad['matches_ground_truth']} |", ""]
    f = res.get("faults")
    if f:
        out += [f"## Reliability: {f['runs']} consecutive listings of {f['accounts']} accounts, "
                f"--fault-rate {f['fault_rate']} and --tps {f['tps']:.0f}", "",
                f"All match the emulator's ground truth exactly: **{f['all_match']}**", "",
                "| run | elapsed | match | failed | requests | 429s |", "|---|---|---|---|---|---|"]
        out += [f"| {r['run']} | {r['elapsed_s']} s | {r['match']} | {r['failed']} | {r['requests']} | {r['throttled']} |"
                for r in f["results"]]
        out.append("")
    tui_path = HERE / "tui_results.json"
    if tui_path.exists():
        out += render_tui(json.loads(tui_path.read_text()))
    for script, results, renderer in SCRIPTS.values():
        path = HERE / results
        if path.exists():
            module = importlib.import_module(script.removesuffix(".py"))
            out += getattr(module, renderer)(json.loads(path.read_text()))
    return "\n".join(out)


def rerender() -> None:
    """RESULTS.md again, from every results file (for the scripts that add a section)."""
    RESULTS_MD.write_text(render(json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists()
                                 else {}))


def publish(path: Path, result: dict[str, Any], section: list[str]) -> None:
    """A script's results: its JSON file, its section printed, RESULTS.md again."""
    path.write_text(json.dumps(result, indent=2) + "\n")
    print("\n".join(section))
    rerender()


def render_tui(t: dict[str, Any]) -> list[str]:
    """The TUI section, from bench/tui_bench.py's tui_results.json."""
    out = ["## TUI (bench/tui_bench.py, a real pty read with pyte)", "",
           f"Last run {t.get('measured_at', '?')} on {t.get('cpus', '?')} CPUs. Times end when "
           "the bytes completing the screen arrive from the pty; pyte's own parsing "
           "(pure Python, 10-50 ms a frame) is shown apart. Start-up figures run an installed "
           "wheel in a scratch venv (bench/installed.py). The machine is shared with other "
           "jobs: absolute times drift, so compare the ratios, measured in the same minutes. "
           "A whole query in one read is timed until the screen shows what typing it "
           "key by key showed.", "",
           "| figure | result | target |", "|---|---|---|"]
    w = t.get("warm_start_1000")
    if w and "ratio_to_floor" not in w:  # an older run: no minimal app, the editable install
        w = None
    if w:
        runs = ", ".join(f"{x:.2f}" for x in sorted(w["runs_s"]))
        out.append(f"| warm start, 1,000 cached accounts, process start to list on screen, "
                   f"installed wheel ({len(w['runs_s'])} runs interleaved, "
                   f"{w.get('measured_at', '?')}) | **{w['ratio_to_floor']:.2f}x the floor**: "
                   f"median {w['median_s']:.2f} s (with pyte {w['median_with_pyte_s']:.2f} s; "
                   f"sorted runs {runs}); floor `python -c \"import textual.app\"` median "
                   f"{w['import_textual_median_s']:.2f} s; minimal Textual app "
                   f"(bench/minimal_app.py, 1,000-row OptionList) median "
                   f"{w['minimal_app_median_s']:.2f} s = **{w['minimal_ratio_to_floor']:.2f}x**"
                   + (f"; ssotui minus the minimal app, run by run: median "
                      f"**{w['gap_to_minimal_ms']:+.0f} ms**" if "gap_to_minimal_ms" in w else "")
                   + " | <= 1.2x the floor |")
    for mode, f in t.get("filter_5000", {}).items():
        net = ("the refresh gets no answer" if mode == "idle" else
               "refresh unthrottled, no latency" if mode == "stress" else
               f"refresh against {f.get('latency_ms', 0):.0f} ms latency, "
               f"{f.get('tps', 0):.0f} req/s")
        lost = f.get("bursts_with_keys_lost", 0)
        shown = ", ".join(f"{x:.0f} ms" for x in f.get("burst_ms", []))
        burst = (f"; the whole query in one read: {shown or 'never shown'}"
                 + (f" (**keys lost in {lost} of {lost + len(f['burst_ms'])} runs**)"
                    if lost else "")
                 + "; "
                 f"all together median **{f['all_median_ms']:.0f} ms**, p90 "
                 f"**{f['all_p90_ms']:.0f} ms**" if "burst_ms" in f else "")
        out.append(f"| filter keystroke to updated screen, 5,000 accounts x 3 roles, {mode} "
                   f"({net}; {f.get('measured_at', '?')}) | keys one by one: median "
                   f"**{f['median_ms']:.0f} ms**, p90 {f['p90_ms']:.0f} ms "
                   f"({len(f['keystrokes_ms'])} keystrokes; with pyte "
                   f"{f['median_with_pyte_ms']:.0f} ms){burst} | median < 30 ms, p90 < 60 ms |")
    hist = t.get("warm_start_history", [])
    if len(hist) > 1:
        runs = "; ".join(f"{h['measured_at'][11:16]} UTC: {h['median_s']:.2f} s "
                         f"(Textual alone {h['import_textual_median_s']:.2f} s"
                         + (f", ratio {h['ratio_to_floor']:.2f}x" if "ratio_to_floor" in h else "")
                         + (f", minimal app {h['minimal_ratio_to_floor']:.2f}x, gap to it "
                            f"{h['gap_to_minimal_ms']:+.0f} ms" if "gap_to_minimal_ms" in h else "")
                         + ")" for h in hist)
        out.append(f"| warm start medians of the last {len(hist)} bench runs | {runs} | "
                   "<= 1.2x the floor |")
    rss = [f["rss_mb"] for f in t.get("filter_5000", {}).values()]
    if rss:
        out.append(f"| RSS with 5,000 accounts listed (largest of the modes) | "
                   f"**{max(rss):.0f} MB** | < 150 MB |")
    out.append("")
    return out


def bench_tui() -> None:
    """The TUI figures come from their own script, which writes tui_results.json."""
    subprocess.run([sys.executable, str(HERE / "tui_bench.py")], check=True,
                   env={**os.environ, "SSOTUI_BENCH_BIN": str(INSTALLED)})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(ALL), help="comma-separated: " + " ".join(ALL))
    ap.add_argument("--fault-tps", type=float, default=TPS, help="--tps for the 20x500 runs")
    ap.add_argument("--fault-runs", type=int, default=20)
    args = ap.parse_args()
    only = [x for x in args.only.split(",") if x]
    res: dict[str, Any] = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    import botocore

    res["environment"] = {
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "machine": platform.machine(),
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "botocore": botocore.__version__,
    }
    global INSTALLED
    with tempfile.TemporaryDirectory(prefix="ssotui-bench-") as tmp_name:
        tmp = Path(tmp_name)
        from installed import build

        INSTALLED = build(tmp / "installed")  # timed starts run the wheel, as users do
        for name in only:
            if name == "cold":
                res["cold"] = bench_cold(tmp)
            elif name == "priority":
                res["priority"] = bench_priority(tmp)
                res["priority"].pop("home", None)
            elif name == "warm":
                res["warm"] = bench_warm(tmp)
            elif name == "compare":
                res["compare"] = bench_compare(tmp)
            elif name == "adaptive":
                res["adaptive"] = bench_adaptive(tmp)
            elif name == "tui":
                bench_tui()
            elif name in SCRIPTS:  # its own script and results file, the same wheel
                head = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                                      capture_output=True, text=True, check=False).stdout
                subprocess.run([sys.executable, str(HERE / SCRIPTS[name][0])], check=True,
                               env={**os.environ, "SSOTUI_BENCH_BIN": str(INSTALLED),
                                    "SSOTUI_BENCH_COMMIT": head.strip()})
            elif name == "faults":
                res["faults"] = bench_faults(tmp, runs=args.fault_runs, tps=args.fault_tps)
            else:
                raise SystemExit(f"unknown benchmark {name!r}")
            RESULTS_JSON.write_text(json.dumps(res, indent=2) + "\n")
            RESULTS_MD.write_text(render(res))
            log(f"{name}: done")
    print(RESULTS_MD.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())

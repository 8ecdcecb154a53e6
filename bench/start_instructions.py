"""Instructions to the first frame: the warm start of bench/tui_bench.py (1,000 cached
accounts, installed wheel, a real pty) under valgrind's callgrind, for ssotui and for
bench/minimal_app.py.

Wall time on this shared machine drifts by 1.5x within minutes; the instruction count
of the same start varies by ~0.3%, so it can tell a 1% change apart (the A/B runs
that wall time needs take 30+ rounds and still mislead). It counts work only: time
spent waiting (a thread hand-off, a timer) does not show, which is why the wall-time
figures stay the target. Under valgrind a start takes ~13 s.

    python bench/start_instructions.py   # writes bench/start_results.json, RESULTS.md

Needs valgrind (`make bench` installs it). Set SSOTUI_BENCH_BIN to an installed
build's bin dir to skip building one.
"""

from __future__ import annotations

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "start_results.json"
RUNS = 3


# Loaded through PYTHONPATH into the program under valgrind: it exits the moment
# Textual hands its writer thread a frame holding every string of SSOTUI_FIRST_FRAME,
# so the count ends at the first frame exactly (a dump requested from outside lands
# 10-70 M instructions later, wherever the program has got to).
_EXIT_AT_FIRST_FRAME = """
import importlib.util, os, sys

class _Finder:
    def find_spec(self, name, path=None, target=None):
        if name != "textual.drivers._writer_thread":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            write = module.WriterThread.write
            shown = os.environ["SSOTUI_FIRST_FRAME"].split("|")
            seen = []

            def first_frame_exit(self, text):
                write(self, text)
                seen.append(text)
                if all(s in "".join(seen) for s in shown):
                    os._exit(0)

            module.WriterThread.write = first_frame_exit

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, _Finder())
"""


def _instructions(argv: list[str], env: dict[str, str], shown: list[str], out: Path) -> int:
    """Instructions the process ran until it had drawn every string of `shown`."""
    import tui_bench as tb

    hook = out.parent / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(_EXIT_AT_FIRST_FRAME)
    env = {**env, "PYTHONPATH": str(hook), "SSOTUI_FIRST_FRAME": "|".join(shown)}
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", tb.ROWS, tb.COLS, 0, 0))
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                             "--dump-instr=no", *argv], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    seen, deadline = b"", time.monotonic() + 300
    try:
        while proc.poll() is None:  # drained, so the program never blocks on the pty
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: no first frame under valgrind: {seen[-500:]!r}")
            if select.select([master], [], [], 0.1)[0]:
                try:
                    seen += os.read(master, 1 << 16)
                except OSError:
                    break
        proc.wait(60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    for line in out.read_text(errors="replace").splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise SystemExit(f"bench: callgrind wrote no totals for {argv[0]}")


def bench(bin_dir: Path) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import tui_bench as tb

    tb.BIN = bin_dir
    org = tb.Org(1000)
    scratch = Path(tempfile.mkdtemp(prefix="ssotui-callgrind-"))
    try:
        names = sorted(a.account_name for a, _ in org.emu.org)
        names_file = org.tmp / "names.json"
        names_file.write_text(json.dumps(names))
        ssotui = [str(bin_dir / "ssotui"), "--sso-session", tb.SESSION]
        minimal = [str(bin_dir / "python"), str(HERE / "minimal_app.py"), str(names_file)]
        counts: dict[str, list[int]] = {"ssotui": [], "minimal": []}
        for i in range(RUNS):  # interleaved, as the wall-time figures are
            counts["ssotui"].append(_instructions(ssotui, org.env, [names[0], "Accounts"],
                                                  scratch / f"s{i}"))
            counts["minimal"].append(_instructions(minimal, org.env, [names[0]],
                                                   scratch / f"m{i}"))
    finally:
        org.close()
        shutil.rmtree(scratch, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in counts.items()}
    return {"date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "runs": counts,
            "median": med, "ssotui_to_minimal": round(med["ssotui"] / med["minimal"], 3),
            "spread": {k: round((max(v) - min(v)) / statistics.median(v), 4)
                       for k, v in counts.items()}}


def render(r: dict[str, Any]) -> list[str]:
    """The RESULTS.md section (bench/run.py includes it)."""
    m = r["median"]
    return [
        "## Instructions to the first frame (bench/start_instructions.py, callgrind)", "",
        f"Run {r['date']}, the warm start above (1,000 cached accounts, installed wheel, a pty) "
        f"under valgrind, {len(r['runs']['ssotui'])} runs of each interleaved; the count ends "
        "when Textual hands its writer the first frame holding the rows. Steady where wall "
        f"time drifts (spread between runs: ssotui {r['spread']['ssotui']:.1%}, minimal app "
        f"{r['spread']['minimal']:.1%}), so it shows a 1% change; time spent waiting does "
        "not count.", "",
        "| program | instructions (median) |", "|---|---|",
        f"| ssotui | **{m['ssotui'] / 1e9:.3f} G** |",
        f"| minimal Textual app (bench/minimal_app.py) | {m['minimal'] / 1e9:.3f} G |", "",
        f"- ssotui / minimal app: **{r['ssotui_to_minimal']}**"] + ([
        "- earlier runs: " + "; ".join(
            (f"{h['date'][11:16]} UTC, " if len(h["date"]) > 10 else "")
            + f"{h['commit']}: {h['ssotui'] / 1e9:.3f} G "
            f"({h['ssotui_to_minimal']}x)" for h in r["history"][:-1])]
        if len(r.get("history", [])) > 1 else []) + [""]


def main() -> int:
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("bench: valgrind is not installed (apt-get install valgrind)")
    sys.path.insert(0, str(HERE))
    from installed import build

    with tempfile.TemporaryDirectory(prefix="ssotui-installed-") as tmp:
        res = bench(build(Path(tmp)))
    # the last runs side by side: the build they measured, and the count
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    commit = os.environ.get("SSOTUI_BENCH_COMMIT") or (  # set by bench/run.py
        "prebuilt" if os.environ.get("SSOTUI_BENCH_BIN") else subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
            text=True, check=False).stdout.strip())
    res["history"] = [*old.get("history", []), {
        "date": res["date"], "commit": commit, "ssotui": res["median"]["ssotui"],
        "ssotui_to_minimal": res["ssotui_to_minimal"]}][-8:]
    import run  # bench/run.py renders every section, this one included

    run.publish(RESULTS, res, render(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

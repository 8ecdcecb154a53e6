"""SIGKILL during large syncs: the config is always one whole version, never a mix.

A helper process forks writers that sync again and again, alternating between two
cached orgs (the second lost 200 accounts; `--prune` removes their profiles), and
kills each one at a random moment. The disk is made slow in the writers (each
write(2) moves at most 16 KiB and takes 5 ms), so a kill often lands while the new
file is being written. After every kill the file must start with the hand-written
config it began as, parse, and hold exactly the profiles of org A or of org B (or
none, before the first sync finished), each complete."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

KILL_LOOP = """
import json, os, random, signal, sys, time
from ssotui.core import awsconfig, dircache, inifile
from ssotui.core.models import Account, SsoSession
from ssotui.cli import main

config, rounds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
session = SsoSession("corp", "https://d-kill.awsapps.com/start", "us-east-1")
ROLES = ("Admin", "ReadOnly", "PowerUser")
org_a = [Account(f"{100000000000 + i:012d}", f"acct-{i:04d}") for i in range(600)]
org_b = org_a[200:]


def holders(org):
    return {f"{a.account_id}/{r}" for a in org for r in ROLES}


def save(org):
    dircache.save(session, org, {a.account_id: ROLES for a in org})


def writer(k):
    real_write = os.write

    def slow_write(fd, data):  # a slow disk: the kill has time to land mid-write
        time.sleep(0.005)
        return real_write(fd, bytes(data[:16384]))

    os.write = slow_write
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        while True:
            save(org_a if k % 2 == 0 else org_b)
            main(["profiles", "sync", "--cached", "--yes", "--prune"])
            k += 1
    finally:
        os._exit(0)


original = open(config, encoding="utf-8", newline="").read()
save(org_a)
main(["profiles", "sync", "--cached", "--yes", "--prune", "--dry-run"])  # warm the imports
rng = random.Random(seed)
report = {"rounds": 0, "partial": [], "states": []}
expected = {"A": holders(org_a), "B": holders(org_b), "none": set()}
for r in range(rounds):
    pid = os.fork()
    if pid == 0:
        writer(r)  # odd rounds start with org B: each finished sync changes the file
    time.sleep(rng.uniform(0.05, 1.2))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    text = open(config, encoding="utf-8", newline="").read()
    state = "partial"
    try:
        doc = inifile.parse(text, config)
        inifile.read_back(text)
        managed, complete = set(), True
        for s in doc.sections:
            body = text[s.start:s.end]
            if "# ssotui: managed " in body:
                managed.add(body.split("# ssotui: managed ", 1)[1].split(" ", 1)[0])
                complete &= all(k in s.values for k in ("sso_session", "sso_account_id",
                                                        "sso_role_name", "region"))
        if text.startswith(original) and complete:
            state = next((n for n, h in expected.items() if h == managed), "partial")
    except Exception:
        pass
    if state == "partial":
        report["partial"].append(r)
    report["states"].append(state)
    report["rounds"] += 1
print(json.dumps(report))
"""


def _hand_written() -> str:
    head = "[sso-session corp]\nsso_start_url = https://d-kill.awsapps.com/start\nsso_region = us-east-1\n"
    return head + "".join(f"\n# mine\n[profile hand-{i}]\nregion = eu-west-{i % 3 + 1}\noutput = json\n"
                          for i in range(500))


@pytest.mark.slow
def test_sigkill_during_syncs_leaves_one_whole_version(tmp_path: Path, isolated_home: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from interop import child_env

    config = isolated_home / ".aws" / "config"
    config.write_text(_hand_written())
    env = child_env({"HOME": str(isolated_home), "AWS_CONFIG_FILE": str(config),
                     "AWS_SHARED_CREDENTIALS_FILE": str(isolated_home / ".aws" / "credentials"),
                     "SSOTUI_CACHE_DIR": str(isolated_home / "cache"),
                     "XDG_CONFIG_HOME": str(isolated_home / ".config")})
    proc = subprocess.run([sys.executable, "-c", KILL_LOOP, str(config), "40", "14"], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["rounds"] == 40
    assert report["partial"] == [], report["states"]
    assert {"A", "B"} <= set(report["states"]), report["states"]  # killed while making progress
    # the next sync that writes (to a third org) removes what the killed writers left
    from ssotui.core import dircache
    from ssotui.core.models import Account, SsoSession

    monkeypatch.setenv("SSOTUI_CACHE_DIR", env["SSOTUI_CACHE_DIR"])
    dircache.save(SsoSession("corp", "https://d-kill.awsapps.com/start", "us-east-1"),
                  [Account("100000000000", "acct-0000")], {"100000000000": ("Admin",)})
    done = subprocess.run([sys.executable, "-m", "ssotui", "profiles", "sync", "--cached", "--yes",
                           "--prune"], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "wrote " in done.stderr
    assert list(config.parent.glob(".config.*.tmp")) == []

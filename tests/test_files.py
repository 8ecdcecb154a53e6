"""files: atomic, locked, symlink-following, mode-keeping writes — including when
the disk fills up, two processes write at once, or the writer is SIGKILLed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ssotui.core import awsconfig, files
from ssotui.core.errors import UsageError

BASE = "[default]\nregion = us-east-1\n"


def _values(i: int) -> dict[str, str]:
    return {"sso_session": "corp", "sso_account_id": f"{100000000000 + i}",
            "sso_role_name": "ReadOnly", "region": "us-east-1"}


def test_new_file_is_0600_and_parent_created(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "file"
    files.atomic_write(target, "x")
    assert target.read_text() == "x" and target.stat().st_mode & 0o777 == 0o600


def test_existing_mode_kept_and_private_drops_group_bits(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    target.chmod(0o644)
    files.atomic_write(target, "new")
    assert target.stat().st_mode & 0o777 == 0o644
    files.atomic_write(target, "newer", private=True)
    assert target.stat().st_mode & 0o777 == 0o600


def test_bytes_round_trip_exactly(tmp_path: Path) -> None:
    raw = "\ufeff[a]\r\nk = caf\u00e9\r\n".encode() + b"\xff\xfe\n"
    target = tmp_path / "f"
    target.write_bytes(raw)
    text = files.read_text(target)
    assert text is not None
    files.atomic_write(target, text + "x")
    assert target.read_bytes() == raw + b"x"


def test_symlink_followed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.write_text("a")
    link = tmp_path / "link"
    link.symlink_to(real)
    assert files.atomic_write(link, "b") == real
    assert link.is_symlink() and real.read_text() == "b"


def test_symlink_to_missing_target_refused(tmp_path: Path) -> None:
    link = tmp_path / "config"
    link.symlink_to(tmp_path / "gone" / "config")
    with pytest.raises(UsageError, match="symlink to a missing file"):
        files.update(link, lambda old: "x")
    assert link.is_symlink() and not (tmp_path / "gone").exists()


def test_read_only_file_refused(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("keep")
    target.chmod(0o444)
    with pytest.raises(UsageError, match="read-only"):
        files.update(target, lambda old: "changed")
    assert target.read_text() == "keep"


def test_unreadable_file_refused(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("keep")
    target.chmod(0o200)
    with pytest.raises(UsageError, match="cannot read"):
        files.update(target, lambda old: "changed")
    target.chmod(0o600)
    assert target.read_text() == "keep"


def test_no_change_means_no_write(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("same")
    before = target.stat().st_mtime_ns
    time.sleep(0.01)
    assert files.update(target, lambda old: old) is False
    assert target.stat().st_mtime_ns == before


def test_stale_temp_files_removed_under_lock(tmp_path: Path) -> None:
    target = tmp_path / "config"
    target.write_text("a")
    stale = tmp_path / ".config.abc123.tmp"
    stale.write_text("half a secret")
    files.update(target, lambda old: "b")
    assert not stale.exists() and target.read_text() == "b"


DISK_FULL = """
import resource, signal, sys
from ssotui.core import files
from ssotui.core.errors import UsageError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # the write fails with EFBIG instead
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    files.update(sys.argv[1], lambda old: old + "x" * 100000)
except UsageError as exc:
    print(exc)
    sys.exit(exc.exit_code)
"""


def test_disk_full_keeps_original_and_removes_temp(tmp_path: Path) -> None:
    (tmp_path / "disk").mkdir()
    target = tmp_path / "disk" / "config"
    original = BASE * 50
    target.write_text(original)
    proc = subprocess.run([sys.executable, "-c", DISK_FULL, str(target), str(len(original) + 10)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "disk full" in proc.stdout and str(target) in proc.stdout
    assert target.read_text() == original
    assert sorted(p.name for p in target.parent.iterdir()) == ["config"]


WRITER = """
import sys
from ssotui.core import awsconfig
path, prefix = sys.argv[1], sys.argv[2]
for i in range(50):
    awsconfig.save_profile(f"{prefix}{i}", {"sso_session": "corp", "sso_account_id": str(100000000000 + i),
                                            "sso_role_name": "ReadOnly"}, path=path)
"""


def test_two_processes_fifty_profiles_each(tmp_path: Path) -> None:
    target = tmp_path / "config"
    target.write_text(BASE)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(target), prefix],
                              stderr=subprocess.PIPE, text=True) for prefix in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    profiles = awsconfig.load_profiles(target)
    expected = {f"{x}{i}" for x in "ab" for i in range(50)} | {"default"}
    assert set(profiles) == expected
    for x in "ab":
        for i in range(50):
            assert profiles[f"{x}{i}"]["sso_account_id"] == str(100000000000 + i)
    assert target.read_text().startswith(BASE)


CRASH_LOOP = """
import json, os, random, signal, sys, time
from ssotui.core import awsconfig

target, rounds, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
BASE = "[default]\\nregion = us-east-1\\n"


def values(i):
    return {"sso_session": "corp", "sso_account_id": str(100000000000 + i),
            "sso_role_name": "ReadOnly", "region": "us-east-1"}


def block(i):
    return f"\\n[profile p{i:05d}]\\n" + "".join(f"{k} = {v}\\n" for k, v in values(i).items())


def writer():
    # The forked child: append profiles until SIGKILL arrives.
    try:
        count = len(awsconfig.load_profiles(target)) - 1
        while True:
            awsconfig.save_profile(f"p{count:05d}", values(count), path=target)
            count += 1
    finally:
        os._exit(0)


# warm up lazy imports (configupdater) so the writers die mid-write, not mid-import
awsconfig.upsert_profile("", "warmup", values(0))
states = [BASE]  # states[k]: the file after k profiles were appended
rng = random.Random(seed)
report = {"rounds": 0, "partial": [], "counts": []}
# A loaded machine starts the child slowly: a round that saw no progress widens the
# window before the kill, so the kills keep landing while profiles are being written.
window, progressed, r = 0.03, 0, 0
while r < rounds or (progressed < 20 and r < rounds * 5):
    pid = os.fork()
    if pid == 0:
        writer()
    time.sleep(rng.uniform(0.0, window))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with open(target, encoding="utf-8", newline="") as f:
        text = f.read()
    count = len(awsconfig.load_profiles(target)) - 1
    while len(states) <= count:
        states.append(states[-1] + block(len(states) - 1))
    if text != states[count]:
        report["partial"].append(r)
    grew = count > (report["counts"][-1] if report["counts"] else 0)
    progressed += grew
    window = 0.03 if grew else min(0.5, window * 1.5)
    report["counts"].append(count)
    report["rounds"] += 1
    r += 1
print(json.dumps(report))
"""


@pytest.mark.slow
def test_sigkill_never_leaves_a_partial_file(tmp_path: Path) -> None:
    # A clean single-threaded helper forks the writers, so no thread of this test
    # process can be caught mid-lock by fork().
    (tmp_path / "crash").mkdir()
    target = tmp_path / "crash" / "config"
    target.write_text(BASE)
    proc = subprocess.run([sys.executable, "-c", CRASH_LOOP, str(target), "200", "1234"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["rounds"] >= 200
    assert report["partial"] == [], "the file was always exactly one complete version"
    counts = report["counts"]
    assert counts == sorted(counts)
    progressed = sum(1 for a, b in zip([0, *counts], counts, strict=False) if b > a)
    assert progressed >= 20, "the writer was killed while it was making progress"
    # the next write cleans up the temp files killed writers left behind
    awsconfig.save_profile("final", _values(0), path=target)
    assert not list(target.parent.glob(".config.*.tmp"))
    assert awsconfig.load_profiles(target)["final"]["sso_account_id"] == "100000000000"


def test_lock_serialises_read_modify_write_across_processes(tmp_path: Path) -> None:
    # Holding the lock here makes the other process wait, then see our write.
    target = tmp_path / "f"
    target.write_text("0")
    code = textwrap.dedent("""
        import sys
        from ssotui.core import files
        files.update(sys.argv[1], lambda old: str(int(old) + 1))
    """)
    with files.locked(target):
        proc = subprocess.Popen([sys.executable, "-c", code, str(target)])
        time.sleep(0.5)
        assert proc.poll() is None, "the other writer waits for the lock"
        files.atomic_write(target, "41")
    assert proc.wait(timeout=60) == 0
    assert target.read_text() == "42"


def test_lock_file_removed_after_update(tmp_path: Path) -> None:
    d = tmp_path / "aws"
    d.mkdir()
    target = d / "config"
    files.update(target, lambda old: "x")
    with files.locked(target):
        assert (d / "config.lock").exists()
    assert sorted(p.name for p in d.iterdir()) == ["config"]


def test_stale_lock_file_of_a_killed_process_is_reused_then_removed(tmp_path: Path) -> None:
    d = tmp_path / "aws"
    d.mkdir()
    target = d / "config"
    (d / "config.lock").write_text("")  # what a SIGKILLed writer leaves
    assert files.update(target, lambda old: "x")
    assert sorted(p.name for p in d.iterdir()) == ["config"]


def test_threads_waiting_on_a_removed_lock_file_still_exclude_each_other(tmp_path: Path) -> None:
    # Every release unlinks the lock file a waiter may already have open; a waiter
    # that then wins the old inode must retry, or two writers would run at once
    # and increments would be lost.
    import threading

    d = tmp_path / "aws"
    d.mkdir()
    target = d / "n"
    target.write_text("0")
    inside = [0]
    overlaps = []

    def bump(old: str | None) -> str:
        inside[0] += 1
        overlaps.append(inside[0])
        time.sleep(0.001)
        inside[0] -= 1
        return str(int(old or "0") + 1)

    def work() -> None:
        for _ in range(25):
            files.update(target, bump)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.read_text() == "150"
    assert max(overlaps) == 1
    assert sorted(p.name for p in d.iterdir()) == ["n"]

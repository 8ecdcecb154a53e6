"""`profiles sync` of a 300-account org, listed from the emulator over HTTP, into every
config of the awkward-config corpus: every byte of the file stays (the profiles and,
when missing, the sso-session block are appended after it), real botocore in a
separate process reads each written profile as the right account and role, and a
second sync changes nothing (the file is not even written: same bytes, same mtime)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REGION, SESSION, START_URL
from ssotui.core import directory, profilesync, writeplan
from ssotui.core.clients import make_clients
from ssotui.core.models import SsoSession
from ssotui.emulator import Emulator

CORPUS = Path(__file__).parent / "data" / "configs"

BOTOCORE_READS = """
import json, sys
import botocore.session

out = {}
for path, expected in json.load(sys.stdin).items():
    s = botocore.session.Session()
    s.set_config_variable("config_file", path)
    try:
        cfg = s.full_config
    except Exception as exc:  # a corpus file botocore itself cannot read
        out[path] = "unreadable: " + type(exc).__name__
        continue
    profiles = cfg.get("profiles", {})
    sso = cfg.get("sso_sessions", {}).get("corp", {})
    wrong = [name for name, (account, role) in expected.items()
             if (profiles.get(name, {}).get("sso_account_id"),
                 profiles.get(name, {}).get("sso_role_name"),
                 profiles.get(name, {}).get("sso_session")) != (account, role, "corp")]
    if expected and not sso.get("sso_start_url"):
        wrong.append("[sso-session corp]")
    out[path] = wrong
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def listing() -> tuple[object, dict[str, tuple[str, ...]], list[tuple[object, list[str]]]]:
    """300 accounts listed once from the emulator (real botocore, real HTTP)."""
    import os

    with Emulator(accounts=300, roles_per_account=3, seed=14) as emu:
        saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_SSO_OIDC")}
        os.environ["AWS_ENDPOINT_URL_SSO"] = os.environ["AWS_ENDPOINT_URL_SSO_OIDC"] = emu.url
        try:
            session = SsoSession(SESSION, START_URL, REGION)
            token = emu.mint_token(start_url=START_URL)
            final = directory.load_all(make_clients(session).listing, lambda: token, rate=2000)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        assert not final.failed and final.error is None and len(final.accounts) == 300
        return final.accounts, dict(final.roles), emu.org


def test_sync_300_accounts_into_every_corpus_config(tmp_path: Path, listing: tuple) -> None:
    accounts, roles, org = listing
    session = SsoSession(SESSION, START_URL, REGION)
    selected = profilesync.selection(accounts, roles)
    expected = {f"{a.account_id}_{r}": (a.account_id, r) for a, rs in org for r in rs}
    assert len(selected) == len(expected) >= 600
    listed = profilesync.listed_holders(accounts, roles)
    checked: dict[str, dict[str, tuple[str, str]]] = {}
    for src in sorted(CORPUS.glob("*.ini")):
        cfg = tmp_path / src.name
        shutil.copyfile(src, cfg)
        before = cfg.read_bytes()
        plan = profilesync.plan_sync(session, selected, listed=listed, region=REGION, path=cfg,
                                     credentials=tmp_path / "no-credentials")
        assert not plan.refused, (src.name, plan.conflicts)
        assert plan.count(profilesync.ADDED) == len(expected), src.name
        assert writeplan.commit(plan.write), src.name
        after = cfg.read_bytes()
        assert after[: len(before)] == before, f"{src.name}: a byte of the file changed"
        tail = after[len(before):].decode()
        headers = [line for line in tail.splitlines() if line.startswith("[")]
        ours = {f"[profile {n}]" for n in expected} | {f"[sso-session {SESSION}]"}
        assert set(headers) <= ours and len(headers) >= len(expected), src.name
        checked[str(cfg)] = expected

        mtime = cfg.stat().st_mtime_ns
        again = profilesync.plan_sync(session, selected, listed=listed, region=REGION, path=cfg,
                                      credentials=tmp_path / "no-credentials")
        assert not again.changed and again.count(profilesync.UNCHANGED) == len(expected), src.name
        assert writeplan.commit(again.write) is False
        assert cfg.read_bytes() == after and cfg.stat().st_mtime_ns == mtime, src.name

    # stdin: the files and what each profile must resolve to
    originals = {str(CORPUS / Path(p).name): {} for p in checked}
    result = json.loads(_run_with_stdin(BOTOCORE_READS, json.dumps({**checked, **originals}),
                                        tmp_path))
    wrong = {p: r[:3] for p, r in result.items() if p in checked and isinstance(r, list) and r}
    assert wrong == {}, wrong
    # botocore itself rejects a few corpus files (a BOM, bytes that are not UTF-8): exactly
    # those stay unreadable to it, every other one reads with our profiles in it
    unreadable = sorted(Path(p).name for p, r in result.items() if p in checked and isinstance(r, str))
    before = sorted(Path(p).name for p, r in result.items()
                    if p in originals and isinstance(r, str))
    assert unreadable == before and len(unreadable) < 8, (unreadable, before)


def _run_with_stdin(code: str, data: str, home: Path) -> str:
    import subprocess
    import sys

    from interop import child_env

    proc = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True,
                          text=True, timeout=300, env=child_env({"HOME": str(home)}), check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout

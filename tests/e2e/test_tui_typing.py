"""Typing in a real terminal (issue 11): tmux runs the demo over an org whose account
names start with the letters that used to be actions (c e p w r s f q) and an id
starting with a digit that used to jump; one send-keys call types each name and
Enter. Nothing is written, the app keeps running, the real X clipboard holds the
exports of exactly that account, and the notification names it."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from e2e.test_tui_terminal import Tmux, terminal_env
from tui.tuikit import x_clipboard, xvfb

pytestmark = pytest.mark.e2e

ROLES = ["AdministratorAccess", "ReadOnly"]
NAMES = ["core-banking", "edge-cdn", "prod-ledger", "wiki-internal", "root-dns",
         "shared-ci", "finance-ops", "qa-tools"]
BY_ID = ("723456789012", "zeta-by-id")  # typed by its id: `7` was "favorite 7"

# The demo as users run it (`python -m ssotui --demo`), serving this org instead of the
# generated one; the process under test is otherwise untouched.
LAUNCHER = '''
import sys
import ssotui.emulator as emulator
from ssotui.core.models import Account

ORG = [(Account(f"{{100000000001 + i}}", name, f"{{name}}@example.com"), {roles!r})
       for i, name in enumerate({names!r})]
ORG.append((Account({by_id[0]!r}, {by_id[1]!r}, "zeta@example.com"), {roles!r}))
Real = emulator.Emulator


class Emulator(Real):
    def __init__(self, *args, **kw):
        kw.pop("accounts", None)
        kw.pop("roles_per_account", None)
        kw["org"] = ORG  # the demo passes its own org; this one replaces it
        super().__init__(**kw)


emulator.Emulator = Emulator
sys.argv = ["ssotui", "--demo"]
from ssotui.cli import entry

entry()
'''


def aws_files(root: Path) -> dict[str, bytes | None]:
    homes = list(root.glob("ssotui-demo-*/home"))
    assert len(homes) == 1, homes
    out = {}
    for name in ("config", "credentials"):
        p = homes[0] / ".aws" / name
        out[name] = p.read_bytes() if p.exists() else None
    return out


def test_typed_names_starting_with_old_action_letters_copy_that_account(
        tmp_path: Path) -> None:
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER.format(names=NAMES, roles=ROLES, by_id=BY_ID))
    with xvfb() as display:
        env = terminal_env(tmp_path, display)
        command = " ".join(shlex.quote(a) for a in [sys.executable, str(launcher)])
        term = Tmux(env, command + "; echo EXITED=$?; sleep 60")
        try:
            term.wait(lambda t: f"{len(NAMES) + 1} accounts ·" in t and "listing…" not in t,
                      "the demo's main screen")
            before = aws_files(tmp_path)
            secrets: set[str] = set()
            for typed, name in [*[(n, n) for n in NAMES], BY_ID]:
                # one send-keys: the whole name and Enter in one write (one read)
                term.keys(typed + "\r", literal=True)
                pane = term.wait(lambda t, n=name: f"Copied {n} / " in " ".join(t.split()),
                                 f"the copy of {name}")
                assert "EXITED=" not in pane  # still running
                assert aws_files(tmp_path) == before, f"a file changed after {typed!r}"
                lines = x_clipboard(display).splitlines()
                assert lines[0].startswith("export AWS_ACCESS_KEY_ID=ASIA"), lines
                secret = lines[1].split("=", 1)[1]
                assert secret not in pane and secret not in secrets  # this copy's
                secrets.add(secret)
                term.keys("C-u")  # clear the filter for the next name
            term.keys("C-q")
            assert "EXITED=0" in term.wait(lambda t: "EXITED=" in t, "exit")
        finally:
            term.kill()


def widest_line(pane: str) -> int:
    return max(len(line.rstrip()) for line in pane.splitlines())


def test_print_env_uses_the_whole_window_and_follows_resizes(tmp_path: Path) -> None:
    env = terminal_env(tmp_path)
    term = Tmux(env, "bash --norc --noprofile", size=(120, 36))
    cmd = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "ssotui", "--demo",
                                            "--print-env"])
    try:
        term.keys(f'eval "$({cmd})"; echo "KEY=$AWS_ACCESS_KEY_ID"', literal=True)
        term.keys("Enter")
        pane = term.wait(lambda t: "accounts ·" in t and "listing…" not in t
                         and "^p palette" in t, "the picker")
        # the key bar ends at the window's right edge, not at column 80
        bar = next(ln for ln in pane.splitlines() if "^p palette" in ln)
        assert len(bar.rstrip()) == 119, bar  # "…▏^p palette " ends at column 120
        assert len(pane.splitlines()) >= 35
        term.run("resize-window", "-t", "t", "-x", "100", "-y", "30")
        pane = term.wait(lambda t: any(len(ln.rstrip()) == 99 and "^p palette" in ln
                                       for ln in t.splitlines()), "a redraw at 100 columns")
        assert widest_line(pane) <= 100
        term.keys("prod-pay adm\r", literal=True)
        pane = term.wait(lambda t: any(ln.startswith("KEY=") for ln in t.splitlines()),
                         "the shell's echo")
    finally:
        term.kill()
    line = next(ln for ln in pane.splitlines() if ln.startswith("KEY="))
    assert line.startswith("KEY=ASIA") and len(line) > len("KEY=ASIA") + 8

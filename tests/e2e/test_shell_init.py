"""`ssotui shell-init SHELL` in real shells (tmux): the function switches the shell to
exactly the role asked for, and leaves the shell as it was when nothing is chosen."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_tool
from e2e.harness import Tmux, record_credentials, signed_in_env

pytestmark = pytest.mark.e2e

# how each shell loads the function, starts without the user's rc files, and echoes
SHELLS = {
    "bash": ("bash --norc --noprofile", 'eval "$(ssotui shell-init bash)"',
             'echo "KEY=$AWS_ACCESS_KEY_ID RC=$rc"'),
    "zsh": ("zsh -f", 'eval "$(ssotui shell-init zsh)"',
            'echo "KEY=$AWS_ACCESS_KEY_ID RC=$rc"'),
    "fish": ("fish --no-config", "ssotui shell-init fish | source",
             'echo "KEY=$AWS_ACCESS_KEY_ID RC=$rc"'),
}


def _set_rc(shell: str) -> str:
    return "set rc $status" if shell == "fish" else "rc=$?"


@pytest.mark.parametrize("shell", list(SHELLS))
def test_the_function_switches_to_the_named_role(shell: str, tmp_path: Path, signed_in: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    start, load, echo = SHELLS[shell]
    require_tool(start.split()[0])
    issued = record_credentials(monkeypatch)
    term = Tmux(signed_in_env(tmp_path), start)
    try:
        term.keys(f"{load}; sa dev-api admin; {_set_rc(shell)}; {echo}", literal=True)
        term.keys("Enter")
        pane = term.wait(lambda t: any(ln.startswith("KEY=") for ln in t.splitlines()),
                         "the echo")
        line = next(ln for ln in pane.splitlines() if ln.startswith("KEY="))
        key, rc = line.split()
        assert rc == "RC=0"
        assert issued == {key.removeprefix("KEY="): ("156419011138", "AdministratorAccess")}

        # nothing chosen (the picker quit): the shell keeps what it had, and says so
        term.keys("clear", "Enter")
        term.keys(f"sa staging; {_set_rc(shell)}; {echo}", literal=True)
        term.keys("Enter")
        term.wait(lambda t: "2 of 12 accounts" in t, "the picker")
        term.keys("C-q")
        pane = term.wait(lambda t: any(ln.startswith("KEY=") for ln in t.splitlines()),
                         "the second echo")
        again = next(ln for ln in pane.splitlines() if ln.startswith("KEY="))
        assert again.split() == [key, "RC=1"]
        assert len(issued) == 1
    finally:
        term.kill()


def test_each_shell_gets_its_own_format_and_a_valid_script() -> None:
    out = {}
    for shell in ["bash", "zsh", "fish", "powershell"]:
        proc = subprocess.run([sys.executable, "-m", "ssotui", "shell-init", shell],
                              capture_output=True, text=True, check=True)
        out[shell] = proc.stdout
    assert "--format env " in out["bash"] and "--format env " in out["zsh"]
    assert "--format fish " in out["fish"] and "--format powershell " in out["powershell"]
    for shell, check in [("bash", ["bash", "-n"]), ("zsh", ["zsh", "-n"]),
                         ("fish", ["fish", "--no-execute"])]:
        if shutil.which(check[0]) is None:
            require_tool(check[0])
        subprocess.run([*check, "/dev/stdin"], input=out[shell], text=True, check=True)
    bad = subprocess.run([sys.executable, "-m", "ssotui", "shell-init", "bash", "--name", "a;b"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == "" and "--name" in bad.stderr

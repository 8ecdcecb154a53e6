"""Shell completion (argcomplete) driven for real: bash runs the completion function
`ssotui completion bash` defines, fish its `complete -C`, zsh's protocol is asked as
its function asks it (tests/e2e/test_completion_shells.py types Tab in all three).

Candidates come from the listing cache only (no request reaches the emulator), and
portal names are untrusted: a name holding `$(...)`, `;`, quotes or backquotes
completes to a word the shell reads back as exactly that name, running nothing; a
name the shell cannot be handed safely (control characters, separators, a leading
`-`, `~` or `#`) is not offered (its account id is).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import require_tool
from ssotui.core import dircache
from ssotui.core.models import Account, SsoSession

SESSION = SsoSession("corp", "https://d-emulator.awsapps.com/start", "us-east-1")
BIN = str(Path(sys.executable).parent)


def hostile_org(pwned: Path) -> tuple[list[Account], dict[str, tuple[str, ...]], list[str]]:
    """(accounts, roles, the names that must be offered exactly)."""
    safe = [f"x$(touch {pwned})", "semi;colon & amp", f"back`touch {pwned}`tick",
            "quote'n\"dq", "prod-payments", "Spaced Name"]
    unsafe = ["-rf", "~root", "#comment", "esc\x1b]0;title\x07", "new\nline", "tab\tname",
              "vt\x0bname", "rtl\u202eexe"]
    accounts = [Account(f"{100000000000 + i}", name, f"a{i}@example.com")
                for i, name in enumerate(safe + unsafe)]
    roles = {a.account_id: ("ReadOnly",) for a in accounts}
    roles[accounts[4].account_id] = ("AdministratorAccess", f"R$(touch {pwned})")
    return accounts, roles, safe


@pytest.fixture
def org(aws_env: Any, isolated_home: Path, tmp_path: Path) -> dict[str, Any]:
    pwned = tmp_path / "PWNED"
    accounts, roles, safe = hostile_org(pwned)
    dircache.save(SESSION, accounts, roles)
    aws_env.reset_stats()
    return {"accounts": accounts, "roles": roles, "safe": safe, "pwned": pwned, "emu": aws_env}


def shell_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = BIN + os.pathsep + env["PATH"]
    return env


BASH_DRIVER = r"""
source <(ssotui completion bash) || exit 3
line="$1"
COMP_LINE="$line"; COMP_POINT=${#line}; COMP_TYPE=9; COMPREPLY=()
_python_argcomplete ssotui
# each candidate as bash reads it back when it is on the command line
for c in "${COMPREPLY[@]}"; do
    eval "set -- $c"
    printf '%s\0' "$1"
done
"""


def bash_complete(line: str) -> list[str]:
    proc = subprocess.run([require_tool("bash"), "-c", BASH_DRIVER, "bash", line],
                          env=shell_env(), capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return [w.decode() for w in proc.stdout.split(b"\0")[:-1]]


def fish_complete(line: str) -> list[str]:
    script = 'ssotui completion fish | source; or exit 3; complete -C "$argv[1]"'
    proc = subprocess.run([require_tool("fish"), "-c", script, line], env=shell_env(),
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return [c.split("\t")[0] for c in proc.stdout.splitlines()]


def test_bash_completes_commands_and_flags(org: dict[str, Any]) -> None:
    assert {"list", "creds", "profile", "completion", "login"} <= set(bash_complete("ssotui "))
    assert bash_complete("ssotui li") == ["list"]
    flags = set(bash_complete("ssotui list --"))
    assert {"--json", "--refresh", "--cached", "--max-age", "--sso-session"} <= flags
    assert bash_complete("ssotui completion z") == ["zsh"]


def test_bash_completes_sso_session_names(org: dict[str, Any], isolated_home: Path) -> None:
    with (isolated_home / ".aws" / "config").open("a") as f:
        f.write("\n[sso-session other]\nsso_start_url = https://d-other.awsapps.com/start\n"
                "sso_region = eu-west-1\n")
    assert bash_complete("ssotui list --sso-session ") == ["corp", "other"]
    assert bash_complete("ssotui --sso-session o") == ["other"]


def test_bash_offers_hostile_names_as_exact_inert_words(org: dict[str, Any]) -> None:
    words = bash_complete("ssotui creds ")
    ids = [a.account_id for a in org["accounts"]]
    assert sorted(words) == sorted(ids + org["safe"])
    assert not org["pwned"].exists()
    assert bash_complete("ssotui creds x") == [org["safe"][0]]
    assert bash_complete("ssotui creds semi") == ["semi;colon & amp"]
    assert not org["pwned"].exists()
    assert sum(org["emu"].calls.values()) == 0  # the cache only


def test_bash_completes_the_roles_of_the_account_on_the_line(org: dict[str, Any]) -> None:
    pwned = org["pwned"]
    assert bash_complete("ssotui creds prod-payments ") == [
        "AdministratorAccess", f"R$(touch {pwned})"]
    assert bash_complete("ssotui profile 100000000004 A") == ["AdministratorAccess"]
    assert bash_complete("ssotui creds 100000000001 ") == ["ReadOnly"]
    assert not pwned.exists()


def test_bash_completes_list_filter_words(org: dict[str, Any]) -> None:
    assert bash_complete("ssotui list pro") == ["prod-payments"]
    assert bash_complete("ssotui list --json Adm") == ["AdministratorAccess"]


def test_fish_offers_the_same_exact_candidates(org: dict[str, Any]) -> None:
    words = fish_complete("ssotui creds ")
    ids = [a.account_id for a in org["accounts"]]
    assert sorted(words) == sorted(ids + org["safe"])
    assert fish_complete("ssotui creds prod-payments Adm") == ["AdministratorAccess"]
    assert {"list", "creds"} <= set(fish_complete("ssotui "))
    assert not org["pwned"].exists()


def protocol(line: str, shell: str, tmp_path: Path) -> list[str]:
    """What the program answers a shell's completion function (argcomplete's protocol)."""
    out = tmp_path / "completions"
    env = shell_env() | {"COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE": "1",
                         "_ARGCOMPLETE_SHELL": shell, "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
                         "_ARGCOMPLETE_SUPPRESS_SPACE": "1"}  # as the zsh function sets
    subprocess.run([sys.executable, "-m", "ssotui"], env=env, capture_output=True,
                   timeout=60, check=False)
    return out.read_text().split("\v") if out.read_text() else []


def test_zsh_answers_escape_shell_syntax(org: dict[str, Any], tmp_path: Path) -> None:
    # "word:description", the word backslash-escaped as zsh reads it back
    words = protocol("ssotui creds x", "zsh", tmp_path)
    assert words == [f"x\\$\\(touch\\ {org['pwned']}\\):100000000000"]
    names = protocol("ssotui creds ", "zsh", tmp_path)
    assert len(names) == len(org["accounts"]) + len(org["safe"])
    assert all(n.isprintable() for n in names)
    # an id is described by its name, shown with visible escapes
    assert "100000000009:esc\\x1b]0;title\\x07" in names


def test_the_completion_path_imports_neither_boto3_nor_textual(
    org: dict[str, Any], tmp_path: Path,
) -> None:
    out = tmp_path / "completions"
    line = "ssotui creds prod-payments "
    env = shell_env() | {"COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE": "1",
                         "_ARGCOMPLETE_SHELL": "bash", "_ARGCOMPLETE_STDOUT_FILENAME": str(out)}
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "ssotui"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    modules = {row.split("|")[-1].strip() for row in proc.stderr.splitlines() if "|" in row}
    assert "argcomplete" in modules and "ssotui.commands.completion" in modules
    heavy = {m for m in modules if m.split(".")[0] in ("boto3", "botocore", "textual", "rich")}
    assert heavy == set()
    assert "AdministratorAccess" in out.read_text()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_the_shell_loads(shell: str, tmp_path: Path) -> None:
    tool = require_tool(shell)
    script = subprocess.run([sys.executable, "-m", "ssotui", "completion", shell],
                            capture_output=True, text=True, check=True).stdout
    path = tmp_path / f"completion.{shell}"
    path.write_text(script)
    check = {
        "bash": f"source {path} && complete -p ssotui",
        "zsh": f"autoload -U compinit && compinit -u -d {tmp_path}/zcd && source {path} "
               "&& echo ${_comps[ssotui]}",
        "fish": f"source {path}; and complete -c ssotui",
    }[shell]
    args = [tool, "-f", "-c", check] if shell == "zsh" else [tool, "-c", check]
    proc = subprocess.run(args, env=shell_env() | {"HOME": str(tmp_path)}, capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "_python_argcomplete" in proc.stdout or "__fish_ssotui_complete" in proc.stdout


def test_completion_rejects_an_unknown_shell() -> None:
    proc = subprocess.run([sys.executable, "-m", "ssotui", "completion", "tcsh"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stdout == ""

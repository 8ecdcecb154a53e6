"""Tab in real interactive shells (tmux) with `ssotui completion SHELL` loaded: the
hostile account name from the listing cache lands on the command line as a word the
shell reads back as exactly that name, and nothing in it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import require_tool
from e2e.harness import Tmux, signed_in_env
from ssotui.core import dircache
from ssotui.core.models import Account, SsoSession

pytestmark = pytest.mark.e2e

SESSION = SsoSession("corp", "https://d-emulator.awsapps.com/start", "us-east-1")

# how each shell starts without the user's rc files and loads the completion
SHELLS = {
    "bash": ("bash --norc --noprofile", 'eval "$(ssotui completion bash)"'),
    "zsh": ("zsh -f", 'autoload -U compinit && compinit -u -d "$HOME/.zcd" && '
                      'eval "$(ssotui completion zsh)"'),
    "fish": ("fish --no-config", "ssotui completion fish | source"),
}


@pytest.mark.parametrize("shell", list(SHELLS))
def test_tab_inserts_a_hostile_name_inert(shell: str, tmp_path: Path, aws_env: Any) -> None:
    start, load = SHELLS[shell]
    require_tool(start.split()[0])
    pwned = tmp_path / "PWNED"
    hostile = f"x$(touch {pwned});`touch {pwned}`"
    dircache.save(SESSION, [Account("111122223333", hostile, "a@example.com"),
                            Account("222233334444", "prod-payments", "b@example.com")],
                  {"111122223333": ("ReadOnly",), "222233334444": ("AdministratorAccess",)})
    term = Tmux(signed_in_env(tmp_path), start)
    try:
        term.keys(f"{load}; echo LOADED", literal=True)
        term.keys("Enter")
        term.wait(lambda t: "\nLOADED" in t, "the completion to load")
        term.keys("clear", "Enter")
        term.keys("ssotui creds x", literal=True)
        term.keys("Tab")
        term.wait(lambda t: "touch" in t, "the completed name")
        # run the completed words through printf instead of ssotui: each is shown as read
        term.keys("C-a")
        term.keys("printf '<%s>\\n' ", literal=True)
        term.keys("Enter")
        pane = term.wait(lambda t: "<creds>" in t and "\n<x" in t, "the words")
        words = [ln for ln in pane.splitlines() if ln.startswith("<")]
        assert words == ["<ssotui>", "<creds>", f"<{hostile}>"]
        assert not pwned.exists()

        term.keys("clear", "Enter")
        term.keys("ssotui creds prod-payments Adm", literal=True)
        term.keys("Tab")
        term.wait(lambda t: "prod-payments AdministratorAccess" in t, "the role")
    finally:
        term.kill()

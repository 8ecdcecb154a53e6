"""End to end in a real terminal: tmux runs `ssotui --demo`, ctrl+l (and list mode's
`o`) opens the console through $BROWSER, which is headless Chromium; it signs in at
the demo emulator's federation endpoint and lands on its console page for the
highlighted account and role. The URL (a credential) never reaches the screen."""

from __future__ import annotations

import re
import shlex
import time
from pathlib import Path

import pytest

from conftest import require_tool
from e2e.harness import LIMIT, Tmux, ssotui_cmd, terminal_env

pytestmark = pytest.mark.e2e


def browser_script(tmp_path: Path) -> tuple[str, Path]:
    """A $BROWSER that is headless Chromium dumping the page it lands on."""
    chromium = require_tool("chromium")
    pages = tmp_path / "pages"
    pages.mkdir()
    script = tmp_path / "browser.sh"
    script.write_text(
        "#!/bin/sh\n"
        f"out={shlex.quote(str(pages))}/$(date +%s%N).html\n"
        f"{shlex.quote(chromium)} --headless --no-sandbox --disable-gpu --no-first-run "
        f"--user-data-dir={shlex.quote(str(tmp_path / 'chromium'))} --dump-dom \"$1\" "
        "> \"$out.tmp\" 2>/dev/null\n"
        "mv \"$out.tmp\" \"$out\"\n")
    script.chmod(0o755)
    return str(script), pages


def landed(pages: Path, count: int) -> list[str]:
    deadline = time.monotonic() + LIMIT
    while time.monotonic() < deadline:
        found = sorted(pages.glob("*.html"))
        if len(found) >= count:
            return [p.read_text() for p in found]
        time.sleep(0.2)
    raise AssertionError(f"the browser did not land {count} time(s)")


def test_console_key_under_demo_reaches_the_console_page(tmp_path: Path) -> None:
    browser, pages = browser_script(tmp_path)
    env = {**terminal_env(tmp_path), "BROWSER": browser}
    term = Tmux(env, ssotui_cmd("--demo") + "; echo EXITED=$?; sleep 60")
    try:
        term.wait(lambda t: "accounts ·" in t and "listing…" not in t, "the demo's main screen")
        term.keys("pay adm", literal=True)
        pane = term.wait(lambda t: "Roles · prod-payments ·" in t, "filtered")
        account_id = re.search(r"Roles · prod-payments · (\d{12})", pane).group(1)  # type: ignore[union-attr]
        term.keys("C-l")
        pane = term.wait(lambda t: "Opened the console" in t, "the console notification")
        toast = pane[pane.index("Opened the console"):]
        assert "prod-payments" in toast and "AdministratorAccess" in toast
        page = landed(pages, 1)[0]
        assert f'<dd id="account">{account_id}</dd>' in page
        assert '<dd id="role">AdministratorAccess</dd>' in page
        assert "console.aws.amazon.com/console/home?region=us-east-1" in page
        # list mode's letter does the same
        term.keys("Escape")
        time.sleep(0.3)  # a lone Escape before the next key
        term.keys("o")
        assert len(landed(pages, 2)) == 2
        pane = term.pane()
        assert "SigninToken" not in pane and "federation?" not in pane
        term.keys("q")
        assert "EXITED=0" in term.wait(lambda t: "EXITED=" in t, "exit")
    finally:
        term.kill()


def test_creds_asks_on_the_terminal_for_production(tmp_path: Path, signed_in: str,
                                                   emulator: object) -> None:
    """`ssotui creds` for a production role in a real terminal: the question is asked on
    the terminal (stdout stays the exports'), `y` goes on, anything else does nothing."""
    import os

    from e2e.harness import signed_in_env

    account, roles = emulator.org[3]  # type: ignore[attr-defined]
    prefs = Path(os.environ["XDG_CONFIG_HOME"]) / "ssotui" / "prefs.toml"
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text(f'[[guardrails]]\naccounts = ["{account.account_id}"]\n')
    env = signed_in_env(tmp_path)
    out = tmp_path / "exports"
    cmd = ssotui_cmd("creds", account.account_id, roles[0])
    term = Tmux(env, f"{cmd} > {shlex.quote(str(out))}; echo EXITED=$?; "
                     f"{cmd} > /dev/null; echo AGAIN=$?; sleep 60")
    try:
        pane = term.wait(lambda t: "[y/N]" in t, "the question")
        assert f"{account.account_id} / {roles[0]} is a production account" in \
            " ".join(pane.split())
        term.keys("y", "Enter")
        assert "EXITED=0" in term.wait(lambda t: "EXITED=" in t, "the first run")
        assert out.read_text().startswith("export AWS_ACCESS_KEY_ID=ASIA")
        term.wait(lambda t: t.count("[y/N]") == 2, "asked again")
        term.keys("Enter")  # no answer is no
        pane = term.wait(lambda t: "AGAIN=" in t, "the second run")
        assert "AGAIN=1" in pane and "not confirmed: nothing done" in pane
    finally:
        term.kill()

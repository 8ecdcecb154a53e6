"""Issue 11 end to end, in tmux: typing never acts, `--print-env` fits the real terminal
and follows resizes, and `--print-env QUERY` naming one role prints without drawing."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.harness import Tmux, record_credentials, signed_in_env, ssotui_cmd, terminal_env
from tui.tuikit import x_clipboard, xvfb

pytestmark = pytest.mark.e2e

ALT_SCREEN = b"\x1b[?1049h"  # what Textual sends first when it takes the terminal


@pytest.fixture
def xdisplay() -> Iterator[str]:
    with xvfb() as display:
        yield display


def snapshot(aws: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(aws.iterdir()) if p.is_file()}


# One demo account for each key that used to be an action (c e p w r s f q), and an
# account id starting with a non-zero digit (digits used to jump to favorites).
NAMES = {"c": "core-network", "e": "edge-cdn", "p": "prod-payments", "w": "wiki-docs",
         "r": "research-ml", "s": "sandbox-erin", "f": "finance-reporting",
         "q": "qa-analytics", "id": "486042916372"}
ID_OWNER = "prod-payments"


@pytest.mark.parametrize("letter", list(NAMES))
def test_typing_a_name_filters_and_enter_copies(letter: str, tmp_path: Path,
                                                xdisplay: str) -> None:
    typed = NAMES[letter]
    account = ID_OWNER if letter == "id" else typed
    env = terminal_env(tmp_path, xdisplay)
    term = Tmux(env, ssotui_cmd("--demo") + "; echo EXITED=$?; sleep 60")
    try:
        term.wait(lambda t: "accounts ·" in t and "listing…" not in t, "the demo's main screen")
        aws = next(tmp_path.glob("ssotui-demo-*/home/.aws"))
        before = snapshot(aws)
        assert list(before) == ["config"]
        term.keys(typed, literal=True)  # one send-keys: the whole name in one read
        term.keys("Enter")
        exited = re.compile("EXITED=")
        pane = term.wait(lambda t: re.search(f"(?i)copied {re.escape(account)} ", t) is not None,
                         f"the copy notification for {account}", limit=20,
                         fail=lambda t: exited.search(t) is not None)
        assert "EXITED=" not in pane and "accounts ·" in pane  # the app is still running
        # every key went to the filter: it holds the whole text (a row of the filter box:
        # only borders around it), not the part left after keys that acted
        filter_row = re.compile(rf"^\W*{re.escape(typed)}\W*$", re.M)
        assert filter_row.search(pane), pane
        assert snapshot(aws) == before  # no profile, no credentials section written
        clip = x_clipboard(xdisplay)
        assert clip.startswith("export AWS_ACCESS_KEY_ID=ASIA"), clip[:40]
        assert re.findall(r"^export (\w+)=", clip, re.M) == [
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION"]
    finally:
        term.kill()


CORNERS = "┐┘╮╯"


def right_edges(rows: list[str]) -> set[int]:
    """Columns where a box closes (a right-hand corner): the drawn screen's width."""
    return {i for row in rows for i, ch in enumerate(row) if ch in CORNERS}


def test_print_env_fills_the_terminal_and_follows_resizes(
        tmp_path: Path, signed_in: str, monkeypatch: pytest.MonkeyPatch) -> None:
    issued = record_credentials(monkeypatch)
    term = Tmux(signed_in_env(tmp_path), "bash --norc --noprofile", size=(120, 36))
    try:
        term.keys(f'eval "$({ssotui_cmd("--print-env")})"; echo "KEY=$AWS_ACCESS_KEY_ID"',
                  literal=True)
        term.keys("Enter")
        term.wait(lambda t: "12 accounts ·" in t and "listing…" not in t, "the picker")
        time.sleep(0.5)  # any redraw at another size would have happened by now
        rows = term.rows()
        # boxes close at the last column and nowhere past 80 columns of a smaller draw
        assert max(right_edges(rows)) == 119, "\n".join(rows)
        assert not {79, 80} & right_edges(rows), "\n".join(rows)
        assert len(rows) == 36 and rows[35].strip(), "the key bar is on the last row"

        term.run("resize-window", "-t", "t", "-x", "100", "-y", "30")
        term.wait(lambda t: max(right_edges(term.rows()), default=0) == 99
                  and len(term.rows()) == 30 and bool(term.rows()[29].strip()),
                  "the redraw at 100x30", limit=20)
        rows = term.rows()
        assert max(right_edges(rows)) == 99 and not {79, 80} & right_edges(rows)

        term.keys("dev-api admin", literal=True)
        term.wait(lambda t: "1 of 12 accounts" in t, "filtered")
        term.keys("Enter")
        pane = term.wait(lambda t: any(ln.startswith("KEY=") for ln in t.splitlines()),
                         "the shell's echo")
    finally:
        term.kill()
    key = next(ln for ln in pane.splitlines() if ln.startswith("KEY=")).removeprefix("KEY=")
    assert issued == {key: ("156419011138", "AdministratorAccess")}


def _raw(term: Tmux, path: Path) -> None:
    """Every byte the programs in the window write to the terminal, into `path`."""
    term.run("pipe-pane", "-t", "t", "-o", f"cat >> {path}")


def test_print_env_query_naming_one_role_prints_without_drawing(
        tmp_path: Path, signed_in: str, monkeypatch: pytest.MonkeyPatch) -> None:
    issued = record_credentials(monkeypatch)
    raw = tmp_path / "raw.bin"
    term = Tmux(signed_in_env(tmp_path), "bash --norc --noprofile", size=(120, 36))
    try:
        _raw(term, raw)
        arn = "arn:aws:sts::761670025794:assumed-role/AWSReservedSSO_ReadOnly_0a1b2c3d/me"
        for query in ["dev-api admin", arn]:
            term.keys(f'eval "$({ssotui_cmd("--print-env", *query.split())})"; '
                      'echo "KEY=$AWS_ACCESS_KEY_ID RC=$?"', literal=True)
            term.keys("Enter")
            term.wait(lambda t, q=query: sum(ln.startswith("KEY=ASIA")
                                             for ln in t.splitlines()) == 1 + (q == arn),
                      "the shell's echo")
        pane = term.pane()
    finally:
        term.kill()
    keys = [ln.split()[0].removeprefix("KEY=") for ln in pane.splitlines()
            if ln.startswith("KEY=")]
    assert [issued[k] for k in keys] == [("156419011138", "AdministratorAccess"),
                                         ("761670025794", "ReadOnly")]
    data = raw.read_bytes()
    assert b"KEY=ASIA" in data  # the capture saw the shell's output...
    assert ALT_SCREEN not in data and b"\x1b[?1000h" not in data  # ...and no picker


def test_print_env_query_with_several_roles_opens_the_picker_filtered(
        tmp_path: Path, signed_in: str, monkeypatch: pytest.MonkeyPatch) -> None:
    issued = record_credentials(monkeypatch)
    raw = tmp_path / "raw.bin"
    term = Tmux(signed_in_env(tmp_path), "bash --norc --noprofile", size=(120, 36))
    try:
        _raw(term, raw)
        term.keys(f'eval "$({ssotui_cmd("--print-env", "staging")})"; '
                  'echo "KEY=$AWS_ACCESS_KEY_ID"', literal=True)
        term.keys("Enter")
        # two staging accounts, four roles: the picker, its filter already holding "staging"
        term.wait(lambda t: "2 of 12 accounts" in t and "staging-maps" in t, "the picker")
        assert ALT_SCREEN in raw.read_bytes()
        assert issued == {}
    finally:
        term.kill()

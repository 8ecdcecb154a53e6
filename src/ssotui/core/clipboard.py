"""Put text on the system clipboard, or tell the terminal to (OSC 52).

Backends, first usable wins:
- X11 (`DISPLAY` set): xclip, then xsel; Wayland (`WAYLAND_DISPLAY`): wl-copy.
  These we run ourselves rather than through pyperclip: they fork a process
  that keeps serving the selection, and pyperclip lets it inherit our stdout —
  so `$(ssotui creds --copy)` or a test capturing output would hang until
  something else takes the clipboard. Ours get /dev/null and their own session.
- Otherwise pyperclip (pbcopy on macOS, the Windows API, clip.exe under WSL).

`osc52_sequence(text)` is the escape sequence a TUI writes to its terminal: it
works over SSH and inside tmux (`set-clipboard on`; `tmux=True` wraps it for
`allow-passthrough` instead).

Auto-clear: `schedule_clear(text, seconds)` starts a small detached process that
clears the clipboard after `seconds` if it still holds `text` (it is given only
a SHA-256 of the text, never the text). The CLI's `--copy` and the TUI both use
it, so the clear happens even after `ssotui creds --copy` has exited.

The terminal's clipboard (an OSC 52 copy: the only one over SSH) cannot be read
back, so it cannot be cleared "if unchanged": `osc52_clear_sequence()` writes a
single space, then empty content, which xterm-compatible terminals take as
"clear" (tmux ignores the empty write and keeps the space: the secret is gone). A UI writes it after the
timeout itself, or passes `tty=` to `schedule_clear` so the detached process
writes it to that terminal even after ssotui has exited. `plan_clear()` says
what will be cleared, and gives the one line to show, so a notification never
claims more than happens.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from ssotui.core.errors import RuntimeFailure

TIMEOUT = 5.0


@dataclass(frozen=True)
class Backend:
    name: str
    copy_cmd: list[str] | None  # None: through pyperclip
    paste_cmd: list[str] | None


def _backends() -> list[Backend]:
    found: list[Backend] = []
    if os.environ.get("WAYLAND_DISPLAY") and shutil.which("wl-copy"):
        found.append(Backend("wl-copy", ["wl-copy"], ["wl-paste", "--no-newline"]))
    if os.environ.get("DISPLAY"):
        if shutil.which("xclip"):
            found.append(Backend("xclip", ["xclip", "-selection", "clipboard", "-in"],
                                 ["xclip", "-selection", "clipboard", "-out"]))
        if shutil.which("xsel"):
            found.append(Backend("xsel", ["xsel", "--clipboard", "--input"],
                                 ["xsel", "--clipboard", "--output"]))
    if sys.platform == "darwin" or sys.platform == "win32" or _is_wsl():
        found.append(Backend("pyperclip", None, None))
    return found


def _is_wsl() -> bool:
    try:
        with open("/proc/version", encoding="utf-8", errors="replace") as f:
            return "microsoft" in f.read().lower()
    except OSError:
        return False


def available() -> str | None:
    """Name of the backend `copy` would use, or None."""
    backends = _backends()
    return backends[0].name if backends else None


def _run_copy(backend: Backend, text: str) -> None:
    if backend.copy_cmd is None:
        import pyperclip

        try:
            pyperclip.copy(text)
        except pyperclip.PyperclipException as exc:
            raise RuntimeFailure(f"clipboard: {str(exc).splitlines()[0]}") from None
        return
    # stderr to a file, not a pipe: the forked selection server would hold a pipe open.
    with tempfile.TemporaryFile() as errfile:
        proc = subprocess.Popen(
            backend.copy_cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=errfile, start_new_session=True, close_fds=True,
        )
        try:
            proc.communicate(text.encode("utf-8"), timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise RuntimeFailure(f"clipboard: {backend.name} did not finish") from None
        if proc.returncode != 0:
            errfile.seek(0)
            reason = errfile.read(2000).decode(errors="replace").strip().splitlines()
            raise RuntimeFailure(
                f"clipboard: {backend.name} failed ({reason[0] if reason else proc.returncode})"
            )


def paste() -> str:
    """What the clipboard holds now (through the first usable backend)."""
    for backend in _backends():
        if backend.paste_cmd is None:
            import pyperclip

            return str(pyperclip.paste())
        try:
            out = subprocess.run(backend.paste_cmd, capture_output=True, timeout=TIMEOUT,
                                 check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0:
            return out.stdout.decode("utf-8", errors="replace")
    raise RuntimeFailure(_NO_BACKEND)


_NO_BACKEND = (
    "no clipboard available: install xclip or xsel (X11) or wl-clipboard (Wayland), "
    "or use the TUI, which also copies through the terminal (OSC 52)"
)


def copy(text: str) -> str:
    """Put `text` on the clipboard; returns where it went ("xclip", ...).

    RuntimeFailure with a one-line reason when no backend works."""
    errors: list[str] = []
    for backend in _backends():
        try:
            _run_copy(backend, text)
            return backend.name
        except (RuntimeFailure, OSError) as exc:
            errors.append(str(exc))
    if errors:
        raise RuntimeFailure(errors[-1])
    raise RuntimeFailure(_NO_BACKEND)


def osc52_sequence(text: str, *, tmux: bool = False) -> str:
    """The OSC 52 "set clipboard" escape for `text`; `tmux=True` wraps it in a
    DCS passthrough (for tmux with `allow-passthrough on`)."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    seq = f"\x1b]52;c;{payload}\x07"
    if tmux:
        return "\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return seq


def osc52_clear_sequence(*, tmux: bool = False) -> str:
    """Clear the terminal clipboard as far as the terminal allows: a single space
    first (tmux and some terminals ignore an empty write, so the secret is at least
    replaced), then empty content (xterm and others then clear it)."""
    return osc52_sequence(" ", tmux=tmux) + osc52_sequence("", tmux=tmux)


@dataclass(frozen=True)
class ClearPlan:
    """What auto-clear will do after a copy, and the line that says so."""

    seconds: float
    #: A detached process empties the system clipboard if it still holds the text.
    system: bool
    #: The terminal clipboard (OSC 52) gets `sequence` after `seconds`.
    terminal: bool
    sequence: str
    note: str


def plan_clear(seconds: float, *, system: str | None, osc52: bool, clear_terminal: bool,
               tmux: bool = False) -> ClearPlan:
    """Auto-clear after a copy that went to the system clipboard through `system`
    (a backend name, None when none worked) and/or to the terminal (`osc52`).
    `clear_terminal`: the caller will write `sequence` to the terminal after
    `seconds` (or has passed `tty=` to schedule_clear)."""
    if seconds <= 0 or not (system or osc52):
        return ClearPlan(0, False, False, "", "")
    n = f"{seconds:g}s"
    terminal = osc52 and clear_terminal
    sequence = osc52_clear_sequence(tmux=tmux) if terminal else ""
    if system and terminal:
        note = (f"the system clipboard will be cleared in {n}, and the terminal clipboard "
                "(OSC 52) where the terminal allows it")
    elif system and osc52:
        note = (f"the system clipboard will be cleared in {n}; the terminal clipboard "
                "(OSC 52) will not be: clear it yourself")
    elif system:
        note = f"the clipboard will be cleared in {n}"
    elif terminal:
        note = (f"the terminal clipboard (OSC 52) will be cleared in {n} where the terminal "
                "allows it (it cannot be checked first)")
    else:
        note = "auto-clear does not reach the terminal clipboard (OSC 52): clear it yourself"
    return ClearPlan(seconds, bool(system), terminal, sequence, note)


def write_to_terminal(tty: str, sequence: str) -> bool:
    """Write `sequence` to the terminal device `tty` (e.g. /dev/pts/3); False when
    it is gone or is not a terminal (never writes into a regular file)."""
    try:
        fd = os.open(tty, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return False
    try:
        if not os.isatty(fd):
            return False
        os.write(fd, sequence.encode("ascii"))
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clear_if_unchanged(expected_digest: str) -> bool:
    """Empty the clipboard if it still holds the text with `expected_digest`."""
    try:
        if digest(paste()) != expected_digest:
            return False
        copy("")
        return True
    except RuntimeFailure:
        return False


def schedule_clear(text: str, seconds: float, *, tty: str | None = None,
                   tmux: bool = False) -> subprocess.Popen[bytes] | None:
    """Start a detached process that clears the clipboard after `seconds` if it
    still holds `text`, and, with `tty`, writes the OSC 52 clear to that terminal
    then. Returns it (None when `seconds` <= 0)."""
    if seconds <= 0:
        return None
    extra = ["--tty", tty] if tty else []
    if tty and tmux:
        extra.append("--tmux")
    return subprocess.Popen(
        [sys.executable, "-m", "ssotui.core.clipboard", "--clear-after", str(seconds),
         digest(text), *extra],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, close_fds=True,
    )


def _main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "--clear-after":
        tty = argv[argv.index("--tty") + 1] if "--tty" in argv[3:-1] else None
        time.sleep(float(argv[1]))
        clear_if_unchanged(argv[2])
        if tty:
            write_to_terminal(tty, osc52_clear_sequence(tmux="--tmux" in argv[3:]))
        return 0
    print("usage: python -m ssotui.core.clipboard --clear-after SECONDS SHA256 [--tty PATH "
          "[--tmux]]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

"""The profile / credentials-section writer dialog."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from ssotui.core.models import Account, RoleCredentials
from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing


def pretty_path(path: object) -> str:
    """`~/.aws/config` rather than the full home path (shorter, and no user name)."""
    text, home = str(path), str(Path.home())
    return "~" + text[len(home):] if home != "/" and text.startswith(home + "/") else text


def diff_text(before: str, after: str, path: str) -> Text:
    out = Text()
    lines = list(difflib.unified_diff(before.splitlines(), after.splitlines(),
                                      f"{path} (now)", f"{path} (after)", lineterm="", n=1))
    if not lines:
        return Text("no change: the file already says this", style="dim")
    for line in lines:
        style = ""
        if line.startswith("+") and not line.startswith("+++"):
            style = "green"
        elif line.startswith("-") and not line.startswith("---"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        # the file's own bytes may hold anything (an ESC sequence drives the terminal)
        out.append(shown(line.expandtabs(4)) + "\n", style)
    return out


P = TypeVar("P", bound="Clearable")


class Clearable(Protocol):
    """A write plan as the dialogs see it (core.writeplan's and core.profilesync's)."""

    @property
    def changed(self) -> bool: ...
    @property
    def refused(self) -> bool: ...
    def forced(self: P) -> P: ...


def cleared(screen: Screen[Any], plan: P | None, override: bool) -> P | None:
    """What the dialog's write key may commit: the plan, or it forced once the user
    took the separate override step; None (and the user told why) otherwise."""
    if plan is None or not plan.changed:
        screen.notify("nothing to write", severity="warning")
        return None
    if not plan.refused:
        return plan
    if not override:
        screen.notify("refused: press ctrl+o to override first", severity="error")
        return None
    return plan.forced()


def block_of(text: str, header: str) -> str:
    """The lines of one `[header]` block of an INI text (for the preview)."""
    out: list[str] = []
    inside = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == header
        if inside:
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


class WriteScreen(ModalScreen[str | None]):
    """Write a profile (kind "profile") or a credentials section (kind "credentials").

    The name comes from the template and can be edited; the core's write plan for
    it is shown live (the block, a diff, secrets masked) and a separate call commits
    it. A plan the CLI would refuse without --force is refused here too: the
    dialog names each conflict and what an override replaces, and only the
    Override toggle (ctrl+o or its button; never the write key, never Enter) lets
    ctrl+s / Write go ahead. Dismisses with a one-line summary, or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("ctrl+s", "confirm", "write"),
        Binding("ctrl+o", "override", "override"),
        Binding("ctrl+r", "reveal", "reveal secrets"),
    ]

    def __init__(self, backend: be.Backend, kind: str, account: Account, role: str,
                 name: str) -> None:
        super().__init__()
        self.backend = backend
        self.kind = kind
        self.account = account
        self.role = role
        self.initial_name = name
        self.preview: be.Preview | None = None
        self.creds: RoleCredentials | None = None
        self.revealed = False
        self.override = False

    def compose(self) -> ComposeResult:
        what = "profile" if self.kind == "profile" else "credentials section"
        title = f"Write {what} for {shown(self.account.account_name)} / {shown(self.role)}"
        with Vertical(id="dialog"):
            yield Label(Text(title), classes="dialog-title")
            with Horizontal(classes="row"):
                yield Label("name ", classes="field-label")
                yield Input(self.initial_name, id="name")
            yield Static("", id="warning")
            with VerticalScroll(id="preview-scroll"):
                yield Static("preparing preview…", id="block")
                yield Static("", id="diff")
            with Horizontal(classes="buttons"):
                yield Button("Write", id="write", variant="primary", disabled=True)
                override = Button("Override", id="override", variant="warning")
                override.can_focus = False  # Enter on a focused button must never override
                override.display = False
                yield override
                yield Button("Cancel", id="cancel")
            yield Label(self._hint(False), id="hint", classes="dialog-hint")

    def _hint(self, conflicts: bool) -> str:
        hint = "ctrl+s write · Esc cancel"
        if conflicts:
            hint = "ctrl+o override · " + hint
        if self.kind == "credentials":
            hint += " · ctrl+r reveal secrets"
        return hint

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.refresh_preview(self.initial_name)

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        self.override = False  # an override is for the conflicts it was shown with
        self.refresh_preview(event.value.strip())

    @on(Input.Submitted, "#name")
    def _submitted(self) -> None:
        if self.preview is not None and self.preview.conflicts:
            self.notify("Enter never overrides: ctrl+o, then ctrl+s", severity="warning")
            return
        self.action_confirm()

    @work(thread=True, exclusive=True, exit_on_error=False, group="preview")
    def refresh_preview(self, name: str) -> None:
        try:
            if not name:
                raise ValueError("enter a name")
            if self.kind == "profile":
                preview = self.backend.preview_profile(self.account, self.role, name)
            else:
                if self.creds is None:
                    self.creds = self.backend.role_credentials(self.account.account_id,
                                                               self.role)
                preview = self.backend.preview_credentials(self.account, self.role, name,
                                                           self.creds)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.app.call_from_thread(self._show_error, be.describe_error(exc)[0])
            return
        self.app.call_from_thread(self._show, preview)

    @tolerate_closing
    def _show_error(self, text: str) -> None:
        self.preview = None
        self.query_one("#warning", Static).update(Text("✗ " + shown(text), style="bold red"))
        self.query_one("#write", Button).disabled = True
        self.query_one("#override", Button).display = False

    def _say(self, text: str, path: str) -> str:
        return shown(text.replace(str(self.preview.path if self.preview else ""), path))

    @tolerate_closing
    def _show(self, preview: be.Preview) -> None:
        if self.query_one("#name", Input).value.strip() != preview.name:
            return  # a stale preview for a name since edited
        self.preview = preview
        path = pretty_path(preview.path)
        block = block_of(preview.shown(preview.after, self.revealed), f"[{preview.header}]")
        diff = diff_text(preview.shown(preview.before, self.revealed),
                         preview.shown(preview.after, self.revealed), path)
        self.query_one("#block", Static).update(Text(block or "(empty)"))
        self.query_one("#diff", Static).update(diff)
        warn = Text()
        for c in preview.conflicts:
            warn.append(f"✗ refused: {self._say(c.message, path)}\n", "bold red")
        if preview.conflicts:
            overrides = "; ".join(self._say(c.override, path) for c in preview.conflicts)
            if self.override:
                warn.append(f"⚠ Override is on: ctrl+s will {overrides}", "bold yellow")
            else:
                warn.append(f"ctrl+o Override would {overrides}", "yellow")
        else:
            warn.append(f"→ {path}" + "".join(f" · {self._say(n, path)}" for n in preview.notes),
                        "dim")
        self.query_one("#warning", Static).update(warn)
        button = self.query_one("#write", Button)
        button.disabled = not preview.changed or (preview.refused and not self.override)
        button.label = "Replace" if self.override else "Write"
        override = self.query_one("#override", Button)
        override.display = bool(preview.conflicts)
        override.label = "Override: on" if self.override else "Override"
        self.query_one("#hint", Label).update(self._hint(bool(preview.conflicts)))

    def action_reveal(self) -> None:
        if self.kind == "credentials":
            self.revealed = not self.revealed
            if self.preview is not None:
                self._show(self.preview)

    def action_override(self) -> None:
        """The deliberate step that lets a refused plan be written."""
        if self.preview is None or not self.preview.conflicts:
            return
        self.override = not self.override
        self._show(self.preview)

    @on(Button.Pressed, "#write")
    def _write_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#override")
    def _override_pressed(self) -> None:
        self.action_override()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_confirm(self) -> None:
        preview = cleared(self, self.preview, self.override)
        if preview is not None:
            self.commit(preview)

    @work(thread=True, exclusive=True, exit_on_error=False, group="commit")
    def commit(self, preview: be.Preview) -> None:
        try:
            self.backend.commit(preview)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.app.call_from_thread(self._show_error, be.describe_error(exc)[0])
            return
        what = f"[profile {preview.name}]" if self.kind == "profile" else f"[{preview.name}]"
        self.app.call_from_thread(self.dismiss, f"wrote {what} in {pretty_path(preview.path)}")

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The profile / credentials-section writer dialog."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ssotui.core.models import Account, RoleCredentials
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing

MASK = "••••••••"


def pretty_path(path: object) -> str:
    """`~/.aws/config` rather than the full home path (shorter, and no user name)."""
    text, home = str(path), str(Path.home())
    return "~" + text[len(home):] if home != "/" and text.startswith(home + "/") else text


_SECRET_LINE = re.compile(r"(?im)^([ \t]*aws_(?:secret_access_key|session_token)[ \t]*[=:][ \t]*)(\S.*)$")


def mask_secrets(text: str, creds: RoleCredentials | None = None) -> str:
    """Every secret key's value masked: ours, and any other section's in the file."""
    if creds is not None:
        for secret in (creds.secret_access_key, creds.session_token):
            if secret:
                text = text.replace(secret, MASK)
    return _SECRET_LINE.sub(lambda m: m.group(1) + MASK, text)


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
        out.append(line + "\n", style)
    return out


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

    The name comes from the template and can be edited; the block and a diff
    against the file are previewed live; the core computes the new text and a
    separate call commits it. Dismisses with a one-line summary, or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("ctrl+s", "confirm", "write"),
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

    def compose(self) -> ComposeResult:
        what = "profile" if self.kind == "profile" else "credentials section"
        with Vertical(id="dialog"):
            yield Label(f"Write {what} for {self.account.account_name} / {self.role}",
                        classes="dialog-title")
            with Horizontal(classes="row"):
                yield Label("name ", classes="field-label")
                yield Input(self.initial_name, id="name")
            yield Static("", id="warning")
            with VerticalScroll(id="preview-scroll"):
                yield Static("preparing preview…", id="block")
                yield Static("", id="diff")
            with Horizontal(classes="buttons"):
                yield Button("Write", id="write", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")
            hint = "ctrl+s write · Esc cancel"
            if self.kind == "credentials":
                hint += " · ctrl+r reveal secrets"
            yield Label(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.refresh_preview(self.initial_name)

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        self.refresh_preview(event.value.strip())

    @on(Input.Submitted, "#name")
    def _submitted(self) -> None:
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
        self.query_one("#warning", Static).update(Text("✗ " + text, style="bold red"))
        self.query_one("#write", Button).disabled = True

    @tolerate_closing
    def _show(self, preview: be.Preview) -> None:
        if self.query_one("#name", Input).value.strip() != preview.name:
            return  # a stale preview for a name since edited
        self.preview = preview
        header = f"[profile {preview.name}]" if self.kind == "profile" else f"[{preview.name}]"
        if self.kind == "profile" and preview.name == "default":
            header = "[default]"
        block = block_of(preview.after, header)
        shown = pretty_path(preview.path)
        diff = diff_text(preview.before, preview.after, shown)
        if not self.revealed:
            block = mask_secrets(block, self.creds)
            if self.kind == "credentials":
                diff = diff_text(mask_secrets(preview.before, self.creds),
                                 mask_secrets(preview.after, self.creds), shown)
        self.query_one("#block", Static).update(Text(block or "(empty)"))
        self.query_one("#diff", Static).update(diff)
        warn = self.query_one("#warning", Static)
        if preview.warning:
            style = "bold red" if preview.conflict else "yellow"
            warn.update(Text(("⚠ " if not preview.conflict else "✗ ") + preview.warning,
                             style=style))
        else:
            warn.update(Text(f"→ {shown}", style="dim"))
        button = self.query_one("#write", Button)
        button.disabled = not preview.changed
        button.label = "Replace" if preview.conflict else "Write"

    def action_reveal(self) -> None:
        if self.kind == "credentials":
            self.revealed = not self.revealed
            if self.preview is not None:
                self._show(self.preview)

    @on(Button.Pressed, "#write")
    def _write_pressed(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_confirm(self) -> None:
        if self.preview is None or not self.preview.changed:
            self.notify("nothing to write", severity="warning")
            return
        self.commit(self.preview)

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

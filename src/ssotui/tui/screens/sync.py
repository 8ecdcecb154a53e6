"""The profiles sync preview: the core's plan for the marked roles (what `ssotui
profiles sync` would do), its summary, conflicts and diff; ctrl+s writes it.

The plan is made and committed on thread workers (the config is read and written
there, never on the UI thread). A plan with conflicts is refused as the CLI refuses
it without --force; ctrl+o (never ctrl+s or Enter) overrides exactly the named
conflicts. Dismisses with a one-line summary, or None.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ssotui.core.models import Account
from ssotui.core.text import shown
from ssotui.tui import backend as be
from ssotui.tui.closing import tolerate_closing
from ssotui.tui.screens.write import cleared, diff_text, pretty_path

MAX_SKIPPED = 10  # skipped roles listed, then "… and N more"


class SyncScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel"),
        Binding("ctrl+s", "confirm", "write"),
        Binding("ctrl+o", "override", "override"),
    ]

    def __init__(self, backend: be.Backend, selected: list[tuple[Account, str]],
                 listed: set[str]) -> None:
        super().__init__()
        self.backend = backend
        self.selected = selected
        self.listed = listed
        self.plan: be.SyncPlan | None = None
        self.override = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Profiles sync: {len(self.selected):,} marked roles",
                        classes="dialog-title")
            yield Static("planning…", id="summary")
            with VerticalScroll(id="preview-scroll"):
                yield Static("", id="diff")
            yield Label("ctrl+s write · Esc cancel", id="hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.make_plan()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-plan")
    def make_plan(self) -> None:
        try:
            plan = self.backend.plan_sync(self.selected, self.listed)
            diff = diff_text(plan.write.before, plan.write.after, pretty_path(plan.write.path))
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.app.call_from_thread(self._show_error, be.describe_error(exc)[0])
            return
        self.app.call_from_thread(self._show, plan, diff)

    @tolerate_closing
    def _show_error(self, text: str) -> None:
        self.plan = None
        self.query_one("#summary", Static).update(Text("✗ " + shown(text), style="bold red"))

    @tolerate_closing
    def _show(self, plan: be.SyncPlan, diff: Text | None = None) -> None:
        self.plan = plan
        path = pretty_path(plan.write.path)
        out = Text(f"→ {path}: {plan.summary()}\n", style="bold")
        for note in plan.notes:
            out.append(f"· {shown(note)}\n", "dim")
        for c in plan.conflicts:
            out.append(f"✗ refused: {shown(c.message)}\n", "bold red")
        skipped = plan.skipped()
        for item in skipped[:MAX_SKIPPED]:
            out.append(f"– skipped {shown(item.name or item.holder)}: {shown(item.reason)}\n",
                       "yellow")
        if len(skipped) > MAX_SKIPPED:
            out.append(f"– … and {len(skipped) - MAX_SKIPPED} more skipped\n", "yellow")
        if plan.conflicts:
            what = "; ".join(shown(c.override) for c in plan.conflicts)
            if self.override:
                out.append(f"⚠ Override is on: ctrl+s will {what}", "bold yellow")
            else:
                out.append(f"ctrl+o Override would {what}", "yellow")
        self.query_one("#summary", Static).update(out)
        if diff is not None:
            self.query_one("#diff", Static).update(diff)
        hint = "ctrl+s write · Esc cancel"
        self.query_one("#hint", Label).update(("ctrl+o override · " + hint) if plan.conflicts
                                              else hint)

    def action_override(self) -> None:
        """The deliberate step that lets a refused plan be written."""
        if self.plan is None or not self.plan.conflicts:
            return
        self.override = not self.override
        self._show(self.plan)

    def action_confirm(self) -> None:
        plan = cleared(self, self.plan, self.override)
        if plan is not None:
            self.commit(plan)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-commit")
    def commit(self, plan: be.SyncPlan) -> None:
        try:
            self.backend.commit(plan.write)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.app.call_from_thread(self._show_error, be.describe_error(exc)[0])
            return
        self.app.call_from_thread(
            self.dismiss, f"{pretty_path(plan.write.path)}: {plan.summary()}")

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The main screen's actions, in one table: its key bindings, the key bar, the help
screen and the command palette are all built from it.

Each action has a key that cannot be typed into the filter (Enter, ctrl/alt
combinations, F-keys that xterm and tmux deliver), so every action works while
typing; ctrl+a/e/k/u/w/d/v/x/c stay the filter's own editing keys and ctrl+i/m/h/[
are not used (terminals send them as Tab, Enter, Backspace and Esc). List mode
(Esc) adds single-letter keys. Users remap the keys in prefs.toml:

    [keys]
    copy = "ctrl+y"
    profile = "f3"

ctrl+l (console) is free in the filter and reaches ssotui through tmux and xterm
(ctrl+b would be tmux's prefix, ctrl+s/ctrl+z the terminal's flow control and suspend).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import NamedTuple

from textual.binding import Binding
from textual.keys import _character_to_key, key_to_character

ID_PREFIX = "ssotui."
_PRINTABLE_KEYS = frozenset(_character_to_key(c) for c in string.printable if c.isprintable())


class Action(NamedTuple):
    id: str  # the name in the [keys] table and the screen's action_<id>
    key: str  # the default key on the main screen, in the filter or not
    label: str  # the key bar's word
    help: str  # the help screen's and the palette's line
    letter: str = ""  # its key in list mode, if any
    bar: bool = True  # shown in the key bar (else in help and the palette only)

    @property
    def binding_id(self) -> str:
        return ID_PREFIX + self.id


ACTIONS: tuple[Action, ...] = (
    Action("copy", "enter", "copy",
           "copy the highlighted role's credentials (--print-env: print them and exit)", "c"),
    Action("export", "ctrl+o", "export…", "choose an export format, then copy", "e"),
    Action("profile", "ctrl+n", "profile", "write a [profile] block to the AWS config", "p"),
    Action("credentials", "ctrl+t", "creds",
           "write a section to the shared credentials file", "w"),
    Action("favorite", "ctrl+f", "fav", "mark / unmark the highlighted role as a favorite",
           "f"),
    # profiles sync: ctrl+space arrives as ctrl+@ from most terminals
    Action("mark", "ctrl+space,ctrl+@", "mark",
           "mark / unmark the highlighted role for a profiles sync", bar=False),
    Action("mark_shown", "ctrl+b", "mark shown",
           "mark every role the filter shows (again: unmark them)", bar=False),
    Action("sync", "ctrl+s", "sync…",
           "preview, then write, a [profile] for every marked role", bar=False),
    Action("refresh", "ctrl+r", "refresh", "list accounts and roles again", "r"),
    Action("switch", "ctrl+g", "session", "switch sso-session", "s"),
    Action("help", "f1", "help", "show every key", "question_mark"),
    Action("list_mode", "escape", "list mode",
           "single-letter keys (c e p w o f r s ? q, 1–9 and j/k); Esc or / goes back"),
    Action("quit", "ctrl+q", "quit", "quit", "q"),
    # last: at 120 columns the key bar has no room left, and quit must stay on it
    Action("console", "ctrl+l", "console",
           "open the AWS console as the role (no browser here: the URL is copied)", "o"),
)
BY_ID = {a.id: a for a in ACTIONS}

#: favorites and recent roles, as numbered next to them in the accounts list
JUMP_KEYS = tuple(f"alt+{n}" for n in range(1, 10))

#: moving while typing: never remapped, never shown in the key bar
NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("up", "move(-1)", "previous account"),
    ("down", "move(1)", "next account"),
    ("pageup", "page(-1)", "page up"),
    ("pagedown", "page(1)", "page down"),
    ("home", "edge(0)", "first account"),
    ("end", "edge(-1)", "last account"),
    ("left", "role(-1)", "previous role"),
    ("right", "role(1)", "next role"),
    ("shift+tab", "role(-1)", "previous role"),
    ("tab", "role(1)", "next role"),
)


def typeable(key: str) -> bool:
    """A key that types a character into the filter (never an action key there)."""
    char = key_to_character(key)
    return key in _PRINTABLE_KEYS or (char is not None and char.isprintable())


def keymap(overrides: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Textual's keymap ({binding id: keys}) from the [keys] table of the prefs, and a
    warning for each entry that cannot be used (an unknown action, or a key that
    types a character into the filter)."""
    out: dict[str, str] = {}
    warnings: list[str] = []
    for action_id, keys in overrides.items():
        if action_id not in BY_ID:
            warnings.append(f"[keys] {action_id}: no such action "
                            f"(one of {', '.join(BY_ID)})")
            continue
        if not isinstance(keys, str) or not keys.strip():
            warnings.append(f"[keys] {action_id} = {keys!r}: not a key name")
            continue
        keys = keys.strip()
        bad = [k for k in keys.split(",") if typeable(k.strip())]
        if bad:
            warnings.append(f"[keys] {action_id} = {keys!r}: {bad[0]!r} types into the "
                            "filter; use a ctrl/alt or F-key")
            continue
        out[BY_ID[action_id].binding_id] = keys
    return out, warnings


def main_bindings() -> list[Binding]:
    """The main screen's bindings: every action, moving and jumping, all priority so
    the filter (which has its own Enter, Home, End, Left and Right) never takes them."""
    out = [Binding(a.key, a.id, a.label, priority=a.id != "list_mode", id=a.binding_id,
                   show=a.bar) for a in ACTIONS]
    out += [Binding(key, action, text, show=False, priority=True)
            for key, action, text in NAVIGATION]
    out += [Binding(k, f"jump({n})", f"favorite {n}", show=False, priority=True)
            for n, k in enumerate(JUMP_KEYS, 1)]
    return out


def list_bindings() -> list[Binding]:
    """List mode's single letters (on the accounts list, so only there)."""
    out = [Binding(a.letter, f"screen.{a.id}", a.label, id=f"list.{a.id}")
           for a in ACTIONS if a.letter]
    out += [Binding("escape,slash", "screen.filter_mode", "filter"),
            Binding("k", "screen.move(-1)", "up", show=False),
            Binding("j", "screen.move(1)", "down", show=False)]
    out += [Binding(str(n), f"screen.jump({n})", f"favorite {n}", show=False)
            for n in range(1, 10)]
    return out


def key_of(action: Action, keys: Mapping[str, str]) -> str:
    """The key an action is on now (a remapped one, else the default)."""
    return keys.get(action.binding_id, action.key)

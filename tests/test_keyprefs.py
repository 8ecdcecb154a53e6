"""The [keys] table of prefs.toml (core.keyprefs) and the key map the TUI makes of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ssotui.core.keyprefs import key_overrides


def test_read_from_the_file_when_the_prefs_do_not_carry_it(tmp_path: Path) -> None:
    path = tmp_path / "prefs.toml"
    assert key_overrides(object(), path) == ({}, [])  # no file: defaults, no warning
    path.write_text('default_format = "env"\n[keys]\ncopy = "ctrl+y"\nhelp = "f2"\n')
    assert key_overrides(object(), path) == ({"copy": "ctrl+y", "help": "f2"}, [])
    path.write_text('keys = "ctrl+y"\n')
    table, warnings = key_overrides(object(), path)
    assert table == {} and "keys must be a table" in warnings[0]
    path.write_text("[keys\n")  # core.prefs reports the syntax error itself
    assert key_overrides(object(), path) == ({}, [])


def test_prefs_that_carry_the_table_win(tmp_path: Path) -> None:
    @dataclass
    class WithKeys:
        keys: dict[str, str] = field(default_factory=lambda: {"quit": "f10"})

    path = tmp_path / "prefs.toml"
    path.write_text('[keys]\nquit = "ctrl+x"\n')
    assert key_overrides(WithKeys(), path) == ({"quit": "f10"}, [])


def test_the_keymap_refuses_typed_keys_and_unknown_actions() -> None:
    from ssotui.tui.actions import keymap

    keys, warnings = keymap({"copy": "ctrl+y,f9", "quit": "q", "favorite": "space",
                             "help": "question_mark", "nope": "f2", "switch": ""})
    assert keys == {"ssotui.copy": "ctrl+y,f9"}
    text = "\n".join(warnings)
    for bad in ("quit = 'q'", "favorite = 'space'", "help = 'question_mark'",
                "nope: no such action", "switch = ''"):
        assert bad in text, (bad, text)

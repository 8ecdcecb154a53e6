"""Untrusted text becomes inert: no control sequence survives shown()."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ssotui.core.text import is_clean, shown


def test_osc52_and_csi_are_escaped_visibly() -> None:
    evil = "prod\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202eevil"
    out = shown(evil)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert out == "prod\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\u202eevil"


def test_plain_names_are_unchanged() -> None:
    for name in ("prod-payments", "Zoë's account", "データ", "a b", "[bold]x[/]"):
        assert shown(name) == name


@given(st.text())
def test_shown_is_always_clean(text: str) -> None:
    out = shown(text)
    assert is_clean(out)
    assert "\n" not in out and "\r" not in out

"""The write and sync previews show a diff of the config's own text: whatever bytes
the file holds are shown inert, never sent to the terminal as they are."""

from __future__ import annotations

from ssotui.tui.screens.write import diff_text


def test_control_sequences_in_the_file_are_shown_escaped() -> None:
    before = "[profile a]\n# \x1b]52;c;ZXZpbA==\x07 pasted by accident\nregion = x\u202e\n"
    after = before + "\n[profile b]\nsso_session = corp\n\tregion = eu-west-1\n"
    text = diff_text(before, after, "config").plain
    assert "[profile b]" in text and "   region = eu-west-1" in text
    diffed = diff_text(before, before.replace("region = x", "region = y"), "config").plain
    assert "\\x1b]52;c;ZXZpbA==\\x07" in diffed and "\\u202e" in diffed
    for plain in (text, diffed):
        assert not any(c in plain for c in "\x1b\x07\u202e\t")

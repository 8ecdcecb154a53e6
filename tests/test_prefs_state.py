"""prefs.toml is the user's file: a syntax error never leads to a write, edits keep
comments and unknown keys, and the recent list lives in a separate state file."""

from __future__ import annotations

import json
import tomllib

import pytest

from ssotui.core import prefs as P
from ssotui.core import recent as R

HAND_WRITTEN = """\
# my preferences, by hand
default_format = "fish"   # I use fish
future_option = { deep = [1, 2] }  # a key ssotui does not know (yet)

favorites = ["1/A"]
"""


def _write(text: str) -> None:
    P.prefs_path().parent.mkdir(parents=True, exist_ok=True)
    P.prefs_path().write_text(text)


def test_syntax_error_is_never_overwritten_by_a_copy_or_a_favorite() -> None:
    broken = 'default_format = "fish"\nfavorites = ["1/A"\nname_template = "x"\n'
    _write(broken)
    prefs, warnings = P.load_prefs_with_warnings()
    assert len(warnings) == 1
    assert f"{P.prefs_path()}, line 3" in warnings[0]
    assert "fix that line or delete the file" in warnings[0]
    # a copy (the recent list) works and leaves the file alone
    got = P.update_prefs(lambda p: P.with_recent(p, "1/A"))
    assert got.recent == ["1/A"] and R.recent() == ["1/A"]
    assert P.prefs_path().read_text() == broken
    # a favorite toggle refuses with the same line instead of writing
    with pytest.raises(P.PrefsUnreadable) as refused:
        P.update_prefs(lambda p: P.with_favorite_toggled(p, "2/B"))
    assert f"{P.prefs_path()}, line 3" in str(refused.value)
    assert "nothing saved" in str(refused.value)
    assert refused.value.exit_code == 2
    assert P.prefs_path().read_text() == broken
    assert list(P.prefs_path().parent.iterdir()) == [P.prefs_path()]


def test_edits_keep_comments_layout_and_unknown_keys() -> None:
    _write(HAND_WRITTEN)
    P.update_prefs(lambda p: P.with_favorite_toggled(p, "2/B"))
    after = P.prefs_path().read_text()
    assert after == HAND_WRITTEN.replace('["1/A"]', '["1/A", "2/B"]')
    P.update_prefs(lambda p: P.with_recent(p, "2/B"))
    assert P.prefs_path().read_text() == after  # recent goes elsewhere
    P.update_prefs(lambda p: P.with_favorite_toggled(p, "1/A"))
    assert tomllib.loads(P.prefs_path().read_text())["future_option"] == {"deep": [1, 2]}
    assert "# I use fish" in P.prefs_path().read_text()


def test_recent_lives_in_the_state_file() -> None:
    assert P.remember_recent("1/A") == ["1/A"]
    assert P.remember_recent("2/B") == ["2/B", "1/A"]
    assert P.remember_recent("1/A") == ["1/A", "2/B"]
    assert P.recent() == ["1/A", "2/B"] == P.load_prefs().recent
    assert not P.prefs_path().exists()
    doc = json.loads(R.state_path().read_text())
    assert doc == {"version": 1, "recent": ["1/A", "2/B"]}
    assert R.state_path().stat().st_mode & 0o777 == 0o600
    assert R.state_path().parent != P.prefs_path().parent
    for i in range(30):
        P.remember_recent(f"{i}/R")
    assert len(P.recent()) == P.RECENT_LIMIT


def test_old_recent_key_is_read_until_the_state_file_exists() -> None:
    _write('recent = ["9/Old"]\n')
    assert P.load_prefs().recent == ["9/Old"]
    P.update_prefs(lambda p: P.with_recent(p, "1/A"))
    assert P.load_prefs().recent == ["1/A", "9/Old"]
    assert P.prefs_path().read_text() == 'recent = ["9/Old"]\n'


@pytest.mark.parametrize("text", ["{", "[" * 100_000 + "]" * 100_000, '{"recent": 3}', "null"])
def test_unusable_state_file_is_an_empty_list(text: str) -> None:
    R.state_path().parent.mkdir(parents=True, exist_ok=True)
    R.state_path().write_text(text)
    assert P.recent() == []
    assert P.remember_recent("1/A") == ["1/A"]


def test_concurrent_updates_keep_every_recent_entry() -> None:
    import threading

    def worker(prefix: str) -> None:
        for i in range(40):
            P.update_prefs(lambda p, k=f"{prefix}{i}/R": P.with_recent(p, k, limit=500))

    threads = [threading.Thread(target=worker, args=(c,)) for c in "abc"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(P.recent()) == sorted(f"{c}{i}/R" for c in "abc" for i in range(40))

"""A prefs.toml with a syntax error: the TUI says so once at start, copies still work,
and `f` refuses with the file's line instead of writing."""

from __future__ import annotations

from typing import Any

from tui.tuikit import make_app, notifications, screen_text, wait_main_loaded

BROKEN = '# mine\nfavorites = ["1/A"\ndefault_format = "fish"\n'


async def test_favorite_refused_when_prefs_toml_is_broken(tui_signed_in: Any) -> None:
    from ssotui.core import prefs

    path = prefs.prefs_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKEN)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await wait_main_loaded(pilot)
        warned = [n for n in notifications(app) if "not valid TOML" in n]
        assert len(warned) == 1 and f"{path}, line 3" in warned[0]
        await pilot.press("slash", *"staging dev", "escape", "f")
        await pilot.pause()
        said = notifications(app)
        assert any("nothing saved" in n and f"{path}, line 3" in n for n in said), said
        assert not any("added to favorites" in n for n in said)
        assert "★" not in screen_text(app)
        assert not app.is_favorite("777788889999", "Developer")
        assert screen.current_entry is not None
    assert path.read_text() == BROKEN

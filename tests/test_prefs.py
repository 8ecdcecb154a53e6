"""prefs: TOML in the XDG config dir; a broken file means defaults and a warning."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ssotui.core import prefs as P


def test_path_honours_xdg_config_home(isolated_home: Path) -> None:
    assert P.prefs_path() == isolated_home / ".config" / "ssotui" / "prefs.toml"


def test_defaults_when_missing() -> None:
    assert P.load_prefs_with_warnings() == (P.Prefs(), [])
    assert P.Prefs().name_template == "{account_id}_{role_name}"


def test_round_trip_and_mode() -> None:
    p = P.Prefs(default_format="fish", favorites=["1/Admin"], recent=["2/Read"],
                autoclear_seconds=30, default_region="eu-west-1")
    P.save_prefs(p)
    assert P.load_prefs() == p
    assert P.prefs_path().stat().st_mode & 0o777 == 0o600
    data = tomllib.loads(P.prefs_path().read_text())
    assert data["default_format"] == "fish" and data["favorites"] == ["1/Admin"]


def test_none_region_not_written() -> None:
    P.save_prefs(P.Prefs())
    assert "default_region" not in P.prefs_path().read_text()


def test_corrupt_file_gives_defaults_and_warning(capsys: pytest.CaptureFixture[str]) -> None:
    P.prefs_path().parent.mkdir(parents=True)
    P.prefs_path().write_text("default_format = [unclosed\n")
    assert P.load_prefs() == P.Prefs()
    err = capsys.readouterr().err
    assert "not valid TOML" in err and "using default preferences" in err


def test_bad_values_fall_back_one_by_one() -> None:
    P.prefs_path().parent.mkdir(parents=True)
    P.prefs_path().write_text(
        'default_format = "yaml"\nautoclear_seconds = -3\nfavorites = ["1/A"]\nbogus = 1\n'
    )
    prefs, warnings = P.load_prefs_with_warnings()
    assert prefs == P.Prefs(favorites=["1/A"])
    assert len(warnings) == 3 and any("bogus" in w for w in warnings)


def test_update_recent_and_favorites() -> None:
    P.update_prefs(lambda p: P.with_recent(p, "1/A"))
    P.update_prefs(lambda p: P.with_recent(p, "2/B"))
    got = P.update_prefs(lambda p: P.with_recent(p, "1/A"))
    assert got.recent == ["1/A", "2/B"]
    P.update_prefs(lambda p: P.with_favorite_toggled(p, "1/A"))
    assert P.load_prefs().favorites == ["1/A"]
    P.update_prefs(lambda p: P.with_favorite_toggled(p, "1/A"))
    assert P.load_prefs().favorites == []
    assert len(P.with_recent(P.Prefs(recent=[str(i) for i in range(30)]), "x").recent) == P.RECENT_LIMIT


def test_credentials_template_default_differs_from_profile_template() -> None:
    prefs = P.Prefs()
    assert prefs.credentials_template == "{account_name}-{role_name}"
    assert prefs.credentials_template != prefs.name_template


def test_credentials_template_loaded_and_checked() -> None:
    P.prefs_path().parent.mkdir(parents=True)
    P.prefs_path().write_text('credentials_template = "creds-{role_name}"\n')
    assert P.load_prefs_with_warnings() == (P.Prefs(credentials_template="creds-{role_name}"), [])
    P.prefs_path().write_text('credentials_template = "  "\n')
    prefs, warnings = P.load_prefs_with_warnings()
    assert prefs == P.Prefs() and "credentials_template" in warnings[0]


def test_prefs_behave_as_the_dataclass_did() -> None:
    """Prefs is a plain class (start-up speed): keyword-only, lists not shared between
    instances, == by value, unhashable, replace() copies, unknown names refused."""
    a = P.Prefs()
    a.favorites.append("1/A")
    assert P.Prefs().favorites == [] and P.Prefs().guardrails == []
    b = a.replace(default_format="fish")
    assert (b.default_format, b.favorites, a.default_format) == ("fish", ["1/A"], "env")
    assert b != a and b == P.Prefs(default_format="fish", favorites=["1/A"])
    assert "default_format='fish'" in repr(b)
    assert P.FIELDS[0] == "default_format" and len(P.FIELDS) == 11
    with pytest.raises(TypeError):
        hash(a)
    with pytest.raises(TypeError):
        P.Prefs(no_such_pref=1)  # type: ignore[call-arg]

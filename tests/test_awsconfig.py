"""awsconfig: reading like botocore, and profile upserts that keep every other byte.

The byte check is independent of awsconfig's own parser: the test renders the
block it expects, finds it in the new file, and requires the rest to be the old
file (for an append: the old file plus line breaks; for a replacement: the old
file minus exactly the old block's header and key lines). The semantic check
reads both files with configparser, as botocore does.
"""

from __future__ import annotations

import configparser
import difflib
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssotui.core import awsconfig, files
from ssotui.core.errors import ConfigError, UsageError
from ssotui.core.models import SsoSession

CORPUS = sorted((Path(__file__).parent / "data" / "configs").glob("*.ini"))
VALUES = {
    "sso_session": "corp",
    "sso_account_id": "123456789012",
    "sso_role_name": "AdministratorAccess",
    "region": "us-east-1",
}


def first_newline(text: str) -> str:
    m = re.search(r"\r\n|\r|\n", text)
    return m.group(0) if m else "\n"


def expected_block(name: str, values: dict[str, str], nl: str) -> str:
    header = "default" if name == "default" else f"profile {name}"
    return nl.join([f"[{header}]"] + [f"{k} = {v}" for k, v in values.items()]) + nl


def botocore_view(text: str) -> dict[str, dict[str, str]]:
    """Sections as configparser sees the file (BOM dropped, universal newlines)."""
    body = text[1:] if text.startswith("\ufeff") else text
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    cp = configparser.RawConfigParser(strict=False)
    cp.read_string(body)
    return {s: dict(cp.items(s)) for s in cp.sections()}


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_KEY_LINE = re.compile(r"\s*(?P<k>.*?)\s*[=:]\s*(?P<v>.*?)\s*")


def assert_spliced(old: bytes, new: bytes, name: str, values: dict[str, str], replaced: bool) -> None:
    old_text = files.decode(old)
    nl = first_newline(old_text)
    header = f"profile {name}"
    if not replaced:
        block = expected_block(name, values, nl).encode("utf-8")
        assert new.count(block) == 1, "the new block appears exactly once"
        k = new.index(block)
        prefix, suffix = new[:k], new[k + len(block):]
        assert suffix == b""
        assert prefix.startswith(old), "every old byte kept, in place"
        added = prefix[len(old):]
        assert added.replace(nl.encode(), b"") == b"" and added.count(nl.encode()) <= 2
    else:
        assert_edited_in_place(old_text, files.decode(new), name, values)
    before = botocore_view(old_text)
    after = botocore_view(files.decode(new))
    assert after.pop(header) == {**before.pop(header, {}), **values}, "other keys of the block kept"
    assert after == before, "every other section reads the same"


def assert_edited_in_place(old: str, new: str, name: str, values: dict[str, str]) -> None:
    """Outside the block every byte is kept; inside it only managed key lines (and
    the indented continuation lines of one) go, and only `key = value` lines for
    the managed keys come in."""
    # A file ending without a line break may get one before an appended key.
    if not old.endswith(("\n", "\r")):
        old += first_newline(old)
    if not new.endswith(("\n", "\r")):
        new += first_newline(old)
    old_lines = _LINES.findall(old)
    start = next(i for i, ln in enumerate(old_lines)
                 if ln.strip().lstrip("\ufeff") == f"[profile {name}]")
    end = next((i for i in range(start + 1, len(old_lines)) if old_lines[i].strip().startswith("[")),
               len(old_lines))
    head, tail = "".join(old_lines[:start + 1]), "".join(old_lines[end:])
    assert new.startswith(head) and new.endswith(tail), "bytes outside the block kept"
    assert len(new) >= len(head) + len(tail)
    mid_old = old_lines[start + 1:end]
    mid_new = _LINES.findall(new[len(head):len(new) - len(tail)])
    ops = difflib.SequenceMatcher(None, mid_old, mid_new, autojunk=False).get_opcodes()
    for _tag, i1, i2, j1, j2 in (op for op in ops if op[0] != "equal"):
        for line in mid_old[i1:i2]:
            m = _KEY_LINE.fullmatch(line.rstrip("\r\n"))
            managed = m is not None and m.group("k").lower() in values
            assert managed or line[:1].isspace(), f"only managed keys replaced, not {line!r}"
        for line in mid_new[j1:j2]:
            m = _KEY_LINE.fullmatch(line.rstrip("\r\n"))
            assert m is not None and values.get(m.group("k").lower()) == m.group("v"), line


def test_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_round_trip(path: Path, tmp_path: Path) -> None:
    original = path.read_bytes()
    target = tmp_path / "config"
    target.write_bytes(original)
    old = files.decode(original)
    replacing = "[profile replace-me]" in old
    name = "replace-me" if replacing else "ssotui-test"
    before = target.stat().st_mtime_ns
    changed = awsconfig.save_profile(name, VALUES, force=True, path=target)
    new = target.read_bytes()
    if path.name.startswith("31_"):  # the identical block is already there
        assert not changed and new == original and target.stat().st_mtime_ns == before
        return
    assert changed
    assert_spliced(original, new, name, VALUES, replaced=replacing)
    # Writing the same block again is a no-op.
    mtime = target.stat().st_mtime_ns
    assert not awsconfig.save_profile(name, VALUES, path=target)
    assert target.stat().st_mtime_ns == mtime and target.read_bytes() == new


# --- hypothesis: generated configs, same property ---------------------------------

_TEXT = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85")
_NAME = st.from_regex(r"[a-z][a-z0-9_.-]{0,10}", fullmatch=True).filter(lambda n: n != "default")
_DELIMS = [" = ", "=", " =", "= ", ":", " : ", "\t=\t", "   =   "]


@st.composite
def configs(draw: st.DrawFn) -> tuple[str, list[str]]:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    names = draw(st.lists(_NAME, min_size=0, max_size=6, unique=True))
    lines: list[str] = []
    profiles: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        lines.append(draw(st.sampled_from(["#", ";", "  #"])) + draw(st.text(_TEXT, max_size=20)))
    if draw(st.booleans()):
        names = ["default", *names]
    for name in names:
        kind = "default" if name == "default" else draw(st.sampled_from(["profile", "sso-session", "plain"]))
        header = {"default": "default", "plain": name}.get(kind, f"{kind} {name}")
        if kind in ("default", "profile"):
            profiles.append(name)
        lines.append(f"[{header}]")
        keys = draw(st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), max_size=5))
        for key in keys:
            kind_of_line = draw(st.sampled_from(["opt", "opt", "comment", "blank"]))
            if kind_of_line == "comment":
                lines.append(draw(st.sampled_from(["#", ";", "   #", "\t;"])) + draw(st.text(_TEXT, max_size=20)))
            elif kind_of_line == "blank":
                lines.append(draw(st.sampled_from(["", "  ", "\t"])))
            value = draw(st.text(_TEXT, max_size=25)).strip()
            lines.append(f"{key}{draw(st.sampled_from(_DELIMS))}{value}")
        lines.extend([""] * draw(st.integers(0, 2)))
    text = nl.join(lines)
    if lines and draw(st.booleans()):
        text += nl
    if draw(st.booleans()):
        text = awsconfig.BOM + text
    return text, profiles


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=configs(), pick_existing=st.booleans(), region=st.sampled_from(["us-east-1", "eu-west-1"]))
def test_generated_configs_keep_every_byte(data: tuple[str, list[str]], pick_existing: bool,
                                           region: str) -> None:
    text, profiles = data
    candidates = [p for p in profiles if p != "default"]
    replacing = pick_existing and bool(candidates)
    name = candidates[0] if replacing else "hypo-new"
    values = dict(VALUES, region=region)
    old = files.encode(text)
    current = awsconfig.parse(text).find("profile", name)
    new_text = awsconfig.upsert_profile(text, name, values, force=True)
    if current is not None and all(current.values.get(k) == v for k, v in values.items()):
        assert new_text == text
        return
    assert_spliced(old, files.encode(new_text), name, values, replaced=replacing)


# --- reading ---------------------------------------------------------------------


def test_load_sessions_blocks_and_legacy(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.write_text(
        "[sso-session corp]\nsso_start_url = https://a.awsapps.com/start\nsso_region = eu-west-1\n"
        "sso_registration_scopes = sso:account:access, codewhisperer:completions\n\n"
        "[profile old]\nsso_start_url = https://b.awsapps.com/start\nsso_region = us-west-2\n"
        "sso_account_id = 1\nsso_role_name = R\n\n"
        "[profile new]\nsso_session = corp\nsso_start_url = https://a.awsapps.com/start\n"
    )
    sessions = awsconfig.load_sessions(cfg)
    assert sessions == [
        SsoSession("corp", "https://a.awsapps.com/start", "eu-west-1",
                   ("sso:account:access", "codewhisperer:completions")),
        SsoSession("old", "https://b.awsapps.com/start", "us-west-2", (), legacy_profile="old"),
    ]


def test_load_sessions_uses_aws_config_file(isolated_home: Path) -> None:
    path = Path(os.environ["AWS_CONFIG_FILE"])
    path.write_text("[sso-session x]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n")
    assert awsconfig.config_path() == path
    assert [s.name for s in awsconfig.load_sessions()] == ["x"]


def test_load_profiles(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.write_text('[default]\nRegion = us-east-1\n[profile "a b"]\nx=1\n[sso-session s]\nk:v\n[plugins]\ny = 2\n')
    assert awsconfig.load_profiles(cfg) == {"default": {"region": "us-east-1"}, "a b": {"x": "1"}}


def test_missing_file_reads_as_empty(tmp_path: Path) -> None:
    assert awsconfig.load_sessions(tmp_path / "nope") == []
    assert awsconfig.load_profiles(tmp_path / "nope") == {}


def test_session_without_region_names_line_and_fix(tmp_path: Path) -> None:
    cfg = tmp_path / "config"
    cfg.write_text("# x\n[sso-session corp]\nsso_start_url = https://a.awsapps.com/start\n")
    with pytest.raises(ConfigError, match=r"config:2: .*sso_region.*add `sso_region ="):
        awsconfig.load_sessions(cfg)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("[default]\nregion = x\n[profile broken\nregion = y\n", 3, "unclosed section header"),
        ("[profile a]\nx = 1\n\n[profile a]\ny = 2\n", 4, "defined twice"),
        ("[profile a]\n[profile  a]\n", 2, "defined twice"),
        ("region = us-east-1\n[default]\n", 1, "outside any section"),
        ("[default]\njust words\n", 2, "not `key = value`"),
    ],
)
def test_malformed_config_is_a_config_error(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        awsconfig.upsert_profile(text, "p", VALUES, path="/x/config")
    message = str(info.value)
    assert message.startswith(f"/x/config:{line}: ") and words in message
    assert "\n" not in message and info.value.exit_code == 2


# --- editing rules ---------------------------------------------------------------


def test_different_block_refused_with_difference() -> None:
    text = awsconfig.upsert_profile("", "p", VALUES)
    other = dict(VALUES, region="eu-west-1", output="json")
    with pytest.raises(UsageError) as info:
        awsconfig.upsert_profile(text, "p", other, path="cfg")
    msg = str(info.value)
    assert "region us-east-1 -> eu-west-1" in msg and "output (none) -> json" in msg
    assert "--force" in msg and "cfg:1" in msg
    assert "region = eu-west-1" in awsconfig.upsert_profile(text, "p", other, force=True)


def test_extra_user_keys_count_as_same_block() -> None:
    text = expected_block("p", VALUES, "\n") + "cli_pager = less\n"
    assert awsconfig.upsert_profile(text, "p", VALUES) == text


def test_default_profile_has_no_prefix() -> None:
    new = awsconfig.upsert_profile("", "default", VALUES)
    assert new.startswith("[default]\n")


def test_crlf_file_gets_crlf_block() -> None:
    new = awsconfig.upsert_profile("[default]\r\nregion = x\r\n", "p", VALUES)
    assert new == "[default]\r\nregion = x\r\n\r\n" + expected_block("p", VALUES, "\r\n")
    assert "\n" not in new.replace("\r\n", "")


def test_value_with_line_break_refused() -> None:
    with pytest.raises(UsageError, match="^invalid key or value for 'region': no line breaks"):
        awsconfig.upsert_profile("", "p", dict(VALUES, region="us-east-1\n[profile evil]"))


def test_upsert_sso_session_creates_then_noop() -> None:
    s = SsoSession("corp", "https://a.awsapps.com/start", "us-east-1", ("sso:account:access",))
    text = awsconfig.upsert_sso_session("# mine\n", s)
    assert text == ("# mine\n\n[sso-session corp]\nsso_start_url = https://a.awsapps.com/start\n"
                    "sso_region = us-east-1\nsso_registration_scopes = sso:account:access\n")
    assert awsconfig.upsert_sso_session(text, s) == text


def test_save_profile_through_symlink_keeps_link(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "aws-config"
    real.parent.mkdir()
    real.write_text("[default]\nregion = us-east-1\n")
    real.chmod(0o640)
    link = tmp_path / "config"
    link.symlink_to(real)
    assert awsconfig.save_profile("p", VALUES, path=link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "[profile p]" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o640


# --- --force edits in place (QA bug: comments, cli_pager and nested blocks lost) ----

USER_BLOCK = (
    "[profile mine]\n"
    "# keep me\n"
    "sso_session = corp\n"
    "sso_account_id = 111111111111\n"
    "sso_role_name = ReadOnly\n"
    "region = eu-west-1\n"
    "cli_pager =\n"
    "s3 =\n"
    "  max_concurrent_requests = 20\n"
)
OTHER = "[profile other]\nregion = us-west-2\n"


def test_force_updates_managed_keys_in_place_and_keeps_the_rest() -> None:
    text = USER_BLOCK + "# after the block\n\n" + OTHER
    new = awsconfig.upsert_profile(text, "mine", VALUES, force=True, if_absent=("region",))
    assert new == text.replace("sso_account_id = 111111111111", "sso_account_id = 123456789012") \
                      .replace("sso_role_name = ReadOnly", "sso_role_name = AdministratorAccess")
    # region given explicitly: that one line changes too, in place
    new = awsconfig.upsert_profile(text, "mine", dict(VALUES, region="ap-south-1"), force=True)
    assert new == text.replace("sso_account_id = 111111111111", "sso_account_id = 123456789012") \
                      .replace("sso_role_name = ReadOnly", "sso_role_name = AdministratorAccess") \
                      .replace("region = eu-west-1", "region = ap-south-1")


def test_force_appends_missing_keys_after_the_last_key_line() -> None:
    block = "[profile mine]\r\n# keep me\r\nsso_session = old\r\ns3 =\r\n  x = 1\r\n"
    text = block + "; trailing comment\r\n"
    new = awsconfig.upsert_profile(text, "mine", dict(VALUES, output="json"), force=True,
                                   if_absent=("region", "output"))
    assert new == (
        "[profile mine]\r\n# keep me\r\nsso_session = corp\r\ns3 =\r\n  x = 1\r\n"
        "sso_account_id = 123456789012\r\nsso_role_name = AdministratorAccess\r\n"
        "region = us-east-1\r\noutput = json\r\n; trailing comment\r\n"
    )
    # the block ends the file without a line break: still none at the end
    new = awsconfig.upsert_profile("[profile mine]\nsso_session = corp", "mine",
                                   {"sso_session": "corp", "sso_role_name": "R"}, force=True)
    assert new == "[profile mine]\nsso_session = corp\nsso_role_name = R"


def test_force_replaces_a_nested_managed_value_and_keeps_odd_spacing() -> None:
    text = "[profile mine]\nRegion:eu-west-1   \nsso_session=\n  nested = 1\n# c\nsso_role_name\t=\tx\n"
    new = awsconfig.upsert_profile(text, "mine", {"sso_session": "corp", "region": "us-east-1",
                                                  "sso_role_name": "x"}, force=True)
    assert new == "[profile mine]\nRegion:us-east-1\nsso_session= corp\n# c\nsso_role_name\t=\tx\n"
    assert botocore_view(new)["profile mine"] == {"region": "us-east-1", "sso_session": "corp",
                                                  "sso_role_name": "x"}


def test_refusal_is_one_line_and_shows_only_differing_managed_keys() -> None:
    text = USER_BLOCK.replace("region = eu-west-1\n", "region =\n  odd = 1\n")
    with pytest.raises(UsageError) as info:
        awsconfig.upsert_profile(text, "mine", VALUES, path="cfg")
    msg = str(info.value)
    assert "\n" not in msg
    assert "sso_account_id 111111111111 -> 123456789012" in msg
    assert "sso_role_name ReadOnly -> AdministratorAccess" in msg
    assert "region (nested values) -> us-east-1" in msg
    assert "s3" not in msg and "cli_pager" not in msg and "sso_session" not in msg


def test_same_role_with_user_region_and_extra_keys_is_a_noop() -> None:
    text = USER_BLOCK.replace("111111111111", "123456789012").replace("ReadOnly", "AdministratorAccess")
    assert awsconfig.upsert_profile(text, "mine", VALUES, if_absent=("region",)) == text
    assert awsconfig.upsert_profile(text, "mine", VALUES, if_absent=("region",), force=True) == text
    # an explicit different region still differs
    with pytest.raises(UsageError, match="region eu-west-1 -> us-east-1"):
        awsconfig.upsert_profile(text, "mine", VALUES)

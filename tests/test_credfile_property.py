"""Property: for random credentials files (indented keys and headers, nested values,
comments, blank lines, CRLF) and random credential values, writing a section with
--force gives a file that botocore, in a separate process, reads with the section
holding exactly our keys and every other section exactly as before; every byte
outside the section is kept."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from interop import child_env
from ssotui.core import files, writeplan
from ssotui.core.errors import ConfigError
from ssotui.core.inifile import parse
from ssotui.core.models import RoleCredentials

# One child process for every example: it reads a file path and a section name per
# line and answers with what botocore's own loaders make of the file.
_CHILD = r"""
import json, sys
from botocore.configloader import raw_config_parse
from botocore.credentials import SharedCredentialProvider
for line in sys.stdin:
    path, name = json.loads(line)
    try:
        parsed = raw_config_parse(path)
        creds = SharedCredentialProvider(path, name).load()
        got = [creds.access_key, creds.secret_key, creds.token] if creds else None
        print(json.dumps({"sections": parsed, "creds": got}), flush=True)
    except Exception as exc:
        print(json.dumps({"error": type(exc).__name__ + ": " + str(exc)}), flush=True)
"""


class Botocore:
    def __init__(self, home: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, env=child_env({"HOME": str(home)}),
        )

    def read(self, path: Path, name: str) -> dict[str, object]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps([str(path), name]) + "\n")
        self.proc.stdin.flush()
        return dict(json.loads(self.proc.stdout.readline()))

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def botocore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Botocore]:
    child = Botocore(tmp_path_factory.mktemp("home"))
    yield child
    child.close()


_NAME = st.from_regex(r"[A-Za-z0-9_.@+=,-]{1,10}", fullmatch=True)
_VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20).map(str.strip)
_INDENT = st.sampled_from(["", "", "", " ", "  ", "\t"])


@st.composite
def credentials_files(draw: st.DrawFn) -> tuple[str, list[str]]:
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    names = draw(st.lists(_NAME, max_size=5, unique=True))
    lines = [draw(st.sampled_from(["# top", "; top", ""])) for _ in range(draw(st.integers(0, 2)))]
    for name in names:
        lines.append(draw(_INDENT) + f"[{name}]")
        keys = draw(st.lists(st.sampled_from(
            ["aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region",
             "output", "s3", "x_note"]), max_size=5, unique=True))
        for key in keys:
            indent = draw(_INDENT)
            kind = draw(st.sampled_from(["plain", "plain", "nested", "comment", "blank"]))
            if kind == "comment":
                lines.append(indent + draw(st.sampled_from(["# c", "; c", "# ssotui: expires x (y)"])))
            elif kind == "blank":
                lines.append("")
            delim = draw(st.sampled_from([" = ", "=", ": ", " =  "]))
            if kind == "nested":
                lines.append(f"{indent}{key}{delim}".rstrip())
                for _ in range(draw(st.integers(1, 2))):
                    lines.append(indent + "    " + f"sub = {draw(_VALUE) or 'v'}")
            else:
                lines.append(f"{indent}{key}{delim}{draw(_VALUE)}")
    text = nl.join(lines) + (nl if lines and draw(st.booleans()) else "")
    return text, names


_CREDS = st.builds(
    lambda key, secret, token: RoleCredentials(key, secret, token,
                                               datetime(2030, 1, 2, tzinfo=UTC)),
    st.from_regex(r"ASIA[A-Z0-9]{16}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9/+]{40}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9/+]{20,200}={0,2}", fullmatch=True),
)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=credentials_files(), creds=_CREDS, pick=st.integers(0, 5))
# found by this test: keys appended to a bare [000] swallowed the indented ` [0]`
@example(data=("[000]\n [0]\n[00]", []), creds=RoleCredentials(
    "ASIA0000000000000000", "s" * 40, "t" * 40, datetime(2030, 1, 2, tzinfo=UTC)), pick=2)
# and: an empty last value at the end of the file was filled after the appended keys
@example(data=("[0]\naws_access_key_id = \naws_secret_access_key=", []), creds=RoleCredentials(
    "ASIA0000000000000000", "s" * 40, "t" * 40, datetime(2030, 1, 2, tzinfo=UTC)), pick=0)
def test_written_file_reads_the_same_in_botocore(botocore: Botocore, tmp_path: Path,
                                                 data: tuple[str, list[str]],
                                                 creds: RoleCredentials, pick: int) -> None:
    text, names = data
    path = tmp_path / "credentials"
    path.write_bytes(files.encode(text))
    then = botocore.read(path, "-")
    if "error" in then:
        event("botocore cannot read the file before")
        return  # botocore cannot read it either; never ours to fix
    sections = then["sections"]
    assert isinstance(sections, dict)
    target = sorted(sections)[pick] if pick < len(sections) else "ssotui-new"
    try:
        existing = parse(text, path, config_kinds=False).find_header(target)
        plan = writeplan.plan_credentials(target, creds, account_id="111122223333",
                                          role="ReadOnly", force=True, path=path,
                                          config=tmp_path / "config")
    except ConfigError as exc:
        pytest.fail(f"botocore reads it but the write was refused: {exc}\n{text!r}")
    event("replaced an existing section" if existing else "added a section")
    if existing is not None and existing.values.get("aws_access_key_id") is not None:
        event("the section held keys before")
    writeplan.commit(plan)
    new = files.decode(path.read_bytes())
    if existing is None:
        assert new.startswith(text)
    else:  # every byte outside the section is kept
        assert new.startswith(text[: existing.start]) and new.endswith(text[existing.end :])
    now = botocore.read(path, target)
    assert "error" not in now, (now, text, new)
    assert now["creds"] == [creds.access_key_id, creds.secret_access_key, creds.session_token]
    others = {k: v for k, v in sections.items() if k != target}
    assert {k: v for k, v in now["sections"].items() if k != target} == others  # type: ignore[union-attr]

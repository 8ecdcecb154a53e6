"""The parsed shape of an INI file (core.inifile parses and edits it): sections with
their keys' offsets, as botocore's configparser and shlex see the headers.
"""

from __future__ import annotations

import functools
import re

_SHLEX_SPECIAL = re.compile(r"[\"'\\]")  # quotes and escapes: leave those to shlex
_SHLEX_SPACE = re.compile(r"[ \t\r\n]+")  # shlex's whitespace (not str.split's)



# Plain classes, not dataclasses: reading the config is on the way to the picker's
# first frame, where making a dataclass costs ~0.5 ms.

class KeyLine:
    """Offsets of one `key = value` line (and its continuation lines): where the value
    begins on the key line, the end of that line before its line break, and the
    continuation lines (whole lines)."""

    __slots__ = ("value_start", "value_end", "continuations")

    def __init__(self, value_start: int, value_end: int,
                 continuations: list[tuple[int, int]] | None = None) -> None:
        self.value_start = value_start
        self.value_end = value_end
        self.continuations = continuations if continuations is not None else []

    def __repr__(self) -> str:
        return f"KeyLine({self.value_start}, {self.value_end}, {self.continuations!r})"


class Section:
    """One `[header]` block: where it is and what it says. `header`: the text between
    the brackets, as botocore's configparser sees it; `lineno`: 1-based line of the
    header; `start`: offset of the header line; `end`: offset just past its last key
    (or continuation) line; `keys`: where each key's last occurrence is."""

    def __init__(self, header: str, lineno: int, start: int, end: int,
                 values: dict[str, str] | None = None,
                 keys: dict[str, KeyLine] | None = None) -> None:
        self.header = header
        self.lineno = lineno
        self.start = start
        self.end = end
        self.values: dict[str, str] = values if values is not None else {}
        self.keys: dict[str, KeyLine] = keys if keys is not None else {}

    def __repr__(self) -> str:
        return f"Section({self.header!r}, line {self.lineno}, {self.start}-{self.end})"

    @functools.cached_property  # asked again and again; the header never changes
    def kind(self) -> str:
        """"profile", "sso-session", "default" or "other" (config-file view)."""
        if self.header == "default":
            return "profile"
        for kind in ("profile", "sso-session"):
            if self.header.startswith(kind) and _shlex_name(self.header) is not None:
                return kind
        return "other"

    @functools.cached_property
    def name(self) -> str:
        if self.header == "default":
            return "default"
        return _shlex_name(self.header) or self.header


@functools.lru_cache(maxsize=1 << 16)  # asked for every section, again and again
def _shlex_name(header: str) -> str | None:
    if not _SHLEX_SPECIAL.search(header):  # what shlex.split does, 100x faster
        parts = _SHLEX_SPACE.split(header.strip(" \t\r\n"))
    else:
        import shlex  # rare (quotes in a header): kept off the start-up path

        try:
            parts = shlex.split(header)
        except ValueError:
            return None
    return parts[1] if len(parts) == 2 else None


class Document:
    """A config or credentials file's text and its sections, in file order."""

    def __init__(self, path: str, text: str, sections: list[Section]) -> None:
        self.path = path
        self.text = text
        self.sections = sections

    def __repr__(self) -> str:
        return f"Document({self.path!r}, {len(self.sections)} sections)"

    @property
    def newline(self) -> str:
        m = re.search(r"\r\n|\r|\n", self.text)
        return m.group(0) if m else "\n"

    def find(self, kind: str, name: str) -> Section | None:
        for s in self.sections:
            if s.kind == kind and s.name == name:
                return s
        return None

    def find_header(self, header: str) -> Section | None:
        for s in self.sections:
            if s.header == header:
                return s
        return None

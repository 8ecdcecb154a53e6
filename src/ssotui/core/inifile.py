"""INI text as botocore reads it, and edits that keep every other byte.

Reading follows botocore: `configparser.RawConfigParser` rules (full-line `#`/`;`
comments, `=` or `:` delimiters, indented continuation lines, lower-cased keys)
and `shlex` for `[profile NAME]` / `[sso-session NAME]` headers.

Editing never re-serialises the file. A new block is rendered by configupdater
and appended at the end with the file's own line ending. An existing block is
edited in place, one managed key at a time: a different value is replaced on its
own line, a missing key is appended after the block's last key line (with that
line's indentation, so the lines after it keep their meaning); the user's other
keys, comments, nested blocks (`s3 =` + indented lines) and spacing stay byte for
byte, as does everything outside the block — CRLF, a BOM, tabs, other tools'
marker blocks. `verify` reads the result back with configparser (as botocore
reads it): the edited section must say what we meant and every other section
exactly what it said before, or nothing is written.

Tolerated although botocore itself rejects them: a UTF-8 BOM and a key repeated
inside a section (the last one wins). Refused with a ConfigError naming
file:line: an unclosed `[header`, a section defined twice, a key outside any
section, a line that is not `key = value`.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping

from ssotui.core.errors import ConfigError, UsageError
from ssotui.core.inisections import Document, KeyLine, Section

_SECTCRE = re.compile(r"\[(?P<header>.+)\]")
_OPTCRE = re.compile(r"(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
BOM = "\ufeff"
#: The last parse of each file: one command reads the config several times (checking
#: it, finding the sso-session, planning), and a 16,500-profile file takes a while.
_last: dict[tuple[str, bool], tuple[str, Document]] = {}


def parse(text: str | None, path: str | os.PathLike[str] = "config", *, config_kinds: bool = True) -> Document:
    """Parse INI text like botocore does, remembering each section's span.

    `config_kinds`: check duplicates by profile/sso-session name (config file);
    for the credentials file only identical headers are duplicates. The same text
    parsed again returns the same Document: treat it as read-only."""
    text, key = text or "", (str(path), config_kinds)
    last = _last.get(key)
    if last is not None and last[0] == text:
        return last[1]
    doc = _parse(text, key[0], config_kinds)
    if len(_last) > 8:  # tests parse many files; a command a few
        _last.clear()
    _last[key] = (text, doc)
    return doc


def _parse(text: str, path: str, config_kinds: bool) -> Document:
    where = str(path)
    sections: list[Section] = []
    cur: Section | None = None
    optname: str | None = None
    indent_level = 0
    seen: dict[tuple[str, str], int] = {}
    for lineno, (start, line_end, line) in enumerate(_line_spans(text), start=1):
        if lineno == 1 and line.startswith(BOM):
            line, start = line[1:], 1  # the BOM stays outside any section's span
        value = line.strip()
        if not value or value[0] in "#;":
            continue
        indent = len(line) - len(line.lstrip())
        if cur is not None and optname is not None and indent > indent_level:
            cur.values[optname] += "\n" + value  # continuation of a (nested) value
            cur.keys[optname].continuations.append((start, line_end))
            cur.end = line_end
            continue
        indent_level = indent
        hm = _SECTCRE.match(value) if value[0] == "[" else None
        if hm:
            cur = Section(hm.group("header"), lineno, start, line_end)
            optname = None
            key = (cur.kind, cur.name) if config_kinds and cur.kind != "other" else ("", cur.header)
            if key in seen:
                raise ConfigError(
                    f"{where}:{lineno}: [{cur.header}] is defined twice (first at line {seen[key]}); "
                    "merge or delete one of them"
                )
            seen[key] = lineno
            sections.append(cur)
            continue
        if value.startswith("["):
            raise ConfigError(
                f"{where}:{lineno}: unclosed section header {value!r}; add the closing ']'"
            )
        if cur is None:
            raise ConfigError(
                f"{where}:{lineno}: {value!r} is outside any section; "
                "move it under a [section] header or delete it"
            )
        # what _OPTCRE (configparser's) matches, without its backtracking: the key is
        # what comes before the first = or :
        eq, colon = value.find("="), value.find(":")
        at = eq if colon < 0 or 0 <= eq < colon else colon
        option = value[:at].rstrip() if at > 0 else ""
        if not option:
            raise ConfigError(
                f"{where}:{lineno}: {value!r} in [{cur.header}] is not `key = value`; fix or delete it"
            )
        rest = value[at + 1:]
        val = rest.lstrip()
        optname = option.lower()
        cur.values[optname] = val.rstrip()
        cur.keys[optname] = KeyLine(start + indent + at + 1 + len(rest) - len(val), start + len(line))
        cur.end = line_end
    return Document(where, text, sections)


def _line_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end past the line break, line without it) for each line; a line ends
    at CRLF, CR or LF, as configparser sees the file after a text-mode read."""
    if "\r" in text:
        return [(m.start(), m.end(), m.group(0).rstrip("\r\n")) for m in _LINE.finditer(text)]
    out: list[tuple[int, int, str]] = []
    pos, size = 0, len(text)
    for line in text.split("\n"):  # no CR: a plain split, several times faster
        end = pos + len(line) + 1
        out.append((pos, min(end, size), line))
        pos = end
    if out and not out[-1][2]:
        out.pop()  # after the last line break: no line
    return out



def render_block(header: str, values: Mapping[str, str], newline: str = "\n") -> str:
    """`[header]` and `key = value` lines, rendered by configupdater, ending in `newline`."""
    for key, val in values.items():
        if any(c in str(val) for c in "\r\n") or any(c in key for c in "\r\n=:[]"):
            raise UsageError(f"invalid key or value for {key!r}: no line breaks (nor = : [ ] in keys)")
    # imported here: configupdater costs ~50 ms at import, off the TUI's startup path
    from configupdater import ConfigUpdater

    updater = ConfigUpdater()
    updater.add_section(header)
    for key, val in values.items():
        updater[header][key] = str(val)
    return str(updater).replace("\n", newline)


def splice(doc: Document, existing: Section | None, block: str) -> str:
    """`doc.text` with `existing`'s span replaced by `block`, or `block` appended."""
    text = doc.text
    if existing is not None:
        return text[: existing.start] + block + text[existing.end :]
    nl = doc.newline
    body = text[1:] if text.startswith(BOM) else text
    if not body.strip():
        return text + block if not body else text + ("" if body.endswith(("\n", "\r")) else nl) + block
    sep = "" if text.endswith(("\n", "\r")) else nl
    last = _LINE.findall(text)[-1] if text else ""
    if last.strip():  # a blank line between the previous block and ours
        sep += nl
    return text + sep + block


def _shown(value: str | None) -> str:
    if value is None:
        return "(none)"
    return "(nested values)" if "\n" in value else value  # keep the message on one line


def describe_difference(old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """`key old -> new` for each key of `new` whose value in `old` differs (one line)."""
    return ", ".join(f"{key} {_shown(old.get(key))} -> {_shown(val)}"
                     for key, val in new.items() if old.get(key) != val)



def edit_in_place(doc: Document, section: Section, changes: Mapping[str, str]) -> str:
    """`doc.text` with `section`'s keys set to `changes`: a different value is replaced
    on its own line (the last one, which is the one botocore reads; its nested
    continuation lines go), a missing key is appended after the block's last key
    line. Comments, other keys and their spacing stay byte for byte."""
    return apply_edits(doc.text, section_edits(doc, section, changes))


#: (start, end, order, replacement): replace text[start:end]; at one offset, lower
#: `order` goes first (an empty last value filled at the very end of the file stays
#: before the keys appended there).
Edit = tuple[int, int, int, str]


def section_edits(doc: Document, section: Section, changes: Mapping[str, str]) -> list[Edit]:
    """The edits `edit_in_place` makes, as offsets into `doc.text` (so edits of many
    sections can be applied in one pass by `apply_edits`)."""
    for key, val in changes.items():
        if any(c in str(val) for c in "\r\n") or any(c in key for c in "\r\n=:[]"):
            raise UsageError(f"invalid key or value for {key!r}: no line breaks (nor = : [ ] in keys)")
    text = doc.text
    edits: list[Edit] = []  # non-overlapping
    missing: list[str] = []
    for key, val in changes.items():
        line = section.keys.get(key)
        if line is None:
            missing.append(f"{key} = {val}")
            continue
        if section.values.get(key) == val:
            continue
        was_empty = not text[line.value_start : line.value_end].strip()  # `key =`: add a space
        gap = " " if was_empty and not text[line.value_start - 1 : line.value_start].isspace() else ""
        edits.append((line.value_start, line.value_end, 1, gap + val))
        edits.extend((start, end, 1, "") for start, end in line.continuations)
    if missing:
        # as indented as the block's last key line: an indented line after the block
        # (` [next]`) must not turn into a continuation of a less indented new key
        indent = _key_indent(text, section)
        m = re.search(r"(\r\n|\r|\n)\Z", text[: section.end])
        if m:  # the block's own line ending
            edits.append((section.end, section.end, 2,
                          "".join(indent + x + m.group(1) for x in missing)))
        else:  # the block ends the file without a line break: keep it that way
            nl = doc.newline
            edits.append((section.end, section.end, 2,
                          "".join(nl + indent + x for x in missing)))
    return edits


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with every edit applied, in one pass (edits must not overlap)."""
    if not edits:
        return text
    out: list[str] = []
    pos = 0
    for start, end, _, repl in sorted(edits, key=lambda e: (e[0], e[1], e[2])):
        out.append(text[pos:start])
        out.append(repl)
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def _key_indent(text: str, section: Section) -> str:
    """The indentation for keys appended to the block: its last key line's; for a
    bare header, that of the next line that counts (more indented than the new keys,
    it would read as their continuation)."""
    if not section.keys:
        for m in _LINE.finditer(text, section.end):
            line = m.group(0).rstrip("\r\n")
            if line.strip() and not line.strip().startswith(("#", ";")):
                return line[: len(line) - len(line.lstrip())]
        return ""
    start = max(k.value_start for k in section.keys.values())
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    line = text[line_start:start]
    return line[: len(line) - len(line.lstrip())]


def read_back(text: str) -> dict[str, dict[str, str]]:
    """Every section's items as botocore's configparser reads `text` (ConfigParser
    errors propagate)."""
    import configparser  # writers only: reading the config does not need it

    body = text[1:] if text.startswith(BOM) else text
    body = body.replace("\r\n", "\n").replace("\r", "\n")  # as a text-mode read sees it
    cp = configparser.RawConfigParser(strict=False)
    cp.read_string(body)
    return {name: dict(cp.items(name)) for name in cp.sections()}


def verify(old_text: str, text: str, header: str, values: Mapping[str, str], where: str,
           *, keep_others: bool = False, old_header: str | None = None) -> None:
    """Read the result back as botocore would: `[header]` must hold `values` (and, with
    `keep_others`, every other key it held before as `[old_header]`), and every other
    section must read exactly as before, or ConfigError: nothing is written."""
    import configparser

    try:
        got = read_back(text)
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(f"{where}: the edited file would not parse ({first}); nothing written") from None
    try:
        before: dict[str, dict[str, str]] | None = read_back(old_text)
    except configparser.Error:
        before = None  # the old file was only readable by our (more tolerant) parser
    old_header = header if old_header is None else old_header
    expected = {k: str(v) for k, v in values.items()}
    mine = got.get(header)
    if keep_others and before is not None:
        expected = {**before.get(old_header, {}), **expected}
        ok = mine == expected
    else:
        ok = mine is not None and {k: mine.get(k) for k in expected} == expected
    if not ok:
        raise ConfigError(f"{where}: the edited [{header}] block reads back wrong; nothing written")
    if before is None:
        return
    others_then = {k: v for k, v in before.items() if k != old_header}
    others_now = {k: v for k, v in got.items() if k != header}
    if others_now != others_then:
        changed = sorted(k for k in others_then.keys() | others_now.keys()
                         if others_then.get(k) != others_now.get(k))
        raise ConfigError(
            f"{where}: the edit would change how [{changed[0]}] reads; nothing written"
        )


def unified_diff(old: str | None, new: str, path: str | os.PathLike[str]) -> str:
    return "".join(difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{path} (current)", tofile=f"{path} (new)",
    ))



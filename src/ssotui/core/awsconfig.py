"""Read and edit the shared AWS config file without disturbing a byte of it.

Reading follows botocore: `configparser.RawConfigParser` rules (full-line `#`/`;`
comments, `=` or `:` delimiters, indented continuation lines, lower-cased keys)
and `shlex` for `[profile NAME]` / `[sso-session NAME]` headers.

Editing never re-serialises the file. A new block is rendered by configupdater
and appended at the end with the file's own line ending. An existing block is
edited in place, one managed key at a time: a different value is replaced on its
own line, a missing key is appended after the block's last key line; the user's
other keys, comments, nested blocks (`s3 =` + indented lines) and spacing stay
byte for byte, as does everything outside the block — CRLF, a BOM, tabs, other
tools' marker blocks. The result is read back with configparser (as botocore
reads it) and checked before anyone writes it.

Tolerated although botocore itself rejects them: a UTF-8 BOM and a key repeated
inside a section (the last one wins). Refused with a ConfigError naming
file:line: an unclosed `[header`, a section defined twice, a key outside any
section, a line that is not `key = value`.
"""

from __future__ import annotations

import configparser
import difflib
import os
import re
import shlex
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ssotui.core import files
from ssotui.core.errors import ConfigError, UsageError
from ssotui.core.models import SsoSession

_SECTCRE = re.compile(r"\[(?P<header>.+)\]")
_OPTCRE = re.compile(r"(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
BOM = "\ufeff"


def config_path() -> Path:
    """AWS_CONFIG_FILE, else ~/.aws/config (as botocore resolves it)."""
    env = os.environ.get("AWS_CONFIG_FILE")
    return Path(os.path.expanduser(os.path.expandvars(env))) if env else Path.home() / ".aws" / "config"


@dataclass
class KeyLine:
    """Offsets of one `key = value` line (and its continuation lines)."""

    value_start: int  # where the value begins on the key line
    value_end: int  # end of the key line, before its line break
    continuations: list[tuple[int, int]] = field(default_factory=list)  # whole lines


@dataclass
class Section:
    """One `[header]` block: where it is and what it says."""

    header: str  # text between the brackets, as botocore's configparser sees it
    lineno: int  # 1-based line of the header
    start: int  # offset of the header line
    end: int  # offset just past its last key (or continuation) line
    values: dict[str, str] = field(default_factory=dict)
    keys: dict[str, KeyLine] = field(default_factory=dict)  # where each key's last occurrence is

    @property
    def kind(self) -> str:
        """"profile", "sso-session", "default" or "other" (config-file view)."""
        if self.header == "default":
            return "profile"
        for kind in ("profile", "sso-session"):
            if self.header.startswith(kind) and _shlex_name(self.header) is not None:
                return kind
        return "other"

    @property
    def name(self) -> str:
        if self.header == "default":
            return "default"
        return _shlex_name(self.header) or self.header


def _shlex_name(header: str) -> str | None:
    try:
        parts = shlex.split(header)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


@dataclass
class Document:
    path: str
    text: str
    sections: list[Section]

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


def parse(text: str | None, path: str | os.PathLike[str] = "config", *, config_kinds: bool = True) -> Document:
    """Parse INI text like botocore does, remembering each section's span.

    `config_kinds`: check duplicates by profile/sso-session name (config file);
    for the credentials file only identical headers are duplicates."""
    text = text or ""
    where = str(path)
    sections: list[Section] = []
    cur: Section | None = None
    optname: str | None = None
    indent_level = 0
    seen: dict[tuple[str, str], int] = {}
    for lineno, m in enumerate(_LINE.finditer(text), start=1):
        line = m.group(0).rstrip("\r\n")
        start = m.start()
        if lineno == 1 and line.startswith(BOM):
            line, start = line[1:], 1  # the BOM stays outside any section's span
        value = line.strip()
        if not value or value.startswith(("#", ";")):
            continue
        indent = len(line) - len(line.lstrip())
        if cur is not None and optname is not None and indent > indent_level:
            cur.values[optname] += "\n" + value  # continuation of a (nested) value
            cur.keys[optname].continuations.append((m.start(), m.end()))
            cur.end = m.end()
            continue
        indent_level = indent
        hm = _SECTCRE.match(value)
        if hm:
            cur = Section(hm.group("header"), lineno, start, m.end())
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
        om = _OPTCRE.match(value)
        if not om or not om.group("option"):
            raise ConfigError(
                f"{where}:{lineno}: {value!r} in [{cur.header}] is not `key = value`; fix or delete it"
            )
        optname = om.group("option").rstrip().lower()
        cur.values[optname] = om.group("value").strip()
        cur.keys[optname] = KeyLine(start + indent + om.start("value"), start + len(line))
        cur.end = m.end()
    return Document(where, text, sections)


def read(path: str | os.PathLike[str] | None = None) -> Document:
    p = Path(path) if path is not None else config_path()
    return parse(files.read_text(p), p)


def load_profiles(path: str | os.PathLike[str] | None = None) -> dict[str, dict[str, str]]:
    """Profile name -> its keys (`[default]` included), in file order."""
    doc = read(path)
    return {s.name: dict(s.values) for s in doc.sections if s.kind == "profile"}


def load_sessions(path: str | os.PathLike[str] | None = None) -> list[SsoSession]:
    """Every `[sso-session NAME]` block, then every legacy profile that carries
    `sso_start_url` without `sso_session` (named after the profile)."""
    doc = read(path)
    out: list[SsoSession] = []
    for s in doc.sections:
        if s.kind == "sso-session":
            out.append(_session(doc, s, s.name, None))
    for s in doc.sections:
        if s.kind == "profile" and "sso_start_url" in s.values and "sso_session" not in s.values:
            out.append(_session(doc, s, s.name, s.name))
    return out


def _session(doc: Document, s: Section, name: str, legacy: str | None) -> SsoSession:
    for key, example in (("sso_start_url", "https://d-1234567890.awsapps.com/start"),
                         ("sso_region", "us-east-1")):
        if not s.values.get(key):
            raise ConfigError(
                f"{doc.path}:{s.lineno}: [{s.header}] has no {key}; add `{key} = {example}`"
            )
    scopes = tuple(x.strip() for x in s.values.get("sso_registration_scopes", "").split(",") if x.strip())
    return SsoSession(name=name, start_url=s.values["sso_start_url"], region=s.values["sso_region"],
                      scopes=scopes, legacy_profile=legacy)


# --- editing -----------------------------------------------------------------


def profile_header(name: str) -> str:
    return "default" if name == "default" else f"profile {name}"


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


def _upsert(doc: Document, kind: str, name: str, header: str, values: dict[str, str],
            force: bool, what: str, if_absent: Collection[str] = ()) -> str:
    """Add the block, or update the managed keys (`values`) of the existing one in place.

    Keys in `if_absent` are defaults: written in a new block, or added by a forced
    update when the block lacks them; a value the user set there is kept and never
    counts as a difference. Every other line of an existing block stays as it is."""
    existing = doc.find(kind, name)
    if existing is None:
        new = splice(doc, None, render_block(header, values, doc.newline))
        _verify(doc.text, new, header, values, doc.path)
        return new
    old = existing.values
    wanted = {k: v for k, v in values.items() if k not in if_absent}
    if all(old.get(k) == v for k, v in wanted.items()):
        return doc.text  # already there (extra keys and a region the user set are theirs)
    if not force:
        raise UsageError(
            f"[{existing.header}] in {doc.path}:{existing.lineno} differs "
            f"({describe_difference(old, wanted)}); use --force to replace it"
            + (" or --name to choose another name" if what == "profile" else "")
        )
    changes = dict(wanted)
    changes.update({k: v for k, v in values.items() if k in if_absent and k not in old})
    new = edit_in_place(doc, existing, changes)
    _verify(doc.text, new, header, {**old, **changes}, doc.path, keep_others=True)
    return new


def edit_in_place(doc: Document, section: Section, changes: Mapping[str, str]) -> str:
    """`doc.text` with `section`'s keys set to `changes`: a different value is replaced
    on its own line (the last one, which is the one botocore reads; its nested
    continuation lines go), a missing key is appended after the block's last key
    line. Comments, other keys and their spacing stay byte for byte."""
    for key, val in changes.items():
        if any(c in str(val) for c in "\r\n") or any(c in key for c in "\r\n=:[]"):
            raise UsageError(f"invalid key or value for {key!r}: no line breaks (nor = : [ ] in keys)")
    text = doc.text
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), non-overlapping
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
        edits.append((line.value_start, line.value_end, gap + val))
        edits.extend((start, end, "") for start, end in line.continuations)
    if missing:
        m = re.search(r"(\r\n|\r|\n)\Z", text[: section.end])
        if m:  # the block's own line ending
            edits.append((section.end, section.end, "".join(x + m.group(1) for x in missing)))
        else:  # the block ends the file without a line break: keep it that way
            nl = doc.newline
            edits.append((section.end, section.end, "".join(nl + x for x in missing)))
    for start, end, repl in sorted(edits, reverse=True):
        text = text[:start] + repl + text[end:]
    return text


def _read_back(text: str, header: str) -> dict[str, str]:
    body = text[1:] if text.startswith(BOM) else text
    body = body.replace("\r\n", "\n").replace("\r", "\n")  # as a text-mode read sees it
    cp = configparser.RawConfigParser(strict=False)
    cp.read_string(body)
    return dict(cp.items(header))


def _verify(old_text: str, text: str, header: str, values: Mapping[str, str], where: str,
            keep_others: bool = False) -> None:
    """Read the result back as botocore would (configparser): the block must say
    what we meant (and, with `keep_others`, every other key of it what it said
    before), or nothing is written."""
    try:
        got = _read_back(text, header)
    except configparser.Error as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(f"{where}: the edited file would not parse ({first}); nothing written") from None
    expected = {k: str(v) for k, v in values.items()}
    if keep_others:
        try:
            expected = {**_read_back(old_text, header), **expected}
        except configparser.Error:
            pass  # the old file was only readable by our (more tolerant) parser
        if got != expected:
            raise ConfigError(f"{where}: the edited [{header}] block reads back wrong; nothing written")
    elif {k: got.get(k) for k in values} != expected:
        raise ConfigError(f"{where}: the edited [{header}] block reads back wrong; nothing written")


def upsert_profile(text: str | None, name: str, values: Mapping[str, str], *,
                   force: bool = False, path: str | os.PathLike[str] = "config",
                   if_absent: Collection[str] = ()) -> str:
    """New config text with `[profile NAME]` holding `values` (in that order).

    Identical values already there -> `text` unchanged. Different ones ->
    UsageError showing the difference, unless `force`, which updates only those
    keys in place (other keys, comments and nested blocks are kept). Keys named
    in `if_absent` (say a default region) never conflict: they are written only
    into a new block, or by `force` into a block that lacks them."""
    doc = parse(text, path)
    return _upsert(doc, "profile", name, profile_header(name), dict(values), force, "profile",
                   if_absent)


def session_values(session: SsoSession) -> dict[str, str]:
    values = {"sso_start_url": session.start_url, "sso_region": session.region}
    if session.scopes:
        values["sso_registration_scopes"] = ",".join(session.scopes)
    return values


def upsert_sso_session(text: str | None, session: SsoSession, *, force: bool = False,
                       path: str | os.PathLike[str] = "config") -> str:
    """New config text with an `[sso-session NAME]` block for `session`."""
    doc = parse(text, path)
    return _upsert(doc, "sso-session", session.name, f"sso-session {session.name}",
                   session_values(session), force, "sso-session")


def unified_diff(old: str | None, new: str, path: str | os.PathLike[str]) -> str:
    return "".join(difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"{path} (current)", tofile=f"{path} (new)",
    ))


def profile_values(session: SsoSession, account_id: str, role: str, region: str | None,
                   output: str | None) -> dict[str, str]:
    """The keys of a profile block for a role, in the order the AWS CLI writes them
    (a legacy session gets the legacy sso_start_url/sso_region keys)."""
    if session.is_legacy:
        values = {"sso_start_url": session.start_url, "sso_region": session.region}
    else:
        values = {"sso_session": session.name}
    values["sso_account_id"] = account_id
    values["sso_role_name"] = role
    if region:
        values["region"] = region
    if output:
        values["output"] = output
    return values


def plan_profile(old: str | None, session: SsoSession, name: str, values: dict[str, str],
                 *, force: bool = False, path: str | os.PathLike[str] = "config",
                 if_absent: Collection[str] = ()) -> str:
    """The config text with the profile (and, when missing, its sso-session block)."""
    text = old
    if not session.is_legacy and parse(old, path).find("sso-session", session.name) is None:
        text = upsert_sso_session(old, session, path=path)
    return upsert_profile(text, name, values, force=force, path=path, if_absent=if_absent)


# --- committing (read-modify-write under the file lock) ------------------------


def save_profile(name: str, values: Mapping[str, str], *, force: bool = False,
                 path: str | os.PathLike[str] | None = None,
                 if_absent: Collection[str] = ()) -> bool:
    """Upsert `[profile NAME]` in the config file; False when it was already there."""
    p = Path(path) if path is not None else config_path()
    return files.update(p, lambda old: upsert_profile(old, name, values, force=force, path=p,
                                                      if_absent=if_absent))


def save_sso_session(session: SsoSession, *, force: bool = False,
                     path: str | os.PathLike[str] | None = None) -> bool:
    """Add (or, with `force`, replace) the `[sso-session NAME]` block for `session`."""
    p = Path(path) if path is not None else config_path()
    return files.update(p, lambda old: upsert_sso_session(old, session, force=force, path=p))


def write_profile(session: SsoSession, name: str, values: Mapping[str, str], *,
                  force: bool = False, path: str | os.PathLike[str] | None = None,
                  if_absent: Collection[str] = ()) -> bool:
    """Commit `plan_profile` to the config file; False when nothing changed."""
    p = Path(path) if path is not None else config_path()
    return files.update(p, lambda old: plan_profile(old, session, name, dict(values), force=force,
                                                    path=p, if_absent=if_absent))

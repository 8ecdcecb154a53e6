"""`profiles sync`: a profile for every role of an sso-session, as one plan and one write.

How ssotui knows its own profiles: the first line inside every block it writes is

    # ssotui: managed 111122223333/ReadOnly sso-session=corp

(the `# ssotui:` comment style of the credentials sections, see `credfile`). A
person reading the file sees which blocks a sync may change or prune; deleting
the line hands the block back to them. A block without it is never touched: a
name the sync wants that is taken by one is a conflict. In a managed block only
the keys a profile needs (sso_session, sso_account_id, sso_role_name; region
only when it has none, unless --region is given) and that comment are ever set;
every other key and comment a person added stays. `--prune` removes managed
blocks of this sso-session whose account or role is no longer listed.

Scale: the config is parsed once, every change is an offset edit into that one
text, new blocks are rendered as plain lines and appended together, and the
result is read back once with configparser as botocore reads it (each written
block must say what we meant, each pruned block be gone, every other section read
exactly as before). The commit is `writeplan.commit`: one atomic, locked write.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ssotui.core import awsconfig, credfile, files, names
from ssotui.core.errors import ConfigError
from ssotui.core.inifile import (
    Document,
    Edit,
    Section,
    apply_edits,
    parse,
    read_back,
    section_edits,
)
from ssotui.core.models import Account, SsoSession
from ssotui.core.writeplan import Conflict, WritePlan

# Conflict reasons (besides writeplan's)
DUPLICATE = "duplicate-name"  # two roles get the same name from the template
HAND_WRITTEN = "hand-written"  # the name is a profile ssotui did not write
SHADOWED = "credentials-section"  # the name is a section of the credentials file
OTHER_SESSION = "other-session"  # ssotui wrote it for another sso-session

# Item statuses, in summary order
ADDED, CHANGED, UNCHANGED, PRUNED, SKIPPED = "added", "changed", "unchanged", "pruned", "skipped"
STATUSES = (ADDED, CHANGED, UNCHANGED, PRUNED, SKIPPED)

MARK = "# ssotui: managed"
_MARK = re.compile(r"[ \t]*# ssotui: managed (?P<holder>\d{12}/[A-Za-z0-9_+=,.@-]+)"
                   r" sso-session=(?P<session>\S+)[ \t]*")  # one whole line
_ROLE = re.compile(r"[A-Za-z0-9_+=,.@-]{1,64}")
_ACCOUNT = re.compile(r"\d{12}")
_LINE_END = re.compile(r"\r\n|\r|\n")


def marker(holder: str, session: str) -> str:
    return f"{MARK} {holder} sso-session={session}"


@dataclass(frozen=True)
class Item:
    """One profile and what the sync does to it."""

    name: str
    holder: str  # ACCOUNT_ID/ROLE ("" when unknown)
    status: str  # one of STATUSES
    reason: str = ""  # why it was skipped (or pruned)


@dataclass(frozen=True)
class SyncPlan:
    write: WritePlan  # the one write (kind "profiles"); its conflicts are ours
    items: tuple[Item, ...]
    notes: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        return self.write.refused

    @property
    def changed(self) -> bool:
        return self.write.changed

    @property
    def conflicts(self) -> tuple[Conflict, ...]:
        return self.write.conflicts

    def forced(self) -> SyncPlan:
        return replace(self, write=self.write.forced())

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    def summary(self) -> str:
        """`3 added, 1 changed, 10 unchanged, 0 pruned, 1 skipped` (+ conflicts)."""
        text = ", ".join(f"{self.count(s)} {s}" for s in STATUSES)
        if self.conflicts:
            text += f", {len(self.conflicts)} conflict{'s' if len(self.conflicts) != 1 else ''}"
        return text

    def skipped(self) -> list[Item]:
        return [i for i in self.items if i.status == SKIPPED]

    def refusal(self) -> str:
        return (f"{len(self.conflicts)} name conflict{'s' if len(self.conflicts) != 1 else ''} "
                f"in {self.write.path}, nothing written; use --force to resolve them "
                "(or --name-template to choose other names)")

    def diff(self) -> str:
        return self.write.diff()


@dataclass
class _Marks:
    """Where each managed block's comment is: section start -> (holder, session, span)."""

    by_start: dict[int, tuple[str, str, tuple[int, int]]] = field(default_factory=dict)


def _marks(doc: Document) -> _Marks:
    """Map each ssotui comment line to the profile section it sits in (str.find from
    one comment to the next, a bisect for its section: linear in the file)."""
    found = _Marks()
    text = doc.text
    sections = [s for s in doc.sections if s.kind == "profile"]
    starts = [s.start for s in sections]
    pos = text.find(MARK)
    while pos != -1:
        line_start = pos
        while line_start > 0 and text[line_start - 1] in " \t":
            line_start -= 1
        brk = _LINE_END.search(text, pos)
        line_end = brk.start() if brk else len(text)
        m = _MARK.fullmatch(text, line_start, line_end)
        if m is not None and (line_start == 0 or text[line_start - 1] in "\r\n"):
            i = bisect.bisect_right(starts, pos) - 1
            if i >= 0 and sections[i].start <= pos < sections[i].end:
                found.by_start[sections[i].start] = (m.group("holder"), m.group("session"),
                                                     (line_start, line_end))
        pos = text.find(MARK, line_end)
    return found


def _line_end(text: str, offset: int) -> int:
    """Offset just past the line break after `offset` (len(text) when none)."""
    m = _LINE_END.search(text, offset)
    return m.end() if m else len(text)


def _block(header: str, mark: str, values: Mapping[str, str], nl: str) -> str:
    return nl.join([f"[{header}]", mark, *(f"{k} = {v}" for k, v in values.items())]) + nl


def _removal(text: str, section: Section) -> Edit:
    """Remove the block and one empty line before it (the one a sync put there)."""
    start = section.start
    for nl in ("\r\n", "\n", "\r"):
        if text.endswith(nl + nl, 0, start):
            start -= len(nl)
            break
    return (start, section.end, 0, "")


def _take_over(doc: Document, section: Section, mark: str, old_mark: tuple[int, int] | None,
               changes: Mapping[str, str]) -> list[Edit]:
    """Edits that set `changes` in `section` and put (or replace) our comment."""
    edits = section_edits(doc, section, changes)
    if old_mark is not None:
        start, end = old_mark
        indent = doc.text[start:end][: len(doc.text[start:end]) - len(doc.text[start:end].lstrip())]
        edits.append((start, end, 0, indent + mark))
    else:
        after_header = _line_end(doc.text, section.start)
        nl = doc.newline
        if after_header == len(doc.text) and not doc.text.endswith(("\n", "\r")):
            edits.append((after_header, after_header, 0, nl + mark))
        else:
            edits.append((after_header, after_header, 0, mark + nl))
    return edits


def _credential_sections(path: str | os.PathLike[str] | None) -> set[str]:
    p = Path(path) if path is not None else credfile.credentials_path()
    return {s.header for s in parse(files.read_text(p), p, config_kinds=False).sections}


def plan_sync(session: SsoSession, selected: Iterable[tuple[Account, str]], *,
              listed: Iterable[str] | None = None, template: str = names.DEFAULT_TEMPLATE,
              region: str | None = None, explicit_region: bool = False, prune: bool = False,
              force: bool = False, path: str | os.PathLike[str] | None = None,
              credentials: str | os.PathLike[str] | None = None) -> SyncPlan:
    """The plan for upserting a profile for each (account, role) in `selected`.

    `listed`: every `ACCOUNT_ID/ROLE` the listing holds (for `prune`; managed
    blocks of this session whose holder is not in it are removed). `region` goes
    into new blocks (and blocks lacking one), or, with `explicit_region`, into
    every block. Conflicts are named; with them the plan's text is what `force`
    writes, and it is refused until forced."""
    names.check_template(template)
    p = Path(path) if path is not None else awsconfig.config_path()
    before = files.read_text(p) or ""
    doc = awsconfig.parse(before, p)
    notes: list[str] = []
    added_session: dict[str, str] = {}
    if not session.is_legacy and doc.find("sso-session", session.name) is None:
        doc = awsconfig.parse(awsconfig.upsert_sso_session(before, session, path=p), p)
        added_session = awsconfig.session_values(session)
        notes.append(f"adds [sso-session {session.name}]")
    profiles = {s.name: s for s in doc.sections if s.kind == "profile"}
    marks = _marks(doc).by_start
    shadow = _credential_sections(credentials)
    cred_path = credentials or credfile.credentials_path()

    items: list[Item] = []
    wanted: dict[str, list[tuple[str, str]]] = {}
    for account, role in selected:
        holder = f"{account.account_id}/{role}"
        if not _ACCOUNT.fullmatch(account.account_id) or not _ROLE.fullmatch(role):
            items.append(Item("", "", SKIPPED, f"{account.account_id!r}/{role!r} is not an "
                              "account id and IAM role name"))
            continue
        name = names.sanitize(template.format(
            account_name=account.account_name, account_id=account.account_id, role_name=role,
            session=session.name))
        if not name:
            items.append(Item("", holder, SKIPPED, f"the name template gives {holder} an empty name"))
            continue
        wanted.setdefault(name, []).append((account.account_id, role))

    conflicts: list[Conflict] = []
    edits: list[Edit] = []
    new_blocks: list[str] = []
    expected: dict[str, dict[str, str]] = {}  # header -> what it must read back as
    removed: set[str] = set()
    nl = doc.newline
    if_absent = () if explicit_region else ("region",)
    for name, holders in wanted.items():
        account_id, role = holders[0]
        holder = f"{account_id}/{role}"
        if len(holders) > 1:
            others = [f"{a}/{r}" for a, r in holders[1:]]
            conflicts.append(Conflict(
                DUPLICATE, f"{len(holders)} roles would be named {name!r} "
                f"({', '.join([holder, *others])})",
                f"give {name!r} to {holder} and skip {', '.join(others)}"))
            items += [Item(name, o, SKIPPED, f"the name {name!r} goes to {holder}") for o in others]
        values = awsconfig.profile_values(session, account_id, role, region, None)
        mark = marker(holder, session.name)
        existing = profiles.get(name)
        if existing is None:
            if name in shadow:  # only for a block we add: one already there was accepted
                conflicts.append(Conflict(
                    SHADOWED, f"[{name}] is a section of {cred_path}: its keys would be "
                    f"ignored for an SSO profile {name!r}", f"write [profile {name}] anyway"))
            header = awsconfig.profile_header(name)
            new_blocks.append(_block(header, mark, values, nl))
            expected[header] = dict(values)
            items.append(Item(name, holder, ADDED))
            continue
        wanted_values = {k: v for k, v in values.items() if k not in if_absent}
        changes = {k: v for k, v in wanted_values.items() if existing.values.get(k) != v}
        changes.update({k: v for k, v in values.items() if k in if_absent and k not in existing.values})
        found = marks.get(existing.start)
        where = f"[{existing.header}] in {p}:{existing.lineno}"
        if found is None:
            differs = {k: v for k, v in wanted_values.items() if existing.values.get(k) != v}
            if not differs:
                items.append(Item(name, holder, SKIPPED, f"{where} is not ssotui's but already "
                                  "says this"))
                continue
            conflicts.append(Conflict(
                HAND_WRITTEN, f"{where} is not ssotui's "
                f"({awsconfig.describe_difference(existing.values, differs)})",
                f"take over [{existing.header}] (its other keys and comments stay)"))
        elif found[1] != session.name:
            conflicts.append(Conflict(
                OTHER_SESSION, f"{where} is synced for sso-session {found[1]}",
                f"move [{existing.header}] to sso-session {session.name}"))
        elif not changes and found[0] == holder:
            items.append(Item(name, holder, UNCHANGED))
            continue
        edits += _take_over(doc, existing, mark, found[2] if found else None, changes)
        expected[existing.header] = {**existing.values, **changes}
        items.append(Item(name, holder, CHANGED))

    # managed blocks of this session that no name goes to: their role is gone, or the
    # template now names it otherwise (say, the account was renamed)
    named = {f"{a}/{r}": name for name, holders in wanted.items() for a, r in holders[:1]}
    present = set(listed or ())
    for s in doc.sections:
        found = marks.get(s.start)
        if found is None or found[1] != session.name or s.name in wanted:
            continue
        now = named.get(found[0])
        if found[0] in present and now is None:
            continue  # listed, just not selected (a FILTER)
        why = f"{found[0]} is now named {now!r}" if now else f"{found[0]} is no longer listed"
        if not prune:
            if now:
                items.append(Item(s.name, found[0], SKIPPED, f"{why}; --prune removes it"))
            continue
        edits.append(_removal(doc.text, s))
        removed.add(s.header)
        items.append(Item(s.name, found[0], PRUNED, why))

    after = apply_edits(doc.text, edits)
    if new_blocks:
        after = awsconfig.splice(Document(doc.path, after, []), None, "".join(
            (nl if i else "") + b for i, b in enumerate(new_blocks)))
    if added_session:
        expected[f"sso-session {session.name}"] = added_session
    if after != before:
        _verify(before, after, expected, removed, str(p))
    write = WritePlan("profiles", p, "", "", before, after, tuple(conflicts), tuple(notes), force)
    return SyncPlan(write, tuple(items), tuple(notes))


def _verify(before: str, after: str, expected: Mapping[str, Mapping[str, str]],
            removed: set[str], where: str) -> None:
    """Read the result back once as botocore reads it (see the module docstring)."""
    import configparser

    try:
        got = read_back(after)
    except configparser.Error as exc:
        raise ConfigError(f"{where}: the synced file would not parse "
                          f"({str(exc).splitlines()[0]}); nothing written") from None
    try:
        then: dict[str, dict[str, str]] | None = read_back(before)
    except configparser.Error:
        then = None  # only our more tolerant parser reads it: check what we wrote
    if then is None:
        want = {h: dict(v) for h, v in expected.items()}
        bad = [h for h in want if got.get(h) != want[h]] + [h for h in removed if h in got]
    else:
        want = {h: v for h, v in then.items() if h not in removed}
        want.update({h: dict(v) for h, v in expected.items()})
        bad = [h for h in want.keys() | got.keys() if want.get(h) != got.get(h)]
    if bad:
        raise ConfigError(f"{where}: after the sync [{sorted(bad)[0]}] would read back wrong; "
                          "nothing written")


def selection(accounts: Iterable[Account], roles: Mapping[str, Iterable[str]],
              words: Iterable[str] = ()) -> list[tuple[Account, str]]:
    """Every (account, role) whose account name, id or role name contains each of
    `words` (case-insensitive), sorted by account name, id and role."""
    lowered = [w.casefold() for w in words]
    out: list[tuple[Account, str]] = []
    for account in sorted(accounts, key=lambda a: (a.account_name.casefold(), a.account_id)):
        for role in sorted(roles.get(account.account_id, ())):
            if lowered:
                hay = f"{account.account_name}\0{account.account_id}\0{role}".casefold()
                if not all(w in hay for w in lowered):
                    continue
            out.append((account, role))
    return out


def listed_holders(accounts: Iterable[Account], roles: Mapping[str, Iterable[str]]) -> set[str]:
    return {f"{a.account_id}/{r}" for a in accounts for r in roles.get(a.account_id, ())}


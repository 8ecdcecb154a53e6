"""Multi-term fuzzy filtering across account name, account id and role names.

"pay adm" keeps an account when every term matches (as a substring or, failing
that, as an in-order subsequence) one of its fields: `prod-payments` matches
"pay" and its role `AdministratorAccess` matches "adm". Each account's fields are
pre-lowered into one line; a keystroke joins the lines and finds each term in all
of them with `str.find` and one regex search per matching line rather than a Python
loop per account (a full scan of 5,000 accounts: 1-10 ms rather than 8-16 ms).
Highlight spans are computed only for the rows on screen.

A query that is one identifier names a role directly (see `identify`): an account id,
an account email, a role or assumed-role ARN, or a `[profile]` name from the AWS
config. It keeps just that account (a profile name: puts it first) and carries the
role, which `Query.role_index` prefers.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate
from operator import itemgetter
from typing import Any, NamedTuple

SEP = "\x00"  # between fields, so a fuzzy term never spans two of them
EOL = "\n"  # between accounts in the joined text (never inside a field: see rebuild)


def split_terms(query: str) -> list[str]:
    return [t for t in query.lower().split() if t]


def _fuzzy(term: str) -> re.Pattern[str]:
    """The letters of `term` in order within one field. "adm" -> a[^d\0\n]*+d[^m\0\n]*+m:
    each letter at its first place after the last (enough to find a subsequence),
    possessive so a failed start costs one pass, not a backtracking search."""
    out = re.escape(term[:1])
    for c in term[1:]:
        out += "[^" + re.escape(c) + SEP + EOL + "]*+" + re.escape(c)
    return re.compile(out)


class Entry:
    """One account as the filter sees it. `roles` is None until listed; `hay` (the
    text the filter searches) and `n_roles` (summed in C for the counts line) are
    set by rebuild(). A plain class, not a dataclass: this module is on the way to
    the first frame, where making a dataclass costs ~0.5 ms."""

    __slots__ = ("account_id", "name", "email", "roles", "favorite", "hay", "n_roles")

    def __init__(self, account_id: str, name: str, email: str = "",
                 roles: list[str] | None = None, favorite: bool = False) -> None:
        self.account_id = account_id
        self.name = name
        self.email = email
        self.roles = roles
        self.favorite = favorite
        self.hay = ""
        self.n_roles = 0

    def _key(self) -> tuple[Any, ...]:
        return (self.account_id, self.name, self.email, self.roles, self.favorite)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entry) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return (f"Entry(account_id={self.account_id!r}, name={self.name!r}, "
                f"email={self.email!r}, roles={self.roles!r}, favorite={self.favorite!r})")

    def rebuild(self) -> None:
        fields = [self.name.lower(), self.account_id]
        fields += [r.lower() for r in self.roles or ()]
        # one line per account in the joined text (AWS names hold no control characters;
        # a newline would only split this account's line, so keep it out anyway)
        self.hay = SEP.join(fields).replace(EOL, " ")
        self.n_roles = len(self.roles or ())


def _term_score(term: str, pattern: re.Pattern[str], hay: str) -> int:
    """0 = no match; higher is better (field start > word start > substring > fuzzy)."""
    i = hay.find(term)
    if i >= 0:
        if i == 0 or hay[i - 1] == SEP:
            return 40
        if not hay[i - 1].isalnum():
            return 30
        return 20
    return 10 if pattern.search(hay) else 0


# an account id as the console shows it (1111-2222-3333) or as the API does
_ACCOUNT_ID = re.compile(r"\d{4}-?\d{4}-?\d{4}")
# arn:PARTITION:iam::ID:role/PATH/NAME and arn:PARTITION:sts::ID:assumed-role/NAME/SESSION
_ARN = re.compile(r"arn:aws[a-z-]*:(iam|sts)::(\d{12}):(role|assumed-role)/(\S+)")
# IAM Identity Center names the role it creates AWSReservedSSO_<permission set>_<hash>
_SSO_ROLE = re.compile(r"AWSReservedSSO_(.+)_[0-9a-fA-F]+")
_EMAIL = re.compile(r"[^@\s]*@[^@\s]*")  # whole or in part, as it is typed
PINNED = 1000  # the score of the account an identifier names: above any fuzzy score


class Target(NamedTuple):
    """What a pasted identifier names. `exact`: keep only that account (an id, ARN or
    email); otherwise (a profile name) the text also filters as usual."""

    account_id: str = ""
    role: str = ""
    email: str = ""
    exact: bool = True


def role_of_arn(name: str) -> str:
    """The permission set behind an SSO-managed role name, else the name itself."""
    m = _SSO_ROLE.fullmatch(name)
    return m.group(1) if m else name


def identify(text: str, profiles: Mapping[str, tuple[str, str]] | None = None) -> Target | None:
    """The role (or account) that `text` names, or None for an ordinary filter.

    `profiles`: profile name -> (account id, role) from the AWS config, read off the UI
    thread by the caller (see `profiles_by_name`)."""
    t = text.strip().strip("'\"`")
    if profiles:
        name = t[len("[profile "):-1].strip() if t.startswith("[profile ") and \
            t.endswith("]") else t
        if name in profiles:
            account_id, role = profiles[name]
            return Target(account_id, role, exact=False)
    if not t or any(c.isspace() for c in t):
        return None
    if _ACCOUNT_ID.fullmatch(t):
        return Target(t.replace("-", ""))
    m = _ARN.fullmatch(t)
    if m:
        _, account_id, kind, rest = m.groups()
        parts = rest.split("/")
        # a role ARN ends with the role's name (after its path); an assumed-role ARN
        # holds the role's name, then the session's
        name = parts[0] if kind == "assumed-role" else parts[-1]
        return Target(account_id, role_of_arn(name))
    if _EMAIL.fullmatch(t):
        return Target(email=t.lower())
    return None


def profiles_by_name(index: Mapping[tuple[str, str], Iterable[str]]) -> dict[str, tuple[str, str]]:
    """{profile name: (account id, role)} from the screen's {(account id, role): names}."""
    return {name: key for key, names in index.items() for name in names}


class Query:
    """The filter's text, split into terms (each with its fuzzy pattern), and the
    identifier it names if any."""

    def __init__(self, text: str, terms: list[str], patterns: list[re.Pattern[str]],
                 target: Target | None = None) -> None:
        self.text = text
        self.terms = terms
        self.patterns = patterns
        self.target = target

    def __repr__(self) -> str:
        return f"Query(text={self.text!r}, terms={self.terms!r}, target={self.target!r})"

    @classmethod
    def parse(cls, text: str, profiles: Mapping[str, tuple[str, str]] | None = None) -> Query:
        target = identify(text, profiles)
        if target is not None and target.exact:
            # highlight what was found (the id), not the letters of an ARN
            terms = [target.account_id] if target.account_id else [target.email]
            return cls(text, terms, [_fuzzy(t) for t in terms], target)
        terms = split_terms(text)
        return cls(text, terms, [_fuzzy(t) for t in terms], target)

    def _target_score(self, entry: Entry) -> int:
        """PINNED for the account the identifier names; part of an email (being typed
        or pasted) keeps the accounts whose email holds it; 0 otherwise."""
        t = self.target
        assert t is not None
        if t.account_id:
            return PINNED if entry.account_id == t.account_id else 0
        email = entry.email.lower()
        return PINNED if email == t.email else (PINNED // 2 if t.email in email else 0)

    def score(self, entry: Entry) -> int:
        if self.target is not None:
            s = self._target_score(entry)
            if s or self.target.exact:
                return s
        total = 0
        hay = entry.hay
        for term, pattern in zip(self.terms, self.patterns, strict=True):
            s = _term_score(term, pattern, hay)
            if not s:
                return 0
            total += s
        return total

    def refines(self, other: Query | None) -> bool:
        """True when every match of self is a match of `other` (typing more letters)."""
        if self.target is not None or (other is not None and other.target is not None):
            return False  # an identifier is a different kind of query: scan again
        if other is None or not other.terms:
            return other is not None
        if len(self.terms) < len(other.terms):
            return False
        # each earlier term must be a prefix... substring of the new one at the same slot
        return all(o in n for o, n in zip(other.terms, self.terms, strict=False))

    def role_index(self, roles: Sequence[str]) -> int:
        """The role to highlight: the one an identifier names, else the best match."""
        if self.target is not None and self.target.role:
            want = self.target.role.lower()
            for i, role in enumerate(roles):
                if role.lower() == want:
                    return i
        return best_role(roles, self.terms)


def sort_key(e: Entry) -> tuple[bool, str, str]:
    return (not e.favorite, e.name.lower(), e.account_id)


def filter_entries(entries: Sequence[Entry], query: Query) -> list[Entry]:
    """Entries matching every term, best first; all entries in list order for no terms."""
    return rank(match_entries(entries, query))


def match_entries(entries: Sequence[Entry], query: Query) -> list[tuple[int, Entry]]:
    """(score, entry) for each match, in the order of `entries` (kept for narrowing).

    The same scores as `Query.score` entry by entry, found by scanning the entries'
    lines joined into one text once per term."""
    target = query.target
    if target is not None:
        by_id = query._target_score
        if target.exact:  # one account (or a few sharing an email): a plain loop will do
            return [(s, e) for e in entries if (s := by_id(e))]
        # a profile name: the usual matches, and the profile's account on top
        found = {id(e): s for s, e in match_entries(entries, Query(query.text, query.terms,
                                                                   query.patterns))}
        return [(s, e) for e in entries if (s := by_id(e) or found.get(id(e), 0))]
    if not query.terms:
        return [(1, e) for e in entries]
    if len(entries) < 64:  # joining costs more than it saves
        return [(s, e) for e in entries if (s := query.score(e))]
    hays = [e.hay for e in entries]
    text = EOL.join(hays)
    # starts[i]: offset of entry i's line; starts[-1] is past the end
    starts = list(accumulate((len(h) + 1 for h in hays), initial=0))
    totals: dict[int, int] | None = None
    for term, pattern in zip(query.terms, query.patterns, strict=True):
        if totals is not None and len(totals) * 4 < len(entries):
            # few accounts left: scoring them one by one beats scanning them all again
            totals = {i: t + s for i, t in totals.items()
                      if (s := _term_score(term, pattern, hays[i]))}
        else:
            scores = _scan(text, starts, term, pattern)
            if totals is None:
                totals = scores
            else:
                totals = {i: t + scores[i] for i, t in totals.items() if i in scores}
        if not totals:
            return []
    assert totals is not None
    return [(totals[i], entries[i]) for i in sorted(totals)]


def _scan(text: str, starts: list[int], term: str,
          pattern: re.Pattern[str]) -> dict[int, int]:
    """{entry index: the term's score} over the joined lines: the first hit in a line
    scores it (as `_term_score`), then the search goes on from the next line."""
    scores: dict[int, int] = {}
    find = text.find
    at = find(term)
    while at >= 0:
        i = bisect_right(starts, at) - 1
        before = text[at - 1] if at > starts[i] else SEP
        if before == SEP:
            scores[i] = 40
        else:
            scores[i] = 20 if before.isalnum() else 30
        at = find(term, starts[i + 1])
    if len(term) > 1:  # an in-order subsequence, where the term is not a substring
        search = pattern.search
        m = search(text)
        while m is not None:
            i = bisect_right(starts, m.start()) - 1
            scores.setdefault(i, 10)
            m = search(text, starts[i + 1])
    return scores


def rank(matched: list[tuple[int, Entry]]) -> list[Entry]:
    """Best score first; a stable sort, so ties keep the (name) order they came in."""
    return [e for _, e in sorted(matched, key=itemgetter(0), reverse=True)]


def match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of `text` to highlight for the terms (substring first, else fuzzy)."""
    low = text.lower()
    spans: list[tuple[int, int]] = []
    for term in terms:
        i = low.find(term)
        if i >= 0:
            spans.append((i, i + len(term)))
            continue
        m = _fuzzy(term).search(low)
        if m is None:
            continue
        # mark each matched letter: walk the match greedily
        pos = m.start()
        for ch in term:
            pos = low.find(ch, pos)
            if pos < 0:
                break
            spans.append((pos, pos + 1))
            pos += 1
    return spans


def best_role(roles: Sequence[str], terms: Sequence[str]) -> int:
    """Index of the role that best matches the terms (0 when none does)."""
    best, best_score = 0, 0
    for i, role in enumerate(roles):
        low = role.lower()
        s = 0
        for term in terms:
            s += _term_score(term, _fuzzy(term), low)
        if s > best_score:
            best, best_score = i, s
    return best


def matching_roles(entries: Sequence[Entry], query: Query) -> list[tuple[Entry, str]]:
    """Every (account, role) pair the query picks, best first: each term must match
    the account's name or id or that one role. An identifier with a role (an ARN, a
    profile) picks that pair alone; one without (an id, an email) every role of its
    accounts. `ssotui --print-env QUERY` prints at once when this is one pair."""
    target = query.target
    if target is not None and target.account_id and target.role:
        want = target.role.lower()
        return [(e, r) for e in entries if e.account_id == target.account_id
                for r in e.roles or () if r.lower() == want]
    pairs: list[Entry] = []
    owner: dict[int, Entry] = {}
    for _, e in match_entries(entries, query):  # accounts first: few pairs to build
        for role in e.roles or ():
            one = Entry(e.account_id, e.name, e.email, [role])
            one.rebuild()
            pairs.append(one)
            owner[id(one)] = e
    return [(owner[id(p)], (p.roles or [""])[0]) for p in filter_entries(pairs, query)]

"""The org as the main screen shows it: entries, their order, the filter and its cache,
and how listing events change them. Pure: no Textual, no I/O (unit-tested alone).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ssotui.core.models import Account
from ssotui.tui.filtering import Entry, Query, match_entries, rank, sort_key


class Change:
    """What applying a listing event did (the screen repaints accordingly).

    accounts: entries added, renamed, removed or their roles changed; roles_of: the
    account whose roles changed (one RolesLoaded); failed: the account that failed
    to list; notes: for a notification. (Not a dataclass: see filtering.Entry.)"""

    __slots__ = ("accounts", "roles_of", "failed", "finished", "notes")

    def __init__(self, accounts: bool = False, roles_of: str | None = None,
                 failed: str | None = None, finished: bool = False,
                 notes: list[str] | None = None) -> None:
        self.accounts = accounts
        self.roles_of = roles_of
        self.failed = failed
        self.finished = finished
        self.notes = notes if notes is not None else []

    def _key(self) -> tuple[Any, ...]:
        return (self.accounts, self.roles_of, self.failed, self.finished, self.notes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Change) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "Change(accounts={!r}, roles_of={!r}, failed={!r}, finished={!r}, " \
            "notes={!r})".format(*self._key())


class OrgModel:
    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.ordered: list[Entry] = []
        self.failures: dict[str, str] = {}
        self.favorites: set[str] = set()
        self.query = Query.parse("")
        self.version = 0  # bumped whenever `ordered` or an entry's fields change
        self.filtered = 0  # how many times the filter ran (tests count re-filters)
        self._order_dirty = False
        self._prev: tuple[Query, int, list[Entry]] | None = None

    # -- changes ------------------------------------------------------------
    def add_accounts(self, accounts: Sequence[Account],
                     roles: Mapping[str, Sequence[str]]) -> bool:
        """Add or update accounts (and roles when given); True when anything changed."""
        changed = False
        for a in accounts:
            e = self.entries.get(a.account_id)
            new_roles = list(roles[a.account_id]) if a.account_id in roles else None
            if e is None:
                e = Entry(a.account_id, a.account_name, a.email_address,
                          favorite=a.account_id in self.favorites)
                self.entries[a.account_id] = e
                self._order_dirty = True
            elif (e.name, e.email) == (a.account_name, a.email_address) and (
                    new_roles is None or new_roles == e.roles):
                continue  # what is already shown (a cached account, confirmed)
            elif e.name != a.account_name:
                self._order_dirty = True
            e.name, e.email = a.account_name, a.email_address
            if new_roles is not None:
                e.roles = new_roles
            e.rebuild()
            changed = True
        if changed:
            self.version += 1
        return changed

    def set_roles(self, account_id: str, roles: Sequence[str]) -> bool:
        entry = self.entries.get(account_id)
        # revalidating a cached org mostly confirms it: only a change costs a re-filter
        if entry is None or entry.roles == list(roles):
            return False
        entry.roles = list(roles)
        entry.rebuild()
        self.version += 1
        return True

    def remove(self, account_ids: Collection[str]) -> bool:
        gone = [a for a in account_ids if self.entries.pop(a, None) is not None]
        if gone:
            self._order_dirty = True
            self.version += 1
        return bool(gone)

    def set_favorites(self, favorites: set[str]) -> None:
        self.favorites = set(favorites)
        for e in self.entries.values():
            fav = e.account_id in self.favorites
            if e.favorite != fav:
                e.favorite = fav
                self._order_dirty = True
        if self._order_dirty:
            self.version += 1

    def clear(self) -> None:
        self.entries.clear()
        self.ordered = []
        self._prev = None
        self.version += 1

    def apply(self, ev: Any) -> Change:
        """Apply one core.directory event (the loader has imported that module)."""
        from ssotui.core import directory as d

        match ev:
            case d.CachedOrg(accounts=accounts, roles=roles):
                return Change(accounts=self.add_accounts(accounts, roles))
            case d.AccountsPage(accounts=accounts):
                return Change(accounts=self.add_accounts(accounts, {}))
            case d.RolesLoaded(account_id=account_id, roles=roles):
                changed = self.set_roles(account_id, roles)
                return Change(accounts=changed, roles_of=account_id if changed else None)
            case d.AccountFailed(account_id=account_id, reason=reason):
                self.failures[account_id] = str(reason)
                return Change(failed=account_id)
            case d.Finished(changes=changes, cancelled=cancelled, error=error):
                change = Change(finished=True)
                if changes is not None and not cancelled and not error:
                    # accounts no longer in the portal's answer leave the list
                    change.accounts = self.remove(
                        [a.account_id for a in changes.accounts_removed])
                    summary = changes.summary()
                    if summary:
                        change.notes.append(summary)
                return change
        return Change()

    # -- views --------------------------------------------------------------
    def order(self) -> list[Entry]:
        """Every entry, favorites first, then by name (sorted again only when needed)."""
        if self._order_dirty or len(self.ordered) != len(self.entries):
            self.ordered = sorted(self.entries.values(), key=sort_key)
            self._order_dirty = False
            self.version += 1
        return self.ordered

    def visible(self, query: Query | None = None) -> list[Entry]:
        """The entries matching the query, best first (all, in order, for no terms).
        Typing more letters narrows the last matches instead of scanning everything."""
        if query is not None:
            self.query = query
        q = self.query
        base = self.order()
        if self._prev is not None:
            pq, version, matched = self._prev
            if version == self.version and q.refines(pq):
                base = matched
        found = match_entries(base, q)
        self.filtered += 1
        self._prev = (q, self.version, [e for _, e in found])
        return rank(found) if q.terms else base

    def index_of(self, account_id: str, rows: Sequence[Entry]) -> int | None:
        entry = self.entries.get(account_id)
        if entry is None:
            return None
        try:
            return list(rows).index(entry)
        except ValueError:
            return None

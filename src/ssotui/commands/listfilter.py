"""`ssotui list FILTER...`: the roles the words pick, as the picker's filter picks them.

The matching is the picker's (tui/filtering.py, which imports no Textual): an account
stays when every word matches its name, id or one of its roles (or the words are one
identifier: an account id, email, role or assumed-role ARN, a profile name), and of
its roles those that `matching_roles` picks, i.e. what `sa FILTER` would choose
from. Accounts whose roles were not listed (or which have none) stay when the
account itself matches. Output order stays the listing's (by name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ssotui.core.models import Account, SsoSession


def profiles_of(session: SsoSession) -> dict[str, tuple[str, str]]:
    """{profile name: (account id, role)} for this sso-session's profiles (best effort:
    an unreadable config only means profile names do not match)."""
    try:
        from ssotui.core import awsconfig

        profiles = awsconfig.load_profiles()
    except Exception:  # noqa: BLE001 - the filter works without profile names
        return {}
    found = {}
    for name, values in profiles.items():
        if "sso_account_id" not in values:
            continue
        if values.get("sso_session", session.name) != session.name and \
                values.get("sso_start_url") != session.start_url:
            continue
        found[name] = (values["sso_account_id"], values.get("sso_role_name", ""))
    return found


def pick(session: SsoSession, accounts: Iterable[Account], roles: Mapping[str, Iterable[str]],
         text: str) -> tuple[list[Account], dict[str, tuple[str, ...] | None]]:
    """The accounts and roles `text` picks; an account's roles are None when unlisted."""
    from ssotui.tui.filtering import Entry, Query, match_entries, matching_roles

    entries = []
    by_id = {}
    for a in accounts:
        listed = roles.get(a.account_id)
        e = Entry(a.account_id, a.account_name, a.email_address,
                  None if listed is None else list(listed))
        e.rebuild()
        entries.append(e)
        by_id[a.account_id] = a
    query = Query.parse(text, profiles_of(session))
    chosen: dict[str, set[str]] = {}
    for entry, role in matching_roles(entries, query):
        chosen.setdefault(entry.account_id, set()).add(role)
    kept = {e.account_id: e for _, e in match_entries(entries, query)}
    out_accounts: list[Account] = []
    out_roles: dict[str, tuple[str, ...] | None] = {}
    for e in entries:  # listing order
        if e.account_id in chosen:
            out_roles[e.account_id] = tuple(r for r in e.roles or () if r in chosen[e.account_id])
        elif e.account_id in kept and not e.roles:
            out_roles[e.account_id] = None if e.roles is None else ()
        else:
            continue
        out_accounts.append(by_id[e.account_id])
    return out_accounts, out_roles

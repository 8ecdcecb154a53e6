"""`ssotui --print-env QUERY…` when QUERY names exactly one role: its exports, printed
at once without drawing anything (what granted's `assume NAME` does).

Everything here runs before Textual is imported. Whenever the answer is not one
role, the role is production (prefs.toml [[guardrails]]: the picker asks first), or
the user has to sign in, `exports_for` returns None and the caller opens
the picker with the filter filled; a role the portal refuses is an error (exit 1).
"""

from __future__ import annotations

from typing import Any

from ssotui.core.errors import NeedsLogin
from ssotui.core.models import SsoSession


def _session(name: str | None) -> SsoSession | None:
    from ssotui.tui import backend as be

    sessions = be.load_sessions()
    if name is None:
        return sessions[0] if len(sessions) == 1 else None
    match = [s for s in sessions if name in (s.name, s.legacy_profile)]
    return match[0] if match else None


def _org(backend: Any) -> tuple[list[Any], dict[str, tuple[str, ...]]] | None:
    """Accounts and roles: the listing cache, else a listing now (the picker would
    have to list them anyway)."""
    cached = backend.cached_org()
    if cached is not None:
        return list(cached.accounts), dict(cached.roles)
    import sys

    from ssotui.core import directory

    print(f"ssotui: listing the accounts of {backend.session.name} (once: later runs "
          "use the cache)…", file=sys.stderr)
    loader = directory.DirectoryLoader(backend.clients.listing, backend.access_token,
                                       lambda _ev: None, session=backend.session)
    try:
        final = loader.start(refresh=True).wait()
    finally:
        loader.close()
    if final is None or final.login_required or final.error:
        return None
    return list(final.accounts), dict(final.roles)


def exports_for(query: str, session_name: str | None, fmt: str | None) -> str | None:
    """The exports of the one role `query` picks, or None (the picker decides)."""
    from ssotui.core import prefs
    from ssotui.tui import backend as be
    from ssotui.tui.filtering import Entry, Query, matching_roles, profiles_by_name

    session = _session(session_name)
    if session is None:
        return None
    backend = be.Backend(session)
    try:
        backend.ensure_token()
        org = _org(backend)
    except NeedsLogin:
        return None  # the picker signs in first
    if org is None:
        return None
    accounts, roles = org
    entries = []
    for a in accounts:
        e = Entry(a.account_id, a.account_name, a.email_address,
                  list(roles[a.account_id]) if a.account_id in roles else None)
        e.rebuild()
        entries.append(e)
    index: dict[tuple[str, str], list[str]] = {}
    for name, account_id, role in backend.profiles_for_all():
        index.setdefault((account_id, role), []).append(name)
    found = matching_roles(entries, Query.parse(query, profiles_by_name(index)))
    if len(found) != 1:
        return None
    entry, role = found[0]
    settings = prefs.load_prefs()
    from ssotui.core import guardrails

    production = guardrails.match(prefs.production_rules(settings), entry.account_id,
                                  entry.name, entry.email)
    if production is not None:
        return None  # the picker asks before handing out a production role
    try:
        creds = backend.role_credentials(entry.account_id, role)
    except NeedsLogin:
        return None
    extra = guardrails.marker_variables(None) if settings.production_marker else []
    text = backend.render(creds, fmt or settings.default_format or "env", extra)
    try:  # as the picker does: the role joins the recent ones
        prefs.update_prefs(lambda p: prefs.with_recent(p, f"{entry.account_id}/{role}"))
    except Exception:  # noqa: BLE001 - the exports matter, not the history
        pass
    from ssotui.core.models import PickedText

    return PickedText.of(text, session.name, entry.account_id, role)

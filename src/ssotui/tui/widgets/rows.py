"""How one account or role row looks, with filter matches highlighted."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from ssotui.tui.filtering import Entry, match_spans

MATCH_STYLE = "bold underline"


def _highlighted(text: str, terms: Sequence[str], base: str = "") -> Text:
    # rich.Text takes the string literally: no markup parsing, nothing to escape
    out = Text(text, style=base)
    for start, end in match_spans(text, terms):
        out.stylize(MATCH_STYLE, start, end)
    return out


def account_row(entry: Entry, width: int, terms: Sequence[str]) -> Text:
    out = Text()
    out.append("★ " if entry.favorite else "  ", "yellow")
    id_width = 12
    show_count = width >= 56
    name_width = max(8, width - id_width - 2 - 1 - (10 if show_count else 0))
    name = entry.name if len(entry.name) <= name_width else entry.name[: name_width - 1] + "…"
    out.append_text(_highlighted(name, terms))
    out.append(" " * (name_width - len(name) + 1))
    out.append_text(_highlighted(entry.account_id, terms, "dim"))
    if not show_count:
        pass
    elif entry.roles is None:
        out.append("  …", "dim")
    else:
        n = len(entry.roles)
        out.append(f"  {n} role{'s' if n != 1 else ''}", "dim")
    return out


def role_row(role: str, width: int, terms: Sequence[str], profiles: Sequence[str] = ()) -> Text:
    out = Text(" ")
    out.append_text(_highlighted(role, terms))
    if profiles:
        out.append("  → " + ", ".join(profiles), "dim")
    return out

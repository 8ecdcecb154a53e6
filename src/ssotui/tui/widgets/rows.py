"""How one account or role row looks, with filter matches highlighted.

Rows are built straight as rich Segments with pre-parsed Styles: a row is drawn on
every scroll and keystroke, and going through `rich.text.Text` costs several times
more per line.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style

from ssotui.core.text import shown
from ssotui.tui.filtering import Entry, match_spans

MATCH = Style(bold=True, underline=True)
DIM = Style(dim=True)
DIM_MATCH = DIM + MATCH
STAR = Style(color="yellow")
NUMBER = Style(color="cyan", bold=True)
PRODUCTION = Style(color="red", bold=True, reverse=True)  # the word reads under NO_COLOR too
MARKED = Style(color="green", bold=True)


def highlighted(text: str, terms: Sequence[str], base: Style | None = None,
                match: Style = MATCH) -> list[Segment]:
    """`text` as segments, the parts matching `terms` in `match` style (taken literally:
    no markup, so names with brackets show as they are)."""
    if not terms:
        return [Segment(text, base)]
    marks = [False] * len(text)
    for start, end in match_spans(text, terms):
        for i in range(start, min(end, len(text))):
            marks[i] = True
    out: list[Segment] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and marks[j] == marks[i]:
            j += 1
        out.append(Segment(text[i:j], match if marks[i] else base))
        i = j
    return out


def account_row(entry: Entry, width: int, terms: Sequence[str],
                number: int | None = None, label: str | None = None) -> list[Segment]:
    """`number`: its favorite/recent shortcut (alt+number), shown before the star;
    `label`: the production marker (guardrails), a word before the name."""
    id_width = 12
    show_count = width >= 56
    tag = f"{label} " if label else ""
    name_width = max(8, width - id_width - 3 - 1 - (10 if show_count else 0) - len(tag))
    name = shown(entry.name)  # control characters visible, never sent to the terminal
    if len(name) > name_width:
        name = name[: name_width - 1] + "…"
    out = [Segment(str(number) if number else " ", NUMBER),
           Segment("★ " if entry.favorite else "  ", STAR)]
    if label:
        out += [Segment(label, PRODUCTION), Segment(" ")]
    out += highlighted(name, terms)
    out.append(Segment(" " * (name_width - len(name) + 1)))
    out += highlighted(shown(entry.account_id), terms, DIM, DIM_MATCH)
    if show_count:
        if entry.roles is None:
            out.append(Segment("  …", DIM))
        else:
            n = len(entry.roles)
            out.append(Segment(f"  {n} role{'s' if n != 1 else ''}", DIM))
    return out


def role_row(role: str, width: int, terms: Sequence[str],
             profiles: Sequence[str] = (), marked: bool = False) -> list[Segment]:
    """`marked` (for a profiles sync): `[x]` before the name, readable without colour."""
    out = [Segment(" [x] ", MARKED) if marked else Segment(" ")]
    out += highlighted(shown(role), terms)
    if profiles:
        out.append(Segment("  → " + ", ".join(map(shown, profiles)), DIM))
    return out

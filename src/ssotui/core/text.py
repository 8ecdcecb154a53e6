"""Text from the portal or the network, made safe to show.

Account names, emails, role names and error texts come from an endpoint the user
may not control. Shown on a terminal, a control character can drive it (an
`ESC ] 52` sequence writes the clipboard); shown through Rich/Textual markup,
`[@click=app.quit]` becomes an action. `shown()` makes any such string inert text:
control and bidi-override characters become visible escapes. Markup is the
display layer's job: it must render the result as `rich.text.Text`, never as markup.
"""

from __future__ import annotations

import unicodedata

# Unicode categories that are never shown as themselves: controls (C0, C1, DEL),
# format characters (bidi overrides and isolates, zero-width joiners, BOM, tags),
# line/paragraph separators, surrogates and private use.
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"))


def _escape(c: str) -> str:
    code = ord(c)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _safe(c: str) -> bool:
    return unicodedata.category(c) not in _UNSAFE_CATEGORIES


def shown(value: object) -> str:
    """`value` as a single line of inert text: control characters escaped visibly."""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case, checked in C
    return "".join(c if _safe(c) else _escape(c) for c in text)


def is_clean(value: str) -> bool:
    """True when `value` holds no control, format or bidi character at all."""
    return all(map(_safe, value))

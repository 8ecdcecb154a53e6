"""Record: an immutable value class without the cost of a frozen dataclass.

Making a frozen dataclass compiles six methods (~1 ms each class); modules on the
way to the picker's first frame define a dozen of them. A Record subclass lists its
fields in `_fields`, sets them once in `__init__` with `_set`, and gets what the
dataclass gave: == and hash by value, a repr that leaves `_secret` fields out, and
dataclasses.FrozenInstanceError on assignment.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, ClassVar


class Record:
    """Equality, hash and repr by the fields in `_fields`; no assignment after
    __init__."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _secret: ClassVar[frozenset[str]] = frozenset()
    _unhashed: ClassVar[frozenset[str]] = frozenset()  # e.g. a dict field

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in self._fields if f not in self._unhashed))

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields
                          if f not in self._secret)
        return f"{self.__class__.__name__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def _set(self, **values: Any) -> None:
        self.__dict__.update(values)

"""Pickling of frozen, slotted dataclasses as a call of their constructor.

The compile cache (``emitter/jit/cache.py``) pickles compiled modules and lowered objects: a 5,000-function
module holds some 150,000 unwind operations and thousands of symbols. ``dataclass(slots=True)`` pickles them
through a generic ``__setstate__`` that looks the fields up again for every object and sets each with
``object.__setattr__``, three times slower to load than calling the constructor with the field values, which is
what ``by_fields`` makes them do (same objects, same equality; only the pickle's shape changes).
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T", bound=type)


def _reduce(self: Any) -> tuple[type, tuple[object, ...]]:
    return type(self), tuple([getattr(self, name) for name in type(self).__slots__])


def by_fields(cls: T) -> T:
    """Make ``cls`` (a slotted dataclass whose ``__slots__`` are its constructor's fields in order) pickle as
    ``cls(*fields)``."""
    cls.__reduce__ = _reduce  # type: ignore[attr-defined,assignment]
    return cls

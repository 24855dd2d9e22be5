"""A value computed once per object, by the object's identity: for records shared by many results.

A cohort worker shares one background allele (:class:`varhlh.models.BackgroundAllele`) among all its samples
that carry it with the same genotype; its set-aside row and that row's JSON text are the same for all of them, so
each is built once. The cache keys on ``id(obj)`` and keeps the object, so that the id cannot be reused by another
object while the entry lives; it is emptied when it holds ``limit`` entries (memory stays bounded, a worker
rebuilds what it needs again).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class IdentityCache(Generic[K, V]):
    """``compute(obj)``, computed once per object alive in the cache."""

    def __init__(self, compute: Callable[[K], V], limit: int = 1 << 17) -> None:
        self._compute, self._limit = compute, limit
        self._found: dict[int, tuple[K, V]] = {}

    def __call__(self, obj: K) -> V:
        found = self._found.get(id(obj))
        if found is not None and found[0] is obj:
            return found[1]
        if len(self._found) >= self._limit:
            self._found.clear()
        value = self._compute(obj)
        self._found[id(obj)] = (obj, value)
        return value

    def __len__(self) -> int:
        return len(self._found)

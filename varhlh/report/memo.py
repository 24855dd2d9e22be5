"""A value computed once per key, for rows shared by many results.

A cohort worker shares one background allele (:class:`varhlh.models.BackgroundAllele`, which hashes by identity)
among all its samples that carry it with the same genotype; its set-aside row, and that row's JSON text (keyed by
the row's value: a frozen :class:`varhlh.result.SetAsideDoc`), are the same for all of them, so each is built once.
A hit is a plain dict lookup (thousands per sample); a miss computes the value. The memo keeps its keys alive, and
is emptied when it holds ``limit`` entries (memory stays bounded, a worker rebuilds what it needs again).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(dict[K, V]):
    """``memo[key]`` is ``compute(key)``, computed once per key held. Only ``memo[key]`` computes: ``get``, ``in``
    and the other dict methods see what is held."""

    def __init__(self, compute: Callable[[K], V], limit: int = 1 << 17) -> None:
        super().__init__()
        self._compute, self._limit = compute, limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._compute(key)
        return value

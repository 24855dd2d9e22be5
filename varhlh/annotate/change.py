"""One allele as a minimal change on the plus strand, and reference-base fetching.

:func:`minimal_change` trims the VCF padding base (shared prefix, then shared suffix), so a SNV is
one base each and an indel keeps only the inserted or deleted bases. Used by the built-in locus
model, curated-allele matching, local-resource look-ups and indel alignment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

Fetch = Callable[[int, int], "str | None"]
"""Reference bases of one chromosome, 1-based inclusive (start, end); None where unknown."""

COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")


@dataclass(frozen=True)
class Change:
    start: int
    """First affected reference base (for insertions: the base after the insertion point)."""
    end: int
    ref: str
    alt: str


@functools.lru_cache(maxsize=1024)  # asked four times per allele by the annotator's steps; a Change is immutable
def minimal_change(pos: int, ref: str, alt: str) -> Change:
    """Trim shared prefix then suffix (VCF padding base) to the minimal REF/ALT change."""
    prefix = 0
    while prefix < min(len(ref), len(alt)) and ref[prefix] == alt[prefix]:
        prefix += 1
    ref, alt, pos = ref[prefix:], alt[prefix:], pos + prefix
    suffix = 0
    while suffix < min(len(ref), len(alt)) and ref[-1 - suffix] == alt[-1 - suffix]:
        suffix += 1
    if suffix:
        ref, alt = ref[: len(ref) - suffix], alt[: len(alt) - suffix]
    return Change(pos, pos + len(ref) - 1, ref.upper(), alt.upper())


def revcomp(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]

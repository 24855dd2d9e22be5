"""Matching VCF alleles to the panel's curated known-variant table, whatever their representation.

Both sides are reduced to their minimal change (:func:`varhlh.annotate.locus.minimal_change`: shared
prefix, then suffix, trimmed), so padding, multi-allelic records (each ALT on its own), split
records and ``chr`` prefixes (:func:`varhlh.genome.canonical_chrom`) do not matter.

Indels in repeats can be written at several positions. With a reference FASTA both the VCF
allele and the curated allele are left-aligned (:func:`varhlh.annotate.reference.left_align`) before
comparison, and a curated deletion whose deleted bases the table does not give (``.``) takes them
from the FASTA. Without a FASTA an indel is matched as written; an unmatched indel of the same
size within ``NEAR_BP`` of a curated indel gets a note (it may be the same allele written
elsewhere in the repeat: normalise with ``bcftools norm -f`` or pass ``--fasta``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from varhlh.annotate.change import Change
from varhlh.annotate.reference import Reference, left_align
from varhlh.models import Build, KnownVariant

NEAR_BP = 50
"""Display heuristic for the 'possibly the same indel' note (no decision depends on it)."""


@dataclass(frozen=True)
class _Entry:
    variant: KnownVariant
    chrom: str
    change: Change
    ref_known: bool


class CuratedIndex:
    """The curated alleles of one build, keyed by (chromosome, start of the (normalised) change)."""

    def __init__(self, variants: Sequence[KnownVariant], build: Build, reference: Reference | None = None) -> None:
        self.by_start: dict[tuple[str, int], list[_Entry]] = {}
        self.indels: list[_Entry] = []
        self.notes: list[str] = []
        for variant in variants:
            locus = variant.loci.get(build)
            if locus is None:
                continue
            fetch = reference.fetcher(locus.chrom) if reference is not None else None
            entry = self._entry(variant, locus.chrom, locus.start, locus.end, locus.ref, locus.alt, fetch)
            self.by_start.setdefault((entry.chrom, entry.change.start), []).append(entry)
            if len(entry.change.ref) != len(entry.change.alt) or not entry.ref_known:
                self.indels.append(entry)

    def _entry(self, variant: KnownVariant, chrom: str, start: int, end: int, ref: str | None, alt: str,
               fetch: Callable[[int, int], str | None] | None) -> _Entry:
        deletion = alt == "-"
        bases = fetch(start, end) if fetch is not None else None
        if ref is not None and bases is not None and "N" not in bases and bases != ref:
            self.notes.append(f"curated {variant.gene} {variant.hgvs_c}: the table gives {ref} at {chrom}:{start} but "
                              f"the FASTA has {bases}: check that the FASTA is the {variant.transcript} build")
        if ref is None and bases is not None and "N" not in bases:
            ref = bases
        change = Change(start, end, ref or "", "" if deletion else alt)
        if fetch is not None and ref is not None and deletion:
            change = left_align(change, fetch)
        return _Entry(variant, chrom, change, ref is not None)

    def match(self, chrom: str | None, change: Change) -> KnownVariant | None:
        """The curated allele ``change`` is (``change`` left-aligned by the caller when a FASTA is used)."""
        if chrom is None or not (change.ref or change.alt):
            return None
        for entry in self.by_start.get((chrom, change.start), ()):
            mine = entry.change
            if not entry.ref_known:
                if not change.alt and not mine.alt and change.end == mine.end:
                    return entry.variant
            elif (change.ref, change.alt) == (mine.ref, mine.alt):
                return entry.variant
        return None

    def near(self, chrom: str | None, change: Change) -> str | None:
        """A note when an unmatched indel has the size of a curated indel close by."""
        size = len(change.alt) - len(change.ref)
        if chrom is None or size == 0:
            return None
        for entry in self.indels:
            theirs = len(entry.change.alt) - (entry.change.end - entry.change.start + 1 if not entry.ref_known
                                              else len(entry.change.ref))
            distance = abs(entry.change.start - change.start)
            if entry.chrom == chrom and theirs == size and distance <= NEAR_BP:
                return (f"not matched to curated {entry.variant.gene} {entry.variant.hgvs_c} ({distance} bp away, same "
                        "size): it may be the same allele written at another place in a repeat; normalise the VCF "
                        "(bcftools norm -f ref.fa) or pass --fasta")
        return None

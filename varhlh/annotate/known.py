"""Looking alleles up in the panel's bundled knowledge base (:mod:`varhlh.knowledge`), in one build.

* :meth:`KnowledgeIndex.allele` — the known (ClinVar-listed) allele an allele is, compared as minimal
  changes (left-aligned against ``--fasta`` when given), so padding and multi-allelic records do not matter;
* :meth:`KnowledgeIndex.same_codon` — pathogenic missense changes at the codon of a missense allele: the same
  amino-acid change (PS1) or another one (PM5);
* :meth:`KnowledgeIndex.lof_frequency` — the gnomAD popmax of a loss-of-function allele, when listed (a source
  that covers only those alleles: absence from it says nothing);
* :meth:`KnowledgeIndex.downstream_pathogenic` — known pathogenic changes at or after a codon (the removed
  part of a truncated protein holds known pathogenic variation: it is critical, PVS1 decision tree).
"""

from __future__ import annotations

import re

from varhlh.annotate.change import Change, minimal_change
from varhlh.annotate.reference import Reference, left_align
from varhlh.knowledge import CriticalRegion, Knowledge, KnownAllele, LofFrequency, PathogenicMissense, Site
from varhlh.models import Build

_MISSENSE = re.compile(r"^p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})\)?$")


def coding_codon(hgvs_c: str | None) -> int | None:
    """The codon of a coding HGVS c. (``c.1286G>A`` -> 429); None for UTR, intronic or missing names."""
    m = re.match(r"^c\.(\d+)(?:_\d+)?[ACGTdi]", hgvs_c or "")
    return (int(m.group(1)) - 1) // 3 + 1 if m else None


def missense_change(hgvs_p: str | None) -> tuple[str, int, str] | None:
    """(ref, codon, alt) three-letter of a missense HGVS p. (``p.(Arg32Thr)``), else None."""
    m = _MISSENSE.match(hgvs_p or "")
    if m is None or m.group(1) == m.group(3) or m.group(3) == "Ter":
        return None
    return m.group(1), int(m.group(2)), m.group(3)


class KnowledgeIndex:
    def __init__(self, knowledge: Knowledge, build: Build, reference: Reference | None = None) -> None:
        self.knowledge = knowledge
        self.build = build
        self.version = knowledge.version
        self._known: dict[tuple[str, Change], KnownAllele] = {}
        self._lof: dict[tuple[str, Change], LofFrequency] = {}
        for allele in knowledge.known:
            if (site := allele.sites.get(build)) is not None:
                self._known.setdefault(self._key(site, reference), allele)
        for lof in knowledge.lof:
            if lof.build is build:
                self._lof.setdefault(self._key(lof.site, reference), lof)
        self._codons: dict[tuple[str, int], list[PathogenicMissense]] = {}
        for missense in knowledge.missense:
            self._codons.setdefault((missense.gene, missense.codon), []).append(missense)
        self._regions: dict[str, list[CriticalRegion]] = {}
        for region in knowledge.regions:
            self._regions.setdefault(region.gene, []).append(region)

    @staticmethod
    def _key(site: Site, reference: Reference | None) -> tuple[str, Change]:
        change = minimal_change(site.pos, site.ref, site.alt)
        if reference is not None and bool(change.ref) != bool(change.alt):
            change = left_align(change, reference.fetcher(site.chrom))
        return site.chrom, change

    def allele(self, chrom: str | None, change: Change) -> KnownAllele | None:
        return self._known.get((chrom, change)) if chrom is not None else None

    def lof_frequency(self, chrom: str | None, change: Change) -> LofFrequency | None:
        return self._lof.get((chrom, change)) if chrom is not None else None

    def same_codon(self, gene: str, codon: int) -> list[PathogenicMissense]:
        return list(self._codons.get((gene, codon), ()))

    def critical_regions(self, gene: str) -> list[CriticalRegion]:
        return list(self._regions.get(gene, ()))

    def downstream_pathogenic(self, gene: str, codon: int) -> list[str]:
        """Known pathogenic changes at codon ``codon`` or after it (their names), for the PVS1 tree."""
        found = [m.hgvs_p for (g, c), group in self._codons.items() if g == gene and c >= codon for m in group]
        for allele in self.knowledge.known:
            at = coding_codon(allele.hgvs_c)
            if allele.gene == gene and allele.well_described and at is not None and at >= codon:
                found.append(allele.hgvs_p or allele.hgvs_c or "a known allele")
        return sorted(set(found))


__all__ = ["KnowledgeIndex", "coding_codon", "missense_change"]

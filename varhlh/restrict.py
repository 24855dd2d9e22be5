"""Restrict stage: panel regions for the detected build, and one :class:`Allele` per panel ALT.

A region is a gene's MANE transcript span plus ``Settings.region_padding_bp``. A record belongs
to every region its reference span (POS..END) overlaps, so a deletion that starts upstream of a
gene still counts as in the gene. Every ALT of every such record becomes exactly one Allele; the
pipeline then lists each in ``variants`` — except records where every analysed sample is fully
called homozygous reference, which are set aside and counted in ``counts.hom_ref_records``.
When a record overlaps two panel genes the allele is attributed to the first (panel order) and
the others are listed in ``other_genes``. Exact duplicate records are kept once, with a warning;
duplicates whose genotypes differ are refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from varhlh.errors import InputError
from varhlh.genome import contig_names
from varhlh.models import Allele, Build, PanelGene, SampleCall, VcfRecord
from varhlh.panel import Panel


@dataclass(frozen=True)
class Region:
    gene: PanelGene
    contig: str
    start: int
    end: int


def panel_regions(panel: Panel, build: Build, contigs: Mapping[str, str], padding: int) -> list[Region]:
    """Regions of the panel genes whose chromosome the VCF has (``contigs``: panel -> VCF name)."""
    regions = []
    for gene in panel.genes:
        if gene.chrom in contigs:
            start, end = gene.spans[build]
            regions.append(Region(gene, contigs[gene.chrom], max(1, start - padding), end + padding))
    return regions


def spans_by_contig(regions: Iterable[Region]) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for region in regions:
        spans.setdefault(region.contig, []).append((region.start, region.end))
    return spans


def is_symbolic(alt: str) -> bool:
    """Symbolic (<DEL>), breakend (N[chr2:1[), spanning-deletion (*) or missing (.) ALT."""
    return alt in ("*", ".", "<*>", "<NON_REF>") or alt.startswith("<") or "[" in alt or "]" in alt


def restrict(records: Iterable[VcfRecord], regions: list[Region], warnings: list[str],
             source: str = "input") -> Iterator[Allele]:
    """One Allele per ALT of every record overlapping a panel region; identical duplicates dropped once,
    duplicates whose genotypes differ refused (which one is right cannot be known)."""
    by_contig: dict[str, list[Region]] = {}
    for region in regions:
        by_contig.setdefault(region.contig, []).append(region)
    seen: dict[tuple[str, int, str, tuple[str, ...]], VcfRecord] = {}
    for record in records:
        genes = [r.gene for r in by_contig.get(record.chrom, ()) if record.pos <= r.end and record.end >= r.start]
        if not genes:
            continue
        key = (record.chrom, record.pos, record.ref, record.alts)
        if key in seen:
            _check_duplicate(seen[key], record, source)
            warnings.append(f"duplicate record {record.chrom}:{record.pos} {record.ref}>{','.join(record.alts)} "
                            "with identical genotypes ignored after its first occurrence (it is not counted twice)")
            continue
        seen[key] = record
        other = tuple(dict.fromkeys(g.symbol for g in genes[1:] if g.symbol != genes[0].symbol))
        for index, alt in enumerate(record.alts, start=1):
            yield Allele(id=allele_id(record, alt), record=record, alt_index=index, gene=genes[0],
                         other_genes=other, symbolic=is_symbolic(alt))


def _check_duplicate(first: VcfRecord, again: VcfRecord, source: str) -> None:
    differ = [s for s in first.calls if first.calls[s].alleles != again.calls.get(s, first.calls[s]).alleles]
    if differ:
        msg = (f"{source}: record {again.chrom}:{again.pos} {again.ref}>{','.join(again.alts)} appears twice with "
               f"different genotypes for {', '.join(differ)}; remove the duplicate (e.g. `bcftools norm -d exact`) "
               "after deciding which call is right")
        raise InputError(msg)


def allele_id(record: VcfRecord, alt: str) -> str:
    """Stable allele identifier: CHROM-POS-REF-ALT as in the VCF (symbolic ALTs keep their brackets)."""
    return f"{record.chrom}-{record.pos}-{record.ref}-{alt}"


# ------------------------------------------------------------------ hom-ref set-aside


def listed_alleles(alleles: Sequence[Allele], samples: Sequence[str]) -> tuple[list[Allele], int]:
    """Alleles of the records where any of ``samples`` is not a fully called homozygous reference (ALT, no-call
    or partial call), and how many records were left out. In a multi-sample VCF the other samples' variants say
    nothing about this patient; listing them would make a cohort member's result list the whole cohort."""
    listed: list[Allele] = []
    keep: dict[int, bool] = {}
    for allele in alleles:
        record = allele.record
        kept = keep.get(id(record))
        if kept is None:
            kept = keep[id(record)] = not set_aside(record.calls.get(s) for s in samples)
        if kept:
            listed.append(allele)
    return listed, sum(1 for kept in keep.values() if not kept)


def set_aside(calls: Iterable[SampleCall | None]) -> bool:
    """The hom-ref set-aside rule: a record is not listed when every analysed sample (proband and genotyped
    relatives) is a fully called homozygous reference there; it is counted in ``counts.hom_ref_records``."""
    return all(is_hom_ref(call) for call in calls)


def is_hom_ref(call: SampleCall | None) -> bool:
    """A called genotype whose every allele is the reference (``0/0``, ``0|0``, haploid ``0``)."""
    return call is not None and hom_ref_alleles(call.alleles)


def hom_ref_alleles(alleles: Sequence[int | None]) -> bool:
    """Allele indices (None: missing) of a fully called homozygous reference: :func:`is_hom_ref` of a call."""
    return bool(alleles) and all(a == 0 for a in alleles)


def panel_contigs(panel: Panel, contigs: dict[str, int | None] | object) -> dict[str, str]:
    """Panel chromosome -> the VCF's contig name (``chr10``/``10``/``NC_000010.10``); without ##contig lines
    both spellings are queried."""
    names = list(contigs) if isinstance(contigs, dict) else []
    chroms = {g.chrom for g in panel.genes}
    if not names:  # no ##contig lines: query both spellings
        return {c: c for c in chroms} | {f"chr{c}": f"chr{c}" for c in chroms}
    return contig_names(chroms, names)

"""The bundled, dated knowledge base of the panel (``gene_panels/knowledge/``, named by ``##knowledge=``).

Four tables, each row with its source and date (formats and provenance in gene_panels/knowledge/README.md):

* ``known_alleles.tsv`` — ClinVar records of the panel genes (a dated snapshot: a list of known alleles,
  not current classification); ``well_described = yes`` marks the pathogenic alleles with publications that
  count as previously well-described (Henter 2024 Table 4);
* ``pathogenic_missense.tsv`` — pathogenic missense changes by codon, for PS1 (the same amino-acid change)
  and PM5 (another missense change at the same codon);
* ``lof_frequencies.tsv`` — gnomAD popmax frequencies of loss-of-function alleles (a frequency source only
  for those alleles);
* ``critical_regions.tsv`` — protein regions whose loss is critical to function (the PVS1 decision tree).

Every malformed value is a :class:`PanelError` naming file, line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from varhlh.errors import PanelError
from varhlh.models import Build, ClinVarClass
from varhlh.tables import Row, read_tsv

KNOWN_COLUMNS = ("gene", "hgvs_c", "hgvs_p", "grch37_chrom", "grch37_pos", "grch37_ref", "grch37_alt", "grch38_pos",
                 "grch38_ref", "grch38_alt", "significance", "stars", "review_status", "clinvar_variation_id", "pmids",
                 "well_described", "source", "source_date")
MISSENSE_COLUMNS = ("gene", "codon", "ref_aa", "alt_aa", "hgvs_p", "grch37_chrom", "grch37_pos", "grch37_ref",
                    "grch37_alt", "grch38_pos", "grch38_ref", "grch38_alt", "clinvar_id", "source", "source_date")
LOF_COLUMNS = ("gene", "build", "chrom", "pos", "ref", "alt", "popmax_af", "source", "source_date")
REGION_COLUMNS = ("gene", "region", "aa_start", "aa_end", "source", "note")
FILES = ("known_alleles.tsv", "pathogenic_missense.tsv", "lof_frequencies.tsv", "critical_regions.tsv")


@dataclass(frozen=True)
class Site:
    """An allele in one build: VCF-style (plus strand, 1-based, REF/ALT as the source writes them)."""

    chrom: str
    pos: int
    ref: str
    alt: str


@dataclass(frozen=True)
class KnownAllele:
    gene: str
    hgvs_c: str | None
    hgvs_p: str | None
    sites: Mapping[Build, Site]
    significance: ClinVarClass
    stars: int
    review_status: str | None
    variation_id: str | None
    pmids: tuple[str, ...]
    well_described: bool
    """Pathogenic or likely pathogenic, with publications and no conflict: previously well-described."""
    source: str
    source_date: str


@dataclass(frozen=True)
class PathogenicMissense:
    gene: str
    codon: int
    ref_aa: str
    alt_aa: str
    hgvs_p: str
    sites: Mapping[Build, Site]
    clinvar_id: str | None
    source: str
    source_date: str


@dataclass(frozen=True)
class LofFrequency:
    gene: str
    build: Build
    site: Site
    popmax_af: float
    source: str
    source_date: str


@dataclass(frozen=True)
class CriticalRegion:
    gene: str
    region: str
    aa_start: int
    aa_end: int
    source: str
    note: str | None


@dataclass(frozen=True)
class Knowledge:
    version: str | None = None
    known: tuple[KnownAllele, ...] = ()
    missense: tuple[PathogenicMissense, ...] = ()
    lof: tuple[LofFrequency, ...] = ()
    regions: tuple[CriticalRegion, ...] = ()
    files: tuple[Path, ...] = ()


def load_knowledge(directory: Path, version: str | None, symbols: set[str], digest: Any = None) -> Knowledge:
    """The four tables of ``directory``; a missing table is an error (the panel names the directory). The bytes
    read are added to ``digest`` (the panel's fingerprint)."""
    if not directory.is_dir():
        msg = f"{directory}: the panel's ##knowledge= directory does not exist"
        raise PanelError(msg)
    paths = tuple(directory / name for name in FILES)
    for path in paths:
        if not path.is_file():
            msg = f"{path}: missing knowledge-base table (expected {', '.join(FILES)})"
            raise PanelError(msg)
    _, known = read_tsv(paths[0], KNOWN_COLUMNS, digest)
    _, missense = read_tsv(paths[1], MISSENSE_COLUMNS, digest)
    _, lof = read_tsv(paths[2], LOF_COLUMNS, digest)
    _, regions = read_tsv(paths[3], REGION_COLUMNS, digest)
    return Knowledge(
        version=version,
        known=tuple(_known(r, symbols) for r in known),
        missense=tuple(_missense(r, symbols) for r in missense),
        lof=tuple(_lof(r, symbols) for r in lof),
        regions=tuple(_region(r, symbols) for r in regions),
        files=paths,
    )


def _gene(row: Row, symbols: set[str]) -> str:
    gene = row.text("gene")
    if gene not in symbols:
        msg = f"{row.where('gene')}: gene {gene!r} is not in the panel's genes file"
        raise PanelError(msg)
    return gene


def _sites(row: Row) -> dict[Build, Site]:
    chrom = row.text("grch37_chrom").removeprefix("chr")
    out = {Build.GRCH37: Site(chrom, row.integer("grch37_pos"), _bases(row, "grch37_ref"), _bases(row, "grch37_alt"))}
    if row.optional("grch38_pos") is not None:
        out[Build.GRCH38] = Site(chrom, row.integer("grch38_pos"), _bases(row, "grch38_ref"),
                                 _bases(row, "grch38_alt"))
    return out


def _bases(row: Row, column: str) -> str:
    value = row.text(column).upper()
    if not set(value) <= set("ACGTN"):
        msg = f"{row.where(column)}: {value!r} is not an A/C/G/T sequence"
        raise PanelError(msg)
    return value


def _known(row: Row, symbols: set[str]) -> KnownAllele:
    stars = row.text("stars")
    if stars not in ("0", "1", "2", "3", "4"):
        msg = f"{row.where('stars')}: expected 0-4, got {stars!r}"
        raise PanelError(msg)
    pmids = row.optional("pmids")
    return KnownAllele(
        gene=_gene(row, symbols), hgvs_c=row.optional("hgvs_c"), hgvs_p=row.optional("hgvs_p"), sites=_sites(row),
        significance=row.choice("significance", ClinVarClass), stars=int(stars),
        review_status=row.optional("review_status"), variation_id=row.optional("clinvar_variation_id"),
        pmids=tuple(pmids.split(";")) if pmids else (), well_described=row.flag("well_described"),
        source=row.text("source"), source_date=row.text("source_date"))


def _missense(row: Row, symbols: set[str]) -> PathogenicMissense:
    return PathogenicMissense(
        gene=_gene(row, symbols), codon=row.integer("codon"), ref_aa=row.text("ref_aa"), alt_aa=row.text("alt_aa"),
        hgvs_p=row.text("hgvs_p"), sites=_sites(row), clinvar_id=row.optional("clinvar_id"),
        source=row.text("source"), source_date=row.text("source_date"))


def _lof(row: Row, symbols: set[str]) -> LofFrequency:
    build = row.choice("build", Build)
    site = Site(row.text("chrom").removeprefix("chr"), row.integer("pos"), _bases(row, "ref"), _bases(row, "alt"))
    return LofFrequency(gene=_gene(row, symbols), build=build, site=site, popmax_af=row.decimal("popmax_af"),
                        source=row.text("source"), source_date=row.text("source_date"))


def _region(row: Row, symbols: set[str]) -> CriticalRegion:
    start, end = row.integer("aa_start"), row.integer("aa_end")
    if end < start:
        msg = f"{row.where('aa_end')}: end {end} is before start {start}"
        raise PanelError(msg)
    return CriticalRegion(gene=_gene(row, symbols), region=row.text("region"), aa_start=start, aa_end=end,
                          source=row.text("source"), note=row.optional("note"))

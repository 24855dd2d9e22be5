"""Load and validate a gene panel (genes TSV plus its exon models and curated known variants).

A panel is ``gene_panels/hlh_genes.tsv`` (format in gene_panels/README.md): ``##key=value``
metadata lines, one header row, one row per gene. The metadata names the exon-model and
known-variant files, resolved next to the genes file. Every malformed value is a
:class:`PanelError` naming file, line and column. ``sha256`` covers the genes file and the files
it references, in that order, so any change to any of them changes the recorded hash (each file is
read once, at most :data:`varhlh.fileio.TABLE_LIMIT` bytes).

A panel must not contradict itself (:func:`_check_spans`): each gene's GRCh37 and GRCh38 spans lie
within that chromosome of that build (:data:`varhlh.genome.CONTIG_LENGTHS`) and contain the panel's
own exon model of the gene in that build and every curated allele of the gene in that build, on the
gene's chromosome. Swapped GRCh37/GRCh38 columns or a mistyped coordinate would otherwise make the
reader look in the wrong place and report the gene's alleles as absent.
"""

from __future__ import annotations

import hashlib
import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from varhlh.errors import PanelError, shown
from varhlh.fileio import TABLE_LIMIT, TooLarge, read_limited
from varhlh.genome import CONTIG_LENGTHS
from varhlh.knowledge import Knowledge, load_knowledge
from varhlh.models import (
    Build,
    Classification,
    DiagnosticWeight,
    Exon,
    Inheritance,
    KnownLocus,
    KnownVariant,
    Mechanism,
    PanelAppRating,
    PanelGene,
    Tier,
    TranscriptModel,
    TransplantPolicy,
    TransplantWorkup,
)
from varhlh.tables import Row as _Row
from varhlh.tables import read_tsv as _read_tsv

DEFAULT_PANEL_FILE = "hlh_genes.tsv"
GENE_COLUMNS = (
    "symbol", "hgnc_id", "omim_gene", "chrom", "strand", "mane_refseq", "mane_ensembl",
    "grch37_start", "grch37_end", "grch38_start", "grch38_end", "inheritance", "mechanism",
    "disease", "omim_disease", "tier", "panelapp_rating", "transplant_policy", "functional_test",
    "notes", "source",
)
EXON_COLUMNS = (
    "symbol", "transcript", "build", "chrom", "strand", "exon", "start", "end", "c_start", "c_end",
    "cds_length",
)
KNOWN_COLUMNS = (
    "gene", "hgvs_c", "hgvs_p", "rsid", "transcript", "grch37_chrom", "grch37_start", "grch37_end",
    "grch37_ref", "grch37_alt", "grch38_start", "grch38_end", "grch38_ref", "grch38_alt", "region",
    "classification", "diagnostic_weight", "frequency_exempt", "ancestry", "note", "source",
)
VALID_CHROMS = frozenset([*(str(i) for i in range(1, 23)), "X", "Y", "MT"])

@dataclass(frozen=True)
class Panel:
    name: str
    version: str
    date: str | None
    path: str
    sha256: str
    genes: tuple[PanelGene, ...]
    transcripts: Mapping[tuple[str, Build], TranscriptModel]
    known_variants: tuple[KnownVariant, ...]
    knowledge: Knowledge = field(default_factory=Knowledge)
    """The bundled, dated knowledge base (``##knowledge=``); empty when the panel names none."""

    def gene(self, symbol: str) -> PanelGene:
        return next(g for g in self.genes if g.symbol == symbol)

    def provenance(self) -> dict[str, str | None]:
        return {"name": self.name, "version": self.version, "date": self.date, "path": self.path,
                "sha256": self.sha256, "knowledge_version": self.knowledge.version}


def bundled_panel_dir() -> Path:
    """The panel directory shipped with the package (wheel), or the checkout's gene_panels/."""
    packaged = importlib.resources.files("varhlh") / "gene_panels"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "gene_panels"


def load_panel(path: Path | None = None) -> Panel:
    """Load and validate a panel; ``None`` loads the bundled default panel."""
    genes_path = path if path is not None else bundled_panel_dir() / DEFAULT_PANEL_FILE
    digest = hashlib.sha256()
    meta, rows = _read_tsv(genes_path, GENE_COLUMNS, digest)
    for key in ("panel_name", "panel_version"):
        if key not in meta:
            msg = f"{genes_path}: line 1: missing '##{key}=…' metadata line"
            raise PanelError(msg)
    genes = tuple(_gene(row) for row in rows)
    _check_unique(genes_path, [g.symbol for g in genes], "symbol")
    transcripts: dict[tuple[str, Build], TranscriptModel] = {}
    known: tuple[KnownVariant, ...] = ()
    symbols = {g.symbol for g in genes}
    if exon_file := meta.get("exon_models"):
        exon_path = _sibling(genes_path, exon_file, "exon_models")
        transcripts = _transcripts(exon_path, symbols, digest)
    if known_file := meta.get("known_variants"):
        known_path = _sibling(genes_path, known_file, "known_variants")
        known = _known_variants(known_path, symbols, digest)
    _check_spans(genes_path, {row.values["symbol"].strip(): row.line for row in rows}, genes, transcripts, known)
    knowledge = Knowledge()
    if directory := meta.get("knowledge"):
        if "/" in directory or "\\" in directory:
            msg = f"{genes_path}: ##knowledge={directory} must name a directory next to the panel"
            raise PanelError(msg)
        knowledge = load_knowledge(genes_path.parent / directory, meta.get("knowledge_version"), symbols, digest)
    return Panel(
        name=meta["panel_name"], version=meta["panel_version"], date=meta.get("panel_date"),
        path=str(genes_path) if path is not None else f"bundled:{DEFAULT_PANEL_FILE}",
        sha256=digest.hexdigest(), genes=genes, transcripts=transcripts, known_variants=known, knowledge=knowledge,
    )


def panel_files(path: Path) -> list[Path]:
    """The genes file and the exon-model, known-variant and knowledge-base files it names (those that exist),
    without validating anything: the files a run reads, which no output may replace."""
    files = [path]
    if not path.is_file():  # a pipe (<(…)) was read once already; opening it again would wait for a writer
        return files
    try:
        text = read_limited(path, TABLE_LIMIT).decode("utf-8", "replace")
    except (OSError, TooLarge):
        return files
    for line in text.splitlines():
        key, sep, value = line[2:].partition("=") if line.startswith("##") else ("", "", "")
        if sep and key.strip() in ("exon_models", "known_variants", "knowledge") and "/" not in value \
                and "\\" not in value:
            candidate = path.parent / value.strip()
            if candidate.is_file():
                files.append(candidate)
            elif candidate.is_dir():
                files.extend(sorted(candidate.glob("*.tsv")))
    return files


def _check_spans(path: Path, lines: Mapping[str, int], genes: tuple[PanelGene, ...],
                 transcripts: Mapping[tuple[str, Build], TranscriptModel], known: tuple[KnownVariant, ...]) -> None:
    """Refuse a panel whose gene spans contradict the chromosome lengths, its exon models or its curated
    alleles (see the module docstring)."""
    alleles: dict[str, list[KnownVariant]] = {}
    for variant in known:
        alleles.setdefault(variant.gene, []).append(variant)
    for gene in genes:
        where = f"{path}: line {lines.get(gene.symbol, '?')}: gene {gene.symbol}"
        for build in Build:
            column = "grch37" if build is Build.GRCH37 else "grch38"
            start, end = gene.spans[build]
            length = CONTIG_LENGTHS[build].get(gene.chrom)
            if length is not None and end > length:
                msg = (f"{where}: {column}_end {end} lies past the end of chromosome {gene.chrom} in {build} "
                       f"({length:,} bp); fix the {column} coordinates")
                raise PanelError(msg)
            model = transcripts.get((gene.symbol, build))
            if model is not None:
                low, high = min(e.start for e in model.exons), max(e.end for e in model.exons)
                if model.chrom != gene.chrom or low < start or high > end:
                    msg = (f"{where}: the {build} span {gene.chrom}:{start}-{end} does not contain the panel's own "
                           f"{build} exon model {model.transcript} ({model.chrom}:{low}-{high}); the GRCh37 and GRCh38 "
                           "columns may be swapped or mistyped — fix the span or the exon model")
                    raise PanelError(msg)
            for variant in alleles.get(gene.symbol, ()):
                locus = variant.loci.get(build)
                if locus is not None and (locus.chrom != gene.chrom or locus.start < start or locus.end > end):
                    msg = (f"{where}: the {build} span {gene.chrom}:{start}-{end} does not contain the curated allele "
                           f"{variant.hgvs_c} ({locus.chrom}:{locus.start}-{locus.end}); the GRCh37 and GRCh38 columns "
                           "may be swapped or mistyped — fix the span or the known-variants file")
                    raise PanelError(msg)


def _sibling(genes_path: Path, name: str, key: str) -> Path:
    candidate = genes_path.parent / name
    if "/" in name or "\\" in name or not candidate.is_file():
        msg = f"{genes_path}: ##{key}={name} must name a file next to the panel; {candidate} not found"
        raise PanelError(msg)
    return candidate


def _chrom(row: _Row, column: str) -> str:
    chrom = row.text(column).removeprefix("chr")
    if chrom not in VALID_CHROMS:
        msg = f"{row.where(column)}: {shown(chrom)} is not a primary chromosome (1-22, X, Y, MT) without 'chr'"
        raise PanelError(msg)
    return chrom


def _strand(row: _Row, column: str = "strand") -> str:
    strand = row.text(column)
    if strand not in ("+", "-"):
        msg = f"{row.where(column)}: strand must be '+' or '-', got {shown(strand)}"
        raise PanelError(msg)
    return strand


def _span(row: _Row, prefix: str) -> tuple[int, int]:
    start, end = row.integer(f"{prefix}_start"), row.integer(f"{prefix}_end")
    if end < start:
        msg = f"{row.where(prefix + '_end')}: end {end} is before start {start}"
        raise PanelError(msg)
    return start, end


def _gene(row: _Row) -> PanelGene:
    return PanelGene(
        symbol=row.text("symbol"),
        hgnc_id=_hgnc(row),
        omim_gene=row.optional("omim_gene"),
        chrom=_chrom(row, "chrom"),
        strand=_strand(row),
        mane_refseq=row.text("mane_refseq"),
        mane_ensembl=row.text("mane_ensembl"),
        spans={Build.GRCH37: _span(row, "grch37"), Build.GRCH38: _span(row, "grch38")},
        inheritance=row.choice("inheritance", Inheritance),
        mechanism=row.choice("mechanism", Mechanism),
        disease=row.text("disease"),
        omim_disease=row.optional("omim_disease"),
        tier=row.choice("tier", Tier),
        panelapp_rating=row.choice("panelapp_rating", PanelAppRating),
        transplant_policy=row.choice("transplant_policy", TransplantPolicy),
        functional_test=row.optional("functional_test"),
        notes=row.optional("notes"),
        source=row.text("source"),
    )


def _hgnc(row: _Row) -> str:
    value = row.text("hgnc_id")
    if not value.startswith("HGNC:") or not (value[5:].isascii() and value[5:].isdigit()):
        msg = f"{row.where('hgnc_id')}: expected 'HGNC:<number>', got {shown(value)}"
        raise PanelError(msg)
    return value


def _check_unique(path: Path, values: list[str], column: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            msg = f"{path}: column {column!r}: {shown(value)} appears more than once"
            raise PanelError(msg)
        seen.add(value)


def _transcripts(path: Path, symbols: set[str], digest: Any = None) -> dict[tuple[str, Build], TranscriptModel]:
    _, rows = _read_tsv(path, EXON_COLUMNS, digest)
    grouped: dict[tuple[str, Build], list[_Row]] = {}
    for row in rows:
        symbol = _known_symbol(row, "symbol", symbols)
        grouped.setdefault((symbol, row.choice("build", Build)), []).append(row)
    return {key: _transcript(key, group) for key, group in grouped.items()}


def _transcript(key: tuple[str, Build], rows: list[_Row]) -> TranscriptModel:
    first = rows[0]
    exons = tuple(sorted((_exon(r) for r in rows), key=lambda e: e.number))
    for expected, exon in enumerate(exons, start=1):
        if exon.number != expected:
            msg = f"{first.path}: {key[0]} {key[1]}: exon numbers are not 1..{len(exons)} (gap at {expected})"
            raise PanelError(msg)
    _same(rows, ("transcript", "chrom", "strand", "cds_length"))
    return TranscriptModel(symbol=key[0], transcript=first.text("transcript"), build=key[1],
                           chrom=_chrom(first, "chrom"), strand=_strand(first), exons=exons,
                           cds_length=first.integer("cds_length"))


def _same(rows: list[_Row], columns: tuple[str, ...]) -> None:
    for column in columns:
        for row in rows[1:]:
            if row.values[column] != rows[0].values[column]:
                msg = f"{row.where(column)}: differs from line {rows[0].line} of the same transcript"
                raise PanelError(msg)


def _exon(row: _Row) -> Exon:
    start, end = row.integer("start"), row.integer("end")
    if end < start:
        msg = f"{row.where('end')}: exon end {end} is before start {start}"
        raise PanelError(msg)
    return Exon(number=row.integer("exon"), start=start, end=end,
                c_start=row.text("c_start"), c_end=row.text("c_end"))


def _known_symbol(row: _Row, column: str, symbols: set[str]) -> str:
    symbol = row.text(column)
    if symbol not in symbols:
        msg = f"{row.where(column)}: gene {shown(symbol)} is not in the panel's genes file"
        raise PanelError(msg)
    return symbol


def _known_variants(path: Path, symbols: set[str], digest: Any = None) -> tuple[KnownVariant, ...]:
    _, rows = _read_tsv(path, KNOWN_COLUMNS, digest)
    return tuple(_known(row, symbols) for row in rows)


def _known(row: _Row, symbols: set[str]) -> KnownVariant:
    chrom = _chrom(row, "grch37_chrom")
    loci = {build: _locus(row, prefix, chrom)
            for build, prefix in ((Build.GRCH37, "grch37"), (Build.GRCH38, "grch38"))
            if row.optional(f"{prefix}_start") is not None}
    return KnownVariant(
        gene=_known_symbol(row, "gene", symbols), hgvs_c=row.text("hgvs_c"),
        hgvs_p=row.optional("hgvs_p"), rsid=row.optional("rsid"), transcript=row.text("transcript"),
        loci=loci, region=row.optional("region"),
        classification=row.choice("classification", Classification),
        diagnostic_weight=row.choice("diagnostic_weight", DiagnosticWeight),
        workup=_workup(row), frequency_exempt=row.flag("frequency_exempt"), ancestry=row.optional("ancestry"),
        note=row.optional("note"), source=row.text("source"),
    )


def _workup(row: _Row) -> TransplantWorkup | None:
    """The optional ``workup`` column (panel 2.x): ``consider`` for a well-described milder-course allele."""
    if "workup" not in row.values or row.optional("workup") is None:
        return None
    value = row.choice("workup", TransplantWorkup)
    if value is not TransplantWorkup.CONSIDER:
        msg = f"{row.where('workup')}: only 'consider' (or '.') is allowed, got {value.value!r}"
        raise PanelError(msg)
    return value


def _locus(row: _Row, prefix: str, chrom: str) -> KnownLocus:
    start, end = _span(row, prefix)
    ref, alt = row.optional(f"{prefix}_ref"), row.text(f"{prefix}_alt")
    _check_bases(row, f"{prefix}_ref", ref)
    if alt != "-":
        _check_bases(row, f"{prefix}_alt", alt)
        if ref is None or len(ref) != end - start + 1:
            msg = f"{row.where(prefix + '_ref')}: substitution needs REF bases spanning start..end"
            raise PanelError(msg)
    return KnownLocus(chrom=chrom, start=start, end=end, ref=ref.upper() if ref else None, alt=alt.upper())


def _check_bases(row: _Row, column: str, value: str | None) -> None:
    if value is not None and not set(value.upper()) <= set("ACGT"):
        msg = f"{row.where(column)}: {shown(value)} is not a plus-strand A/C/G/T sequence"
        raise PanelError(msg)


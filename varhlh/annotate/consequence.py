"""Consequence annotations already present in the VCF, in every common dialect.

Four programs write per-transcript consequences into INFO. This module reads all of them into one
record type, :class:`TranscriptConsequence`, with Sequence Ontology (SO) terms ranked in the Ensembl
VEP order, and picks the entry that speaks for a panel gene (:func:`choose`).

Dialects are recognised from the INFO header *description*, never from the tag name (VEP output is
often stored under ``ANN``, SnpEff's usual tag, e.g. ``vep --vcf_info_field ANN``):

* VEP: ``Consequence annotations from Ensembl VEP. Format: Allele|Consequence|…`` (releases before
  ~2016: ``Consequence type as predicted by VEP. Format: …``);
* SnpEff ANN: ``Functional annotations: 'Allele | Annotation | Annotation_Impact | …'``;
* SnpEff EFF (legacy): ``Predicted effects for this variant.Format: 'Effect ( Effect_Impact | … )'``;
* bcftools csq: ``… consequence annotation from BCFtools/csq … Format: '[*]consequence|gene|…'``.

Anything else (an empty description, Talos' re-packed ``Format: consequence|symbol|…``, SnpEff's
``LOF``/``NMD`` tags, slivar's "fake bcftools CSQ") is not a source. Field order always comes from
the header; entries are split on ``,`` and fields on ``|``; entries shorter than the header are
padded with missing values, so bad input is tolerated rather than raised.

Which entries belong to which ALT (:func:`parse`):

* VEP: the ``ALLELE_NUM`` column when present (``--allele_number``); otherwise the ``Allele`` column
  in VEP's convention - when any ALT differs in length from REF and *all* alleles (REF and every
  ALT) share their first base, that base is trimmed from every allele and an empty allele becomes
  ``-``. With ``--minimal`` (gnomAD) each ALT is trimmed on its own: entries with ``MINIMISED=1``
  are matched on that form only, others fall back to it when the default form matches no ALT;
* SnpEff ANN: ``Allele`` is the ALT as written; cancer-mode ``ALT-ALT`` compound alleles are
  ignored;
* SnpEff EFF: the ``Genotype``/``GenotypeNum``/``Genotype_Number`` field holds the ALT number or the
  ALT itself;
* bcftools csq: no allele column; the ``dna_change`` field (``72358355C>T``, or several changes
  joined by ``+`` for a haplotype-aware compound consequence) is compared with this ALT as
  REF>ALT with shared bases trimmed (the position is not compared). Entries without dna_change
  (intronic, UTR, non-coding: 4 fields) cannot be attributed.

Every column of an entry stays readable (:meth:`TranscriptConsequence.value`), so the chosen entry's
VEP frequency and ClinVar columns can be used (:mod:`varhlh.annotate.evidence`).

An entry that cannot be attributed is kept, with ``allele_matched=False``, only when the record has
a single ALT (it can then only be about that ALT); in multi-ALT records it is dropped. bcftools csq
``@POS`` entries are back-references: the (compound) consequence of this variant is written at the
record at POS, so they carry nothing here and are skipped. A ``*`` prefix (``*missense``) marks a
consequence downstream of a stop or frameshift introduced earlier on the same haplotype; the
``*`` is removed, the term kept and a note added, so the consequence is never silently lost.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from varhlh.models import StrEnum

if TYPE_CHECKING:
    from varhlh.read.reader import FieldDef

# Ensembl VEP "Calculated variant consequences" table (release 105 and later), most severe first.
_VEP_CONSEQUENCES: tuple[tuple[str, str], ...] = (
    ("transcript_ablation", "HIGH"),
    ("splice_acceptor_variant", "HIGH"),
    ("splice_donor_variant", "HIGH"),
    ("stop_gained", "HIGH"),
    ("frameshift_variant", "HIGH"),
    ("stop_lost", "HIGH"),
    ("start_lost", "HIGH"),
    ("transcript_amplification", "HIGH"),
    ("feature_elongation", "HIGH"),
    ("feature_truncation", "HIGH"),
    ("inframe_insertion", "MODERATE"),
    ("inframe_deletion", "MODERATE"),
    ("missense_variant", "MODERATE"),
    ("protein_altering_variant", "MODERATE"),
    ("splice_donor_5th_base_variant", "LOW"),
    ("splice_region_variant", "LOW"),
    ("splice_donor_region_variant", "LOW"),
    ("splice_polypyrimidine_tract_variant", "LOW"),
    ("incomplete_terminal_codon_variant", "LOW"),
    ("start_retained_variant", "LOW"),
    ("stop_retained_variant", "LOW"),
    ("synonymous_variant", "LOW"),
    ("coding_sequence_variant", "MODIFIER"),
    ("mature_miRNA_variant", "MODIFIER"),
    ("5_prime_UTR_variant", "MODIFIER"),
    ("3_prime_UTR_variant", "MODIFIER"),
    ("non_coding_transcript_exon_variant", "MODIFIER"),
    ("intron_variant", "MODIFIER"),
    ("NMD_transcript_variant", "MODIFIER"),
    ("non_coding_transcript_variant", "MODIFIER"),
    ("coding_transcript_variant", "MODIFIER"),
    ("upstream_gene_variant", "MODIFIER"),
    ("downstream_gene_variant", "MODIFIER"),
    ("TFBS_ablation", "MODIFIER"),
    ("TFBS_amplification", "MODIFIER"),
    ("TF_binding_site_variant", "MODIFIER"),
    ("regulatory_region_ablation", "MODERATE"),
    ("regulatory_region_amplification", "MODIFIER"),
    ("regulatory_region_variant", "MODIFIER"),
    ("intergenic_variant", "MODIFIER"),
    ("sequence_variant", "MODIFIER"),
)

SEVERITY: tuple[str, ...] = tuple(term for term, _ in _VEP_CONSEQUENCES)
"""SO consequence terms, most severe first (Ensembl VEP order)."""

NULL_TERMS: frozenset[str] = frozenset({
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "start_lost",
})
"""Terms that predict a null allele (the PVS1 candidates)."""

_IMPACT: dict[str, str] = dict(_VEP_CONSEQUENCES)
_RANK: dict[str, int] = {term: i for i, term in enumerate(SEVERITY)}
_SO_BY_LOWER: dict[str, str] = {term.lower(): term for term in SEVERITY}

# Non-VEP spellings -> SO terms of the VEP table (keys lower-case). Covers SnpEff ANN terms, SnpEff
# EFF legacy names, bcftools csq short names and pre-SO VEP names; unknown terms stay verbatim.
_ALIASES: dict[str, str] = {
    # SnpEff ANN
    "conservative_inframe_deletion": "inframe_deletion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "conservative_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_insertion": "inframe_insertion",
    "exon_loss_variant": "transcript_ablation",
    "exon_loss": "transcript_ablation",
    "feature_ablation": "transcript_ablation",
    "intergenic_region": "intergenic_variant",
    "conserved_intergenic_variant": "intergenic_variant",
    "conserved_intron_variant": "intron_variant",
    "non_coding_exon_variant": "non_coding_transcript_exon_variant",
    "nc_transcript_variant": "non_coding_transcript_variant",
    "start_retained": "start_retained_variant",
    "5_prime_utr_premature_start_codon_gain_variant": "5_prime_UTR_variant",
    "5_prime_utr_truncation": "5_prime_UTR_variant",
    "3_prime_utr_truncation": "3_prime_UTR_variant",
    "rare_amino_acid_variant": "missense_variant",
    "mirna": "mature_miRNA_variant",
    # SnpEff EFF legacy names (upper case in the files)
    "frame_shift": "frameshift_variant",
    "non_synonymous_coding": "missense_variant",
    "synonymous_coding": "synonymous_variant",
    "splice_site_acceptor": "splice_acceptor_variant",
    "splice_site_donor": "splice_donor_variant",
    "splice_site_region": "splice_region_variant",
    "splice_site_branch": "intron_variant",
    "splice_site_branch_u12": "intron_variant",
    "synonymous_start": "start_retained_variant",
    "non_synonymous_start": "start_retained_variant",
    "synonymous_stop": "stop_retained_variant",
    "non_synonymous_stop": "stop_retained_variant",
    "start_gained": "5_prime_UTR_variant",
    "utr_5_prime": "5_prime_UTR_variant",
    "utr_3_prime": "3_prime_UTR_variant",
    "utr_5_deleted": "5_prime_UTR_variant",
    "utr_3_deleted": "3_prime_UTR_variant",
    "intron": "intron_variant",
    "intron_conserved": "intron_variant",
    "upstream": "upstream_gene_variant",
    "downstream": "downstream_gene_variant",
    "codon_deletion": "inframe_deletion",
    "codon_insertion": "inframe_insertion",
    "codon_change_plus_codon_deletion": "inframe_deletion",
    "codon_change_plus_codon_insertion": "inframe_insertion",
    "codon_change": "protein_altering_variant",
    "exon": "non_coding_transcript_exon_variant",
    "exon_deleted": "transcript_ablation",
    "exon_deleted_partial": "feature_truncation",
    "gene_deleted": "transcript_ablation",
    "transcript_deleted": "transcript_ablation",
    "intergenic": "intergenic_variant",
    "intergenic_conserved": "intergenic_variant",
    "micro_rna": "mature_miRNA_variant",
    "regulation": "regulatory_region_variant",
    "motif": "TF_binding_site_variant",
    "motif_deleted": "TFBS_ablation",
    "cds": "coding_sequence_variant",
    "rare_amino_acid": "missense_variant",
    # bcftools csq short names not covered by "<name>_variant"
    "non_coding": "non_coding_transcript_variant",
    "inframe_altering": "protein_altering_variant",
    "coding_sequence": "coding_sequence_variant",
    # VEP before the SO terms (Ensembl display terms)
    "frameshift_coding": "frameshift_variant",
    "splice_site": "splice_region_variant",
    "intronic": "intron_variant",
    "5prime_utr": "5_prime_UTR_variant",
    "3prime_utr": "3_prime_UTR_variant",
    "within_non_coding_gene": "non_coding_transcript_variant",
    "within_mature_mirna": "mature_miRNA_variant",
    "nmd_transcript": "NMD_transcript_variant",
    "regulatory_region": "regulatory_region_variant",
}


class Dialect(StrEnum):
    """The program whose annotation format an INFO tag uses."""

    VEP = "vep"
    SNPEFF = "snpeff"
    SNPEFF_EFF = "snpeff_eff"
    BCSQ = "bcsq"

    @property
    def label(self) -> str:
        """The writing program, as shown in reasons: 'VEP', 'SnpEff', 'bcftools csq'."""
        return _LABELS[self]


_LABELS: dict[Dialect, str] = {
    Dialect.VEP: "VEP", Dialect.SNPEFF: "SnpEff", Dialect.SNPEFF_EFF: "SnpEff", Dialect.BCSQ: "bcftools csq",
}

# 'initiator_codon_variant' changed meaning: VEP used it until ~release 80 for what is now
# start_lost; SnpEff uses it for NON_SYNONYMOUS_START (start codon -> another start codon, LOW).
_DIALECT_ALIASES: dict[Dialect, dict[str, str]] = {
    Dialect.VEP: {"initiator_codon_variant": "start_lost"},
    Dialect.SNPEFF: {"initiator_codon_variant": "start_retained_variant"},
    Dialect.SNPEFF_EFF: {"initiator_codon_variant": "start_retained_variant"},
    Dialect.BCSQ: {},
}

# Intronic terms: SnpEff's Rank is the intron number when one of these is present, else the exon.
_INTRONIC_TERMS: frozenset[str] = frozenset({
    "intron_variant", "splice_acceptor_variant", "splice_donor_variant", "splice_donor_5th_base_variant",
    "splice_donor_region_variant", "splice_polypyrimidine_tract_variant",
})

_MISSING_VALUES: frozenset[str] = frozenset({"", "."})
_HGVS = re.compile(r"^(?:(?P<prefix>[^:]+):)?(?P<hgvs>[cgmnopr]\..*)$")
_VERSIONED = re.compile(r"^(?P<base>.+)\.(?P<version>\d+)$")
_DNA_CHANGE = re.compile(r"^(?P<pos>\d+)(?P<ref>[A-Za-z]+)>(?P<alt>[A-Za-z]+)$")
_BCSQ_AA = re.compile(r"^(?P<pos>\d+)(?P<ref>[A-Z*])(?:>(?P=pos)(?P<alt>[A-Z*]))?$")
_LEGACY_AA = re.compile(r"^[A-Z*]\d+(?:[A-Z*]+|fs\S*)$")
_EFF_ENTRY = re.compile(r"^\s*(?P<effect>[^(]*)\((?P<fields>.*)\)\s*$")
_EFF_FORMAT = re.compile(r"Format:\s*'?\s*(?P<effect>\w+)\s*\((?P<fields>.*?)\)")


class _Match(Enum):
    """Whether an annotation entry is about the requested ALT."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AnnotationSource:
    """One INFO tag holding consequence annotations: its dialect and field order from the header."""

    tag: str
    dialect: Dialect
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        """e.g. 'VEP CSQ', 'VEP ANN', 'SnpEff ANN', 'SnpEff EFF', 'bcftools csq BCSQ'."""
        return f"{self.dialect.label} {self.tag}"


@dataclass(frozen=True)
class TranscriptConsequence:
    """One annotation entry (one transcript or feature) for one ALT allele, dialect-neutral."""

    dialect: Dialect
    tag: str
    terms: tuple[str, ...]
    """Normalised SO terms, most severe first; unknown terms verbatim, last."""
    gene_symbol: str | None
    gene_id: str | None
    transcript: str | None
    """As written, with its version when the record gives one (VEP: taken from the HGVSc prefix when
    the Feature column has none). None for non-transcript features (regulatory, intergenic…)."""
    biotype: str | None
    hgvs_c: str | None
    """Without the transcript prefix, e.g. 'c.1122G>A'."""
    hgvs_p: str | None
    """Without the protein prefix and URL-decoded, e.g. 'p.Trp374Ter', 'p.Pro194='."""
    exon: str | None
    intron: str | None
    mane_select: str | None
    """Set when the record says this transcript IS the MANE Select one: the id VEP writes in
    MANE_SELECT/MANE (the RefSeq counterpart of an Ensembl transcript). None otherwise."""
    canonical: bool
    """VEP CANONICAL=YES; always False for SnpEff and bcftools csq (they do not say)."""
    allele_matched: bool = True
    """False when the entry could not be attributed to the ALT and was kept only because the
    record has a single ALT."""
    notes: tuple[str, ...] = ()
    entry: _Entry | None = dataclasses.field(default=None, compare=False, repr=False)
    """Every column of the entry (VEP --af_gnomade/--max_af frequencies, --custom ClinVar fields…)."""

    def value(self, *names: str) -> str | None:
        """The first non-missing value among the entry's columns ``names`` (case-insensitive)."""
        return self.entry.get(*names) if self.entry is not None else None

    def columns(self) -> tuple[str, ...]:
        """Header names of the entry's columns (empty when the entry was not kept)."""
        return self.entry.fields if self.entry is not None else ()

    @property
    def worst_term(self) -> str:
        """The most severe term ('sequence_variant', the SO root, if there is none)."""
        return self.terms[0] if self.terms else "sequence_variant"

    @property
    def impact(self) -> str:
        """VEP IMPACT of the worst term."""
        return impact(self.worst_term)

    @property
    def source_label(self) -> str:
        """e.g. 'VEP CSQ', 'SnpEff ANN', 'bcftools csq BCSQ'."""
        return f"{self.dialect.label} {self.tag}"


# --------------------------------------------------------------------------- SO terms


def impact(term: str) -> str:
    """VEP IMPACT of an SO term: HIGH, MODERATE, LOW or MODIFIER (MODIFIER for unknown terms)."""
    return _IMPACT.get(_SO_BY_LOWER.get(term.lower(), term), "MODIFIER")


def severity_rank(term: str) -> int:
    """Index of ``term`` in :data:`SEVERITY` (0 = most severe); unknown terms rank last."""
    return _RANK.get(_SO_BY_LOWER.get(term.lower(), term), len(SEVERITY))


def normalise_term(raw: str, dialect: Dialect | None = None) -> str:
    """One consequence term -> SO term of the VEP table; unknown terms are returned verbatim.

    Order: dialect-specific alias, SO term (case-insensitive), common alias (SnpEff ANN/EFF,
    bcftools csq, pre-SO VEP), ``<term>_variant`` (bcftools ``missense`` -> ``missense_variant``).
    """
    term = raw.strip()
    key = term.lower()
    if dialect is not None and key in _DIALECT_ALIASES[dialect]:
        return _DIALECT_ALIASES[dialect][key]
    if key in _SO_BY_LOWER:
        return _SO_BY_LOWER[key]
    if key in _ALIASES:
        return _ALIASES[key]
    return _SO_BY_LOWER.get(f"{key}_variant", term)


@functools.lru_cache(maxsize=1024)
def _terms(raw: str, dialect: Dialect) -> tuple[str, ...]:
    """Split a compound consequence (``&`` VEP/SnpEff/bcftools, ``+`` EFF), normalise, sort (cached: a file has a
    few dozen distinct consequence strings)."""
    seen: dict[str, None] = {}
    for part in re.split(r"[&+]", raw):
        if part.strip():
            seen.setdefault(normalise_term(part, dialect), None)
    return tuple(sorted(seen, key=severity_rank))


# --------------------------------------------------------------------------- header detection


def detect_sources(info: Mapping[str, FieldDef]) -> list[AnnotationSource]:
    """Every INFO tag whose header description identifies a consequence dialect, in header order."""
    sources = []
    for tag, definition in info.items():
        source = _source(tag, definition.description)
        if source is not None:
            sources.append(source)
    return sources


def _source(tag: str, description: str) -> AnnotationSource | None:
    text = description.replace('\\"', '"')
    if "bcftools/csq" in text.lower():
        return _format_source(tag, Dialect.BCSQ, text.replace("[*]", "").replace("[", "").replace("]", ""))
    if re.search(r"\bVEP\b", text) and "Format:" in text:
        return _format_source(tag, Dialect.VEP, text)
    if text.lstrip().startswith("Functional annotations:"):
        fields = _fields(text.split(":", 1)[1])
        return AnnotationSource(tag, Dialect.SNPEFF, fields) if "annotation" in _lower(fields) else None
    if text.lstrip().startswith("Predicted effects for this variant") and (m := _EFF_FORMAT.search(text)):
        inner = m.group("fields").replace("[", "").replace("]", "")
        return AnnotationSource(tag, Dialect.SNPEFF_EFF, (m.group("effect"), *_fields(inner)))
    return None


def _format_source(tag: str, dialect: Dialect, text: str) -> AnnotationSource | None:
    """Fields after 'Format:' up to the closing quote; a source only if a consequence column exists."""
    after = text.split("Format:", 1)[1].strip().lstrip("'")
    fields = _fields(after.split("'", 1)[0])
    return AnnotationSource(tag, dialect, fields) if "consequence" in _lower(fields) else None


def _fields(text: str) -> tuple[str, ...]:
    return tuple(name.strip().strip("'\" ") for name in text.split("|"))


def _lower(fields: Sequence[str]) -> set[str]:
    return {name.lower() for name in fields}


# --------------------------------------------------------------------------- entry parsing


class _Entry:
    """Values of one entry, looked up by (case-insensitive) header field name."""

    __slots__ = ("_plans", "_values", "fields")

    def __init__(self, fields: tuple[str, ...], values: Sequence[str]) -> None:
        self.fields = fields
        self._plans = _plans(fields)
        self._values: Sequence[str] = values

    def get(self, *names: str) -> str | None:
        """The first non-missing value among ``names`` (missing: absent, empty or '.')."""
        plan = self._plans.get(names)
        if plan is None:
            plan = self._plans[names] = _plan(self.fields, names)
        return self._first(plan)

    def each(self, groups: tuple[tuple[str, ...], ...]) -> list[str | None]:
        """:meth:`get` of each group of names, in one call (a builder reads a dozen columns of every entry)."""
        plans = self._plans.get(groups)
        if plans is None:
            plans = self._plans[groups] = tuple(_plan(self.fields, names) for names in groups)
        return [self._first(plan) for plan in plans]

    def _first(self, plan: tuple[tuple[int, ...], ...]) -> str | None:
        values, n = self._values, len(self._values)
        for columns in plan:
            for column in columns:
                if column < n:
                    value = values[column].strip()
                    if value not in _MISSING_VALUES:
                        return value
                    break
        return None


@functools.lru_cache(maxsize=64)
def _plans(fields: tuple[str, ...]) -> dict[Any, Any]:
    """The lookup plans of one header's entries (:func:`_plan`), filled as names are asked for: the entries of a
    source share their header, and ask for the same few names."""
    return {}


def _plan(fields: tuple[str, ...], names: tuple[str, ...]) -> tuple[tuple[int, ...], ...]:
    """For each of ``names`` that the header has, its columns, last first: a name given twice reads its last column
    that the entry has. Values are looked up, and stripped, only when asked for: an entry has dozens of fields, a
    few are read."""
    columns: dict[str, tuple[int, ...]] = {}
    for column, name in enumerate(fields):
        columns[name.lower()] = (column, *columns.get(name.lower(), ()))
    return tuple(columns[name.lower()] for name in names if name.lower() in columns)


def parse(info_values: Mapping[str, str], sources: Sequence[AnnotationSource], ref: str,
          alts: Sequence[str], alt_index: int) -> list[TranscriptConsequence]:
    """All entries of all ``sources`` that belong to ALT ``alt_index`` (1-based), in source order.

    Entries positively attributed to another ALT are dropped; unattributable ones are kept (with
    ``allele_matched=False``) only for single-ALT records; entries without a consequence term and
    bcftools ``@POS`` back-references are skipped.
    """
    if not 1 <= alt_index <= len(alts):
        return []
    out: list[TranscriptConsequence] = []
    for source in sources:
        value = info_values.get(source.tag)
        if not value:
            continue
        for text in value.split(","):
            consequence = _parse_entry(text, source, ref, alts, alt_index)
            if consequence is not None:
                out.append(consequence)
    return out


def _parse_entry(text: str, source: AnnotationSource, ref: str, alts: Sequence[str],
                 alt_index: int) -> TranscriptConsequence | None:
    text = text.strip()
    if not text or text.startswith("@"):
        return None
    if source.dialect is Dialect.SNPEFF_EFF:
        m = _EFF_ENTRY.match(text)
        values = [m.group("effect"), *m.group("fields").split("|")] if m else [text]
    else:
        values = text.split("|")
    entry = _Entry(source.fields, values)
    build = _BUILDERS[source.dialect]
    match = _MATCHERS[source.dialect](entry, ref, alts, alt_index)
    if match is _Match.NO or (match is _Match.UNKNOWN and len(alts) != 1):
        return None
    return build(entry, source, match is _Match.YES)


_VEP_COLUMNS = (("Consequence",), ("HGVSc",), ("Feature_type",), ("Feature",), ("MANE_SELECT", "MANE"),
                ("SYMBOL", "HGNC"), ("Gene",), ("BIOTYPE",), ("HGVSp",), ("EXON",), ("INTRON",), ("CANONICAL",))


def _vep(entry: _Entry, source: AnnotationSource, matched: bool) -> TranscriptConsequence | None:
    (raw_terms, raw_hgvs_c, feature_type, feature, mane, symbol, gene_id, biotype, raw_hgvs_p, exon, intron,
     canonical) = entry.each(_VEP_COLUMNS)
    terms = _terms(raw_terms or "", Dialect.VEP)
    if not terms:
        return None
    prefix, hgvs_c = _split_hgvs(raw_hgvs_c)
    is_transcript = feature_type is None or feature_type.lower() == "transcript"
    transcript = feature if is_transcript else None
    if transcript and prefix and "." not in transcript and prefix.split(".")[0] == transcript:
        transcript = prefix
    if mane is not None and mane.lower().startswith("mane_plus"):
        mane = None
    elif mane is not None and mane.lower().startswith("mane"):
        mane = transcript
    return TranscriptConsequence(
        dialect=Dialect.VEP, tag=source.tag, terms=terms,
        gene_symbol=symbol, gene_id=gene_id, transcript=transcript,
        biotype=biotype, hgvs_c=hgvs_c, hgvs_p=_split_hgvs(raw_hgvs_p)[1],
        exon=exon, intron=intron, mane_select=mane,
        canonical=(canonical or "").upper() == "YES", allele_matched=matched, entry=entry,
    )


def _snpeff(entry: _Entry, source: AnnotationSource, matched: bool) -> TranscriptConsequence | None:
    terms = _terms(entry.get("Annotation") or "", Dialect.SNPEFF)
    if not terms:
        return None
    feature_type = entry.get("Feature_Type")
    is_transcript = feature_type is None or feature_type.lower() == "transcript"
    exon, intron = _rank(entry.get("Rank"), terms)
    return TranscriptConsequence(
        dialect=Dialect.SNPEFF, tag=source.tag, terms=terms, gene_symbol=entry.get("Gene_Name"),
        gene_id=entry.get("Gene_ID"), transcript=entry.get("Feature_ID") if is_transcript else None,
        biotype=entry.get("Transcript_BioType"), hgvs_c=_split_hgvs(entry.get("HGVS.c"))[1],
        hgvs_p=_split_hgvs(entry.get("HGVS.p"))[1], exon=exon, intron=intron, mane_select=None,
        canonical=False, allele_matched=matched, entry=entry,
    )


def _eff(entry: _Entry, source: AnnotationSource, matched: bool) -> TranscriptConsequence | None:
    terms = _terms(entry.get(source.fields[0]) or "", Dialect.SNPEFF_EFF)
    if not terms:
        return None
    hgvs_c, hgvs_p = _eff_hgvs(entry.get("Amino_Acid_Change", "Amino_Acid_change"))
    exon, intron = _rank(entry.get("Exon_Rank", "Exon"), terms)
    return TranscriptConsequence(
        dialect=Dialect.SNPEFF_EFF, tag=source.tag, terms=terms, gene_symbol=entry.get("Gene_Name"),
        gene_id=None, transcript=entry.get("Transcript_ID", "Transcript"),
        biotype=entry.get("Transcript_BioType", "Gene_BioType"), hgvs_c=hgvs_c, hgvs_p=hgvs_p,
        exon=exon, intron=intron, mane_select=None, canonical=False, allele_matched=matched, entry=entry,
    )


def _bcsq(entry: _Entry, source: AnnotationSource, matched: bool) -> TranscriptConsequence | None:
    raw_terms = entry.get("consequence") or ""
    notes: tuple[str, ...] = ()
    if raw_terms.startswith("*"):
        raw_terms = raw_terms.lstrip("*")
        notes = ("bcftools csq '*': consequence downstream of a stop or frameshift introduced earlier "
                 "on the same haplotype",)
    terms = _terms(raw_terms, Dialect.BCSQ)
    if not terms:
        return None
    return TranscriptConsequence(
        dialect=Dialect.BCSQ, tag=source.tag, terms=terms, gene_symbol=entry.get("gene"), gene_id=None,
        transcript=entry.get("transcript"), biotype=entry.get("biotype"), hgvs_c=None,
        hgvs_p=_bcsq_protein(entry.get("amino_acid_change")), exon=None, intron=None, mane_select=None,
        canonical=False, allele_matched=matched, notes=notes, entry=entry,
    )


def _split_hgvs(value: str | None) -> tuple[str | None, str | None]:
    """'ENST00000441259.2:c.1122G>A' -> ('ENST00000441259.2', 'c.1122G>A'); URL-decoded."""
    if value is None:
        return None, None
    m = _HGVS.match(unquote(value))
    if m is None:
        return None, None
    return m.group("prefix"), m.group("hgvs")


def _eff_hgvs(value: str | None) -> tuple[str | None, str | None]:
    """EFF Amino_Acid_Change: 'p.Trp374*/c.1122G>A' (SnpEff 4) or legacy 'W374*' -> (c., p.)."""
    if value is None:
        return None, None
    hgvs_c = hgvs_p = None
    for part in value.split("/"):
        part = part.strip()
        if part.startswith("c."):
            hgvs_c = part
        elif part.startswith("p."):
            hgvs_p = part
        elif _LEGACY_AA.match(part):
            hgvs_p = f"p.{part}"
    return hgvs_c, hgvs_p


def _bcsq_protein(value: str | None) -> str | None:
    """bcftools '374W>374*' -> 'p.W374*', '45R' (synonymous) -> 'p.R45='; other forms -> None."""
    m = _BCSQ_AA.match(value or "")
    if m is None:
        return None
    return f"p.{m.group('ref')}{m.group('pos')}{m.group('alt') or '='}"


def _rank(rank: str | None, terms: Sequence[str]) -> tuple[str | None, str | None]:
    """SnpEff Rank is the intron number for intronic consequences, else the exon number."""
    if rank is None:
        return None, None
    return (None, rank) if _INTRONIC_TERMS.intersection(terms) else (rank, None)


_BUILDERS = {Dialect.VEP: _vep, Dialect.SNPEFF: _snpeff, Dialect.SNPEFF_EFF: _eff, Dialect.BCSQ: _bcsq}


# --------------------------------------------------------------------------- allele attribution


def vep_alleles(ref: str, alts: Sequence[str]) -> list[str]:
    """VEP's default Allele column value for every ALT of a record.

    When any ALT differs in length from REF and all alleles (REF and every ALT) share their first
    base, that base is trimmed from each ALT and an empty ALT becomes '-'; otherwise ALTs are
    reported as written.
    """
    alleles = [ref.upper(), *(a.upper() for a in alts)]
    is_indel = any(len(a) != len(ref) for a in alts)
    if is_indel and len({a[:1] for a in alleles}) == 1:
        return [a[1:] or "-" for a in alleles[1:]]
    return alleles[1:]


def _minimal(ref: str, alt: str) -> str:
    """VEP --minimal allele: common leading, then trailing, bases removed; empty -> '-'."""
    r, a = ref.upper(), alt.upper()
    while r and a and r[0] == a[0]:
        r, a = r[1:], a[1:]
    while r and a and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    return a or "-"


def _by_forms(allele: str, forms: Sequence[str], alt_index: int) -> _Match:
    """YES if ``allele`` is the (unique) form of this ALT, NO if of another ALT, else UNKNOWN."""
    hits = [i for i, form in enumerate(forms, start=1) if form == allele]
    if hits == [alt_index]:
        return _Match.YES
    if hits and alt_index not in hits:
        return _Match.NO
    return _Match.UNKNOWN


def _match_vep(entry: _Entry, ref: str, alts: Sequence[str], alt_index: int) -> _Match:
    number = entry.get("ALLELE_NUM")
    if number is not None and number.isdigit():
        return _Match.YES if int(number) == alt_index else _Match.NO
    allele = entry.get("Allele")
    if allele is None:
        return _Match.UNKNOWN
    if entry.get("MINIMISED") != "1":  # VEP's default form first; the --minimal form when it tells nothing
        match = _by_forms(allele.upper(), vep_alleles(ref, alts), alt_index)
        if match is not _Match.UNKNOWN:
            return match
    return _by_forms(allele.upper(), [_minimal(ref, a) for a in alts], alt_index)


def _match_alt(allele: str | None, alts: Sequence[str], alt_index: int) -> _Match:
    """SnpEff: the ALT as written; 'ALT-ALT' cancer compounds belong to no single ALT."""
    if allele is None:
        return _Match.UNKNOWN
    match = _by_forms(allele.upper(), [a.upper() for a in alts], alt_index)
    if match is _Match.UNKNOWN and "-" in allele:
        return _Match.NO
    return match


def _match_snpeff(entry: _Entry, ref: str, alts: Sequence[str], alt_index: int) -> _Match:
    return _match_alt(entry.get("Allele"), alts, alt_index)


def _match_eff(entry: _Entry, ref: str, alts: Sequence[str], alt_index: int) -> _Match:
    genotype = entry.get("Genotype", "GenotypeNum", "Genotype_Number")
    if genotype is not None and genotype.isdigit():
        return _Match.YES if int(genotype) == alt_index else _Match.NO
    return _match_alt(genotype, alts, alt_index)


def _match_bcsq(entry: _Entry, ref: str, alts: Sequence[str], alt_index: int) -> _Match:
    """Compare each '+'-joined part of dna_change with the ALTs as REF>ALT with shared bases
    trimmed (positions are not compared: parse() is not given POS). Parts naming this ALT and
    another one make the entry ambiguous."""
    change = entry.get("dna_change")
    if change is None:
        return _Match.UNKNOWN
    forms = [_trimmed(ref, a) for a in alts]
    named: set[int] = set()
    for part in change.split("+"):
        m = _DNA_CHANGE.match(part.strip())
        if m is not None:
            key = _trimmed(m.group("ref"), m.group("alt"))
            named.update(i for i, form in enumerate(forms, start=1) if form == key)
    if named == {alt_index}:
        return _Match.YES
    return _Match.NO if named and alt_index not in named else _Match.UNKNOWN


def _trimmed(ref: str, alt: str) -> str:
    """'REF>ALT' with shared leading/trailing bases removed (position-free comparison key)."""
    r, a = ref.upper(), alt.upper()
    while len(r) > 1 and len(a) > 1 and r[-1] == a[-1]:
        r, a = r[:-1], a[:-1]
    while len(r) > 1 and len(a) > 1 and r[0] == a[0]:
        r, a = r[1:], a[1:]
    return f"{r}>{a}"


_MATCHERS = {Dialect.VEP: _match_vep, Dialect.SNPEFF: _match_snpeff, Dialect.SNPEFF_EFF: _match_eff,
             Dialect.BCSQ: _match_bcsq}


# --------------------------------------------------------------------------- transcript choice


def choose(consequences: Sequence[TranscriptConsequence], symbol: str, mane_refseq: str,
           mane_ensembl: str) -> tuple[TranscriptConsequence | None, str]:
    """The entry that speaks for gene ``symbol``, and why it was chosen.

    Entries count for the gene when their symbol equals ``symbol`` (case-insensitive) or their
    transcript is one of the panel's MANE ids. Preference: (1) the panel's MANE Select transcript
    (RefSeq or Ensembl id, version ignored; also an entry VEP flags as MANE Select with the panel's
    id as counterpart); (2) an entry the annotation flags as MANE Select although the panel names
    another; (3) the canonical transcript; (4) any transcript of the gene. Within a tier the most
    severe consequence wins (ties: see :func:`_most_severe`). A version that differs from the
    panel's (or is absent) is stated in the reason.
    """
    panel = {_base(x): x for x in (mane_refseq, mane_ensembl) if x}
    mine = [c for c in consequences if _is_for_gene(c, symbol, panel)]
    if not mine:
        others = sorted({c.gene_symbol for c in consequences if c.gene_symbol})
        named = f"; entries name only {', '.join(others)}" if others else ""
        return None, f"no consequence annotation for {symbol}{named}"
    on_panel = [c for c in mine if _panel_id(c, panel) is not None]
    if on_panel:
        best = _most_severe(on_panel)
        return best, _mane_reason(best, panel)
    flagged = [c for c in mine if c.mane_select]
    if flagged:
        best = _most_severe(flagged)
        panel_ids = " / ".join(x for x in (mane_refseq, mane_ensembl) if x)
        return best, (f"transcript {best.transcript} is flagged MANE Select ({best.mane_select}) by the "
                      f"annotation, but the panel's MANE Select is {panel_ids} ({best.source_label})")
    canonical = [c for c in mine if c.canonical]
    if canonical:
        best = _most_severe(canonical)
        return best, (f"no MANE Select entry; most severe consequence on the canonical transcript "
                      f"{best.transcript} ({best.source_label})")
    best = _most_severe(mine)
    where = f"transcript {best.transcript}" if best.transcript else "an entry without a transcript id"
    return best, (f"no MANE Select or canonical entry; most severe consequence among {len(mine)} "
                  f"entries for {symbol}: {where} ({best.source_label})")


@functools.lru_cache(maxsize=4096)
def _base(identifier: str | None) -> str | None:
    """Accession without its version suffix: 'NM_001083116.3' -> 'NM_001083116' (cached: asked several times per
    entry, of a few hundred transcripts)."""
    if not identifier:
        return None
    m = _VERSIONED.match(identifier)
    return m.group("base") if m else identifier


def _is_for_gene(c: TranscriptConsequence, symbol: str, panel: Mapping[str | None, str]) -> bool:
    same_symbol = c.gene_symbol is not None and c.gene_symbol.upper() == symbol.upper()
    return same_symbol or _panel_id(c, panel) is not None


def _panel_id(c: TranscriptConsequence, panel: Mapping[str | None, str]) -> str | None:
    """The panel MANE id this entry's transcript (or its flagged MANE counterpart) matches."""
    for identifier in (c.transcript, c.mane_select):
        if _base(identifier) in panel:
            return panel[_base(identifier)]
    return None


def _most_severe(candidates: Sequence[TranscriptConsequence]) -> TranscriptConsequence:
    """Most severe worst term; ties: attributed to the ALT, then a versioned transcript id, then
    the earlier entry."""

    def key(item: tuple[int, TranscriptConsequence]) -> tuple[int, bool, bool, int]:
        order, c = item
        versioned = c.transcript is not None and _VERSIONED.match(c.transcript) is not None
        return severity_rank(c.worst_term), not c.allele_matched, not versioned, order

    return min(enumerate(candidates), key=key)[1]


def _mane_reason(c: TranscriptConsequence, panel: Mapping[str | None, str]) -> str:
    if _base(c.transcript) in panel:
        written, expected = c.transcript or "", panel[_base(c.transcript)]
        reason = f"MANE Select transcript {written} ({c.source_label})"
    else:
        written, expected = c.mane_select or "", panel[_base(c.mane_select)]
        reason = (f"MANE Select transcript {c.transcript} ({c.source_label}; flagged MANE Select with "
                  f"counterpart {written})")
    if written == expected:
        return reason
    if _VERSIONED.match(written) is None:
        return f"{reason}; the annotation gives no version, the panel's MANE Select is {expected}"
    return f"{reason}; version differs from the panel's {expected}"

"""Annotate stage: consequence, HGVS, ClinVar, population frequency and curated-allele match.

Sources, each recorded with the value it gave: the VCF's own consequence annotation (VEP CSQ,
SnpEff ANN/EFF, bcftools BCSQ — dialect from the header description), ClinVar INFO fields,
population-frequency INFO fields (names in Settings), the panel's curated known-variant table,
and the built-in MANE exon model (:mod:`varhlh.locus`), so an unannotated VCF still gets a
region, a region-level consequence and HGVS c. When the VCF's annotation and the built-in model
disagree, both are reported and the one used is named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from varhlh import clinvar, consequence
from varhlh.genome import canonical_chrom
from varhlh.locus import Locus, TranscriptMap, minimal_change
from varhlh.models import (
    Allele,
    Annotation,
    Build,
    FrequencyEvidence,
    KnownVariant,
)
from varhlh.panel import Panel
from varhlh.read import FieldDef
from varhlh.settings import Settings

_SPLICE = frozenset({"splice_acceptor_variant", "splice_donor_variant"})


class Annotator:
    """Annotation context for one input: detected sources, transcript maps, curated index."""

    def __init__(self, info_defs: Mapping[str, FieldDef], panel: Panel, build: Build, settings: Settings) -> None:
        self.info_defs = info_defs
        self.sources = consequence.detect_sources(info_defs)
        self.clinvar_fields = clinvar.detect_fields(info_defs)
        self.af_fields = [f for f in settings.af_fields if f in info_defs]
        self.popmax_fields = [f for f in settings.popmax_fields if f in info_defs]
        self.maps = {symbol: TranscriptMap(model) for (symbol, b), model in panel.transcripts.items() if b == build}
        self.known: dict[tuple[str, int], list[KnownVariant]] = {}
        for variant in panel.known_variants:
            locus = variant.loci.get(build)
            if locus is not None:
                self.known.setdefault((locus.chrom, locus.start), []).append(variant)
        self.build = build

    def info_keys(self) -> frozenset[str]:
        """The INFO fields this annotator reads; the reader converts only these."""
        fields = self.clinvar_fields
        clinvar_keys = {getattr(fields, name) for name in ("significance", "conflicting", "review_status",
                                                           "variation_id", "allele_map") if hasattr(fields, name)}
        keys = {s.tag for s in self.sources} | clinvar_keys | set(self.af_fields) | set(self.popmax_fields)
        return frozenset(k for k in keys if k) | {"END", "SVLEN", "SVTYPE"}

    def describe(self) -> dict[str, object]:
        """What was found in the header, for provenance."""
        return {
            "consequence_sources": [f"{s.tag} ({s.dialect.value})" for s in self.sources],
            "clinvar_fields": [f for f in (self.clinvar_fields.significance, self.clinvar_fields.review_status)
                               if f],
            "frequency_fields": self.popmax_fields + self.af_fields,
            "builtin_models": sorted(self.maps),
        }

    def annotate(self, allele: Allele) -> Annotation:
        if allele.symbolic:
            return Annotation(None, None, None, None, None, "not annotated (symbolic allele)")
        record = allele.record
        known = self.match_known(allele)
        locus = self._locus(allele)
        vcf_choice, vcf_reason = self._vcf_consequence(allele)
        evidence = {
            "clinvar": clinvar.read(record.info, self.clinvar_fields, allele.alt_index,
                                    self._per_allele(self.clinvar_fields.significance)),
            "frequency": self._frequency(record.info, allele.alt_index),
            "known": known,
            "last_exon": locus.last_exon if locus else _last_exon_from(vcf_choice),
        }
        if vcf_choice is not None:
            return self._from_vcf(allele, vcf_choice, vcf_reason, locus, known, evidence)
        if locus is not None:
            notes = (*locus.notes, "no consequence annotation in the VCF for this gene; built-in MANE model used")
            term = locus.consequence
            refined = protein_consequence(known.hgvs_p) if known and term == "coding_sequence_variant" else None
            if refined:
                notes = (*notes, f"consequence {refined} taken from the curated protein change {known.hgvs_p}")
                term = refined
            return Annotation(term, consequence.impact(term), allele.gene.mane_refseq,
                              known.hgvs_c if known else locus.hgvs_c, known.hgvs_p if known else None,
                              "built-in MANE model", region=locus.region, notes=notes, **evidence)
        note = "no consequence annotation in the VCF and no bundled exon model for this gene: not interpreted"
        return Annotation(None, None, None, known.hgvs_c if known else None, known.hgvs_p if known else None,
                          "none", notes=(note,), **evidence)

    def _from_vcf(self, allele: Allele, choice: consequence.TranscriptConsequence, reason: str,
                  locus: Locus | None, known: KnownVariant | None, evidence: Mapping[str, object]) -> Annotation:
        term = choice.worst_term
        notes = [f"consequence from {reason}"]
        hgvs_c, hgvs_p, transcript = choice.hgvs_c, choice.hgvs_p, choice.transcript
        is_mane = reason.startswith("MANE")
        if locus is not None:
            if disagree(term, locus.consequence):
                notes.append(f"built-in MANE model gives {locus.consequence} ({locus.hgvs_c}); the VCF annotation "
                             f"({term}) was used")
            if not is_mane and locus.hgvs_c:
                notes.append(f"VCF annotation is on {transcript} ({hgvs_c or 'no HGVS'}); HGVS c. shown on the "
                             "MANE transcript from the built-in model")
                hgvs_c, transcript = locus.hgvs_c, allele.gene.mane_refseq
        if known is not None:
            hgvs_c, hgvs_p = known.hgvs_c, known.hgvs_p or hgvs_p
        return Annotation(term, consequence.impact(term), transcript, hgvs_c, hgvs_p,
                          f"VCF {choice.tag} ({choice.dialect.value})", region=locus.region if locus else None,
                          notes=tuple(notes), **evidence)  # type: ignore[arg-type]

    def _vcf_consequence(self, allele: Allele) -> tuple[consequence.TranscriptConsequence | None, str]:
        if not self.sources:
            return None, ""
        record = allele.record
        entries = consequence.parse(record.info, self.sources, record.ref, record.alts, allele.alt_index)
        gene = allele.gene
        return consequence.choose(entries, gene.symbol, gene.mane_refseq, gene.mane_ensembl)

    def _locus(self, allele: Allele) -> Locus | None:
        tmap = self.maps.get(allele.gene.symbol)
        if tmap is None:
            return None
        record = allele.record
        return tmap.annotate(record.pos, record.ref, allele.alt)

    def match_known(self, allele: Allele) -> KnownVariant | None:
        """The curated allele this ALT is, compared after trimming to the minimal change."""
        record = allele.record
        chrom = canonical_chrom(record.chrom)
        change = minimal_change(record.pos, record.ref, allele.alt)
        if chrom is None or not change.ref and not change.alt:
            return None
        for variant in self.known.get((chrom, change.start), ()):
            locus = variant.loci[self.build]
            if locus.alt == "-":
                if not change.alt and change.end == locus.end and locus.ref in (None, change.ref):
                    return variant
            elif change.ref == locus.ref and change.alt == locus.alt:
                return variant
        return None

    def _per_allele(self, field: str | None) -> bool:
        definition = self.info_defs.get(field or "")
        return definition is not None and definition.number in ("A", "R")

    def _frequency(self, info: Mapping[str, str], alt_index: int) -> FrequencyEvidence | None:
        if not self.af_fields and not self.popmax_fields:
            return None
        af, af_field = self._first_value(info, self.af_fields, alt_index)
        popmax, popmax_field = self._first_value(info, self.popmax_fields, alt_index)
        declared = ", ".join(self.popmax_fields + self.af_fields)
        return FrequencyEvidence(af, af_field or (None if popmax_field else declared), popmax, popmax_field,
                                 f"VCF INFO ({declared})")

    def _first_value(self, info: Mapping[str, str], fields: Sequence[str], alt_index: int) -> tuple[float | None, str | None]:
        for name in fields:
            raw = info.get(name)
            if raw is None:
                continue
            values = raw.split(",")
            number = self.info_defs[name].number
            text = values[alt_index - 1] if number == "A" and len(values) >= alt_index else values[0]
            if number == "R" and len(values) > alt_index:
                text = values[alt_index]
            try:
                return float(text), name
            except ValueError:
                continue
        return None, None


_PROTEIN = re.compile(r"^p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|Ter|del|[A-Z][a-z]{2}fs\*?\d*|fs.*)\)?$")


def protein_consequence(hgvs_p: str | None) -> str | None:
    """SO term implied by an HGVS p. of a curated allele: stop_gained, frameshift, missense, in-frame del."""
    match = _PROTEIN.match(hgvs_p or "")
    if match is None:
        return None
    change = match.group(3)
    if "fs" in change:
        return "frameshift_variant"
    if change == "Ter":
        return "stop_gained"
    if change == "del":
        return "inframe_deletion"
    return "missense_variant" if change != match.group(1) else "synonymous_variant"


def disagree(vcf_term: str, builtin_term: str) -> bool:
    """True when the VCF's and the built-in consequences fall in different classes."""
    return _class(vcf_term) != _class(builtin_term)


def _class(term: str) -> str:
    if term in _SPLICE:
        return "canonical_splice"
    if consequence.impact(term) in ("HIGH", "MODERATE") or term in ("coding_sequence_variant", "synonymous_variant",
                                                                    "stop_retained_variant", "start_retained_variant"):
        return "coding"
    return "non_coding"


def _last_exon_from(choice: consequence.TranscriptConsequence | None) -> bool:
    if choice is None or not choice.exon or "/" not in choice.exon:
        return False
    number, _, total = choice.exon.partition("/")
    return number.strip() == total.strip()

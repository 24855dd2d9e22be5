"""Annotate stage: consequence, HGVS, ClinVar, population frequency and curated-allele match.

Sources, each recorded with the value it gave: the VCF's own consequence annotation (VEP CSQ,
SnpEff ANN/EFF, bcftools BCSQ — dialect from the header description), ClinVar and population
frequency from INFO, from the chosen VEP entry's columns and from opt-in local files (which one
is used: :mod:`varhlh.annotate.evidence`), the panel's curated known-variant table (:mod:`varhlh.annotate.curated`),
and the built-in MANE exon model (:mod:`varhlh.annotate.locus`), so an unannotated VCF still gets a
region, a region-level consequence and HGVS c. — with ``--fasta`` also codon-level effects, HGVS
p., 3'-shifted indel names and a REF check (:mod:`varhlh.annotate.reference`).

Which consequence is used: the VCF's (or the opt-in online) annotation of the panel transcript
when present, else the built-in model. When they disagree (consequence class, HGVS c. or p. on
the MANE transcript) both are reported, the other one under ``other_consequence``, and the note
says which was used. HGVS names: the curated table's for a curated allele; else the VCF's MANE
entry; else (VCF on another transcript, or no VCF annotation) the built-in model's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from varhlh.annotate import clinvar, consequence, evidence
from varhlh.annotate.change import Change, Fetch, minimal_change
from varhlh.annotate.curated import CuratedIndex
from varhlh.annotate.known import KnowledgeIndex, missense_change
from varhlh.annotate.locus import Locus, LocusModel
from varhlh.annotate.nmd import truncation
from varhlh.annotate.protein import comparable_p, protein_consequence
from varhlh.annotate.reference import RefCheck, left_align, right_align
from varhlh.annotate.resources import LocalSources
from varhlh.errors import BuildError
from varhlh.genome import canonical_chrom
from varhlh.models import (
    Allele,
    Annotation,
    Build,
    ClinVarEvidence,
    ConsequenceCall,
    FrequencyEvidence,
    Nmd,
    QualityFlag,
    Truncation,
    evolve,
)
from varhlh.panel import Panel
from varhlh.read.reader import FieldDef
from varhlh.settings import Settings

BUNDLED = "bundled knowledge base"
"""How a frequency taken from the knowledge base's LoF list is sourced: a list of observed alleles, so it is not a
population-frequency source for the run (absence from it says nothing)."""
_SPLICE = frozenset({"splice_acceptor_variant", "splice_donor_variant"})
_SPLICE_REGION = frozenset({"splice_region_variant", "splice_donor_5th_base_variant", "splice_donor_region_variant",
                            "splice_polypyrimidine_tract_variant"})


@dataclass(frozen=True)
class _Local:
    clinvar: ClinVarEvidence | None
    frequency: FrequencyEvidence | None
    notes: tuple[str, ...]


class Annotator:
    """Annotation context for one input: detected sources, transcript maps, curated index."""

    def __init__(self, info_defs: Mapping[str, FieldDef], panel: Panel, build: Build, settings: Settings,
                 local: LocalSources | None = None) -> None:
        self.info_defs = info_defs
        self.settings = settings
        self.sources = consequence.detect_sources(info_defs)
        self.clinvar_fields = clinvar.detect_fields(info_defs)
        self.af_fields = [f for f in settings.af_fields if f in info_defs]
        self.popmax_fields = [f for f in settings.popmax_fields if f in info_defs]
        self.maps = {symbol: LocusModel(model) for (symbol, b), model in panel.transcripts.items() if b == build}
        self.local = local
        self.reference = local.reference if local is not None else None
        self.curated = CuratedIndex(panel.known_variants, build, self.reference)
        self.knowledge = KnowledgeIndex(panel.knowledge, build, self.reference)
        self.build = build
        self.external: Mapping[str, Sequence[consequence.TranscriptConsequence]] = {}
        self.external_source = ""
        self._ref_checks: dict[int, RefCheck] = {}
        self._local_cache: dict[str, _Local] = {}
        self._gave_clinvar = self._gave_frequency = False
        """Whether any annotation made so far carries a ClinVar record, or a frequency not from the bundled
        knowledge base (:meth:`evidence_sources` looks for one among the alleles only if so)."""

    def use_external(self, consequences: Mapping[str, Sequence[consequence.TranscriptConsequence]],
                     source: str) -> None:
        """Hook: consequences computed outside the VCF (the opt-in online VEP REST step), per allele id.
        They are chosen and used exactly like a VCF CSQ annotation and labelled ``source``."""
        self.external, self.external_source = consequences, source

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
            **({"online_consequences": self.external_source} if self.external else {}),
        }

    def evidence_sources(self, annotations: Iterable[Annotation]) -> tuple[str | None, str | None, str | None,
                                                                           str | None]:
        """Which sources gave (consequence, reference sequence, ClinVar, population frequency) for this input:
        the header's fields and opt-in files, or values found in ``annotations`` (made by this annotator); None
        when absent. The annotations are read only when the header names no source and some annotation made so far
        has such a value: a cohort sample lists thousands of alleles, and most inputs give none."""
        consequence_source = self.external_source or ", ".join(f"VCF {s.tag} ({s.dialect.value})"
                                                                for s in self.sources) or None
        reference = self.reference.label if self.reference is not None else None
        clinvar = (self.local.clinvar.evidence_source if self.local is not None and self.local.clinvar
                   else f"VCF INFO {self.clinvar_fields.significance}" if self.clinvar_fields.significance else None)
        frequency = (self.local.gnomad.evidence_source if self.local is not None and self.local.gnomad
                     else f"VCF INFO {', '.join(self.popmax_fields + self.af_fields)}"
                     if self.popmax_fields or self.af_fields else None)
        if (clinvar is None and self._gave_clinvar) or (frequency is None and self._gave_frequency):
            found = list(annotations)  # the alleles' own values: the header names no source
            if clinvar is None:
                clinvar = next((a.clinvar.source for a in found if a.clinvar is not None), None)
            if frequency is None:
                frequency = next((a.frequency.source for a in found if a.frequency is not None
                                  and not a.frequency.source.startswith(BUNDLED)), None)
        return consequence_source, reference, clinvar, frequency

    def resources(self) -> list[dict[str, object]]:
        """Provenance of the opt-in local resources (``--fasta``, ``--clinvar``, ``--gnomad``)."""
        return self.local.provenance() if self.local is not None else []

    # ------------------------------------------------------------------ whole-input checks

    def prepare(self, alleles: Sequence[Allele]) -> list[str]:
        """REF check against ``--fasta`` and local-resource look-ups for all alleles; warnings to report.

        Refuses the input (:class:`BuildError`) when more than ``ref_mismatch_refuse_fraction`` of
        the checked alleles, and at least ``ref_mismatch_refuse_min``, differ from the FASTA.
        """
        warnings = list(self.curated.notes)
        if self.reference is not None:
            warnings.extend(self._check_references(alleles))
        if self.local is not None and (self.local.clinvar or self.local.gnomad):
            for allele in alleles:
                if not allele.symbolic:
                    self._local_evidence(allele)
        return warnings

    def _check_references(self, alleles: Sequence[Allele]) -> list[str]:
        checks = {id(a.record): self._ref_check(a) for a in alleles if not a.symbolic}
        checked = [c for c in checks.values() if c is not None and c.state != "not_checked"]
        bad = [c for c in checked if c.state == "mismatch"]
        settings = self.settings
        too_many = len(bad) > settings.ref_mismatch_refuse_fraction * len(checked)
        if len(bad) >= settings.ref_mismatch_refuse_min and too_many:
            msg = (f"{self.reference.path}: {len(bad)} of {len(checked)} checked panel records have a REF that differs "  # type: ignore[union-attr]
                   f"from the FASTA (e.g. {bad[0].reason}); the FASTA is not the {self.build} reference this VCF was "
                   f"called against: {self.reference.fix}")  # type: ignore[union-attr]
            raise BuildError(msg)
        out = []
        if bad:
            shown = "; ".join(c.reason for c in bad[:5])
            out.append(f"{len(bad)} of {len(checked)} checked panel record(s) have a REF differing from the reference "
                       f"FASTA ({shown}{'; …' if len(bad) > 5 else ''}): flagged REF_MISMATCH; check the calls")
        return out

    def _ref_check(self, allele: Allele) -> RefCheck | None:
        if self.reference is None or allele.symbolic:
            return None
        record = allele.record
        key = id(record)
        if key not in self._ref_checks:
            self._ref_checks[key] = self.reference.check_ref(canonical_chrom(record.chrom), record.pos, record.ref)
        return self._ref_checks[key]

    # ------------------------------------------------------------------ per allele

    def annotate(self, allele: Allele) -> Annotation:
        """The allele's annotation, with its truncation facts (PVS1) and why its protein effect is unknown."""
        annotation = self._annotate(allele)
        if allele.symbolic:
            return annotation
        tmap = self.maps.get(allele.gene.symbol)
        change = minimal_change(allele.record.pos, allele.record.ref, allele.alt)
        found = truncation(tmap, change, annotation.consequence or "") if tmap is not None else None
        annotation = evolve(annotation, truncation=found, unresolved=_unresolved(annotation, tmap is not None),
                            **self._known_facts(allele, annotation, found))
        self._gave_clinvar = self._gave_clinvar or annotation.clinvar is not None
        self._gave_frequency = self._gave_frequency or (annotation.frequency is not None
                                                        and not annotation.frequency.source.startswith(BUNDLED))
        return annotation

    def _known_facts(self, allele: Allele, annotation: Annotation, found: Truncation | None) -> dict[str, Any]:
        """What the bundled knowledge base says: the listed allele, pathogenic missense at its codon, what a
        truncation escaping NMD removes, and a LoF allele's gnomAD popmax when no other frequency was found."""
        chrom = canonical_chrom(allele.record.chrom)
        change = self._normalised(allele, chrom)
        gene = allele.gene.symbol
        facts: dict[str, Any] = {"listed": self.knowledge.allele(chrom, change)}
        missense = missense_change(annotation.hgvs_p)
        if missense is not None and annotation.consequence == "missense_variant":
            facts["same_codon"] = tuple(m for m in self.knowledge.same_codon(gene, missense[1])
                                        if (site := m.sites.get(self.build)) is None
                                        or (site.pos, site.alt) != (allele.record.pos, allele.alt))
        if found is not None and found.first_codon is not None and found.nmd not in (Nmd.PREDICTED,):
            regions = [r for r in self.knowledge.critical_regions(gene) if r.aa_end >= found.first_codon]
            removed = [f"{r.region} (codons {r.aa_start}-{r.aa_end})" for r in regions]
            downstream = self.knowledge.downstream_pathogenic(gene, found.first_codon + (0 if found.in_frame_skip
                                                                                         else 1))
            if downstream:
                removed.append(f"{len(downstream)} known pathogenic change(s) at or after the lost codons "
                               f"({', '.join(downstream[:3])}{', …' if len(downstream) > 3 else ''})")
            facts["removed_critical"] = tuple(removed)
        if annotation.frequency is None and (lof := self.knowledge.lof_frequency(chrom, change)) is not None:
            facts["frequency"] = FrequencyEvidence(None, None, lof.popmax_af, "gnomAD LoF popmax",
                                                   f"{BUNDLED} ({lof.source}, {lof.source_date})")
        return facts

    def _annotate(self, allele: Allele) -> Annotation:
        if allele.symbolic:
            return Annotation(None, None, None, None, None, "not annotated (symbolic allele)")
        record = allele.record
        chrom = canonical_chrom(record.chrom)
        fetch = self.reference.fetcher(chrom) if self.reference is not None and chrom else None
        change = self._normalised(allele, chrom)
        known = self.curated.match(chrom, change)
        locus = self._locus(allele, fetch)
        vcf_choice, vcf_reason = self._vcf_consequence(allele)
        notes: list[str] = []
        check = self._ref_check(allele)
        flags: tuple[str, ...] = ()
        if check is not None and check.state == "mismatch":
            flags = (QualityFlag.REF_MISMATCH.value,)
            notes.append(f"REF check: {check.reason}")
        if known is None and (near := self.curated.near(chrom, change)) is not None:
            notes.append(near)
        elif known is not None and change != minimal_change(record.pos, record.ref, allele.alt):
            notes.append(f"matched curated {known.hgvs_c} after left-aligning the indel against the reference FASTA")
        clin, freq, evidence_notes = self._evidence(allele, vcf_choice)
        notes.extend(evidence_notes)
        base = Annotation(None, None, None, None, None, "none", clinvar=clin.used, frequency=freq.used, known=known,
                          last_exon=locus.last_exon if locus else _last_exon_from(vcf_choice), flags=flags,
                          other_clinvar=clin.others, other_frequency=freq.others)
        if vcf_choice is not None:
            exact = vcf_choice.transcript in (allele.gene.mane_refseq, allele.gene.mane_ensembl)
            return self._from_vcf(allele, vcf_choice, vcf_reason, locus, base, notes, fetch is not None, exact)
        if locus is not None:
            notes = [*locus.notes, "no consequence annotation in the VCF for this gene; built-in MANE model used",
                     *notes]
            term = locus.consequence
            refined = protein_consequence(known.hgvs_p) if known and term == "coding_sequence_variant" else None
            if refined:
                notes.append(f"consequence {refined} taken from the curated protein change {known.hgvs_p}")  # type: ignore[union-attr]
                term = refined
            if known is not None and locus.hgvs_c and locus.hgvs_c != known.hgvs_c:
                notes.append(f"the built-in model names it {locus.hgvs_c}; the curated name {known.hgvs_c} is shown")
            builtin = "built-in MANE model" + (" with reference FASTA" if fetch is not None else "")
            return dataclasses.replace(
                base, consequence=term, impact=consequence.impact(term), transcript=allele.gene.mane_refseq,
                hgvs_c=known.hgvs_c if known else locus.hgvs_c, hgvs_p=known.hgvs_p if known else locus.hgvs_p,
                source=builtin, region=locus.region, notes=tuple(notes),
                hgvs_source="curated table" if known else builtin)
        note = "no consequence annotation in the VCF and no bundled exon model for this gene: not interpreted"
        return dataclasses.replace(base, hgvs_c=known.hgvs_c if known else None,
                                   hgvs_p=known.hgvs_p if known else None, notes=(note, *notes),
                                   hgvs_source="curated table" if known else None)

    def _from_vcf(self, allele: Allele, choice: consequence.TranscriptConsequence, reason: str,
                  locus: Locus | None, base: Annotation, extra: list[str], with_fasta: bool,
                  is_mane: bool) -> Annotation:
        """The VCF's (or online) annotation. It speaks for the MANE transcript only when its transcript is the
        panel's MANE Select accession.version exactly; otherwise (another version, no version, another transcript)
        the built-in MANE model decides the consequence class and names the allele."""
        known = base.known
        term = choice.worst_term
        notes = [f"consequence from {reason}"]
        hgvs_c, hgvs_p, transcript = choice.hgvs_c, choice.hgvs_p, choice.transcript
        external = allele.id in self.external
        label = self.external_source if external else f"VCF {choice.tag} ({choice.dialect.value})"
        what = "online annotation" if external else "VCF annotation"
        what_cap = "Online annotation" if external else what
        hgvs_source = label
        other: tuple[ConsequenceCall, ...] = ()
        if locus is not None:
            builtin = "built-in MANE model" + (" with reference FASTA" if with_fasta else "")
            other = (ConsequenceCall(builtin, locus.consequence, allele.gene.mane_refseq, locus.hgvs_c, locus.hgvs_p),)
            if disagree(term, locus.consequence) and not is_mane:
                # The MANE transcript decides: another transcript's null consequence must not make an
                # allele that is intronic or non-coding on MANE look like a null allele (PVS1).
                notes.append(f"{what_cap} gives {term} on {transcript}, not the MANE transcript; the built-in MANE "
                             f"model gives {locus.consequence} ({locus.hgvs_c}), which was used")
                other = (ConsequenceCall(label, term, transcript, hgvs_c, hgvs_p),)
                term = locus.consequence
            elif disagree(term, locus.consequence):
                notes.append(f"built-in MANE model gives {locus.consequence} ({locus.hgvs_c}); the {what} "
                             f"({term}) on the MANE transcript was used")
            if not is_mane and locus.hgvs_c:
                notes.append(f"{what_cap} is on {transcript or 'no transcript'} ({hgvs_c or 'no HGVS'}), not the "
                             f"panel's MANE Select {allele.gene.mane_refseq}: HGVS c. shown on the MANE transcript "
                             "from the built-in model")
                same_numbering = hgvs_c is not None and hgvs_c == locus.hgvs_c
                hgvs_c, transcript, hgvs_source = locus.hgvs_c, allele.gene.mane_refseq, builtin
                if hgvs_p is not None and same_numbering and not locus.hgvs_p:
                    notes.append(f"{what_cap}'s {hgvs_p} kept: its HGVS c. equals the MANE one, so the numbering is "
                                 "the same")
                elif hgvs_p is not None and hgvs_p != locus.hgvs_p:
                    notes.append(f"{what_cap}'s {hgvs_p} is on {choice.transcript}, whose numbering could not be "
                                 "checked against MANE: HGVS p. "
                                 + (f"{locus.hgvs_p} from the built-in model" if locus.hgvs_p else "not shown"))
                    hgvs_p = locus.hgvs_p
                else:
                    hgvs_p = hgvs_p if same_numbering else locus.hgvs_p
            else:
                notes.extend(_hgvs_differences(choice, locus, what, len(allele.alt) != len(allele.record.ref),
                                               with_fasta))
                if hgvs_c is None and locus.hgvs_c:
                    notes.append(f"HGVS c. {locus.hgvs_c} from the built-in model ({what} gives none)")
                    hgvs_c, hgvs_source = locus.hgvs_c, builtin
                if hgvs_p is None and locus.hgvs_p:
                    notes.append(f"HGVS p. {locus.hgvs_p} from the built-in model ({what} gives none)")
                    hgvs_p = locus.hgvs_p
        if known is not None:
            hgvs_c, hgvs_p, hgvs_source = known.hgvs_c, known.hgvs_p or hgvs_p, "curated table"
        return evolve(base, consequence=term, impact=consequence.impact(term), transcript=transcript,
                                   hgvs_c=hgvs_c, hgvs_p=hgvs_p, source=label, region=locus.region if locus else None,
                                   notes=(*notes, *extra), hgvs_source=hgvs_source, other_consequence=other)

    def _vcf_consequence(self, allele: Allele) -> tuple[consequence.TranscriptConsequence | None, str]:
        gene = allele.gene
        if allele.id in self.external:
            return consequence.choose(self.external[allele.id], gene.symbol, gene.mane_refseq, gene.mane_ensembl)
        if not self.sources:
            return None, ""
        record = allele.record
        entries = consequence.parse(record.info, self.sources, record.ref, record.alts, allele.alt_index)
        return consequence.choose(entries, gene.symbol, gene.mane_refseq, gene.mane_ensembl)

    def _locus(self, allele: Allele, fetch: Fetch | None = None) -> Locus | None:
        tmap = self.maps.get(allele.gene.symbol)
        if tmap is None:
            return None
        record = allele.record
        return tmap.annotate(record.pos, record.ref, allele.alt, fetch)

    def _normalised(self, allele: Allele, chrom: str | None) -> Change:
        """The allele's minimal change, left-aligned against the FASTA when one is given."""
        change = minimal_change(allele.record.pos, allele.record.ref, allele.alt)
        if self.reference is not None and chrom is not None and bool(change.ref) != bool(change.alt):
            change = left_align(change, self.reference.fetcher(chrom))
        return change

    # ------------------------------------------------------------------ ClinVar and frequency

    def _evidence(self, allele: Allele, choice: consequence.TranscriptConsequence | None
                  ) -> tuple[evidence.Chosen[ClinVarEvidence], evidence.Chosen[FrequencyEvidence], list[str]]:
        record = allele.record
        local = self._local_evidence(allele)
        info_clinvar = clinvar.read(record.info, self.clinvar_fields, allele.alt_index,
                                    self._per_allele(self.clinvar_fields.significance))
        settings = self.settings
        try:
            info_freq = evidence.info_frequency(record.info, self.info_defs, self.af_fields, self.popmax_fields,
                                                allele.alt_index)
            entry_freq, entry_note = evidence.entry_frequency(choice, settings.af_fields, settings.popmax_fields)
        except evidence.NotAFrequency as exc:
            msg = f"record {record.chrom}:{record.pos}: {exc}"
            raise evidence.NotAFrequency(msg) from exc
        clin = evidence.choose([local.clinvar, info_clinvar, evidence.entry_clinvar(choice)], "ClinVar")
        freq = evidence.choose([local.frequency, info_freq, entry_freq], "population frequency")
        notes = list(local.notes)
        if entry_note and freq.used is entry_freq:
            notes.append(entry_note)
        notes.extend(n for n in (clin.note, freq.note) if n)
        return clin, freq, notes

    def _local_evidence(self, allele: Allele) -> _Local:
        if self.local is None or not (self.local.clinvar or self.local.gnomad):
            return _Local(None, None, ())
        if allele.id in self._local_cache:
            return self._local_cache[allele.id]
        chrom = canonical_chrom(allele.record.chrom)
        change = self._normalised(allele, chrom)
        span = (change.start, max(change.end, change.start))
        if self.reference is not None and chrom is not None and bool(change.ref) != bool(change.alt):
            right = right_align(change, self.reference.fetcher(chrom))
            span = (change.start, max(right.end, right.start))
        notes: list[str] = []
        found_clinvar = found_freq = None
        skipped = {}
        for resource in (self.local.clinvar, self.local.gnomad):
            if resource is not None and (why := resource.not_consulted(chrom, span)) is not None:
                notes.append(why)
                skipped[resource.kind] = why
        if self.local.clinvar is not None and "clinvar" not in skipped:
            hits = self.local.clinvar.lookup(chrom, change, span, self.reference)
            found_clinvar = self.local.clinvar.clinvar(hits)
            if found_clinvar is None:
                notes.append(f"not in the {self.local.clinvar.label}")
        if self.local.gnomad is not None and "gnomad" not in skipped:
            hits = self.local.gnomad.lookup(chrom, change, span, self.reference)
            found_freq, note = self.local.gnomad.frequency(hits)
            if note:
                notes.append(note)
        result = _Local(found_clinvar, found_freq, tuple(notes))
        self._local_cache[allele.id] = result
        return result

    def _per_allele(self, field: str | None) -> bool:
        definition = self.info_defs.get(field or "")
        return definition is not None and definition.number in ("A", "R")


def _hgvs_differences(choice: consequence.TranscriptConsequence, locus: Locus, what: str, indel: bool,
                      with_fasta: bool) -> list[str]:
    """Notes when the VCF's MANE entry and the built-in model name the allele differently."""
    notes = []
    if choice.hgvs_c and locus.hgvs_c and choice.hgvs_c != locus.hgvs_c:
        why = " (the built-in name is not 3'-shifted: no --fasta)" if indel and not with_fasta else ""
        notes.append(f"HGVS c. differs on the MANE transcript: the {what} gives {choice.hgvs_c}, the built-in model "
                     f"{locus.hgvs_c}{why}; the {what}'s name was used")
    theirs, ours = comparable_p(choice.hgvs_p), comparable_p(locus.hgvs_p)
    if theirs and ours and theirs != ours:
        notes.append(f"HGVS p. differs: the {what} gives {choice.hgvs_p}, the built-in model (reference FASTA) "
                     f"{locus.hgvs_p}; the {what}'s name was used")
    return notes


_UNSPECIFIC = frozenset({"coding_sequence_variant", "protein_altering_variant"})


def disagree(vcf_term: str, builtin_term: str) -> bool:
    """True when the consequences fall in different classes (canonical splice / coding / non-coding),
    or both are specific coding terms that differ (missense vs stop_gained: built-in with --fasta)."""
    if _class(vcf_term) != _class(builtin_term):
        return True
    specific = _class(vcf_term) == "coding" and not {vcf_term, builtin_term} & _UNSPECIFIC
    return specific and vcf_term != builtin_term


def _class(term: str) -> str:
    """canonical_splice, coding, splice_region or non_coding: a change of class between two sources is a
    disagreement (and another transcript's class never overrides the MANE model's)."""
    if term in _SPLICE:
        return "canonical_splice"
    if consequence.impact(term) in ("HIGH", "MODERATE") or term in ("coding_sequence_variant", "synonymous_variant",
                                                                    "stop_retained_variant", "start_retained_variant"):
        return "coding"
    if term in _SPLICE_REGION:
        return "splice_region"
    return "non_coding"


def _last_exon_from(choice: consequence.TranscriptConsequence | None) -> bool:
    if choice is None or not choice.exon or "/" not in choice.exon:
        return False
    number, _, total = choice.exon.partition("/")
    return number.strip() == total.strip()


UNRESOLVED_TERMS = frozenset({"coding_sequence_variant"})


def _unresolved(annotation: Annotation, modelled: bool) -> str | None:
    """Why the protein effect of an allele is unknown (a coding change whose codon-level effect no source gave),
    or None when it is known (or the allele is non-coding)."""
    if annotation.consequence in UNRESOLVED_TERMS:
        return ("coding change whose protein effect is unknown: the VCF carries no consequence annotation for it and "
                "no reference sequence was given (annotate the VCF with VEP, SnpEff or bcftools csq, give --fasta, or "
                "install the panel reference once with 'varhlh resources update')")
    if annotation.consequence is None and not modelled:
        return "no consequence annotation and no exon model for this gene: effect unknown (annotate the VCF)"
    return None

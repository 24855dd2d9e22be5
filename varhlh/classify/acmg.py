"""Classify stage: an ACMG/AMP-style classification adapted to recessive HLH genes.

Points follow Tavtigian et al. 2020 (supporting 1, moderate 2, strong 4, very strong 8; P >= 10, LP 6-9,
VUS 0-5, LB -1..-6, B <= -7); the criteria themselves are in :mod:`varhlh.classify.criteria`.

* CURATED: an allele in the panel's curated table takes the table's classification whatever the annotation
  says (UNC13D c.118-308C>T is 'intronic' to VEP; PRF1 c.272C>T p.(Ala91Val) is a risk allele, never benign,
  never pathogenic) — except that a curated allele the table does not mark ``frequency_exempt`` is checked
  against its population frequency: at BS1 or above the curated classification is not applied (the
  frequency filter is the sanity check on curation that the panel README describes).
* Otherwise: PVS1 (gene-specific decision tree), frequency (BA1/BS1/BS1_Supporting/PM2_Supporting, where the
  source looked), ClinVar >= 2 stars, the bundled knowledge base (Known_PLP, PS1/PM5), and the criteria decided
  outside the allele: PM3/BP2 after phasing (:mod:`varhlh.classify.pm3`) and PP4 from functional tests
  (:mod:`varhlh.classify.functional`), passed in as ``extra``.
* A ClinVar risk-factor / low-penetrance record (with a review status) makes an allele without other pathogenic
  evidence a ``risk_allele``.
* A coding change of unknown protein effect without decisive evidence is ``not_assessed``.

Diagnostic weight (Henter 2024 Table 4: "previously well-described" is about the allele's evidence, not its
consequence): full for a null allele and for a well-described pathogenic allele (ClinVar P/LP with >= 2 stars
and no conflict; the bundled knowledge base's well-described alleles; curated full weight); partial for other
P/LP alleles (1-star ClinVar, novel missense, in-frame or non-coding); the curated table's weight otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

from varhlh.annotate.clinvar import stars_text
from varhlh.annotate.consequence import NULL_TERMS, impact
from varhlh.classify.criteria import (
    clinvar_criterion,
    codon_criterion,
    exempt,
    frequency_criterion,
    listed_criterion,
    pvs1,
)
from varhlh.models import (
    Allele,
    Annotation,
    Classification,
    Criterion,
    DiagnosticWeight,
    EvidenceCode,
    GenotypeCall,
    Interpretation,
    KnownVariant,
    Mechanism,
    SetAside,
    Zygosity,
)
from varhlh.settings import Settings

E = EvidenceCode
DECISIVE = frozenset({E.CLINVAR_PLP, E.CLINVAR_BLB, E.KNOWN_PLP, E.BA1, E.BS1, E.BS1_SUPPORTING})
"""Evidence that classifies an allele even when its protein effect is unknown."""
SPLICE_REGION_TERMS = frozenset({"splice_region_variant", "splice_donor_5th_base_variant",
                                 "splice_donor_region_variant", "splice_polypyrimidine_tract_variant"})
SYNONYMOUS_TERMS = frozenset({"synonymous_variant", "stop_retained_variant", "start_retained_variant"})
_FREQUENCY_BENIGN = frozenset({E.BA1, E.BS1, E.BS1_SUPPORTING})
_TRUNCATING = frozenset({"stop_gained", "frameshift_variant"})


def classify(allele: Allele, annotation: Annotation, genotype: GenotypeCall, settings: Settings,
             extra: Sequence[Criterion] = ()) -> Interpretation:
    """Classification, evidence codes, reasons, diagnostic weight and reportability of one allele.

    ``extra``: criteria decided outside the allele (PM3/BP2 after phasing); ignored for curated alleles.
    """
    if allele.symbolic:
        return _symbolic(allele, genotype)
    null = is_null(annotation, allele)
    known = annotation.known
    override = _frequency_override(annotation, settings) if known is not None else None
    if known is not None and override is None:
        result = _curated(annotation, known)
    else:
        result = _acmg(allele, annotation, null, settings, extra)
        if override is not None:
            result = (result[0], result[1], (override, *result[2]))
    classification, evidence, reasons = result
    weight = diagnostic_weight(classification, null, annotation if override is None else None, evidence)
    reportable = is_reportable(classification, annotation, genotype)
    aside = set_aside(classification, annotation, genotype, reportable)
    if aside is not None:
        reasons = (*reasons, _set_aside_reason(aside, classification, annotation, genotype))
    return Interpretation(classification, evidence, reasons, weight, null, reportable, aside)


def is_null(annotation: Annotation, allele: Allele) -> bool:
    """A predicted null allele: a null SO term on the chosen transcript of a LoF gene's CDS."""
    return annotation.consequence in NULL_TERMS and allele.gene.mechanism is Mechanism.LOF


def _curated(annotation: Annotation, known: KnownVariant) -> tuple[Classification, tuple[EvidenceCode, ...],
                                                                  tuple[str, ...]]:
    protein = f" {known.hgvs_p}" if known.hgvs_p else ""
    reasons = [f"Curated HLH allele {known.gene} {known.hgvs_c}{protein} (panel curated table): "
               f"{known.classification} (diagnostic weight {known.diagnostic_weight}; source: {known.source})."]
    if known.note:
        reasons.append(f"Curation note: {known.note}")
    freq = annotation.frequency
    if freq is not None and freq.filtering_af is not None:
        reasons.append(f"Population frequency {freq.filtering_af:g} ({freq.popmax_field or freq.af_field}; "
                       f"{freq.source}) shown but not used: curated alleles are exempt from frequency-based benign "
                       "criteria.")
    if annotation.clinvar is not None:
        clinvar = annotation.clinvar
        reasons.append(f"ClinVar: {clinvar.raw} ({stars_text(clinvar)}; {clinvar.source}), shown for information.")
    return known.classification, (E.CURATED,), tuple(reasons)


def _acmg(allele: Allele, annotation: Annotation, null: bool, settings: Settings,
          extra: Sequence[Criterion] = ()) -> tuple[Classification, tuple[EvidenceCode, ...], tuple[str, ...]]:
    clinvar = clinvar_criterion(annotation.clinvar)
    criteria = [
        pvs1(annotation, allele),
        exempt(frequency_criterion(annotation, settings), annotation.clinvar),
        clinvar,
        listed_criterion(annotation, {clinvar.code} if clinvar.code else set(), settings),
        codon_criterion(annotation),
        *extra,
    ]
    codes = tuple(c.code for c in criteria if c.code)
    reasons = [c.reason for c in criteria if c.reason]
    risk = annotation.clinvar is not None and annotation.clinvar.significance.is_risk \
        and annotation.clinvar.stars is not None
    if risk and not any(code.points > 0 for code in codes if code is not E.PM2_SUPPORTING):
        return Classification.RISK_ALLELE, (*codes, E.CLINVAR_RISK), (
                *reasons, "Classified as a risk allele (ClinVar risk factor / low penetrance): it never "
                "counts as a pathogenic allele on its own.")
    if annotation.unresolved and not DECISIVE & set(codes):
        return Classification.NOT_ASSESSED, codes, (
            *reasons, f"Not classified: {annotation.unresolved}. Without its effect the allele is neither a variant of "
            "uncertain significance nor a possible second hit; nothing decisive (ClinVar with 2 or more stars, "
            "a benign population frequency) was found either.")
    classification = combine(codes)
    total = sum(code.points for code in codes)
    summary = "BA1 is stand-alone benign" if E.BA1 in codes else f"points {total:+d}"
    reasons.append(f"ACMG/AMP combination ({', '.join(codes) or 'no criteria met'}; {summary}): {classification}.")
    return classification, codes, tuple(reasons)


def combine(codes: tuple[EvidenceCode, ...]) -> Classification:
    """Tavtigian point combination; BA1 alone is enough for benign."""
    if E.BA1 in codes:
        return Classification.BENIGN
    total = sum(code.points for code in codes)
    if total >= 10:
        return Classification.PATHOGENIC
    if total >= 6:
        return Classification.LIKELY_PATHOGENIC
    if total >= 0:
        return Classification.UNCERTAIN
    return Classification.LIKELY_BENIGN if total >= -6 else Classification.BENIGN


def diagnostic_weight(classification: Classification, null: bool, annotation: Annotation | None,
                      evidence: tuple[EvidenceCode, ...] = ()) -> DiagnosticWeight:
    """Henter 2024 weight: the curated table's; else full for a null or a well-described P/LP allele, partial for
    any other P/LP allele (1-star ClinVar, novel missense, in-frame or non-coding), none otherwise."""
    if annotation is not None and annotation.known is not None:
        return annotation.known.diagnostic_weight
    if not classification.is_pathogenic:
        return DiagnosticWeight.NONE
    return DiagnosticWeight.FULL if null or (annotation is not None and well_described(annotation, evidence)) \
        else DiagnosticWeight.PARTIAL


def well_described(annotation: Annotation, evidence: tuple[EvidenceCode, ...]) -> bool:
    """Previously well-described: ClinVar P/LP with >= 2 stars (no conflict), or an allele of the bundled knowledge
    base that counted as Known_PLP (well described, and rare by a source that looked)."""
    clinvar = annotation.clinvar
    if clinvar is not None and clinvar.significance.is_pathogenic and (clinvar.stars or 0) >= 2:
        return True
    return E.KNOWN_PLP in evidence


def _frequency_override(annotation: Annotation, settings: Settings) -> str | None:
    """Why a curated allele's classification is not applied: it is not frequency-exempt and its population
    frequency reaches BS1; None when the curated classification stands."""
    known, freq = annotation.known, annotation.frequency
    if known is None or known.frequency_exempt or freq is None or freq.filtering_af is None:
        return None
    if freq.filtering_af < settings.bs1_af or not known.classification.is_pathogenic:
        return None
    return (f"Curated {known.gene} {known.hgvs_c} ({known.classification}) is not marked frequency-exempt and its "
            f"population frequency {freq.filtering_af:g} ({freq.source}) reaches BS1 ({settings.bs1_af:g}): the "
            "curated classification is not applied; the allele is classified on its evidence.")


def is_reportable(classification: Classification, annotation: Annotation, genotype: GenotypeCall) -> bool:
    """Carried by the patient and P/LP, a risk allele, or a VUS that alters the protein or lies in the splice
    region (a possible second hit). Not-assessed alleles are listed apart (``counts.not_assessed``)."""
    if not genotype.zygosity.carried:
        return False
    if classification.is_pathogenic or classification is Classification.RISK_ALLELE:
        return True
    if classification is Classification.UNCERTAIN:
        term = annotation.consequence
        return term is not None and (impact(term) in ("HIGH", "MODERATE") or term in SPLICE_REGION_TERMS)
    return False


def set_aside(classification: Classification, annotation: Annotation, genotype: GenotypeCall,
              reportable: bool) -> SetAside | None:
    """Why a listed allele is not a finding; None for findings and for carried not-assessed alleles."""
    zygosity = genotype.zygosity
    if zygosity is Zygosity.NO_CALL:
        return SetAside.NO_CALL
    if not zygosity.carried:
        return SetAside.NOT_CARRIED
    if reportable or classification is Classification.NOT_ASSESSED:
        return None
    if classification in (Classification.BENIGN, Classification.LIKELY_BENIGN):
        return SetAside.BENIGN
    return SetAside.SYNONYMOUS if annotation.consequence in SYNONYMOUS_TERMS else SetAside.NON_CODING


def _set_aside_reason(aside: SetAside, classification: Classification, annotation: Annotation,
                      genotype: GenotypeCall) -> str:
    term = (annotation.consequence or "no effect given").replace("_", " ")
    return {
        SetAside.NO_CALL: "Not reportable: the patient's genotype is not called here (listed as a site not assessed).",
        SetAside.NOT_CARRIED: "Not reportable: the allele is not carried by the patient (zygosity "
                              f"{genotype.zygosity}).",
        SetAside.BENIGN: f"Not reportable: {classification.value.replace('_', ' ')}.",
        SetAside.SYNONYMOUS: f"Not reportable: {term} outside the splice region (no protein change); listed for "
                             "completeness.",
        SetAside.NON_CODING: f"Not reportable: {term} outside the splice region and not a curated HLH allele; listed "
                             "for completeness.",
        SetAside.PLACEHOLDER: "Not reportable: a placeholder ALT; the variant itself is another record.",
    }[aside]


def _symbolic(allele: Allele, genotype: GenotypeCall) -> Interpretation:
    alt = allele.alt
    spanning = alt in ("*", ".", "<*>", "<NON_REF>")
    if spanning:
        reason = (f"ALT {alt} is a spanning-deletion / placeholder allele: not assessed here (the deletion "
                  "itself is a separate record).")
    else:
        reason = (f"Symbolic or structural allele {alt} overlapping {allele.gene.symbol} "
                  f"({allele.record.chrom}:{allele.record.pos}-{allele.record.end}): not interpreted by varhlh; "
                  "review it manually (a deletion or duplication of exons can be pathogenic).")
    if spanning:
        aside: SetAside | None = SetAside.PLACEHOLDER
    elif genotype.zygosity is Zygosity.NO_CALL:
        aside = SetAside.NO_CALL
    elif not genotype.zygosity.carried:
        aside = SetAside.NOT_CARRIED
    else:
        aside = None
    return Interpretation(Classification.NOT_ASSESSED, (E.NOT_ASSESSED,), (reason,), DiagnosticWeight.NONE,
                          False, False, aside)


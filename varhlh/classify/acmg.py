"""Classify stage: an ACMG/AMP-style classification adapted to recessive HLH genes.

Each criterion is a small named function returning an evidence code (or None) and a reason
sentence with the numbers used. Points follow Tavtigian et al. 2020 (hlh-domain.md §5.1):
supporting 1, moderate 2, strong 4, very strong 8; P >= 10, LP 6-9, VUS 0-5, LB -1..-6, B <= -7.

* CURATED: an allele in the panel's curated table takes the table's classification whatever
  the annotation says (UNC13D c.118-308C>T is 'intronic' to VEP; PRF1 c.50del is common in
  African ancestry; PRF1 c.272C>T p.A91V is a risk allele, never benign, never pathogenic).
* PVS1 (8): null consequence (stop_gained, frameshift, canonical ±1/2 splice, start_lost,
  transcript_ablation) in a loss-of-function gene; PVS1_Strong (4) for a truncation in the last
  exon (escapes NMD, §5.2). Never in gain-of-function genes (PIK3CD, NLRC4, CDC42).
* PM2_Supporting (1): popmax/filtering AF <= pm2_max_af (§5.3); needs a frequency source.
* BA1 (stand-alone benign) / BS1 (-4) / BS1_Supporting (-1): AF thresholds of Settings (§5.4);
  curated pathogenic and hypomorphic alleles are exempt.
  A ClinVar >= 2-star P/LP record also exempts an allele from BA1/BS1 (§5.4 override 1).
* ClinVar >= 2 stars P/LP (+6) or B/LB (-6): strong external evidence, shown as such (ClinGen
  SVI does not count PP5/BP6 as ACMG criteria, §5.7); conflicting, risk-factor and
  low-penetrance records are reported as their own states and add no points. A risk-factor or
  low-penetrance record with a known review status makes an allele without other pathogenic
  evidence a ``risk_allele``; without a review status (VEP's CLIN_SIG) it is only shown.
* PM3 / PM3_Supporting (+2 / +1) and BP2 (-1) come after phasing (:mod:`varhlh.classify.pm3`) and are
  passed in as ``extra`` criteria.

Every reason names the numbers used and the source of each piece (VCF annotation, VEP entry
column, local ClinVar/gnomAD file, built-in model, curated table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from varhlh.annotate.clinvar import stars_text
from varhlh.annotate.consequence import NULL_TERMS, impact
from varhlh.models import (
    Allele,
    Annotation,
    Classification,
    ClinVarClass,
    ClinVarEvidence,
    DiagnosticWeight,
    EvidenceCode,
    FrequencyEvidence,
    GenotypeCall,
    Interpretation,
    KnownVariant,
    Mechanism,
    SetAside,
    Zygosity,
)
from varhlh.settings import Settings

E = EvidenceCode
DECISIVE = frozenset({E.CLINVAR_PLP, E.CLINVAR_BLB, E.BA1, E.BS1, E.BS1_SUPPORTING})
"""Evidence that classifies an allele even when its protein effect is unknown."""
SPLICE_REGION_TERMS = frozenset({"splice_region_variant", "splice_donor_5th_base_variant",
                                 "splice_donor_region_variant", "splice_polypyrimidine_tract_variant"})
SYNONYMOUS_TERMS = frozenset({"synonymous_variant", "stop_retained_variant", "start_retained_variant"})
_FREQUENCY_BENIGN = frozenset({E.BA1, E.BS1, E.BS1_SUPPORTING})
_TRUNCATING = frozenset({"stop_gained", "frameshift_variant"})


@dataclass(frozen=True)
class Criterion:
    code: EvidenceCode | None
    reason: str


def classify(allele: Allele, annotation: Annotation, genotype: GenotypeCall, settings: Settings,
             extra: Sequence[Criterion] = ()) -> Interpretation:
    """Classification, evidence codes, reasons, diagnostic weight and reportability of one allele.

    ``extra``: criteria decided outside the allele (PM3/BP2 after phasing); ignored for curated alleles.
    """
    if allele.symbolic:
        return _symbolic(allele, genotype)
    null = is_null(annotation, allele)
    if annotation.known is not None:
        result = _curated(annotation, annotation.known)
    else:
        result = _acmg(allele, annotation, null, settings, extra)
    classification, evidence, reasons = result
    weight = diagnostic_weight(classification, null, annotation.known)
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
    criteria = [
        pvs1(annotation, allele),
        _exempt(frequency_criterion(annotation.frequency, settings), annotation.clinvar),
        clinvar_criterion(annotation.clinvar),
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


def pvs1(annotation: Annotation, allele: Allele) -> Criterion:
    """PVS1 for a null consequence in a LoF gene; _Strong for a truncation in the last exon."""
    term = annotation.consequence
    if term not in NULL_TERMS:
        return Criterion(None, f"Consequence {term or 'unknown'} ({annotation.source}) is not a null variant.")
    gene = allele.gene
    if gene.mechanism is not Mechanism.LOF:
        return Criterion(None, f"{term} in {gene.symbol}, a gain-of-function gene: PVS1 does not apply "
                               "(only known activating variants count).")
    if term in _TRUNCATING and annotation.last_exon:
        return Criterion(E.PVS1_STRONG, f"{term} ({annotation.source}) in the last exon of {gene.symbol} (escapes "
                                        "NMD): PVS1_Strong.")
    return Criterion(E.PVS1, f"{term} ({annotation.source}) in {gene.symbol}, where loss of function is the "
                             "disease mechanism: PVS1.")


def frequency_criterion(freq: FrequencyEvidence | None, settings: Settings) -> Criterion:
    """BA1 / BS1 / BS1_Supporting / PM2_Supporting from the filtering (popmax) allele frequency."""
    if freq is None:
        return Criterion(None, "No population frequency in the VCF or a local file: frequency criteria not assessed.")
    af = freq.filtering_af
    field = freq.popmax_field or freq.af_field
    where = f" ({freq.source})"
    if af is None:
        return Criterion(E.PM2_SUPPORTING, f"No value for this allele in {freq.source}: absent, PM2_Supporting.")
    for code, threshold in ((E.BA1, settings.ba1_af), (E.BS1, settings.bs1_af),
                            (E.BS1_SUPPORTING, settings.bs1_supporting_af)):
        if af >= threshold:
            return Criterion(code, f"{field} {af:g} >= {threshold:g}{where}: {code}.")
    if af <= settings.pm2_max_af:
        return Criterion(E.PM2_SUPPORTING, f"{field} {af:g} <= {settings.pm2_max_af:g}{where}: PM2_Supporting.")
    return Criterion(None, f"{field} {af:g}{where} between the PM2 ({settings.pm2_max_af:g}) and BS1_Supporting "
                           f"({settings.bs1_supporting_af:g}) thresholds: no frequency criterion.")


def _exempt(criterion: Criterion, clinvar: ClinVarEvidence | None) -> Criterion:
    """A frequency-based benign criterion is not applied to a ClinVar >= 2-star P/LP allele (§5.4)."""
    if criterion.code not in _FREQUENCY_BENIGN or clinvar is None or (clinvar.stars or 0) < 2 \
            or not clinvar.significance.is_pathogenic:
        return criterion
    return Criterion(None, f"{criterion.reason[:-1]} - not applied: ClinVar {clinvar.raw} ({stars_text(clinvar)}) is "
                           "pathogenic/likely pathogenic, exempt from frequency-based benign criteria.")


def clinvar_criterion(clinvar: ClinVarEvidence | None) -> Criterion:
    """ClinVar >= 2 stars P/LP or B/LB as strong external evidence; other states shown only."""
    if clinvar is None:
        return Criterion(None, "")
    stars = clinvar.stars or 0
    described = f"ClinVar {clinvar.raw} ({stars_text(clinvar)}"
    described += f", VCV {clinvar.variation_id}" if clinvar.variation_id else ""
    described += f"; {clinvar.source})"
    if clinvar.significance.is_pathogenic:
        if stars >= 2:
            return Criterion(E.CLINVAR_PLP, f"{described}: strong external evidence for pathogenicity.")
        return Criterion(None, f"{described}: fewer than 2 stars, shown but not counted.")
    if clinvar.significance.is_benign:
        if stars >= 2:
            return Criterion(E.CLINVAR_BLB, f"{described}: strong external evidence for benignity.")
        return Criterion(None, f"{described}: fewer than 2 stars, shown but not counted.")
    if clinvar.significance is ClinVarClass.CONFLICTING:
        return Criterion(None, f"{described}: conflicting classifications, treated as uncertain evidence.")
    return Criterion(None, f"{described}: not counted as evidence.")


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


def diagnostic_weight(classification: Classification, null: bool, known: KnownVariant | None) -> DiagnosticWeight:
    """Henter 2024 weight: curated weight; else null P/LP = full, other P/LP = partial."""
    if known is not None:
        return known.diagnostic_weight
    if classification.is_pathogenic:
        return DiagnosticWeight.FULL if null else DiagnosticWeight.PARTIAL
    return DiagnosticWeight.NONE


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


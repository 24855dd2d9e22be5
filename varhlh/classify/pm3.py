"""PM3 and BP2 after phasing: a small step between classification and the gene rules.

ACMG/AMP PM3 ("for recessive disorders, detected in trans with a pathogenic variant") needs the
phase, which :func:`varhlh.inheritance.phase.phase_of_pair` gives for two alleles of one gene. This
step looks, in each autosomal-recessive gene, at every carried allele that is *not* in the
curated table (curated alleles keep the table's classification) and re-classifies it with:

* PM3, with ClinGen SVI PM3 recommendation v1.0 points (docs/clinical-basis.md, section 4.5), counted from the
  best partner:

  ===========================================================  ======
  observation                                                   points
  ===========================================================  ======
  in trans with a pathogenic allele, phase confirmed            1.0
  in trans with a likely pathogenic allele, phase confirmed     0.5
  with a pathogenic allele, phase unknown                       0.5
  with a likely pathogenic allele, phase unknown                0.25
  the allele itself homozygous, and rare (absent, or popmax     0.5
  / AF <= ``pm2_max_af``)
  ===========================================================  ======

  0.5 -> PM3_Supporting (+1), 1.0 -> PM3 (+2), 2.0 -> PM3_Strong, 4.0 -> PM3_VeryStrong (one
  proband gives at most 1.0); 0.25 earns no code and says so.
* BP2 (-1): in cis with a *pathogenic* allele, the cis call resting on phasing evidence (phase
  set, read-backed phasing, parents) — not on mere proximity, which flags a probable single event.

Circularity (ClinGen SVI PM3 v1.0: the proband's own other allele must not be counted circularly): a partner counts
only with the classification it received **before** this step, on its own evidence; the new
classifications are computed from those first-pass results together, never sequentially, so two
uncertain alleles in trans cannot raise each other, and an allele whose P/LP status would come
from PM3 granted by this allele is never used as its partner. The gene result is then computed
from the re-classified alleles (the pipeline calls this step before the inheritance rules).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from varhlh.classify.acmg import classify
from varhlh.inheritance.phase import phase_of_pair, proximity_phase
from varhlh.models import Classification, Criterion, EvidenceCode, Family, Inheritance, Phase, VariantResult, Zygosity
from varhlh.settings import Settings

STRENGTHS: tuple[tuple[float, EvidenceCode], ...] = (
    (4.0, EvidenceCode.PM3_VERY_STRONG), (2.0, EvidenceCode.PM3_STRONG), (1.0, EvidenceCode.PM3),
    (0.5, EvidenceCode.PM3_SUPPORTING))
_SVI = "ClinGen SVI PM3 v1.0 points"


def apply_pm3(variants: Sequence[VariantResult], family: Family, settings: Settings) -> tuple[VariantResult, ...]:
    """Re-classify the alleles that PM3 or BP2 applies to; every other result is returned unchanged."""
    by_gene: dict[str, list[VariantResult]] = {}
    for v in variants:  # only carried pathogenic alleles can be partners (criteria_for skips the rest)
        if v.genotype.zygosity.carried and v.interpretation.classification.is_pathogenic:
            by_gene.setdefault(v.allele.gene.symbol, []).append(v)
    out = []
    for v in variants:
        criteria = criteria_for(v, by_gene.get(v.allele.gene.symbol, ()), family, settings)
        if criteria:
            interpretation = classify(v.allele, v.annotation, v.genotype, settings, extra=(*v.criteria, *criteria))
            v = dataclasses.replace(v, interpretation=interpretation, criteria=(*v.criteria, *criteria))
        out.append(v)
    return tuple(out)


def criteria_for(v: VariantResult, gene_variants: Sequence[VariantResult], family: Family,
                 settings: Settings) -> tuple[Criterion, ...]:
    """PM3 and BP2 criteria of one allele from its first-pass partners in the same gene."""
    if v.allele.gene.inheritance is not Inheritance.AR or v.allele.symbolic or v.annotation.known is not None \
            or not v.genotype.zygosity.carried or not _can_change(v):
        return ()
    best: tuple[float, str] = (0.0, "")
    out: list[Criterion] = []
    if v.genotype.zygosity is Zygosity.HOM and (rare := _rare(v, settings)) is not None:
        best = (0.5, f"the allele is homozygous ({v.genotype.genotype}) and rare ({rare}): 0.5 point")
    partners = sorted((p for p in gene_variants if p.id != v.id and p.genotype.zygosity.carried
                       and p.interpretation.classification.is_pathogenic),
                      key=lambda p: p.interpretation.classification is not Classification.PATHOGENIC)
    bp2_seen = False
    for partner in partners:
        if best[0] >= 1.0:
            break  # the maximum (in trans with a pathogenic allele) is reached
        call = phase_of_pair(v, partner, family, settings)
        pathogenic = partner.interpretation.classification is Classification.PATHOGENIC
        if call.phase is Phase.CIS and bp2_seen:
            continue
        bp2_seen = bp2_seen or call.phase is Phase.CIS
        who = _describe(partner)
        evidence = "; ".join(call.evidence)
        if call.phase is Phase.CIS:
            if proximity_phase(v, partner, family, settings) is not None:
                out.append(Criterion(None, f"BP2 not applied: {who} is so close that the two are probably one event "
                                           f"({evidence})."))
            elif pathogenic:
                out.append(Criterion(EvidenceCode.BP2, f"In cis with {who} ({evidence}): BP2."))
            continue
        confirmed = call.phase is Phase.TRANS
        points = (1.0 if pathogenic else 0.5) * (1.0 if confirmed else 0.5)
        phase = "in trans with" if confirmed else "with (phase unknown)"
        text = f"{phase} {who} ({evidence}): {points:g} point(s)"
        if points > best[0]:
            best = (points, text)
    points, text = best
    if text:
        code = next((name for threshold, name in STRENGTHS if points >= threshold), None)
        if code is None:
            reason = f"PM3 not applied: {text}, below the 0.5 needed for PM3_Supporting ({_SVI})."
        else:
            reason = f"{code}: {text} ({_SVI}; {points:g} -> {code})."
            if "homozygous" not in text:
                reason += (" The partner's classification is its own, taken before PM3 is applied, so it does not "
                           "rest on this allele.")
        out.insert(0, Criterion(code, reason))
    return tuple(out)


def _can_change(v: VariantResult) -> bool:
    """PM3/BP2 are assessed for reportable alleles that are not common (BA1/BS1 met: PM3 is evidence
    for rare alleles only)."""
    interpretation = v.interpretation
    if not interpretation.reportable:
        return False  # a non-reportable (non-coding, non-splice) allele stays uncertain whatever PM3 adds
    return not {"BA1", "BS1"} & set(interpretation.evidence)


def _describe(partner: VariantResult) -> str:
    name = f" {partner.annotation.hgvs_c}" if partner.annotation.hgvs_c else ""
    codes = ", ".join(partner.interpretation.evidence)
    return (f"{partner.id} ({partner.allele.gene.symbol}{name}, {partner.interpretation.classification} on its own "
            f"evidence: {codes})")


def _rare(v: VariantResult, settings: Settings) -> str | None:
    freq = v.annotation.frequency
    if freq is None:
        return None
    af = freq.filtering_af
    if af is None:
        return f"absent ({freq.source})"
    if af <= settings.pm2_max_af:
        return f"{freq.popmax_field or freq.af_field} {af:g} <= {settings.pm2_max_af:g} ({freq.source})"
    return None

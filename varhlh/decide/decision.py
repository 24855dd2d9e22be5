"""Decide stage: gene calls -> primary-HLH conclusion, transplant work-up and recommendations.

The mapping (README, JSON contract; docs/clinical-basis.md: the Henter 2024 genetic pathway and the
transplant indication matrix):

* per gene, the genotype strength from the inheritance rules is capped by the gene's tier:
  core FHL, degranulation and X-linked genes can confirm primary HLH; EBV-susceptibility,
  autoinflammatory and other inborn errors of immunity give at most 'suspected' (a genetic
  diagnosis that predisposes to HLH, not familial HLH); research genes never drive a decision;
* ``primary_hlh`` is the strongest gene strength (confirmed > suspected > undetermined);
* ``transplant_workup`` per gene from its panel policy — indicated & confirmed -> indicated;
  indicated & suspected -> consider; individualised & (confirmed or suspected) -> consider;
  not_indicated -> not_indicated_by_genetics — and the strongest over genes;
* two monoallelic findings in two genes are not a diagnosis (digenic inheritance lacks support).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from varhlh.classify.functional import evidence_against
from varhlh.decide.clinical import ClinicalContext
from varhlh.decide.completeness import Completeness
from varhlh.decide.recommend import recommendations, summary
from varhlh.models import (
    Conclusion,
    FunctionalResult,
    GeneCall,
    GeneResult,
    PanelGene,
    PrimaryHlh,
    Strength,
    Tier,
    TransplantPolicy,
    TransplantWorkup,
)

HLH_OCCURRENCE_GENES = frozenset({"SH2D1A"})
"""Genes whose transplant indication depends on whether HLH has occurred (Booth et al., Blood 2011)."""
_CONFIRMING_TIERS = frozenset({Tier.CORE_FHL, Tier.DEGRANULATION, Tier.X_LINKED})
_RANK = {Strength.CONFIRMED: 2, Strength.SUSPECTED: 1, Strength.UNDETERMINED: 0}
_WORKUP_RANK = {TransplantWorkup.INDICATED: 2, TransplantWorkup.CONSIDER: 1,
                TransplantWorkup.NOT_INDICATED_BY_GENETICS: 0}


def cap_by_tier(result: GeneResult, gene: PanelGene) -> GeneResult:
    """Limit what one gene's genotype can say about primary HLH, by the gene's tier."""
    if result.strength is Strength.UNDETERMINED:
        return result
    if gene.tier is Tier.RESEARCH:
        return _with(result, Strength.UNDETERMINED,
                     f"{gene.symbol} is a research-only gene (PanelApp {gene.panelapp_rating}): reported, not used "
                     "for the decision")
    if gene.tier not in _CONFIRMING_TIERS and result.strength is Strength.CONFIRMED:
        return _with(result, Strength.SUSPECTED,
                     f"{gene.symbol} ({gene.disease}) is an inborn error that predisposes to HLH, not a familial HLH "
                     "gene of the Henter 2024 genetic pathway: primary HLH 'suspected', not 'confirmed'")
    return result


def workup_for(result: GeneResult, gene: PanelGene, hlh_occurred: bool | None = None) -> TransplantWorkup:
    """Transplant work-up for one gene from its strength and the panel's transplant policy.

    XLP1 (SH2D1A): 'indicated if HLH has occurred' (Booth 2011). varhlh is run for suspected or
    proven HLH, so HLH is taken as having occurred unless the clinical context says it has not,
    in which case the work-up is 'consider' (strongly consider, monitor closely).
    A confirmed genotype driven by a well-described milder-course allele (curated ``workup`` consider, e.g. STXBP2
    exon-15 splice-site alleles, Pagel 2012) is 'consider': the diagnosis stands, the timing of a transplant is a
    clinical decision.
    """
    if result.strength is Strength.UNDETERMINED or gene.transplant_policy is TransplantPolicy.NOT_INDICATED:
        return TransplantWorkup.NOT_INDICATED_BY_GENETICS
    if gene.transplant_policy is TransplantPolicy.INDICATED and result.strength is Strength.CONFIRMED:
        if (gene.symbol in HLH_OCCURRENCE_GENES and hlh_occurred is False) or result.milder_course:
            return TransplantWorkup.CONSIDER
        return TransplantWorkup.INDICATED
    return TransplantWorkup.CONSIDER


def decide(results: Sequence[GeneResult], genes: Sequence[PanelGene], clinical: ClinicalContext | None = None,
           completeness: Completeness | None = None) -> tuple[tuple[GeneResult, ...], Conclusion]:
    """Capped gene results and the conclusion with its reasons, summary and recommendations."""
    by_symbol = {g.symbol: g for g in genes}
    functional = clinical.functional if clinical is not None else {}
    capped = tuple(cap_by_tier(_with_tests(r, functional), by_symbol[r.symbol]) for r in results)
    occurred = clinical.hlh_occurred if clinical else None
    best = max((r.strength for r in capped), key=lambda s: _RANK[s], default=Strength.UNDETERMINED)
    primary = PrimaryHlh(best.value)
    drivers = [r for r in capped if r.strength is best and best is not Strength.UNDETERMINED]
    workups = {r.symbol: workup_for(r, by_symbol[r.symbol], occurred) for r in capped}
    workup = max(workups.values(), key=lambda w: _WORKUP_RANK[w], default=TransplantWorkup.NOT_INDICATED_BY_GENETICS)
    reasons = [*_reasons(capped, by_symbol, workups, primary), *_clinical_reasons(capped, occurred, clinical)]
    text = summary(primary, workup, drivers, capped, by_symbol, completeness)
    advice = list(recommendations(primary, workup, capped, by_symbol, completeness, functional))
    if clinical is not None:
        text = text.removesuffix(".") + f"; {clinical.sentence()}."
        if clinical.clinical_transplant_indication:
            course = clinical.course.value if clinical.course else ""
            note = (f"The HLH course is {course}: relapsing or refractory HLH "
                    "indicates a transplant work-up on clinical grounds, whatever the genetic result (HLH-2004).")
            advice.insert(0, note)
            advice = [a for a in advice if not a.startswith("Relapsing or refractory HLH remains")]  # said first
            reasons.append(note)
    conclusion = Conclusion(primary_hlh=primary, transplant_workup=workup, genes=tuple(r.symbol for r in drivers),
                            summary=text, recommendations=tuple(advice), reasons=tuple(reasons))
    return capped, conclusion


def _clinical_reasons(results: Sequence[GeneResult], occurred: bool | None,
                      clinical: ClinicalContext | None) -> list[str]:
    out = []
    for r in results:
        if r.symbol in HLH_OCCURRENCE_GENES and r.strength is Strength.CONFIRMED:
            if occurred is False:
                out.append(f"{r.symbol}: transplant is indicated once HLH has occurred; the clinical context says it "
                           "has not, so the work-up is to be considered, with close monitoring.")
            else:
                source = "the clinical context" if occurred else "assumption (no clinical context says otherwise)"
                out.append(f"{r.symbol}: transplant is indicated once HLH has occurred; HLH is taken as having "
                           f"occurred ({source}).")
    if clinical is not None:
        out.append(f"Clinical context ({clinical.path}): {clinical.sentence()}.")
    return out


def _reasons(results: Sequence[GeneResult], genes: dict[str, PanelGene], workups: dict[str, TransplantWorkup],
             primary: PrimaryHlh) -> tuple[str, ...]:
    reasons = []
    for r in results:
        if r.call is GeneCall.NONE and not r.variant_ids and not r.not_assessed:
            continue
        gene = genes[r.symbol]
        reasons.append(f"{r.symbol} ({gene.inheritance}, {gene.tier}): {r.call}, phase {r.phase} -> {r.strength}; "
                       f"transplant policy '{gene.transplant_policy}' -> {workups[r.symbol]}.")
    monoallelic = [r.symbol for r in results if r.call is GeneCall.MONOALLELIC]
    if len(monoallelic) >= 2 and primary is PrimaryHlh.UNDETERMINED:
        reasons.append(f"Monoallelic findings in {len(monoallelic)} different genes ({', '.join(monoallelic)}) are not "
                       "a diagnosis: digenic inheritance of HLH lacks statistical support (Chinn 2018).")
    if not reasons:
        reasons.append("No qualifying, hypomorphic or uncertain allele carried in any panel gene.")
    return tuple(reasons)


def _with_tests(result: GeneResult, functional: Mapping[str, FunctionalResult]) -> GeneResult:
    """A normal functional test of a gene with a finding is stated as evidence against it (never an exclusion)."""
    against = evidence_against(result.symbol, functional) if result.call is not GeneCall.NONE else ()
    return dataclasses.replace(result, reasons=(*result.reasons, *against)) if against else result


def _with(result: GeneResult, strength: Strength, reason: str) -> GeneResult:
    return dataclasses.replace(result, strength=strength, reasons=(*result.reasons, reason))

"""Gene rules: the carried alleles of one gene -> a gene call, phase and strength (one function per
inheritance mode, each with its truth table in tests/test_inheritance.py).

* AR (:func:`rule_ar`): two qualifying alleles homozygous or in trans -> biallelic; phase unknown
  -> possible_biallelic; in cis -> monoallelic; a qualifying allele with a hypomorph or VUS likewise,
  but never 'confirmed'; with no qualifying allele, a VUS homozygous or two VUS not in cis in a
  core, degranulation or X-linked gene -> biallelic_vus (:func:`vus_only`);
* XL (:func:`rule_xl`): a hemizygous qualifying allele in a male -> hemizygous; a hemizygous VUS
  -> biallelic_vus; a female is a carrier unless biallelic; a heterozygous call in a male is
  flagged, never made hemizygous;
* AD (:func:`rule_ad`): one qualifying allele -> dominant.

What may be a second hit is decided by :func:`varhlh.inheritance.roles.role`; a reportable VUS that may
not (frequency unknown, common, not looked at by its source) is named in the reasons with why.

A genotype is 'confirmed' only when every driving allele is of full diagnostic weight and free of
quality flags (:func:`_graded`); allele roles come from :mod:`varhlh.inheritance.roles` and phase from
:mod:`varhlh.inheritance.phase`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from varhlh.inheritance.phase import PhaseCall, phase_of_pair
from varhlh.inheritance.roles import pairing_barrier, role
from varhlh.models import (
    Classification,
    DiagnosticWeight,
    Family,
    GeneCall,
    GeneResult,
    Inheritance,
    Phase,
    Role,
    Sex,
    Strength,
    Tier,
    TransplantWorkup,
    VariantResult,
    Zygosity,
)
from varhlh.settings import Settings

VUS_TIERS = frozenset({Tier.CORE_FHL, Tier.DEGRANULATION, Tier.X_LINKED})
"""Tiers where two variants of uncertain significance get their own call (biallelic_vus) and an urgent test."""


def rule_ar(variants: Sequence[VariantResult], family: Family, settings: Settings) -> GeneResult:
    """Autosomal recessive.

    * a qualifying allele homozygous -> biallelic (homozygous);
    * two qualifying alleles in trans -> biallelic; phase unknown -> possible_biallelic;
      only in cis -> monoallelic;
    * one qualifying allele + a hypomorph or VUS: trans -> biallelic, unknown -> possible_biallelic
      (both only 'suspected'), cis -> monoallelic;
    * no qualifying allele: see :func:`vus_only`; a hypomorph homozygous or alone, nothing -> none.
    Strength: biallelic with both alleles of full weight and no quality flag -> confirmed;
    any other biallelic or possible_biallelic -> suspected; else undetermined.
    """
    gene, carried = _gene_and_carried(variants, settings)
    qualifying = [v for v in carried if role(v, settings) is Role.QUALIFYING]
    for v in qualifying:
        if v.genotype.zygosity is Zygosity.HOM:
            return _biallelic(gene, (v, v), Phase.HOMOZYGOUS, (f"{v.id} is homozygous ({v.genotype.genotype})",))
    haploid = [v for v in qualifying if v.genotype.zygosity is Zygosity.HEMI]
    if haploid:
        v = haploid[0]
        return _result(gene, GeneCall.POSSIBLE_BIALLELIC, Phase.UNKNOWN, ("haploid call on an autosome",), (v,),
                       Strength.SUSPECTED, (f"{v.id} has a haploid genotype ({v.genotype.genotype}) on an "
                                            "autosome: possibly hemizygous over a deletion; verify the other allele",))
    seconds = [v for v in carried if role(v, settings) in (Role.HYPOMORPH, Role.VUS)]
    best = _best_pair(qualifying, seconds, family, settings)
    if best is not None:
        (a, b), call = best
        if call.phase is Phase.TRANS:
            return _biallelic(gene, (a, b), Phase.TRANS, call.evidence)
        if call.phase is Phase.UNKNOWN:
            return _result(gene, GeneCall.POSSIBLE_BIALLELIC, Phase.UNKNOWN, call.evidence, (a, b), Strength.SUSPECTED,
                           (f"{a.id} and {b.id} may be compound heterozygous but their phase is unknown: test the "
                            "parents (or use read-backed/long-read phasing) before calling the genotype biallelic",))
        return _result(gene, GeneCall.MONOALLELIC, Phase.CIS, call.evidence, (a, b), Strength.UNDETERMINED,
                       (f"{a.id} and {b.id} are in cis (one haplotype): together they count as one allele",))
    if not qualifying:
        vus = [v for v in carried if role(v, settings) is Role.VUS]
        found = vus_only(gene, vus, family, settings)
        if found is not None:
            return found
    return _single_or_none(gene, carried, qualifying, settings)


def vus_only(gene: _Gene, vus: Sequence[VariantResult], family: Family, settings: Settings) -> GeneResult | None:
    """No qualifying allele, in a core FHL, degranulation or X-linked gene (:data:`VUS_TIERS`).

    * a VUS homozygous, or hemizygous (a male's only X) -> biallelic_vus (homozygous / not applicable);
    * two VUS in trans or of unknown phase -> biallelic_vus (trans / unknown);
    * two VUS only in cis, one VUS, another tier -> None (the caller's 'none').
    Strength is always undetermined: not a diagnosis, but a gene-specific functional test is urgent.
    """
    if gene.tier not in VUS_TIERS or not vus:
        return None
    test = gene.functional_test or "a gene-specific functional test"
    ask = (f"not a diagnosis: a rare variant of uncertain significance on each copy of {gene.symbol}; "
           f"{test} is needed urgently to decide")
    for v in vus:
        if v.genotype.zygosity is Zygosity.HOM:
            hom = f"{v.id} is homozygous ({v.genotype.genotype})"
            return _result(gene, GeneCall.BIALLELIC_VUS, Phase.HOMOZYGOUS, (hom,), (v,), Strength.UNDETERMINED,
                           (hom, ask))
        if v.genotype.zygosity is Zygosity.HEMI:
            return _result(gene, GeneCall.BIALLELIC_VUS, Phase.NOT_APPLICABLE, (), (v,), Strength.UNDETERMINED,
                           (f"{v.id} is hemizygous ({v.genotype.genotype})", ask.replace("on each copy of",
                                                                                          "on the only copy of")))
    order = {Phase.TRANS: 0, Phase.UNKNOWN: 1}
    pairs = [(order[call.phase], a, b, call) for a, b in combinations(vus, 2)
             if (call := phase_of_pair(a, b, family, settings)) and call.phase in order]
    if not pairs:
        return None
    _, a, b, call = min(pairs, key=lambda item: item[0])
    phase_note = "in trans" if call.phase is Phase.TRANS else "of unknown phase (they may be on one copy)"
    return _result(gene, GeneCall.BIALLELIC_VUS, call.phase, call.evidence, (a, b), Strength.UNDETERMINED,
                   (f"{a.id} and {b.id} are {phase_note}", ask))


def rule_xl(variants: Sequence[VariantResult], sex: Sex, family: Family, settings: Settings) -> GeneResult:
    """X-linked.

    * male: a qualifying allele hemizygous (haploid ``1`` or diploid ``1/1``) -> hemizygous; a
      heterozygous call is flagged (mosaicism, mix-up, mis-mapping), never made hemizygous ->
      heterozygous_xl, undetermined; a hemizygous VUS -> biallelic_vus (:func:`vus_only`);
    * female: heterozygous -> heterozygous_xl (carrier; XIAP carriers can be mildly affected);
      homozygous or two qualifying alleles in trans -> biallelic (treated as affected);
    * sex unknown: haploid call -> hemizygous; homozygous -> biallelic; heterozygous -> heterozygous_xl,
      each saying that sex is unknown.
    """
    gene, carried = _gene_and_carried(variants, settings)
    qualifying = [v for v in carried if role(v, settings) is Role.QUALIFYING]
    hemi = [v for v in qualifying if v.genotype.zygosity is Zygosity.HEMI and sex is not Sex.FEMALE]
    if hemi:
        v = hemi[0]
        note = "" if sex is Sex.MALE else " (sex unknown: a haploid call implies a single X)"
        return _graded(gene, GeneCall.HEMIZYGOUS, Phase.NOT_APPLICABLE, (v,),
                       (f"{v.id} is hemizygous ({v.genotype.genotype}){note}",))
    if sex is not Sex.MALE:
        female = rule_ar(variants, family, settings)
        if female.call in (GeneCall.BIALLELIC, GeneCall.BIALLELIC_VUS):
            note = " (sex unknown: homozygous/biallelic X genotype is disease-consistent in either sex)" \
                if sex is Sex.UNKNOWN else " (female with biallelic X-linked genotype: treated as affected)"
            return _replace_reasons(female, (*female.reasons, f"{gene.symbol}: {female.call}{note}"))
    if qualifying:
        v = qualifying[0]
        if sex is Sex.MALE:
            why = (f"{v.id} is heterozygous ({v.genotype.genotype}) in a male outside the pseudoautosomal region: "
                   "possible mosaicism, sample mix-up or mis-mapping; not treated as hemizygous")
        else:
            why = f"{v.id} is heterozygous on chrX: carrier" + ("" if sex is Sex.FEMALE else " (sex unknown)")
            if gene.symbol == "XIAP":
                why += "; XIAP carriers can be mildly affected (skewed X-inactivation)"
        return _result(gene, GeneCall.HETEROZYGOUS_XL, Phase.NOT_APPLICABLE, (), (v,), Strength.UNDETERMINED, (why,))
    if sex is Sex.MALE:
        vus = [v for v in carried if role(v, settings) is Role.VUS and v.genotype.zygosity in (Zygosity.HEMI,
                                                                                              Zygosity.HOM)]
        found = vus_only(gene, vus, family, settings)
        if found is not None:
            return found
    return _single_or_none(gene, carried, qualifying, settings)


def rule_ad(variants: Sequence[VariantResult], settings: Settings) -> GeneResult:
    """Autosomal dominant: one qualifying allele -> dominant. In gain-of-function genes only known
    activating alleles can qualify (PVS1 never applies there, so a qualifying allele must come
    from the curated table or strong ClinVar evidence)."""
    gene, carried = _gene_and_carried(variants, settings)
    qualifying = [v for v in carried if role(v, settings) is Role.QUALIFYING]
    if qualifying:
        v = qualifying[0]
        return _graded(gene, GeneCall.DOMINANT, Phase.NOT_APPLICABLE, (v,),
                       (f"{v.id} ({v.genotype.genotype}) is a qualifying allele in a dominant gene",))
    return _single_or_none(gene, carried, qualifying, settings)


def gene_result(variants: Sequence[VariantResult], sex: Sex, family: Family, settings: Settings) -> GeneResult:
    """Dispatch to the rule for the gene's inheritance; then the evidence against it (an unaffected sibling with
    the same genotype) and the alleles not assessed."""
    gene = variants[0].allele.gene
    if gene.inheritance is Inheritance.XL:
        result = rule_xl(variants, sex, family, settings)
    elif gene.inheritance is Inheritance.AD:
        result = rule_ad(variants, settings)
    else:
        result = rule_ar(variants, family, settings)
    against = _unaffected_carriers(result, variants, family)
    if against:
        result = _replace_reasons(result, (*result.reasons, *against))
    return with_not_assessed(result, variants)


def with_not_assessed(result: GeneResult, variants: Sequence[VariantResult]) -> GeneResult:
    """Attach the carried alleles whose effect could not be determined, and say what they leave open: they are
    neither hits nor evidence against one, so a carrier with one of them is still only a carrier."""
    unknown = [v for v in variants if v.interpretation.not_assessed and v.genotype.zygosity.carried]
    if not unknown:
        return result
    names = "; ".join(f"{v.annotation.hgvs_c or v.id} ({v.genotype.zygosity})" for v in unknown)
    if result.call in (GeneCall.MONOALLELIC, GeneCall.HETEROZYGOUS_XL):
        note = (f"{len(unknown)} allele(s) not assessed ({names}): their effect is unknown without annotation or a "
                "reference sequence, so a second hit can be neither claimed nor excluded")
    elif result.call is GeneCall.NONE:
        note = f"{len(unknown)} allele(s) not assessed ({names}): their effect is unknown, so the gene is not assessed"
    else:
        note = f"{len(unknown)} further allele(s) not assessed ({names})"
    return dataclasses.replace(result, reasons=(*result.reasons, note), not_assessed=tuple(v.id for v in unknown))


# ------------------------------------------------------------------------------ helpers


@dataclass(frozen=True)
class _Gene:
    symbol: str
    inheritance: Inheritance
    tier: Tier
    functional_test: str | None


def _gene_and_carried(variants: Sequence[VariantResult], settings: Settings) -> tuple[_Gene, list[VariantResult]]:
    """The gene and its carried alleles that a rule can read: those with a role or reportable, in input order. The
    others (benign, likely benign, set aside) are never read by a rule (every use of ``carried`` asks for a role
    or for reportable alleles), so a genome's thousands of background alleles are looked at once, not per step."""
    gene = variants[0].allele.gene
    carried = [v for v in variants if v.genotype.zygosity.carried
               and (v.interpretation.reportable or role(v, settings) is not None)]
    return _Gene(gene.symbol, gene.inheritance, gene.tier, gene.functional_test), carried


def _best_pair(qualifying: list[VariantResult], seconds: list[VariantResult], family: Family,
               settings: Settings) -> tuple[tuple[VariantResult, VariantResult], PhaseCall] | None:
    """The most informative pair: trans > unknown > cis, then two qualifying before qualifying + other
    (so two qualifying alleles in cis do not hide a qualifying allele in trans with a VUS)."""
    order = {Phase.TRANS: 0, Phase.UNKNOWN: 1, Phase.CIS: 2}
    pools = (list(combinations(qualifying, 2)), [(q, s) for q in qualifying for s in seconds])
    scored = [((order[call.phase], rank), pair, call) for rank, pool in enumerate(pools) for pair in pool
              if (call := phase_of_pair(pair[0], pair[1], family, settings))]
    if not scored:
        return None
    _, pair, call = min(scored, key=lambda item: item[0])
    return pair, call


def _biallelic(gene: _Gene, pair: tuple[VariantResult, VariantResult], phase: Phase,
               evidence: tuple[str, ...]) -> GeneResult:
    return _graded(gene, GeneCall.BIALLELIC, phase, pair, (f"biallelic: {'; '.join(evidence)}",), evidence)


def _graded(gene: _Gene, call: GeneCall, phase: Phase, alleles: Sequence[VariantResult],
            reasons: tuple[str, ...], evidence: tuple[str, ...] = ()) -> GeneResult:
    """Confirmed only when every driving allele is of full weight and free of quality flags."""
    unique = list({v.id: v for v in alleles}.values())
    weak = [f"{v.id} is {v.interpretation.classification} with diagnostic weight {v.interpretation.weight}"
            for v in unique if v.interpretation.weight is not DiagnosticWeight.FULL]
    flagged = [f"{v.id} has quality flags ({', '.join(v.quality_flags)}): confirm it by an orthogonal method"
               for v in unique if v.quality_flags]
    unchecked = [f"{v.id}: population frequency not assessed (no frequency annotation or --gnomad); check it "
                 "before acting on this result" for v in unique
                 if v.annotation.frequency is None and v.annotation.known is None]
    strength = Strength.SUSPECTED if weak or flagged else Strength.CONFIRMED
    more = tuple(weak) + tuple(flagged)
    if strength is Strength.SUSPECTED and weak:
        more = (*more, "at least one allele is a rare missense, non-coding, hypomorphic or uncertain allele not "
                       "previously well described: suspicion of primary HLH, functional validation recommended "
                       "(Henter 2024, Table 4)")
    milder = tuple(dict.fromkeys(f"{k.gene} {k.hgvs_c}" for v in unique if (k := v.annotation.known) is not None
                                 and k.workup is TransplantWorkup.CONSIDER))
    if milder:
        more = (*more, f"{', '.join(milder)}: a well-described disease-causing allele associated with a later onset "
                       "and milder course (panel curated table): the genetic diagnosis stands; the transplant work-up "
                       "is to be considered after functional and clinical review")
    result = _result(gene, call, phase, evidence, unique, strength, (*reasons, *more, *unchecked))
    hypomorphs = tuple(v.id for v in unique if v.interpretation.weight is DiagnosticWeight.HYPOMORPH)
    return dataclasses.replace(result, milder_course=milder, hypomorphs=hypomorphs)


def _single_or_none(gene: _Gene, carried: list[VariantResult], qualifying: list[VariantResult],
                    settings: Settings) -> GeneResult:
    unpaired = _unpaired(carried, settings)
    if qualifying:
        v = qualifying[0]
        return _result(gene, GeneCall.MONOALLELIC, Phase.NOT_APPLICABLE, (), (v,), Strength.UNDETERMINED,
                       (f"one qualifying allele ({v.id}, {v.genotype.genotype}): carrier; not diagnostic on its own",
                        *unpaired))
    hypomorphs = [v for v in carried if role(v, settings) is Role.HYPOMORPH]
    if any(v.genotype.zygosity is Zygosity.HOM for v in hypomorphs):
        v = next(v for v in hypomorphs if v.genotype.zygosity is Zygosity.HOM)
        return _result(gene, GeneCall.NONE, Phase.HOMOZYGOUS, (), (v,), Strength.UNDETERMINED,
                       (f"{v.id} is a hypomorphic risk allele, homozygous: not diagnostic by genotype alone (healthy "
                        "elderly homozygotes are common); functional testing recommended",))
    found = [v for v in carried if role(v, settings) is not None or v.interpretation.reportable]
    if found:
        kinds = ", ".join(f"{v.id} ({role(v, settings) or v.interpretation.classification})" for v in found)
        return _result(gene, GeneCall.NONE, Phase.NOT_APPLICABLE, (), found, Strength.UNDETERMINED,
                       (f"no qualifying allele; found {kinds}: not diagnostic", *unpaired))
    return _result(gene, GeneCall.NONE, Phase.NOT_APPLICABLE, (), (), Strength.UNDETERMINED, unpaired)


def _unpaired(carried: Sequence[VariantResult], settings: Settings) -> tuple[str, ...]:
    """The reasons carried, reportable VUS could not be counted as second hits."""
    return tuple(barrier for v in carried if v.interpretation.classification is Classification.UNCERTAIN
                 and v.interpretation.reportable and (barrier := pairing_barrier(v, settings)) is not None)


def _result(gene: _Gene, call: GeneCall, phase: Phase, evidence: tuple[str, ...], alleles: Sequence[VariantResult],
            strength: Strength, reasons: tuple[str, ...]) -> GeneResult:
    ids = tuple(dict.fromkeys(v.id for v in alleles))
    return GeneResult(gene.symbol, gene.inheritance, call, phase, evidence, ids, strength, reasons)


def _replace_reasons(result: GeneResult, reasons: tuple[str, ...]) -> GeneResult:
    return dataclasses.replace(result, reasons=reasons)


def _unaffected_carriers(result: GeneResult, variants: Sequence[VariantResult], family: Family) -> tuple[str, ...]:
    """An unaffected sibling with the same biallelic genotype is evidence against it."""
    if result.call not in (GeneCall.BIALLELIC, GeneCall.POSSIBLE_BIALLELIC, GeneCall.HEMIZYGOUS):
        return ()
    driving = [v for v in variants if v.id in result.variant_ids]
    notes = []
    for sibling in family.unaffected_siblings:
        calls = [v.family.get(sibling) for v in driving]
        if calls and all(c is not None and c.zygosity.carried for c in calls):
            if len(driving) == 1 and calls[0] is not None and calls[0].zygosity is not Zygosity.HOM \
                    and result.call is not GeneCall.HEMIZYGOUS:
                continue
            notes.append(f"unaffected sibling {sibling} carries the same genotype: evidence against this genotype "
                         "being fully penetrant (or the sibling is pre-symptomatic: evaluate them)")
    return tuple(notes)

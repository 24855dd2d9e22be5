"""Plain-language summary sentence and actionable recommendations for a conclusion.

Wording follows the counselling rules per genotype class and the Henter 2024 genetic pathway (Table 4) as
docs/clinical-basis.md states them. Everything here is text built from decisions already made in
:mod:`varhlh.decide.decision`; nothing is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from varhlh.classify.functional import TESTS, FunctionalTest
from varhlh.decide.completeness import Completeness, Unassessed
from varhlh.models import (
    FunctionalResult,
    GeneCall,
    GeneResult,
    Inheritance,
    PanelGene,
    Phase,
    PrimaryHlh,
    Strength,
    TransplantPolicy,
    TransplantWorkup,
)

SECOND_HIT_LOCI = {
    "UNC13D": "the intron-1 deep-intronic alleles c.118-308C>T / c.118-307G>A and the 253-kb UNC13D inversion "
              "(exome and panel data usually cannot exclude them; Munc13-4 protein expression detects both)",
    "STX11": "the 19.2-kb deletion of STX11 exon 2 (a copy-number test; invisible to SNV calling)",
    "RAB27A": "the RAB27A exon 2-5 tandem duplication and larger deletions (copy-number analysis)",
}
_CALL_TEXT = {
    GeneCall.BIALLELIC: "biallelic {gene} variants, {phase}",
    GeneCall.BIALLELIC_VUS: "{vus} in {gene}, {phase}: a functional test is needed to decide",
    GeneCall.POSSIBLE_BIALLELIC: "two {gene} variants whose phase is unknown",
    GeneCall.HEMIZYGOUS: "a hemizygous {gene} variant",
    GeneCall.DOMINANT: "a heterozygous {gene} variant in a dominant gene",
    GeneCall.MONOALLELIC: "one pathogenic {gene} allele (carrier)",
    GeneCall.HETEROZYGOUS_XL: "a heterozygous X-linked {gene} variant",
}


_NO_DISEASE_CLAUSE = frozenset({GeneCall.MONOALLELIC, GeneCall.HETEROZYGOUS_XL, GeneCall.BIALLELIC_VUS})
"""Calls that are not a diagnosis: their summary never says 'consistent with <disease>' (a carrier is not a case)."""


def describe(result: GeneResult, gene: PanelGene) -> str:
    template = _CALL_TEXT.get(result.call, "findings in {gene}")
    if result.call is GeneCall.POSSIBLE_BIALLELIC and len(result.variant_ids) == 1:
        template = "a haploid {gene} call (possibly a deletion of the other copy)"
    phase = {Phase.HOMOZYGOUS: "homozygous", Phase.NOT_APPLICABLE: "hemizygous",
             Phase.UNKNOWN: "phase unknown"}.get(result.phase, f"in {result.phase}")
    vus = ("a variant of uncertain significance" if len(result.variant_ids) == 1
           else "two variants of uncertain significance")
    text = template.format(gene=gene.symbol, phase=phase, vus=vus)
    if result.call is GeneCall.BIALLELIC and result.hypomorphs:
        text += (", one of them a reduced-function (hypomorphic) allele: possibly "
                 f"{gene.disease}, which functional testing must confirm")
    elif result.call is GeneCall.POSSIBLE_BIALLELIC:
        text += f" ({gene.disease} if they are on different copies)"
    elif result.call not in _NO_DISEASE_CLAUSE:
        text += f", consistent with {gene.disease}"
    if any("quality flags" in reason for reason in result.reasons):
        text += " (a driving variant has quality flags and must be confirmed)"
    return text


def summary(primary: PrimaryHlh, workup: TransplantWorkup, drivers: Sequence[GeneResult],
            results: Sequence[GeneResult], genes: Mapping[str, PanelGene],
            completeness: Completeness | None = None) -> str:
    """The conclusion in one paragraph; it never says 'no reportable variant' when part of the panel or an
    allele could not be assessed, and then says what is missing."""
    text = _answer(primary, workup, drivers, results, genes, completeness)
    if completeness is not None and not completeness.complete:
        text += " " + incomplete_sentence(completeness)
    return text


def incomplete_sentence(completeness: Completeness) -> str:
    """'The analysis is incomplete: …; to complete it, …' from the completeness verdict."""
    parts = []
    if completeness.not_assessed:
        parts.append(describe_unassessed(completeness.not_assessed) + " could not be interpreted")
    missing = [g.symbol for g in completeness.genes if not g.assessable]
    if missing:
        parts.append(f"{len(missing)} panel gene(s) could not be assessed ({', '.join(missing[:6])}"
                     f"{', …' if len(missing) > 6 else ''})")
    if completeness.sources.frequency is None:
        parts.append("population frequencies were not available")
    todo = f"; to complete it, {completeness.to_complete[0]}" if completeness.to_complete else ""
    return f"The analysis is incomplete: {'; '.join(parts)}{todo}."


def describe_unassessed(items: Sequence[Unassessed]) -> str:
    """'1 homozygous allele in IL27RA (c.123C>T)', '2 alleles in PRF1 and LYST (…)'."""
    if len(items) == 1:
        u = items[0]
        zygosity = {"het": "heterozygous ", "hom": "homozygous ", "hemi": "hemizygous "}.get(u.zygosity, "")
        return f"1 {zygosity}allele in {u.gene} ({u.name})"
    genes = list(dict.fromkeys(u.gene for u in items))
    names = ", ".join(u.name for u in items[:4]) + (", …" if len(items) > 4 else "")
    return f"{len(items)} alleles in {', '.join(genes[:-1]) + ' and ' + genes[-1] if len(genes) > 1 else genes[0]} " \
           f"({names})"


def _answer(primary: PrimaryHlh, workup: TransplantWorkup, drivers: Sequence[GeneResult],
            results: Sequence[GeneResult], genes: Mapping[str, PanelGene],
            completeness: Completeness | None) -> str:
    workup_text = {
        TransplantWorkup.INDICATED: "a transplant (HSCT) work-up is indicated",
        TransplantWorkup.CONSIDER: "a transplant (HSCT) work-up should be considered",
        TransplantWorkup.NOT_INDICATED_BY_GENETICS: "genetics alone does not indicate a transplant work-up",
    }[workup]
    findings = "; ".join(describe(r, genes[r.symbol]) for r in drivers)
    if primary is PrimaryHlh.CONFIRMED:
        return f"Primary HLH is genetically confirmed: {findings}; {workup_text}."
    if primary is PrimaryHlh.SUSPECTED:
        return f"Primary HLH is suspected but not genetically confirmed: {findings}; {workup_text}."
    found = [describe(r, genes[r.symbol]) for r in sorted(results, key=lambda r: r.call is not
                                                           GeneCall.BIALLELIC_VUS) if r.call is not GeneCall.NONE]
    vus = [r.symbol for r in results if r.call is GeneCall.NONE and r.variant_ids]
    if found:
        what = "; ".join(found)
    elif vus:
        what = f"only variants of uncertain significance or risk alleles ({', '.join(vus)})"
    elif completeness is not None and not completeness.complete:
        what = "no reportable variant in what could be assessed"
    else:
        what = "no reportable variant in the panel genes"
    return (f"Genetics does not confirm primary HLH ({what}); this does not exclude primary HLH, and "
            f"{workup_text}.")


def recommendations(primary: PrimaryHlh, workup: TransplantWorkup, results: Sequence[GeneResult],
                    genes: Mapping[str, PanelGene], completeness: Completeness | None = None,
                    functional: Mapping[str, FunctionalResult] | None = None) -> tuple[str, ...]:
    """Actions in order of urgency; a functional test already given is never asked for again, its result is
    read instead."""
    tests = functional or {}
    out: list[str] = []
    if completeness is not None and completeness.not_assessed:
        todo = completeness.to_complete[0] if completeness.to_complete else "review them by hand"
        out.append(f"Complete the analysis: {describe_unassessed(completeness.not_assessed)} could not be "
                   f"interpreted; {todo}.")
    drivers = [r for r in results if r.strength is not Strength.UNDETERMINED]
    for result in drivers:  # phase first: until it is known, the genotype is not biallelic
        if result.call is GeneCall.POSSIBLE_BIALLELIC and len(result.variant_ids) > 1:
            out.append(f"{result.symbol}: test both parents for the two variants first, to establish whether they "
                       "are on different copies (in trans); read-backed or long-read phasing can also tell. The "
                       "genotype is not biallelic until this is shown.")
        elif result.call is GeneCall.POSSIBLE_BIALLELIC:
            out.append(f"{result.symbol}: test both parents first, and look for a deletion of the other copy "
                       "(copy-number analysis): the genotype is not biallelic until both copies are shown altered.")
    hypomorphic = any(r.hypomorphs for r in drivers if r.call is GeneCall.BIALLELIC)
    if workup is TransplantWorkup.INDICATED:
        out.append("Refer urgently to an HLH/HSCT centre: a transplant work-up is indicated; transplant is best "
                   "done in first remission.")
    elif workup is TransplantWorkup.CONSIDER:
        out.append("Refer to an HLH centre to review this result with the clinical course and the further tests "
                   "below, and to decide on a transplant work-up.")
    if workup in (TransplantWorkup.INDICATED, TransplantWorkup.CONSIDER):
        out.append("Start HLA typing of the patient, the parents and all full siblings now, so no time is lost.")
        if hypomorphic:
            out.append("Genotype every sibling for the familial variants before any sibling is considered as a donor: "
                       "a sibling with the same genotype may be affected (the effect of a reduced-function allele is "
                       "uncertain) and should not donate without specialist review.")
        else:
            out.append("Genotype every sibling for the familial variant(s) before any sibling is considered as a "
                       "donor: a sibling with the same genotype is affected (possibly pre-symptomatic), must not "
                       "donate, and needs evaluation.")
    parents = completeness is not None and completeness.sources.parents
    for result in drivers:
        out.extend(_gene_actions(result, genes[result.symbol], primary, done(result.symbol, tests), parents))
    for result in results:
        if result.strength is Strength.UNDETERMINED:
            out.extend(_undetermined_actions(result, genes[result.symbol], done(result.symbol, tests)))
    if primary is PrimaryHlh.UNDETERMINED:
        named = " ".join(out)
        generic = [t for t in ("perforin expression", "CD107a degranulation") if t not in named]
        generic += ["SAP and XIAP protein in males"] if "SAP protein" not in named else []
        tests_text = f"arrange functional testing ({', '.join(generic)})" if generic else \
            "the functional tests above are part of the work-up"
        out.append(f"A negative or inconclusive genetic result does not exclude primary HLH: {tests_text}.")
        out.append("Evaluate secondary HLH triggers: infection (EBV first), malignancy (lymphoma), rheumatological "
                   "disease (sJIA/MAS) and metabolic disease.")
        out.append("Relapsing or refractory HLH remains a transplant indication on clinical grounds, whatever the "
                   "genetic result.")
    return tuple(dict.fromkeys(out))


Given = tuple[tuple[FunctionalTest, FunctionalResult], ...]
"""Functional tests given for one gene, with their results."""


def done(gene: str, tests: Mapping[str, FunctionalResult]) -> Given:
    """The functional tests of ``gene`` that the clinical context gives a result for."""
    return tuple((t, tests[t.key]) for t in TESTS if gene in t.genes and t.key in tests)


def _words(given: Given) -> str:
    return "; ".join(f"{t.label}: {r.value}" for t, r in given)


def _abnormal(given: Given) -> bool:
    return any(r in (FunctionalResult.ABSENT, FunctionalResult.REDUCED) for _, r in given)


def _gene_actions(result: GeneResult, gene: PanelGene, primary: PrimaryHlh, given: Given,
                  parents: bool = False) -> list[str]:
    out = []
    if result.call is GeneCall.BIALLELIC and result.hypomorphs:
        test = gene.functional_test or "a gene-specific functional test"
        out.append(f"{gene.symbol}: the genotype includes a reduced-function (hypomorphic) allele; a transplant only "
                   f"after functional confirmation by {test} and review of the clinical course (Henter 2024, "
                   "Table 4; Bergsten 2020).")
    if given:
        out.append(f"{gene.symbol}: functional result given ({_words(given)}); "
                   + ("it supports the genetic finding." if _abnormal(given) else
                      "a normal result argues against this gene: review the classification of its variants."))
    elif gene.functional_test and not (result.call is GeneCall.BIALLELIC and result.hypomorphs):
        verb = "can support the diagnosis" if result.strength is Strength.CONFIRMED else "is recommended"
        out.append(f"{gene.symbol}: a functional test {verb}: {gene.functional_test}.")
    if gene.inheritance is Inheritance.XL:
        out.append(f"{gene.symbol} is X-linked: test the mother for carrier status and offer testing to at-risk male "
                   "relatives (brothers, maternal uncles and cousins); carrier females and untested male relatives "
                   "must not be stem-cell donors.")
    elif result.call is GeneCall.BIALLELIC and result.hypomorphs:
        out.append(f"{gene.symbol}: offer the parents carrier testing and genetic counselling; each further child of "
                   "the same parents has a 1 in 4 (25%) chance of the same genotype, whose effect is uncertain.")
    elif result.call is GeneCall.BIALLELIC:
        who = ("both parents were genotyped in this data: confirm their carrier status in an accredited laboratory"
               if parents else "offer carrier testing to both parents (expected to be carriers)")
        out.append(f"{gene.symbol}: {who}; each further pregnancy of carrier parents has a 25% recurrence risk, and "
                   "prenatal diagnosis or PGT-M is available.")
    if gene.transplant_policy is TransplantPolicy.NOT_INDICATED:
        out.append(f"{gene.symbol} ({gene.disease}): not a default transplant indication; disease-specific therapy "
                   "applies — refer to an immunology / autoinflammation specialist.")
    if gene.symbol == "XIAP":
        out.append("XIAP deficiency: if transplant is pursued, use reduced-intensity conditioning only and aim for "
                   "HLH remission first (myeloablative conditioning had very poor survival, Marsh 2013).")
    if gene.symbol == "SH2D1A":
        out.append("XLP1: transplant is indicated once HLH has occurred; varhlh assumes it has (it is run for "
                   "suspected or proven HLH) unless the clinical context says otherwise.")
    if gene.symbol == "LYST":
        out.append("Chediak-Higashi syndrome: transplant corrects the haematological disease but does not prevent "
                   "late neurological disease; attenuated adult forms may not benefit.")
    return out


def _undetermined_actions(result: GeneResult, gene: PanelGene, given: Given) -> list[str]:
    out = []
    if result.call is GeneCall.BIALLELIC_VUS:
        copies = "the only copy" if result.phase is Phase.NOT_APPLICABLE else "both copies"
        if given:
            out.append(f"{gene.symbol}: a rare variant of uncertain significance on {copies}; functional result given "
                       f"({_words(given)}): "
                       + ("abnormal, but the variants still do not reach likely pathogenic: discuss with the "
                          "laboratory and an HLH centre." if _abnormal(given) else
                          "normal, which argues against this gene; look for another cause."))
        else:
            test = gene.functional_test or "gene-specific functional testing"
            out.append(f"{gene.symbol}: urgent functional test, {test}: the patient carries a rare variant of "
                       "uncertain significance "
                       f"on {copies}; an abnormal result would support primary HLH (re-run varhlh with the result in "
                       "--clinical), a normal one argues against this gene.")
        if result.phase is Phase.UNKNOWN:
            out.insert(0, f"{gene.symbol}: test both parents first, to establish whether the two variants are on "
                          "different copies (in trans).")
    elif result.call is GeneCall.MONOALLELIC:
        hidden = SECOND_HIT_LOCI.get(gene.symbol, "copy-number variants, deep-intronic and regulatory variants")
        out.append(f"{gene.symbol}: one pathogenic allele only, which is not diagnostic (carriers occur in secondary "
                   f"HLH); look for a second hit this data may not show — {hidden}.")
        if given and _abnormal(given):
            out.append(f"{gene.symbol}: functional result given ({_words(given)}): abnormal, so a second hit this data "
                       "does not show is likely; pursue genome, RNA or structural-variant analysis now.")
        elif given:
            out.append(f"{gene.symbol}: functional result given ({_words(given)}): normal, as expected in a carrier.")
        elif gene.functional_test:
            out.append(f"{gene.symbol}: a functional test, {gene.functional_test}; if abnormal, pursue genome, "
                       "RNA or structural-variant analysis.")
    elif result.call is GeneCall.HETEROZYGOUS_XL:
        out.append(f"{gene.symbol}: heterozygous X-linked finding (a carrier); confirm with a protein-expression "
                   f"test, {gene.functional_test or 'by flow cytometry'}, and consider an X-inactivation study.")
    elif result.variant_ids:
        out.append(f"{gene.symbol}: variants of uncertain significance or risk alleles are not used for cascade or "
                   "predictive testing; segregation in the family and functional testing may help reclassify them.")
    return out

"""Functional tests as evidence: PP4 adapted for HLH.

HLH alone is not specific to one gene, so the phenotype gives no PP4 (Richards 2015). A gene-specific
functional result is: absent perforin points to PRF1 (perforin flow cytometry: sensitivity 96.6 %,
specificity 99.5 % for biallelic PRF1 variants, Rubin et al., Blood 2017), absent SAP to SH2D1A, absent
XIAP to XIAP, absent Munc13-4 to UNC13D, absent MAGT1 to MAGT1 (Genomics England PanelApp panels 1343,
1344 and 1353 are keyed to absent perforin, XIAP and SAP expression). A CD107a degranulation defect points
to the degranulation genes as a group only (sensitivity 93.8 %, specificity 73 %, Rubin 2017), so it is
supporting evidence for each of them, and only when absent (Henter 2024 cellular pathway: absent
perforin or defective exocytosis = strong suspicion; low = suspicion).

=====================  ===================================  ===============  ==============
test (clinical key)    genes                                absent           reduced
=====================  ===================================  ===============  ==============
perforin_expression    PRF1                                 PP4_Strong (4)   PP4 (1)
munc13_4_expression    UNC13D                               PP4_Strong (4)   PP4 (1)
sap_expression         SH2D1A                               PP4_Strong (4)   PP4 (1)
xiap_expression        XIAP                                 PP4_Strong (4)   PP4 (1)
magt1_expression       MAGT1                                PP4_Strong (4)   PP4 (1)
cd107a_degranulation   UNC13D STX11 STXBP2 RAB27A LYST      PP4 (1)          none
                       AP3B1 AP3D1
=====================  ===================================  ===============  ==============

A ``normal`` result is evidence against the genes it tests — stated in their reasons, never a hard exclusion
and never points (the assays miss some patients; a normal CD107a says nothing about XIAP or the
EBV-susceptibility genes). Only one PP4 counts per allele (the strongest), and it is added to the carried
alleles of the tested genes that the curated table does not already classify.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from varhlh.classify.acmg import classify
from varhlh.models import Criterion, EvidenceCode, FunctionalResult, VariantResult
from varhlh.settings import Settings


@dataclass(frozen=True)
class FunctionalTest:
    key: str
    label: str
    genes: tuple[str, ...]
    absent: EvidenceCode
    reduced: EvidenceCode | None = EvidenceCode.PP4


DEGRANULATION = ("UNC13D", "STX11", "STXBP2", "RAB27A", "LYST", "AP3B1", "AP3D1")
TESTS: tuple[FunctionalTest, ...] = (
    FunctionalTest("perforin_expression", "perforin expression (flow cytometry)", ("PRF1",), EvidenceCode.PP4_STRONG),
    FunctionalTest("munc13_4_expression", "Munc13-4 protein expression", ("UNC13D",), EvidenceCode.PP4_STRONG),
    FunctionalTest("sap_expression", "SAP expression (flow cytometry)", ("SH2D1A",), EvidenceCode.PP4_STRONG),
    FunctionalTest("xiap_expression", "XIAP expression (flow cytometry)", ("XIAP",), EvidenceCode.PP4_STRONG),
    FunctionalTest("magt1_expression", "MAGT1 expression", ("MAGT1",), EvidenceCode.PP4_STRONG),
    FunctionalTest("cd107a_degranulation", "CD107a degranulation (NK/CTL)", DEGRANULATION, EvidenceCode.PP4, None),
)
KEYS = tuple(t.key for t in TESTS)
PP4_CODES = frozenset({EvidenceCode.PP4_STRONG, EvidenceCode.PP4})


def functional_criterion(gene: str, results: Mapping[str, FunctionalResult]) -> Criterion | None:
    """The strongest PP4 the functional results give to ``gene``'s alleles, with the test named; None if none."""
    if not results:
        return None
    best: Criterion | None = None
    for test in TESTS:
        result = results.get(test.key)
        if gene not in test.genes or result not in (FunctionalResult.ABSENT, FunctionalResult.REDUCED):
            continue
        code = test.absent if result is FunctionalResult.ABSENT else test.reduced
        if code is None:
            continue
        scope = "specific to this gene" if len(test.genes) == 1 else \
            f"specific to the degranulation genes ({gene} among them)"
        criterion = Criterion(code, f"{test.label}: {result.value}, a result {scope}: {code} (functional test given in "
                                    "the clinical context).")
        if best is None or code.points > (best.code.points if best.code else 0):
            best = criterion
    return best


def evidence_against(gene: str, results: Mapping[str, FunctionalResult]) -> tuple[str, ...]:
    """Normal results of tests of ``gene``: evidence against a defect of it (never an exclusion)."""
    return tuple(f"{test.label} is normal: evidence against a {gene} defect (not an exclusion)"
                 for test in TESTS if gene in test.genes and results.get(test.key) is FunctionalResult.NORMAL)


def with_functional_effect(v: VariantResult, settings: Settings) -> VariantResult:
    """Record what the functional test changed for an allele that received PP4: its classification with every
    other criterion but without PP4, and with it (so the report can say which test moved which allele)."""
    pp4 = [c for c in v.criteria if c.code in PP4_CODES]
    if not pp4:
        return v
    rest = tuple(c for c in v.criteria if c.code not in PP4_CODES)
    before = classify(v.allele, v.annotation, v.genotype, settings, extra=rest).classification
    after = v.interpretation.classification
    code = pp4[0].code
    test = pp4[0].reason.split(":", 1)[0]
    name = f"{v.allele.gene.symbol} {v.annotation.hgvs_c or v.id}"
    if before is after:
        effect = f"{test} gave {code} to {name}: still {after.value.replace('_', ' ')}"
    else:
        effect = (f"{test} gave {code} to {name}: {before.value.replace('_', ' ')} without it, "
                  f"{after.value.replace('_', ' ')} with it")
    return dataclasses.replace(v, functional_effect=effect)


@dataclass(frozen=True)
class TestOutcome:
    """One functional test of the clinical context and what it did in this analysis."""

    test: FunctionalTest
    result: FunctionalResult
    effect: str


def outcomes(results: Mapping[str, FunctionalResult], variants: tuple[VariantResult, ...]) -> tuple[TestOutcome, ...]:
    """Per test given: the alleles it moved (PP4), the genes it speaks against (normal), or that no carried allele
    of the tested genes was there to support (then a variant the sequencing cannot see is the question)."""
    out = []
    for test in TESTS:
        result = results.get(test.key)
        if result is None:
            continue
        genes = ", ".join(test.genes)
        if result is FunctionalResult.NORMAL:
            effect = f"normal: evidence against a defect of {genes} (not an exclusion)"
        else:
            moved = [v.functional_effect for v in variants if v.functional_effect
                     and v.functional_effect.startswith(test.label)]
            effect = "; ".join(m for m in moved if m) if moved else (
                f"{result.value}, but no carried allele of {genes} was found to support: consider a variant this "
                "sequencing does not show (an exon deletion or duplication, a deep-intronic or regulatory variant)")
        out.append(TestOutcome(test, result, effect))
    return tuple(out)

"""What may be a second hit: a PRF1 null allele with each kind of partner, in cis, in trans and of unknown
phase. Each partner is classified by the real classify stage and PM3 step from an annotation of its kind
(no hand-set classification), then the AR gene rule runs as in the pipeline.

Henter 2024 (Table 4) keeps 'suspicion' for a *rare missense or non-coding* second allele: an allele of
unknown effect, unknown frequency, a common or synonymous allele never forms a pair; a curated hypomorph
(PRF1 A91V) does, at most 'suspected'.
"""

from __future__ import annotations

import pytest
from factories import record

from varhlh.classify.acmg import classify
from varhlh.classify.pm3 import apply_pm3
from varhlh.genotype.zygosity import allele_zygosity
from varhlh.inheritance.rules import gene_result
from varhlh.models import (
    Allele,
    Annotation,
    ClinVarClass,
    ClinVarEvidence,
    Family,
    FrequencyEvidence,
    GeneCall,
    GenotypeCall,
    Phase,
    Sex,
    Strength,
    VariantResult,
)
from varhlh.panel import load_panel
from varhlh.settings import Settings

PANEL = load_panel()
S = Settings()
VEP = "VCF CSQ (vep)"
GENOMES_ABSENT = FrequencyEvidence(None, "gnomAD_AF", None, None, "VCF INFO (gnomAD_AF)")
KNOWN = {k.hgvs_c: k for k in PANEL.known_variants if k.gene == "PRF1"}


def freq(af: float) -> FrequencyEvidence:
    return FrequencyEvidence(af, "gnomAD_AF", None, None, "VCF INFO (gnomAD_AF)")


PARTNERS: dict[str, Annotation] = {
    "pathogenic": Annotation("stop_gained", "HIGH", "NM_001083116.3", "c.449C>A", "p.(Ser150Ter)", VEP,
                             frequency=GENOMES_ABSENT),
    "clinvar_2star_missense": Annotation(
        "missense_variant", "MODERATE", "NM_001083116.3", "c.1349C>T", "p.(Thr450Met)", VEP, frequency=freq(0.0001),
        clinvar=ClinVarEvidence(ClinVarClass.PATHOGENIC, "Pathogenic", 2, None, "13710", "VCF INFO (CLNSIG)")),
    "rare_missense_vus": Annotation("missense_variant", "MODERATE", "NM_001083116.3", "c.1000G>A", "p.(Gly334Ser)", VEP,
                                    frequency=GENOMES_ABSENT),
    "rare_splice_region_vus": Annotation("splice_region_variant", "LOW", "NM_001083116.3", "c.65-5C>T", None, VEP,
                                         frequency=freq(0.00001)),
    "missense_between_pm2_and_bs1p": Annotation("missense_variant", "MODERATE", "NM_001083116.3", "c.1000G>C",
                                                "p.(Gly334Arg)", VEP, frequency=freq(0.0005)),
    "common_missense": Annotation("missense_variant", "MODERATE", "NM_001083116.3", "c.900C>G", "p.(His300Gln)", VEP,
                                  frequency=freq(0.002)),
    "synonymous": Annotation("synonymous_variant", "LOW", "NM_001083116.3", "c.822C>T", "p.(Ala274=)", VEP,
                             frequency=GENOMES_ABSENT),
    "unknown_effect": Annotation("coding_sequence_variant", None, "NM_001083116.3", "c.822C>T", None,
                                 "built-in MANE model", frequency=GENOMES_ABSENT,
                                 unresolved="a coding SNV without annotation or reference sequence"),
    "missense_unknown_frequency": Annotation("missense_variant", "MODERATE", "NM_001083116.3", "c.1000G>A",
                                             "p.(Gly334Ser)", VEP, frequency=None),
    "deep_intronic": Annotation("intron_variant", "MODIFIER", "NM_001083116.3", "c.65-400C>T", None, VEP,
                                frequency=GENOMES_ABSENT),
    "hypomorph_a91v": Annotation("missense_variant", "MODERATE", "NM_001083116.3", "c.272C>T", "p.(Ala91Val)", VEP,
                                 frequency=freq(0.0354), known=KNOWN["c.272C>T"]),
}
NULL = Annotation("stop_gained", "HIGH", "NM_001083116.3", "c.1122G>A", "p.(Trp374Ter)", VEP, frequency=GENOMES_ABSENT)

TRANS = ("0|1", "1|0")
CIS = ("0|1", "0|1")
UNKNOWN = ("0/1", "0/1")
PAIRS = {"trans": TRANS, "cis": CIS, "unknown": UNKNOWN}

#                           partner                          trans                               unknown phase
EXPECTED: dict[str, tuple[tuple[GeneCall, Strength], tuple[GeneCall, Strength]]] = {
    "pathogenic": ((GeneCall.BIALLELIC, Strength.CONFIRMED), (GeneCall.POSSIBLE_BIALLELIC, Strength.SUSPECTED)),
    "clinvar_2star_missense": ((GeneCall.BIALLELIC, Strength.CONFIRMED),
                               (GeneCall.POSSIBLE_BIALLELIC, Strength.SUSPECTED)),
    "rare_missense_vus": ((GeneCall.BIALLELIC, Strength.SUSPECTED), (GeneCall.POSSIBLE_BIALLELIC, Strength.SUSPECTED)),
    "rare_splice_region_vus": ((GeneCall.BIALLELIC, Strength.SUSPECTED),
                               (GeneCall.POSSIBLE_BIALLELIC, Strength.SUSPECTED)),
    "missense_between_pm2_and_bs1p": ((GeneCall.BIALLELIC, Strength.SUSPECTED),
                                      (GeneCall.POSSIBLE_BIALLELIC, Strength.SUSPECTED)),
    "common_missense": ((GeneCall.MONOALLELIC, Strength.UNDETERMINED), (GeneCall.MONOALLELIC, Strength.UNDETERMINED)),
    "synonymous": ((GeneCall.MONOALLELIC, Strength.UNDETERMINED), (GeneCall.MONOALLELIC, Strength.UNDETERMINED)),
    "unknown_effect": ((GeneCall.MONOALLELIC, Strength.UNDETERMINED), (GeneCall.MONOALLELIC, Strength.UNDETERMINED)),
    "missense_unknown_frequency": ((GeneCall.MONOALLELIC, Strength.UNDETERMINED),
                                   (GeneCall.MONOALLELIC, Strength.UNDETERMINED)),
    "deep_intronic": ((GeneCall.MONOALLELIC, Strength.UNDETERMINED), (GeneCall.MONOALLELIC, Strength.UNDETERMINED)),
    "hypomorph_a91v": ((GeneCall.BIALLELIC, Strength.SUSPECTED), (GeneCall.POSSIBLE_BIALLELIC, Strength.SUSPECTED)),
}


def result(annotation: Annotation, gt: str, pos: int) -> VariantResult:
    rec = record(pos, gt, ps="7" if "|" in gt else None)
    allele = Allele(f"10-{pos}-C-T", rec, 1, PANEL.gene("PRF1"))
    proband = rec.calls["P"]
    genotype = GenotypeCall(allele_zygosity(proband.alleles, 1), proband.genotype, proband)
    return VariantResult(allele, annotation, genotype, classify(allele, annotation, genotype, S), {})


def run(partner: str, phase: str):  # type: ignore[no-untyped-def]
    gt_null, gt_other = PAIRS[phase]
    variants = apply_pm3((result(NULL, gt_null, 72358355), result(PARTNERS[partner], gt_other, 72360000)), Family(), S)
    return variants, gene_result(variants, Sex.UNKNOWN, Family(), S)


@pytest.mark.parametrize("partner", sorted(PARTNERS))
@pytest.mark.parametrize("phase", ["trans", "unknown", "cis"])
def test_null_plus_partner(partner: str, phase: str) -> None:
    variants, gene = run(partner, phase)
    if phase == "cis":
        expected = (GeneCall.MONOALLELIC, Strength.UNDETERMINED)
    else:
        expected = EXPECTED[partner][0 if phase == "trans" else 1]
    assert (gene.call, gene.strength) == expected, gene.reasons
    if expected[0] is GeneCall.MONOALLELIC and phase != "cis":
        assert gene.variant_ids == (variants[0].id,), "a partner that cannot pair is not a driving allele"


@pytest.mark.parametrize(("partner", "words"), [
    ("missense_unknown_frequency", "population frequency is unknown"),
    ("unknown_effect", "effect is unknown"),
])
def test_why_a_partner_cannot_pair_is_stated(partner: str, words: str) -> None:
    _, gene = run(partner, "unknown")
    assert any(words in reason for reason in gene.reasons), gene.reasons


def test_common_missense_is_not_reportable_as_a_second_hit() -> None:
    variants, gene = run("common_missense", "trans")
    assert not variants[1].interpretation.reportable or variants[1].interpretation.classification.is_benign
    assert gene.call is GeneCall.MONOALLELIC


def test_two_qualifying_vus_alone_are_visible_but_not_a_diagnosis() -> None:
    a = result(PARTNERS["rare_missense_vus"], "0|1", 72358000)
    b = result(PARTNERS["rare_splice_region_vus"], "1|0", 72360000)
    gene = gene_result(apply_pm3((a, b), Family(), S), Sex.UNKNOWN, Family(), S)
    assert (gene.call, gene.phase, gene.strength) == (GeneCall.BIALLELIC_VUS, Phase.TRANS, Strength.UNDETERMINED)
    assert any("perforin" in r.lower() and "urgently" in r for r in gene.reasons), gene.reasons

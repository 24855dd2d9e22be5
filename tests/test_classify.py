"""Truth tables for every classification rule (ACMG/AMP 2015 with the ClinGen SVI refinements), with the numbers
and sources in reasons."""

from __future__ import annotations

import pytest

from varhlh.classify.acmg import classify, clinvar_criterion, combine, frequency_criterion, pvs1
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
    VcfRecord,
    Zygosity,
)
from varhlh.panel import load_panel
from varhlh.settings import Settings

PANEL = load_panel()
SETTINGS = Settings()
HET = GenotypeCall(Zygosity.HET, "0/1", None)
KNOWN = {k.hgvs_c: k for k in PANEL.known_variants}


def allele(gene: str = "PRF1") -> Allele:
    record = VcfRecord("10", 1000, 1000, None, "C", ("T",), 50.0, (), {}, {})
    return Allele("10-1000-C-T", record, 1, PANEL.gene(gene))


def annotation(term: str | None = "missense_variant", *, last_exon: bool = False, freq: FrequencyEvidence | None = None,
               clinvar: ClinVarEvidence | None = None, known=None, source: str = "VCF CSQ (vep)") -> Annotation:  # type: ignore[no-untyped-def]
    return Annotation(term, None, "NM_x", None, None, source, frequency=freq, clinvar=clinvar, known=known,
                      last_exon=last_exon)


def popmax(value: float | None) -> FrequencyEvidence:
    return FrequencyEvidence(None, None if value is not None else "gnomAD_AF", value,
                             "AF_popmax" if value is not None else None, "local gnomAD file g.vcf.gz")


def cv(significance: str, stars: int | None, raw: str = "x") -> ClinVarEvidence:
    return ClinVarEvidence(ClinVarClass(significance), raw, stars, None, "13709", "local ClinVar file c.vcf.gz (2026-01-01)")


# ------------------------------------------------------------------------------ PVS1


@pytest.mark.parametrize(("gene", "term", "last_exon", "code"), [
    ("PRF1", "stop_gained", False, "PVS1"),
    ("PRF1", "frameshift_variant", False, "PVS1"),
    ("PRF1", "stop_gained", True, "PVS1_Strong"),          # PRF1 exon 3: escapes NMD
    ("PRF1", "frameshift_variant", True, "PVS1_Strong"),
    ("STX11", "stop_gained", True, "PVS1_Strong"),         # STX11: the CDS is all in the last exon
    ("UNC13D", "splice_acceptor_variant", False, "PVS1"),
    ("UNC13D", "splice_donor_variant", True, "PVS1"),      # splice: not a last-exon truncation
    ("PRF1", "start_lost", False, "PVS1"),
    ("PRF1", "transcript_ablation", False, "PVS1"),
    ("PRF1", "missense_variant", False, None),
    ("PRF1", "inframe_deletion", False, None),
    ("PRF1", "coding_sequence_variant", False, None),
    ("PRF1", None, False, None),
    ("PIK3CD", "stop_gained", False, None),                # gain-of-function genes: never PVS1
    ("NLRC4", "frameshift_variant", False, None),
    ("CDC42", "splice_donor_variant", False, None),
])
def test_pvs1(gene: str, term: str | None, last_exon: bool, code: str | None) -> None:
    criterion = pvs1(annotation(term, last_exon=last_exon), allele(gene))
    assert criterion.code == code
    if gene in ("PIK3CD", "NLRC4", "CDC42"):
        assert "gain-of-function" in criterion.reason
    if code:
        assert "VCF CSQ (vep)" in criterion.reason


# ------------------------------------------------------------------------------ frequency


@pytest.mark.parametrize(("value", "code"), [
    (0.05, "BA1"), (0.01, "BA1"), (0.00999, "BS1"), (0.003, "BS1"), (0.00299, "BS1_Supporting"),
    (0.001, "BS1_Supporting"), (0.000999, None), (0.0001, None), (0.00007, "PM2_Supporting"),
    (0.0000701, None), (0.0, "PM2_Supporting"), (None, "PM2_Supporting"),
])
def test_frequency_thresholds(value: float | None, code: str | None) -> None:
    criterion = frequency_criterion(annotation(freq=popmax(value)), SETTINGS)
    assert criterion.code == code
    assert "local gnomAD file g.vcf.gz" in criterion.reason
    if value is not None:
        assert f"{value:g}" in criterion.reason


def test_no_frequency_source_assesses_nothing() -> None:
    assert frequency_criterion(annotation(freq=None), SETTINGS).code is None


def test_thresholds_come_from_settings() -> None:
    strict = Settings(ba1_af=0.05, bs1_af=0.02, bs1_supporting_af=0.01, pm2_max_af=0.0001)
    assert frequency_criterion(annotation(freq=popmax(0.03)), strict).code == "BS1"
    assert frequency_criterion(annotation(freq=popmax(0.00009)), strict).code == "PM2_Supporting"
    assert "0.03 >= 0.02" in frequency_criterion(annotation(freq=popmax(0.03)), strict).reason


@pytest.mark.parametrize(("term", "fields", "source", "code"), [
    ("missense_variant", "ExAC_AF", "VCF INFO (ExAC_AF)", "PM2_Supporting"),         # exome source, in the exome
    ("splice_region_variant", "gnomADe_AF", "VCF INFO (gnomADe_AF)", "PM2_Supporting"),
    ("intron_variant", "ExAC_AF", "VCF INFO (ExAC_AF)", None),                        # ExAC never looked there
    ("intron_variant", "gnomADe_AF, ExAC_AF", "VCF INFO (gnomADe_AF, ExAC_AF)", None),
    ("5_prime_UTR_variant", "gnomAD_exomes_AF", "VEP CSQ entry (gnomAD_exomes_AF)", None),
    ("intron_variant", "gnomAD_AF, ExAC_AF", "VCF INFO (gnomAD_AF, ExAC_AF)", "PM2_Supporting"),  # genomes looked
    ("intron_variant", "AF", "local gnomAD file gnomad.exomes.r2.1.1.sites.vcf.bgz", None),
    ("intron_variant", "AF", "local gnomAD file gnomad.genomes.v4.1.sites.vcf.bgz", "PM2_Supporting"),
])
def test_absence_counts_only_where_the_source_looked(term: str, fields: str, source: str, code: str | None) -> None:
    absent = FrequencyEvidence(None, fields, None, None, source)
    criterion = frequency_criterion(annotation(term, freq=absent), SETTINGS)
    assert criterion.code == code
    if code is None:
        assert "exome-only" in criterion.reason


def test_popmax_preferred_over_overall_af() -> None:
    freq = FrequencyEvidence(0.0005, "AF", 0.004, "AF_popmax", "VCF INFO (AF_popmax, AF)")
    criterion = frequency_criterion(annotation(freq=freq), SETTINGS)
    assert criterion.code == "BS1" and "AF_popmax 0.004 >= 0.003" in criterion.reason


@pytest.mark.parametrize("hgvs_c", ["c.272C>T", "c.50del", "c.118-308C>T", "c.1122G>A"])
def test_curated_alleles_are_exempt_from_frequency(hgvs_c: str) -> None:
    known = KNOWN[hgvs_c]
    result = classify(allele(known.gene), annotation(known=known, freq=popmax(0.05)), HET, SETTINGS)
    assert result.classification is known.classification and result.evidence == ("CURATED",)
    assert any("0.05" in r and "exempt" in r for r in result.reasons)
    assert any("panel curated table" in r for r in result.reasons)


def test_a91v_is_a_risk_allele_whatever_its_frequency() -> None:
    known = KNOWN["c.272C>T"]
    result = classify(allele("PRF1"), annotation(known=known, freq=popmax(0.0354)), HET, SETTINGS)
    assert result.classification is Classification.RISK_ALLELE and result.weight is DiagnosticWeight.HYPOMORPH


def test_clinvar_two_star_plp_is_exempt_from_ba1_bs1() -> None:
    result = classify(allele(), annotation("missense_variant", freq=popmax(0.02), clinvar=cv("pathogenic", 2)),
                      HET, SETTINGS)
    assert "BA1" not in result.evidence and "ClinVar_PLP" in result.evidence
    assert any("not applied" in r and "0.02" in r for r in result.reasons)
    one_star = classify(allele(), annotation("missense_variant", freq=popmax(0.02), clinvar=cv("pathogenic", 1)),
                        HET, SETTINGS)
    assert one_star.classification is Classification.BENIGN and "BA1" in one_star.evidence


# ------------------------------------------------------------------------------ ClinVar


@pytest.mark.parametrize(("significance", "stars", "code"), [
    ("pathogenic", 4, "ClinVar_PLP"), ("pathogenic", 3, "ClinVar_PLP"), ("pathogenic", 2, "ClinVar_PLP"),
    ("likely_pathogenic", 2, "ClinVar_PLP"), ("pathogenic_likely_pathogenic", 2, "ClinVar_PLP"),
    ("pathogenic", 1, None), ("pathogenic", 0, None), ("pathogenic", None, None),
    ("benign", 2, "ClinVar_BLB"), ("likely_benign", 3, "ClinVar_BLB"), ("benign_likely_benign", 2, "ClinVar_BLB"),
    ("benign", 1, None), ("conflicting", 1, None), ("uncertain", 2, None), ("risk_factor", 2, None),
    ("low_penetrance", 2, None), ("drug_response", 2, None), ("not_provided", 0, None), ("other", 2, None),
])
def test_clinvar_stars(significance: str, stars: int | None, code: str | None) -> None:
    criterion = clinvar_criterion(cv(significance, stars))
    assert criterion.code == code
    assert "local ClinVar file c.vcf.gz" in criterion.reason and "VCV 13709" in criterion.reason
    if significance == "conflicting":
        assert "conflicting" in criterion.reason


@pytest.mark.parametrize(("term", "significance", "stars", "expected"), [
    ("missense_variant", "risk_factor", 1, Classification.RISK_ALLELE),
    ("missense_variant", "low_penetrance", 0, Classification.RISK_ALLELE),
    ("missense_variant", "risk_factor", None, Classification.UNCERTAIN),  # no review status (VEP CLIN_SIG): shown only
    ("stop_gained", "risk_factor", 1, Classification.LIKELY_PATHOGENIC),  # other pathogenic evidence wins
    ("missense_variant", "conflicting", 1, Classification.UNCERTAIN),
])
def test_risk_factor_and_conflicting_states(term: str, significance: str, stars: int | None,
                                            expected: Classification) -> None:
    result = classify(allele(), annotation(term, clinvar=cv(significance, stars)), HET, SETTINGS)
    assert result.classification is expected


# ------------------------------------------------------------------------------ combination


@pytest.mark.parametrize(("codes", "expected"), [
    ((), Classification.UNCERTAIN),
    (("PVS1",), Classification.LIKELY_PATHOGENIC),                       # 8
    (("PVS1", "PM2_Supporting"), Classification.LIKELY_PATHOGENIC),      # 9
    (("PVS1", "PM2_Supporting", "PM3_Supporting"), Classification.PATHOGENIC),  # 10
    (("PVS1", "PM3"), Classification.PATHOGENIC),                        # 10
    (("PVS1_Strong",), Classification.UNCERTAIN),                        # 4
    (("PVS1_Strong", "PM2_Supporting", "PM3_Supporting"), Classification.LIKELY_PATHOGENIC),  # 6
    (("ClinVar_PLP",), Classification.LIKELY_PATHOGENIC),                # 6
    (("ClinVar_PLP", "PVS1_Strong"), Classification.PATHOGENIC),         # 10
    (("PM2_Supporting", "PM3"), Classification.UNCERTAIN),               # 3
    (("BS1_Supporting",), Classification.LIKELY_BENIGN),                 # -1
    (("BS1",), Classification.LIKELY_BENIGN),                            # -4
    (("BS1", "BP2"), Classification.LIKELY_BENIGN),                      # -5
    (("ClinVar_BLB", "BS1_Supporting"), Classification.BENIGN),          # -7
    (("BS1", "ClinVar_BLB"), Classification.BENIGN),                     # -10
    (("BA1", "PVS1"), Classification.BENIGN),                            # BA1 stands alone
    (("PVS1", "BS1"), Classification.UNCERTAIN),                         # 4: conflicting evidence
    (("PM3_VeryStrong", "PM2_Supporting", "PM3_Supporting"), Classification.PATHOGENIC),  # 10
])
def test_combine(codes: tuple[str, ...], expected: Classification) -> None:
    assert combine(tuple(EvidenceCode(c) for c in codes)) is expected


@pytest.mark.parametrize(("code", "points"), [
    ("PVS1", 8), ("PVS1_Strong", 4), ("PM2_Supporting", 1), ("PM3_VeryStrong", 8), ("PM3_Strong", 4), ("PM3", 2),
    ("PM3_Supporting", 1), ("ClinVar_PLP", 6), ("BS1", -4), ("BS1_Supporting", -1), ("ClinVar_BLB", -6), ("BP2", -1),
    ("BA1", 0), ("CURATED", 0), ("NOT_ASSESSED", 0), ("ClinVar_risk", 0),
])
def test_every_code_has_its_points(code: str, points: int) -> None:
    """Tavtigian 2020: supporting 1, moderate 2, strong 4, very strong 8 (negative for benign)."""
    assert EvidenceCode(code).points == points


def test_reasons_name_numbers_and_sources_end_to_end() -> None:
    found = annotation("stop_gained", freq=popmax(0.00002), clinvar=cv("pathogenic", 2, "Pathogenic"))
    result = classify(allele(), found, HET, SETTINGS)
    assert result.classification is Classification.PATHOGENIC
    text = " ".join(result.reasons)
    assert "AF_popmax 2e-05 <= 7e-05 (local gnomAD file g.vcf.gz)" in text
    assert "stop_gained (VCF CSQ (vep))" in text and "local ClinVar file c.vcf.gz" in text
    assert "points +15" in text

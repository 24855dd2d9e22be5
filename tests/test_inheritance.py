"""Truth tables for phase and the gene rules (AR, XL, AD, hypomorph, proximity)."""

from __future__ import annotations

import pytest
from factories import record, variant

from varhlh.inheritance.phase import phase_of_pair
from varhlh.inheritance.rules import rule_ad, rule_ar, rule_xl
from varhlh.models import Classification, DiagnosticWeight, Family, GeneCall, Phase, Sex, Strength
from varhlh.settings import Settings

S = Settings()
TRIO = Family(father="F", mother="M")
P, LP, VUS, RISK = (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC, Classification.UNCERTAIN,
                    Classification.RISK_ALLELE)
FULL, PARTIAL, HYPO, NONE = (DiagnosticWeight.FULL, DiagnosticWeight.PARTIAL, DiagnosticWeight.HYPOMORPH,
                             DiagnosticWeight.NONE)


def pair(gt_a: str, gt_b: str, **kw: object):  # type: ignore[no-untyped-def]
    ps_a, ps_b = kw.pop("ps_a", None), kw.pop("ps_b", None)
    fam_a, fam_b = kw.pop("fam_a", None), kw.pop("fam_b", None)
    a = variant(record(72358355, gt_a, ps=ps_a, family=fam_a, pgt=kw.get("pgt_a"), pid=kw.get("pid")))
    b = variant(record(72360210, gt_b, ps=ps_b, family=fam_b, pgt=kw.get("pgt_b"), pid=kw.get("pid")))
    return a, b


@pytest.mark.parametrize(
    ("gt_a", "gt_b", "kw", "family", "expected"),
    [
        # phased genotypes and phase sets
        ("0|1", "1|0", {"ps_a": "100", "ps_b": "100"}, Family(), Phase.TRANS),
        ("0|1", "0|1", {"ps_a": "100", "ps_b": "100"}, Family(), Phase.CIS),
        ("0|1", "1|0", {"ps_a": "100", "ps_b": "200"}, Family(), Phase.UNKNOWN),
        ("0|1", "1|0", {}, Family(), Phase.UNKNOWN),  # phased without PS: statistical phasing, not trusted
        ("0/1", "0/1", {}, Family(), Phase.UNKNOWN),  # unphased singleton
        ("0|1", "0/1", {"ps_a": "100"}, Family(), Phase.UNKNOWN),
        # GATK read-backed PGT/PID
        ("0/1", "0/1", {"pid": "x", "pgt_a": "0|1", "pgt_b": "1|0"}, Family(), Phase.TRANS),
        ("0/1", "0/1", {"pid": "x", "pgt_a": "0|1", "pgt_b": "0|1"}, Family(), Phase.CIS),
        # parents
        ("0/1", "0/1", {"fam_a": {"F": "0/1", "M": "0/0"}, "fam_b": {"F": "0/0", "M": "0/1"}}, TRIO, Phase.TRANS),
        ("0/1", "0/1", {"fam_a": {"F": "0/1", "M": "0/0"}, "fam_b": {"F": "0/1", "M": "0/0"}}, TRIO, Phase.CIS),
        ("0/1", "0/1", {"fam_a": {"F": "0/1", "M": "./."}, "fam_b": {"F": "0/0", "M": "0/1"}}, TRIO, Phase.UNKNOWN),
        ("0/1", "0/1", {"fam_a": {"F": "0/1", "M": "0/1"}, "fam_b": {"F": "0/0", "M": "0/1"}}, TRIO, Phase.UNKNOWN),
        ("0/1", "0/1", {"fam_a": {"F": "0/0", "M": "0/0"}, "fam_b": {"F": "0/0", "M": "0/1"}}, TRIO, Phase.UNKNOWN),
        ("0/1", "0/1", {"fam_a": {"F": "0/1"}, "fam_b": {"F": "0/0"}}, Family(father="F"), Phase.UNKNOWN),  # duo
        ("0/1", "0/1", {"fam_a": {"F": "0/1", "M": "0/1"}, "fam_b": {"F": "0/0", "M": "./1"}}, TRIO, Phase.UNKNOWN),
        # conflicting evidence: phase set says cis, parents say trans
        ("0|1", "0|1", {"ps_a": "1", "ps_b": "1", "fam_a": {"F": "0/1", "M": "0/0"},
                        "fam_b": {"F": "0/0", "M": "0/1"}}, TRIO, Phase.UNKNOWN),
    ],
)
def test_phase_truth_table(gt_a: str, gt_b: str, kw: dict, family: Family, expected: Phase) -> None:
    a, b = pair(gt_a, gt_b, **kw)
    result = phase_of_pair(a, b, family, S)
    assert result.phase is expected
    assert result.evidence, "every phase call names its evidence"


def test_multiallelic_1_2_is_trans() -> None:
    rec = record(72360214, "1/2", alts=("T", "G"))
    a, b = variant(rec, alt_index=1), variant(rec, alt_index=2)
    assert phase_of_pair(a, b, Family(), S).phase is Phase.TRANS
    result = rule_ar([a, b], Family(), S)
    assert (result.call, result.phase) == (GeneCall.BIALLELIC, Phase.TRANS)


def test_proximity_guard_flags_cis_even_when_phased_trans() -> None:
    a = variant(record(72358355, "0|1", ps="9"), hgvs_c="c.1122G>A")
    b = variant(record(72358357, "1|0", ps="9"), hgvs_c="c.1120T>G")
    result = phase_of_pair(a, b, Family(), S)
    assert result.phase is Phase.CIS
    assert "review" in result.evidence[0]
    assert rule_ar([a, b], Family(), S).call is GeneCall.MONOALLELIC


def ar(*specs):  # type: ignore[no-untyped-def]
    """specs: (gt, classification, weight, ps)."""
    out = []
    for i, (gt, cls, weight, ps) in enumerate(specs):
        out.append(variant(record(72350000 + 1000 * i, gt, ps=ps), classification=cls, weight=weight))
    return rule_ar(out, Family(), S)


@pytest.mark.parametrize(
    ("specs", "call", "phase", "strength"),
    [
        ([("1/1", P, FULL, None)], GeneCall.BIALLELIC, Phase.HOMOZYGOUS, Strength.CONFIRMED),
        ([("1/1", LP, PARTIAL, None)], GeneCall.BIALLELIC, Phase.HOMOZYGOUS, Strength.SUSPECTED),
        ([("0|1", P, FULL, "1"), ("1|0", P, FULL, "1")], GeneCall.BIALLELIC, Phase.TRANS, Strength.CONFIRMED),
        ([("0|1", P, FULL, "1"), ("1|0", LP, PARTIAL, "1")], GeneCall.BIALLELIC, Phase.TRANS, Strength.SUSPECTED),
        ([("0/1", P, FULL, None), ("0/1", P, FULL, None)], GeneCall.POSSIBLE_BIALLELIC, Phase.UNKNOWN,
         Strength.SUSPECTED),
        ([("0|1", P, FULL, "1"), ("0|1", P, FULL, "1")], GeneCall.MONOALLELIC, Phase.CIS, Strength.UNDETERMINED),
        ([("0/1", P, FULL, None)], GeneCall.MONOALLELIC, Phase.NOT_APPLICABLE, Strength.UNDETERMINED),
        # hypomorph (PRF1 A91V) rules
        ([("0|1", P, FULL, "1"), ("1|0", RISK, HYPO, "1")], GeneCall.BIALLELIC, Phase.TRANS, Strength.SUSPECTED),
        ([("0/1", P, FULL, None), ("0/1", RISK, HYPO, None)], GeneCall.POSSIBLE_BIALLELIC, Phase.UNKNOWN,
         Strength.SUSPECTED),
        ([("0|1", P, FULL, "1"), ("0|1", RISK, HYPO, "1")], GeneCall.MONOALLELIC, Phase.CIS, Strength.UNDETERMINED),
        ([("1/1", RISK, HYPO, None)], GeneCall.NONE, Phase.HOMOZYGOUS, Strength.UNDETERMINED),
        ([("0/1", RISK, HYPO, None)], GeneCall.NONE, Phase.NOT_APPLICABLE, Strength.UNDETERMINED),
        # a (rare) VUS counts only as a second allele of a qualifying one
        ([("0|1", P, FULL, "1"), ("1|0", VUS, NONE, "1")], GeneCall.BIALLELIC, Phase.TRANS, Strength.SUSPECTED),
        # without a qualifying allele, two VUS in a core gene: their own call, never a diagnosis
        ([("0/1", VUS, NONE, None), ("0/1", VUS, NONE, None)], GeneCall.BIALLELIC_VUS, Phase.UNKNOWN,
         Strength.UNDETERMINED),
        ([("0|1", VUS, NONE, "1"), ("1|0", VUS, NONE, "1")], GeneCall.BIALLELIC_VUS, Phase.TRANS,
         Strength.UNDETERMINED),
        ([("0|1", VUS, NONE, "1"), ("0|1", VUS, NONE, "1")], GeneCall.NONE, Phase.NOT_APPLICABLE,
         Strength.UNDETERMINED),
        ([("1/1", VUS, NONE, None)], GeneCall.BIALLELIC_VUS, Phase.HOMOZYGOUS, Strength.UNDETERMINED),
        ([("0/1", VUS, NONE, None)], GeneCall.NONE, Phase.NOT_APPLICABLE, Strength.UNDETERMINED),
        ([], GeneCall.NONE, Phase.NOT_APPLICABLE, Strength.UNDETERMINED),
    ],
)
def test_rule_ar_truth_table(specs: list, call: GeneCall, phase: Phase, strength: Strength) -> None:
    result = ar(*specs) if specs else rule_ar([variant(record(1, "0/0"))], Family(), S)
    assert (result.call, result.phase, result.strength) == (call, phase, strength)


def test_quality_flag_caps_biallelic_at_suspected() -> None:
    a = variant(record(72358355, "1/1"), flags=("low_GQ(5<20)",))
    result = rule_ar([a], Family(), S)
    assert (result.call, result.strength) == (GeneCall.BIALLELIC, Strength.SUSPECTED)
    assert any("orthogonal" in r for r in result.reasons)


def xl(gt: str, sex: Sex, zyg: str | None = None, cls: Classification = P):  # type: ignore[no-untyped-def]
    v = variant(record(123499636, gt, chrom="X"), gene="SH2D1A", classification=cls, zygosity_override=zyg)
    return rule_xl([v], sex, Family(), S)


@pytest.mark.parametrize(
    ("gt", "sex", "zyg", "call", "strength"),
    [
        ("1", Sex.MALE, None, GeneCall.HEMIZYGOUS, Strength.CONFIRMED),
        ("1/1", Sex.MALE, "hemi", GeneCall.HEMIZYGOUS, Strength.CONFIRMED),  # zygosity stage maps 1/1 -> hemi
        ("0/1", Sex.MALE, None, GeneCall.HETEROZYGOUS_XL, Strength.UNDETERMINED),  # flagged, never hemizygous
        ("0/1", Sex.FEMALE, None, GeneCall.HETEROZYGOUS_XL, Strength.UNDETERMINED),
        ("1/1", Sex.FEMALE, None, GeneCall.BIALLELIC, Strength.CONFIRMED),
        ("1", Sex.UNKNOWN, None, GeneCall.HEMIZYGOUS, Strength.CONFIRMED),
        ("1/1", Sex.UNKNOWN, None, GeneCall.BIALLELIC, Strength.CONFIRMED),
        ("0/1", Sex.UNKNOWN, None, GeneCall.HETEROZYGOUS_XL, Strength.UNDETERMINED),
        ("0", Sex.MALE, None, GeneCall.NONE, Strength.UNDETERMINED),
    ],
)
def test_rule_xl_truth_table(gt: str, sex: Sex, zyg: str | None, call: GeneCall, strength: Strength) -> None:
    result = xl(gt, sex, zyg)
    assert (result.call, result.strength) == (call, strength)


def test_xl_vus_hemizygous_is_not_a_diagnosis() -> None:
    result = xl("1", Sex.MALE, cls=VUS)
    assert (result.call, result.strength) == (GeneCall.BIALLELIC_VUS, Strength.UNDETERMINED)
    assert any("needed urgently" in r for r in result.reasons)


def test_xiap_female_carrier_note() -> None:
    v = variant(record(123020176, "0/1", chrom="X"), gene="XIAP")
    result = rule_xl([v], Sex.FEMALE, Family(), S)
    assert result.call is GeneCall.HETEROZYGOUS_XL
    assert any("mildly affected" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("cls", "call"),
    [(P, GeneCall.DOMINANT), (LP, GeneCall.DOMINANT), (VUS, GeneCall.NONE), (RISK, GeneCall.NONE)],
)
def test_rule_ad_truth_table(cls: Classification, call: GeneCall) -> None:
    v = variant(record(32449522, "0/1", chrom="2"), gene="NLRC4", classification=cls,
                weight=FULL if cls.is_pathogenic else NONE)
    assert rule_ad([v], S).call is call


def test_unaffected_sibling_with_same_genotype_is_evidence_against() -> None:
    from varhlh.inheritance.rules import gene_result

    v = variant(record(72358355, "1/1", family={"SIB": "1/1"}))
    result = gene_result([v], Sex.MALE, Family(unaffected_siblings=("SIB",)), S)
    assert any("unaffected sibling SIB" in r for r in result.reasons)


def test_phase_without_ps_is_trusted_only_when_configured() -> None:
    a, b = pair("0|1", "1|0")
    assert phase_of_pair(a, b, Family(), S.replace(trust_phase_without_ps=True)).phase is Phase.TRANS


def test_low_quality_parental_call_gives_unknown_transmission() -> None:
    from factories import call as make_call

    from varhlh.models import GenotypeCall, Zygosity

    a, b = pair("0/1", "0/1", fam_a={"F": "0/1", "M": "0/0"}, fam_b={"F": "0/0", "M": "0/1"})
    assert phase_of_pair(a, b, TRIO, S).phase is Phase.TRANS
    weak = make_call("0/0", sample="M", gq=3, dp=1)
    a = variant_with_family(a, {"M": GenotypeCall(Zygosity.REF, "0/0", weak)})
    result = phase_of_pair(a, b, TRIO, S)
    assert result.phase is Phase.UNKNOWN and any("low quality" in e for e in result.evidence)


def variant_with_family(v, updates):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(v, family={**v.family, **updates})


def test_split_multiallelic_site_is_trans_not_proximity_cis() -> None:
    a = variant(record(72360214, "1/0", alts=("T",)))
    b = variant(record(72360214, "0/1", alts=("G",)))
    assert phase_of_pair(a, b, Family(), S).phase is Phase.TRANS
    assert rule_ar([a, b], Family(), S).call is GeneCall.BIALLELIC


def test_two_qualifying_in_cis_do_not_hide_a_trans_vus() -> None:
    a = variant(record(72350000, "0|1", ps="1"))
    b = variant(record(72351000, "0|1", ps="1"))
    c = variant(record(72352000, "1|0", ps="1"), classification=VUS, weight=NONE)
    result = rule_ar([a, b, c], Family(), S)
    assert (result.call, result.phase, result.strength) == (GeneCall.BIALLELIC, Phase.TRANS, Strength.SUSPECTED)

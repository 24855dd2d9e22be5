"""varhlh.annotate.clinvar: tag detection, CLNSIG / CLNREVSTAT spellings 2013-2026, per-allele values.

The truth tables list every distinct CLNSIG and CLNREVSTAT value found in the ClinVar-bearing
files of the project's shared test data (ClinVar 2026-02-26 subset, ensembl-vep 2021 test set,
slivar 2019 slice, gemini 2013 legacy file, scout demo), plus spellings from other places that
the parser must survive. Record-level tests use the copies in tests/data/annotations.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from varhlh.annotate.clinvar import (
    SIGNIFICANCE_CLASSES,
    ClinVarFields,
    detect_fields,
    normalise_significance,
    read,
    stars,
    values_per_alt,
)
from varhlh.read.reader import FieldDef

DATA = Path(__file__).parent / "data" / "annotations"
_INFO_LINE = re.compile(
    r'##INFO=<ID=([^,>]+),Number=([^,>]+),Type=([^,>]+)(?:,Description="((?:[^"\\]|\\.)*)")?')


def read_vcf(name: str) -> tuple[dict[str, FieldDef], list[tuple[str, tuple[str, ...], dict[str, str]]]]:
    """Header INFO definitions and (POS, ALTs, INFO) of each record of a fixture."""
    opener = gzip.open if name.endswith(".gz") else open
    header: dict[str, FieldDef] = {}
    records = []
    with opener(DATA / name, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("##INFO="):
                m = _INFO_LINE.match(line)
                assert m is not None, line
                header[m.group(1)] = FieldDef(m.group(1), m.group(2), m.group(3), m.group(4) or "")
            elif not line.startswith("#"):
                f = line.rstrip("\n").split("\t")
                info = dict(kv.partition("=")[::2] for kv in f[7].split(";") if kv != ".")
                records.append((f[1], tuple(f[4].split(",")), info))
    return header, records


def field(tag: str, number: str = ".", type_: str = "String", description: str = "") -> FieldDef:
    return FieldDef(tag, number, type_, description)


# --------------------------------------------------------------------------- significance truth table

# (raw CLNSIG as written, expected class, where it was seen)
SEEN_CLNSIG = [
    ("Uncertain_significance", "uncertain", "ClinVar 2026, 2021, 2019"),
    ("Likely_benign", "likely_benign", "ClinVar 2026, 2021, 2019"),
    ("Pathogenic", "pathogenic", "ClinVar 2026, 2021, 2019"),
    ("Conflicting_classifications_of_pathogenicity", "conflicting", "ClinVar 2026"),
    ("Benign/Likely_benign", "benign_likely_benign", "ClinVar 2026, 2019"),
    ("Benign", "benign", "ClinVar 2026, 2021, 2019"),
    ("Likely_pathogenic", "likely_pathogenic", "ClinVar 2026, 2021"),
    ("Pathogenic/Likely_pathogenic", "pathogenic_likely_pathogenic", "ClinVar 2026"),
    ("other", "other", "ClinVar 2026"),
    ("not_provided", "not_provided", "ClinVar 2026, 2021"),
    ("Conflicting_interpretations_of_pathogenicity", "conflicting", "ClinVar 2019"),
    ("no_classification_for_the_single_variant", "not_provided", "ClinVar 2026"),
    ("Conflicting_classifications_of_pathogenicity|association|risk_factor", "conflicting", "ClinVar 2026"),
    ("drug_response", "drug_response", "ClinVar 2026"),
    ("Pathogenic/Likely_pathogenic/Pathogenic,_low_penetrance", "pathogenic_likely_pathogenic",
     "ClinVar 2026"),
    ("no_classifications_from_unflagged_records", "not_provided", "ClinVar 2026"),
    ("2", "benign", "scout demo (legacy numeric)"),
    ("1", "not_provided", "gemini 2013"),
    ("5", "pathogenic", "gemini 2013, scout demo"),
    ("3", "likely_benign", "scout demo"),
    ("4", "likely_pathogenic", "scout demo"),
    ("255", "other", "scout demo"),
    ("255|255|255", "other", "gemini 2013 (three RCVs)"),
    ("2,2", "benign", "gemini 2013 (CLNALLE=0,1; whole value)"),
    ("5|2", "conflicting", "scout demo (P and B submissions)"),
    ("5,255,2", "conflicting", "scout demo (single ALT, three RCVs)"),
    ("0,0", "uncertain", "scout demo"),
    ("Conflicting_classifications_of_pathogenicity", "conflicting", "VEP 113 custom ClinVar (scout)"),
    ("Uncertain_significance", "uncertain", "VEP 104 custom ClinVar (scout)"),
    ("Conflicting_interpretations_of_pathogenicity", "conflicting", "VEP 97 custom ClinVar (scout)"),
    ("missing", "not_provided", "Talos clinvar_sig placeholder"),
]

OTHER_CLNSIG = [
    # ClinGen low-penetrance and risk-allele terms
    ("Pathogenic,_low_penetrance", "low_penetrance"),
    ("Likely_pathogenic,_low_penetrance", "low_penetrance"),
    ("Pathogenic, low penetrance", "low_penetrance"),
    ("Established_risk_allele", "risk_factor"),
    ("Likely_risk_allele", "risk_factor"),
    ("Uncertain_risk_allele", "risk_factor"),
    ("Uncertain_significance/Uncertain_risk_allele", "risk_factor"),
    ("Likely_pathogenic/Likely_risk_allele", "likely_pathogenic"),
    # precedence: P/LP/B/LB/conflicting win over secondary terms
    ("Pathogenic|risk_factor", "pathogenic"),
    ("Pathogenic/Likely_pathogenic|drug_response", "pathogenic_likely_pathogenic"),
    ("Benign|association", "benign"),
    ("Likely_benign|other", "likely_benign"),
    ("Conflicting_classifications_of_pathogenicity|risk_factor", "conflicting"),
    ("Uncertain_significance|risk_factor", "uncertain"),
    ("risk_factor", "risk_factor"),
    ("risk_factor|drug_response", "risk_factor"),
    ("drug_response|other", "drug_response"),
    ("association", "other"),
    ("protective", "other"),
    ("Affects", "other"),
    ("confers_sensitivity", "other"),
    ("association_not_found", "other"),
    ("histocompatibility", "other"),
    ("not_provided|Pathogenic", "pathogenic"),
    # mixed germline terms across sides -> conflicting
    ("Pathogenic/Benign", "conflicting"),
    ("Likely_pathogenic|Uncertain_significance", "conflicting"),
    ("Uncertain_significance|Likely_benign", "conflicting"),
    ("Conflicting_data_from_submitters", "conflicting"),
    # spellings: spaces, case, separators, URL encoding, CLNSIGCONF-style counts
    ("Likely pathogenic", "likely_pathogenic"),
    ("likely_pathogenic", "likely_pathogenic"),
    ("PATHOGENIC", "pathogenic"),
    ("Pathogenic / Likely pathogenic", "pathogenic_likely_pathogenic"),
    ("Benign,Likely_benign", "benign_likely_benign"),
    ("Pathogenic;Likely_pathogenic", "pathogenic_likely_pathogenic"),
    ("Likely_benign(1)%3BUncertain_significance(1)", "conflicting"),
    ("Pathogenic(3)|Likely_pathogenic(1)", "pathogenic_likely_pathogenic"),
    # 2013 text codes (bcftools test/convert.gvcf.vcf header) and numeric codes
    ("probable-pathogenic", "likely_pathogenic"),
    ("probable-non-pathogenic", "likely_benign"),
    ("non-pathogenic", "benign"),
    ("unknown", "uncertain"),
    ("untested", "not_provided"),
    ("drug-response", "drug_response"),
    ("0", "uncertain"),
    ("6", "drug_response"),
    ("7", "other"),
    ("4|5", "pathogenic_likely_pathogenic"),
    ("5|6", "pathogenic"),
    ("2|3", "benign_likely_benign"),
    ("", "not_provided"),
    (".", "not_provided"),
    ("something_new_from_2030", "other"),
]


@pytest.mark.parametrize(("raw", "expected", "seen_in"), SEEN_CLNSIG)
def test_every_clnsig_spelling_seen_in_the_shared_data(raw: str, expected: str, seen_in: str) -> None:
    assert normalise_significance(raw) == expected, seen_in


@pytest.mark.parametrize(("raw", "expected"), OTHER_CLNSIG)
def test_other_clnsig_spellings(raw: str, expected: str) -> None:
    assert normalise_significance(raw) == expected


def test_no_real_germline_term_falls_through_to_other() -> None:
    germline = [raw for raw, expected, _ in SEEN_CLNSIG if expected == "other"]
    assert germline == ["other", "255", "255|255|255"]  # 'other' and legacy code 255 only
    assert {normalise_significance(raw) for raw, _, _ in SEEN_CLNSIG} <= set(SIGNIFICANCE_CLASSES)
    assert {normalise_significance(raw) for raw, _ in OTHER_CLNSIG} <= set(SIGNIFICANCE_CLASSES)


# --------------------------------------------------------------------------- review-status truth table

SEEN_CLNREVSTAT = [
    ("criteria_provided,_single_submitter", 1, "ClinVar 2026, 2021, 2019"),
    ("criteria_provided,_multiple_submitters,_no_conflicts", 2, "ClinVar 2026, 2019"),
    ("criteria_provided,_conflicting_classifications", 1, "ClinVar 2026"),
    ("reviewed_by_expert_panel", 3, "ClinVar 2026"),
    ("no_assertion_criteria_provided", 0, "ClinVar 2026, 2021, 2019"),
    ("no_classification_provided", 0, "ClinVar 2026"),
    ("single", 1, "scout demo (2014-2016 short codes)"),
    ("no_criteria", 0, "scout demo"),
    ("no_assertion_provided", 0, "ClinVar 2021"),
    ("criteria_provided,_conflicting_interpretations", 1, "ClinVar 2019"),
    ("no_classification_for_the_single_variant", 0, "ClinVar 2026"),
    ("conf", 1, "scout demo"),
    ("mult", 2, "scout demo"),
    ("no_classifications_from_unflagged_records", 0, "ClinVar 2026"),
    ("no_criteria|mult", 0, "scout demo (two RCVs: the lower count)"),
    ("single,single", 1, "scout demo"),
    ("single,conf,single", 1, "scout demo"),
    ("criteria_provided&_conflicting_classifications", 1, "VEP 113 custom ClinVar inside CSQ (scout)"),
    ("criteria_provided&_single_submitter", 1, "VEP 104 custom ClinVar inside CSQ (scout)"),
    ("_conflicting_interpretations", 1, "VEP 97 custom ClinVar inside CSQ (scout): prefix lost by VEP"),
]

OTHER_CLNREVSTAT = [
    ("practice_guideline", 4),
    ("guideline", 4),
    ("exp", 3),
    ("no_assertion", 0),
    ("criteria_provided,_multiple_submitters", 2),
    ("criteria provided, multiple submitters, no conflicts", 2),
    ("criteria_provided_,_single_submitter", 1),
    ("Criteria_Provided,_Single_Submitter", 1),
    ("criteria_provided%2C_single_submitter", 1),
    ("no_interpretation_for_the_single_variant", 0),
    ("reviewed_by_expert_panel|criteria_provided,_single_submitter", 1),
    ("classified_by_single_submitter", 1),
    ("classified_by_multiple_submitters", 2),
    ("not_classified_by_submitter", 0),
    ("something_else", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("raw", "expected", "seen_in"), SEEN_CLNREVSTAT)
def test_every_clnrevstat_spelling_seen_in_the_shared_data(raw: str, expected: int, seen_in: str) -> None:
    assert stars(raw) == expected, seen_in


@pytest.mark.parametrize(("raw", "expected"), OTHER_CLNREVSTAT)
def test_other_clnrevstat_spellings(raw: str | None, expected: int | None) -> None:
    assert stars(raw) == expected


# --------------------------------------------------------------------------- tag detection


@pytest.mark.parametrize(("name", "expected"), [
    ("slivar_clinvar_20191007.vcf.gz",
     ClinVarFields("CLNSIG", "CLNSIGCONF", "CLNREVSTAT", "ALLELEID", None, ".")),
    ("ensembl-vep_clinvar-testset.input.vcf.gz",
     ClinVarFields("CLNSIG", "CLNSIGCONF", "CLNREVSTAT", "ALLELEID", None, ".")),
    ("gemini_test.clinvar.vcf", ClinVarFields("CLNSIG", None, None, None, "CLNALLE", ".")),
    ("scout_643594_excerpt.vcf", ClinVarFields("CLNSIG", None, "CLNREVSTAT", None, None, ".")),
    ("slivar_comphet.csq.vcf", ClinVarFields("CLNSIG", None, None, None, None, ".")),
    ("constructed_prf1_w374x_four_dialects.vcf", ClinVarFields(None, None, None, None, None, ".")),
])
def test_detect_fields_on_real_headers(name: str, expected: ClinVarFields) -> None:
    header, _ = read_vcf(name)
    assert detect_fields(header) == expected


def test_detect_fields_2026_header_lines() -> None:
    """Header of the ClinVar 2026-02-26 VCF (tag names and Number/Type as published by NCBI)."""
    tags = ["ALLELEID", "CLNDN", "CLNDNINCL", "CLNDISDB", "CLNDISDBINCL", "CLNHGVS", "CLNREVSTAT", "CLNSIG",
            "CLNSIGCONF", "CLNSIGINCL", "CLNSIGSCV", "CLNVC", "CLNVCSO", "CLNVI", "ONCDN", "ONCREVSTAT",
            "ONCSCV", "SCIDN", "SCIREVSTAT", "SCISCV"]
    fields = detect_fields({t: field(t, "1" if t == "ALLELEID" else ".") for t in tags})
    assert fields == ClinVarFields("CLNSIG", "CLNSIGCONF", "CLNREVSTAT", "ALLELEID", None, ".")


@pytest.mark.parametrize(("tags", "expected"), [
    (["CLINVAR_CLNSIG", "CLINVAR_CLNREVSTAT", "CLINVAR_CLNVID"],
     ("CLINVAR_CLNSIG", None, "CLINVAR_CLNREVSTAT", "CLINVAR_CLNVID")),
    (["clinvar_clnsig", "clinvar_clnsigconf", "clinvar_clnrevstat"],
     ("clinvar_clnsig", "clinvar_clnsigconf", "clinvar_clnrevstat", None)),
    (["CLNSIG_CLINVAR", "CLNREVSTAT_CLINVAR"], ("CLNSIG_CLINVAR", None, "CLNREVSTAT_CLINVAR", None)),
    (["clinvar.CLNSIG", "clinvar.CLNREVSTAT"], ("clinvar.CLNSIG", None, "clinvar.CLNREVSTAT", None)),
    (["CLINVAR", "CLINVAR_CLNSIG", "CLINVAR_CLNREVSTAT"],
     ("CLINVAR_CLNSIG", None, "CLINVAR_CLNREVSTAT", "CLINVAR")),
    (["clinvar_sig", "clinvar_stars"], ("clinvar_sig", None, None, None)),  # Talos
    (["CLINVAR_CLNSIG", "CLNSIG"], ("CLNSIG", None, None, None)),  # the plain name wins
    (["CLNSIGINCL", "CLNSIGSCV", "ONCREVSTAT", "SCIREVSTAT", "CLNDN"], (None, None, None, None)),
    (["known_ClinVar_201907", "CLIN_SIG", "clinvar_pathogenic"], (None, None, None, None)),
    (["ALLELEID", "CLNVID"], (None, None, None, "CLNVID")),
])
def test_detect_fields_name_variants(tags: list[str], expected: tuple[str | None, ...]) -> None:
    fields = detect_fields({t: field(t) for t in tags})
    assert (fields.significance, fields.conflicting, fields.review_status, fields.variation_id) == expected


def test_flag_typed_tags_are_ignored() -> None:
    header = {"CLNSIG": field("CLNSIG", "0", "Flag"), "CLINVAR_CLNSIG": field("CLINVAR_CLNSIG")}
    fields = detect_fields(header)
    assert fields.significance == "CLINVAR_CLNSIG"


# --------------------------------------------------------------------------- read


def test_read_every_record_of_real_clinvar_files() -> None:
    files = (("slivar_clinvar_20191007.vcf.gz", 72), ("ensembl-vep_clinvar-testset.input.vcf.gz", 50))
    for name, count in files:
        header, records = read_vcf(name)
        fields = detect_fields(header)
        evidence = [read(info, fields, 1, values_per_alt(info, fields, len(alts)))
                    for _, alts, info in records]
        assert len(records) == count
        assert all(e is not None for e in evidence)
        assert all(e.stars is not None and e.source == "VCF INFO CLNSIG" for e in evidence if e)
        assert all(e.variation_id and e.variation_id.startswith("AlleleID:") for e in evidence if e)
        assert all(e.significance != "other" for e in evidence if e)


def test_read_modern_record_with_conflict_breakdown() -> None:
    header, records = read_vcf("slivar_clinvar_20191007.vcf.gz")
    fields = detect_fields(header)
    conflicted = [info for _, _, info in records if "CLNSIGCONF" in info]
    evidence = read(conflicted[0], fields, 1, False)
    assert evidence is not None
    assert evidence.significance == "conflicting"
    assert evidence.stars == 1
    assert evidence.review_status == "criteria_provided,_conflicting_interpretations"
    assert evidence.raw.startswith("Conflicting_interpretations_of_pathogenicity [CLNSIGCONF: ")
    assert "%3B" not in evidence.raw
    assert ";" in evidence.raw


def test_read_legacy_2013_records_with_clnalle() -> None:
    header, records = read_vcf("gemini_test.clinvar.vcf")
    fields = detect_fields(header)
    by_pos = {pos: info for pos, _, info in records}
    lyst = read(by_pos["235891375"], fields, 1, False)  # LYST rs80338665, Chediak-Higashi
    assert lyst is not None
    assert (lyst.significance, lyst.raw, lyst.stars) == ("pathogenic", "5", None)
    three = read(by_pos["1959699"], fields, 1, False)
    assert three is not None
    assert (three.significance, three.raw) == ("other", "255|255|255")
    two_alleles = next(info for _, _, info in records if info.get("CLNALLE") == "0,1")
    evidence = read(two_alleles, fields, 1, False)
    assert evidence is not None
    assert (evidence.significance, evidence.raw) == ("benign", "2")


def test_read_clnalle_maps_values_to_alleles() -> None:
    fields = ClinVarFields("CLNSIG", None, "CLNREVSTAT", None, "CLNALLE")
    info = {"CLNALLE": "2,1", "CLNSIG": "5|4,2", "CLNREVSTAT": "single|mult,exp"}
    first, second = read(info, fields, 1, False), read(info, fields, 2, False)
    assert first is not None
    assert (first.significance, first.stars) == ("benign", 3)
    assert second is not None
    assert (second.significance, second.raw, second.stars) == (
        "pathogenic_likely_pathogenic", "5|4", 1)
    assert read({"CLNALLE": "0", "CLNSIG": "2"}, fields, 1, False) is None  # about REF only
    assert read({"CLNALLE": "-1", "CLNSIG": "2"}, fields, 1, False) is None  # no allele found


def test_read_legacy_scout_multi_value_records() -> None:
    header, records = read_vcf("scout_643594_excerpt.vcf")
    fields = detect_fields(header)
    by_pos = {pos: (alts, info) for pos, alts, info in records}
    expected = {
        "156146640": ("conflicting", 0),  # CLNSIG=5|2, CLNREVSTAT=no_criteria|mult
        "11210912": ("conflicting", 1),  # CLNSIG=5,255,2 on a single ALT: three submissions, not three ALTs
        "210267893": ("uncertain", 1),  # CLNSIG=0,0
        "235840495": ("likely_benign", 1),  # LYST, CLNSIG=3, CLNREVSTAT=single
    }
    for pos, (significance, star_count) in expected.items():
        alts, info = by_pos[pos]
        evidence = read(info, fields, 1, values_per_alt(info, fields, len(alts)))
        assert evidence is not None, pos
        assert (evidence.significance, evidence.stars) == (significance, star_count), pos
    alts, info = by_pos["235826382"]
    assert read(info, fields, 1, False) is None  # LYST deletion without ClinVar fields


def test_read_per_alt_values() -> None:
    fields = ClinVarFields("CLNSIG", None, "CLNREVSTAT", "CLNVID", number="A")
    info = {"CLNSIG": "Pathogenic,Benign", "CLNREVSTAT": "criteria_provided,_single_submitter",
            "CLNVID": "12345"}
    first, second = read(info, fields, 1, True), read(info, fields, 2, True)
    assert first is not None
    assert second is not None
    assert (first.significance, first.stars, first.variation_id) == ("pathogenic", 1, "12345")
    assert (second.significance, second.stars, second.review_status) == (
        "benign", 1, "criteria_provided,_single_submitter")
    assert read({"CLNSIG": "Pathogenic,."}, fields, 2, True) is None
    assert read({"CLNSIG": "Pathogenic"}, fields, 2, True) is None  # one value for two ALTs: not attributable
    r_fields = ClinVarFields("CLNSIG", None, None, None, number="R")
    evidence = read({"CLNSIG": "Benign,Pathogenic,Likely_benign"}, r_fields, 1, False)
    assert evidence is not None
    assert evidence.significance == "pathogenic"


def test_values_per_alt() -> None:
    dot = ClinVarFields("CLNSIG", None, None, None)
    assert values_per_alt({"CLNSIG": "5,2"}, dot, 2)
    assert not values_per_alt({"CLNSIG": "5,255,2"}, dot, 1)
    assert not values_per_alt({"CLNSIG": "5,2"}, dot, 3)
    # the comma is part of the term
    assert not values_per_alt({"CLNSIG": "Pathogenic,_low_penetrance"}, dot, 2)
    assert values_per_alt({}, ClinVarFields("CLNSIG", None, None, None, number="A"), 1)
    info = {"CLNSIG": "5,2"}
    evidence = read(info, dot, 2, values_per_alt(info, dot, 2))
    assert evidence is not None
    assert evidence.significance == "benign"


def test_read_missing_and_absent_values() -> None:
    fields = ClinVarFields("CLNSIG", None, "CLNREVSTAT", "CLINVAR")
    assert read({}, fields, 1, False) is None
    assert read({"CLNSIG": "."}, fields, 1, False) is None
    assert read({"CLNSIG": ""}, fields, 1, False) is None
    assert read({"CLNSIG": "missing"}, fields, 1, False) is None
    assert read({"CLNREVSTAT": "single"}, fields, 1, False) is None
    assert read({"CLNSIG": "Pathogenic"}, ClinVarFields(None, None, None, None), 1, False) is None
    info = {"CLNSIG": "Pathogenic", "CLNREVSTAT": "weird", "CLINVAR": "Pathogenic"}
    evidence = read(info, fields, 1, False)
    assert evidence is not None
    assert evidence.stars is None
    assert evidence.variation_id is None


def test_read_prefixed_tags_and_source() -> None:
    header = {t: field(t) for t in ("CLINVAR", "CLINVAR_CLNSIG", "CLINVAR_CLNREVSTAT")}
    fields = detect_fields(header)
    info = {"CLINVAR": "316328", "CLINVAR_CLNSIG": "Conflicting_classifications_of_pathogenicity",
            "CLINVAR_CLNREVSTAT": "criteria_provided,_conflicting_classifications"}
    evidence = read(info, fields, 1, False)
    assert evidence is not None
    assert (evidence.significance, evidence.stars, evidence.variation_id, evidence.source) == (
        "conflicting", 1, "316328", "VCF INFO CLINVAR_CLNSIG")

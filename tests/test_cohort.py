"""Cohort mode (``--all-samples`` / ``--samples``): every sample's result equals its single-sample run.

The proof of the genotype-matrix path (varhlh/read/matrix.py, varhlh/cohort.py): for each sample of a real
trio fixture (GIAB Ashkenazi trio background, tests/data/README.md) and of a synthetic cohort with every
call shape (tests/cohort_vcf.py), the cohort JSON equals ``varhlh triage -s SAMPLE [--ped PED]``'s JSON
except ``run.command``, and the TSV is byte-identical; also with several chunks per query and with one or
two worker processes. By default only the samples with findings get files; a sample without findings gets the same
summary row as with ``--all-results`` (which analyses and writes every sample), and the same decision as its
single-sample run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cohort_vcf import FREQUENCY_HEADER, SAMPLES, SEX_WINDOW_SITES, cohort_vcf
from conftest import DATA

TRIO = DATA / "vcf" / "trio_prf1_comphet.vcf"
TRIO_PED = DATA / "ped" / "trio_prf1_comphet.ped"


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory, indexed) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    vcf, ped = cohort_vcf(tmp_path_factory.mktemp("cohort"))
    return indexed(vcf), ped


def _without_command(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "run": {k: v for k, v in data["run"].items() if k != "command"}}


def _summary(outdir: Path, prefix: str = "cohort") -> list[dict[str, str]]:
    lines = (outdir / f"{prefix}.varhlh_cohort.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def _assert_same_as_single(run_cli, vcf: Path, outdir: Path, samples: list[str], *extra: str) -> None:  # type: ignore[no-untyped-def]
    for sample in samples:
        single = run_cli("triage", str(vcf), "-s", sample, *extra)
        assert single.code == 0, single.err
        mine = json.loads((outdir / f"{sample}.varhlh.json").read_text())
        assert _without_command(mine) == _without_command(single.json(sample)), sample
        tsv = f"{sample}.varhlh.tsv"
        assert (outdir / tsv).read_bytes() == (single.outdir / tsv).read_bytes()


def test_trio_cohort_equals_single_runs(run_cli, indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf = indexed(TRIO)
    result = run_cli("triage", str(vcf), "--all-samples", "--ped", str(TRIO_PED), "-o", str(tmp_path / "c"))
    assert result.code == 0, result.err
    _assert_same_as_single(run_cli, vcf, tmp_path / "c", ["HG002", "HG003", "HG004"], "--ped", str(TRIO_PED))
    rows = {r["sample"]: r for r in _summary(tmp_path / "c")}
    assert rows["HG002"]["primary_hlh"] == "confirmed"
    assert rows["HG002"]["gene_calls"].startswith("PRF1:biallelic/trans")
    assert rows["HG002"]["affected"] == "yes"
    assert rows["HG003"]["affected"] == "no"


@pytest.mark.parametrize("chunk", [512, 3])
@pytest.mark.parametrize("threads", ["1", "2"])
def test_synthetic_cohort_equals_single_runs(run_cli, cohort, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                             chunk: int, threads: str) -> None:
    monkeypatch.setattr("varhlh.read.matrix.CHUNK_RECORDS", chunk)
    vcf, ped = cohort
    out = tmp_path / "c"
    result = run_cli("triage", str(vcf), "--all-samples", "--all-results", "--ped", str(ped), "--threads", threads,
                     "-o", str(out))
    assert result.code == 0, result.err
    _assert_same_as_single(run_cli, vcf, out, list(SAMPLES), "--ped", str(ped))
    assert [r["sample"] for r in _summary(out)] == list(SAMPLES)


def test_summary_and_family_handling(run_cli, cohort, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, ped = cohort
    out = tmp_path / "c"
    done = run_cli("triage", str(vcf), "--all-samples", "--ped", str(ped), "--prefix", "screen", "-o", str(out))
    assert done.code == 0, done.err
    rows = {r["sample"]: r for r in _summary(out, "screen")}
    assert rows["M1"]["primary_hlh"] == "confirmed"
    assert rows["M1"]["transplant_workup"] == "indicated"
    assert rows["M1"]["family"] == "famB"
    assert rows["M1"]["sex"] == "male"
    assert rows["F1"]["sex"] == "female"
    assert rows["F1"]["gene_calls"].startswith("PRF1:biallelic/trans")
    assert rows["R1"] == {**rows["R1"], "primary_hlh": "undetermined", "variants": "0", "reportable": "0",
                          "family": ".", "affected": "."}
    child = json.loads((out / "C1.varhlh.json").read_text())
    assert child["sample"]["family"]["father"] == "D1"
    assert child["sample"]["family"]["unaffected_siblings"] == ["U1"]
    assert any("GRANDMA" in w for w in child["warnings"])  # PED member absent from the VCF
    assert rows["U1"]["affected"] == "no"  # unaffected individuals get their own result too


def test_hom_ref_records_are_counted_not_listed(run_cli, cohort) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort
    data = run_cli("triage", str(vcf), "-s", "R1").json()
    assert data["variants"] == []
    assert data["counts"]["records_in_panel_regions"] == 0
    not_panel = 1 + len(SEX_WINDOW_SITES)  # the duplicate record; the sex-check windows' records
    assert data["counts"]["hom_ref_records"] == data["counts"]["records_read"] - not_panel
    partial = run_cli("triage", str(vcf), "-s", "P1").json()
    shapes = {v["genotype"] for v in [*partial["variants"], *partial["set_aside"]]}
    assert {"./1", "./.", "1/2"} <= shapes  # no-calls and partial calls are listed, never taken for reference


def test_samples_file_selects_and_checks(run_cli, cohort, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort
    chosen = tmp_path / "samples.txt"
    chosen.write_text("# first batch\nP1\n\nM1\n")
    out = tmp_path / "c"
    assert run_cli("triage", str(vcf), "--samples", str(chosen), "-o", str(out)).code == 0
    assert [r["sample"] for r in _summary(out)] == ["M1", "P1"]  # VCF order
    assert sorted(p.name for p in out.glob("*.varhlh.json")) == ["M1.varhlh.json", "P1.varhlh.json"]
    chosen.write_text("M1\nNOBODY\n")
    refused = run_cli("triage", str(vcf), "--samples", str(chosen), "-o", str(tmp_path / "d"))
    assert refused.code == 3
    assert "NOBODY" in refused.err
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize(("extra", "message"), [
    (["-s", "M1"], "-s/--sample"),
    (["--sex", "male"], "--sex"),
])
def test_cohort_usage_conflicts(run_cli, cohort, extra: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort
    result = run_cli("triage", str(vcf), "--all-samples", *extra)
    assert result.code == 2
    assert message in result.err


def test_cohort_needs_an_indexed_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort_vcf(tmp_path)
    result = run_cli("triage", str(vcf), "--all-samples", "-o", str(tmp_path / "c"))
    assert result.code == 3
    assert "needs an index" in result.err
    assert "bcftools index" in result.err


def test_sample_names_that_collide_as_file_names_are_refused(run_cli, indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort_vcf(tmp_path)
    text = vcf.read_text().replace("\tM1\tF1\t", "\tA B\tA_B\t", 1)
    renamed = tmp_path / "renamed.vcf"
    renamed.write_text(text)
    result = run_cli("triage", str(indexed(renamed)), "--all-samples", "-o", str(tmp_path / "c"))
    assert result.code == 3
    assert "'A B' and 'A_B'" in result.err


def test_unwritable_output_is_refused_before_reading(run_cli, cohort, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_cli("triage", str(vcf), "--all-samples", "-o", str(blocker / "sub"))
    assert result.code == 6
    assert "cannot create the output directory" in result.err
    assert "genotypes" not in result.err  # refused before the genotypes were read


def test_bcf_with_csi_index_equals_single_runs(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pysam import bcftools

    vcf, ped = cohort_vcf(tmp_path)
    bcf = tmp_path / "cohort.bcf"
    bcftools.view("-Ob", "-o", str(bcf), str(vcf), catch_stdout=False)
    bcftools.index(str(bcf), catch_stdout=False)  # .csi
    assert (tmp_path / "cohort.bcf.csi").is_file()
    out = tmp_path / "c"
    result = run_cli("triage", str(bcf), "--all-samples", "--ped", str(ped), "-o", str(out))
    assert result.code == 0, result.err
    _assert_same_as_single(run_cli, bcf, out, ["M1", "F1", "C1"], "--ped", str(ped))


def _findings(data: dict[str, Any]) -> bool:
    """docs/pipelines.md: a reportable allele, a carried allele not assessed, or a gene call other than none."""
    return bool(data["counts"]["reportable"] or data["counts"]["not_assessed"]
                or any(g["call"] != "none" for g in data["genes"]))


def _with_frequency_header(path: Path, directory: Path) -> Path:
    """A copy with a frequency field declared, under its own name (``indexed`` caches by file name)."""
    lines = path.read_text().splitlines(keepends=True)
    target = directory / f"{path.stem}_frequency_header.vcf"
    target.write_text("".join([lines[0], FREQUENCY_HEADER + "\n", *lines[1:]]))
    return target


@pytest.mark.parametrize("fixture", ["synthetic", "trio"])
def test_samples_without_findings_get_their_row_and_no_files(run_cli, indexed, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                               fixture: str) -> None:
    if fixture == "synthetic":
        vcf, ped = cohort_vcf(tmp_path, frequency_header=True)
        vcf = vcf.rename(tmp_path / "cohort_frequency_header.vcf")  # ``indexed`` caches by file name
        samples, background = list(SAMPLES), {"R1", "B1"}
    else:
        vcf, ped = _with_frequency_header(TRIO, tmp_path), TRIO_PED
        samples, background = ["HG002", "HG003", "HG004"], set()
    vcf = indexed(vcf)
    every = run_cli("triage", str(vcf), "--all-samples", "--all-results", "--ped", str(ped), "-o", str(tmp_path / "a"))
    assert every.code == 0, every.err
    default = run_cli("triage", str(vcf), "--all-samples", "--ped", str(ped), "-v", "-o", str(tmp_path / "a"))
    assert default.code == 0, default.err
    assert f"{len(background)} background-only" in default.err
    rows = {r["sample"]: r for r in _summary(tmp_path / "a")}
    for sample in samples:
        single = run_cli("triage", str(vcf), "-s", sample, "--ped", str(ped))
        assert single.code == 0, single.err
        data, row = single.json(sample), rows[sample]
        findings = _findings(data)
        assert findings == (sample not in background), sample
        assert (tmp_path / "a" / f"{sample}.varhlh.json").exists() == findings, sample  # an earlier run's removed
        assert row["result"] == (f"{sample}.varhlh.json" if findings else "."), sample
        assert (row["primary_hlh"], row["transplant_workup"], row["sex"], row["reportable"], row["variants"],
                row["warnings"], row["completeness"]) == (
            data["conclusion"]["primary_hlh"], data["conclusion"]["transplant_workup"], data["sample"]["sex"],
            str(data["counts"]["reportable"]), str(len(data["variants"]) + len(data["set_aside"])),
            str(len(data["warnings"])),
            data["completeness"]["verdict"]), sample
        assert row["gene_calls"] == (";".join(f"{g['symbol']}:{g['call']}/{g['phase']}" for g in data["genes"]
                                              if g["call"] != "none") or "."), sample
    for sample in background:
        assert not _findings(run_cli("triage", str(vcf), "-s", sample, "--ped", str(ped)).json(sample))
    if fixture == "synthetic":
        assert rows["B1"]["sex"] == "male" and int(rows["B1"]["variants"]) > 0


def test_all_results_needs_a_cohort(run_cli, cohort) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort
    result = run_cli("triage", str(vcf), "-s", "M1", "--all-results")
    assert result.code == 2
    assert "--all-results applies to a cohort run" in result.err


# ------------------------------------------------------------------------------- shared classifications


@pytest.mark.parametrize("gt", ["0/1", "1|0", "1/1", "0/0", "./."])
def test_first_pass_classification_is_shared_by_zygosity_and_equals_a_fresh_one(gt: str) -> None:
    """The cohort classifies an allele once per zygosity (pipeline.first_pass) and every sample reads that: this
    holds only because ``classify`` reads the genotype through its zygosity alone — another genotype string,
    phase, GQ or DP of the same zygosity must give the same interpretation."""
    from factories import ABSENT, PANEL, call

    from varhlh.classify.acmg import classify
    from varhlh.genotype.zygosity import allele_zygosity
    from varhlh.models import Allele, Annotation, GenotypeCall, VcfRecord
    from varhlh.pipeline import first_pass
    from varhlh.settings import Settings

    record = VcfRecord("10", 72360387, 72360387, None, "C", ("T",), 50.0, (), {}, {})
    allele = Allele("10-72360387-C-T", record, 1, PANEL.gene("PRF1"))
    settings = Settings()
    for consequence in ("stop_gained", "missense_variant", "intron_variant"):
        annotation = Annotation(consequence, None, None, "c.1122G>A", None, "test", frequency=ABSENT)
        first = call(gt, gq=99, dp=40)
        zygosity = allele_zygosity(first.alleles, 1)
        cache: dict = {}  # type: ignore[type-arg]
        shared = first_pass(cache, allele, annotation, GenotypeCall(zygosity, gt, first), settings)
        other = call(gt.replace("/", "|") if "/" in gt else gt.replace("|", "/"), sample="Q", gq=5, dp=3)
        again = first_pass(cache, allele, annotation, GenotypeCall(zygosity, other.genotype, other, ("low_gq",)),
                           settings)
        assert again is shared and list(cache) == [(allele.id, zygosity)]
        assert classify(allele, annotation, GenotypeCall(zygosity, other.genotype, other), settings) == shared

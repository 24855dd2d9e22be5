"""Cohort tables (``--all-samples``) and the notebook API (:mod:`varhlh.api`), both built with pandas.

pandas is off the hot path: a single-sample triage never imports it (nor pyarrow), whatever the formats.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

from varhlh.report.cohort_tables import ALLELE_COLUMNS, SAMPLE_COLUMNS

TRIO = DATA / "vcf" / "trio_prf1_comphet.vcf"
TRIO_PED = DATA / "ped" / "trio_prf1_comphet.ped"


def _tsv(path: Path) -> list[dict[str, str]]:
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


@pytest.fixture(scope="module")
def trio_cohort(tmp_path_factory: pytest.TempPathFactory, indexed) -> Path:  # type: ignore[no-untyped-def]
    from varhlh.cli import main

    out = tmp_path_factory.mktemp("cohort")
    assert main(["triage", str(indexed(TRIO)), "--all-samples", "--ped", str(TRIO_PED), "--prefix", "screen",
                 "-o", str(out), "-q"]) == 0
    return out


def test_cohort_writes_sample_and_allele_tables(trio_cohort: Path) -> None:
    samples = _tsv(trio_cohort / "screen.varhlh_cohort.tsv")
    alleles = _tsv(trio_cohort / "screen.varhlh_cohort_alleles.tsv")
    assert list(samples[0]) == [name for name, _ in SAMPLE_COLUMNS]
    assert list(alleles[0]) == [name for name, _ in ALLELE_COLUMNS]
    assert [r["sample"] for r in samples] == ["HG002", "HG003", "HG004"]
    for row in samples:
        data = json.loads((trio_cohort / row["result"]).read_text())
        reportable = [v for v in data["variants"] if v["reportable"]]
        mine = [a for a in alleles if a["sample"] == row["sample"]]
        assert [a["variant_id"] for a in mine] == [v["id"] for v in reportable]
        assert int(row["reportable"]) == len(reportable)
        assert row["primary_hlh"] == data["conclusion"]["primary_hlh"]
        missing = [g["symbol"] for g in data["completeness"]["genes"] if not g["assessable"]]
        assert row["completeness"] == data["completeness"]["verdict"]
        assert row["genes_incomplete"] == (",".join(missing) or ".")
        assert row["panel"] == f"{data['panel']['name']} {data['panel']['version']}"
    proband = next(a for a in alleles if a["sample"] == "HG002" and a["gene"] == "PRF1")
    assert (proband["gene_call"], proband["gene_phase"]) == ("biallelic", "trans")
    assert proband["reportable"] == "yes"


def test_parquet_tables_equal_the_tsv(trio_cohort: Path) -> None:
    pytest.importorskip("pyarrow", reason="the parquet extra is not installed")
    import pandas as pd

    for name in ("varhlh_cohort", "varhlh_cohort_alleles"):
        table = pd.read_parquet(trio_cohort / f"screen.{name}.parquet")
        text = pd.read_csv(trio_cohort / f"screen.{name}.tsv", sep="\t", dtype=str, keep_default_na=False)
        assert list(table.columns) == list(text.columns)
        assert table.astype("string").fillna(".").astype(str).values.tolist() == text.values.tolist()
    samples = pd.read_parquet(trio_cohort / "screen.varhlh_cohort.parquet")
    assert str(samples["reportable"].dtype) == "Int64"
    assert samples["completeness"].notna().all() and str(samples["completeness"].dtype) == "string"


def test_without_pyarrow_the_tables_are_tsv_only(run_cli, indexed, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("varhlh.report.cohort_tables.parquet_available", lambda: False)
    run = run_cli("triage", str(indexed(TRIO)), "--all-samples", "-o", str(tmp_path / "c"))
    assert run.code == 0, run.err
    assert sorted(p.name for p in (tmp_path / "c").glob("cohort.*")) == ["cohort.varhlh_cohort.tsv",
                                                                         "cohort.varhlh_cohort_alleles.tsv"]


def test_api_loads_results_into_dataframes(trio_cohort: Path) -> None:
    from varhlh import api

    docs = api.load([trio_cohort])
    assert [d.sample.id for d in docs] == ["HG002", "HG003", "HG004"]
    samples = api.samples([trio_cohort])
    cohort = _tsv(trio_cohort / "screen.varhlh_cohort.tsv")
    assert list(samples.columns) == [name for name, _ in SAMPLE_COLUMNS]
    for (_, row), written in zip(samples.iterrows(), cohort, strict=True):
        for column in ("sample", "sex", "primary_hlh", "transplant_workup", "genes", "gene_calls", "reportable",
                       "variants", "warnings", "panel", "genome_build"):
            value = row[column]
            assert ("." if value is None or value is pd_na() else str(value)) == written[column], column
        assert str(row["result"]).endswith(written["result"])
    alleles = api.alleles(docs)
    assert len(alleles) == sum(d.counts.reportable for d in docs)
    everything = api.alleles(docs, reportable_only=False)
    assert len(everything) == sum(d.counts.records_in_panel_regions for d in docs)  # full and compact
    genes = api.genes(docs)
    assert ("HG002", "PRF1", "biallelic", "trans") in {
        (r.sample, r.gene, r.call, r.phase) for r in genes.itertuples()}


def pd_na() -> object:
    import pandas as pd

    return pd.NA


def test_api_refuses_what_is_not_a_result(tmp_path: Path) -> None:
    from varhlh import api
    from varhlh.errors import InputError

    (tmp_path / "x.varhlh.json").write_text(json.dumps({"not": "a result"}))
    with pytest.raises(InputError, match=r"x\.varhlh\.json"):
        api.samples([tmp_path])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \*\.varhlh\.json"):
        api.load([tmp_path / "empty"])


def test_single_sample_triage_never_imports_pandas(tmp_path: Path) -> None:
    code = (
        "import sys; from varhlh.cli import main; "
        f"rc = main(['triage', {str(DATA / 'vcf' / 'prf1_carrier.vcf')!r}, '-o', {str(tmp_path)!r}, '-q', "
        "'--format', 'json,tsv,vcf,multiqc']); "
        "print(rc, sorted(m for m in ('pandas', 'pyarrow', 'varhlh.report.cohort_tables', 'varhlh.api') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "[]"]

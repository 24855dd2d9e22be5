"""MultiQC custom content (``--format multiqc``): the real ``multiqc`` run on varhlh outputs of three samples."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from outputs_support import expected, run_case

from varhlh.panel import load_panel
from varhlh.report.multiqc import GENERAL_COLUMNS, TABLE_COLUMNS, general_stats, results_table

# Three golden cases with three different samples and three different decisions.
COHORT = {
    "prf1_comphet_unphased": "NA12878",  # suspected, consider
    "trio_prf1_cis": "HG002",  # undetermined
    "xlp1_male_hemizygous": "37165",  # confirmed, indicated; a number-like sample name
}


def test_sections_for_one_sample(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_case(run_cli, "prf1_hom_w374x", "json,multiqc")
    data = run.json()
    stats = json.loads((run.outdir / "NA12878.varhlh_mqc.json").read_text())
    table = json.loads((run.outdir / "NA12878.varhlh_results_mqc.json").read_text())
    assert stats == general_stats(data)
    assert table == results_table(data)
    assert stats["plot_type"] == "generalstats"
    assert table["plot_type"] == "table"
    assert [next(iter(c)) for c in stats["pconfig"]] == [k for k, _ in GENERAL_COLUMNS]
    assert stats["data"] == {"NA12878": {"primary_hlh": "confirmed", "transplant_workup": "indicated",
                                         "genes": "PRF1", "reportable": 1, "panel_version": f"varhlh-hlh {load_panel(None).version}"}}
    row = table["data"]["NA12878"]
    assert set(row) == {k for k, _, _ in TABLE_COLUMNS}
    assert row["gene_calls"] == "PRF1 biallelic (homozygous)"
    assert row["reportable_alleles"] == "PRF1 c.1122G&gt;A (hom, pathogenic)"  # MultiQC renders cells as HTML


@pytest.mark.skipif(importlib.util.find_spec("multiqc") is None,
                    reason="multiqc is not installed (pip install 'varhlh[test]')")
def test_real_multiqc_collects_the_varhlh_section(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    results = tmp_path / "results"
    for name in COHORT:
        run_case(run_cli, name, "json,tsv,multiqc", outdir=results)
    report = tmp_path / "report"
    done = subprocess.run([sys.executable, "-m", "multiqc", str(results), "-o", str(report), "--no-ansi",
                           "--no-version-check", "--force"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (report / "multiqc_report.html").is_file()
    data_dir = report / "multiqc_data"
    with (data_dir / "multiqc_general_stats.txt").open() as fh:
        rows = {row["Sample"]: row for row in csv.DictReader(fh, delimiter="\t")}
    assert set(rows) == set(COHORT.values())
    with (data_dir / "multiqc_varhlh_results_table.txt").open() as fh:
        table = {row["Sample"]: row for row in csv.DictReader(fh, delimiter="\t")}
    assert set(table) == set(COHORT.values())
    for name, sample in COHORT.items():
        golden = expected(name)
        conclusion = golden["conclusion"]
        row = {key.split("-", 1)[1]: value for key, value in rows[sample].items() if "varhlh" in key}
        assert row["primary_hlh"] == conclusion["primary_hlh"], sample
        assert row["transplant_workup"] == conclusion["transplant_workup"], sample
        assert row["genes"] == (", ".join(conclusion["genes"]) or "none"), sample
        assert float(row["reportable"]) == golden["counts"]["reportable"], sample
        assert row["panel_version"] == f"varhlh-hlh {load_panel(None).version}"
        assert table[sample]["primary_hlh"] == conclusion["primary_hlh"]
        assert int(float(table[sample]["alleles_in_panel"])) == golden["counts"]["records_in_panel_regions"]

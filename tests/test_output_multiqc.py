"""MultiQC custom content (``--format multiqc``): the real ``multiqc`` run on varhlh outputs.

Rows are keyed by the output prefix (the VCF sample is a column): two results whose VCFs name the same
sample stay two rows. No key or cell can carry markup: a sample named ``<img src=x onerror=alert(1)>`` is
shown as text in MultiQC's report (checked in the HTML and, when Chromium is installed, in the browser).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from outputs_support import expected, run_case

from varhlh.panel import load_panel
from varhlh.report.multiqc import GENERAL_COLUMNS, TABLE_COLUMNS, general_stats, results_table
from varhlh.report.stored import load_result

XSS_NAME = "<img src=x onerror=alert(1)>"
needs_multiqc = pytest.mark.skipif(importlib.util.find_spec("multiqc") is None,
                                   reason="multiqc is not installed (pip install 'varhlh[test]')")


def _multiqc(results: Path, report: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "multiqc", str(results), "-o", str(report), "--no-ansi",
                           "--no-version-check", "--force"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (report / "multiqc_report.html").is_file()
    return report / "multiqc_data"


def _table(path: Path) -> dict[str, dict[str, str]]:
    with path.open() as fh:
        return {row["Sample"]: row for row in csv.DictReader(fh, delimiter="\t")}


def _general(data_dir: Path) -> dict[str, dict[str, str]]:
    return {sample: {key.split("-", 1)[1]: value for key, value in row.items() if "varhlh" in key}
            for sample, row in _table(data_dir / "multiqc_general_stats.txt").items()}

# Three golden cases with three different samples and three different decisions.
COHORT = {
    "prf1_comphet_unphased": "NA12878",  # suspected, consider
    "trio_prf1_cis": "HG002",  # undetermined
    "xlp1_male_hemizygous": "37165",  # confirmed, indicated; a number-like sample name
}


def test_sections_for_one_sample(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_case(run_cli, "prf1_hom_w374x", "json,multiqc")
    doc = load_result(run.outdir / "NA12878.varhlh.json")
    stats = json.loads((run.outdir / "NA12878.varhlh_mqc.json").read_text())
    table = json.loads((run.outdir / "NA12878.varhlh_results_mqc.json").read_text())
    assert stats == general_stats(doc, "NA12878")
    assert table == results_table(doc, "NA12878")
    assert stats["plot_type"] == "generalstats"
    assert table["plot_type"] == "table"
    assert [next(iter(c)) for c in stats["pconfig"]] == [k for k, _ in GENERAL_COLUMNS]
    assert stats["data"] == {"NA12878": {"primary_hlh": "confirmed", "transplant_workup": "indicated",
                                         "genes": "PRF1", "reportable": 1, "vcf_sample": "NA12878",
                                         "panel_version": f"varhlh-hlh {load_panel(None).version}"}}
    row = table["data"]["NA12878"]
    assert set(row) == {k for k, _, _ in TABLE_COLUMNS}
    assert row["gene_calls"] == "PRF1 biallelic (homozygous)"
    assert row["reportable_alleles"] == "PRF1 c.1122G&gt;A (hom, pathogenic)"  # MultiQC renders cells as HTML
    decision = table["headers"]["primary_hlh"]
    assert decision["cond_formatting_rules"]["varhlh_red"] == [{"s_eq": "confirmed"}, {"s_eq": "indicated"}]
    assert {next(iter(c)) for c in decision["cond_formatting_colours"]} == set(decision["cond_formatting_rules"])
    pconfig = dict(next(iter(c.items())) for c in stats["pconfig"])
    assert "cond_formatting_rules" in pconfig["transplant_workup"]


def test_rows_are_keyed_by_the_prefix(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf = DATA / "vcf" / "prf1_hom_w374x.vcf"
    for prefix in ("run_a", "run_b"):
        assert run_cli("triage", str(vcf), "--prefix", prefix, "--format", "multiqc", "-o", str(tmp_path)).code == 0
    for prefix in ("run_a", "run_b"):
        for name in ("varhlh_mqc.json", "varhlh_results_mqc.json"):
            section = json.loads((tmp_path / f"{prefix}.{name}").read_text())
            assert list(section["data"]) == [prefix]
            assert section["data"][prefix]["vcf_sample"] == "NA12878"


def _evil(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = (DATA / "vcf" / "prf1_hom_w374x.vcf").read_text()
    header = next(line for line in text.splitlines() if line.startswith("#CHROM"))
    target = directory / "evil.vcf"
    target.write_text(text.replace(header, "\t".join([*header.split("\t")[:-1], XSS_NAME])))
    return target


def _keys(section: dict[str, Any]) -> list[str]:
    keys = list(section["data"])
    keys += [k for row in section["data"].values() for k in row]
    keys += list(section.get("headers", {}))
    keys += [k for column in section["pconfig"] for k in column] if isinstance(section["pconfig"], list) else []
    return keys


def test_markup_in_the_sample_name_is_never_a_key_or_raw_text(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(_evil(tmp_path / "in")), "--format", "json,multiqc")
    assert run.code == 0, run.err
    for path in sorted(run.outdir.glob("*_mqc.json")):
        section = json.loads(path.read_text())
        assert all(re.fullmatch(r"[A-Za-z0-9._-]+", key) for key in _keys(section)), _keys(section)
        (row,) = section["data"].values()
        assert row["vcf_sample"] == "&lt;img src=x onerror=alert(1)&gt;"
        assert "<" not in path.read_text()


@pytest.mark.slow
@needs_multiqc
def test_real_multiqc_collects_the_varhlh_section(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    results = tmp_path / "results"
    for name in COHORT:
        run_case(run_cli, name, "json,tsv,multiqc", outdir=results)
    data_dir = _multiqc(results, tmp_path / "report")
    rows = _general(data_dir)
    assert set(rows) == set(COHORT.values())
    table = _table(data_dir / "multiqc_varhlh_results_table.txt")
    assert set(table) == set(COHORT.values())
    html_text = (tmp_path / "report" / "multiqc_report.html").read_text()
    assert 'style="background-color:#d9534f">confirmed</span>' in html_text  # the decision badge
    for name, sample in COHORT.items():
        golden = expected(name)
        conclusion = golden["conclusion"]
        row = rows[sample]
        assert row["vcf_sample"] == sample
        assert row["primary_hlh"] == conclusion["primary_hlh"], sample
        assert row["transplant_workup"] == conclusion["transplant_workup"], sample
        assert row["genes"] == (", ".join(conclusion["genes"]) or "none"), sample
        assert float(row["reportable"]) == golden["counts"]["reportable"], sample
        assert row["panel_version"] == f"varhlh-hlh {load_panel(None).version}"
        assert table[sample]["primary_hlh"] == conclusion["primary_hlh"]
        assert int(float(table[sample]["alleles_in_panel"])) == golden["counts"]["records_in_panel_regions"]


@pytest.mark.slow
@needs_multiqc
def test_two_results_of_the_same_vcf_sample_are_two_rows(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Five VCFs naming their sample NA12878 used to collapse into one MultiQC row."""
    results = tmp_path / "results"
    runs = {"patient_a": "prf1_hom_w374x.vcf", "patient_b": "prf1_carrier.vcf"}  # both name NA12878
    for prefix, vcf in runs.items():
        done = run_cli("triage", str(DATA / "vcf" / vcf), "--prefix", prefix, "--format", "json,multiqc",
                       "-o", str(results / prefix))
        assert done.code == 0, done.err
    data_dir = _multiqc(results, tmp_path / "report")
    rows = _general(data_dir)
    assert set(rows) == set(runs)
    assert {row["vcf_sample"] for row in rows.values()} == {"NA12878"}
    assert (rows["patient_a"]["primary_hlh"], rows["patient_b"]["primary_hlh"]) == ("confirmed", "undetermined")
    assert set(_table(data_dir / "multiqc_varhlh_results_table.txt")) == set(runs)


@pytest.mark.slow
@needs_multiqc
def test_markup_in_the_sample_name_does_not_run_in_multiqc(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 15 item 9: the sample name is text in MultiQC's report (MultiQC writes keys and cells unescaped)."""
    results = tmp_path / "results"
    assert run_cli("triage", str(_evil(tmp_path / "in")), "--format", "json,multiqc", "-o", str(results)).code == 0
    data_dir = _multiqc(results, tmp_path / "report")
    report = tmp_path / "report" / "multiqc_report.html"
    page = report.read_text()
    assert XSS_NAME not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert set(_general(data_dir)) == {"img_src_x_onerror_alert_1"}
    from report_helpers import chromium_path

    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found (apt-get install chromium); the HTML itself was checked")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed; the HTML itself was checked")
    from test_report_browser import CHROMIUM_ARGS

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            tab.goto(report.as_uri(), wait_until="load")
            tab.wait_for_timeout(500)
            injected = tab.evaluate("() => document.querySelectorAll('img[onerror]').length")
            shown = tab.evaluate("() => document.body.innerText.includes('<img src=x onerror=alert(1)>')")
        finally:
            browser.close()
    assert dialogs == [], "no script ran"
    assert injected == 0, "no element was made from the name"
    assert shown, "the name is shown as text"

"""Workflow engines: the Snakemake workflow run for real, and the nf-core module's meta.yml against main.nf.

The Snakemake test runs the real ``snakemake`` (local, ``--cores 2``, no conda or containers) on three
fixtures with distinct VCF sample IDs (MultiQC keys rows by sample ID) and checks the per-sample outputs
and the MultiQC report. Nextflow is not run (it would need network access); the module's metadata is
checked against its process definition instead.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

pytestmark = pytest.mark.slow

SNAKEFILE = ROOT / "workflows" / "snakemake" / "workflow" / "Snakefile"
MODULE = ROOT / "workflows" / "nf-core" / "varhlh" / "triage"
SHEET = (  # label, VCF, PED, VCF sample; expected decision
    ("fhl2_hom", DATA / "vcf" / "prf1_hom_w374x.vcf", None, None, "NA12878", "confirmed"),
    ("trio_child", DATA / "vcf" / "trio_prf1_comphet.vcf", DATA / "ped" / "trio_prf1_comphet.ped", "HG002", "HG002",
     "confirmed"),
    ("xlp1", DATA / "vcf" / "xlp1_male_hemizygous.vcf", DATA / "ped" / "xlp1_male_hemizygous.ped", None, "37165",
     "confirmed"),
)


def _tools() -> dict[str, str | None]:
    bindir = Path(sys.executable).parent
    return {name: shutil.which(name, path=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
            for name in ("snakemake", "varhlh", "multiqc")}


@pytest.mark.skipif(importlib.util.find_spec("snakemake") is None or _tools()["snakemake"] is None,
                    reason="snakemake is not installed (pip install 'varhlh[test]')")
@pytest.mark.skipif(importlib.util.find_spec("multiqc") is None or _tools()["multiqc"] is None,
                    reason="multiqc is not installed (pip install 'varhlh[test]')")
@pytest.mark.skipif(_tools()["varhlh"] is None, reason="the varhlh console script is not on PATH (pip install .)")
def test_snakemake_workflow_runs_varhlh_per_sample_and_multiqc(tmp_path: Path) -> None:
    sheet = tmp_path / "samples.tsv"
    rows = ["sample\tvcf\tped\tvcf_sample"]
    rows += [f"{label}\t{vcf}\t{ped or '.'}\t{vcf_sample or '.'}" for label, vcf, ped, vcf_sample, _, _ in SHEET]
    sheet.write_text("\n".join(rows) + "\n")
    tools = _tools()
    env = {**os.environ, "PATH": f"{Path(str(tools['varhlh'])).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(tools["snakemake"]), "--snakefile", str(SNAKEFILE), "--cores", "2",
                           "--directory", str(tmp_path), "--config", f"samples={sheet}", "outdir=results"],
                          capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = tmp_path / "results"
    for label, _, _, _, sample, decision in SHEET:
        folder = results / "varhlh" / label
        data = json.loads((folder / f"{label}.varhlh.json").read_text())
        assert data["sample"]["id"] == sample
        assert data["conclusion"]["primary_hlh"] == decision
        assert (folder / f"{label}.varhlh.tsv").read_text().startswith("sample\t")
        assert json.loads((folder / f"{label}.varhlh_mqc.json").read_text())["data"][label]["vcf_sample"] == sample
        assert (results / "benchmarks" / "varhlh" / f"{label}.tsv").read_text().startswith("s\t")
        assert "primary HLH: " in (results / "logs" / "varhlh" / f"{label}.log").read_text()
    report = results / "multiqc"
    assert (report / "multiqc_report.html").is_file()
    with (report / "multiqc_data" / "multiqc_general_stats.txt").open() as fh:
        stats = {row["Sample"]: row for row in csv.DictReader(fh, delimiter="\t")}
    assert set(stats) == {label for label, *_ in SHEET}  # rows keyed by the sheet's labels
    for label, *_, sample, decision in SHEET:
        row = {key.split("-", 1)[1]: value for key, value in stats[label].items() if "varhlh" in key}
        assert row["primary_hlh"] == decision, label
        assert row["vcf_sample"] == sample, label
    rerun = subprocess.run([str(tools["snakemake"]), "--snakefile", str(SNAKEFILE), "--cores", "2",
                            "--directory", str(tmp_path), "--config", f"samples={sheet}", "outdir=results"],
                           capture_output=True, text=True, timeout=300, env=env)
    assert rerun.returncode == 0 and "Nothing to be done" in rerun.stdout + rerun.stderr


@pytest.mark.skipif(importlib.util.find_spec("snakemake") is None or _tools()["snakemake"] is None,
                    reason="snakemake is not installed (pip install 'varhlh[test]')")
@pytest.mark.parametrize(("sheet", "config", "message"), [
    ("sample\tvcf\na\tx.vcf\na\ty.vcf\n", [], "listed twice"),
    ("name\tvcf\na\tx.vcf\n", [], "columns sample and vcf"),
    ("sample\tvcf\nbad name\tx.vcf\n", [], "Failed validating 'pattern'"),
    (None, [], "sample sheet"),
    ("sample\tvcf\na\tx.vcf\n", ["threads=0"], "Failed validating 'minimum'"),
    ("sample\tvcf\na\tx.vcf\n", ["formats=json,tsv"], "must include json and multiqc"),
], ids=["duplicate", "columns", "label", "missing-sheet", "config-threads", "config-formats"])
def test_snakemake_refuses_a_bad_sample_sheet_or_config(tmp_path: Path, sheet: str | None, config: list[str],
                                                        message: str) -> None:
    path = tmp_path / "samples.tsv"
    if sheet is not None:
        path.write_text(sheet)
    done = subprocess.run([str(_tools()["snakemake"]), "--snakefile", str(SNAKEFILE), "--cores", "1", "--dry-run",
                           "--directory", str(tmp_path), "--config", f"samples={path}", *config],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert message in output
    if sheet is None:
        assert "not found" in output and "--config samples=PATH" in output


@pytest.mark.skipif(importlib.util.find_spec("snakemake") is None or _tools()["snakemake"] is None,
                    reason="snakemake is not installed (pip install 'varhlh[test]')")
def test_snakemake_lint_is_clean(tmp_path: Path) -> None:
    """Catalog style: conda env, benchmark, log and resources per rule; no hard-coded paths."""
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(f"sample\tvcf\nfhl2\t{DATA / 'vcf' / 'prf1_hom_w374x.vcf'}\n")
    done = subprocess.run([str(_tools()["snakemake"]), "--snakefile", str(SNAKEFILE), "--lint", "--directory",
                           str(tmp_path), "--config", f"samples={sheet}"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Congratulations, your workflow is in a good condition" in done.stdout + done.stderr
    rules = (SNAKEFILE.parent / "rules" / "varhlh.smk").read_text()
    for rule in rules.split("\nrule ")[1:]:
        for directive in ("conda:", "benchmark:", "log:", "resources:", "mem_mb="):
            assert directive in rule, (rule.split(":")[0], directive)


def test_snakefmt_is_clean() -> None:
    if shutil.which("snakefmt") is None and importlib.util.find_spec("snakefmt") is None:
        pytest.skip("snakefmt is not installed (.ci/run installs it for its gate)")
    command = [shutil.which("snakefmt") or sys.executable, *([] if shutil.which("snakefmt") else ["-m", "snakefmt"])]
    done = subprocess.run([*command, "--check", str(SNAKEFILE.parent)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


# ----------------------------------------------------------------------------------------------- nf-core


def _process() -> dict[str, object]:
    """The parts of main.nf the metadata must agree with."""
    text = (MODULE / "main.nf").read_text()
    inputs = re.search(r"\n\s*input:\s*\n(.*?)\n\s*output:", text, re.S)
    outputs = re.search(r"\n\s*output:\s*\n(.*?)\n\s*when:", text, re.S)
    assert inputs
    assert outputs, "main.nf needs input:, output: and when: blocks"
    emits = {}
    for line in outputs.group(1).splitlines():
        if m := re.search(r'path\(?\s*"([^"]+)"\s*\)?\s*,\s*emit:\s*(\w+)', line):
            emits[m.group(2)] = (m.group(1), "val(meta)" in line)
    return {"text": text, "inputs": inputs.group(1).strip(), "emits": emits}


def test_nf_core_module_metadata_matches_the_process() -> None:
    import yaml

    meta = yaml.safe_load((MODULE / "meta.yml").read_text())
    process = _process()
    text = str(process["text"])
    assert meta["name"] == "varhlh_triage"
    assert "process VARHLH_TRIAGE {" in text
    assert re.search(r'^\s*tag "\$meta\.id"', text, re.M)
    assert re.search(r"^\s*label 'process_\w+'", text, re.M)
    assert process["inputs"] == "tuple val(meta), path(vcf), path(tbi)"
    assert [next(iter(item)) for item in meta["input"][0]] == ["meta", "vcf", "tbi"]
    declared = {}
    for channel in meta["output"]:
        (name, elements), = channel.items()
        keys = [next(iter(e)) for e in elements]
        declared[name] = (keys[-1], keys[0] == "meta")
    assert declared == process["emits"]
    for name in ("json", "tsv", "mqc", "versions"):
        assert name in declared
    for channel in meta["output"]:
        (_, elements), = channel.items()
        pattern = next(iter(elements[-1]))
        assert elements[-1][pattern]["pattern"] == pattern
    assert "varhlh: \\$(varhlh --version | sed 's/varhlh //')" in text
    assert "--format json,tsv,multiqc" in text
    assert meta["tools"][0]["varhlh"]["licence"] == ["MIT"]
    environment = yaml.safe_load((MODULE / "environment.yml").read_text())
    assert any("varhlh" in str(d) for d in environment["dependencies"])


def test_version_output_matches_the_module_sed() -> None:
    """``varhlh --version | sed 's/varhlh //'`` must leave the bare version for versions.yml."""
    done = subprocess.run([sys.executable, "-m", "varhlh", "--version"], capture_output=True, text=True, check=True)
    from varhlh import __version__

    assert done.stdout == f"varhlh {__version__}\n"
    assert done.stdout.replace("varhlh ", "", 1).strip() == __version__

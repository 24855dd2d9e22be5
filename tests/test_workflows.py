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
        assert (folder / f"{label}.varhlh.tsv").read_text().splitlines()[2].startswith("sample\t")
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
    done = subprocess.run([*command, "--check", str(SNAKEFILE.parent), str(SNAKEFILE.parent.parent / "cohort")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


# ----------------------------------------------------------------------------------------------- nf-core
# Nextflow and nf-test cannot be installed here (they download their runtime from the internet) and
# `nf-core modules lint` clones nf-core/modules from GitHub, so the module is checked as follows: meta.yml and
# environment.yml against nf-core's JSON Schemas (vendored, workflows/nf-core/schemas/), meta.yml against
# main.nf, and the script and stub blocks run under bash as Nextflow would stage them (tests/nfcore_module.py),
# their outputs compared with the nf-test snapshot.

SCHEMAS = ROOT / "workflows" / "nf-core" / "schemas"


def _element() -> dict[str, object]:
    return {"$ref": "#/definitions/elementProperties"}


def current_meta_schema() -> dict[str, object]:
    """nf-core's vendored meta-schema plus the current spec's map-form outputs, topics and eval elements."""
    schema = json.loads((SCHEMAS / "meta-schema.json").read_text())
    element = schema["definitions"]["elementProperties"]["patternProperties"][".*"]
    element["properties"]["type"]["enum"].append("eval")
    channel = {"type": "array", "items": {"anyOf": [_element(), {"type": "array", "items": _element()}]}}
    schema["properties"]["output"] = {"type": "object", "description": "Output channels for the module",
                                      "patternProperties": {".*": channel}}
    schema["properties"]["topics"] = {"type": "object", "description": "Topics of the module's outputs",
                                      "patternProperties": {".*": channel}}
    return schema  # type: ignore[no-any-return]


def current_environment_schema() -> dict[str, object]:
    """nf-core's vendored environment schema with the current two channels (conda-forge, bioconda)."""
    schema = json.loads((SCHEMAS / "environment-schema.json").read_text())
    schema["properties"]["channels"]["items"] = [{"enum": ["conda-forge"]}, {"enum": ["bioconda"]}]
    schema["properties"]["channels"]["minItems"] = 2
    return schema  # type: ignore[no-any-return]


def _yaml(path: Path) -> dict[str, object]:
    import yaml

    return yaml.safe_load(path.read_text())  # type: ignore[no-any-return]


def test_vendored_schemas_are_the_upstream_files() -> None:
    import hashlib

    readme = (SCHEMAS / "README.md").read_text()
    assert "4a319655c25bdcf48249f1ede11c4d999dd49d91" in readme and "ae3458507ca1129adcda83bb3af6a420509effd6" in readme
    assert "MIT" in readme and (SCHEMAS / "LICENSE").read_text().startswith("MIT License")
    sizes = {"meta-schema.json": 7531, "environment-schema.json": 908}  # as stored upstream at those commits
    for name, size in sizes.items():
        assert len((SCHEMAS / name).read_text()) == size, name
        assert hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest()


def test_meta_and_environment_validate_against_nf_core_schemas() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(_yaml(MODULE / "meta.yml"), current_meta_schema())
    environment = _yaml(MODULE / "environment.yml")
    jsonschema.validate(environment, current_environment_schema())
    for dependency in environment["dependencies"]:  # type: ignore[union-attr]
        assert re.fullmatch(r"(conda-forge|bioconda)::[\w.-]+=[\w.]+", str(dependency)), dependency  # pinned
    old_style = _yaml(MODULE / "meta.yml")
    old_style["output"] = [{k: v} for k, v in old_style["output"].items()]  # type: ignore[union-attr]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(old_style, current_meta_schema())


def test_the_schema_overlay_matches_the_nf_core_module_template(tmp_path: Path) -> None:
    """The overlay is the current spec: nf-core tools' own module template validates against it."""
    jsonschema = pytest.importorskip("jsonschema")
    nf_core = pytest.importorskip("nf_core", reason="nf-core tools are not installed (not in the test extra)")
    import jinja2
    import yaml

    template = Path(nf_core.__file__).parent / "module-template"
    values = {"component_name_underscore": "tool_sub", "component": "tool", "tool_description": "A tool",
              "tool_doc_url": "https://example.org/doc", "tool_dev_url": "https://example.org/dev",
              "tool_licence": '["MIT"]', "tool_identifier": '""', "author": "@someone", "bioconda": "bioconda::tool=1.0"}
    for name, schema in (("meta.yml", current_meta_schema()), ("environment.yml", current_environment_schema())):
        rendered = jinja2.Template((template / name).read_text()).render(**values)
        rendered = rendered.replace('doi: ""', 'doi: "no DOI available"')  # a placeholder the author fills in
        jsonschema.validate(yaml.safe_load(rendered), schema)


def test_nf_core_module_metadata_matches_the_process() -> None:
    from nfcore_module import GROOVY_DEFS, outputs

    meta = _yaml(MODULE / "meta.yml")
    text = (MODULE / "main.nf").read_text()
    assert meta["name"] == "varhlh_triage"
    assert "process VARHLH_TRIAGE {" in text
    assert re.search(r'^\s*tag "\$meta\.id"', text, re.M)
    assert re.search(r"^\s*label 'process_\w+'", text, re.M)
    inputs = text[text.index("\n    input:\n"):text.index("\n    output:\n")]
    assert inputs.split(":", 1)[1].strip() == "tuple val(meta), path(vcf), path(tbi), path(ped)"
    assert [next(iter(item)) for item in meta["input"][0]] == ["meta", "vcf", "tbi", "ped"]  # type: ignore[index]
    declared = meta["output"]
    for name, pattern, optional in outputs():
        (meta_element, file_element), = declared[name]  # type: ignore[index]
        assert next(iter(meta_element)) == "meta"
        assert next(iter(file_element)) == pattern == file_element[pattern]["pattern"]
        assert ("Optional" in file_element[pattern]["description"]) == optional, name
    assert set(declared) == {n for n, _, _ in outputs()} | {"versions_varhlh"}  # type: ignore[arg-type]
    assert "tuple val(\"${task.process}\"), val('varhlh'), eval(\"varhlh --version | sed 's/varhlh //'\"), " \
           "topic: versions, emit: versions_varhlh" in text
    assert meta["topics"]["versions"] == declared["versions_varhlh"]  # type: ignore[index]
    assert [next(iter(e)) for e in meta["topics"]["versions"][0]] == [  # type: ignore[index]
        "${task.process}", "varhlh", "varhlh --version | sed 's/varhlh //'"]
    assert "versions.yml" not in text  # the topic channel replaces the versions.yml heredoc
    assert re.findall(r"meta\.(\w+)", text) == ["id", "id", "id"]  # no custom meta keys
    for line in GROOVY_DEFS:
        assert line in text, line
    tool = meta["tools"][0]["varhlh"]  # type: ignore[index]
    assert tool["licence"] == ["MIT"] and "identifier" in tool
    assert text.count("{") == text.count("}")
    assert text.count('"""') % 2 == 0


def test_nf_core_stub_block_matches_the_snapshot(tmp_path: Path) -> None:
    from nfcore_module import SNAPSHOT, TESTS, run, snapshot_content

    from varhlh import __version__

    snapshot = json.loads(SNAPSHOT.read_text())
    assert set(snapshot) == set(TESTS)
    test = "patient_fhl2 - vcf - stub"
    task = run(test, tmp_path)
    assert snapshot_content(test, task, __version__) == snapshot[test]["content"]
    more = run(test, tmp_path / "more", args="--format json,tsv,multiqc,vcf,phenopacket")
    assert sorted(p.name for p in more.glob("test.*")) == [
        "test.phenopacket.json", "test.varhlh.json", "test.varhlh.tsv", "test.varhlh.vcf.gz", "test.varhlh.vcf.gz.tbi",
        "test.varhlh_mqc.json", "test.varhlh_results_mqc.json"]


@pytest.mark.skipif(_tools()["varhlh"] is None, reason="the varhlh console script is not on PATH (pip install .)")
@pytest.mark.parametrize("test", ["patient_fhl2 - vcf", "trio with ped - vcf"])
def test_nf_core_script_block_runs_varhlh_as_the_snapshot_says(tmp_path: Path, test: str) -> None:
    from nfcore_module import SNAPSHOT, run, snapshot_content

    from varhlh import __version__

    env = {**os.environ, "PATH": f"{Path(str(_tools()['varhlh'])).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    task = run(test, tmp_path, env=env)
    assert snapshot_content(test, task, __version__) == json.loads(SNAPSHOT.read_text())[test]["content"]
    optional = run(test, tmp_path / "optional", args="--format json,tsv,multiqc,vcf", env=env)
    assert len(list(optional.glob("*.varhlh.vcf.gz.tbi"))) == 1


def test_version_output_matches_the_module_sed() -> None:
    """``varhlh --version | sed 's/varhlh //'`` must leave the bare version for the versions topic."""
    done = subprocess.run([sys.executable, "-m", "varhlh", "--version"], capture_output=True, text=True, check=True)
    from varhlh import __version__

    assert done.stdout == f"varhlh {__version__}\n"
    assert done.stdout.replace("varhlh ", "", 1).strip() == __version__

"""The nf-core cohort scale-out: modules varhlh/panelregions and varhlh/gather, subworkflow vcf_triage_cohort_varhlh.

Nextflow and nf-test are not run (they download their runtime from the internet); as for the triage module
(tests/test_workflows.py), meta.yml and environment.yml are validated against nf-core's schemas, meta.yml is
checked against main.nf, and the script and stub blocks run under bash as Nextflow would stage them
(tests/nfcore_module.py, tests/nfcore_cohort.py), their outputs compared with the nf-test snapshots. The gather
block runs on real VARHLH_TRIAGE blocks and must give what one ``--all-samples`` run gives; the panel regions
block, with the bcftools steps the subworkflow configures, must give a panel pVCF whose triage equals the
triage of the whole cohort VCF. The subworkflow itself (its channel wiring) is only checked statically.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nfcore_cohort as nc
import nfcore_module as nm
import pytest
from cohort_vcf import cohort_vcf
from test_workflows import current_environment_schema, current_meta_schema

pytestmark = pytest.mark.slow

MODULES = {  # module dir -> (process, input line, input names)
    nc.GATHER: ("VARHLH_GATHER", "tuple val(meta), path(parts, stageAs: 'parts/*'), path(files, stageAs: 'parts/*')",
                ["meta", "parts", "files"]),
    nc.PANELREGIONS: ("VARHLH_PANELREGIONS", "tuple val(meta), path(vcf)", ["meta", "vcf"]),
}


def _yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(path.read_text())


def _env() -> dict[str, str]:
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}


def _varhlh() -> str | None:
    """The console script the module blocks run (as tests/test_workflows.py does)."""
    return shutil.which("varhlh", path=_env()["PATH"])


def _has(*command: str) -> bool:
    """Whether the installed varhlh has this subcommand (``gather`` and ``panel regions`` are landing on main)."""
    varhlh = _varhlh()
    return varhlh is not None and subprocess.run([varhlh, *command, "--help"], capture_output=True).returncode == 0


needs_gather = pytest.mark.skipif(not _has("gather"), reason="varhlh gather is not implemented in this checkout yet")
needs_regions = pytest.mark.skipif(not _has("panel", "regions"),
                                   reason="varhlh panel regions is not implemented in this checkout yet")
needs_bcftools = pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools is not on PATH")


# ----------------------------------------------------------------------------------------------- modules
@pytest.mark.parametrize("module", list(MODULES), ids=lambda m: m.name)
def test_cohort_module_files_validate_against_nf_core_schemas(module: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(_yaml(module / "meta.yml"), current_meta_schema())
    environment = _yaml(module / "environment.yml")
    jsonschema.validate(environment, current_environment_schema())
    assert environment == _yaml(nm.MODULE / "environment.yml")  # the same pinned varhlh as the triage module


@pytest.mark.parametrize("module", list(MODULES), ids=lambda m: m.name)
def test_cohort_module_metadata_matches_the_process(module: Path) -> None:
    process, input_line, input_names = MODULES[module]
    meta = _yaml(module / "meta.yml")
    text = nm.main_nf(module)
    assert meta["name"] == process.lower()
    assert f"process {process} {{" in text
    assert re.search(r'^\s*tag "\$meta\.id"', text, re.M)
    assert re.search(r"^\s*label 'process_single'", text, re.M)
    inputs = text[text.index("\n    input:\n"):text.index("\n    output:\n")]
    assert inputs.split(":", 1)[1].strip() == input_line
    assert [next(iter(item)) for item in meta["input"][0]] == input_names
    declared = meta["output"]
    for name, pattern, optional in nm.outputs(module):
        (meta_element, file_element), = declared[name]
        assert next(iter(meta_element)) == "meta"
        assert next(iter(file_element)) == pattern == file_element[pattern]["pattern"]
        assert ("Optional" in file_element[pattern]["description"]) == optional, name
    assert set(declared) == {n for n, _, _ in nm.outputs(module)} | {"versions_varhlh"}
    assert "tuple val(\"${task.process}\"), val('varhlh'), eval(\"varhlh --version | sed 's/varhlh //'\"), " \
           "topic: versions, emit: versions_varhlh" in text
    assert meta["topics"]["versions"] == declared["versions_varhlh"] == \
        _yaml(nm.MODULE / "meta.yml")["topics"]["versions"]
    assert "versions.yml" not in text
    assert re.findall(r"meta\.(\w+)", text) == ["id", "id", "id"]  # no custom meta keys
    for kind in ("script", "stub"):
        preamble, _ = nm.block(kind, module)
        defs = [line.strip() for line in preamble.splitlines() if line.strip().startswith("def ")]
        assert defs == list(nc.MODULE_DEFS), (kind, defs)  # what nfcore_cohort's values mirror
    assert text.count("{") == text.count("}")
    assert text.count('"""') % 2 == 0
    tool = meta["tools"][0]["varhlh"]
    assert tool == _yaml(nm.MODULE / "meta.yml")["tools"][0]["varhlh"]


def test_gather_outputs_do_not_pick_up_the_staged_block_files() -> None:
    """The gather task stages the blocks' files in parts/; its output globs (no '**') see only the task root."""
    for _, pattern, _ in nm.outputs(nc.GATHER):
        assert "/" not in pattern and "**" not in pattern
    script = nm.block("script", nc.GATHER)[1]
    assert "$parts" in script and "-o ." in script and "$files" not in script


def test_triage_module_writes_the_part_manifest_in_cohort_mode(tmp_path: Path) -> None:
    """The triage stub in block mode: only the part manifest and the block's tables (per-sample files are
    optional there: a block without findings writes none); the single-sample stub is unchanged."""
    text = nm.main_nf()
    for line in nm.STUB_DEFS:
        assert line in text, line
    names = {name: optional for name, _, optional in nm.outputs()}
    assert all(names[n] for n in ("json", "tsv", "mqc", "mqc_table", "part", "cohort", "cohort_alleles"))
    block, = nc.triage_blocks(tmp_path, nc.TRIO, nc.TRIO_TBI, nc.TRIO_PED, 1, stub=True)
    assert sorted(p.name for p in block.glob("block_*")) == [
        "block_1.varhlh_cohort.tsv", "block_1.varhlh_cohort_alleles.tsv", "block_1.varhlh_part.json"]
    parts, files = nc.block_outputs(block)
    assert [p.name for p in parts] == ["block_1.varhlh_part.json"]
    assert nc.TRIO.name not in {f.name for f in files}  # staged inputs are not outputs


def test_cohort_module_stub_blocks_match_the_snapshots(tmp_path: Path) -> None:
    from varhlh import __version__

    gather_snap = json.loads((nc.GATHER / "tests" / "main.nf.test.snap").read_text())
    regions_snap = json.loads((nc.PANELREGIONS / "tests" / "main.nf.test.snap").read_text())
    assert set(gather_snap) == set(nc.GATHER_TESTS) and set(regions_snap) == set(nc.PANELREGIONS_TESTS)
    test = "trio - two blocks - stub"
    blocks = nc.triage_blocks(tmp_path / "blocks", nc.TRIO, nc.TRIO_TBI, nc.TRIO_PED, 2, stub=True)
    task = nc.gather(tmp_path, blocks, stub=True)
    assert nc.gather_snapshot(test, task, __version__) == gather_snap[test]["content"]
    task = nc.panelregions(tmp_path, nc.TRIO, stub=True)
    assert nc.panelregions_snapshot(task, __version__) == regions_snap["trio - vcf header - stub"]["content"]


def test_nf_test_files_name_the_tests_the_snapshots_hold() -> None:
    for directory, tests in ((nc.GATHER, nc.GATHER_TESTS), (nc.PANELREGIONS, nc.PANELREGIONS_TESTS),
                             (nc.SUBWORKFLOW, nc.SUBWORKFLOW_TESTS)):
        text = (directory / "tests" / "main.nf.test").read_text()
        assert re.findall(r'^    test\("([^"]+)"\)', text, re.M) == list(tests), directory
        assert text.count("{") == text.count("}")
        for relative in re.findall(r'file\("\$\{moduleDir\}/([^"]+)"', text):
            assert (directory / relative).resolve().is_file(), relative
        for config in re.findall(r'config "([^"]+)"', text):
            assert (directory / "tests" / config).is_file()


def test_test_configs_set_the_block_arguments_the_helpers_mirror() -> None:
    for directory in (nc.GATHER, nc.SUBWORKFLOW):
        config = (directory / "tests" / "nextflow.config").read_text()
        assert f"ext.args   = {{ {nc.BLOCK_ARGS} }}" in config
        assert f"ext.prefix = {{ {nc.BLOCK_PREFIX} }}" in config


def test_indexed_trio_fixture_is_the_text_fixture() -> None:
    import gzip

    assert gzip.decompress(nc.TRIO.read_bytes()) == (nc.TRIO.parent / "trio_prf1_comphet.vcf").read_bytes()
    assert nc.TRIO_TBI.stat().st_mtime >= 0 and nc.TRIO_TBI.read_bytes()[:4] == b"\x1f\x8b\x08\x04"


# ----------------------------------------------------------------------------------------------- subworkflow
def test_subworkflow_wiring_and_metadata() -> None:
    text = (nc.SUBWORKFLOW / "main.nf").read_text()
    meta = _yaml(nc.SUBWORKFLOW / "meta.yml")
    # nf-core's subworkflows/yaml-schema.json (not vendored) requires these; keywords at least 3
    assert {"name", "description", "keywords", "authors", "output", "components"} <= set(meta)
    assert meta["name"] == "vcf_triage_cohort_varhlh" and len(meta["keywords"]) >= 3
    assert "workflow VCF_TRIAGE_COHORT_VARHLH {" in text
    includes = dict(re.findall(r"include \{ (\w+)\s*\} from '([^']+)'", text))
    assert sorted(meta["components"]) == sorted(
        str(Path(path).parent.relative_to("../..")) for path in includes.values())
    for process, path in includes.items():
        target = (nc.SUBWORKFLOW / path).with_suffix(".nf")
        if process.startswith("VARHLH_"):
            assert target.is_file() and f"process {process} {{" in target.read_text()
        else:  # nf-core/modules bcftools/view and bcftools/concat: not vendored, documented in main.nf
            assert process in ("BCFTOOLS_VIEW", "BCFTOOLS_CONCAT") and not target.exists()
            assert "not part of this repository" in text
    take = text[text.index("    take:\n") + len("    take:\n"):text.index("    main:\n")]
    assert re.findall(r"^    (\w+)", take, re.M) == [next(iter(i)) for i in meta["input"]]
    emit = text[text.index("    emit:\n"):]
    assert re.findall(r"^    (\w+)\s*=", emit, re.M) == [next(iter(o)) for o in meta["output"]]
    for process in includes:
        assert f"{process} (" in text, process
    # every VARHLH_TRIAGE output a block may write is staged for the gather (its manifest may list any of them)
    triage_outputs = {name for name, _, _ in nm.outputs()}
    staged = set(re.findall(r"VARHLH_TRIAGE\.out\.(\w+)", text))
    assert staged == triage_outputs, triage_outputs ^ staged
    config = (nc.SUBWORKFLOW / "tests" / "nextflow.config").read_text()
    for process in ("BCFTOOLS_VIEW", "BCFTOOLS_CONCAT", "VARHLH_TRIAGE"):
        assert f"withName: '{process}'" in config and process in text.split("\ninclude {")[0]  # documented at the top
    assert "--regions-overlap record" in config and "--allow-overlaps --rm-dups exact" in config
    assert text.count("{") == text.count("}")


def test_subworkflow_stub_matches_the_snapshot(tmp_path: Path) -> None:
    snap = json.loads((nc.SUBWORKFLOW / "tests" / "main.nf.test.snap").read_text())
    assert set(snap) == set(nc.SUBWORKFLOW_TESTS)
    assert nc.subworkflow_snapshot(tmp_path) == snap[nc.SUBWORKFLOW_TESTS[0]]["content"]


# ----------------------------------------------------------------------------------------------- real runs
def _single_run(vcf: Path, ped: Path, task: Path) -> Path:
    """One ``--all-samples`` run, its inputs staged under their own names as in the block tasks (results
    record the input and PED paths as given); returns its output directory."""
    task.mkdir()
    for source in (vcf, vcf.with_name(vcf.name + ".tbi"), ped):
        (task / source.name).symlink_to(source)
    subprocess.run([str(_varhlh()), "triage", vcf.name, "--all-samples", "--ped", ped.name, "--format",
                    "json,tsv,multiqc", "-o", "out", "--prefix", "trio", "-q"], cwd=task, check=True, env=_env(),
                   capture_output=True)
    return task / "out"


def _without_command(path: Path, ignore: tuple[str, ...]) -> Any:
    data = json.loads(path.read_text())
    return {**{k: v for k, v in data.items() if k not in ignore},
            "run": {k: v for k, v in data["run"].items() if k != "command"}}


def _assert_same_outputs(gathered: Path, single: Path, ignore: tuple[str, ...] = ()) -> None:
    """The gather task's outputs equal one --all-samples run's, file by file (parts/ is the staged input):
    byte for byte but for the command line recorded in each result (and the ``ignore`` keys of the results)
    and Parquet's file metadata."""
    ours = sorted(p.name for p in gathered.iterdir() if p.is_file() and not p.name.startswith("."))
    theirs = sorted(p.name for p in single.iterdir() if p.is_file())
    assert ours == theirs
    assert any(name.endswith(".varhlh.json") for name in ours)
    for name in ours:
        if name.endswith(".varhlh.json"):
            assert _without_command(gathered / name, ignore) == _without_command(single / name, ignore), name
        elif name.endswith(".parquet"):
            pq = pytest.importorskip("pyarrow.parquet")
            assert pq.read_table(gathered / name).equals(pq.read_table(single / name)), name
        else:
            assert filecmp.cmp(gathered / name, single / name, shallow=False), name


@needs_gather
def test_gather_block_on_three_triage_blocks_equals_one_all_samples_run(tmp_path: Path, indexed) -> None:  # type: ignore[no-untyped-def]
    text_vcf, ped = cohort_vcf(tmp_path)
    vcf = indexed(text_vcf)
    tbi = vcf.with_name(vcf.name + ".tbi")
    blocks = nc.triage_blocks(tmp_path / "blocks", vcf, tbi, ped, 3, env=_env())
    task = nc.gather(tmp_path, blocks, meta_id="trio", env=_env())
    _assert_same_outputs(task, _single_run(vcf, ped, tmp_path / "single"))


@needs_gather
def test_gather_real_snapshot(tmp_path: Path) -> None:
    from varhlh import __version__

    snap = json.loads((nc.GATHER / "tests" / "main.nf.test.snap").read_text())
    test = "trio - two blocks"
    blocks = nc.triage_blocks(tmp_path / "blocks", nc.TRIO, nc.TRIO_TBI, nc.TRIO_PED, 2, env=_env())
    task = nc.gather(tmp_path, blocks, env=_env())
    content = nc.gather_snapshot(test, task, __version__)
    assert content == snap[test]["content"]
    assert len((task / "trio.varhlh_cohort.tsv").read_text().splitlines()) == 4  # the nf-test's line count


@needs_gather
def test_gather_refuses_an_incomplete_set_of_blocks(tmp_path: Path) -> None:
    blocks = nc.triage_blocks(tmp_path / "blocks", nc.TRIO, nc.TRIO_TBI, nc.TRIO_PED, 2, env=_env())
    with pytest.raises(AssertionError, match=r"exit [1-9]"):
        nc.gather(tmp_path, blocks[:1], env=_env())


@needs_regions
def test_panelregions_real_snapshot(tmp_path: Path) -> None:
    from varhlh import __version__

    snap = json.loads((nc.PANELREGIONS / "tests" / "main.nf.test.snap").read_text())
    task = nc.panelregions(tmp_path, nc.TRIO, env=_env())
    assert nc.panelregions_snapshot(task, __version__) == snap["trio - vcf header"]["content"]


@needs_gather
@needs_regions
@needs_bcftools
def test_region_scatter_and_sample_blocks_equal_one_run_on_the_whole_vcf(tmp_path: Path, indexed) -> None:  # type: ignore[no-untyped-def]
    """Chunks of the cohort VCF (one boundary record in two chunks) -> panel regions -> bcftools view/concat ->
    three triage blocks -> gather: the same outputs as one --all-samples run on the whole, unsplit VCF."""
    text_vcf, ped = cohort_vcf(tmp_path)
    vcf = indexed(text_vcf)
    chunks = []
    for index, region in enumerate(("1,10:1-72358355", "10:72358355-135534747,X,Y"), 1):
        chunk = tmp_path / f"chunk{index}.vcf.gz"
        subprocess.run(["bcftools", "view", "-r", region, "-Oz", "-o", str(chunk), str(vcf)], check=True)
        subprocess.run(["bcftools", "index", "-t", str(chunk)], check=True)
        chunks.append(chunk)
    regions = nc.panelregions(tmp_path, chunks[0], meta_id="cohort", env=_env())
    bed = regions / "cohort.regions.bed"
    assert {line.split("\t")[0] for line in bed.read_text().splitlines()} >= {"1", "10", "X"}  # VCF contig names
    panel, panel_tbi = nc.panel_vcf(tmp_path / "panel", bed, chunks)

    def records(path: Path, region: str) -> int:
        done = subprocess.run(["bcftools", "view", "-H", "-r", region, str(path)], check=True, capture_output=True,
                              text=True)
        return len(done.stdout.splitlines())

    # PRF1 c.1122G>A, twice in the VCF (an exact duplicate record), is in both chunks: --rm-dups exact keeps
    # one copy per file, so the panel pVCF has the VCF's two records, not four
    boundary = "10:72358355"
    assert [records(c, boundary) for c in chunks] == [2, 2] and records(panel, boundary) == records(vcf, boundary) == 2
    blocks = nc.triage_blocks(tmp_path / "blocks", panel, panel_tbi, ped, 3, env=_env())
    task = nc.gather(tmp_path, blocks, meta_id="trio", env=_env())
    whole = _single_run(vcf, ped, tmp_path / "single")
    panel_input = json.loads((task / "C1.varhlh.json").read_text())["input"]
    assert panel_input["path"] == "cohort.panel.vcf.gz"
    _assert_same_outputs(task, whole, ignore=("input",))  # the input is the panel pVCF, not the whole VCF

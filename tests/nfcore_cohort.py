"""The nf-core cohort modules (varhlh/panelregions, varhlh/gather) and subworkflow without Nextflow.

Same approach as ``tests/nfcore_module.py`` (whose block helpers this reuses): each ``script:``/``stub:`` block
runs under ``bash -eu`` in a task directory staged as Nextflow would stage it, the Groovy ``def`` lines it
depends on mirrored here and checked verbatim by ``tests/test_nfcore_cohort.py``. The gather task stages every
block's outputs flat in ``parts/`` (``stageAs: 'parts/*'``), so each part manifest sits next to the files it
lists. ``python tests/nfcore_cohort.py`` writes the nf-test snapshots of the two modules and of the
subworkflow's stub test from these runs (regenerate them with ``nf-test test --update-snapshot`` where
Nextflow runs).

The subworkflow's bcftools steps (nf-core/modules bcftools/view and bcftools/concat, not in this repository)
are not emulated from their module code: :func:`panel_vcf` does what the subworkflow configures them to do
with the bcftools on PATH, and the stub chain uses placeholder files where their stubs would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nfcore_module as nm

ROOT = nm.ROOT
NFCORE = ROOT / "workflows" / "nf-core"
GATHER = NFCORE / "varhlh" / "gather"
PANELREGIONS = NFCORE / "varhlh" / "panelregions"
SUBWORKFLOW = NFCORE / "subworkflows" / "vcf_triage_cohort_varhlh"
TRIO = ROOT / "tests" / "data" / "vcf" / "trio_prf1_comphet.vcf.gz"
TRIO_TBI = ROOT / "tests" / "data" / "vcf" / "trio_prf1_comphet.vcf.gz.tbi"
TRIO_PED = ROOT / "tests" / "data" / "ped" / "trio_prf1_comphet.ped"

MODULE_DEFS = (
    "def args = task.ext.args ?: ''",
    'def prefix = task.ext.prefix ?: "${meta.id}"',
)
"""The ``def`` lines of the script and stub blocks of both modules (mirrored by the ``values`` below)."""
BLOCK_ARGS = '"--all-samples --samples-block ${meta.block}/${meta.blocks}"'
BLOCK_PREFIX = '"block_${meta.block}"'
"""VARHLH_TRIAGE's ext.args / ext.prefix closures in the tests' nextflow.config (mirrored by :func:`triage_blocks`)."""

GATHER_TESTS = ("trio - two blocks", "trio - two blocks - stub")
PANELREGIONS_TESTS = ("trio - vcf header", "trio - vcf header - stub")
SUBWORKFLOW_TESTS = ("trio - two chunks - two blocks - stub",)


def triage_blocks(workdir: Path, vcf: Path, tbi: Path, ped: Path | None, blocks: int, *, stub: bool = False,
                  meta_id: str = "trio", env: Mapping[str, str] | None = None) -> list[Path]:
    """VARHLH_TRIAGE once per block (``ext.args``/``ext.prefix`` as in tests/nextflow.config); the task dirs."""
    return [nm.run(f"block_{block}", workdir, args=f"--all-samples --samples-block {block}/{blocks}", env=env,
                   inputs=(meta_id, vcf, tbi, ped, stub), prefix=f"block_{block}")
            for block in range(1, blocks + 1)]


def block_outputs(task: Path) -> tuple[list[Path], list[Path]]:
    """(part manifests, every other output) of a VARHLH_TRIAGE task, by the module's output globs."""
    parts: list[Path] = []
    files: list[Path] = []
    for name, pattern, _ in nm.outputs():
        (parts if name == "part" else files).extend(sorted(task.glob(pattern)))
    return parts, files


def gather(workdir: Path, blocks: Sequence[Path], *, stub: bool = False, meta_id: str = "trio", args: str = "",
           env: Mapping[str, str] | None = None, name: str = "gather") -> Path:
    """Stage the blocks' outputs in ``parts/`` of a new task dir and run VARHLH_GATHER's block there."""
    task = workdir / name
    (task / "parts").mkdir(parents=True)
    parts: list[str] = []
    for block in blocks:
        block_parts, files = block_outputs(block)
        for source in block_parts + files:
            target = task / "parts" / source.name
            assert not target.exists(), f"staging clash: {source.name}"  # Nextflow refuses these too
            target.symlink_to(source)
        parts += [f"parts/{p.name}" for p in block_parts]
    values = {"args": args, "prefix": meta_id}
    kind = "stub" if stub else "script"
    _, shell = nm.block(kind, GATHER)
    if not stub:
        values["parts"] = " ".join(parts)
    nm.bash(nm.substitute(shell, values), task, env, f"VARHLH_GATHER {kind}")
    return task


def panelregions(workdir: Path, vcf: Path, *, stub: bool = False, meta_id: str = "trio", args: str = "",
                 env: Mapping[str, str] | None = None, name: str = "panelregions") -> Path:
    task = workdir / name
    task.mkdir(parents=True)
    (task / vcf.name).symlink_to(vcf)
    kind = "stub" if stub else "script"
    _, shell = nm.block(kind, PANELREGIONS)
    values = {"args": args, "prefix": meta_id, **({} if stub else {"vcf": vcf.name})}
    nm.bash(nm.substitute(shell, values), task, env, f"VARHLH_PANELREGIONS {kind}")
    return task


def panel_vcf(workdir: Path, bed: Path, chunks: Sequence[Path], prefix: str = "cohort") -> tuple[Path, Path]:
    """What the subworkflow has bcftools do: ``view -R BED --regions-overlap record`` per indexed chunk, then
    ``concat --allow-overlaps --rm-dups exact`` (bcftools on PATH; 1.16 here has no ``--write-index``, so
    ``bcftools index -t`` after each step)."""
    bcftools = shutil.which("bcftools")
    assert bcftools
    workdir.mkdir(parents=True, exist_ok=True)
    views = []
    for index, chunk in enumerate(chunks, 1):
        out = workdir / f"chunk{index}.panel.vcf.gz"
        subprocess.run([bcftools, "view", "-R", str(bed), "--regions-overlap", "record", "-Oz", "-o", str(out),
                        str(chunk)], check=True, capture_output=True)
        subprocess.run([bcftools, "index", "-t", str(out)], check=True, capture_output=True)
        views.append(str(out))
    out = workdir / f"{prefix}.panel.vcf.gz"
    subprocess.run([bcftools, "concat", "--allow-overlaps", "--rm-dups", "exact", "-Oz", "-o", str(out), *views],
                   check=True, capture_output=True)
    subprocess.run([bcftools, "index", "-t", str(out)], check=True, capture_output=True)
    return out, out.with_name(out.name + ".tbi")


# ------------------------------------------------------------------------------------------- snapshots
def gather_snapshot(test: str, task: Path, version: str) -> list[Any]:
    out = nm.process_out(task, {"id": "trio"}, version, GATHER, "VARHLH_GATHER")
    if test.endswith("- stub"):
        return [out]
    cohort = next(task.glob("*.varhlh_cohort.tsv"))
    rows = [[line.split("\t")[i] for i in (0, 4, 5)] for line in cohort.read_text().splitlines()]
    names = sorted(p.name for p in task.glob("*.varhlh.json"))
    return [cohort.name, next(task.glob("*.varhlh_cohort_alleles.tsv")).name, rows, [names],
            {"versions_varhlh": out["versions_varhlh"]}]


def panelregions_snapshot(task: Path, version: str) -> list[Any]:
    return [nm.process_out(task, {"id": "trio"}, version, PANELREGIONS, "VARHLH_PANELREGIONS")]


def subworkflow_stub_chain(workdir: Path) -> dict[str, Any]:
    """The varhlh part of the subworkflow's stub test: panel regions, two triage blocks, gather (stubs).

    The bcftools modules' stubs (not in this repository) would write ``trio.panel.vcf.gz`` (+ ``.tbi``); empty
    placeholders stand in for them (the varhlh stubs do not read their inputs).
    """
    from varhlh import __version__

    regions = panelregions(workdir, TRIO, stub=True)
    placeholder = workdir / "concat"
    placeholder.mkdir()
    vcf, tbi = placeholder / "trio.panel.vcf.gz", placeholder / "trio.panel.vcf.gz.tbi"
    vcf.touch()
    tbi.touch()
    blocks = triage_blocks(workdir / "blocks", vcf, tbi, TRIO_PED, 2, stub=True)
    task = gather(workdir, blocks, stub=True)
    meta = {"id": "trio"}

    def channel(directory: Path, pattern: str) -> list[Any]:
        files = sorted(directory.glob(pattern))
        if not files:
            return []
        return [[meta, nm._md5(files[0]) if len(files) == 1 else [nm._md5(f) for f in files]]]

    multiqc = [nm._md5(f) for pattern in ("*.varhlh_mqc.json", "*.varhlh_results_mqc.json")
               for f in sorted(task.glob(pattern))]
    assert nm.process_out(regions, meta, __version__, PANELREGIONS, "VARHLH_PANELREGIONS")
    return {"regions": channel(regions, "*.bed"), "cohort": channel(task, "*.varhlh_cohort.tsv"),
            "cohort_alleles": channel(task, "*.varhlh_cohort_alleles.tsv"), "json": channel(task, "*.varhlh.json"),
            "multiqc_files": multiqc}


def subworkflow_snapshot(workdir: Path) -> list[Any]:
    out = subworkflow_stub_chain(workdir)
    return [out["regions"], out["cohort"], out["cohort_alleles"], out["json"], out["multiqc_files"]]


def build_snapshots(workdir: Path, env: Mapping[str, str] | None = None, real: bool = True) -> dict[Path, dict[str, Any]]:
    """{snapshot path: snapshot} of the two modules and the subworkflow (``real=False``: stub tests only)."""
    from varhlh import __version__

    gathered: dict[str, Any] = {}
    regions: dict[str, Any] = {}
    for test in GATHER_TESTS:
        stub = test.endswith("- stub")
        if stub or real:
            blocks = triage_blocks(workdir / test.replace(" ", "_"), TRIO, TRIO_TBI, TRIO_PED, 2, stub=stub, env=env)
            task = gather(workdir / test.replace(" ", "_"), blocks, stub=stub, env=env)
            gathered[test] = {"content": gather_snapshot(test, task, __version__)}
    for test in PANELREGIONS_TESTS:
        stub = test.endswith("- stub")
        if stub or real:
            task = panelregions(workdir / test.replace(" ", "_"), TRIO, stub=stub, env=env)
            regions[test] = {"content": panelregions_snapshot(task, __version__)}
    flow = {SUBWORKFLOW_TESTS[0]: {"content": subworkflow_snapshot(workdir / "subworkflow")}}
    return {GATHER / "tests" / "main.nf.test.snap": gathered, PANELREGIONS / "tests" / "main.nf.test.snap": regions,
            SUBWORKFLOW / "tests" / "main.nf.test.snap": flow}


if __name__ == "__main__":
    import tempfile

    bindir = str(Path(sys.executable).parent)
    environment = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as tmp:
        built = build_snapshots(Path(tmp), environment, real="--stub-only" not in sys.argv)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    for path, snapshot in built.items():
        if path.exists():  # keep the entries a --stub-only run did not rebuild
            snapshot = {**json.loads(path.read_text()), **snapshot}
        for entry in snapshot.values():
            entry.setdefault("timestamp", stamp)
        path.write_text(json.dumps(snapshot, indent=4) + "\n")
        print(f"wrote {path}")

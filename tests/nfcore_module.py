"""The nf-core modules without Nextflow: their ``script:``/``stub:`` blocks run under bash, their nf-test snapshots.

Nextflow and nf-test cannot be installed here (both download their own runtime from the internet; the
PyPI ``nextflow`` package is only a launcher that does so), so ``tests/test_workflows.py`` runs the module's
shell blocks as Nextflow would stage them: inputs symlinked into a task directory under their own names,
the Groovy variables of the block (``prefix``, ``ped_arg``, ``formats``, ``task.cpus``, ``args``)
substituted as main.nf computes them (the test checks those ``def`` lines verbatim), then ``bash -eu``.
``process_out`` collects the outputs by the patterns of the ``output:`` block, with nf-test's
``name:md5,...`` notation, and ``python tests/nfcore_module.py`` writes ``tests/main.nf.test.snap`` from
those runs (regenerate it with ``nf-test test --update-snapshot`` where Nextflow runs).

The block helpers (:func:`main_nf`, :func:`block`, :func:`outputs`, :func:`substitute`, :func:`process_out`) take
the module directory, so ``tests/test_nfcore_cohort.py`` uses them for the cohort modules (varhlh/gather,
varhlh/panelregions) too; the defaults are the triage module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MODULE = ROOT / "workflows" / "nf-core" / "varhlh" / "triage"
SNAPSHOT = MODULE / "tests" / "main.nf.test.snap"
PROCESS = "VARHLH_TRIAGE"
GROOVY_DEFS = (
    "def args = task.ext.args ?: ''",
    'def prefix = task.ext.prefix ?: "${meta.id}"',
    "def ped_arg = ped ? \"--ped ${ped}\" : ''",
    "def formats = args.contains('--format') ? '' : '--format json,tsv,multiqc'",
)
"""The ``def`` lines of the script block that :func:`variables` mirrors."""
TESTS = {  # nf-test name -> (meta id, vcf, index, ped, stub)
    "patient_fhl2 - vcf": ("test", ROOT / "examples" / "patient_fhl2.vcf.gz",
                           ROOT / "examples" / "patient_fhl2.vcf.gz.tbi", None, False),
    "trio with ped - vcf": ("trio", ROOT / "tests" / "data" / "vcf" / "trio_prf1_comphet.vcf", None,
                            ROOT / "tests" / "data" / "ped" / "trio_prf1_comphet.ped", False),
    "patient_fhl2 - vcf - stub": ("test", ROOT / "examples" / "patient_fhl2.vcf.gz",
                                  ROOT / "examples" / "patient_fhl2.vcf.gz.tbi", None, True),
}


STUB_DEFS = (
    "def cohort = args.contains('--all-samples') || args.contains('--samples ')",
    "def sample_out = cohort ? '' : \"touch ${prefix}.varhlh.json ${prefix}.varhlh.tsv ${prefix}.varhlh_mqc.json "
    "${prefix}.varhlh_results_mqc.json\"",
    "def cohort_out = cohort ? \"touch ${prefix}.varhlh_part.json ${prefix}.varhlh_cohort.tsv "
    "${prefix}.varhlh_cohort_alleles.tsv\" : ''",
)
"""The ``def`` lines of the stub block that :func:`stub_variables` mirrors for cohort mode."""


def main_nf(module: Path = MODULE) -> str:
    return (module / "main.nf").read_text()


def block(kind: str, module: Path = MODULE) -> tuple[str, str]:
    """The Groovy preamble and the triple-quoted shell text of the ``script:`` or ``stub:`` block."""
    text = main_nf(module)
    start = text.index(f"\n    {kind}:\n")
    body = text[start:]
    if kind == "script":
        body = body[: body.index("\n    stub:\n")]
    preamble, _, rest = body.partition('"""')
    shell, _, _ = rest.partition('"""')
    return preamble, shell


def outputs(module: Path = MODULE) -> list[tuple[str, str, bool]]:
    """(emit name, glob, optional) of each file output of the ``output:`` block."""
    text = main_nf(module)
    section = text[text.index("\n    output:\n"):text.index("\n    when:\n")]
    found = []
    for line in section.splitlines():
        if m := re.search(r'path\("([^"]+)"\)\s*,\s*emit:\s*(\w+)\s*(,\s*optional:\s*true)?', line):
            found.append((m.group(2), m.group(1), bool(m.group(3))))
    return found


def variables(meta_id: str, ped: str | None, args: str = "", cpus: int = 2, prefix: str | None = None) -> dict[str, str]:
    """What main.nf's ``def`` lines compute (see :data:`GROOVY_DEFS`); ``prefix`` is ``task.ext.prefix``."""
    return {"args": args, "prefix": prefix or meta_id, "ped_arg": f"--ped {ped}" if ped else "",
            "formats": "" if "--format" in args else "--format json,tsv,multiqc", "task.cpus": str(cpus)}


def stub_variables(meta_id: str, args: str = "", prefix: str | None = None) -> dict[str, str]:
    prefix = prefix or meta_id
    cohort = "--all-samples" in args or "--samples " in args
    return {"args": args, "prefix": prefix,
            "sample_out": "" if cohort else f"touch {prefix}.varhlh.json {prefix}.varhlh.tsv {prefix}.varhlh_mqc.json "
                                            f"{prefix}.varhlh_results_mqc.json",
            "cohort_out": f"touch {prefix}.varhlh_part.json {prefix}.varhlh_cohort.tsv "
                          f"{prefix}.varhlh_cohort_alleles.tsv" if cohort else "",
            "vcf_out": f"touch {prefix}.varhlh.vcf.gz {prefix}.varhlh.vcf.gz.tbi"
            if not cohort and re.search(r"--format\s+\S*vcf", args) else "",
            "pp_out": f"touch {prefix}.phenopacket.json" if not cohort and "phenopacket" in args else "",
            "html_out": f"touch {prefix}.varhlh.html" if not cohort and re.search(r"--format\s+\S*html", args) else ""}


def substitute(shell: str, values: Mapping[str, str]) -> str:
    shell = shell.replace("\\\\\n", "\\\n")  # Groovy's escaped line continuation
    for name in sorted(values, key=len, reverse=True):
        shell = shell.replace("${" + name + "}", values[name]).replace("$" + name, values[name])
    leftover = re.findall(r"\$\{?[A-Za-z_][\w.]*", shell)
    assert not leftover, f"unsubstituted Groovy variables: {leftover}"
    return shell


def run(test: str, workdir: Path, args: str = "", env: Mapping[str, str] | None = None,
        inputs: tuple[str, Path, Path | None, Path | None, bool] | None = None, prefix: str | None = None) -> Path:
    """Stage the inputs of one nf-test test in ``workdir`` and run its block with bash; returns the task dir.

    ``inputs`` replaces ``TESTS[test]`` (meta id, vcf, index, ped, stub), ``prefix`` is ``task.ext.prefix``.
    """
    meta_id, vcf, index, ped, stub = inputs or TESTS[test]
    task = workdir / re.sub(r"\W+", "_", test)
    task.mkdir(parents=True)
    for source in (vcf, index, ped):
        if source is not None:
            (task / source.name).symlink_to(source)
    if stub:
        _, shell = block("stub")
        command = substitute(shell, stub_variables(meta_id, args, prefix))
    else:
        _, shell = block("script")
        values = {**variables(meta_id, ped.name if ped else None, args, prefix=prefix), "vcf": vcf.name}
        command = substitute(shell, values)
    bash(command, task, env, test)
    return task


def bash(command: str, task: Path, env: Mapping[str, str] | None = None, what: str = "block") -> None:
    """Run a substituted block as Nextflow's ``.command.sh`` does (``bash -eu``) in the task directory."""
    done = subprocess.run(["bash", "-eu", "-c", command], cwd=task, capture_output=True, text=True,
                          env=dict(env) if env is not None else None, timeout=600)
    assert done.returncode == 0, f"{what}: exit {done.returncode}\n{done.stderr}"


def _md5(path: Path) -> str:
    return f"{path.name}:md5,{hashlib.md5(path.read_bytes()).hexdigest()}"


def process_out(task: Path, meta_id: str | Mapping[str, Any], version: str, module: Path = MODULE,
                process: str = PROCESS) -> dict[str, Any]:
    """``process.out`` as nf-test serialises it: numbered and named channels, files as name:md5.

    A channel whose glob matches several files holds one ``[meta, [file, ...]]`` item (Nextflow's ``path``
    output with a glob), one file gives ``[meta, file]``.
    """
    meta = {"id": meta_id} if isinstance(meta_id, str) else dict(meta_id)
    channels: dict[str, Any] = {}
    declared = outputs(module)
    for index, (name, pattern, optional) in enumerate(declared):
        files = sorted(task.glob(pattern))
        assert files or optional, f"required output {name} ({pattern}) missing"
        value = [] if not files else [[meta, _md5(files[0]) if len(files) == 1 else [_md5(f) for f in files]]]
        channels[str(index)] = value
        channels[name] = value
    versions = [[process, "varhlh", version]]
    channels[str(len(declared))] = versions
    channels["versions_varhlh"] = versions
    return dict(sorted(channels.items()))


def snapshot_content(test: str, task: Path, version: str) -> list[Any]:
    meta_id, *_, stub = TESTS[test]
    out = process_out(task, meta_id, version)
    if stub:
        return [out]
    conclusion = json.loads(next(task.glob("*.varhlh.json")).read_text())["conclusion"]
    names = [out[channel][0][1].split(":md5,")[0] for channel in ("tsv", "mqc", "mqc_table")]
    decision = {key: conclusion[key] for key in ("primary_hlh", "transplant_workup", "genes")}
    return [*names, decision, {"versions_varhlh": out["versions_varhlh"]}]


def build_snapshot(workdir: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    from varhlh import __version__

    snapshot = {}
    for test in TESTS:
        task = run(test, workdir, env=env)
        snapshot[test] = {"content": snapshot_content(test, task, __version__)}
    return snapshot


def _environment() -> dict[str, str]:
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        built = build_snapshot(Path(tmp), _environment())
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    for entry in built.values():
        entry["timestamp"] = stamp
    SNAPSHOT.write_text(json.dumps(built, indent=4) + "\n")
    print(f"wrote {SNAPSHOT}")

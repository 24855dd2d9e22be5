"""Distribution: licence and metadata, and what the sdist and wheel contain.

The sdist is built (with hatchling, the project's build backend) from a copy of the project in which a
workflow run has left results behind, as the documented Snakemake run does (``results/varhlh/<sample>/…``,
``.snakemake/``), also inside ``workflows/``. None of those files may be packed, with or without the
``.gitignore`` (the include patterns are anchored, so they do not depend on it).
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

pytest.importorskip("hatchling", reason="hatchling is in the test extra (pip install 'varhlh[test]')")

RESULT_FILES = ("S01.varhlh.json", "S01.varhlh.tsv", "S01.varhlh_mqc.json", "S01.varhlh_results_mqc.json",
                "S01.phenopacket.json")


def _project_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", "__pycache__", "artifacts", ".hypothesis",
                                                              ".pytest_cache", "*.egg-info", "build", "dist"))
    return copy


def _simulate_workflow_run(project: Path) -> list[Path]:
    """What `snakemake -s workflows/snakemake/Snakefile --config outdir=results` (and a run from inside the
    workflow folder) leaves behind."""
    left = []
    for base in (project, project / "workflows" / "snakemake", project / "tests"):
        folder = base / "results" / "varhlh" / "S01"
        folder.mkdir(parents=True, exist_ok=True)
        for name in RESULT_FILES:
            (folder / name).write_text("{}\n")
            left.append(folder / name)
        (base / "results" / "logs" / "varhlh").mkdir(parents=True, exist_ok=True)
        (base / "results" / "logs" / "varhlh" / "S01.log").write_text("varhlh 0.1.0\n")
        (base / ".snakemake" / "log").mkdir(parents=True, exist_ok=True)
        (base / ".snakemake" / "log" / "run.snakemake.log").write_text("log\n")
    (project / "varhlh" / "report" / "S02.varhlh.json").write_text("{}\n")  # a stray result inside the package
    return left


def _build(project: Path, target: str, out: Path) -> Path:
    code = ("import sys; from hatchling.builders.{0} import {1}; "
            "print(next(iter({1}(sys.argv[1]).build(directory=sys.argv[2], versions=['standard']))))")
    module, cls = {"sdist": ("sdist", "SdistBuilder"), "wheel": ("wheel", "WheelBuilder")}[target]
    done = subprocess.run([sys.executable, "-c", code.format(module, cls), str(project), str(out)],
                          capture_output=True, text=True, check=True)
    return Path(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("gitignore", [True, False], ids=["with-gitignore", "without-gitignore"])
def test_sdist_after_a_workflow_run_packs_no_results(tmp_path: Path, gitignore: bool) -> None:
    project = _project_copy(tmp_path)
    _simulate_workflow_run(project)
    if not gitignore:
        (project / ".gitignore").unlink()
    sdist = _build(project, "sdist", tmp_path / "dist")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    leaked = [n for n in names if "/results/" in n or "/.snakemake/" in n or n.endswith(RESULT_FILES)
              or n.endswith("S02.varhlh.json")]
    assert leaked == []
    root = sdist.name.removesuffix(".tar.gz")
    for needed in ("LICENSE", "README.md", "pyproject.toml", "varhlh/cli.py", "gene_panels/hlh_genes.tsv",
                   "workflows/snakemake/workflow/Snakefile", "workflows/snakemake/workflow/schemas/samples.schema.yaml",
                   "workflows/snakemake/config/config.yaml", "workflows/nf-core/varhlh/triage/main.nf",
                   "workflows/nf-core/varhlh/triage/tests/main.nf.test.snap", "workflows/nf-core/schemas/LICENSE",
                   "recipes/varhlh/meta.yaml", "Dockerfile", "docs/install.md",
                   "tests/conftest.py", "examples/patient_fhl2.vcf.gz"):
        assert f"{root}/{needed}" in names, needed


@pytest.mark.slow
def test_wheel_carries_licence_urls_and_the_package_only(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)
    _simulate_workflow_run(project)
    wheel = _build(project, "wheel", tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(info))
    assert all(n.startswith(("varhlh/", "varhlh-")) for n in names), [n for n in names if "/" not in n]
    assert not [n for n in names if n.endswith(".varhlh.json")]
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "varhlh/gene_panels/hlh_genes.tsv" in names
    assert "varhlh/py.typed" in names
    assert metadata["License-Expression"] == "MIT"
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL"))
    assert set(urls) >= {"Homepage", "Documentation", "Source", "Issues"}
    classifiers = metadata.get_all("Classifier")
    assert "Topic :: Scientific/Engineering :: Bio-Informatics" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)


def test_licence_file_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
    assert project["license-files"] == ["LICENSE"]


def test_gitignore_keeps_workflow_runs_out_of_git() -> None:
    ignored = {line.strip() for line in (ROOT / ".gitignore").read_text().splitlines()}
    assert {"results/", ".snakemake/"} <= ignored

"""A base install (no extras) runs every offline command; optional features exit 4 with the exact install line.

Here the optional packages are hidden from a subprocess (``sys.modules[name] = None``: ``import`` fails and
``importlib.util.find_spec`` answers None, as in an environment without them). CI also checks the real thing:
``.ci/run`` installs ``pip install .`` into a second, empty virtual environment and runs
``.ci/base-install-check`` there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from varhlh.errors import ExitStatus

OPTIONAL = ("requests", "requests_cache", "pydantic", "phenopackets", "weasyprint", "pyarrow", "shtab")
"""Import names of every extra (online, phenopacket, pdf, parquet, completion)."""
HOM = DATA / "vcf" / "prf1_hom_w374x.vcf"


def _run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    code = ("import sys\n"
            f"for name in {OPTIONAL!r}: sys.modules[name] = None\n"
            "from varhlh.cli import main\n"
            f"code = main({list(argv)!r})\n"
            f"leaked = [m for m in {OPTIONAL!r} if sys.modules.get(m) is not None]\n"
            "assert not leaked, leaked\n"
            "raise SystemExit(code)\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)


@pytest.mark.parametrize("argv", [
    ["triage", str(HOM), "-o", "out", "--format", "json,tsv,vcf,multiqc,html"],
    ["panel", "show"],
    ["panel", "validate", str(ROOT / "gene_panels" / "hlh_genes.tsv")],
    ["schema"],
    ["resources", "show", "--dir", "data"],
    ["--version"],
], ids=["triage", "panel-show", "panel-validate", "schema", "resources-show", "version"])
def test_offline_commands_run_without_any_extra(tmp_path: Path, argv: list[str]) -> None:
    done = _run(tmp_path, *argv)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_report_html_runs_without_any_extra(tmp_path: Path) -> None:
    assert _run(tmp_path, "triage", str(HOM), "-o", "out", "-q").returncode == 0
    done = _run(tmp_path, "report", "out/NA12878.varhlh.json", "--format", "html", "-o", "report")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "report" / "NA12878.varhlh.html").stat().st_size > 1000


@pytest.mark.parametrize(("argv", "line"), [
    (["panel", "update", "--source", "panelapp", "-o", "new.tsv"], "pip install 'varhlh[online]'"),
    (["resources", "update", "--dir", "new.tsv"], "pip install 'varhlh[online]'"),
    (["triage", str(HOM), "-o", "out", "--annotate-online", "vep"], "pip install 'varhlh[online]'"),
    (["triage", str(HOM), "-o", "out", "--format", "json,phenopacket"], "pip install 'varhlh[phenopacket]'"),
    (["triage", str(HOM), "-o", "out", "--format", "pdf"], "pip install 'varhlh[pdf]'"),
    (["completion", "bash"], "pip install 'varhlh[completion]'"),
], ids=["panel-update", "resources-update", "annotate-online", "phenopacket", "pdf", "completion"])
def test_optional_features_exit_4_with_the_install_line(tmp_path: Path, argv: list[str], line: str) -> None:
    done = _run(tmp_path, *argv)
    assert done.returncode == ExitStatus.CONFIG, done.stderr
    assert line in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2  # at most the version line and the one-line refusal
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    assert not (tmp_path / "new.tsv").exists()


def test_extras_in_pyproject_match_the_install_lines() -> None:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"online", "phenopacket", "pdf", "parquet", "completion", "test"} <= set(extras)
    online = " ".join(extras["online"])
    assert all(name in online for name in ("requests", "requests-cache", "pydantic"))
    base = " ".join(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    for optional in ("requests", "pydantic", "phenopackets", "weasyprint", "pyarrow", "shtab"):
        assert optional not in base.replace("requests-cache", ""), optional

"""Panel validation and loading (from the checkout and from a built wheel)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from varhlh.errors import PanelError
from varhlh.models import Build, Inheritance, Tier, TransplantPolicy
from varhlh.panel import bundled_panel_dir, load_panel

ROOT = Path(__file__).resolve().parent.parent
CORE = ("PRF1", "UNC13D", "STX11", "STXBP2", "RAB27A", "LYST", "AP3B1", "SH2D1A", "XIAP")


def test_bundled_panel_covers_the_domain_genes() -> None:
    panel = load_panel()
    symbols = {g.symbol for g in panel.genes}
    assert set(CORE) <= symbols
    assert len(panel.sha256) == 64 and panel.version
    for symbol in CORE:
        assert (symbol, Build.GRCH37) in panel.transcripts and (symbol, Build.GRCH38) in panel.transcripts
    assert panel.gene("SH2D1A").inheritance is Inheritance.XL
    assert panel.gene("PIK3CD").mechanism.value == "GoF"
    assert panel.gene("PRF1").transplant_policy is TransplantPolicy.INDICATED
    assert panel.gene("XIAP").transplant_policy is TransplantPolicy.INDIVIDUALISED
    assert {g.tier for g in panel.genes if g.symbol in CORE[:4]} == {Tier.CORE_FHL}


def test_curated_table_has_the_hlh_specific_alleles() -> None:
    known = {(k.gene, k.hgvs_c): k for k in load_panel().known_variants}
    a91v = known[("PRF1", "c.272C>T")]
    assert a91v.classification.value == "risk_allele" and a91v.diagnostic_weight.value == "hypomorph"
    assert known[("PRF1", "c.50del")].frequency_exempt
    assert known[("UNC13D", "c.118-308C>T")].classification.value == "pathogenic"
    assert known[("UNC13D", "c.175G>A")].classification.value == "benign"


PRF1_LINE = next(i for i, line in enumerate((bundled_panel_dir() / "hlh_genes.tsv").read_text().splitlines(), 1)
                 if line.startswith("PRF1\t"))
"""1-based line of the first gene row of the bundled genes file (the header is the line before)."""


def _copy_panel(tmp_path: Path) -> Path:
    for name in ("hlh_genes.tsv", "hlh_exons.tsv", "hlh_known_variants.tsv"):
        shutil.copy(bundled_panel_dir() / name, tmp_path / name)
    shutil.copytree(bundled_panel_dir() / "knowledge", tmp_path / "knowledge")
    return tmp_path / "hlh_genes.tsv"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("hlh_genes.tsv", "\tAR\tLoF\tFamilial HLH type 2", "\tAR-ish\tLoF\tFamilial HLH type 2", f"line {PRF1_LINE}, column 'inheritance'"),
    ("hlh_genes.tsv", "HGNC:9360", "9360", "column 'hgnc_id'"),
    ("hlh_genes.tsv", "\t72357104\t", "\tabc\t", "column 'grch37_start': expected a positive integer"),
    ("hlh_genes.tsv", "##panel_version=2.0.0\n", "", "panel_version"),
    ("hlh_genes.tsv", "\tcore_fhl\t", "\tcore fhl\t", "column 'tier'"),
    ("hlh_known_variants.tsv", "\trisk_allele\t", "\tmaybe\t", "column 'classification'"),
    ("hlh_exons.tsv", "PRF1\tNM_001083116.3\tGRCh37", "PRFX\tNM_001083116.3\tGRCh37", "not in the panel"),
])
def test_malformed_panel_names_file_line_and_column(tmp_path: Path, file: str, old: str, new: str,
                                                    message: str) -> None:
    genes = _copy_panel(tmp_path)
    _edit(tmp_path / file, old, new)
    with pytest.raises(PanelError, match=message) as info:
        load_panel(genes)
    assert str(tmp_path) in str(info.value)


def test_panel_with_spaces_instead_of_tabs(tmp_path: Path) -> None:
    genes = _copy_panel(tmp_path)
    lines = genes.read_text().splitlines(keepends=True)
    row = PRF1_LINE - 1
    lines[row] = lines[row].replace("\t", "  ", 3)
    genes.write_text("".join(lines))
    with pytest.raises(PanelError, match=rf"line {PRF1_LINE}: .* spaces used instead of tabs"):
        load_panel(genes)


def test_sha256_changes_with_any_panel_file(tmp_path: Path) -> None:
    genes = _copy_panel(tmp_path)
    before = load_panel(genes).sha256
    exons = tmp_path / "hlh_exons.tsv"
    exons.write_text(exons.read_text() + "\n")  # a blank line: same content, different bytes
    assert load_panel(genes).sha256 != before
    middle = load_panel(genes).sha256
    regions = tmp_path / "knowledge" / "critical_regions.tsv"
    regions.write_text(regions.read_text() + "\n")  # the knowledge base is part of the panel's fingerprint
    assert load_panel(genes).sha256 != middle


def test_panel_loads_from_a_built_wheel(tmp_path: Path) -> None:
    """The bundled gene_panels/ must be inside the wheel and loadable from it, not only from a checkout."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheel_dir)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("varhlh-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("hlh_genes.tsv", "hlh_exons.tsv", "hlh_known_variants.tsv", "README.md"):
        assert f"varhlh/gene_panels/{name}" in names
    assert "varhlh/schema/result-v2.schema.json" in names and "varhlh/py.typed" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import varhlh.panel as p; d = p.bundled_panel_dir(); panel = p.load_panel(); "
            "print(d); print(panel.name, len(panel.genes))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, cwd=tmp_path).stdout
    assert str(site) in out.splitlines()[0]
    assert out.splitlines()[1].startswith(f"varhlh-hlh {len(load_panel(None).genes)}")

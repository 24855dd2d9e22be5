"""PanelApp: the inheritance vocabulary map on real PanelApp strings, and ``varhlh panel update|show|validate``.

The local server serves tests/data/online/panelapp/panel_398_v8.78_excerpt.json: 16 gene entries of
Genomics England PanelApp panel 398 v8.78 transcribed from the API (see tests/data/online/README.md).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT
from pytest_httpserver import HTTPServer

from varhlh.models import Inheritance, Mechanism
from varhlh.online.panel_update import Table
from varhlh.online.panelapp import LOF_EXCEPTION, MOI_TABLE, PanelDetail, map_mechanism, map_moi
from varhlh.panel import load_panel

EXCERPT = DATA / "online" / "panelapp" / "panel_398_v8.78_excerpt.json"
PANEL_PATH = "/api/v1/panels/398/"
XL_BIALLELIC_FEMALES = "X-LINKED: hemizygous mutation in males, biallelic mutations in females"


@pytest.mark.parametrize(("text", "expected"), [
    ("BIALLELIC, autosomal or pseudoautosomal", Inheritance.AR),
    (XL_BIALLELIC_FEMALES, Inheritance.XL),
    ("X-LINKED: hemizygous mutation in males, monoallelic mutations in females may cause disease (may be less "
     "severe, later onset than males)", Inheritance.XL),
    ("MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted", Inheritance.AD),
    ("MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown", Inheritance.AD),
    ("MONOALLELIC, autosomal or pseudoautosomal, maternally imprinted (paternal allele expressed)", Inheritance.AD),
    ("MONOALLELIC, autosomal or pseudoautosomal, paternally imprinted (maternal allele expressed)", Inheritance.AD),
    ("BOTH monoallelic and biallelic, autosomal or pseudoautosomal", None),
    ("BOTH monoallelic and biallelic (but BIALLELIC mutations cause a more SEVERE disease form), autosomal or "
     "pseudoautosomal", None),
    ("MITOCHONDRIAL", None),
    ("Unknown", None),
    ("Other", None),
    ("Other - please specifiy in evaluation comments", None),
    ("", None),
    (None, None),
    ("  X-LINKED:  hemizygous mutation in males,\tbiallelic mutations in females ", Inheritance.XL),
    ("biallelic", None),  # not a PanelApp choice: never guessed from a substring
])
def test_panelapp_moi_strings_map_exactly(text: str | None, expected: Inheritance | None) -> None:
    assert map_moi(text).inheritance is expected


def test_the_x_linked_biallelic_trap() -> None:
    """The X-linked wording contains 'biallelic'; substring matching would call SH2D1A recessive."""
    assert "biallelic" in XL_BIALLELIC_FEMALES.lower()
    assert map_moi(XL_BIALLELIC_FEMALES).inheritance is Inheritance.XL
    assert map_moi("biallelic").meaning == "unrecognised PanelApp mode of inheritance"
    assert {rule.text for rule in MOI_TABLE if rule.inheritance is Inheritance.AR} == {
        "BIALLELIC, autosomal or pseudoautosomal"}


def test_every_moi_string_of_the_recorded_panel_is_in_the_table() -> None:
    detail = PanelDetail.model_validate(json.loads(EXCERPT.read_text()))
    got = {e.symbol: map_moi(e.mode_of_inheritance).inheritance for e in detail.genes}
    assert got["SH2D1A"] is Inheritance.XL and got["POLA1"] is Inheritance.XL and got["XIAP"] is Inheritance.XL
    assert got["PRF1"] is Inheritance.AR and got["STAT3"] is Inheritance.AD and got["PIK3CD"] is None
    assert all(map_moi(e.mode_of_inheritance).meaning != "unrecognised PanelApp mode of inheritance"
               for e in detail.genes)


@pytest.mark.parametrize(("text", "expected"), [
    (LOF_EXCEPTION, Mechanism.GOF),
    (None, None),
    ("", None),
    ("Other - please provide details in the comments", None),
])
def test_mode_of_pathogenicity(text: str | None, expected: Mechanism | None) -> None:
    assert map_mechanism(text) is expected


# --------------------------------------------------------------------------- panel update


@pytest.fixture
def panelapp(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request(PANEL_PATH, query_string={"version": "8.78"}).respond_with_json(
        json.loads(EXCERPT.read_text()))
    return httpserver


def update(run_cli: Any, tmp_path: Path, server: HTTPServer, *extra: str, out: str = "new/hlh_pa.tsv") -> Any:
    config = tmp_path / "panelapp.toml"
    url = server.url_for("/api/v1")
    config.write_text(f'panelapp_url = "{url}"\npanelapp_au_url = "{url}"\nonline_retries = 0\n')
    return run_cli("panel", "update", "--config", str(config), "--cache-dir", str(tmp_path / "cache"),
                   "-o", str(tmp_path / out), *extra)


def edited_base(tmp_path: Path, edit: dict[str, dict[str, str]], drop: str | None = None) -> Path:
    """A copy of the bundled panel with some cells changed and one gene dropped (every table)."""
    base = tmp_path / "base"
    shutil.copytree(ROOT / "gene_panels", base)
    knowledge = [(f"knowledge/{p.name}", "gene") for p in sorted((base / "knowledge").glob("*.tsv"))]
    for name, column in (("hlh_genes.tsv", "symbol"), ("hlh_exons.tsv", "symbol"), ("hlh_known_variants.tsv", "gene"),
                         *knowledge):
        table = Table.read(base / name)
        table.rows = [r for r in table.rows if r[column] != drop]
        for row in table.rows:
            row.update(edit.get(row[column], {}) if name == "hlh_genes.tsv" else {})
        (base / name).write_text(table.render())
    return base / "hlh_genes.tsv"


def test_update_writes_a_valid_pinned_panel_and_a_diff(run_cli, tmp_path, panelapp) -> None:  # type: ignore[no-untyped-def]
    result = update(run_cli, tmp_path, panelapp, "--source", "panelapp", "--version", "8.78")
    assert result.code == 0, result.err
    out = tmp_path / "new"
    assert sorted(p.name for p in out.iterdir()) == ["hlh_pa.diff.txt", "hlh_pa.exons.tsv", "hlh_pa.knowledge",
                                                     "hlh_pa.known_variants.tsv", "hlh_pa.tsv"]
    # only the panel id and version left the machine
    assert [(r.method, r.path, r.query_string, r.data) for r, _ in panelapp.log] == [
        ("GET", PANEL_PATH, b"version=8.78", b"")]
    panel = load_panel(out / "hlh_pa.tsv")
    base = load_panel(None)
    assert (panel.name, panel.version, panel.date) == ("varhlh-hlh+panelapp-398",
                                                       f"{base.version}+panelapp.398.v8.78", base.date)
    meta = dict(Table.read(out / "hlh_pa.tsv").meta)
    assert (meta["panelapp_panel_id"], meta["panelapp_panel_version"]) == ("398", "8.78")
    assert meta["exon_models"] == "hlh_pa.exons.tsv" and meta["known_variants"] == "hlh_pa.known_variants.tsv"
    assert meta["knowledge"] == "hlh_pa.knowledge"  # the knowledge base travels with the panel, for the genes kept
    known = Table.read(out / "hlh_pa.knowledge" / "known_alleles.tsv").rows
    assert known and all(r["gene"] != "UNC13D" for r in known) and any(r["gene"] == "PRF1" for r in known)
    assert len(panel.knowledge.known) == len(known)
    genes = {g.symbol: g for g in panel.genes}
    assert genes["SH2D1A"].inheritance is Inheritance.XL and genes["XIAP"].inheritance is Inheritance.XL
    assert genes["PIK3CD"].inheritance is Inheritance.AD and genes["PIK3CD"].mechanism is Mechanism.GOF
    assert "UNC13D" not in genes and "GTF3AP5" not in genes and "ACD" not in genes
    diff = (out / "hlh_pa.diff.txt").read_text()
    assert result.out == diff
    assert "  - UNC13D (core_fhl, green): not in the PanelApp panel" in diff
    assert ("  ! PIK3CD: mode of inheritance 'BOTH monoallelic and biallelic, autosomal or pseudoautosomal' "
            "(ambiguous: monoallelic and biallelic): not applied; AD kept") in diff
    assert "Changed (applied): 0" in diff and "SH2D1A" in diff.split("Unchanged: ")[1]
    for gene in ("ACD", "POLA1", "STAT3", "GTF3AP5"):  # no HLH phenotype, or removed (rating 0): not proposed
        assert gene not in diff
    # the bundled panel was not touched; a report made with the new panel names its PanelApp version
    assert load_panel(None).version == base.version and load_panel(None).sha256 == base.sha256
    triage = run_cli("triage", str(DATA / "vcf" / "prf1_hom_w374x.vcf"), "--panel", str(out / "hlh_pa.tsv"))
    assert triage.code == 0, triage.err
    report = triage.json()
    assert report["panel"]["version"] == f"{base.version}+panelapp.398.v8.78"
    assert report["conclusion"]["primary_hlh"] == "confirmed"


def test_update_is_deterministic_and_replays_offline(run_cli, tmp_path, panelapp) -> None:  # type: ignore[no-untyped-def]
    first = update(run_cli, tmp_path, panelapp, "--source", "panelapp", "--version", "8.78", out="a/p.tsv")
    second = update(run_cli, tmp_path, panelapp, "--source", "panelapp", "--version", "8.78", "--offline",
                    out="b/p.tsv")
    assert first.code == second.code == 0, second.err
    assert len(panelapp.log) == 1
    for name in ("p.tsv", "p.exons.tsv", "p.known_variants.tsv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "from cache: yes" in (tmp_path / "b" / "p.diff.txt").read_text()


def test_changes_and_candidates_are_listed(run_cli, tmp_path, panelapp) -> None:  # type: ignore[no-untyped-def]
    base = edited_base(tmp_path, {"PRF1": {"panelapp_rating": "amber"}, "SH2D1A": {"inheritance": "AR"},
                                  "PIK3CD": {"mechanism": "LoF"}}, drop="RAB27A")
    result = update(run_cli, tmp_path, panelapp, "--source", "panelapp", "--version", "8.78", "--panel", str(base))
    assert result.code == 0, result.err
    diff = result.out
    assert "  ~ PRF1: rating amber -> green" in diff
    assert f"  ~ SH2D1A: inheritance AR -> XL ({XL_BIALLELIC_FEMALES})" in diff
    assert "  ~ PIK3CD: mechanism LoF -> GoF (PanelApp: loss-of-function variants do not cause this phenotype" in diff
    assert ("  + RAB27A (HGNC:9766): green, AR (BIALLELIC, autosomal or pseudoautosomal); GRCh37 15:55495164-55611311, "
            "GRCh38 15:55202966-55319113; phenotypes: Griscelli syndrome, type 2 607624") in diff
    panel = load_panel(tmp_path / "new" / "hlh_pa.tsv")
    genes = {g.symbol: g for g in panel.genes}
    assert "RAB27A" not in genes  # never added without a MANE transcript and strand
    assert genes["SH2D1A"].inheritance is Inheritance.XL and genes["PRF1"].panelapp_rating.value == "green"
    assert "Genomics England PanelApp panel 398 v8.78: rating amber -> green." in (genes["PRF1"].notes or "")
    assert base.read_text().count("\tamber\t") >= 1  # the base panel is unchanged


def test_a_dedicated_panel_takes_every_gene(run_cli, tmp_path, panelapp) -> None:  # type: ignore[no-untyped-def]
    result = update(run_cli, tmp_path, panelapp, "--source", "panelapp-au", "--panel-id", "398", "--version", "8.78")
    assert result.code == 0, result.err
    for gene in ("ACD", "POLA1", "STAT3"):
        assert f"  + {gene} (" in result.out
    assert "GTF3AP5" not in result.out


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: {**d, "version": "8.79"}, "asked for version 8.78, got version 8.79"),
    (lambda d: {**d, "genes": [{**g, "confidence_level": 3} for g in d["genes"]]},
     "schema drift?): genes.0.confidence_level: Input should be a valid string"),
    (lambda d: {k: v for k, v in d.items() if k != "genes"}, "schema drift?): genes: Field required"),
])
def test_bad_panel_answers_exit_5(run_cli, tmp_path, httpserver, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request(PANEL_PATH).respond_with_json(mutate(json.loads(EXCERPT.read_text())))
    result = update(run_cli, tmp_path, httpserver, "--source", "panelapp", "--version", "8.78")
    assert result.code == 5
    lines = [line for line in result.err.splitlines() if line.startswith("varhlh: error:")]
    assert len(lines) == 1 and message in lines[0], result.err
    assert not (tmp_path / "new").exists()


def test_unknown_panel_is_a_one_line_404(run_cli, tmp_path, httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/api/v1/panels/99999/").respond_with_json({"detail": "Not found."}, status=404)
    result = update(run_cli, tmp_path, httpserver, "--source", "panelapp", "--panel-id", "99999")
    assert result.code == 5
    assert "panel 99999 (current version): HTTP 404 (Not found.)" in result.err


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--source", "panelapp", "-o", str(ROOT / "gene_panels" / "hlh_genes.tsv")], 2, "never replaces a panel"),
    (["--source", "panelapp-au", "-o", "x.tsv"], 2, "has no default panel; give --panel-id"),
    (["--source", "panelapp", "--offline", "--no-cache", "-o", "x.tsv"], 2, "cannot be combined with --no-cache"),
])
def test_update_refusals_send_nothing(run_cli, tmp_path, httpserver, args: list[str], code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "c.toml"
    config.write_text(f'panelapp_url = "{httpserver.url_for("/api/v1")}"\n')
    result = run_cli("panel", "update", "--config", str(config), "--cache-dir", str(tmp_path / "cache"), *args)
    assert result.code == code and message in result.err
    assert httpserver.log == []


def test_panel_show_and_validate(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    shown = run_cli("panel", "show")
    assert shown.code == 0
    assert "panel_name: varhlh-hlh" in shown.out and "\nPRF1 " in shown.out and f"genes: {len(load_panel(None).genes)};" in shown.out
    ok = run_cli("panel", "validate", str(ROOT / "gene_panels" / "hlh_genes.tsv"))
    assert ok.code == 0 and f"valid panel varhlh-hlh {load_panel(None).version} ({len(load_panel(None).genes)} genes" in ok.out
    broken = tmp_path / "broken.tsv"
    lines = (ROOT / "gene_panels" / "hlh_genes.tsv").read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("PRF1\t"))
    broken.write_text("\n".join([*lines[:first], lines[first].replace("\tAR\t", "\tRecessive\t", 1),
                                 *lines[first + 1:]]) + "\n")
    bad = run_cli("panel", "validate", str(broken))
    assert bad.code == 4
    assert f"line {first + 1}, column 'inheritance': 'Recessive' is not one of: AR, XL, AD" in bad.err

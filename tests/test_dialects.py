"""The same HLH alleles annotated three ways (VEP CSQ, SnpEff ANN, bcftools BCSQ) or not at all.

The annotation is CONSTRUCTED (tests/data/interpretation/build_annotated.py) and added to copies
of the spiked real-background fixtures; every dialect fixture also gets the same INFO population
frequencies. End to end through ``varhlh triage``: the classification, evidence codes and gene
calls must not depend on the dialect, with the bundled panel (curated alleles) and with a panel
whose curated table is removed (classification from the annotation alone). Without annotation the
built-in model with ``--fasta`` must reach the same result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from interpretation_fixtures import DIALECTS, FREQUENCY, annotate_copy, bare_panel, reference_fasta  # noqa: F401

FIXTURES = ["prf1_comphet_phased_trans", "prf1_w374x_a91v_trans", "stx11_hom_q268x", "unc13d_deepintronic_splice"]


def decision(data: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on the annotation dialect."""
    return {
        "conclusion": {k: data["conclusion"][k] for k in ("primary_hlh", "transplant_workup", "genes")},
        "genes": {g["symbol"]: (g["call"], g["phase"], g["strength"], g["variant_ids"]) for g in data["genes"]
                  if g["call"] != "none" or g["variant_ids"]},
        "alleles": {v["id"]: (v["classification"], v["evidence"], v["diagnostic_weight"], v["reportable"])
                    for v in data["variants"] if v["zygosity"] != "ref"},
    }


def _run(run_cli, vcf: Path, *args: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(vcf), *args)
    assert run.code == 0, run.err
    return run.json()


@pytest.fixture(scope="module")
def annotated(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    root = tmp_path_factory.mktemp("dialects")
    out = {}
    for name in FIXTURES:
        source = DATA / "vcf" / f"{name}.vcf"
        for dialect, annotation in DIALECTS.items():
            out[(name, dialect)] = annotate_copy(source, root / f"{name}.{dialect}.vcf", [annotation, FREQUENCY])
        out[(name, "none")] = annotate_copy(source, root / f"{name}.none.vcf", [FREQUENCY])
    return out


@pytest.mark.parametrize("name", FIXTURES)
def test_three_dialects_same_result_with_curated_panel(run_cli, annotated, name: str) -> None:  # type: ignore[no-untyped-def]
    results = {d: _run(run_cli, annotated[(name, d)]) for d in DIALECTS}
    sources = {d: {v["annotation_source"] for v in r["variants"] if v["reportable"]} for d, r in results.items()}
    assert sources["vep"] == {"VCF CSQ (vep)"} and sources["snpeff"] == {"VCF ANN (snpeff)"}
    assert sources["bcsq"] == {"VCF BCSQ (bcsq)"}
    assert decision(results["snpeff"]) == decision(results["vep"]) == decision(results["bcsq"])
    unannotated = _run(run_cli, annotated[(name, "none")])
    assert decision(unannotated) == decision(results["vep"])


@pytest.mark.parametrize("name", FIXTURES)
def test_three_dialects_same_result_from_annotation_alone(run_cli, annotated, bare_panel: Path,  # noqa: F811
                                                          reference_fasta: Path, name: str) -> None:  # noqa: F811
    results = {d: _run(run_cli, annotated[(name, d)], "--panel", str(bare_panel)) for d in DIALECTS}
    assert decision(results["snpeff"]) == decision(results["vep"]) == decision(results["bcsq"])
    with_fasta = _run(run_cli, annotated[(name, "none")], "--panel", str(bare_panel), "--fasta", str(reference_fasta))
    assert decision(with_fasta) == decision(results["vep"])


def test_expected_calls_from_annotation_alone(run_cli, annotated, bare_panel: Path) -> None:  # noqa: F811
    """What the rules give without the curated table (PRF1 W374X/S150X phased in trans)."""
    data = _run(run_cli, annotated[("prf1_comphet_phased_trans", "bcsq")], "--panel", str(bare_panel))
    alleles = decision(data)["alleles"]
    assert alleles["10-72360210-G-T"][:2] == ("likely_pathogenic", ["PVS1", "PM2_Supporting"])
    # last exon: PVS1_Strong; rare (popmax 3.5e-05); in trans with a likely pathogenic allele: PM3_Supporting
    assert alleles["10-72358355-C-T"][:2] == ("likely_pathogenic", ["PVS1_Strong", "PM2_Supporting",
                                                                     "PM3_Supporting"])
    assert decision(data)["genes"]["PRF1"][:3] == ("biallelic", "trans", "confirmed")
    a91v = decision(_run(run_cli, annotated[("prf1_w374x_a91v_trans", "vep")], "--panel", str(bare_panel),
                         "--all-alleles"))
    assert a91v["alleles"]["10-72360387-G-A"][:2] == ("benign", ["BA1"])  # why A91V must be curated

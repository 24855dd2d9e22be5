"""PM3 / BP2 after phasing (ClinGen SVI PM3 v1.0): truth table, circularity guard, end to end."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import DATA
from factories import PANEL, record, variant
from interpretation_fixtures import FREQUENCY, annotate_copy, bare_panel  # noqa: F401  (session fixture)

from varhlh.classify.pm3 import apply_pm3, criteria_for
from varhlh.models import Annotation, Classification, Family, FrequencyEvidence, VariantResult
from varhlh.settings import Settings

SETTINGS = Settings()
ABSENT = FrequencyEvidence(None, "gnomAD_AF", None, None, "VCF INFO (gnomAD_AF)")
COMMON = FrequencyEvidence(0.002, "gnomAD_AF", None, None, "VCF INFO (gnomAD_AF)")


def candidate(pos: int, gt: str, *, gene: str = "PRF1", chrom: str = "10", freq: FrequencyEvidence | None = None,
              family: dict[str, str] | None = None, **kw: object) -> VariantResult:
    """A non-curated missense allele (first pass: uncertain, reportable)."""
    v = variant(record(pos, gt, chrom=chrom, family=family, **kw), gene=gene,
                classification=Classification.UNCERTAIN)
    annotation = Annotation("missense_variant", "MODERATE", None, f"c.{pos % 1000}C>T", None, "VCF CSQ (vep)",
                            frequency=freq)
    return dataclasses.replace(v, annotation=annotation)


def partner(pos: int, gt: str, classification: Classification, *, gene: str = "PRF1", chrom: str = "10",
            family: dict[str, str] | None = None, **kw: object) -> VariantResult:
    return variant(record(pos, gt, chrom=chrom, family=family, **kw), gene=gene, classification=classification,
                   hgvs_c="c.449C>A")


P, LP = Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC


@pytest.mark.parametrize(("gt_a", "gt_b", "partner_class", "kw", "codes"), [
    ("0|1", "1|0", P, {"ps": "100"}, ["PM3"]),                  # trans, phase set: 1.0
    ("0|1", "1|0", LP, {"ps": "100"}, ["PM3_Supporting"]),      # trans with LP: 0.5
    ("0/1", "0/1", P, {}, ["PM3_Supporting"]),                  # phase unknown with P: 0.5
    ("0/1", "0/1", LP, {}, []),                                 # phase unknown with LP: 0.25 -> nothing
    ("0|1", "0|1", P, {"ps": "100"}, ["BP2"]),                  # cis with P
    ("0|1", "0|1", LP, {"ps": "100"}, []),                      # cis with LP: BP2 needs a pathogenic partner
    ("0|1", "1|0", Classification.UNCERTAIN, {"ps": "100"}, []),  # a VUS partner never gives PM3
    ("0|1", "1|0", Classification.RISK_ALLELE, {"ps": "100"}, []),
])
def test_pm3_truth_table(gt_a: str, gt_b: str, partner_class: Classification, kw: dict, codes: list[str]) -> None:  # type: ignore[type-arg]
    a, b = candidate(72358355, gt_a, **kw), partner(72360210, gt_b, partner_class, **kw)
    criteria = criteria_for(a, [a, b], Family(), SETTINGS)
    assert [c.code for c in criteria if c.code] == codes
    if codes:
        text = " ".join(c.reason for c in criteria)
        assert b.id in text and "c.449C>A" in text
        assert ("phase set PS=100" in text) == bool(kw)
    if partner_class is LP and not kw:
        assert "0.25" in criteria[0].reason and "not applied" in criteria[0].reason


def test_proximity_cis_is_not_bp2() -> None:
    a, b = candidate(72358355, "0|1", ps="100"), partner(72358357, "0|1", P, ps="100")
    criteria = criteria_for(a, [a, b], Family(), SETTINGS)
    assert [c.code for c in criteria] == [None] and "probably one event" in criteria[0].reason


@pytest.mark.parametrize(("freq", "codes"), [(ABSENT, ["PM3_Supporting"]), (None, []), (COMMON, [])])
def test_homozygous_rare_allele(freq: FrequencyEvidence | None, codes: list[str]) -> None:
    a = candidate(72358355, "1/1", freq=freq)
    assert [c.code for c in criteria_for(a, [a], Family(), SETTINGS) if c.code] == codes


def test_parents_give_the_phase() -> None:
    family = Family(father="F", mother="M")
    a = candidate(72358355, "0/1", family={"F": "0/1", "M": "0/0"})
    b = partner(72360210, "0/1", P, family={"F": "0/0", "M": "0/1"})
    criteria = criteria_for(a, [a, b], family, SETTINGS)
    assert criteria[0].code == "PM3" and "inherited from the father" in criteria[0].reason


@pytest.mark.parametrize(("gene", "chrom"), [("XIAP", "X"), ("PIK3CD", "1")])
def test_not_applied_outside_recessive_genes(gene: str, chrom: str) -> None:
    a = candidate(1000, "0|1", gene=gene, chrom=chrom, ps="1")
    b = partner(1200, "1|0", P, gene=gene, chrom=chrom, ps="1")
    assert criteria_for(a, [a, b], Family(), SETTINGS) == ()


def test_curated_alleles_keep_the_table_classification() -> None:
    known = next(k for k in PANEL.known_variants if k.hgvs_c == "c.272C>T")
    a = candidate(72360387, "0|1", ps="100")
    a = dataclasses.replace(a, annotation=dataclasses.replace(a.annotation, known=known))
    b = partner(72360210, "1|0", P, ps="100")
    assert criteria_for(a, [a, b], Family(), SETTINGS) == ()


def test_no_circular_counting() -> None:
    """A (VUS on its own) gains PM3 from B (LP); B must not then gain PM3 from A's new status, and
    two uncertain alleles in trans never raise each other."""
    a = candidate(72358355, "0|1", ps="100")
    b = dataclasses.replace(candidate(72360210, "1|0", ps="100"),
                            interpretation=dataclasses.replace(partner(72360210, "1|0", LP).interpretation))
    # A's own evidence: missense, no frequency -> uncertain; B is LP on its own evidence.
    a_new, b_new = apply_pm3([a, b], Family(), SETTINGS)
    assert "PM3_Supporting" in a_new.interpretation.evidence
    assert b_new is b  # B's partner A was uncertain before PM3: nothing for B
    c, d = candidate(72358355, "0|1", ps="100"), candidate(72360210, "1|0", ps="100")
    assert apply_pm3([c, d], Family(), SETTINGS) == (c, d)


def test_end_to_end_pm3_and_bp2(run_cli, bare_panel: Path, tmp_path: Path) -> None:  # noqa: F811
    """Without the curated table, W374X (last exon) is PVS1_Strong; in trans with S150X it earns
    PM3; in cis it does not (and the gene is monoallelic)."""
    for name, expected_code, call in (("prf1_comphet_phased_trans", "PM3_Supporting", "biallelic"),
                                      ("prf1_comphet_phased_cis", None, "monoallelic")):
        vcf = annotate_copy(DATA / "vcf" / f"{name}.vcf", tmp_path / f"{name}.vcf", ["annotations_bcsq.vcf", FREQUENCY])
        run = run_cli("triage", str(vcf), "--panel", str(bare_panel))
        assert run.code == 0, run.err
        data = run.json()
        w374x = next(v for v in data["variants"] if v["id"] == "10-72358355-C-T")
        pm3 = [e for e in w374x["evidence"] if e.startswith("PM3")]
        assert pm3 == ([expected_code] if expected_code else [])
        if expected_code:
            assert any("10-72360210-G-T" in r and "PS=72358355" in r for r in w374x["reasons"])
        assert next(g for g in data["genes"] if g["symbol"] == "PRF1")["call"] == call

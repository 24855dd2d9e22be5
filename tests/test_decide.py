"""The decision table: gene strength x tier x transplant policy -> conclusion."""

from __future__ import annotations

import pytest

from varhlh.decide.decision import cap_by_tier, decide, workup_for
from varhlh.models import GeneCall, GeneResult, Inheritance, Phase, PrimaryHlh, Strength, TransplantWorkup
from varhlh.panel import load_panel

PANEL = load_panel()
C, S, U = Strength.CONFIRMED, Strength.SUSPECTED, Strength.UNDETERMINED


def gene(symbol: str, call: GeneCall, strength: Strength, phase: Phase = Phase.TRANS) -> GeneResult:
    g = PANEL.gene(symbol)
    return GeneResult(symbol, g.inheritance, call, phase, ("evidence",), (f"{symbol}-1",), strength, ("why",))


@pytest.mark.parametrize(("symbol", "call", "strength", "primary", "workup"), [
    # Henter 2024 rows / indication matrix §4.2
    ("PRF1", GeneCall.BIALLELIC, C, PrimaryHlh.CONFIRMED, TransplantWorkup.INDICATED),
    ("UNC13D", GeneCall.BIALLELIC, C, PrimaryHlh.CONFIRMED, TransplantWorkup.INDICATED),
    ("STX11", GeneCall.BIALLELIC, C, PrimaryHlh.CONFIRMED, TransplantWorkup.INDICATED),
    ("STXBP2", GeneCall.BIALLELIC, C, PrimaryHlh.CONFIRMED, TransplantWorkup.INDICATED),
    ("RAB27A", GeneCall.BIALLELIC, C, PrimaryHlh.CONFIRMED, TransplantWorkup.INDICATED),
    ("LYST", GeneCall.BIALLELIC, C, PrimaryHlh.CONFIRMED, TransplantWorkup.INDICATED),
    ("AP3B1", GeneCall.BIALLELIC, C, PrimaryHlh.CONFIRMED, TransplantWorkup.CONSIDER),
    ("SH2D1A", GeneCall.HEMIZYGOUS, C, PrimaryHlh.CONFIRMED, TransplantWorkup.INDICATED),
    ("XIAP", GeneCall.HEMIZYGOUS, C, PrimaryHlh.CONFIRMED, TransplantWorkup.CONSIDER),
    ("PRF1", GeneCall.BIALLELIC, S, PrimaryHlh.SUSPECTED, TransplantWorkup.CONSIDER),
    ("PRF1", GeneCall.POSSIBLE_BIALLELIC, S, PrimaryHlh.SUSPECTED, TransplantWorkup.CONSIDER),
    ("PRF1", GeneCall.MONOALLELIC, U, PrimaryHlh.UNDETERMINED, TransplantWorkup.NOT_INDICATED_BY_GENETICS),
    ("ITK", GeneCall.BIALLELIC, C, PrimaryHlh.SUSPECTED, TransplantWorkup.CONSIDER),       # EBV IEI: capped
    ("NLRC4", GeneCall.DOMINANT, C, PrimaryHlh.SUSPECTED, TransplantWorkup.NOT_INDICATED_BY_GENETICS),
    ("PIK3CD", GeneCall.DOMINANT, C, PrimaryHlh.SUSPECTED, TransplantWorkup.NOT_INDICATED_BY_GENETICS),
    ("RHOG", GeneCall.BIALLELIC, C, PrimaryHlh.UNDETERMINED, TransplantWorkup.NOT_INDICATED_BY_GENETICS),
])
def test_decision_table(symbol: str, call: GeneCall, strength: Strength, primary: PrimaryHlh,
                        workup: TransplantWorkup) -> None:
    genes, conclusion = decide([gene(symbol, call, strength)], PANEL.genes)
    assert (conclusion.primary_hlh, conclusion.transplant_workup) == (primary, workup)
    assert conclusion.summary.endswith(".") and conclusion.recommendations and conclusion.reasons
    assert (symbol in conclusion.genes) is (primary is not PrimaryHlh.UNDETERMINED)


def test_confirmed_recommendations_name_hla_typing_and_sibling_testing() -> None:
    _, conclusion = decide([gene("PRF1", GeneCall.BIALLELIC, C)], PANEL.genes)
    text = " ".join(conclusion.recommendations)
    assert "HLA typing" in text and "before any sibling is considered as a donor" in text
    assert "25% recurrence" in text and "perforin" in text


def test_suspected_unknown_phase_recommends_parental_testing() -> None:
    _, conclusion = decide([gene("PRF1", GeneCall.POSSIBLE_BIALLELIC, S, Phase.UNKNOWN)], PANEL.genes)
    assert any("test both parents" in r for r in conclusion.recommendations)


def test_monoallelic_unc13d_points_to_hidden_second_hits() -> None:
    _, conclusion = decide([gene("UNC13D", GeneCall.MONOALLELIC, U)], PANEL.genes)
    text = " ".join(conclusion.recommendations)
    assert "c.118-308C>T" in text and "inversion" in text
    assert "does not exclude primary HLH" in conclusion.summary


def test_two_monoallelic_genes_are_not_a_digenic_diagnosis() -> None:
    results = [gene("PRF1", GeneCall.MONOALLELIC, U), gene("UNC13D", GeneCall.MONOALLELIC, U)]
    _, conclusion = decide(results, PANEL.genes)
    assert conclusion.primary_hlh is PrimaryHlh.UNDETERMINED
    assert any("digenic" in r for r in conclusion.reasons)


def test_xiap_recommends_reduced_intensity_conditioning() -> None:
    _, conclusion = decide([gene("XIAP", GeneCall.HEMIZYGOUS, C)], PANEL.genes)
    assert any("reduced-intensity" in r for r in conclusion.recommendations)


def test_nothing_found() -> None:
    _, conclusion = decide([], PANEL.genes)
    assert conclusion.primary_hlh is PrimaryHlh.UNDETERMINED
    assert any("secondary HLH triggers" in r for r in conclusion.recommendations)


def test_cap_and_workup_helpers() -> None:
    capped = cap_by_tier(gene("ITK", GeneCall.BIALLELIC, C), PANEL.gene("ITK"))
    assert capped.strength is S and "not a familial HLH gene" in capped.reasons[-1]
    assert workup_for(gene("PRF1", GeneCall.BIALLELIC, S), PANEL.gene("PRF1")) is TransplantWorkup.CONSIDER
    assert Inheritance.AR is PANEL.gene("PRF1").inheritance

"""Clinical context: HLH-2004 criteria and HScore truth tables; combination with genetics."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, ROOT

from varhlh.decide.clinical import FLAGS, NUMBERS, hlh2004, hscore, hscore_probability, load_clinical, probability_text
from varhlh.errors import InputError


def values(**kw: object) -> dict:
    v: dict = {k: None for k in (*NUMBERS, *FLAGS)}
    v.update(kw)
    return v


def state(name: str, **kw: object) -> str:
    return next(c.state for c in hlh2004(values(**kw)).criteria if c.name == name)


@pytest.mark.parametrize(("name", "kw", "expected"), [
    ("fever", {"temperature_c": 38.5}, "met"),
    ("fever", {"temperature_c": 38.4}, "not_met"),
    ("fever", {}, "missing"),
    ("splenomegaly", {"splenomegaly": False}, "not_met"),
    ("cytopenias", {"hemoglobin_g_per_l": 89, "platelets_10e9_per_l": 99}, "met"),
    ("cytopenias", {"hemoglobin_g_per_l": 90, "platelets_10e9_per_l": 99, "neutrophils_10e9_per_l": 1.0}, "not_met"),
    ("cytopenias", {"hemoglobin_g_per_l": 95, "platelets_10e9_per_l": 99, "age_days": 20}, "met"),  # infant Hb < 100
    ("cytopenias", {"hemoglobin_g_per_l": 80}, "missing"),       # 1 low, 2 unknown: undecidable
    ("cytopenias", {"hemoglobin_g_per_l": 120, "platelets_10e9_per_l": 200}, "not_met"),
    ("triglycerides_or_fibrinogen", {"triglycerides_mmol_per_l": 3.0}, "met"),
    ("triglycerides_or_fibrinogen", {"fibrinogen_g_per_l": 1.5}, "met"),
    ("triglycerides_or_fibrinogen", {"triglycerides_mmol_per_l": 2.9}, "missing"),
    ("triglycerides_or_fibrinogen", {"triglycerides_mmol_per_l": 2.9, "fibrinogen_g_per_l": 1.6}, "not_met"),
    ("ferritin", {"ferritin_ug_per_l": 500}, "met"),
    ("ferritin", {"ferritin_ug_per_l": 499}, "not_met"),
    ("soluble_cd25", {"scd25_u_per_ml": 2400}, "met"),
    ("nk_activity", {"nk_activity_low": True}, "met"),
    ("hemophagocytosis", {}, "missing"),
])
def test_hlh2004_criteria(name: str, kw: dict, expected: str) -> None:
    assert state(name, **kw) == expected


def test_hlh2004_counts_and_fulfilment() -> None:
    full = values(temperature_c=39, splenomegaly=True, hemoglobin_g_per_l=80, platelets_10e9_per_l=50,
                  ferritin_ug_per_l=9000, nk_activity_low=True)
    h = hlh2004(full)
    assert (h.met, h.met_without_nk, h.fulfilled) == (5, 4, True)
    assert hlh2004(values(temperature_c=36.0)).fulfilled is None  # 7 missing: undecidable, never "not met"
    none_met = values(temperature_c=36.5, splenomegaly=False, hemoglobin_g_per_l=130, platelets_10e9_per_l=250,
                      neutrophils_10e9_per_l=3.0, triglycerides_mmol_per_l=1.0, fibrinogen_g_per_l=3.0)
    assert hlh2004(none_met).fulfilled is False


@pytest.mark.parametrize(("kw", "points"), [
    ({"temperature_c": 38.3}, 0), ({"temperature_c": 38.4}, 33), ({"temperature_c": 39.4}, 33),
    ({"temperature_c": 39.5}, 49), ({"ferritin_ug_per_l": 1999}, 0), ({"ferritin_ug_per_l": 2000}, 35),
    ({"ferritin_ug_per_l": 6000}, 35), ({"ferritin_ug_per_l": 6001}, 50), ({"triglycerides_mmol_per_l": 1.5}, 44),
    ({"triglycerides_mmol_per_l": 4.0}, 44), ({"triglycerides_mmol_per_l": 4.1}, 64),
    ({"fibrinogen_g_per_l": 2.5}, 30), ({"fibrinogen_g_per_l": 2.6}, 0), ({"ast_iu_per_l": 30}, 19),
    ({"hepatomegaly": True, "splenomegaly": False}, 23), ({"hepatomegaly": True, "splenomegaly": True}, 38),
    ({"hemoglobin_g_per_l": 92, "leukocytes_10e9_per_l": 5.0, "platelets_10e9_per_l": 120}, 24),
    ({"hemoglobin_g_per_l": 92, "leukocytes_10e9_per_l": 5.0, "platelets_10e9_per_l": 110}, 34),
    ({"immunosuppression": True}, 18), ({"hemophagocytosis_bone_marrow": True}, 35),
])
def test_hscore_points(kw: dict, points: int) -> None:
    complete = values(immunosuppression=False, temperature_c=37.0, hepatomegaly=False, splenomegaly=False,
                      hemoglobin_g_per_l=130, leukocytes_10e9_per_l=7.0, platelets_10e9_per_l=250,
                      ferritin_ug_per_l=100, triglycerides_mmol_per_l=1.0, fibrinogen_g_per_l=3.0, ast_iu_per_l=20,
                      hemophagocytosis_bone_marrow=False)
    assert hscore(complete).minimum == hscore(complete).maximum == 0
    complete.update(kw)
    score = hscore(complete)
    assert score.complete and score.minimum == points


def test_hscore_missing_values_give_a_range() -> None:
    score = hscore(values(temperature_c=40.0))
    assert (score.minimum, score.maximum) == (49, 337)
    assert not score.complete


@pytest.mark.parametrize(("points", "text"), [(80, "<1%"), (90, "<1%"), (169, "about 52.6%"), (170, "about 54%"),
                                              (250, ">99%"), (300, ">99%")])
def test_probability_table(points: int, text: str) -> None:
    assert probability_text(points) == text
    assert 0 < hscore_probability(points) <= 99.5


def test_load_yaml_units_and_errors(tmp_path: Path) -> None:
    context = load_clinical(ROOT / "examples" / "clinical_context.yaml")
    assert context.hlh2004.met == 7 and context.hlh2004.missing == ("nk_activity",)
    converted = tmp_path / "c.json"
    converted.write_text('{"hemoglobin_g_per_dl": 8.5, "platelets_per_ul": 45000, "neutrophils_10e9_per_l": 0.5}')
    assert load_clinical(converted).hlh2004.criteria[2].state == "met"
    bad = tmp_path / "bad.yaml"
    bad.write_text("ferritin: 900\n")
    with pytest.raises(InputError, match="unknown field"):
        load_clinical(bad)
    bad.write_text("ferritin_ug_per_l: high\n")
    with pytest.raises(InputError, match="non-negative number"):
        load_clinical(bad)
    bad.write_text("hlh_course: sometimes\n")
    with pytest.raises(InputError, match="hlh_course"):
        load_clinical(bad)


def test_relapsing_hlh_without_genetic_cause(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    context = tmp_path / "c.yaml"
    context.write_text("hlh_course: relapsing\ntemperature_c: 39\nsplenomegaly: true\nferritin_ug_per_l: 3000\n"
                       "hemoglobin_g_per_l: 70\nplatelets_10e9_per_l: 30\nscd25_u_per_ml: 5000\nhemophagocytosis: true\n")
    data = run_cli("triage", str(DATA / "vcf" / "nothing_found.vcf"), "--clinical", str(context)).json()
    assert data["conclusion"]["primary_hlh"] == "undetermined"
    assert "HLH-2004 criteria met 6/8" in data["conclusion"]["summary"]
    assert data["conclusion"]["recommendations"][0].startswith("The HLH course is relapsing")
    assert data["clinical"]["clinical_transplant_indication"] is True


def test_xlp1_policy_depends_on_hlh_having_occurred(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf = DATA / "vcf" / "xlp1_male_hemizygous.vcf"
    ped = DATA / "ped" / "xlp1_male_hemizygous.ped"
    assumed = run_cli("triage", str(vcf), "--ped", str(ped)).json()["conclusion"]
    assert assumed["transplant_workup"] == "indicated"
    assert any("taken as having occurred" in r for r in assumed["reasons"])
    context = tmp_path / "c.yaml"
    context.write_text("hlh_occurred: false\n")
    told = run_cli("triage", str(vcf), "--ped", str(ped), "--clinical", str(context)).json()["conclusion"]
    assert told["primary_hlh"] == "confirmed" and told["transplant_workup"] == "consider"

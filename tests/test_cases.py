"""Golden end-to-end cases stored as data: tests/cases/<name>/{case.toml, expected.json}.

Each case runs the real CLI on a spiked real-background VCF twice — as text (streamed) and
bgzipped+indexed (region queries) — and checks that both give the same result, that the JSON
validates against the shipped schema, that every panel-region allele is accounted for exactly
once, and that the decision-relevant projection equals expected.json. Regenerate the expected
files only with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from conftest import TESTS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CASES = sorted(p.parent.name for p in (TESTS / "cases").glob("*/case.toml"))


def projection(data: dict[str, Any]) -> dict[str, Any]:
    """The decision-relevant part of a result (stable across versions and input paths)."""
    return {
        "sample": {k: data["sample"][k] for k in ("id", "sex", "sex_source")},
        "genome_build": data["input"]["genome_build"],
        "conclusion": {k: data["conclusion"][k] for k in ("primary_hlh", "transplant_workup", "genes")},
        "genes": {g["symbol"]: {k: g[k] for k in ("call", "phase", "strength", "variant_ids")}
                  for g in data["genes"] if g["call"] != "none" or g["variant_ids"]},
        "reportable": [{k: v[k] for k in ("id", "gene", "zygosity", "genotype", "classification", "hgvs_c", "evidence")}
                       for v in data["variants"] if v["reportable"]],
        "counts": {k: data["counts"][k] for k in ("records_in_panel_regions", "reportable", "by_zygosity")},
    }


def check_invariants(data: dict[str, Any], schema: dict[str, Any]) -> None:
    import jsonschema

    jsonschema.validate(data, schema)
    full = [v["id"] for v in data["variants"]]
    compact = [s["id"] for s in data["set_aside"]]
    ids = full + compact
    assert len(ids) == len(set(ids)), "an allele appears twice"
    # every allele is accounted for: listed in full, or set aside in compact form (hom-ref records only counted)
    assert data["counts"]["records_in_panel_regions"] == len(full) + len(compact)
    assert data["counts"]["set_aside"] == len(compact)
    assert data["counts"]["reportable"] == sum(v["reportable"] for v in data["variants"])
    assert all(v["reasons"] for v in data["variants"]), "every variant carries its reasons"
    assert all(s["reason"] for s in data["set_aside"]), "every set-aside allele says why"
    for gene in data["genes"]:
        assert set(gene["variant_ids"]) | set(gene["not_assessed"]) <= set(full), "a gene's alleles are in full"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    from importlib.resources import files

    return json.loads((files("varhlh") / "schema" / "result-v2.schema.json").read_text())


@pytest.mark.parametrize("name", CASES)
def test_case(name: str, run_cli, indexed, schema, update_golden: bool) -> None:  # type: ignore[no-untyped-def]
    case_dir = TESTS / "cases" / name
    case = tomllib.loads((case_dir / "case.toml").read_text())
    source = TESTS / case["input"]
    args = [str(TESTS / a) if a.startswith("data/") else a for a in case["args"]]
    streamed = run_cli("triage", str(source), *args)
    assert streamed.code == 0, streamed.err
    data = streamed.json()
    check_invariants(data, schema)
    assert data["input"]["access"].startswith("streamed")
    via_index = run_cli("triage", str(indexed(source)), *args)
    assert via_index.code == 0, via_index.err
    assert via_index.json()["input"]["access"].startswith("index")
    assert projection(via_index.json()) == projection(data), "indexed and streamed reads disagree"
    expected_file = case_dir / "expected.json"
    got = projection(data)
    if update_golden or not expected_file.exists():
        expected_file.write_text(json.dumps(got, indent=2) + "\n")
        if not update_golden:
            pytest.fail(f"{expected_file} did not exist; written — review it and commit")
    assert got == json.loads(expected_file.read_text())

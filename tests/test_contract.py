"""The output contract is written once (varhlh/result.py) and the shipped JSON Schema is generated from it.

Both directions: the shipped schema equals the generated one (a new field without a docstring, or a
hand edit of the schema, fails here); every object is closed (additionalProperties false), so every key
a real run emits is typed and described — the golden cases validate every result against it.
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import msgspec
import pytest

from varhlh.result import ResultDoc
from varhlh.schema.generate import schema, text


def shipped() -> dict[str, Any]:
    return json.loads((files("varhlh") / "schema" / "result-v2.schema.json").read_text(encoding="utf-8"))


def test_shipped_schema_is_the_generated_one() -> None:
    assert (files("varhlh") / "schema" / "result-v2.schema.json").read_text(encoding="utf-8") == text(), \
        "regenerate: python -m varhlh.schema.generate > varhlh/schema/result-v2.schema.json"


def test_every_object_is_closed_and_every_field_described() -> None:
    definitions = shipped()["$defs"]
    objects = {name: d for name, d in definitions.items() if d.get("type") == "object"}
    assert len(objects) >= 30
    for name, definition in objects.items():
        assert definition["additionalProperties"] is False, name
        for field, spec in definition["properties"].items():
            assert spec.get("description"), f"{name}.{field}"


def test_schema_command_prints_the_schema(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("schema")
    assert run.code == 0
    assert json.loads(run.out) == shipped()


def test_a_real_result_round_trips_through_the_contract(run_cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import DATA

    run = run_cli("triage", str(DATA / "vcf" / "prf1_comphet_phased_trans.vcf"))
    data = run.json()
    doc = msgspec.convert(data, ResultDoc)
    assert json.loads(json.dumps(msgspec.to_builtins(doc))) == data


@pytest.mark.parametrize("where", ["top", "variant", "gene"])
def test_unknown_keys_are_not_part_of_the_contract(where: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import DATA

    data = run_cli("triage", str(DATA / "vcf" / "prf1_carrier.vcf")).json()
    target = {"top": data, "variant": data["variants"][0], "gene": data["genes"][0]}[where]
    target["not_in_the_contract"] = 1
    with pytest.raises(msgspec.ValidationError, match="unknown field `not_in_the_contract`"):
        msgspec.convert(data, ResultDoc)
    import jsonschema

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())

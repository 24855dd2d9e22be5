"""Generate the JSON Schema of the result contract from :mod:`varhlh.result`.

``python -m varhlh.schema.generate > varhlh/schema/result-v2.schema.json`` rewrites the shipped file;
a test checks that the shipped file equals the generated one, so the two cannot drift. Each field's
description is the docstring written under it in :mod:`varhlh.result` (and :mod:`varhlh.settings`),
read with :mod:`ast`; a field without one is an error.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import json
import sys
from typing import Any

import msgspec

from varhlh import result, settings

SCHEMA_ID = "https://varhlh.invalid/schema/result-v2.schema.json"
TITLE = "varhlh triage result, schema version 1"


def schema() -> dict[str, Any]:
    generated = msgspec.json.schema(result.ResultDoc)
    definitions: dict[str, Any] = generated["$defs"]
    docs = {**_field_docs(result), **_field_docs(settings)}
    for name, definition in definitions.items():
        if definition.get("type") != "object":
            continue
        if name == "Settings":  # a dataclass: every field is emitted, none may be added
            definition["required"] = [f.name for f in dataclasses.fields(settings.Settings)]
            definition["additionalProperties"] = False
        for field, spec in definition["properties"].items():
            text = docs.get((name, field))
            if text is None:
                msg = f"{name}.{field} has no docstring: document every field of the contract"
                raise ValueError(msg)
            spec["description"] = text
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, "title": TITLE,
            "description": inspect.getdoc(result.ResultDoc), **generated}


def _field_docs(module: Any) -> dict[tuple[str, str], str]:
    """(class, field) -> the string literal written right after the field's annotation."""
    tree = ast.parse(inspect.getsource(module))
    docs: dict[tuple[str, str], str] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for first, second in itertools.pairwise(body):
            if isinstance(first, ast.AnnAssign) and isinstance(first.target, ast.Name) \
                    and isinstance(second, ast.Expr) and isinstance(second.value, ast.Constant) \
                    and isinstance(second.value.value, str):
                docs[(node.name, first.target.id)] = " ".join(second.value.value.split())
    return docs


def text() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(text())

"""Read a stored result (``PREFIX.varhlh.json``) for re-rendering, with a light structural check.

The full schema (``varhlh/schema/result-v1.schema.json``) is validated in the test-suite; at run
time only the keys the renderers read are checked, so a truncated, hand-edited or foreign JSON
file is refused with the file and the first missing key instead of a traceback mid-render.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from varhlh.errors import InputError

SUPPORTED_MAJOR = "1"
REQUIRED: tuple[str, ...] = (
    "schema_version", "tool.version", "sample.id", "input.genome_build", "input.sha256", "panel.name",
    "panel.version", "conclusion.primary_hlh", "conclusion.transplant_workup", "conclusion.genes",
    "conclusion.summary", "conclusion.recommendations", "genes", "variants", "counts.records_in_panel_regions",
    "counts.reportable", "limitations", "warnings",
)
GENE_KEYS = ("symbol", "inheritance", "call", "phase", "phase_evidence", "variant_ids")
VARIANT_KEYS = ("id", "chrom", "pos", "ref", "alt", "gene", "zygosity", "classification", "reasons", "reportable")
FIX = "re-create it with varhlh triage"


def load_result(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        msg = f"{path}: no such file; give a result written by varhlh triage (PREFIX.varhlh.json)"
        raise InputError(msg) from exc
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot be read as UTF-8 text ({exc}); give a result written by varhlh triage"
        raise InputError(msg) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{path}: line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg}); {FIX}"
        raise InputError(msg) from exc
    check_result(data, path)
    return data  # type: ignore[no-any-return]


def check_result(data: Any, path: Path) -> None:
    """Refuse anything but a version-1 result carrying every key the report reads."""
    if not isinstance(data, dict):
        msg = f"{path}: not a varhlh result (top level is {type(data).__name__}, expected an object); {FIX}"
        raise InputError(msg)
    for key in REQUIRED:
        _need(data, key, path)
    major = str(data["schema_version"]).split(".")[0]
    if major != SUPPORTED_MAJOR:
        msg = (f"{path}: schema_version {data['schema_version']!r} is not supported (this varhlh reads "
               f"version {SUPPORTED_MAJOR}.x); use the matching varhlh version")
        raise InputError(msg)
    for name, keys in (("genes", GENE_KEYS), ("variants", VARIANT_KEYS)):
        items = data[name]
        if not isinstance(items, list):
            msg = f"{path}: key '{name}' must be a list; {FIX}"
            raise InputError(msg)
        for i, item in enumerate(items):
            for key in keys:
                _need(item, key, path, f"{name}[{i}].")


def _need(data: Any, dotted: str, path: Path, prefix: str = "") -> None:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            msg = f"{path}: missing key '{prefix}{dotted}'; not a complete varhlh result; {FIX}"
            raise InputError(msg)
        node = node[part]

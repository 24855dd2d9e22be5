"""Helpers for the pipeline-output tests: run a golden case (tests/cases/<name>) with extra arguments."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import TESTS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def case_input(name: str) -> Path:
    case = tomllib.loads((TESTS / "cases" / name / "case.toml").read_text())
    return TESTS / case["input"]


def case_args(name: str) -> list[str]:
    case = tomllib.loads((TESTS / "cases" / name / "case.toml").read_text())
    return [str(TESTS / a) if a.startswith("data/") else a for a in case["args"]]


def expected(name: str) -> dict[str, Any]:
    """The reviewed golden projection of a case (tests/cases/<name>/expected.json)."""
    return json.loads((TESTS / "cases" / name / "expected.json").read_text())  # type: ignore[no-any-return]


def run_case(run_cli: Callable[..., Any], name: str, formats: str, source: Path | None = None,
             outdir: Path | None = None) -> Any:
    """Triage a golden case's input (or ``source``, e.g. an indexed copy) asking for ``formats``."""
    result = run_cli("triage", str(source or case_input(name)), *case_args(name), "--format", formats,
                     outdir=outdir)
    assert result.code == 0, result.err
    return result

"""``varhlh schema``: print the JSON Schema of the result contract (``PREFIX.varhlh.json``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    sub.add_parser("schema", parents=parents, help="print the JSON Schema of the result (.varhlh.json)",
                   description="Print the JSON Schema (draft 2020-12) of the result written by varhlh triage.")


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from importlib.resources import files

    sys.stdout.write((files("varhlh") / "schema" / "result-v2.schema.json").read_text(encoding="utf-8"))
    return 0

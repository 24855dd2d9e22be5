"""Results as pandas DataFrames, for notebooks: load many ``PREFIX.varhlh.json`` files and tabulate them::

    from varhlh import api
    docs = api.load(["results/"])             # files, or folders searched for *.varhlh.json
    api.samples(["results/"])                 # one row per result: decision, genes, counts, file
    api.alleles(docs)                         # one row per sample x reportable allele
    api.alleles(docs, reportable_only=False)  # every listed allele
    api.genes(docs)                           # one row per sample x gene with a call

Every stored result is decoded strictly into the typed contract (:class:`varhlh.result.ResultDoc`, as
``varhlh report`` does): a file that is not a varhlh result is refused with
:class:`varhlh.errors.InputError` naming it. The columns are those of the cohort tables
(:data:`varhlh.report.cohort_tables.SAMPLE_COLUMNS`, :data:`~varhlh.report.cohort_tables.ALLELE_COLUMNS`);
missing values are NA. Nothing is recomputed. pandas is imported when this module is imported, so the command line never
imports it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from varhlh.errors import InputError
from varhlh.models import GeneCall
from varhlh.report.cohort_tables import allele_rows, frame, sample_row
from varhlh.report.stored import load_result
from varhlh.result import ResultDoc

Results = Iterable[ResultDoc | str | Path]
"""Result documents, result files, or folders (searched recursively for ``*.varhlh.json``)."""

GENE_COLUMNS = ("sample", "gene", "inheritance", "call", "phase", "strength", "variant_ids", "disease",
                "transplant_policy")


def load(results: Results) -> list[ResultDoc]:
    """The typed results of files and folders (sorted by path within a folder); documents pass through."""
    return [doc for doc, _ in _load_named(results)]


def _load_named(results: Results) -> list[tuple[ResultDoc, str | None]]:
    out: list[tuple[ResultDoc, str | None]] = []
    for item in results:
        if isinstance(item, ResultDoc):
            out.append((item, None))
            continue
        path = Path(item)
        files = sorted(path.rglob("*.varhlh.json")) if path.is_dir() else [path]
        if not files:
            msg = f"{path}: no *.varhlh.json result files in this folder"
            raise InputError(msg)
        out.extend((load_result(f), str(f)) for f in files)
    return out


def samples(results: Results) -> pd.DataFrame:
    """One row per result (:data:`varhlh.report.cohort_tables.SAMPLE_COLUMNS`); ``result`` is the file it came from."""
    return frame((sample_row(doc, name) for doc, name in _load_named(results)), "sample")


def alleles(results: Results, reportable_only: bool = True) -> pd.DataFrame:
    """One row per sample x allele (:data:`varhlh.report.cohort_tables.ALLELE_COLUMNS`): the reportable alleles, or
    every allele listed in the results with ``reportable_only=False``."""
    return frame((row for doc in load(results) for row in allele_rows(doc, reportable_only)), "allele")


def genes(results: Results, with_call_only: bool = True) -> pd.DataFrame:
    """One row per sample x panel gene with a call (every panel gene with ``with_call_only=False``)."""
    rows = [{"sample": doc.sample.id, "gene": g.symbol, "inheritance": g.inheritance.value, "call": g.call.value,
             "phase": g.phase.value, "strength": g.strength.value, "variant_ids": ";".join(g.variant_ids) or None,
             "disease": g.disease, "transplant_policy": g.transplant_policy.value}
            for doc in load(results) for g in doc.genes if not with_call_only or g.call is not GeneCall.NONE]
    return pd.DataFrame(rows, columns=list(GENE_COLUMNS)).astype("string")


__all__ = ["GENE_COLUMNS", "alleles", "genes", "load", "samples"]

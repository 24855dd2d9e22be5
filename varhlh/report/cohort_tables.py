"""Tables over many results: one row per sample, one row per sample x allele (cohort summaries, notebooks).

The rows are built from the typed result (:class:`varhlh.result.ResultDoc`), never recomputed. pandas is
imported only by :func:`frame` and the writers, which the cohort run and :mod:`varhlh.api` call; single-sample
triage never imports this module's pandas side (``tests/test_api.py`` checks ``sys.modules``).

* :data:`SAMPLE_COLUMNS` — the decision, the driving genes, every gene call, counts, and the completeness
  verdict with the genes that could not be assessed;
* :data:`ALLELE_COLUMNS` — each reportable allele (or every listed allele, for :func:`varhlh.api.alleles` with
  ``reportable_only=False``) with its gene, zygosity, class, evidence, HGVS, and the gene call it drives.

Missing values are ``None`` in the rows (NA in a DataFrame) and ``.`` in TSV files.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from varhlh.models import GeneCall
from varhlh.result import ResultDoc

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sample", "sample ID (the proband of the result)"),
    ("family", "PED family ID (cohort runs with --ped; '.' otherwise)"),
    ("affected", "PED phenotype: yes / no / unknown ('.' when not in a PED)"),
    ("sex", "male / female / unknown, as in the result"),
    ("primary_hlh", "confirmed / suspected / undetermined"),
    ("transplant_workup", "indicated / consider / not_indicated_by_genetics"),
    ("genes", "genes named in the conclusion, ','-separated"),
    ("gene_calls", "SYMBOL:call/phase for every gene with a call other than none, ';'-separated"),
    ("reportable", "number of reportable alleles"),
    ("variants", "number of alleles listed in the result"),
    ("warnings", "number of warnings in the result"),
    ("completeness", "the completeness verdict: 'complete', or 'partial: <reasons>'"),
    ("genes_incomplete", "panel genes that could not be assessed, ','-separated ('.' when none)"),
    ("panel", "gene panel name and version"),
    ("genome_build", "genome build of the input"),
    ("result", "the sample's JSON result file"),
)
"""One row per sample (``PREFIX.varhlh_cohort.tsv``; :func:`varhlh.api.samples`)."""

ALLELE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sample", "sample ID"),
    ("variant_id", "CHROM-POS-REF-ALT as in the VCF"),
    ("chrom", "contig as in the VCF"),
    ("pos", "1-based position"),
    ("ref", "reference allele"),
    ("alt", "this ALT allele"),
    ("gene", "panel gene"),
    ("zygosity", "het / hom / hemi / ref / no_call / partial, in the sample"),
    ("genotype", "GT as in the VCF"),
    ("classification", "pathogenic / likely_pathogenic / uncertain / likely_benign / benign / risk_allele"),
    ("reportable", "yes / no"),
    ("evidence", "evidence codes, ';'-separated"),
    ("consequence", "Sequence Ontology term used"),
    ("transcript", "transcript of the HGVS names"),
    ("hgvs_c", "HGVS c."),
    ("hgvs_p", "HGVS p."),
    ("filters", "failed FILTERs and quality flags, ';'-separated"),
    ("gene_call", "the gene's call when this allele drives it"),
    ("gene_phase", "the gene's phase when this allele drives it"),
    ("primary_hlh", "the sample's conclusion"),
)
"""One row per sample x allele (``PREFIX.varhlh_cohort_alleles.tsv``; :func:`varhlh.api.alleles`)."""

INTEGER_COLUMNS = {"sample": frozenset({"reportable", "variants", "warnings"}), "allele": frozenset({"pos"})}
"""Integer columns of each table (the others are text)."""


def sample_row(doc: ResultDoc, result: str | None = None, family: str | None = None,
               affected: str | None = None) -> dict[str, Any]:
    """The :data:`SAMPLE_COLUMNS` row of one result (``family``/``affected`` come from a PED, not the result)."""
    conclusion = doc.conclusion
    calls = [f"{g.symbol}:{g.call.value}/{g.phase.value}" for g in doc.genes if g.call is not GeneCall.NONE]
    return {
        "sample": doc.sample.id, "family": family, "affected": affected, "sex": doc.sample.sex.value,
        "primary_hlh": conclusion.primary_hlh.value, "transplant_workup": conclusion.transplant_workup.value,
        "genes": ",".join(conclusion.genes) or None, "gene_calls": ";".join(calls) or None,
        "reportable": doc.counts.reportable, "variants": doc.counts.records_in_panel_regions,
        "warnings": len(doc.warnings),
        **completeness(doc), "panel": f"{doc.panel.name} {doc.panel.version}",
        "genome_build": doc.input.genome_build.value, "result": result,
    }


def completeness(doc: ResultDoc) -> dict[str, str | None]:
    """The completeness columns: the verdict, and the panel genes that could not be assessed (None when none)."""
    c = doc.completeness
    missing = [g.symbol for g in c.genes if not g.assessable]
    return {"completeness": c.verdict, "genes_incomplete": ",".join(missing) or None}


def allele_rows(doc: ResultDoc, reportable_only: bool = True) -> list[dict[str, Any]]:
    """The :data:`ALLELE_COLUMNS` rows of one result: its reportable alleles (or every listed allele)."""
    drives = {vid: g for g in doc.genes for vid in g.variant_ids}
    rows = []
    for v in doc.variants:
        if reportable_only and not v.reportable:
            continue
        gene = drives.get(v.id)
        rows.append({
            "sample": doc.sample.id, "variant_id": v.id, "chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt,
            "gene": v.gene, "zygosity": v.zygosity.value, "genotype": v.genotype,
            "classification": v.classification.value, "reportable": "yes" if v.reportable else "no",
            "evidence": ";".join(v.evidence) or None, "consequence": v.consequence, "transcript": v.transcript,
            "hgvs_c": v.hgvs_c, "hgvs_p": v.hgvs_p, "filters": ";".join(v.filters) or None,
            "gene_call": gene.call.value if gene else None, "gene_phase": gene.phase.value if gene else None,
            "primary_hlh": doc.conclusion.primary_hlh.value,
        })
    if not reportable_only:  # the compact listing: what it holds (no evidence, transcript or HGVS p.)
        for s in doc.set_aside:
            ref, _, alt = s.id.removeprefix(f"{s.chrom}-{s.pos}-").partition("-")
            rows.append({
                "sample": doc.sample.id, "variant_id": s.id, "chrom": s.chrom, "pos": s.pos, "ref": ref, "alt": alt,
                "gene": s.gene, "zygosity": s.zygosity.value, "genotype": s.genotype,
                "classification": s.classification.value, "reportable": "no", "evidence": None,
                "consequence": s.consequence, "transcript": None, "hgvs_c": s.hgvs_c, "hgvs_p": None, "filters": None,
                "gene_call": None, "gene_phase": None, "primary_hlh": doc.conclusion.primary_hlh.value,
            })
    return rows


def frame(rows: Iterable[dict[str, Any]], table: str) -> pd.DataFrame:
    """The ``sample`` or ``allele`` table as a DataFrame: exactly its columns, in order, integers as nullable
    Int64 and text as string."""
    import pandas as pd

    columns = {"sample": SAMPLE_COLUMNS, "allele": ALLELE_COLUMNS}[table]
    names = [name for name, _ in columns]
    df = pd.DataFrame(list(rows), columns=names)
    return df.astype({name: "Int64" if name in INTEGER_COLUMNS[table] else "string" for name in names})


def tsv_bytes(df: pd.DataFrame) -> bytes:
    """Tab-separated, header first, ``.`` for missing values, ``\\n`` line ends."""
    text: str = df.to_csv(sep="\t", index=False, na_rep=".", lineterminator="\n")
    return text.encode("utf-8")


def parquet_available() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """The table as Parquet (pyarrow; call only when :func:`parquet_available`)."""
    buffer = io.BytesIO()
    df.to_parquet(buffer, index=False, engine="pyarrow")
    return bytes(buffer.getvalue())


__all__ = ["ALLELE_COLUMNS", "INTEGER_COLUMNS", "SAMPLE_COLUMNS", "allele_rows", "completeness", "frame",
           "parquet_available", "parquet_bytes", "sample_row", "tsv_bytes"]

"""MultiQC custom content: a General Statistics section and a per-sample results table.

MultiQC picks up any ``*_mqc.json`` file with no configuration; one file defines one section,
and files that share a section ``id`` are merged, one row per key. So a run writes:

* ``<prefix>.varhlh_mqc.json`` — ``plot_type: generalstats``, columns (namespace ``varhlh``):
  ``primary_hlh``, ``transplant_workup``, ``genes`` (the genes driving the conclusion),
  ``reportable`` (count of reportable alleles), ``vcf_sample``, ``panel_version``;
* ``<prefix>.varhlh_results_mqc.json`` — ``plot_type: table`` (section "varhlh: triage
  results"): the same decision plus the VCF sample, sex, genome build, each called gene with its call
  and phase, the reportable alleles (gene, HGVS, zygosity, class), alleles in panel regions and warnings.

Rows are keyed by the output **prefix** (``--prefix``, default the sample ID made filename-safe), never
by the VCF sample name: several VCFs often name their sample alike (NA12878, "SAMPLE1"), and MultiQC
merges rows with the same key silently. The VCF sample is a column. The prefix is filename-safe
(letters, digits, ``.``, ``_``, ``-``) by construction and is re-checked here, so no key can carry
markup: MultiQC writes keys and cells into its HTML unescaped (checked with 1.35), so every text
cell is HTML-escaped and every key restricted to that alphabet. The decision columns are colour-coded
with MultiQC's ``cond_formatting_rules``. Output is deterministic.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

from varhlh.result import ResultDoc

SECTION = "varhlh"
TABLE = "varhlh_results"
GENERAL_COLUMNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("primary_hlh", {"title": "Primary HLH", "description": "varhlh: primary HLH genetically confirmed / "
                     "suspected / undetermined (undetermined never excludes it)", "scale": False}),
    ("transplant_workup", {"title": "HSCT work-up", "description": "varhlh: transplant work-up indicated / "
                           "consider / not_indicated_by_genetics", "scale": False}),
    ("genes", {"title": "HLH genes", "description": "varhlh: genes driving the conclusion", "scale": False}),
    ("reportable", {"title": "Reportable", "description": "varhlh: reportable alleles in panel genes",
                    "format": "{:,.0f}", "min": 0, "scale": "OrRd"}),
    ("vcf_sample", {"title": "VCF sample", "description": "varhlh: the sample analysed, as named in the VCF",
                    "scale": False}),
    ("panel_version", {"title": "Panel", "description": "varhlh: gene panel name and version", "scale": False,
                       "hidden": True}),
)
TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("vcf_sample", "VCF sample", "the sample analysed, as named in the VCF"),
    ("primary_hlh", "Primary HLH", "confirmed / suspected / undetermined"),
    ("transplant_workup", "HSCT work-up", "indicated / consider / not_indicated_by_genetics"),
    ("genes", "Driving genes", "genes driving the conclusion"),
    ("gene_calls", "Gene calls", "every gene with a call: gene call (phase)"),
    ("reportable_alleles", "Reportable alleles", "gene HGVS (zygosity, class)"),
    ("reportable", "Reportable", "number of reportable alleles"),
    ("alleles_in_panel", "Alleles in panel", "ALT alleles in panel regions"),
    ("sex", "Sex", "sex used and its source"),
    ("genome_build", "Build", "genome build"),
    ("panel_version", "Panel", "gene panel name and version"),
    ("warnings", "Warnings", "number of warnings in the result"),
)


DECISION_COLOURS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("varhlh_red", "#d9534f", ("confirmed", "indicated")),
    ("varhlh_amber", "#f0ad4e", ("suspected", "consider")),
    ("varhlh_grey", "#6c757d", ("undetermined", "not_indicated_by_genetics")),
)
"""Badge colour per decision value (MultiQC ``cond_formatting_colours`` / ``cond_formatting_rules``)."""
DECISION_COLUMNS = ("primary_hlh", "transplant_workup")
_KEY = re.compile(r"[^A-Za-z0-9._-]+")


def render_multiqc(context: Any) -> list[tuple[str, bytes]]:
    doc, key = context.document, sample_key(context.prefix)
    return [("varhlh_mqc.json", _dump(general_stats(doc, key))),
            ("varhlh_results_mqc.json", _dump(results_table(doc, key)))]


def sample_key(prefix: str) -> str:
    """The row key: the output prefix, restricted to a filename-safe alphabet (never markup)."""
    return _KEY.sub("_", prefix).strip("._") or "sample"


def general_stats(doc: ResultDoc, key: str) -> dict[str, Any]:
    row = _row(doc)
    return {
        "id": SECTION,
        "section_name": "varhlh",
        "description": "varhlh familial HLH triage (decision support, not a diagnosis)",
        "plot_type": "generalstats",
        "pconfig": [{name: {**config, **_formatting(name)}} for name, config in GENERAL_COLUMNS],
        "data": {key: {name: row[name] for name, _ in GENERAL_COLUMNS}},
    }


def results_table(doc: ResultDoc, key: str) -> dict[str, Any]:
    row = _row(doc)
    return {
        "id": TABLE,
        "section_name": "varhlh: triage results",
        "description": ("Familial HLH triage per result (rows are varhlh output prefixes): the conclusion, the "
                        "gene-level calls and the reportable alleles (decision support, not a diagnosis; see each "
                        "result's varhlh JSON for the reasons)."),
        "plot_type": "table",
        "pconfig": {"id": "varhlh_results_table", "title": "varhlh: triage results", "col1_header": "Result"},
        "headers": {name: {"title": title, "description": text, "scale": False if name != "reportable" else "OrRd",
                           **_formatting(name)}
                    for name, title, text in TABLE_COLUMNS},
        "data": {key: {name: row[name] for name, _, _ in TABLE_COLUMNS}},
    }


def _formatting(column: str) -> dict[str, Any]:
    if column not in DECISION_COLUMNS:
        return {}
    return {"cond_formatting_rules": {name: [{"s_eq": value} for value in values]
                                      for name, _, values in DECISION_COLOURS},
            "cond_formatting_colours": [{name: colour} for name, colour, _ in DECISION_COLOURS]}


def _row(doc: ResultDoc) -> dict[str, Any]:
    conclusion, panel, sample = doc.conclusion, doc.panel, doc.sample
    reportable = [v for v in doc.variants if v.reportable]
    calls = [f"{g.symbol} {g.call.value} ({g.phase.value})" for g in doc.genes if g.call.value != "none"]
    alleles = [f"{v.gene} {v.hgvs_c or v.id} ({v.zygosity.value}, {v.classification.value})" for v in reportable]
    row: dict[str, Any] = {
        "vcf_sample": sample.id,
        "primary_hlh": conclusion.primary_hlh.value,
        "transplant_workup": conclusion.transplant_workup.value,
        "genes": ", ".join(conclusion.genes) or "none",
        "reportable": len(reportable),
        "panel_version": f"{panel.name} {panel.version}",
        "gene_calls": "; ".join(calls) or "none",
        "reportable_alleles": "; ".join(alleles) or "none",
        "alleles_in_panel": doc.counts.records_in_panel_regions,
        "sex": f"{sample.sex.value} ({sample.sex_source.value})",
        "genome_build": doc.input.genome_build.value,
        "warnings": len(doc.warnings),
    }
    return {name: _text(value) if isinstance(value, str) else value for name, value in row.items()}


def _text(value: str) -> str:
    """Escape text for MultiQC, which puts table cells into its HTML unescaped (checked with 1.35)."""
    return html.escape(value, quote=True)


def _dump(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")

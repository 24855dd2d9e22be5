"""MultiQC custom content: a General Statistics section and a per-sample results table.

MultiQC picks up any ``*_mqc.json`` file with no configuration; one file defines one section,
and files that share a section ``id`` are merged, one row per sample. So a run writes:

* ``<prefix>.varhlh_mqc.json`` — ``plot_type: generalstats``, columns (namespace ``varhlh``):
  ``primary_hlh``, ``transplant_workup``, ``genes`` (the genes driving the conclusion),
  ``reportable`` (count of reportable alleles), ``panel_version``;
* ``<prefix>.varhlh_results_mqc.json`` — ``plot_type: table`` (section "varhlh: triage
  results"): the same decision plus sex, genome build, each called gene with its call and phase,
  the reportable alleles (gene, HGVS, zygosity, class), alleles in panel regions and warnings.

Values are plain text and numbers, never HTML (MultiQC renders table cells as HTML; every
string built from the VCF is escaped here). Keys are the sample ID, so MultiQC's own sample-name
cleaning applies as for its other modules. Output is deterministic (sorted keys).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

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
    ("panel_version", {"title": "Panel", "description": "varhlh: gene panel name and version", "scale": False,
                       "hidden": True}),
)
TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
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


def render_multiqc(context: Any) -> list[tuple[str, bytes]]:
    data = context.data
    return [("varhlh_mqc.json", _dump(general_stats(data))), ("varhlh_results_mqc.json", _dump(results_table(data)))]


def general_stats(data: Mapping[str, Any]) -> dict[str, Any]:
    row = _row(data)
    return {
        "id": SECTION,
        "section_name": "varhlh",
        "description": "varhlh familial HLH triage (decision support, not a diagnosis)",
        "plot_type": "generalstats",
        "pconfig": [{key: dict(config)} for key, config in GENERAL_COLUMNS],
        "data": {data["sample"]["id"]: {key: row[key] for key, _ in GENERAL_COLUMNS}},
    }


def results_table(data: Mapping[str, Any]) -> dict[str, Any]:
    row = _row(data)
    return {
        "id": TABLE,
        "section_name": "varhlh: triage results",
        "description": ("Familial HLH triage per sample: the conclusion, the gene-level calls and the reportable "
                        "alleles (decision support, not a diagnosis; see each sample's varhlh JSON for the reasons)."),
        "plot_type": "table",
        "pconfig": {"id": "varhlh_results_table", "title": "varhlh: triage results", "col1_header": "Sample"},
        "headers": {key: {"title": title, "description": text, "scale": False if key != "reportable" else "OrRd"}
                    for key, title, text in TABLE_COLUMNS},
        "data": {data["sample"]["id"]: {key: row[key] for key, _, _ in TABLE_COLUMNS}},
    }


def _row(data: Mapping[str, Any]) -> dict[str, Any]:
    conclusion, panel, sample = data["conclusion"], data["panel"], data["sample"]
    reportable = [v for v in data["variants"] if v["reportable"]]
    calls = [f"{g['symbol']} {g['call']} ({g['phase']})" for g in data["genes"] if g["call"] != "none"]
    alleles = [f"{v['gene']} {v['hgvs_c'] or v['id']} ({v['zygosity']}, {v['classification']})" for v in reportable]
    row = {
        "primary_hlh": conclusion["primary_hlh"],
        "transplant_workup": conclusion["transplant_workup"],
        "genes": ", ".join(conclusion["genes"]) or "none",
        "reportable": len(reportable),
        "panel_version": f"{panel['name']} {panel['version']}",
        "gene_calls": "; ".join(calls) or "none",
        "reportable_alleles": "; ".join(alleles) or "none",
        "alleles_in_panel": len(data["variants"]),
        "sex": f"{sample['sex']} ({sample['sex_source']})",
        "genome_build": data["input"]["genome_build"],
        "warnings": len(data["warnings"]),
    }
    return {key: _text(value) if isinstance(value, str) else value for key, value in row.items()}


def _text(value: str) -> str:
    """Escape text for MultiQC, which puts table cells into its HTML unescaped (checked with 1.35)."""
    return html.escape(value, quote=True)


def _dump(document: Mapping[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")

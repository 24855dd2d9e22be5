"""The JSON contract, version 1: :func:`to_dict` turns a pipeline Result into plain data.

Renderers (TSV, HTML, …) read this dictionary and never recompute. Field names here are the
contract documented in README.md and shipped as ``varhlh/schema/result-v1.schema.json``;
required fields are never renamed. Output is deterministic: variants in VCF order, genes in
panel order, no timestamps unless SOURCE_DATE_EPOCH is set.
"""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

from varhlh import __version__
from varhlh.models import GenotypeCall, VariantResult
from varhlh.pipeline import Result

SCHEMA_VERSION = "1.0.0"


def to_dict(result: Result) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": _tool(),
        "run": {"command": result.request.command, "date": _date()},
        "sample": _sample(result),
        "input": _input(result),
        **({"online": dict(result.online.provenance)} if result.online else {}),
        "panel": result.panel.provenance(),
        "settings": result.request.settings.to_dict(),
        "conclusion": _conclusion(result),
        "genes": [_gene(g, result) for g in result.genes],
        "variants": [_variant(v) for v in result.variants],
        "clinical": _clinical(result),
        "counts": _counts(result),
        "limitations": list(result.limitations),
        "warnings": list(result.warnings),
    }


def _tool() -> dict[str, Any]:
    deps: dict[str, str | None] = {}
    for name in ("cyvcf2", "pysam", "isal"):
        try:
            deps[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            deps[name] = None
    deps["python"] = platform.python_version()
    return {"name": "varhlh", "version": __version__, "dependencies": deps}


def _date() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sample(result: Result) -> dict[str, Any]:
    family = result.family
    return {
        "id": result.sample,
        "sex": result.sex.sex.value,
        "sex_source": result.sex.source.value,
        "sex_evidence": result.sex.evidence,
        "family": {"father": family.father, "mother": family.mother,
                   "unaffected_siblings": list(family.unaffected_siblings),
                   "ped": str(result.request.ped) if result.request.ped else None},
    }


def _input(result: Result) -> dict[str, Any]:
    facts = result.input
    return {
        "path": facts.path,
        "sha256": facts.sha256,
        "format": facts.format,
        "access": facts.access,
        "genome_build": facts.build.build.value,
        "build_evidence": facts.build.evidence,
        "samples_in_file": len(facts.samples),
        "annotation": facts.annotation,
        "records_read": facts.records_read,
        "resources": list(facts.resources),
    }


def _conclusion(result: Result) -> dict[str, Any]:
    c = result.conclusion
    return {
        "primary_hlh": c.primary_hlh.value,
        "transplant_workup": c.transplant_workup.value,
        "genes": list(c.genes),
        "summary": c.summary,
        "recommendations": list(c.recommendations),
        "reasons": list(c.reasons),
    }


def _gene(g: Any, result: Result) -> dict[str, Any]:
    panel_gene = result.panel.gene(g.symbol)
    return {
        "symbol": g.symbol,
        "inheritance": g.inheritance.value,
        "call": g.call.value,
        "phase": g.phase.value,
        "phase_evidence": list(g.phase_evidence),
        "variant_ids": list(g.variant_ids),
        "strength": g.strength.value,
        "reasons": list(g.reasons),
        "disease": panel_gene.disease,
        "omim_disease": panel_gene.omim_disease,
        "hgnc_id": panel_gene.hgnc_id,
        "tier": panel_gene.tier.value,
        "transplant_policy": panel_gene.transplant_policy.value,
        "transcript": panel_gene.mane_refseq,
        "alleles_in_region": sum(1 for v in result.variants if v.allele.gene.symbol == g.symbol),
        "exon_model": _exon_model(result.panel.transcripts.get((g.symbol, result.input.build.build))),
    }


def _exon_model(model: Any) -> dict[str, Any] | None:
    """The panel's MANE exon model in the result's build (exons in transcript order), for drawing."""
    if model is None:
        return None
    exons = sorted(model.exons, key=lambda e: e.number)
    return {"transcript": model.transcript, "strand": model.strand, "exons": [[e.start, e.end] for e in exons]}


def _variant(v: VariantResult) -> dict[str, Any]:
    record, a, i = v.allele.record, v.annotation, v.interpretation
    call = v.genotype.call
    return {
        "id": v.id,
        "chrom": record.chrom,
        "pos": record.pos,
        "end": record.end,
        "ref": record.ref,
        "alt": v.allele.alt,
        "vcf_id": record.id,
        "gene": v.allele.gene.symbol,
        "other_genes": list(v.allele.other_genes),
        "zygosity": v.genotype.zygosity.value,
        "genotype": v.genotype.genotype,
        "classification": i.classification.value,
        "evidence": list(i.evidence),
        "reasons": list(i.reasons),
        "reportable": i.reportable,
        "filters": [*record.filters, *v.genotype.flags, *a.flags],
        "diagnostic_weight": i.weight.value,
        "null_variant": i.null_variant,
        "consequence": a.consequence,
        "impact": a.impact,
        "transcript": a.transcript,
        "hgvs_c": a.hgvs_c,
        "hgvs_p": a.hgvs_p,
        "region": a.region,
        "annotation_source": a.source,
        "annotation_notes": list(a.notes),
        "hgvs_source": a.hgvs_source,
        "curated": a.known.hgvs_c if a.known else None,
        "clinvar": None if a.clinvar is None else {
            "significance": a.clinvar.significance, "raw": a.clinvar.raw, "stars": a.clinvar.stars,
            "review_status": a.clinvar.review_status, "variation_id": a.clinvar.variation_id,
            "source": a.clinvar.source},
        "frequency": None if a.frequency is None else {
            "af": a.frequency.af, "af_field": a.frequency.af_field, "popmax": a.frequency.popmax,
            "popmax_field": a.frequency.popmax_field, "source": a.frequency.source},
        "quality": {"qual": record.qual, "gq": call.gq if call else None, "dp": call.dp if call else None,
                    "ad": list(call.ad) if call and call.ad else None,
                    "phase_set": call.phase_set if call else None},
        "family": {sample: _family_call(c) for sample, c in sorted(v.family.items())},
        "segregation": v.segregation,
        "not_used": _not_used(a),
    }


def _not_used(a: Any) -> dict[str, list[dict[str, Any]]]:
    """Values found in other sources and not used (ClinVar, frequency, the other consequence view)."""
    return {
        "clinvar": [{"significance": c.significance, "raw": c.raw, "stars": c.stars, "review_status": c.review_status,
                     "variation_id": c.variation_id, "source": c.source} for c in a.other_clinvar],
        "frequency": [{"af": f.af, "af_field": f.af_field, "popmax": f.popmax, "popmax_field": f.popmax_field,
                       "source": f.source} for f in a.other_frequency],
        "consequence": [{"source": c.source, "consequence": c.consequence, "transcript": c.transcript,
                         "hgvs_c": c.hgvs_c, "hgvs_p": c.hgvs_p} for c in a.other_consequence],
    }


def _family_call(call: GenotypeCall) -> dict[str, Any]:
    return {"zygosity": call.zygosity.value, "genotype": call.genotype}


def _clinical(result: Result) -> dict[str, Any] | None:
    c = result.clinical
    if c is None:
        return None
    h, s = c.hlh2004, c.hscore
    return {
        "path": c.path, "sha256": c.sha256, "hlh_course": c.course.value if c.course else None,
        "hlh_occurred": c.hlh_occurred, "clinical_transplant_indication": c.clinical_transplant_indication,
        "summary": c.sentence(),
        "hlh2004": {"met": h.met, "met_without_nk": h.met_without_nk, "of": 8, "missing": list(h.missing),
                    "fulfilled": h.fulfilled, "criteria": [_criterion(x) for x in h.criteria]},
        "hscore": {"minimum": s.minimum, "maximum": s.maximum, "complete": s.complete,
                   "probability_percent": c.hscore.probability(s.minimum) if s.complete else None,
                   "items": [_criterion(x) for x in s.items]},
    }


def _criterion(c: Any) -> dict[str, str]:
    return {"name": c.name, "state": c.state, "reason": c.reason}


def _counts(result: Result) -> dict[str, Any]:
    zygosity: dict[str, int] = {}
    for v in result.variants:
        zygosity[v.genotype.zygosity.value] = zygosity.get(v.genotype.zygosity.value, 0) + 1
    return {
        "records_in_panel_regions": len(result.variants),
        "reportable": sum(1 for v in result.variants if v.interpretation.reportable),
        "records_read": result.input.records_read,
        "by_zygosity": dict(sorted(zygosity.items())),
        "not_assessed": sum(1 for v in result.variants if v.allele.symbolic),
        "hom_ref_records": result.hom_ref_records,
    }


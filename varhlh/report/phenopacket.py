"""GA4GH Phenopacket v2 (``<prefix>.phenopacket.json``), built with the ``phenopackets`` package.

Mapping of a result (rules; docs/output-contract.md, "Phenopacket v2"):

* ``subject``: the sample ID and sex (``male``/``female``/``unknown`` -> MALE/FEMALE/UNKNOWN_SEX).
* ``primary_hlh`` confirmed or suspected: one ``Interpretation`` per gene of
  ``conclusion.genes`` (progress SOLVED when confirmed, IN_PROGRESS when suspected) whose
  ``Diagnosis`` is that gene's disease, as an OMIM term from the panel (``genes[].omim_disease``;
  the first when several; a ``VARHLH:<gene>`` term from the panel when the panel has none).
  Its ``GenomicInterpretation`` s are the gene's driving alleles — CAUSATIVE when confirmed,
  CONTRIBUTORY when suspected — followed by every other reportable allele as CANDIDATE (in the
  interpretation of its own gene when that gene is in the conclusion, else in the first one).
* ``primary_hlh`` undetermined: one Interpretation, progress UNSOLVED, no Diagnosis (a Diagnosis
  requires a disease, and none is supported); its summary names the reportable alleles.
* Each allele: ``VariationDescriptor`` with the gene (HGNC), HGVS c. on the versioned transcript,
  the VCF record with the genome assembly, and the allelic state as a GENO term; ACMG class
  mapped from the classification (``risk_allele`` -> NOT_PROVIDED: it is not an ACMG class).
* ``meta_data``: created = SOURCE_DATE_EPOCH, or 1970-01-01T00:00:00Z when it is unset, so that
  identical inputs give identical bytes; resources for every prefix used (OMIM, GENO, HGNC,
  VARHLH) with versions; the schema version of the installed ``phenopackets`` package.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from importlib import metadata
from typing import Any

from varhlh.errors import ConfigError

GENO = {
    "het": ("GENO:0000135", "heterozygous"),
    "hom": ("GENO:0000136", "homozygous"),
    "hemi": ("GENO:0000134", "hemizygous"),
    "partial": ("GENO:0000137", "unspecified zygosity"),
}
ACMG = {
    "pathogenic": "PATHOGENIC",
    "likely_pathogenic": "LIKELY_PATHOGENIC",
    "uncertain": "UNCERTAIN_SIGNIFICANCE",
    "likely_benign": "LIKELY_BENIGN",
    "benign": "BENIGN",
    "risk_allele": "NOT_PROVIDED",
}
SEX = {"male": "MALE", "female": "FEMALE"}
PROGRESS = {"confirmed": "SOLVED", "suspected": "IN_PROGRESS", "undetermined": "UNSOLVED"}
DRIVER_STATUS = {"confirmed": "CAUSATIVE", "suspected": "CONTRIBUTORY"}
GENO_VERSION = "2025-07-25"
"""GENO release the four allelic-state terms above were checked against (stable since 2014)."""


def render_phenopacket(context: Any) -> list[tuple[str, bytes]]:
    packet = build_phenopacket(context.data)  # first: it names the extra when phenopackets is missing
    from google.protobuf import json_format

    body = json.dumps(json_format.MessageToDict(packet), indent=2, ensure_ascii=False)
    return [("phenopacket.json", (body + "\n").encode("utf-8"))]


def build_phenopacket(data: Mapping[str, Any]) -> Any:
    """The ``phenopackets.Phenopacket`` message of one result dictionary."""
    pp = _phenopackets()
    sample = data["sample"]["id"]
    genes = {g["symbol"]: g for g in data["genes"]}
    conclusion = data["conclusion"]
    subject = pp.Individual(id=sample, sex=pp.Sex.Value(SEX.get(data["sample"]["sex"], "UNKNOWN_SEX")))
    return pp.Phenopacket(id=f"{sample}.varhlh", subject=subject,
                          interpretations=_interpretations(pp, data, genes, conclusion), meta_data=_meta_data(pp, data))


def created_timestamp() -> str:
    """SOURCE_DATE_EPOCH as RFC 3339 UTC; the Unix epoch when it is unset (deterministic output)."""
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else 0
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- internals


def _phenopackets() -> Any:
    try:
        import phenopackets
    except ImportError as exc:
        msg = ("--format phenopacket needs the 'phenopackets' package, which is not installed; "
               "install it with: pip install 'varhlh[phenopacket]'")
        raise ConfigError(msg) from exc
    return phenopackets


def _interpretations(pp: Any, data: Mapping[str, Any], genes: Mapping[str, Mapping[str, Any]],
                     conclusion: Mapping[str, Any]) -> list[Any]:
    sample = data["sample"]["id"]
    primary = conclusion["primary_hlh"]
    reportable = [v for v in data["variants"] if v["reportable"]]
    if primary not in DRIVER_STATUS or not conclusion["genes"]:
        summary = conclusion["summary"]
        if reportable:
            summary += " Reportable alleles (no diagnosis): " + "; ".join(_label(v) for v in reportable) + "."
        return [pp.Interpretation(id=f"{sample}.varhlh", progress_status=pp.Interpretation.ProgressStatus.Value(
            PROGRESS["undetermined"]), summary=summary)]
    driving = {vid: symbol for symbol in conclusion["genes"] for vid in genes[symbol]["variant_ids"]}
    by_gene: dict[str, list[Any]] = {symbol: [] for symbol in conclusion["genes"]}
    for v in data["variants"]:
        if v["id"] in driving:
            status = DRIVER_STATUS[primary]
        elif v["reportable"]:
            status = "CANDIDATE"
        else:
            continue
        home = driving.get(v["id"]) or (v["gene"] if v["gene"] in by_gene else conclusion["genes"][0])
        by_gene[home].append((0 if status != "CANDIDATE" else 1, _genomic(pp, data, v, genes, status)))
    result = []
    for symbol, found in by_gene.items():
        diagnosis = pp.Diagnosis(disease=_disease(pp, genes[symbol]),
                                 genomic_interpretations=[g for _, g in sorted(found, key=lambda x: x[0])])
        result.append(pp.Interpretation(
            id=f"{sample}.varhlh.{symbol}",
            progress_status=pp.Interpretation.ProgressStatus.Value(PROGRESS[primary]),
            diagnosis=diagnosis, summary=conclusion["summary"]))
    return result


def _genomic(pp: Any, data: Mapping[str, Any], v: Mapping[str, Any], genes: Mapping[str, Mapping[str, Any]],
             status: str) -> Any:
    gene = genes.get(v["gene"], {})
    expressions = []
    if v["transcript"] and v["hgvs_c"]:
        expressions.append(pp.Expression(syntax="hgvs.c", value=f"{v['transcript']}:{v['hgvs_c']}"))
    descriptor = pp.VariationDescriptor(
        id=v["id"], label=_label(v),
        gene_context=pp.GeneDescriptor(value_id=gene.get("hgnc_id") or "", symbol=v["gene"]),
        expressions=expressions,
        vcf_record=pp.VcfRecord(
            genome_assembly=data["input"]["genome_build"], chrom=v["chrom"], pos=int(v["pos"]),
            id=v.get("vcf_id") or "", ref=v["ref"], alt=v["alt"],
            qual=_qual(v["quality"]["qual"]), filter=";".join(v["filters"]) or "PASS"),
        molecule_context=pp.MoleculeContext.Value("genomic"),
    )
    if v["zygosity"] in GENO:
        term, label = GENO[v["zygosity"]]
        descriptor.allelic_state.CopyFrom(pp.OntologyClass(id=term, label=label))
    interpretation = pp.VariantInterpretation(
        acmg_pathogenicity_classification=pp.AcmgPathogenicityClassification.Value(ACMG[v["classification"]]),
        therapeutic_actionability=pp.TherapeuticActionability.Value("UNKNOWN_ACTIONABILITY"),
        variation_descriptor=descriptor)
    return pp.GenomicInterpretation(
        subject_or_biosample_id=data["sample"]["id"],
        interpretation_status=pp.GenomicInterpretation.InterpretationStatus.Value(status),
        variant_interpretation=interpretation)


def _disease(pp: Any, gene: Mapping[str, Any]) -> Any:
    return pp.OntologyClass(id=_disease_id(gene), label=gene["disease"])


def _disease_id(gene: Mapping[str, Any]) -> str:
    """OMIM:<first MIM of the panel's omim_disease>, else VARHLH:<gene> (the panel's own label)."""
    omim = [m for m in re.split(r"[;,\s]+", gene.get("omim_disease") or "") if m.isdigit()]
    return f"OMIM:{omim[0]}" if omim else f"VARHLH:{gene['symbol']}"


def _label(v: Mapping[str, Any]) -> str:
    change = " ".join(x for x in (v["hgvs_c"], v["hgvs_p"]) if x) or v["id"]
    return f"{v['gene']} {change} ({v['zygosity']}, {v['classification'].replace('_', ' ')})"


def _qual(value: float | None) -> str:
    if value is None:
        return "."
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _meta_data(pp: Any, data: Mapping[str, Any]) -> Any:
    panel = data["panel"]
    panel_version = f"{panel['name']} {panel['version']}" + (f" ({panel['date']})" if panel.get("date") else "")
    resources = [
        pp.Resource(id="omim", name="Online Mendelian Inheritance in Man", url="https://www.omim.org",
                    version=f"as cited by panel {panel_version}", namespace_prefix="OMIM",
                    iri_prefix="https://www.omim.org/entry/"),
        pp.Resource(id="geno", name="Genotype Ontology", url="http://purl.obolibrary.org/obo/geno.owl",
                    version=GENO_VERSION, namespace_prefix="GENO", iri_prefix="http://purl.obolibrary.org/obo/GENO_"),
        pp.Resource(id="hgnc", name="HUGO Gene Nomenclature Committee", url="https://www.genenames.org",
                    version=f"as cited by panel {panel_version}", namespace_prefix="HGNC",
                    iri_prefix="https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/"),
    ]
    if _uses_local_terms(data):
        resources.append(pp.Resource(
            id="varhlh", name=f"varhlh gene panel {panel['name']}: disease labels of genes without an OMIM entry",
            version=panel_version, namespace_prefix="VARHLH"))
    references = [pp.ExternalReference(
        id=f"varhlh-panel:{panel['name']}:{panel['version']}", reference=f"sha256:{panel['sha256']}",
        description=f"gene panel {panel_version}, sha256 of the panel files")]
    meta = pp.MetaData(created_by=f"varhlh {data['tool']['version']}", resources=resources,
                       phenopacket_schema_version=_schema_version(), external_references=references)
    meta.created.FromJsonString(created_timestamp())
    return meta


def _uses_local_terms(data: Mapping[str, Any]) -> bool:
    genes = {g["symbol"]: g for g in data["genes"]}
    return data["conclusion"]["primary_hlh"] in DRIVER_STATUS and any(
        _disease_id(genes[s]).startswith("VARHLH:") for s in data["conclusion"]["genes"])


def _schema_version() -> str:
    """The schema release of the installed ``phenopackets`` package (``2.0.2.post5`` -> ``2.0.2``)."""
    version = metadata.version("phenopackets")
    match = re.match(r"\d+\.\d+(\.\d+)?", version)
    return match.group(0) if match else version

"""GA4GH Phenopacket v2 (``<prefix>.phenopacket.json``), built with the ``phenopackets`` package.

Mapping of a result (:class:`varhlh.result.ResultDoc`; rules, README "Outputs for pipelines" and
docs/pipelines-multiqc-phenopacket.md):

* ``subject``: the sample ID and sex (``male``/``female``/``unknown`` -> MALE/FEMALE/UNKNOWN_SEX) and, when the
  clinical context gives ``age_days``, ``timeAtLastEncounter`` (ISO 8601 duration, e.g. ``P75D``).
* ``phenotypicFeatures`` (only with ``--clinical``): one HPO term per HLH-2004 item that was given
  (:data:`HPO_FEATURES`): observed when the HLH-2004 threshold is met, ``excluded`` when measured within the
  normal bound stated there (or a sign recorded as absent), left out when missing or in between.
* ``primary_hlh`` confirmed or suspected: one ``Interpretation`` per gene of ``conclusion.genes`` (progress
  SOLVED when confirmed, IN_PROGRESS when suspected) whose ``Diagnosis`` is that gene's disease: the OMIM term of
  the panel's ``omim_disease`` (the first when several) with OMIM's title from ``gene_panels/hlh_omim_labels.tsv``
  (else the panel's label), or a ``VARHLH:<gene>`` term when the panel has no OMIM number. Its
  ``GenomicInterpretation`` s are the gene's driving alleles: CAUSATIVE when confirmed; when suspected,
  CONTRIBUTORY if the phase is known (in trans, homozygous, hemizygous) and CANDIDATE if it is unknown. Every
  other reportable allele is a CANDIDATE in an interpretation of **its own gene** (IN_PROGRESS), never inside
  another gene's diagnosis.
* ``primary_hlh`` undetermined: one Interpretation, progress UNSOLVED, no Diagnosis (a Diagnosis requires a
  disease, and none is supported); its summary names the reportable alleles.
* Each allele: ``VariationDescriptor`` with the gene (HGNC), expressions ``hgvs.c`` and ``hgvs.p`` on the
  versioned MANE transcript and ``hgvs.g`` on the RefSeq chromosome for substitutions and deletion-insertions
  (a pure insertion or deletion needs the reference sequence to be shifted 3' as HGVS requires, so it gets
  none), the VCF record with the genome assembly, and the allelic state as a GENO term; ACMG class mapped from
  the classification (``risk_allele`` -> NOT_PROVIDED: it is not an ACMG class).
* ``meta_data``: created = SOURCE_DATE_EPOCH, or 1970-01-01T00:00:00Z when it is unset, so that identical
  inputs give identical bytes; resources for every prefix used (OMIM, GENO, HGNC, HP, VARHLH) with versions;
  the schema version of the installed ``phenopackets`` package; the panel and its sha256.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from typing import Any

from varhlh.errors import ConfigError
from varhlh.result import GeneDoc, ResultDoc, VariantDoc

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
GENO_VERSION = "2025-07-25"
"""GENO release the four allelic-state terms above were checked against (stable since 2014)."""
HPO_VERSION = "2025-01-16"
"""HPO release every term of :data:`HPO_FEATURES` was checked against (id, primary label, not obsolete)."""
OMIM_LABELS = "hlh_omim_labels.tsv"
"""OMIM titles of the panel's MIM numbers, beside the bundled panel (source and release in its header)."""

REFSEQ_CHROMOSOMES = {
    "GRCh37": ("NC_000001.10", "NC_000002.11", "NC_000003.11", "NC_000004.11", "NC_000005.9", "NC_000006.11",
               "NC_000007.13", "NC_000008.10", "NC_000009.11", "NC_000010.10", "NC_000011.9", "NC_000012.11",
               "NC_000013.10", "NC_000014.8", "NC_000015.9", "NC_000016.9", "NC_000017.10", "NC_000018.9",
               "NC_000019.9", "NC_000020.10", "NC_000021.8", "NC_000022.10", "NC_000023.10", "NC_000024.9"),
    "GRCh38": ("NC_000001.11", "NC_000002.12", "NC_000003.12", "NC_000004.12", "NC_000005.10", "NC_000006.12",
               "NC_000007.14", "NC_000008.11", "NC_000009.12", "NC_000010.11", "NC_000011.10", "NC_000012.12",
               "NC_000013.11", "NC_000014.9", "NC_000015.10", "NC_000016.10", "NC_000017.11", "NC_000018.10",
               "NC_000019.10", "NC_000020.11", "NC_000021.9", "NC_000022.11", "NC_000023.11", "NC_000024.10"),
}
"""RefSeq accessions of chromosomes 1-22, X, Y (GRCh37.p13 and GRCh38 primary assemblies), for ``hgvs.g``."""


@dataclass(frozen=True)
class Feature:
    """One HPO term and when the clinical values make it observed or excluded."""

    term: str
    label: str
    observed: Callable[[Mapping[str, Any]], bool | None]
    """True: observed; False: excluded (measured normal / recorded absent); None: not stated."""
    shown: Callable[[Mapping[str, Any]], str]


def _number(name: str, observed: Callable[[float], bool],
            normal: Callable[[float], bool]) -> Callable[[Mapping[str, Any]], bool | None]:
    def state(values: Mapping[str, Any]) -> bool | None:
        value = values.get(name)
        if value is None or isinstance(value, bool):
            return None
        return True if observed(value) else False if normal(value) else None
    return state


def _flag(*names: str) -> Callable[[Mapping[str, Any]], bool | None]:
    def state(values: Mapping[str, Any]) -> bool | None:
        given = [values.get(n) for n in names if isinstance(values.get(n), bool)]
        return True if any(given) else (False if given else None)
    return state


def _show(name: str, unit: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda values: f"{name.split('_')[0]} {values.get(name):g} {unit}"


def _show_flag(*names: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda values: "; ".join(f"{n}: {'yes' if values[n] else 'no'}" for n in names
                                    if isinstance(values.get(n), bool))


HPO_FEATURES: tuple[Feature, ...] = (
    Feature("HP:0001945", "Fever", _number("temperature_c", lambda x: x >= 38.5, lambda x: x < 37.5),
            _show("temperature_c", "°C (HLH-2004: >= 38.5 °C; excluded below 37.5 °C)")),
    Feature("HP:0001744", "Splenomegaly", _flag("splenomegaly"), _show_flag("splenomegaly")),
    Feature("HP:0002240", "Hepatomegaly", _flag("hepatomegaly"), _show_flag("hepatomegaly")),
    Feature("HP:0001903", "Anemia", _number("hemoglobin_g_per_l", lambda x: x < 90, lambda x: x >= 140),
            _show("hemoglobin_g_per_l", "g/L (HLH-2004: < 90 g/L; excluded from 140 g/L)")),
    Feature("HP:0001873", "Thrombocytopenia", _number("platelets_10e9_per_l", lambda x: x < 100,
                                                      lambda x: x >= 150),
            _show("platelets_10e9_per_l", "x10^9/L (HLH-2004: < 100; excluded from 150)")),
    Feature("HP:0001875", "Neutropenia", _number("neutrophils_10e9_per_l", lambda x: x < 1.0, lambda x: x >= 1.5),
            _show("neutrophils_10e9_per_l", "x10^9/L (HLH-2004: < 1.0; excluded from 1.5)")),
    Feature("HP:0002155", "Hypertriglyceridemia", _number("triglycerides_mmol_per_l", lambda x: x >= 3.0,
                                                          lambda x: x < 1.7),
            _show("triglycerides_mmol_per_l", "mmol/L fasting (HLH-2004: >= 3.0; excluded below 1.7)")),
    Feature("HP:0011900", "Hypofibrinogenemia", _number("fibrinogen_g_per_l", lambda x: x <= 1.5, lambda x: x >= 2.0),
            _show("fibrinogen_g_per_l", "g/L (HLH-2004: <= 1.5; excluded from 2.0)")),
    Feature("HP:0003281", "Increased circulating ferritin concentration",
            _number("ferritin_ug_per_l", lambda x: x >= 500, lambda x: x < 150),
            _show("ferritin_ug_per_l", "µg/L (HLH-2004: >= 500; excluded below 150)")),
    Feature("HP:0012156", "Hemophagocytosis", _flag("hemophagocytosis", "hemophagocytosis_bone_marrow"),
            _show_flag("hemophagocytosis", "hemophagocytosis_bone_marrow")),
    Feature("HP:0012178", "Reduced natural killer cell activity", _flag("nk_activity_low"),
            _show_flag("nk_activity_low")),
)
"""HLH-2004 items as HPO terms (ids and labels of HPO release :data:`HPO_VERSION`). Observed at the HLH-2004
threshold; excluded only when clearly normal at any age (bounds in each description). Soluble CD25 has no HPO
term and is left out."""


def render_phenopacket(context: Any) -> list[tuple[str, bytes]]:
    packet = build_phenopacket(context.document)  # first: it names the extra when phenopackets is missing
    from google.protobuf import json_format

    body = json.dumps(json_format.MessageToDict(packet), indent=2, ensure_ascii=False)
    return [("phenopacket.json", (body + "\n").encode("utf-8"))]


def build_phenopacket(doc: ResultDoc) -> Any:
    """The ``phenopackets.Phenopacket`` message of one result."""
    pp = _phenopackets()
    sample = doc.sample.id
    subject = pp.Individual(id=sample, sex=pp.Sex.Value(SEX.get(doc.sample.sex.value, "UNKNOWN_SEX")))
    values = _clinical_values(doc)
    age = values.get("age_days")
    if isinstance(age, int | float) and not isinstance(age, bool):
        subject.time_at_last_encounter.CopyFrom(pp.TimeElement(age=pp.Age(iso8601duration=f"P{int(age)}D")))
    features = phenotypic_features(pp, values)
    return pp.Phenopacket(id=f"{sample}.varhlh", subject=subject, phenotypic_features=features,
                          interpretations=_interpretations(pp, doc), meta_data=_meta_data(pp, doc, bool(features)))


def phenotypic_features(pp: Any, values: Mapping[str, Any]) -> list[Any]:
    """The HPO features stated by the clinical values (:data:`HPO_FEATURES`), in that order."""
    out = []
    for feature in HPO_FEATURES:
        state = feature.observed(values)
        if state is None:
            continue
        out.append(pp.PhenotypicFeature(type=pp.OntologyClass(id=feature.term, label=feature.label),
                                        excluded=not state, description=feature.shown(values)))
    return out


def created_timestamp() -> str:
    """SOURCE_DATE_EPOCH as RFC 3339 UTC; the Unix epoch when it is unset (deterministic output)."""
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else 0
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def hgvs_g(build: str, chrom: str, pos: int, ref: str, alt: str) -> str | None:
    """HGVS g. on the RefSeq chromosome for a substitution or deletion-insertion; None when it needs the reference
    sequence (pure insertions and deletions are shifted 3' by HGVS), for symbolic alleles and other contigs."""
    accession = _chromosome_accession(build, chrom)
    if accession is None or not re.fullmatch(r"[ACGT]+", ref) or not re.fullmatch(r"[ACGT]+", alt):
        return None
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    if not ref or not alt:
        return None  # insertion or deletion: position depends on 3' shifting against the reference
    if len(ref) == 1 and len(alt) == 1:
        return f"{accession}:g.{pos}{ref}>{alt}"
    span = f"{pos}_{pos + len(ref) - 1}" if len(ref) > 1 else f"{pos}"
    return f"{accession}:g.{span}delins{alt}"


# --------------------------------------------------------------------------- internals


def _phenopackets() -> Any:
    try:
        import phenopackets
    except ImportError as exc:
        msg = ("--format phenopacket needs the 'phenopackets' package, which is not installed; "
               "install it with: pip install 'varhlh[phenopacket]'")
        raise ConfigError(msg) from exc
    return phenopackets


def _clinical_values(doc: ResultDoc) -> Mapping[str, Any]:
    clinical = doc.clinical
    if clinical is None or not isinstance(clinical.values, dict):
        return {}
    return clinical.values


def _chromosome_accession(build: str, chrom: str) -> str | None:
    name = chrom.removeprefix("chr")
    match = re.fullmatch(r"NC_0000(\d\d)\.\d+", chrom)
    index = {"X": 23, "Y": 24}.get(name) or (int(name) if name.isdigit() else int(match.group(1)) if match else 0)
    accessions = REFSEQ_CHROMOSOMES.get(build)
    return accessions[index - 1] if accessions and 1 <= index <= 24 else None


def _interpretations(pp: Any, doc: ResultDoc) -> list[Any]:
    sample = doc.sample.id
    conclusion = doc.conclusion
    primary = conclusion.primary_hlh.value
    reportable = [v for v in doc.variants if v.reportable]
    if primary not in ("confirmed", "suspected") or not conclusion.genes:
        summary = conclusion.summary
        if reportable:
            summary += " Reportable alleles (no diagnosis): " + "; ".join(_label(v) for v in reportable) + "."
        return [pp.Interpretation(id=f"{sample}.varhlh", progress_status=pp.Interpretation.ProgressStatus.Value(
            PROGRESS["undetermined"]), summary=summary)]
    genes = {g.symbol: g for g in doc.genes}
    driving = {vid: symbol for symbol in conclusion.genes for vid in genes[symbol].variant_ids}
    by_gene: dict[str, list[tuple[VariantDoc, str]]] = {symbol: [] for symbol in conclusion.genes}
    for v in doc.variants:
        if v.id in driving:
            by_gene[driving[v.id]].append((v, _driver_status(primary, genes[driving[v.id]])))
        elif v.reportable:
            by_gene.setdefault(v.gene, []).append((v, "CANDIDATE"))
    result = []
    for symbol, found in by_gene.items():
        gene = genes.get(symbol)
        if gene is None:  # an allele attributed to a gene outside the panel's gene list: never happens
            continue
        ordered = sorted(found, key=lambda item: item[1] == "CANDIDATE")
        in_conclusion = symbol in conclusion.genes
        diagnosis = pp.Diagnosis(disease=_disease(pp, gene),
                                 genomic_interpretations=[_genomic(pp, doc, v, gene, s) for v, s in ordered])
        summary = conclusion.summary if in_conclusion else (
            f"Candidate only: reportable allele(s) in {symbol} ({'; '.join(_label(v) for v, _ in ordered)}) that do "
            f"not support this diagnosis on their own; the conclusion rests on {', '.join(conclusion.genes)}.")
        result.append(pp.Interpretation(
            id=f"{sample}.varhlh.{symbol}",
            progress_status=pp.Interpretation.ProgressStatus.Value(PROGRESS[primary] if in_conclusion
                                                                   else "IN_PROGRESS"),
            diagnosis=diagnosis, summary=summary))
    return result


def _driver_status(primary: str, gene: GeneDoc) -> str:
    if primary == "confirmed":
        return "CAUSATIVE"
    return "CANDIDATE" if gene.phase.value == "unknown" else "CONTRIBUTORY"


def _genomic(pp: Any, doc: ResultDoc, v: VariantDoc, gene: GeneDoc, status: str) -> Any:
    build = doc.input.genome_build.value
    expressions = []
    if v.transcript and v.hgvs_c:
        expressions.append(pp.Expression(syntax="hgvs.c", value=f"{v.transcript}:{v.hgvs_c}"))
    if v.transcript and v.hgvs_p:
        expressions.append(pp.Expression(syntax="hgvs.p", value=f"{v.transcript}:{v.hgvs_p}"))
    genomic = hgvs_g(build, v.chrom, v.pos, v.ref, v.alt)
    if genomic:
        expressions.append(pp.Expression(syntax="hgvs.g", value=genomic))
    descriptor = pp.VariationDescriptor(
        id=v.id, label=_label(v),
        gene_context=pp.GeneDescriptor(value_id=gene.hgnc_id if gene.symbol == v.gene else "", symbol=v.gene),
        expressions=expressions,
        vcf_record=pp.VcfRecord(
            genome_assembly=build, chrom=v.chrom, pos=v.pos, id=v.vcf_id or "", ref=v.ref, alt=v.alt,
            qual=_qual(v.quality.qual), filter=";".join(v.filters) or "PASS"),
        molecule_context=pp.MoleculeContext.Value("genomic"),
    )
    if v.zygosity.value in GENO:
        term, label = GENO[v.zygosity.value]
        descriptor.allelic_state.CopyFrom(pp.OntologyClass(id=term, label=label))
    interpretation = pp.VariantInterpretation(
        acmg_pathogenicity_classification=pp.AcmgPathogenicityClassification.Value(ACMG[v.classification.value]),
        therapeutic_actionability=pp.TherapeuticActionability.Value("UNKNOWN_ACTIONABILITY"),
        variation_descriptor=descriptor)
    return pp.GenomicInterpretation(
        subject_or_biosample_id=doc.sample.id,
        interpretation_status=pp.GenomicInterpretation.InterpretationStatus.Value(status),
        variant_interpretation=interpretation)


def _disease(pp: Any, gene: GeneDoc) -> Any:
    term = _disease_id(gene)
    label = omim_labels().get(term.removeprefix("OMIM:")) if term.startswith("OMIM:") else None
    return pp.OntologyClass(id=term, label=label or gene.disease)


def _disease_id(gene: GeneDoc) -> str:
    """OMIM:<first MIM of the panel's omim_disease>, else VARHLH:<gene> (the panel's own label)."""
    omim = [m for m in re.split(r"[;,\s]+", gene.omim_disease or "") if m.isdigit()]
    return f"OMIM:{omim[0]}" if omim else f"VARHLH:{gene.symbol}"


@cache
def omim_labels() -> dict[str, str]:
    """MIM number -> OMIM title (``gene_panels/hlh_omim_labels.tsv``); empty when the file is absent."""
    from varhlh.panel import bundled_panel_dir

    path = bundled_panel_dir() / OMIM_LABELS
    if not path.is_file():
        return {}
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return {row[0]: row[1] for row in rows[1:] if len(row) >= 2}


def _label(v: VariantDoc) -> str:
    change = " ".join(x for x in (v.hgvs_c, v.hgvs_p) if x) or v.id
    return f"{v.gene} {change} ({v.zygosity.value}, {v.classification.value.replace('_', ' ')})"


def _qual(value: float | None) -> str:
    if value is None:
        return "."
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _meta_data(pp: Any, doc: ResultDoc, phenotypes: bool) -> Any:
    panel = doc.panel
    panel_version = f"{panel.name} {panel.version}" + (f" ({panel.date})" if panel.date else "")
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
    if phenotypes:
        resources.append(pp.Resource(id="hp", name="human phenotype ontology",
                                     url="http://purl.obolibrary.org/obo/hp.owl", version=HPO_VERSION,
                                     namespace_prefix="HP", iri_prefix="http://purl.obolibrary.org/obo/HP_"))
    if _uses_local_terms(doc):
        resources.append(pp.Resource(
            id="varhlh", name=f"varhlh gene panel {panel.name}: disease labels of genes without an OMIM entry",
            version=panel_version, namespace_prefix="VARHLH"))
    references = [pp.ExternalReference(
        id=f"varhlh-panel:{panel.name}:{panel.version}", reference=f"sha256:{panel.sha256}",
        description=f"gene panel {panel_version}, sha256 of the panel files")]
    meta = pp.MetaData(created_by=f"varhlh {doc.tool.version}", resources=resources,
                       phenopacket_schema_version=_schema_version(), external_references=references)
    meta.created.FromJsonString(created_timestamp())
    return meta


def _uses_local_terms(doc: ResultDoc) -> bool:
    if doc.conclusion.primary_hlh.value not in ("confirmed", "suspected"):
        return False
    genes = {g.symbol: g for g in doc.genes}
    shown: Sequence[str] = [*doc.conclusion.genes, *(v.gene for v in doc.variants if v.reportable)]
    return any(_disease_id(genes[s]).startswith("VARHLH:") for s in shown if s in genes)


def _schema_version() -> str:
    """The schema release of the installed ``phenopackets`` package (``2.0.2.post5`` -> ``2.0.2``)."""
    version = metadata.version("phenopackets")
    match = re.match(r"\d+\.\d+(\.\d+)?", version)
    return match.group(0) if match else version

"""The result of the pipeline as the typed output contract (:class:`varhlh.result.ResultDoc`).

:func:`to_document` is the one place that turns the live pipeline :class:`~varhlh.pipeline.Result` into
the contract; renderers read only the document and never recompute. Output is deterministic: variants
in VCF order, genes in panel order, no timestamps unless SOURCE_DATE_EPOCH is set.
"""

from __future__ import annotations

import functools
import os
import platform
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

import msgspec

from varhlh import __version__
from varhlh.classify.functional import outcomes
from varhlh.decide.clinical import ClinicalContext, Criterion
from varhlh.decide.completeness import Completeness
from varhlh.fileio import WHOLE_FILE
from varhlh.models import (
    Allele,
    Annotation,
    BackgroundAllele,
    ClinVarEvidence,
    ConsequenceCall,
    FrequencyEvidence,
    GeneResult,
    GenotypeCall,
    Interpretation,
    TranscriptModel,
    VariantResult,
    Zygosity,
)
from varhlh.pipeline import InputFacts, Result
from varhlh.report.memo import Memo
from varhlh.result import (
    SCHEMA_VERSION,
    AnnotationSourcesDoc,
    ClinicalDoc,
    ClinVarDoc,
    CompletenessDoc,
    ConclusionDoc,
    ConsequenceDoc,
    CountsDoc,
    CriterionDoc,
    ExonModelDoc,
    FamilyCallDoc,
    FamilyDoc,
    FingerprintDoc,
    FrequencyDoc,
    FunctionalTestDoc,
    GeneCoverageDoc,
    GeneDoc,
    Hlh2004Doc,
    HScoreDoc,
    InputDoc,
    NotUsedDoc,
    OnlineDoc,
    PanelDoc,
    QualityDoc,
    ResourceDoc,
    ResultDoc,
    RunDoc,
    SampleDoc,
    SetAsideDoc,
    SourcesDoc,
    ToolDoc,
    UnassessedDoc,
    VariantDoc,
)


def to_document(result: Result) -> ResultDoc:
    """The typed result document of one analysed sample."""
    full, set_aside = split_listing(result)
    background = _background_tally(result)
    listed = _alleles_by_gene(result, background)
    return ResultDoc(
        schema_version=SCHEMA_VERSION,
        tool=tool_doc(),
        run=RunDoc(command=result.request.command, date=_date()),
        sample=_sample(result),
        input=_input(result),
        online=msgspec.convert(dict(result.online.provenance), OnlineDoc) if result.online else msgspec.UNSET,
        panel=msgspec.convert(result.panel.provenance(), PanelDoc),
        settings=result.request.settings,
        conclusion=_conclusion(result),
        completeness=_completeness(result.completeness),
        genes=[_gene(g, result, listed) for g in result.genes],
        variants=[_variant(v) for v in full],
        set_aside=set_aside,
        clinical=_clinical(result.clinical, result.variants),
        counts=_counts(result, len(set_aside), background),
        limitations=list(result.limitations),
        warnings=list(result.warnings),
    )


def split_listing(result: Result) -> tuple[list[VariantResult], list[SetAsideDoc]]:
    """(full, set-aside rows), each in listing order: an allele is listed in full when it is a finding, not assessed,
    not set aside for any reason, or an allele a gene result rests on (its call or its not-assessed list); every
    other allele goes to the compact ``set_aside`` listing — unless ``--all-alleles`` asks for every allele in full.
    A background allele (:attr:`Result.background`, never cited by a gene result) is always compact, in its place
    in the listing; its row is shared (:data:`_background_row`), and a run of them is taken at once."""
    if result.request.all_alleles:
        if result.background:
            msg = "--all-alleles lists every allele in full: no allele may be set aside on its zygosity alone"
            raise ValueError(msg)
        return list(result.variants), []
    cited = {i for g in result.genes for i in (*g.variant_ids, *g.not_assessed)}
    full: list[VariantResult] = []
    rows: list[SetAsideDoc] = []

    def interpreted(variants: Sequence[VariantResult]) -> None:
        for v in variants:
            if v.interpretation.set_aside is not None and v.id not in cited:
                rows.append(_set_aside(v))
            else:
                full.append(v)

    variants, following = result.variants, 0
    for place, run in result.background.runs(len(variants)):
        interpreted(variants[following:place])
        rows.extend(map(_background_row.__getitem__, run))
        following = place
    interpreted(variants[following:])
    return full, rows


def _set_aside(v: VariantResult) -> SetAsideDoc:
    return _row(v.allele, v.annotation, v.interpretation, v.genotype.zygosity, v.genotype.genotype)


def _row_of(v: BackgroundAllele) -> SetAsideDoc:
    return _row(v.allele, v.annotation, v.interpretation, v.zygosity, v.genotype)


def _row(allele: Allele, annotation: Annotation, interpretation: Interpretation, zygosity: Zygosity,
         genotype: str) -> SetAsideDoc:
    """The compact row of a set-aside allele (split_listing puts only set-aside alleles here)."""
    reason = interpretation.set_aside
    assert reason is not None
    return SetAsideDoc(id=allele.id, chrom=allele.record.chrom, pos=allele.record.pos, gene=allele.gene.symbol,
                       zygosity=zygosity, genotype=genotype, classification=interpretation.classification,
                       reason=reason, consequence=annotation.consequence, hgvs_c=annotation.hgvs_c)


_background_row = Memo(_row_of)
"""The row of a background allele, built once for all the samples of a cohort worker that share it."""


def _tally_key_of(v: BackgroundAllele) -> tuple[str, str]:
    return v.allele.gene.symbol, v.zygosity.value


_tally_key = Memo(_tally_key_of)
"""A background allele's (gene symbol, zygosity) — what the counts count it under — once per shared allele."""


def _background_tally(result: Result) -> Counter[tuple[str, str]]:
    """The background alleles by (gene symbol, zygosity): never reportable, never not assessed."""
    return Counter(map(_tally_key.__getitem__, result.background.alleles))


def to_dict(result: Result) -> dict[str, Any]:
    """The result as plain JSON data (the document's builtins)."""
    return msgspec.to_builtins(to_document(result))  # type: ignore[no-any-return]


def tool_doc() -> ToolDoc:
    """The program and the versions of the libraries that read the input."""
    return ToolDoc(name="varhlh", version=__version__, dependencies=dict(_dependencies()))


@functools.cache
def _dependencies() -> tuple[tuple[str, str | None], ...]:
    """The versions, read once per process (each read parses a package's metadata file; a cohort writes thousands
    of documents)."""
    deps: dict[str, str | None] = {}
    for name in ("cyvcf2", "pysam", "isal"):
        try:
            deps[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            deps[name] = None
    deps["python"] = platform.python_version()
    return tuple(deps.items())


def _date() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.isdigit():
        return None
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sample(result: Result) -> SampleDoc:
    family = result.family
    return SampleDoc(
        id=result.sample, sex=result.sex.sex, sex_source=result.sex.source, sex_evidence=result.sex.evidence,
        family=FamilyDoc(father=family.father, mother=family.mother,
                         unaffected_siblings=list(family.unaffected_siblings),
                         ped=str(result.request.ped) if result.request.ped else None))


def _input(result: Result) -> InputDoc:
    facts = result.input
    return InputDoc(
        path=facts.path, sha256=facts.sha256, fingerprint=fingerprint_doc(facts), format=facts.format,
        access=facts.access,
        genome_build=facts.build.build, build_evidence=facts.build.evidence, samples_in_file=len(facts.samples),
        annotation=msgspec.convert(facts.annotation, AnnotationSourcesDoc), records_read=facts.records_read,
        resources=[msgspec.convert(r, ResourceDoc) for r in facts.resources])


def fingerprint_doc(facts: InputFacts) -> FingerprintDoc:
    """What identifies the input (the whole file's sha256, or size, mtime and the sha256 of header and index)."""
    f = facts.fingerprint
    if f is None:  # facts built without a reader (tests): the whole-file sha256 is all there is
        return FingerprintDoc(method=WHOLE_FILE, size=None, mtime=None, header_sha256=None, index_sha256=None)
    return FingerprintDoc(method=f.method, size=f.size, mtime=f.mtime, header_sha256=f.header_sha256,
                          index_sha256=f.index_sha256)


def _conclusion(result: Result) -> ConclusionDoc:
    c = result.conclusion
    return ConclusionDoc(primary_hlh=c.primary_hlh, transplant_workup=c.transplant_workup, genes=list(c.genes),
                         summary=c.summary, recommendations=list(c.recommendations), reasons=list(c.reasons))


def _alleles_by_gene(result: Result, background: Counter[tuple[str, str]]) -> dict[str, int]:
    """Listed alleles per gene symbol, counted once for all genes (``background``: :func:`_background_tally`)."""
    counts: dict[str, int] = {}
    for v in result.variants:
        counts[v.allele.gene.symbol] = counts.get(v.allele.gene.symbol, 0) + 1
    for (symbol, _), n in background.items():
        counts[symbol] = counts.get(symbol, 0) + n
    return counts


def _gene(g: GeneResult, result: Result, listed: dict[str, int]) -> GeneDoc:
    panel_gene = result.panel.gene(g.symbol)
    return GeneDoc(
        symbol=g.symbol, inheritance=g.inheritance, call=g.call, phase=g.phase,
        phase_evidence=list(g.phase_evidence), variant_ids=list(g.variant_ids), not_assessed=list(g.not_assessed),
        strength=g.strength,
        reasons=list(g.reasons), disease=panel_gene.disease, omim_disease=panel_gene.omim_disease,
        hgnc_id=panel_gene.hgnc_id, tier=panel_gene.tier, transplant_policy=panel_gene.transplant_policy,
        transcript=panel_gene.mane_refseq,
        alleles_in_region=listed.get(g.symbol, 0),
        exon_model=_exon_model(result.panel.transcripts.get((g.symbol, result.input.build.build))))


def _exon_model(model: TranscriptModel | None) -> ExonModelDoc | None:
    """The panel's MANE exon model in the result's build (exons in transcript order), for drawing."""
    if model is None:
        return None
    exons = sorted(model.exons, key=lambda e: e.number)
    return ExonModelDoc(transcript=model.transcript, strand=model.strand, exons=[(e.start, e.end) for e in exons])


def _variant(v: VariantResult) -> VariantDoc:
    record, a, i = v.allele.record, v.annotation, v.interpretation
    call = v.genotype.call
    return VariantDoc(
        id=v.id, chrom=record.chrom, pos=record.pos, end=record.end, ref=record.ref, alt=v.allele.alt,
        vcf_id=record.id, gene=v.allele.gene.symbol, other_genes=list(v.allele.other_genes),
        zygosity=v.genotype.zygosity, genotype=v.genotype.genotype, classification=i.classification,
        evidence=list(i.evidence), reasons=list(i.reasons), reportable=i.reportable, set_aside=i.set_aside,
        effect_unknown=a.unresolved, functional_effect=v.functional_effect,
        filters=[*record.filters, *v.genotype.flags, *a.flags], diagnostic_weight=i.weight,
        null_variant=i.null_variant, consequence=a.consequence, impact=a.impact, transcript=a.transcript,
        hgvs_c=a.hgvs_c, hgvs_p=a.hgvs_p, region=a.region, annotation_source=a.source,
        annotation_notes=list(a.notes), hgvs_source=a.hgvs_source, curated=a.known.hgvs_c if a.known else None,
        clinvar=_clinvar(a.clinvar) if a.clinvar else None,
        frequency=_frequency(a.frequency) if a.frequency else None,
        quality=QualityDoc(qual=record.qual, gq=call.gq if call else None, dp=call.dp if call else None,
                           ad=list(call.ad) if call and call.ad else None,
                           phase_set=call.phase_set if call else None),
        family={sample: _family_call(c) for sample, c in sorted(v.family.items())},
        segregation=v.segregation, not_used=_not_used(a))


def _clinvar(c: ClinVarEvidence) -> ClinVarDoc:
    return ClinVarDoc(significance=c.significance, raw=c.raw, stars=c.stars, review_status=c.review_status,
                      variation_id=c.variation_id, source=c.source)


def _frequency(f: FrequencyEvidence) -> FrequencyDoc:
    return FrequencyDoc(af=f.af, af_field=f.af_field, popmax=f.popmax, popmax_field=f.popmax_field, source=f.source)


def _consequence(c: ConsequenceCall) -> ConsequenceDoc:
    return ConsequenceDoc(source=c.source, consequence=c.consequence, transcript=c.transcript, hgvs_c=c.hgvs_c,
                          hgvs_p=c.hgvs_p)


def _not_used(a: Annotation) -> NotUsedDoc:
    """Values found in other sources and not used (ClinVar, frequency, the other consequence view)."""
    return NotUsedDoc(clinvar=[_clinvar(c) for c in a.other_clinvar],
                      frequency=[_frequency(f) for f in a.other_frequency],
                      consequence=[_consequence(c) for c in a.other_consequence])


def _family_call(call: GenotypeCall) -> FamilyCallDoc:
    return FamilyCallDoc(zygosity=call.zygosity, genotype=call.genotype)


def _clinical(c: ClinicalContext | None, variants: tuple[VariantResult, ...]) -> ClinicalDoc | None:
    if c is None:
        return None
    h, s = c.hlh2004, c.hscore
    return ClinicalDoc(
        path=c.path, sha256=c.sha256, hlh_course=c.course.value if c.course else None, hlh_occurred=c.hlh_occurred,
        clinical_transplant_indication=c.clinical_transplant_indication, summary=c.sentence(),
        hlh2004=Hlh2004Doc(met=h.met, met_without_nk=h.met_without_nk, of=8, missing=list(h.missing),
                           fulfilled=h.fulfilled, criteria=[_criterion(x) for x in h.criteria]),
        hscore=HScoreDoc(minimum=s.minimum, maximum=s.maximum, complete=s.complete,
                         probability_percent=s.probability(s.minimum) if s.complete else None,
                         items=[_criterion(x) for x in s.items]),
        functional=[FunctionalTestDoc(test=o.test.key, label=o.test.label, result=o.result, genes=list(o.test.genes),
                                      effect=o.effect) for o in outcomes(c.functional, variants)],
        values=dict(c.values))


def _completeness(c: Completeness | None) -> CompletenessDoc:
    if c is None:
        msg = "a result without its completeness assessment"
        raise ValueError(msg)
    s = c.sources
    return CompletenessDoc(
        verdict=c.verdict, complete=c.complete, genes_total=len(c.genes), genes_assessable=c.assessable,
        genes=[GeneCoverageDoc(symbol=g.symbol, chromosome=g.chromosome, assessable=g.assessable, records=g.records,
                               why_not=g.why_not) for g in c.genes],
        sources=SourcesDoc(consequence=s.consequence, reference=s.reference, clinvar=s.clinvar, frequency=s.frequency,
                           phase=s.phase, parents=s.parents),
        contigs_absent=list(c.contigs_absent), contigs_without_records=list(c.contigs_without_records),
        not_assessed=[UnassessedDoc(id=u.id, gene=u.gene, zygosity=u.zygosity, name=u.name, why=u.why)
                      for u in c.not_assessed],
        to_complete=list(c.to_complete))


def _criterion(c: Criterion) -> CriterionDoc:
    return CriterionDoc(name=c.name, state=c.state, reason=c.reason)


def _counts(result: Result, set_aside: int, background: Counter[tuple[str, str]]) -> CountsDoc:
    zygosity: dict[str, int] = {}
    for v in result.variants:
        zygosity[v.genotype.zygosity.value] = zygosity.get(v.genotype.zygosity.value, 0) + 1
    for (_, kind), n in background.items():  # never reportable, never not assessed
        zygosity[kind] = zygosity.get(kind, 0) + n
    return CountsDoc(
        records_in_panel_regions=len(result.variants) + len(result.background), set_aside=set_aside,
        reportable=sum(1 for v in result.variants if v.interpretation.reportable),
        records_read=result.input.records_read, by_zygosity=dict(sorted(zygosity.items())),
        not_assessed=sum(1 for v in result.variants if v.interpretation.not_assessed and v.genotype.zygosity.carried),
        hom_ref_records=result.hom_ref_records)

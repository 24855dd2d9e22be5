"""The counselor's report as plain data: :func:`build_view` reads the typed result (:class:`ResultDoc`) and nothing
else, plus the optional report metadata (patient identifiers, referrer, sign-off; never part of the result).

The report never recomputes a decision. Every sentence restates a field of the result in plain words
(:mod:`varhlh.report.counselor.words`): the answer cards and the completeness line
(:mod:`varhlh.report.counselor.answer`) from ``conclusion``, ``clinical`` and ``completeness``; the per-gene findings
(:mod:`varhlh.report.counselor.findings`) from ``genes[]``; the family implications
(:mod:`varhlh.report.counselor.family`) from those and the relatives' genotypes in ``variants[].family``; the
clinical context (:mod:`varhlh.report.counselor.clinical_view`) from ``clinical``.

The order is a clinical laboratory report's (ESHG 2022 and ACMG reporting recommendations): result and
interpretation, recommendations, what this test cannot see, family implications, then the evidence, methods and
provenance; variants that were not reported are an appendix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from varhlh.report.counselor import answer, figures, words
from varhlh.report.counselor.clinical_view import ClinicalView, clinical_view
from varhlh.report.counselor.family import CarrierBox, FamilyNote, carrier_box, family_notes, relatives
from varhlh.report.counselor.findings import GeneFinding, finding, is_finding, omim
from varhlh.report.counselor.variant_view import VariantView, set_aside_view, variant_view
from varhlh.report.meta import ReportMeta
from varhlh.result import GeneDoc, InputDoc, ResultDoc, VariantDoc


@dataclass(frozen=True)
class GeneEvidence:
    symbol: str
    disease: str
    omim: str
    inheritance: str
    transcript: str
    diagram: figures.Scene | None
    variants: tuple[VariantView, ...]


@dataclass(frozen=True)
class OtherGroup:
    """Non-reportable alleles of one gene sharing why they are not reported, so the reasons are printed once."""

    gene: str
    cls_label: str
    reasons: tuple[str, ...]
    variants: tuple[VariantView, ...]


@dataclass(frozen=True)
class Report:
    sample: str
    sex: str
    report_date: str
    analysis_date: str
    """``run.date`` (ISO date), or '' when the result did not record one."""
    created: str
    """``run.date`` as recorded (ISO 8601), or empty: the PDF's only date metadata."""
    tool: str
    panel: str
    build: str
    meta: ReportMeta
    cards: tuple[answer.Card, answer.Card]
    scope: answer.Scope
    summary: str
    recommendations: tuple[str, ...]
    reasons: tuple[str, ...]
    findings: tuple[GeneFinding, ...]
    other_findings: tuple[str, ...]
    family: tuple[FamilyNote, ...]
    carrier: CarrierBox | None
    clinical: ClinicalView | None
    evidence: tuple[GeneEvidence, ...]
    class_counts: tuple[tuple[str, str, int], ...]
    drawn_classes: tuple[str, ...]
    not_classified: tuple[VariantView, ...]
    other_variants: tuple[VariantView, ...]
    other_groups: tuple[OtherGroup, ...]
    other_by_reason: tuple[tuple[str, int], ...]
    other_by_gene: tuple[tuple[str, int], ...]
    records: int
    reportable: int
    limitations: tuple[str, ...]
    warnings: tuple[str, ...]
    methods: tuple[tuple[str, str], ...]
    coverage: tuple[tuple[str, str, str], ...]
    """Genes not interpretable: (gene, chromosome, why)."""
    provenance: tuple[tuple[str, str], ...]
    genes_examined: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]


def build_view(doc: ResultDoc, meta: ReportMeta | None = None, report_date: str = "") -> Report:
    conclusion = doc.conclusion
    build = str(doc.input.genome_build)
    roles = relatives(doc.sample)
    mane = {g.symbol: g.transcript for g in doc.genes}
    views = {v.id: variant_view(v, build, roles, mane.get(v.gene, "")) for v in doc.variants}
    genes = list(doc.genes)
    findings = tuple(finding(g, doc, views) for g in _ordered(genes, conclusion.genes) if is_finding(g))
    found = {f.symbol for f in findings}
    found_genes = [g for g in genes if g.symbol in found]
    reportable = [v for v in doc.variants if v.reportable]
    other_views = [views[v.id] for v in doc.variants if not v.reportable]
    other_views += [set_aside_view(s, build) for s in doc.set_aside]
    by_id = {v.id: v for v in doc.variants}
    return Report(
        sample=doc.sample.id,
        sex=str(doc.sample.sex) + (" (inferred from the data)" if doc.sample.sex_source == "inferred" else ""),
        report_date=report_date or (doc.run.date or "")[:10],
        analysis_date=(doc.run.date or "")[:10],
        created=doc.run.date or "",
        tool=f"{doc.tool.name} {doc.tool.version}",
        panel=f"{doc.panel.name} {doc.panel.version}",
        build=build,
        meta=meta or ReportMeta(),
        cards=answer.cards(doc),
        scope=answer.scope(doc),
        summary=conclusion.summary,
        recommendations=tuple(conclusion.recommendations),
        reasons=tuple(conclusion.reasons),
        findings=findings,
        other_findings=_other_findings(reportable, found),
        family=family_notes(doc, found_genes),
        carrier=carrier_box(doc, found_genes),
        clinical=clinical_view(doc.clinical),
        evidence=_evidence(_ordered(genes, [*conclusion.genes, *(f.symbol for f in findings)]), reportable, views,
                           build),
        class_counts=_class_counts(reportable),
        drawn_classes=_drawn_classes(reportable, [by_id[i] for g in found_genes for i in g.variant_ids if i in by_id]),
        not_classified=tuple(views[v.id] for v in doc.variants if v.classification == "not_assessed"
                             and v.zygosity in ("het", "hom", "hemi", "partial")),
        other_variants=tuple(other_views),
        other_groups=_groups(other_views),
        other_by_reason=_tally(_why_not(v) for v in other_views),
        other_by_gene=_tally(v.gene for v in other_views),
        records=doc.counts.records_in_panel_regions,
        reportable=doc.counts.reportable,
        limitations=tuple(doc.limitations),
        warnings=tuple(doc.warnings),
        methods=_methods(doc),
        coverage=tuple((g.symbol, g.chromosome, g.why_not or "not assessable") for g in doc.completeness.genes
                       if not g.assessable),
        provenance=_provenance(doc),
        genes_examined=tuple(g.symbol for g in genes),
        glossary=words.GLOSSARY,
    )


def _ordered(genes: Sequence[GeneDoc], first: Sequence[str]) -> list[GeneDoc]:
    """The genes behind the answer first (in the conclusion's order), then the rest in panel order."""
    rank: dict[str, int] = {}
    for symbol in first:
        rank.setdefault(symbol, len(rank))
    return sorted(genes, key=lambda g: rank.get(g.symbol, len(rank)))


def _why_not(v: VariantView) -> str:
    return v.set_aside or v.cls_label


def _groups(views: Sequence[VariantView]) -> tuple[OtherGroup, ...]:
    """Group by (gene, why not reported, reasons) in order of first appearance; variants keep VCF order."""
    groups: dict[tuple[str, str, tuple[str, ...]], list[VariantView]] = {}
    for v in views:
        groups.setdefault((v.gene, _why_not(v), v.reasons), []).append(v)
    return tuple(OtherGroup(gene, why, reasons, tuple(members)) for (gene, why, reasons), members in groups.items())


def _other_findings(reportable: Sequence[VariantDoc], found: set[str]) -> tuple[str, ...]:
    """Reportable variants in genes without a finding, e.g. one VUS in LYST, in one line per gene."""
    lines = []
    by_gene: dict[str, list[VariantDoc]] = {}
    for v in reportable:
        if v.gene not in found:
            by_gene.setdefault(v.gene, []).append(v)
    for gene, alleles in by_gene.items():
        kinds = ", ".join(f"{words.variant_name(a)} ({_lower_first(_class(a))}, "
                          f"{words.label(words.ZYGOSITY_SHORT, a.zygosity)})" for a in alleles)
        lines.append(f"{gene}: {kinds}")
    return tuple(lines)


def _evidence(genes: Sequence[GeneDoc], reportable: Sequence[VariantDoc], views: Mapping[str, VariantView],
              build: str) -> tuple[GeneEvidence, ...]:
    out = []
    for gene in genes:
        alleles = [v for v in reportable if v.gene == gene.symbol]
        if not alleles:
            continue
        model = gene.exon_model
        out.append(GeneEvidence(
            symbol=gene.symbol, disease=gene.disease, omim=omim(gene),
            inheritance=words.label(words.INHERITANCE, gene.inheritance),
            transcript=model.transcript if model else gene.transcript,
            diagram=figures.gene_diagram(gene.symbol, model, alleles, build) if model else None,
            variants=tuple(views[v.id] for v in alleles)))
    return tuple(out)


def _class_counts(reportable: Sequence[VariantDoc]) -> tuple[tuple[str, str, int], ...]:
    tally = Counter(str(v.classification) for v in reportable)
    keys = [*(c for c in words.CLASS_ORDER if c in tally), *sorted(set(tally) - set(words.CLASS_ORDER))]
    return tuple((c, _lower_first(words.label(words.CLASSIFICATION, c)), tally[c]) for c in keys)


def _drawn_classes(reportable: Sequence[VariantDoc], in_findings: Sequence[VariantDoc]) -> tuple[str, ...]:
    """Classes that appear in a picture, for the marker legend."""
    return tuple(sorted({str(v.classification) for v in [*reportable, *in_findings]}))


def _tally(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    tally = Counter(values)
    return tuple(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))


def _methods(doc: ResultDoc) -> tuple[tuple[str, str], ...]:
    s = doc.completeness.sources
    annotation = doc.input.annotation
    return (
        ("Test", f"Analysis of the {doc.completeness.genes_total} genes of the {doc.panel.name} panel (version "
                 f"{doc.panel.version}) in the variant calls (VCF) given; no sequencing was done by this software."),
        ("Variant effect", s.consequence or "the bundled MANE Select exon models only (no consequence annotation)"),
        ("Reference sequence", s.reference or "not given (protein changes of coding SNVs not computed)"),
        ("Population frequency", s.frequency or "not given: frequency criteria (PM2, BS1, BA1) were not applied"),
        ("ClinVar", s.clinvar or "not given"),
        ("Phase", "read-backed or pedigree phase in the calls" if s.phase else
                  ("both parents genotyped" if s.parents else "no phase information in the calls")),
        ("Classification", "ACMG/AMP criteria (Richards 2015) with Tavtigian 2020 points and ClinGen SVI "
                           "recommendations, adapted to recessive HLH genes; a curated list of known HLH alleles and a "
                           f"dated knowledge base ({doc.panel.knowledge_version or 'none'}); see "
                           "docs/clinical-basis.md."),
        ("Decision", "Henter 2024 genetic pathway for primary HLH and the panel's transplant policy per gene."),
        ("Built-in exon models", ", ".join(annotation.builtin_models) or "none"),
    )


def _provenance(doc: ResultDoc) -> tuple[tuple[str, str], ...]:
    tool, inp, panel, run = doc.tool, doc.input, doc.panel, doc.run
    deps = ", ".join(f"{k} {v}" for k, v in sorted(tool.dependencies.items()) if v)
    rows = [
        ("Software", f"{tool.name} {tool.version}" + (f" ({deps})" if deps else "")),
        ("Result schema", doc.schema_version),
        ("Analysis date", run.date or "not stored in the result (set SOURCE_DATE_EPOCH when running the analysis "
                                      "to record it)"),
        ("Command", run.command or "not recorded"),
        ("Input file", inp.path),
        _input_identity(inp),
        ("How it was read", f"{inp.format}; {inp.access}"),
        ("Genome build", f"{inp.genome_build}, detected from: {inp.build_evidence}"),
        ("Gene panel", f"{panel.name} version {panel.version}" + (f" ({panel.date})" if panel.date else "")),
        ("Knowledge base", panel.knowledge_version or "none"),
        ("Panel SHA-256", panel.sha256),
        ("Sample", doc.sample.id),
        ("Sex", f"{doc.sample.sex} ({doc.sample.sex_evidence})" if doc.sample.sex_evidence else str(doc.sample.sex)),
    ]
    if doc.sample.family.ped:
        rows.append(("Family (PED) file", doc.sample.family.ped))
    if doc.clinical is not None:
        rows.append(("Clinical context file", f"{doc.clinical.path} (SHA-256 {doc.clinical.sha256})"))
    return tuple(rows)


def _input_identity(inp: InputDoc) -> tuple[str, str]:
    """The whole file's SHA-256, or for an input read through its index what identifies it instead."""
    if inp.sha256 is not None:
        return ("Input SHA-256", inp.sha256)
    f = inp.fingerprint
    return ("Input fingerprint", f"{f.method}: {f.size} bytes, modified {f.mtime} (seconds since 1970), header "
                                 f"SHA-256 {f.header_sha256}, index SHA-256 {f.index_sha256}")


def _class(v: VariantDoc) -> str:
    return words.label(words.CLASSIFICATION, v.classification)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]

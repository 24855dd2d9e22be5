"""The counselor's report as plain data: :func:`build_view` reads the JSON result and nothing else.

The report never recomputes a decision. Every sentence here restates a field of the result in
plain words (:mod:`varhlh.report.counselor.words`): the two answers and the summary come from
``conclusion``, the per-gene findings from ``genes[].call``/``phase``/``inheritance``, the family
implications from those and from the relatives' genotypes in ``variants[].family``. Optional
fields of older results are read with defaults, so a stored version-1 result always renders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from varhlh.report.counselor import figures, haplotypes, words
from varhlh.report.counselor.family import FamilyNote, family_notes, relatives
from varhlh.report.counselor.variant_view import VariantView, variant_view

Data = Mapping[str, Any]


@dataclass(frozen=True)
class GeneFinding:
    symbol: str
    disease: str
    inheritance: str
    call: str
    phase: str
    strength: str
    headline: str
    phase_evidence: tuple[str, ...]
    reasons: tuple[str, ...]
    haplotypes: haplotypes.Haplotypes


@dataclass(frozen=True)
class GeneEvidence:
    symbol: str
    disease: str
    inheritance: str
    transcript: str
    diagram: figures.Scene | None
    variants: tuple[VariantView, ...]


@dataclass(frozen=True)
class OtherGroup:
    """Non-reportable alleles of one gene sharing class and reasons, so the reasons are printed once."""

    gene: str
    cls_label: str
    reasons: tuple[str, ...]
    variants: tuple[VariantView, ...]


@dataclass(frozen=True)
class Report:
    sample: str
    sex: str
    date: str
    created: str
    """``run.date`` as recorded (ISO 8601), or empty."""
    tool: str
    panel: str
    build: str
    primary: words.Level
    transplant: words.Level
    summary: str
    recommendations: tuple[str, ...]
    reasons: tuple[str, ...]
    findings: tuple[GeneFinding, ...]
    other_findings: tuple[str, ...]
    family: tuple[FamilyNote, ...]
    carrier_box: bool
    evidence: tuple[GeneEvidence, ...]
    class_counts: tuple[tuple[str, str, int], ...]
    drawn_classes: tuple[str, ...]
    other_variants: tuple[VariantView, ...]
    other_groups: tuple[OtherGroup, ...]
    other_by_class: tuple[tuple[str, int], ...]
    other_by_gene: tuple[tuple[str, int], ...]
    counts: Mapping[str, Any]
    limitations: tuple[str, ...]
    warnings: tuple[str, ...]
    provenance: tuple[tuple[str, str], ...]
    genes_examined: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]


def build_view(data: Data) -> Report:
    conclusion = data["conclusion"]
    build = str(data["input"]["genome_build"])
    roles = relatives(data["sample"])
    variants = {v["id"]: variant_view(v, build, roles) for v in data["variants"]}
    by_id = {v["id"]: v for v in data["variants"]}
    genes = list(data["genes"])
    findings = tuple(_finding(g, _transcript_order(g, [by_id[i] for i in g["variant_ids"] if i in by_id]), variants,
                              data)
                     for g in _ordered(genes, conclusion["genes"]) if _is_finding(g))
    found = {f.symbol for f in findings}
    reportable = [v for v in data["variants"] if v["reportable"]]
    other = [v for v in data["variants"] if not v["reportable"]]
    return Report(
        sample=str(data["sample"]["id"]),
        sex=str(data["sample"].get("sex") or "unknown")
        + (" (inferred from the data)" if data["sample"].get("sex_source") == "inferred" else ""),
        date=_date((data.get("run") or {}).get("date")),
        created=(data.get("run") or {}).get("date") or "",
        tool=f"{data['tool'].get('name', 'varhlh')} {data['tool'].get('version', '')}".strip(),
        panel=f"{data['panel'].get('name')} {data['panel'].get('version')}",
        build=build,
        primary=words.level(words.PRIMARY_HLH, conclusion["primary_hlh"]),
        transplant=words.level(words.TRANSPLANT, conclusion["transplant_workup"]),
        summary=conclusion["summary"],
        recommendations=tuple(conclusion.get("recommendations", ())),
        reasons=tuple(conclusion.get("reasons", ())),
        findings=findings,
        other_findings=_other_findings(reportable, found),
        family=family_notes(data, [g for g in genes if g["symbol"] in found]),
        carrier_box=any(g["inheritance"] in ("AR", "XL") for g in genes if g["symbol"] in found),
        evidence=_evidence(_ordered(genes, [*conclusion["genes"], *(f.symbol for f in findings)]), reportable,
                           variants, build),
        class_counts=_class_counts(reportable),
        drawn_classes=_drawn_classes(reportable, [by_id[i] for g in genes if g["symbol"] in found
                                                  for i in g["variant_ids"] if i in by_id]),
        other_variants=tuple(variants[v["id"]] for v in other),
        other_groups=_groups([variants[v["id"]] for v in other]),
        other_by_class=tuple((words.label(words.CLASSIFICATION, c), n)
                             for c, n in _tally(v["classification"] for v in other)),
        other_by_gene=_tally(v["gene"] for v in other),
        counts=data["counts"],
        limitations=tuple(data["limitations"]),
        warnings=tuple(data["warnings"]),
        provenance=_provenance(data),
        genes_examined=tuple(g["symbol"] for g in genes),
        glossary=words.GLOSSARY,
    )


def _is_finding(gene: Data) -> bool:
    """A gene with a call, or whose alleles have a phase (e.g. a homozygous risk allele)."""
    return bool(gene["variant_ids"]) and (gene["call"] != "none" or gene["phase"] != "not_applicable")


def _transcript_order(gene: Data, alleles: list[Data]) -> list[Data]:
    """5' to 3' on the gene's transcript (as drawn), genomic order when the strand is not known."""
    minus = (gene.get("exon_model") or {}).get("strand") == "-"
    return sorted(alleles, key=lambda a: -int(a["pos"]) if minus else int(a["pos"]))


def _ordered(genes: Sequence[Data], first: Sequence[str]) -> list[Data]:
    """The genes behind the answer first (in the conclusion's order), then the rest in panel order."""
    rank: dict[str, int] = {}
    for symbol in first:
        rank.setdefault(symbol, len(rank))
    return sorted(genes, key=lambda g: rank.get(g["symbol"], len(rank)))


def _finding(gene: Data, alleles: Sequence[Data], variants: Mapping[str, VariantView], data: Data) -> GeneFinding:
    shown = [variants[a["id"]] for a in alleles]
    return GeneFinding(
        symbol=gene["symbol"],
        disease=gene.get("disease") or "",
        inheritance=words.label(words.INHERITANCE, gene["inheritance"]),
        call=words.label(words.CALL, gene["call"]),
        phase=words.label(words.PHASE, gene["phase"]),
        strength=gene.get("strength", ""),
        headline=headline(gene, shown),
        phase_evidence=tuple(gene["phase_evidence"]),
        reasons=tuple(gene.get("reasons", ())),
        haplotypes=haplotypes.draw(gene, alleles, data),
    )


def headline(gene: Data, shown: Sequence[VariantView]) -> str:
    """One plain sentence restating the gene's call and phase."""
    symbol, call, phase = gene["symbol"], gene["call"], gene["phase"]
    what = _variants_phrase(shown)
    if phase == "homozygous":
        return f"The same {what} is on both copies of {symbol} (homozygous)."
    if call == "biallelic" and phase == "trans":
        return f"{_upper_first(what)} in {symbol}, one on each copy of the gene (in trans): no working copy is left."
    if call == "possible_biallelic" or phase == "unknown":
        return (f"{_upper_first(what)} in {symbol}; it is not known whether they are on different copies "
                f"(which would explain HLH) or on the same copy (a carrier).")
    if phase == "cis":
        return (f"{_upper_first(what)} in {symbol}, both on the same copy (in cis): the other copy has no variant "
                f"found, so this is a carrier state.")
    if call == "hemizygous":
        return f"{_upper_first(what)} in {symbol}, on the X chromosome of a male: his only copy is affected."
    if call == "heterozygous_xl":
        return f"{_upper_first(what)} in {symbol}, on one of two X chromosomes (a carrier of an X-linked gene)."
    if call == "monoallelic":
        return (f"{_upper_first(what)} in {symbol} on one copy only (a carrier). In a recessive gene one altered "
                f"copy does not explain HLH.")
    if call == "dominant":
        return f"{_upper_first(what)} in {symbol}, a gene in which one altered copy can cause disease."
    return f"{_upper_first(what)} in {symbol}: {words.label(words.CALL, call)}."


def _variants_phrase(shown: Sequence[VariantView]) -> str:
    """'pathogenic variant (p.(Trp374Ter))' or 'two variants (p.X, pathogenic; p.Y, risk allele)'."""
    if len(shown) == 1:
        v = shown[0]
        return f"{v.cls_label.lower()} variant ({v.name})"
    classes = {v.cls_label for v in shown}
    if len(classes) == 1:
        names = ", ".join(v.name for v in shown)
        return f"{words.count_words(len(shown))} {next(iter(classes)).lower()} variants ({names})"
    names = "; ".join(f"{v.name}, {v.cls_label.lower()}" for v in shown)
    return f"{words.count_words(len(shown))} variants ({names})"


def _groups(views: Sequence[VariantView]) -> tuple[OtherGroup, ...]:
    """Group by (gene, class, reasons) in order of first appearance; variants keep VCF order."""
    groups: dict[tuple[str, str, tuple[str, ...]], list[VariantView]] = {}
    for v in views:
        groups.setdefault((v.gene, v.cls_label, v.reasons), []).append(v)
    return tuple(OtherGroup(gene, cls, reasons, tuple(members)) for (gene, cls, reasons), members in groups.items())


def _other_findings(reportable: Sequence[Data], found: set[str]) -> tuple[str, ...]:
    """Reportable variants in genes without a finding, e.g. one VUS in LYST, in one line per gene."""
    lines = []
    by_gene: dict[str, list[Data]] = {}
    for v in reportable:
        if v["gene"] not in found:
            by_gene.setdefault(v["gene"], []).append(v)
    for gene, alleles in by_gene.items():
        kinds = ", ".join(words.class_noun(c, n) for c, n in _tally(a["classification"] for a in alleles))
        zygosity = ", ".join(words.label(words.ZYGOSITY_SHORT, a["zygosity"]) for a in alleles)
        lines.append(f"{gene}: {kinds} ({zygosity})")
    return tuple(lines)


def _evidence(genes: Sequence[Data], reportable: Sequence[Data], variants: Mapping[str, VariantView],
              build: str) -> tuple[GeneEvidence, ...]:
    out = []
    for gene in genes:
        alleles = [v for v in reportable if v["gene"] == gene["symbol"]]
        if not alleles:
            continue
        model = gene.get("exon_model")
        out.append(GeneEvidence(
            symbol=gene["symbol"], disease=gene.get("disease") or "",
            inheritance=words.label(words.INHERITANCE, gene["inheritance"]),
            transcript=(model or {}).get("transcript") or gene.get("transcript") or "",
            diagram=figures.gene_diagram(gene["symbol"], model, alleles, build) if model else None,
            variants=tuple(variants[v["id"]] for v in alleles)))
    return tuple(out)


def _class_counts(reportable: Sequence[Data]) -> tuple[tuple[str, str, int], ...]:
    tally = Counter(v["classification"] for v in reportable)
    keys = [*(c for c in words.CLASS_ORDER if c in tally), *sorted(set(tally) - set(words.CLASS_ORDER))]
    return tuple((c, _lower_first(words.label(words.CLASSIFICATION, c)), tally[c]) for c in keys)


def _drawn_classes(reportable: Sequence[Data], in_findings: Sequence[Data]) -> tuple[str, ...]:
    """Classes that appear in a picture, for the marker legend."""
    return tuple(sorted({v["classification"] for v in [*reportable, *in_findings]}))


def _tally(values: Any) -> tuple[tuple[str, int], ...]:
    tally = Counter(values)
    return tuple(sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])))


def _sex(sample: Data) -> str:
    sex = sample.get("sex") or "unknown"
    evidence = sample.get("sex_evidence")
    return f"{sex} ({evidence})" if evidence else sex


def _date(date: str | None) -> str:
    return date[:10] if date else "not recorded"


def _provenance(data: Data) -> tuple[tuple[str, str], ...]:
    tool, inp, panel, run = data["tool"], data["input"], data["panel"], data.get("run") or {}
    deps = ", ".join(f"{k} {v}" for k, v in sorted((tool.get("dependencies") or {}).items()) if v)
    rows = [
        ("Software", f"{tool.get('name', 'varhlh')} {tool.get('version', '')}" + (f" ({deps})" if deps else "")),
        ("Result schema", str(data.get("schema_version", ""))),
        ("Analysis date", run.get("date") or "not recorded (no SOURCE_DATE_EPOCH was set)"),
        ("Command", run.get("command") or "not recorded"),
        ("Input file", str(inp.get("path", ""))),
        ("Input SHA-256", str(inp.get("sha256", ""))),
        ("How it was read", f"{inp.get('format', '')}; {inp.get('access', '')}"),
        ("Genome build", f"{inp.get('genome_build')}, detected from: {inp.get('build_evidence', 'not recorded')}"),
        ("Gene panel", f"{panel.get('name')} version {panel.get('version')}"
                       + (f" ({panel['date']})" if panel.get("date") else "")),
        ("Panel SHA-256", str(panel.get("sha256", ""))),
        ("Sample", str(data["sample"]["id"])),
        ("Sex", _sex(data["sample"])),
    ]
    ped = (data["sample"].get("family") or {}).get("ped")
    if ped:
        rows.append(("Family (PED) file", str(ped)))
    return tuple(rows)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]

"""The per-gene findings: one plain headline per genotype class, the haplotype picture and the gene's reasons.

Every headline restates ``genes[].call``, ``phase`` and ``strength`` with the classes of the alleles behind them
(``variants[].classification`` and ``diagnostic_weight``); nothing is decided here. Wording per class:

* biallelic, both alleles of full weight: both copies altered;
* biallelic with a reduced-function (hypomorphic) allele (PRF1 A91V): one copy lost, the other works less well;
  whether this causes HLH is for a functional test to confirm — never "no working copy is left";
* biallelic, suspected for another reason (a rare allele not yet well described): both copies carry a variant, one
  not yet proven disease-causing;
* biallelic_vus: neither affected nor carrier — the effect is unknown and a functional test decides;
* possible_biallelic, cis, monoallelic, hemizygous, heterozygous X-linked, dominant, a homozygous hypomorph alone;
* a well-described milder-course allele (the gene's reasons say so) and any further reportable allele of the gene
  beyond the two behind the call are named.

Variant identifiers in the gene's reasons are replaced by the variants' names (the evidence cards give both).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from varhlh.report.counselor import haplotypes, words
from varhlh.report.counselor.variant_view import VariantView
from varhlh.result import GeneDoc, ResultDoc, VariantDoc

CARRIED = ("het", "hom", "hemi", "partial")


@dataclass(frozen=True)
class GeneFinding:
    symbol: str
    disease: str
    omim: str
    inheritance: str
    call: str
    phase: str
    strength: str
    headline: str
    extra: str
    """A further reportable allele of the gene beyond the call's, in one sentence, or ''."""
    phase_evidence: tuple[str, ...]
    reasons: tuple[str, ...]
    haplotypes: haplotypes.Haplotypes


def is_finding(gene: GeneDoc) -> bool:
    """A gene with a call, or whose alleles have a phase (e.g. a homozygous risk allele)."""
    return bool(gene.variant_ids) and (gene.call != "none" or gene.phase != "not_applicable")


def finding(gene: GeneDoc, doc: ResultDoc, views: Mapping[str, VariantView]) -> GeneFinding:
    by_id = {v.id: v for v in doc.variants}
    minus = gene.exon_model is not None and gene.exon_model.strand == "-"
    driving = [by_id[i] for i in gene.variant_ids if i in by_id]
    extra = [v for v in doc.variants if v.gene == gene.symbol and v.reportable and v.zygosity in CARRIED
             and v.id not in gene.variant_ids]
    order = sorted([*driving, *extra], key=lambda a: -a.pos if minus else a.pos)
    driving = [a for a in order if a.id in gene.variant_ids]
    names = {v.id: views[v.id].name for v in doc.variants if v.gene == gene.symbol}
    return GeneFinding(
        symbol=gene.symbol,
        disease=gene.disease,
        omim=omim(gene),
        inheritance=words.label(words.INHERITANCE, gene.inheritance),
        call=words.label(words.CALL, gene.call),
        phase=words.label(words.PHASE, gene.phase),
        strength=str(gene.strength),
        headline=headline(gene, [views[a.id] for a in driving], driving),
        extra=_extra(gene, [views[a.id] for a in extra]),
        phase_evidence=tuple(gene.phase_evidence),
        reasons=tuple(_named(r, names) for r in gene.reasons),
        haplotypes=haplotypes.draw(gene, order, doc),
    )


def omim(gene: GeneDoc) -> str:
    """'OMIM 603553' (or several), '' when the panel gives none."""
    numbers = [n.strip() for n in (gene.omim_disease or "").split(";") if n.strip()]
    return f"OMIM {', '.join(numbers)}" if numbers else ""


def _named(reason: str, names: Mapping[str, str]) -> str:
    for vid, name in sorted(names.items(), key=lambda kv: -len(kv[0])):
        reason = reason.replace(vid, name)
    return reason


def hypomorphic(alleles: Sequence[VariantDoc]) -> list[VariantDoc]:
    return [a for a in alleles if a.diagnostic_weight == "hypomorph" or a.classification == "risk_allele"]


def milder(gene: GeneDoc) -> bool:
    """The gene's reasons say a driving allele is a well-described milder-course allele (work-up 'consider')."""
    return any("milder course" in r for r in gene.reasons)


def headline(gene: GeneDoc, shown: Sequence[VariantView], alleles: Sequence[VariantDoc]) -> str:
    """One plain sentence restating the gene's call and phase, worded for its genotype class."""
    symbol, call, phase = gene.symbol, gene.call, gene.phase
    what = _upper_first(_variants_phrase(shown))
    weak = hypomorphic(alleles)
    if call == "biallelic_vus":
        where = {"homozygous": f"on both copies of {symbol} (homozygous)",
                 "not_applicable": f"on the only copy of {symbol} (the X chromosome of a male)"}.get(
            phase, f"in {symbol}, " + ("one on each copy" if phase == "trans" else "possibly one on each copy"))
        return (f"{what} {where}. Whether {'it stops' if len(shown) == 1 else 'they stop'} the gene working is not "
                f"known: this is neither an affected nor a carrier result until a functional test decides.")
    if call == "none" and phase == "homozygous" and weak:
        return (f"{what} on both copies of {symbol} (homozygous). On its own this does not explain HLH (healthy "
                f"people with this genotype are common); a functional test can show whether the gene works less "
                f"well.")
    if call == "biallelic" and weak:
        strong = [v for v, a in zip(shown, alleles, strict=False) if a not in weak]
        reduced = [v for v, a in zip(shown, alleles, strict=False) if a in weak]
        one = ", ".join(f"{v.cls_label.lower()} variant {v.name}" for v in strong) or "a variant"
        other = ", ".join(f"the reduced-function (hypomorphic) variant {v.name}" for v in reduced)
        placement = "on the other copy (in trans)" if phase == "trans" else "on both copies (homozygous)"
        return (f"{_upper_first(one)} on one copy of {symbol} and {other} {placement}: one copy does not work and "
                f"the other works less well. Whether this causes HLH must be confirmed by a functional test.")
    if phase == "homozygous" and call == "biallelic":
        text = f"{what} on both copies of {symbol} (homozygous): both copies are altered."
        return text + _milder(gene) + _weaker(gene)
    if call == "biallelic" and phase == "trans":
        text = f"{what} in {symbol}, one on each copy of the gene (in trans): both copies are altered."
        return text + _milder(gene) + _weaker(gene)
    if call == "possible_biallelic" and len(shown) == 1:
        return (f"{what} in {symbol} with a single-copy call on a chromosome that has two: the other copy may be "
                f"deleted; this needs checking.")
    if call == "possible_biallelic" or phase == "unknown":
        return (f"{what} in {symbol}; it is not known whether they are on different copies (which would explain "
                f"HLH) or on the same copy (a carrier).")
    if phase == "cis":
        return (f"{what} in {symbol}, both on the same copy (in cis): the other copy has no variant found, so this "
                f"is a carrier state.")
    if call == "hemizygous":
        return (f"{what} in {symbol}, on the X chromosome of a male: his only copy is altered."
                + _milder(gene) + _weaker(gene))
    if call == "heterozygous_xl":
        return f"{what} in {symbol}, on one of two X chromosomes (a carrier of an X-linked gene)."
    if call == "monoallelic":
        return (f"{what} in {symbol} on one copy only (a carrier). In a recessive gene one altered copy does not "
                f"explain HLH.")
    if call == "dominant":
        return f"{what} in {symbol}, a gene in which one altered copy can cause disease."
    return f"{what} in {symbol}: {words.label(words.CALL, call)}."


def _milder(gene: GeneDoc) -> str:
    return (" This allele is well described with a later onset and a milder course: the diagnosis stands, and the "
            "timing of a transplant is a clinical decision." if milder(gene) else "")


def _weaker(gene: GeneDoc) -> str:
    if gene.strength == "suspected":
        return (" At least one of the variants is not yet proven to be disease-causing, so this suggests but does "
                "not prove the diagnosis.")
    return ""


def _extra(gene: GeneDoc, extra: Sequence[VariantView]) -> str:
    if not extra:
        return ""
    names = "; ".join(f"{v.name} ({v.cls_label.lower()})" for v in extra)
    return (f"Also found in {gene.symbol}: {names}. The gene's result rests on the variants above; the picture "
            f"shows {'this one' if len(extra) == 1 else 'these'} on the copy the data show, or on a row of its own "
            f"when the copy is not determined.")


def _variants_phrase(shown: Sequence[VariantView]) -> str:
    """'pathogenic variant p.(Trp374Ter)' or 'two variants (p.X, pathogenic; p.Y, risk allele)'."""
    if len(shown) == 1:
        v = shown[0]
        return f"the {_class_word(v)} {v.name}"
    classes = {_class_word(v) for v in shown}
    if len(classes) == 1:
        names = " and ".join(v.name for v in shown)
        plural = next(iter(classes)).replace("variant", "variants", 1)
        return f"{words.count_words(len(shown))} {plural}, {names},"
    names = "; ".join(f"{v.name}, {_class_word(v)}" for v in shown)
    return f"{words.count_words(len(shown))} variants ({names})"


def _class_word(v: VariantView) -> str:
    if v.cls == "uncertain":
        return "variant of uncertain significance"
    if v.cls == "risk_allele":
        return "reduced-function variant"
    return f"{v.cls_label.lower()} variant"


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]

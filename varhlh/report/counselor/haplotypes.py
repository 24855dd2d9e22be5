"""The haplotype picture: which copy of the gene each variant is on, as the result states it.

Rules (all read from the result, never recomputed):

* Every reportable allele the patient carries in the gene is drawn, not only the two behind the gene call (a third
  pathogenic allele is drawn too, on the copy its phased genotype or the parents show, else on a row "copy not
  determined").
* ``homozygous`` alleles are drawn on both copies; ``cis`` puts the gene's alleles on one copy; ``trans`` on
  different copies; any other phase (one allele) puts it on one copy.
* For ``trans`` the copy of each allele is, in order of preference: the parent who carries it (exactly one
  genotyped parent carries it, both genotyped), the side of a phased genotype (``0|1`` / ``1|0``, all in one phase
  set), or, for exactly two alleles, one each. A placement that would contradict the result's phase is not drawn.
* ``unknown`` phase is drawn as the two possibilities side by side, in trans and in cis.
* An X-linked gene in a male is drawn as his X (from his mother) and his Y (no copy of the gene).
* Parents are drawn when the result names them (``sample.family``), with the genotypes recorded for them in
  ``variants[].family`` or "not genotyped".

Variant names above the copies are routed into rows so that no two overlap; every figure carries a label that
states its content for screen readers ("Copy 1: p.(Ser150Ter); copy 2: p.(Trp374Ter) — in trans, from phased
genotypes").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from varhlh.report.counselor import words
from varhlh.report.counselor.figures import (
    COLOURS,
    GREY,
    INK,
    MIN_TEXT,
    WIDTH,
    Scene,
    _Canvas,
    _width,
    label_rows,
    short,
)
from varhlh.result import GeneDoc, ResultDoc, VariantDoc

CARRIED = ("het", "hom", "hemi", "partial")
BAR_H = 16
ROW_H = 28
"""Height of one row of variant labels (name and class)."""


@dataclass(frozen=True)
class Haplotypes:
    scene: Scene
    unknown_phase: bool
    parents_drawn: bool
    note: str
    """Why the drawing is as it is, in one sentence (e.g. copies attributed to parents)."""


@dataclass(frozen=True)
class _Layout:
    labels: tuple[str, str]
    copies: tuple[frozenset[str], frozenset[str]]
    y_chromosome: bool
    note: str
    unplaced: frozenset[str] = frozenset()


def draw(gene: GeneDoc, alleles: Sequence[VariantDoc], doc: ResultDoc) -> Haplotypes:
    """``alleles``: the gene's alleles behind the call and any other reportable allele of the gene carried."""
    sample = doc.sample
    minus = gene.exon_model is not None and gene.exon_model.strand == "-"
    carried = sorted((a for a in alleles if a.zygosity in CARRIED), key=lambda a: -a.pos if minus else a.pos)
    parents = [(role, pid) for role, pid in (("father", sample.family.father), ("mother", sample.family.mother))
               if pid]
    xl_male = gene.inheritance == "XL" and sample.sex == "male"
    canvas = _Canvas()
    y = 8.0
    if parents:
        y = _parents(canvas, parents, carried, gene, xl_male, y) + 18
    driving = [a for a in carried if a.id in gene.variant_ids]
    if gene.phase == "unknown" and len(driving) >= 2:
        height = _unknown(canvas, driving, y)
        note = ("The data do not show which copy each variant is on; testing the parents (or phased / long-read "
                "sequencing) tells the two possibilities apart.")
        names = " and ".join(words.variant_name(a) for a in driving)
        label = (f"{names}: it is not known whether they are on different copies (possibility 1, in trans: both "
                 f"copies altered) or on the same copy (possibility 2, in cis: one copy intact).")
        scene = Scene(WIDTH, height, _title(gene), tuple(canvas.items), label)
        return Haplotypes(scene, True, bool(parents), note)
    layout = _layout(gene, carried, doc, xl_male)
    canvas.text(20, y + 12, f"Patient {sample.id}", weight="bold")
    bottom = _copies(canvas, carried, layout, 20, WIDTH - 20, y + 22, 190)
    canvas.text(20, bottom + 20, _outcome(gene, layout), weight="bold")
    scene = Scene(WIDTH, bottom + 30, _title(gene), tuple(canvas.items), _aria(gene, carried, layout))
    return Haplotypes(scene, False, bool(parents), layout.note)


def _title(gene: GeneDoc) -> str:
    return f"The two copies of {gene.symbol} in the patient, and which variant is on which copy"


def _aria(gene: GeneDoc, carried: Sequence[VariantDoc], layout: _Layout) -> str:
    """'Copy 1: p.(Ser150Ter); copy 2: p.(Trp374Ter) — in trans, from phased genotypes'."""
    parts = []
    for i, (label, members) in enumerate(zip(layout.labels, layout.copies, strict=True)):
        names = [words.variant_name(a) for a in carried if a.id in members]
        text = "no copy of the gene" if layout.y_chromosome and i == 1 else ", ".join(names) or "no variant found"
        parts.append(f"{label if i == 0 else label[:1].lower() + label[1:]}: {text}")
    if layout.unplaced:
        parts.append("copy not determined: " + ", ".join(words.variant_name(a) for a in carried
                                                        if a.id in layout.unplaced))
    phase = words.label(words.PHASE, gene.phase).split(":")[0] if gene.phase != "not_applicable" else ""
    how = layout.note.rstrip(".").lower() if layout.note else ""
    tail = " — ".join(x for x in (phase, how) if x)
    return "; ".join(parts) + (f" — {tail}" if tail else "")


def _layout(gene: GeneDoc, carried: Sequence[VariantDoc], doc: ResultDoc, xl_male: bool) -> _Layout:
    ids = [a.id for a in carried]
    both = frozenset(a.id for a in carried if a.zygosity == "hom")
    single = [i for i in ids if i not in both]
    if xl_male:
        return _Layout(("X chromosome (from his mother)", "Y chromosome (from his father)"),
                       (frozenset(ids), frozenset()), True,
                       "A male has one X chromosome, inherited from his mother, and one Y chromosome.")
    labels = (("X chromosome 1", "X chromosome 2") if gene.inheritance == "XL" else ("Copy 1", "Copy 2"))
    if gene.phase == "trans" and len(single) >= 2:
        placed = _trans(carried, doc, gene)
        if placed is not None:
            sides, by_parent, note, unplaced = placed
            if by_parent:
                labels = ("Copy from the father", "Copy from the mother")
            return _Layout(labels, (frozenset(sides[0]) | both, frozenset(sides[1]) | both), False, note,
                           frozenset(unplaced))
        return _Layout(labels, (frozenset(), both), False,
                       "The result says in trans, but which copy each variant is on is not recorded.",
                       frozenset(single))
    if gene.phase == "cis":
        origin = _origin(carried, doc)
        if origin and len(set(origin.values())) == 1 and len(origin) == len(carried):
            side = next(iter(origin.values()))
            copies = (frozenset(ids), frozenset()) if side == 0 else (frozenset(), frozenset(ids))
            return _Layout(("Copy from the father", "Copy from the mother"), copies, False,
                           "Both variants were inherited from the same parent, so they are on the same copy.")
        return _Layout(labels, (frozenset(ids), frozenset()), False, "")
    return _Layout(labels, (frozenset(ids), both), False, "")


def _origin(carried: Sequence[VariantDoc], doc: ResultDoc) -> dict[str, int]:
    """Allele -> 0 (from the father) or 1 (from the mother), when exactly one genotyped parent carries it."""
    family = doc.sample.family
    pids = (family.father, family.mother)
    out = {}
    for a in carried:
        zyg = [a.family[p].zygosity if p and p in a.family else None for p in pids]
        has = [side for side, z in enumerate(zyg) if z in CARRIED]
        known = [z for z in zyg if z in (*CARRIED, "ref")]
        if len(has) == 1 and len(known) == 2:
            out[a.id] = has[0]
    return out


def _trans(carried: Sequence[VariantDoc], doc: ResultDoc,
           gene: GeneDoc) -> tuple[list[list[str]], bool, str, list[str]] | None:
    singles = [a for a in carried if a.zygosity != "hom"]
    origin = _origin(singles, doc)
    if len(origin) == len(singles) and len(set(origin.values())) == 2:
        sides: list[list[str]] = [[], []]
        for a in singles:
            sides[origin[a.id]].append(a.id)
        return sides, True, "Each copy is attributed to the parent whose genotype shows the variant.", []
    phased = _phased(singles)
    if phased is not None:
        return phased, False, "Copies follow the phased genotypes (one phase set) in the VCF.", []
    driving = [a for a in singles if a.id in gene.variant_ids]
    if len(driving) == 2:
        extra = [a.id for a in singles if a.id not in gene.variant_ids]
        return ([[driving[0].id], [driving[1].id]], False, "In trans: one variant on each copy.", extra)
    return None


def _phased(singles: Sequence[VariantDoc]) -> list[list[str]] | None:
    sets = {a.quality.phase_set for a in singles}
    if len(sets) != 1:
        return None
    sides: list[list[str]] = [[], []]
    for a in singles:
        parts = a.genotype.split("|")
        if len(parts) != 2 or (parts[0] == "0") == (parts[1] == "0"):
            return None
        sides[0 if parts[1] == "0" else 1].append(a.id)
    return sides if all(sides) else None


def _label_rows(columns: Sequence[tuple[VariantDoc, float]], lo: float, hi: float) -> list[int]:
    """Rows for the variant labels above the copies, so that no two overlap (columns sorted by x)."""
    return label_rows([(x, (words.variant_name(a), short(a.classification))) for a, x in columns], lo, hi, gap=8)


def _copies(canvas: _Canvas, carried: Sequence[VariantDoc], layout: _Layout, x0: float, x1: float, y: float,
            label_w: float) -> float:
    """Variant labels (routed into rows), then the two copy bars (and a row for unplaced alleles); returns the y
    below them."""
    bar_x0 = x0 + label_w
    columns = _columns(carried, bar_x0, x1)
    rows = _label_rows(columns, x0 + 8, x1)
    nrows = max(rows, default=0) + 1
    for (a, x), row in zip(columns, rows, strict=True):
        cls = a.classification
        w = _width(words.variant_name(a), short(cls))
        lx = min(max(x, x0 + 8 + w / 2), x1 - w / 2)
        ly = y + row * ROW_H
        canvas.text(lx, ly + 11, words.variant_name(a), size=11, weight="bold", anchor="middle")
        canvas.text(lx, ly + 24, short(cls), size=MIN_TEXT, anchor="middle", fill=COLOURS.get(cls, INK))
    top = y + nrows * ROW_H + 6
    bars = [*zip(layout.labels, layout.copies, strict=True)]
    if layout.unplaced:
        bars.append(("Copy not determined", layout.unplaced))
    for i, (label, members) in enumerate(bars):
        by = top + i * (BAR_H + 14)
        is_y = layout.y_chromosome and i == 1
        unplaced = i == 2
        canvas.text(x0, by + 12, label, size=11)
        canvas.rect(bar_x0, by, x1 - bar_x0, BAR_H, fill="#ffffff" if is_y or unplaced else "#eef1f5",
                    stroke=GREY if is_y or unplaced else INK, dash="4 3" if is_y or unplaced else "")
        if is_y:
            canvas.text((bar_x0 + x1) / 2, by + 12, "carries no copy of this gene", size=MIN_TEXT, anchor="middle",
                        fill=GREY)
            continue
        if not members:
            canvas.text((bar_x0 + x1) / 2, by + 12, "no variant found on this copy", size=MIN_TEXT,
                        anchor="middle", fill=GREY)
        for a, x in columns:
            if a.id in members:
                canvas.marker(x, by + BAR_H / 2, a.classification, r=6.5)
    for (_, x), row in zip(columns, rows, strict=True):
        canvas.line(x, y + row * ROW_H + 27, x, top - 1, stroke=GREY, dash="2 2")
    return top + len(bars) * (BAR_H + 14)


def _columns(carried: Sequence[VariantDoc], x0: float, x1: float) -> list[tuple[VariantDoc, float]]:
    n = len(carried)
    return [(a, x0 + (x1 - x0) * (i + 1) / (n + 1)) for i, a in enumerate(carried)]


def _outcome(gene: GeneDoc, layout: _Layout) -> str:
    first, second = layout.copies
    symbol = gene.symbol
    if layout.y_chromosome:
        return f"His only copy of {symbol} carries the variant." if first else "No variant on his X chromosome."
    if first and second:
        return f"Both copies of {symbol} carry a variant."
    if first or second:
        return f"One copy of {symbol} carries the variant(s); the other copy has none found."
    return f"Which copy of {symbol} carries each variant is not determined."


def _unknown(canvas: _Canvas, carried: Sequence[VariantDoc], y: float) -> float:
    ids = [a.id for a in carried]
    panels: tuple[tuple[str, tuple[frozenset[str], frozenset[str]], str], ...] = (
        ("If in trans: one on each copy", (frozenset(ids[:1]), frozenset(ids[1:])),
         "Both copies altered: would explain HLH."),
        ("If in cis: both on one copy", (frozenset(ids), frozenset()),
         "One copy intact: a carrier only."),
    )
    bottom = y
    half = WIDTH / 2
    for i, (heading, copies, outcome) in enumerate(panels):
        x0 = 14 + i * half
        canvas.text(x0, y + 12, f"Possibility {i + 1}", size=MIN_TEXT, fill=GREY)
        canvas.text(x0, y + 27, heading, weight="bold")
        layout = _Layout(("Copy 1", "Copy 2"), copies, False, "")
        end = _copies(canvas, carried, layout, x0, x0 + half - 28, y + 34, 56)
        canvas.text(x0, end + 20, outcome, weight="bold")
        bottom = max(bottom, end + 30)
    canvas.line(half, y + 4, half, bottom - 4, stroke=GREY, dash="3 3")
    return bottom


def _parents(canvas: _Canvas, parents: Sequence[tuple[str, str]], carried: Sequence[VariantDoc], gene: GeneDoc,
             xl_male: bool, y: float) -> float:
    """The genotyped parents' copies, each variant where the result shows it; returns the y below."""
    xl = gene.inheritance == "XL"
    half = WIDTH / 2
    bottom = y
    for role, pid in parents:
        x0 = 20 + (0 if role == "father" else half)
        calls = [(a, a.family.get(pid)) for a in carried]
        genotyped = any(c is not None for _, c in calls)
        canvas.text(x0, y + 12, f"{role.capitalize()} {pid}", weight="bold")
        if not genotyped:
            canvas.text(x0, y + 28, "not genotyped in this VCF", size=MIN_TEXT, fill=GREY)
            bottom = max(bottom, y + 36)
            continue
        labels = (("X", "Y") if role == "father" else ("X", "X")) if xl else ("copy 1", "copy 2")
        first = frozenset(a.id for a, c in calls if c and c.zygosity in CARRIED)
        second = frozenset(a.id for a, c in calls if c and c.zygosity == "hom")
        layout = _Layout(labels, (first, second), xl and role == "father", "")
        end = _copies(canvas, carried, layout, x0, x0 + half - 40, y + 18, 52)
        missing = [words.variant_name(a) for a, c in calls if c is None or c.zygosity not in (*CARRIED, "ref")]
        if missing:
            canvas.text(x0, end + 12, "not genotyped at: " + ", ".join(missing), size=MIN_TEXT, fill=GREY)
            end += 16
        bottom = max(bottom, end)
    canvas.line(20, bottom + 8, WIDTH - 20, bottom + 8, stroke="#9aa5b1")
    if xl_male:
        canvas.text(WIDTH / 2, bottom + 24, "a son inherits his X from his mother and his Y from his father",
                    size=MIN_TEXT, anchor="middle", fill=GREY)
        return bottom + 26
    return bottom + 10

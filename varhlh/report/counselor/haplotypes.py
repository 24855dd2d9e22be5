"""The haplotype picture: which copy of the gene each variant is on, as the result states it.

Rules (all read from the result, never recomputed):

* ``homozygous`` alleles are drawn on both copies; ``cis`` puts the gene's alleles on one copy;
  ``trans`` on different copies; any other phase (one allele) puts it on one copy.
* For ``trans`` the copy of each allele is, in order of preference: the parent who carries it
  (exactly one genotyped parent carries it), the side of a phased genotype (``0|1`` / ``1|0``, all
  in one phase set), or, for exactly two alleles, one each. A placement that would contradict the
  result's phase is not drawn; the alleles are then listed on the first copy with a note.
* ``unknown`` phase is drawn as the two possibilities side by side, in trans and in cis.
* An X-linked gene in a male is drawn as his X (from his mother) and his Y (no copy of the gene).
* Parents are drawn when the result names them (``sample.family``), with the genotypes recorded
  for them in ``variants[].family`` or "not genotyped".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from varhlh.report.counselor import words
from varhlh.report.counselor.figures import COLOURS, GREY, INK, SHORT, WIDTH, Scene, _Canvas

Data = Mapping[str, Any]
CARRIED = ("het", "hom", "hemi", "partial")
BAR_H = 16


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


def draw(gene: Data, alleles: Sequence[Data], data: Data) -> Haplotypes:
    sample = data["sample"]
    minus = (gene.get("exon_model") or {}).get("strand") == "-"
    carried = sorted((a for a in alleles if a["zygosity"] in CARRIED),
                     key=lambda a: -int(a["pos"]) if minus else int(a["pos"]))
    family = sample.get("family") or {}
    parents = [(role, family[role]) for role in ("father", "mother") if family.get(role)]
    xl_male = gene["inheritance"] == "XL" and sample.get("sex") == "male"
    canvas = _Canvas()
    y = 8.0
    if parents:
        y = _parents(canvas, parents, carried, gene, xl_male, y) + 18
    if gene["phase"] == "unknown" and len(carried) >= 2:
        height = _unknown(canvas, carried, y)
        note = ("The data do not show which copy each variant is on; testing the parents (or phased / long-read "
                "sequencing) tells the two possibilities apart.")
        return Haplotypes(Scene(WIDTH, height, _title(gene), tuple(canvas.items)), True, bool(parents), note)
    layout = _layout(gene, carried, data, xl_male)
    canvas.text(20, y + 12, f"Patient {sample['id']}", weight="bold")
    bottom = _copies(canvas, carried, layout, 20, WIDTH - 20, y + 22, 190)
    canvas.text(20, bottom + 20, _outcome(gene, layout), weight="bold")
    return Haplotypes(Scene(WIDTH, bottom + 30, _title(gene), tuple(canvas.items)), False, bool(parents),
                      layout.note)


def _title(gene: Data) -> str:
    return f"The two copies of {gene['symbol']} in the patient, and which variant is on which copy"


def _layout(gene: Data, carried: Sequence[Data], data: Data, xl_male: bool) -> _Layout:
    ids = [a["id"] for a in carried]
    both = frozenset(a["id"] for a in carried if a["zygosity"] == "hom")
    single = [i for i in ids if i not in both]
    if xl_male:
        return _Layout(("X chromosome (from his mother)", "Y chromosome (from his father)"),
                       (frozenset(ids), frozenset()), True,
                       "A male has one X chromosome, inherited from his mother, and one Y chromosome.")
    labels = (("X chromosome 1", "X chromosome 2") if gene["inheritance"] == "XL" else ("Copy 1", "Copy 2"))
    if gene["phase"] == "trans" and len(single) >= 2:
        placed = _trans(carried, data)
        if placed is not None:
            sides, by_parent, note = placed
            if by_parent:
                labels = ("Copy from the father", "Copy from the mother")
            return _Layout(labels, (frozenset(sides[0]) | both, frozenset(sides[1]) | both), False, note)
        return _Layout(labels, (frozenset(ids), both), False,
                       "The result says in trans, but which copy each variant is on is not recorded; all are "
                       "listed on the first copy.")
    if gene["phase"] == "cis":
        origin = _origin(carried, data)
        if origin and len(set(origin.values())) == 1 and len(origin) == len(carried):
            side = next(iter(origin.values()))
            copies = (frozenset(ids), frozenset()) if side == 0 else (frozenset(), frozenset(ids))
            return _Layout(("Copy from the father", "Copy from the mother"), copies, False,
                           "Both variants were inherited from the same parent, so they are on the same copy.")
        return _Layout(labels, (frozenset(ids), frozenset()), False, "")
    return _Layout(labels, (frozenset(ids), both), False, "")


def _origin(carried: Sequence[Data], data: Data) -> dict[str, int]:
    """Allele -> 0 (from the father) or 1 (from the mother), when exactly one genotyped parent carries it."""
    family = data["sample"].get("family") or {}
    out = {}
    for a in carried:
        calls = a.get("family") or {}
        has = [role for side, role in enumerate(("father", "mother"))
               if family.get(role) and (calls.get(family[role]) or {}).get("zygosity") in CARRIED]
        known = [role for role in ("father", "mother")
                 if family.get(role) and (calls.get(family[role]) or {}).get("zygosity") in (*CARRIED, "ref")]
        if len(has) == 1 and len(known) == 2:
            out[a["id"]] = 0 if has[0] == "father" else 1
    return out


def _trans(carried: Sequence[Data], data: Data) -> tuple[list[list[str]], bool, str] | None:
    singles = [a for a in carried if a["zygosity"] != "hom"]
    origin = _origin(singles, data)
    if len(origin) == len(singles) and len(set(origin.values())) == 2:
        sides: list[list[str]] = [[], []]
        for a in singles:
            sides[origin[a["id"]]].append(a["id"])
        return sides, True, "Each copy is attributed to the parent whose genotype shows the variant."
    phased = _phased(singles)
    if phased is not None:
        return phased, False, "Copies follow the phased genotypes (one phase set) in the VCF."
    if len(singles) == 2:
        return [[singles[0]["id"]], [singles[1]["id"]]], False, "In trans: one variant on each copy."
    return None


def _phased(singles: Sequence[Data]) -> list[list[str]] | None:
    sets = {(a.get("quality") or {}).get("phase_set") for a in singles}
    if len(sets) != 1:
        return None
    sides: list[list[str]] = [[], []]
    for a in singles:
        parts = str(a.get("genotype") or "").split("|")
        if len(parts) != 2 or (parts[0] == "0") == (parts[1] == "0"):
            return None
        sides[0 if parts[1] == "0" else 1].append(a["id"])
    return sides if all(sides) else None


def _copies(canvas: _Canvas, carried: Sequence[Data], layout: _Layout, x0: float, x1: float, y: float,
            label_w: float) -> float:
    """Variant column headers, then the two copy bars; returns the y below them."""
    bar_x0 = x0 + label_w
    columns = _columns(carried, bar_x0, x1)
    for a, x in columns:
        cls = a["classification"]
        canvas.text(x, y + 10, _name(a), size=11, weight="bold", anchor="middle")
        canvas.text(x, y + 22, SHORT.get(cls, str(cls)), size=9.5, anchor="middle", fill=COLOURS.get(cls, INK))
    top = y + 32
    for i, (label, members) in enumerate(zip(layout.labels, layout.copies, strict=True)):
        by = top + i * (BAR_H + 14)
        is_y = layout.y_chromosome and i == 1
        canvas.text(x0, by + 12, label, size=11)
        canvas.rect(bar_x0, by, x1 - bar_x0, BAR_H, fill="#ffffff" if is_y else "#eef1f5",
                    stroke=GREY if is_y else INK, dash="4 3" if is_y else "")
        if is_y:
            canvas.text((bar_x0 + x1) / 2, by + 12, "carries no copy of this gene", size=9.5, anchor="middle",
                        fill=GREY)
            continue
        if not members:
            canvas.text((bar_x0 + x1) / 2, by + 12, "no variant found on this copy", size=9.5, anchor="middle",
                        fill=GREY)
        for a, x in columns:
            if a["id"] in members:
                canvas.marker(x, by + BAR_H / 2, a["classification"], r=6.5)
    for _, x in columns:
        canvas.line(x, y + 25, x, top - 1, stroke=GREY, dash="2 2")
    return top + 2 * BAR_H + 14


def _columns(carried: Sequence[Data], x0: float, x1: float) -> list[tuple[Data, float]]:
    n = len(carried)
    return [(a, x0 + (x1 - x0) * (i + 1) / (n + 1)) for i, a in enumerate(carried)]


def _name(allele: Data) -> str:
    return words.variant_name(allele)


def _outcome(gene: Data, layout: _Layout) -> str:
    first, second = layout.copies
    symbol = gene["symbol"]
    if layout.y_chromosome:
        return f"His only copy of {symbol} carries the variant." if first else "No variant on his X chromosome."
    if first and second:
        return f"Both copies of {symbol} carry a variant."
    if first or second:
        return f"One copy of {symbol} carries the variant(s); the other copy has none found."
    return f"No variant drawn on either copy of {symbol}."


def _unknown(canvas: _Canvas, carried: Sequence[Data], y: float) -> float:
    ids = [a["id"] for a in carried]
    panels: tuple[tuple[str, tuple[frozenset[str], frozenset[str]], str], ...] = (
        ("If in trans: one variant on each copy", (frozenset(ids[:1]), frozenset(ids[1:])),
         "Both copies carry a variant: would explain HLH."),
        ("If in cis: both on the same copy", (frozenset(ids), frozenset()),
         "One copy intact: a carrier only."),
    )
    bottom = y
    half = WIDTH / 2
    for i, (heading, copies, outcome) in enumerate(panels):
        x0 = 14 + i * half
        canvas.text(x0, y + 12, f"Possibility {i + 1}", size=10, fill=GREY)
        canvas.text(x0, y + 26, heading, weight="bold")
        layout = _Layout(("Copy 1", "Copy 2"), copies, False, "")
        end = _copies(canvas, carried, layout, x0, x0 + half - 28, y + 32, 56)
        canvas.text(x0, end + 20, outcome, weight="bold")
        bottom = max(bottom, end + 30)
    canvas.line(half, y + 4, half, bottom - 4, stroke=GREY, dash="3 3")
    return bottom


def _parents(canvas: _Canvas, parents: Sequence[tuple[str, str]], carried: Sequence[Data], gene: Data,
             xl_male: bool, y: float) -> float:
    """The genotyped parents' copies, each variant where the result shows it; returns the y below."""
    xl = gene["inheritance"] == "XL"
    half = WIDTH / 2
    bottom = y
    for role, pid in parents:
        x0 = 20 + (0 if role == "father" else half)
        calls = [(a, (a.get("family") or {}).get(pid)) for a in carried]
        genotyped = any(c is not None for _, c in calls)
        canvas.text(x0, y + 12, f"{role.capitalize()} {pid}", weight="bold")
        if not genotyped:
            canvas.text(x0, y + 28, "not genotyped in this VCF", size=10, fill=GREY)
            bottom = max(bottom, y + 36)
            continue
        labels = (("X", "Y") if role == "father" else ("X", "X")) if xl else ("copy 1", "copy 2")
        first = frozenset(a["id"] for a, c in calls if c and c["zygosity"] in CARRIED)
        second = frozenset(a["id"] for a, c in calls if c and c["zygosity"] == "hom")
        layout = _Layout(labels, (first, second), xl and role == "father", "")
        end = _copies(canvas, carried, layout, x0, x0 + half - 40, y + 16, 52)
        missing = [_name(a) for a, c in calls if c is None or c["zygosity"] not in (*CARRIED, "ref")]
        if missing:
            canvas.text(x0, end + 12, "not genotyped at: " + ", ".join(missing), size=9.5, fill=GREY)
            end += 14
        bottom = max(bottom, end)
    canvas.line(20, bottom + 8, WIDTH - 20, bottom + 8, stroke="#d1d5db")
    if xl_male:
        canvas.text(WIDTH / 2, bottom + 22, "a son inherits his X from his mother and his Y from his father",
                    size=9.5, anchor="middle", fill=GREY)
        return bottom + 24
    return bottom + 10

"""Pictures of the result as plain geometry (``Scene``), drawn as inline SVG by the template.

Two figures, both computed only from the JSON result (primitives and the gene diagram here):

* :func:`gene_diagram` - the MANE transcript from ``genes[].exon_model`` drawn 5' to 3' (left to
  right whatever the strand), exons to scale and introns shortened to equal gaps, each reportable
  variant on a stem with its name and class (marker shape and colour both encode the class).
* :func:`varhlh.report.counselor.haplotypes.draw` - the patient's two copies of the gene (X and Y for a
  male and an X-linked
  gene) with each variant drawn on the copy the result puts it on: ``trans`` on different copies,
  ``cis`` on one, ``homozygous`` on both; ``unknown`` phase is drawn as the two possibilities side by
  side. Copies are attributed to a parent only from the parents' genotypes in the result, and the
  drawing is used only when it agrees with the result's phase. Parents are drawn when the result
  names them (a PED was given).

Every text item is escaped by the template; coordinates are numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from varhlh.report.counselor import words
from varhlh.result import ExonModelDoc, VariantDoc

COLOURS = {
    "pathogenic": "#b2182b", "likely_pathogenic": "#c2410c", "uncertain": "#7a5c00",
    "risk_allele": "#6a3d9a", "likely_benign": "#2b6fa8", "benign": "#1f4e79",
}
SHAPES = {
    "pathogenic": "circle", "likely_pathogenic": "diamond", "uncertain": "square", "risk_allele": "triangle",
    "likely_benign": "ring", "benign": "ring",
}
SHORT = {"pathogenic": "Pathogenic", "likely_pathogenic": "Likely pathogenic", "uncertain": "VUS",
         "risk_allele": "Risk allele", "likely_benign": "Likely benign", "benign": "Benign"}
WIDTH = 720
INK, GREY = "#1f2933", "#4b5563"
"""GREY is 7.6:1 on white and 6.9:1 on the copy bars' #eef1f5 (WCAG AA asks 4.5:1)."""
MIN_TEXT = 11.0
"""Smallest SVG text size; below 560 px the figures keep their width and scroll, so this is the size on screen."""
PRIME = "\u2032"
_CHAR = 6.9
"""Approximate width of one 11-px bold character (DejaVu Sans), for label collision avoidance."""


@dataclass(frozen=True)
class Item:
    kind: str
    """rect, line, text or marker."""
    x: float
    y: float
    w: float = 0
    h: float = 0
    text: str = ""
    fill: str = "none"
    stroke: str = "none"
    size: float = 11
    weight: str = "normal"
    anchor: str = "start"
    dash: str = ""
    path: str = ""


@dataclass(frozen=True)
class Scene:
    width: float
    height: float
    title: str
    items: tuple[Item, ...]
    label: str = ""
    """What the figure shows, for screen readers (its content, not only its kind); the title when empty."""


@dataclass
class _Canvas:
    items: list[Item] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str = INK, dash: str = "") -> None:
        self.items.append(Item("rect", x, y, w, h, fill=fill, stroke=stroke, dash=dash))

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = INK, dash: str = "") -> None:
        self.items.append(Item("line", x1, y1, x2 - x1, y2 - y1, stroke=stroke, dash=dash))

    def text(self, x: float, y: float, text: str, *, size: float = 11, weight: str = "normal",
             anchor: str = "start", fill: str = INK) -> None:
        self.items.append(Item("text", x, y, text=text, size=size, weight=weight, anchor=anchor, fill=fill))

    def marker(self, x: float, y: float, cls: str, r: float = 6) -> None:
        colour = COLOURS.get(cls, INK)
        shape = SHAPES.get(cls, "circle")
        filled = shape in ("circle", "diamond")
        self.items.append(Item("marker", x, y, fill=colour if filled else "#ffffff", stroke=colour,
                               path=_shape_path(shape, x, y, r)))


def _shape_path(shape: str, x: float, y: float, r: float) -> str:
    if shape == "diamond":
        return f"M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y:.1f}L{x:.1f} {y + r + 1:.1f}L{x - r - 1:.1f} {y:.1f}Z"
    if shape == "square":
        return f"M{x - r:.1f} {y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}Z"
    if shape == "triangle":
        return f"M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y + r:.1f}L{x - r - 1:.1f} {y + r:.1f}Z"
    radius = r if shape == "circle" else r - 1
    return (f"M{x - radius:.1f} {y:.1f}a{radius:.1f} {radius:.1f} 0 1 0 {2 * radius:.1f} 0"
            f"a{radius:.1f} {radius:.1f} 0 1 0 {-2 * radius:.1f} 0Z")


def legend(classes: Sequence[str]) -> tuple[tuple[str, str, Scene], ...]:
    """(class, label, swatch) for the classes present, most severe first."""
    present = [c for c in words.CLASS_ORDER if c in classes]
    out = []
    for cls in present:
        canvas = _Canvas()
        canvas.marker(8, 8, cls)
        out.append((cls, words.label(words.CLASSIFICATION, cls), Scene(16, 16, "", tuple(canvas.items))))
    return tuple(out)


# ----------------------------------------------------------------------------------- gene diagram


def gene_diagram(symbol: str, model: ExonModelDoc, alleles: Sequence[VariantDoc], build: str) -> Scene:
    plus = model.strand != "-"
    sign = 1 if plus else -1
    spans = [(min(sign * s, sign * e), max(sign * s, sign * e)) for s, e in model.exons]
    positions = [sign * a.pos for a in alleles]
    left, right = 40.0, WIDTH - 40.0
    up = min(0, min(positions, default=0) - spans[0][0])
    down = max(0, max(positions, default=0) - spans[-1][1])
    flank_w = 36.0
    x0 = left + (flank_w if up else 0)
    x1 = right - (flank_w if down else 0)
    segments = _segments(spans, x0, x1)
    if up:
        segments.insert(0, (spans[0][0] + up - 1, spans[0][0] - 1, left, x0, False, 0))
    if down:
        segments.append((spans[-1][1] + 1, spans[-1][1] + down + 1, x1, right, False, 0))
    marks = sorted(((_place(p, segments), a) for p, a in zip(positions, alleles, strict=True)), key=lambda m: m[0])
    rows = label_rows([(x, _label(a)) for x, a in marks], left - 30, right + 30)
    nrows = max(rows, default=0) + 1
    bar_y = 24.0 + 36 * nrows + 14
    canvas = _Canvas()
    canvas.line(left if up else x0, bar_y, right if down else x1, bar_y, stroke=INK)
    for _, _, sx0, sx1, is_exon, _ in segments:
        if is_exon:
            canvas.rect(sx0, bar_y - 9, max(sx1 - sx0, 1.5), 18, fill="#93a3b8", stroke=INK)
    _exon_numbers(canvas, [s for s in segments if s[4]], bar_y + 24)
    canvas.text(left - 34, bar_y + 4, f"5{PRIME}", size=11, weight="bold")
    canvas.text(right + 34, bar_y + 4, f"3{PRIME}", size=11, weight="bold", anchor="end")
    for (x, allele), row in zip(marks, rows, strict=True):
        cls = allele.classification
        my = bar_y - 24 - 36 * row
        canvas.line(x, bar_y - 9, x, my + 6, stroke=COLOURS.get(cls, INK))
        name, kind = _label(allele)
        lx = min(max(x, left - 30 + _width(name, kind) / 2), right + 30 - _width(name, kind) / 2)
        canvas.marker(x, my, cls)
        canvas.text(lx, my - 21, name, size=11, weight="bold", anchor="middle")
        canvas.text(lx, my - 9, kind, size=MIN_TEXT, anchor="middle", fill=COLOURS.get(cls, INK))
    strand = "plus" if plus else "minus"
    title = (f"{symbol} transcript {model.transcript} ({build}, {strand} strand), "
             f"drawn 5{PRIME} to 3{PRIME}: exons to scale, introns shortened")
    placed = "; ".join(f"{n} ({k}) in {_where(p, segments)}" for (_, a), (n, k), p in
                       zip(marks, (_label(a) for _, a in marks), (sign * a.pos for _, a in marks), strict=True))
    return Scene(WIDTH, bar_y + 48, title, tuple(canvas.items), f"{title}. {placed}." if placed else title)


def _segments(spans: Sequence[tuple[int, int]], x0: float, x1: float) -> list[tuple[int, int, float, float, bool, int]]:
    """(lo, hi, x_lo, x_hi, is_exon, exon number) in transcript order; introns share equal gaps."""
    n = len(spans)
    avail = x1 - x0
    intron_w = 0.0 if n == 1 else max(3.0, min(48.0, 0.45 * avail / (n - 1)))
    exon_space = avail - intron_w * (n - 1)
    lengths = [hi - lo + 1 for lo, hi in spans]
    minimum = min(2.0, exon_space / n)
    scale = (exon_space - minimum * n) / sum(lengths)
    out, x = [], x0
    for i, ((lo, hi), length) in enumerate(zip(spans, lengths, strict=True)):
        w = minimum + scale * length
        out.append((lo, hi, x, x + w, True, i + 1))
        x += w
        if i + 1 < n:
            out.append((hi + 1, spans[i + 1][0] - 1, x, x + intron_w, False, 0))
            x += intron_w
    return out


def _place(t: int, segments: Sequence[tuple[int, int, float, float, bool, int]]) -> float:
    for lo, hi, sx0, sx1, _, _ in segments:
        if lo <= t <= hi:
            return sx0 + (sx1 - sx0) * ((t - lo + 0.5) / (hi - lo + 1))
    return segments[0][2] if t < segments[0][0] else segments[-1][3]


def _label(allele: VariantDoc) -> tuple[str, str]:
    name = words.variant_name(allele)
    zyg = words.label(words.ZYGOSITY_SHORT, allele.zygosity)
    return name, f"{short(allele.classification)} · {zyg}"


def short(cls: str) -> str:
    return SHORT.get(cls, "Not classified" if cls == "not_assessed" else cls.replace("_", " "))


def _where(t: int, segments: Sequence[tuple[int, int, float, float, bool, int]]) -> str:
    exons = [s for s in segments if s[4]]
    for lo, hi, _, _, is_exon, number in segments:
        if lo <= t <= hi:
            if is_exon:
                return f"exon {number}"
            before = max((e[5] for e in exons if e[1] < t), default=0)
            return f"intron {before}" if before and before < len(exons) else "a flanking region"
    return "a flanking region"


def _width(name: str, kind: str) -> float:
    return max(len(name) * _CHAR, len(kind) * _CHAR * 0.92)


def label_rows(labels: Sequence[tuple[float, tuple[str, str]]], lo: float, hi: float, gap: float = 10) -> list[int]:
    """Greedy rows so that no two labels (x, (name, kind)), centred on x within [lo, hi], come closer than ``gap``
    (labels sorted by x)."""
    ends: list[float] = []
    rows = []
    for x, (name, kind) in labels:
        w = _width(name, kind)
        start = min(max(x - w / 2, lo), hi - w)
        row = next((r for r, end in enumerate(ends) if start >= end + gap), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = start + w
        rows.append(row)
    return rows


def _exon_numbers(canvas: _Canvas, exons: Sequence[tuple[int, int, float, float, bool, int]], y: float) -> None:
    last = -100.0
    for i, (_, _, sx0, sx1, _, number) in enumerate(exons):
        centre = (sx0 + sx1) / 2
        if centre - last >= 22 or (i == len(exons) - 1 and centre - last >= 16):
            canvas.text(centre, y, str(number), size=MIN_TEXT, anchor="middle", fill=GREY)
            last = centre
    canvas.text(WIDTH / 2, y + 15, "exon numbers", size=MIN_TEXT, anchor="middle", fill=GREY)

"""Genomic <-> transcript (HGVS c.) coordinates on one bundled MANE exon model, either strand.

c.1 is the A of the ATG; the CDS length includes the stop codon; ``-N`` is 5'UTR, ``*N`` 3'UTR;
intronic positions are named from the nearest exon base (``118-308``, ``1596+1``); positions
outside the transcript continue the UTR numbering.
"""

from __future__ import annotations

import bisect

from varhlh.models import TranscriptModel


class TranscriptMap:
    """Genomic <-> transcript (c.) coordinates for one MANE transcript model."""

    def __init__(self, model: TranscriptModel) -> None:
        self.model = model
        self.plus = model.strand == "+"
        ordered = sorted(model.exons, key=lambda e: e.number)
        self.exons = ordered
        self.utr5 = -c_int(ordered[0].c_start) if ordered[0].c_start.startswith("-") else 0
        self.cds = model.cds_length
        offsets, total = [], 0
        for exon in ordered:
            offsets.append(total)
            total += exon.end - exon.start + 1
        self.offsets = offsets
        self.tx_length = total
        genomic = sorted(range(len(ordered)), key=lambda i: ordered[i].start)
        self._genomic = genomic
        """Transcript indices of the exons in genomic order."""
        self._starts = [ordered[i].start for i in genomic]
        self._ends = [ordered[i].end for i in genomic]
        self._disjoint = all(self._ends[k] < self._starts[k + 1] for k in range(len(genomic) - 1))
        """Exons that neither overlap nor touch: positions are then found by bisection (else by a scan)."""

    # ------------------------------------------------------------ coordinates

    def c_position(self, pos: int) -> str:
        """HGVS c. position (without 'c.') of genomic ``pos``: 123, -45, *67, 118-308, 1596+1."""
        exon_index = self._exon_at(pos)
        if exon_index is not None:
            return self._c_of_t(self._t_of(exon_index, pos))
        return self._c_outside(pos)

    def g_of_c(self, c: int) -> int:
        """Genomic position of coding position ``c`` (1..cds_length) on this transcript."""
        t = c + self.utr5
        for i, exon in enumerate(self.exons):
            length = self._len(i)
            if self.offsets[i] < t <= self.offsets[i] + length:
                into = t - self.offsets[i] - 1
                return exon.start + into if self.plus else exon.end - into
        msg = f"c.{c} is outside the exons of {self.model.transcript}"
        raise ValueError(msg)

    def t_of_c(self, c: int) -> int:
        """Spliced-transcript position (1-based) of coding position ``c``."""
        return c + self.utr5

    def exon_index_of_c(self, c: int) -> int | None:
        """Index (0-based, transcript order) of the exon holding coding position ``c``."""
        t = self.t_of_c(c)
        for i in range(len(self.exons)):
            if self.offsets[i] < t <= self.offsets[i] + self._len(i):
                return i
        return None

    def coding_span(self, index: int) -> tuple[int, int] | None:
        """First and last coding position (c.) of exon ``index``, or None for a UTR-only exon."""
        first_t, last_t = self.offsets[index] + 1, self.offsets[index] + self._len(index)
        first_c, last_c = max(first_t - self.utr5, 1), min(last_t - self.utr5, self.cds)
        return (first_c, last_c) if first_c <= last_c else None

    def splice_exon_index(self, pos: int, *, donor: bool) -> int | None:
        """The exon whose canonical donor (its 3' end) or acceptor (its 5' end) site ``pos`` lies at."""
        if self._exon_at(pos) is not None:
            return None
        c = self._c_outside(pos)
        if "+" not in c[1:] and "-" not in c[1:]:
            return None
        upstream, _, _ = self._intron(pos)
        return upstream if donor else upstream + 1

    def _t_of(self, index: int, pos: int) -> int:
        exon = self.exons[index]
        into = pos - exon.start if self.plus else exon.end - pos
        return self.offsets[index] + into + 1

    def _c_of_t(self, t: int) -> str:
        if t <= self.utr5:
            return f"-{self.utr5 - t + 1}"
        if t <= self.utr5 + self.cds:
            return str(t - self.utr5)
        return f"*{t - self.utr5 - self.cds}"

    def _exon_at(self, pos: int) -> int | None:
        if self._disjoint:
            k = bisect.bisect_right(self._starts, pos) - 1
            return self._genomic[k] if k >= 0 and pos <= self._ends[k] else None
        for i, exon in enumerate(self.exons):
            if exon.start <= pos <= exon.end:
                return i
        return None

    def _c_outside(self, pos: int) -> str:
        first, last = self.exons[0], self.exons[-1]
        five_prime = (pos < first.start) if self.plus else (pos > first.end)
        three_prime = (pos > last.end) if self.plus else (pos < last.start)
        if five_prime:
            distance = first.start - pos if self.plus else pos - first.end
            return f"-{self.utr5 + distance}"
        if three_prime:
            distance = pos - last.end if self.plus else last.start - pos
            return f"*{self.tx_length - self.utr5 - self.cds + distance}"
        index, up, down = self._intron(pos)
        if up <= down:
            return f"{self._c_of_t(self.offsets[index] + self._len(index))}+{up}"
        return f"{self._c_of_t(self.offsets[index + 1] + 1)}-{down}"

    def _len(self, index: int) -> int:
        return self.exons[index].end - self.exons[index].start + 1

    def _intron(self, pos: int) -> tuple[int, int, int]:
        """(upstream exon index, distance from its last base, distance to next exon's first base)."""
        k = bisect.bisect_right(self._starts, pos) - 1
        if self._disjoint and 0 <= k < len(self._starts) - 1 and self._ends[k] < pos:
            below, above = self._genomic[k], self._genomic[k + 1]  # the exons either side, in transcript indices
            if self.plus:
                return below, pos - self._ends[k], self._starts[k + 1] - pos
            return above, self._starts[k + 1] - pos, pos - self._ends[k]
        for i in range(len(self.exons) - 1):
            a, b = self.exons[i], self.exons[i + 1]
            if self.plus and a.end < pos < b.start:
                return i, pos - a.end, b.start - pos
            if not self.plus and b.end < pos < a.start:
                return i, a.start - pos, pos - b.end
        msg = f"position {pos} is not intronic in {self.model.transcript}"
        raise ValueError(msg)


def c_int(text: str) -> int:
    return int(text.lstrip("*"))

"""Built-in locus annotation on the bundled MANE exon models (no network, no annotation needed).

For an allele on a gene with an exon model it gives: the region (exon N, intron N, 5'/3' UTR,
upstream, downstream), canonical splice (±1/2) and splice-region (intronic 3-8, exonic 1-3)
positions, a region-level consequence, and HGVS c. on the MANE transcript for SNVs and simple
indels, on either strand. Without a reference FASTA it cannot tell missense from nonsense, so a
coding SNV is ``coding_sequence_variant`` (except c.1-3, where any change loses the ATG:
``start_lost``); indels are not 3'-shifted, and this is said in the notes.

With a reference (``fetch``, from ``--fasta``): coding SNVs get their codon-level consequence and
HGVS p. (:mod:`varhlh.annotate.protein`), whole-codon in-frame deletions their p., and indels are shifted
3' on the transcript before naming (right on plus-strand genes, left on minus-strand ones); an
insertion equal to the bases just 5' of it is named ``dup``. The consequence itself is computed at
the position as written (as VEP does).
"""

from __future__ import annotations

from dataclasses import dataclass

from varhlh.annotate import protein
from varhlh.annotate.change import Change, Fetch, minimal_change, revcomp
from varhlh.annotate.transcript import TranscriptMap


@dataclass(frozen=True)
class Locus:
    region: str
    """exonN, intronN, upstream or downstream."""
    consequence: str
    hgvs_c: str | None
    coding: bool
    """The change touches the CDS or a canonical splice site between coding exons."""
    last_exon: bool
    notes: tuple[str, ...] = ()
    hgvs_p: str | None = None
    """Only with a reference FASTA (codon-level effect)."""


class LocusModel(TranscriptMap):
    """A transcript map that also annotates an allele: region, consequence, HGVS c. (and p.)."""

    def annotate(self, pos: int, ref: str, alt: str, fetch: Fetch | None = None) -> Locus:
        """Region, consequence and HGVS c. (and p. with ``fetch``, the chromosome's reference bases)."""
        change = minimal_change(pos, ref, alt)
        first, last = sorted((change.start, max(change.end, change.start)))
        region = self._region(first)
        consequence, coding = self._consequence(change, first, last)
        notes: list[str] = []
        named, hgvs_p = change, None
        if fetch is not None and bool(change.ref) != bool(change.alt):
            from varhlh.annotate.reference import left_align, right_align

            named = (right_align if self.plus else left_align)(change, fetch)
            if named != change:
                notes.append(f"indel shifted 3' on {self.model.transcript} for HGVS (reference FASTA): written at "
                             f"{change.start}, named at {named.start}")
        elif len(change.ref) != len(change.alt):
            notes.append("indel position as given in the VCF, not 3'-shifted (no reference FASTA)")
        hgvs = self._hgvs(named, fetch)
        if fetch is not None and coding:
            effect, why = self._protein(change, named, consequence, fetch)
            if effect is not None:
                hgvs_p = effect.hgvs_p
                if consequence in ("coding_sequence_variant", "start_lost"):
                    consequence = effect.consequence
                notes.append(f"codon {effect.ref_codon}>{effect.alt_codon} from the reference FASTA: "
                             f"{effect.consequence} {effect.hgvs_p}" if effect.alt_codon else
                             f"{effect.hgvs_p} from the reference FASTA")
                if effect.note:
                    notes.append(effect.note)
            elif why:
                notes.append(why)
        last_exon = region == f"exon{len(self.exons)}"
        return Locus(region, consequence, hgvs, coding, last_exon, tuple(notes), hgvs_p)

    def _protein(self, change: Change, named: Change, consequence: str,
                 fetch: Fetch) -> tuple[protein.ProteinEffect | None, str]:
        if len(change.ref) == 1 and len(change.alt) == 1:
            c = self.c_position(change.start)
            if not c.isdigit():
                return None, ""
            effect = protein.snv_effect(self, int(c), change.alt, fetch)
            return effect, "" if effect else "codon not readable from the reference FASTA (N or outside): p. unknown"
        if consequence == "inframe_deletion" and named.ref and not named.alt:
            span = protein.change_c_range(self, named)
            effect = protein.codon_deletion(self, *span, fetch) if span else None
            return effect, "" if effect else "in-frame deletion not aligned to whole codons: p. not computed"
        return None, ""

    def _region(self, pos: int) -> str:
        index = self._exon_at(pos)
        if index is not None:
            return f"exon{self.exons[index].number}"
        c = self._c_outside(pos)
        if "+" in c[1:] or "-" in c[1:]:
            return f"intron{self._intron(pos)[0] + 1}"
        return "upstream" if c.startswith("-") else "downstream"

    def _consequence(self, change: Change, first: int, last: int) -> tuple[str, bool]:
        positions = range(first, last + 1) if change.ref else range(first - 1, first + 1)
        splice = [self._splice_class(p) for p in positions]
        if "acceptor" in splice or "donor" in splice:
            kind = "splice_acceptor_variant" if "acceptor" in splice else "splice_donor_variant"
            return kind, self._coding_splice(first)
        cds = [p for p in positions if self._in_cds(p)]
        if cds:
            return self._coding_consequence(change), True
        if "region" in splice:
            return "splice_region_variant", False
        return self._noncoding(first), False

    def _coding_consequence(self, change: Change) -> str:
        delta = len(change.alt) - len(change.ref)
        if delta:
            if delta % 3:
                return "frameshift_variant"
            return "inframe_insertion" if delta > 0 else "inframe_deletion"
        starts = [self.c_position(p) for p in range(change.start, change.end + 1)]
        if any(c in ("1", "2", "3") for c in starts):
            return "start_lost"
        return "coding_sequence_variant"

    def _noncoding(self, pos: int) -> str:
        c = self.c_position(pos)
        if "+" in c[1:] or "-" in c[1:]:
            return "intron_variant"
        if pos < min(e.start for e in self.exons) or pos > max(e.end for e in self.exons):
            upstream = c.startswith("-")
            return "upstream_gene_variant" if upstream else "downstream_gene_variant"
        return "5_prime_UTR_variant" if c.startswith("-") else "3_prime_UTR_variant"

    def _in_cds(self, pos: int) -> bool:
        index = self._exon_at(pos)
        if index is None:
            return False
        c = self._c_of_t(self._t_of(index, pos))
        return not c.startswith(("-", "*"))

    def _splice_class(self, pos: int) -> str | None:
        index = self._exon_at(pos)
        if index is not None:
            exon = self.exons[index]
            near_internal = []
            if index > 0:
                near_internal.append((pos - exon.start) if self.plus else (exon.end - pos))
            if index < len(self.exons) - 1:
                near_internal.append((exon.end - pos) if self.plus else (pos - exon.start))
            return "region" if any(d < 3 for d in near_internal) else None
        c = self._c_outside(pos)
        if "+" not in c[1:] and "-" not in c[1:]:
            return None
        _, up, down = self._intron(pos)
        if up <= 2:
            return "donor"
        if down <= 2:
            return "acceptor"
        return "region" if min(up, down) <= 8 else None

    def _coding_splice(self, pos: int) -> bool:
        """Canonical splice site of an intron whose flanking exons both carry CDS."""
        if self._exon_at(pos) is not None:
            return self._in_cds(pos)
        index, _, _ = self._intron(pos)
        return self._exon_has_cds(index) and self._exon_has_cds(index + 1)

    def _exon_has_cds(self, index: int) -> bool:
        first_t = self.offsets[index] + 1
        last_t = first_t + self._len(index) - 1
        return first_t <= self.utr5 + self.cds and last_t > self.utr5

    def _hgvs(self, change: Change, fetch: Fetch | None = None) -> str | None:
        ref, alt = change.ref, change.alt
        if not self.plus:
            ref, alt = revcomp(ref), revcomp(alt)
        if len(ref) == 1 and len(alt) == 1:
            return f"c.{self.c_position(change.start)}{ref}>{alt}"
        if ref and not alt:
            return f"c.{self._c_range(change.start, change.end)}del"
        if alt and not ref:
            left, right = change.start - 1, change.start
            size = len(alt)
            before = (left - size + 1, left) if self.plus else (right, right + size - 1)
            if fetch is not None and fetch(*before) == change.alt:
                return f"c.{self._c_range(*before)}dup"
            return f"c.{self._c_range(left, right)}ins{alt}"
        if ref and alt:
            return f"c.{self._c_range(change.start, change.end)}delins{alt}"
        return None

    def _c_range(self, low: int, high: int) -> str:
        a, b = self.c_position(low), self.c_position(high)
        if not self.plus:
            a, b = b, a
        return a if a == b else f"{a}_{b}"

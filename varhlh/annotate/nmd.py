"""Where a null change lies on the MANE model: exon, nonsense-mediated decay, protein lost (for PVS1).

Rules (ClinGen SVI PVS1 decision tree, Abou Tayoun et al., Hum Mutat 2018;39:1517, PMID 30192042):

* a premature stop triggers nonsense-mediated decay (NMD) unless it lies in the last exon, or within
  the last 50 nucleotides of the penultimate exon (measured on the spliced transcript, upstream of the
  last exon-exon junction);
* nonsense (``stop_gained``): the new stop is the changed codon;
* frameshift: the new stop lies at or after the first changed codon; without the reference sequence
  its exact position is not known, so the prediction uses the first changed codon (a frameshift that
  starts in the last exon, or in the last 50 nt of the penultimate one, certainly escapes NMD; one that
  starts earlier is predicted to trigger it, with that caveat stated);
* canonical ±1/2 splice site: the exon whose boundary is hit is assumed skipped. An exon whose coding
  length is divisible by 3 is skipped in frame (no NMD; the exon's codons are lost); otherwise the
  frame shifts from that exon on, and NMD is predicted unless the skipped exon is the last or the
  penultimate one;
* start loss: NMD does not apply (the ClinGen tree grades initiation-codon variants separately).

``removed`` is the fraction of the protein lost (codons from the first changed codon to the end, or
the in-frame skipped exon's codons), from the model alone.
"""

from __future__ import annotations

from varhlh.annotate.change import Change
from varhlh.annotate.transcript import TranscriptMap
from varhlh.models import Nmd, Truncation

NMD_BOUNDARY_NT = 50
"""A premature stop within this many nucleotides upstream of the last exon-exon junction escapes NMD."""
NULL_KINDS = frozenset({"stop_gained", "frameshift_variant", "splice_donor_variant", "splice_acceptor_variant",
                        "start_lost"})


def truncation(tmap: TranscriptMap, change: Change, consequence: str) -> Truncation | None:
    """The :class:`Truncation` of a null change on this model, or None (not null, or outside the CDS)."""
    if consequence not in NULL_KINDS:
        return None
    codons = tmap.cds // 3 - 1
    if consequence in ("splice_donor_variant", "splice_acceptor_variant"):
        return _splice(tmap, change, consequence, codons)
    first_c = _first_coding_c(tmap, change)
    if first_c is None:
        return None
    codon = (first_c - 1) // 3 + 1
    index = tmap.exon_index_of_c(first_c)
    if index is None:
        return None
    exon = tmap.exons[index].number
    if consequence == "start_lost":
        return Truncation(consequence, exon, len(tmap.exons), Nmd.NOT_APPLICABLE, 1, codons, None)
    nmd = nmd_of_t(tmap, tmap.t_of_c(first_c))
    removed = max(0.0, min(1.0, (codons - codon + 1) / codons)) if codons > 0 else None
    return Truncation(consequence, exon, len(tmap.exons), nmd, codon, codons, removed)


def nmd_of_t(tmap: TranscriptMap, t: int) -> Nmd:
    """NMD of a premature stop at spliced-transcript position ``t`` (1-based)."""
    if len(tmap.exons) == 1:
        return Nmd.ESCAPES_LAST_EXON
    junction = tmap.offsets[-1]  # last base of the penultimate exon, in transcript coordinates
    if t > junction:
        return Nmd.ESCAPES_LAST_EXON
    if t > junction - NMD_BOUNDARY_NT:
        return Nmd.ESCAPES_PENULTIMATE_50NT
    return Nmd.PREDICTED


def _first_coding_c(tmap: TranscriptMap, change: Change) -> int | None:
    """The lowest c. position (1..cds) the change touches; for an insertion, the base after the insertion point
    in transcript order."""
    last = max(change.end, change.start)
    positions = range(change.start, last + 1) if change.ref else range(change.start - 1, change.start + 1)
    coding = [int(c) for c in (tmap.c_position(p) for p in positions) if c.isdigit()]
    if not coding:
        return None
    if not change.ref:  # insertion between two bases: the first base after it in transcript order
        return max(coding) if len(coding) == 2 else coding[0]
    return min(coding)


def _splice(tmap: TranscriptMap, change: Change, consequence: str, codons: int) -> Truncation | None:
    index = tmap.splice_exon_index(change.start, donor=consequence == "splice_donor_variant")
    if index is None:
        return None
    span = tmap.coding_span(index)
    if span is None:  # a UTR exon: skipping it loses no coding sequence
        return None
    first_c, last_c = span
    exon = tmap.exons[index].number
    first_codon = (first_c - 1) // 3 + 1
    length = last_c - first_c + 1
    if length % 3 == 0:
        removed = (length // 3) / codons if codons > 0 else None
        return Truncation(consequence, exon, len(tmap.exons), Nmd.NOT_APPLICABLE, first_codon, codons, removed,
                          in_frame_skip=True)
    n = len(tmap.exons)
    nmd = Nmd.ESCAPES_LAST_EXON if index >= n - 1 else Nmd.ESCAPES_PENULTIMATE_50NT if index == n - 2 \
        else Nmd.PREDICTED
    removed = (codons - first_codon + 1) / codons if codons > 0 else None
    return Truncation(consequence, exon, n, nmd, first_codon, codons, removed)

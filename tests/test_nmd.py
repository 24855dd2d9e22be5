"""Truth table of the null-change facts from the MANE model (varhlh/annotate/nmd.py): exon, NMD and the share of
the protein lost, for nonsense, frameshift, canonical splice and start changes, on both strands."""

from __future__ import annotations

import pytest

from varhlh.annotate.change import minimal_change
from varhlh.annotate.nmd import nmd_of_t, truncation
from varhlh.annotate.transcript import TranscriptMap
from varhlh.models import Build, Nmd
from varhlh.panel import load_panel

PANEL = load_panel()


def tmap(gene: str) -> TranscriptMap:
    return TranscriptMap(PANEL.transcripts[(gene, Build.GRCH37)])


def snv_at_c(gene: str, c: int) -> tuple[TranscriptMap, int]:
    m = tmap(gene)
    return m, m.g_of_c(c)


@pytest.mark.parametrize(("gene", "c", "exon", "nmd"), [
    ("PRF1", 1122, 3, Nmd.ESCAPES_LAST_EXON),          # W374X: last exon (3 of 3)
    ("PRF1", 540, 3, Nmd.ESCAPES_LAST_EXON),           # first base of the last exon
    ("PRF1", 539, 2, Nmd.ESCAPES_PENULTIMATE_50NT),    # last base of the penultimate exon
    ("PRF1", 490, 2, Nmd.ESCAPES_PENULTIMATE_50NT),    # 50 nt before the last junction
    ("PRF1", 489, 2, Nmd.PREDICTED),                   # 51 nt before it
    ("PRF1", 449, 2, Nmd.PREDICTED),                   # S150X
    ("STX11", 100, 2, Nmd.ESCAPES_LAST_EXON),          # the whole CDS is in the last exon
    ("UNC13D", 175, 3, Nmd.PREDICTED),                 # early in a 32-exon gene
    ("SH2D1A", 200, 2, Nmd.PREDICTED),                 # plus strand, X (exon 2 of 4)
])
def test_nonsense(gene: str, c: int, exon: int, nmd: Nmd) -> None:
    m, pos = snv_at_c(gene, c)
    found = truncation(m, minimal_change(pos, "C", "T"), "stop_gained")
    assert found is not None
    assert (found.exon, found.nmd, found.first_codon) == (exon, nmd, (c - 1) // 3 + 1)
    codons = m.cds // 3 - 1
    assert found.codons == codons and found.removed == pytest.approx((codons - found.first_codon + 1) / codons)


def test_w374x_removes_182_of_555_codons() -> None:
    m, pos = snv_at_c("PRF1", 1122)
    found = truncation(m, minimal_change(pos, "C", "T"), "stop_gained")
    assert found is not None and found.codons == 555 and round(found.removed * 555) == 182


def test_frameshift_uses_the_first_changed_codon() -> None:
    m, pos = snv_at_c("PRF1", 50)  # c.50del, exon 2, NMD predicted
    found = truncation(m, minimal_change(pos - 1 if m.plus else pos, "NA"[::1], "N"), "frameshift_variant")
    assert found is not None and found.kind == "frameshift_variant" and found.nmd is Nmd.PREDICTED


@pytest.mark.parametrize(("gene", "c_label", "exon", "in_frame", "nmd"), [
    ("STXBP2", "1247-1", 15, False, Nmd.PREDICTED),     # exon-15 acceptor (plus strand)
    ("UNC13D", "754-1", 10, None, None),                # minus strand: intron 9, the acceptor of exon 10
    ("PRF1", "539+1", 2, False, Nmd.ESCAPES_PENULTIMATE_50NT),  # donor of the penultimate exon
])
def test_canonical_splice(gene: str, c_label: str, exon: int, in_frame: bool | None, nmd: Nmd | None) -> None:
    m = tmap(gene)
    base, _, offset = c_label.partition("+") if "+" in c_label else c_label.partition("-")
    sign = 1 if "+" in c_label else -1
    anchor = m.g_of_c(int(base))
    step = sign * int(offset) * (1 if m.plus else -1)
    pos = anchor + step
    assert m.c_position(pos) == c_label
    kind = "splice_donor_variant" if sign > 0 else "splice_acceptor_variant"
    found = truncation(m, minimal_change(pos, "A", "G"), kind)
    assert found is not None and found.exon == exon
    span = m.coding_span(m.exon_index_of_c(int(base) + (1 if sign < 0 else 0)) or 0)
    assert span is not None
    if in_frame is not None:
        assert found.in_frame_skip is in_frame and found.nmd is nmd
    else:
        assert found.in_frame_skip is ((span[1] - span[0] + 1) % 3 == 0)


def test_start_loss_is_not_an_nmd_question() -> None:
    m, pos = snv_at_c("PRF1", 1)
    found = truncation(m, minimal_change(pos, "T", "C"), "start_lost")
    assert found is not None and found.nmd is Nmd.NOT_APPLICABLE and found.first_codon == 1


@pytest.mark.parametrize("consequence", ["missense_variant", "synonymous_variant", "intron_variant",
                                         "coding_sequence_variant", "splice_region_variant"])
def test_not_a_null_change(consequence: str) -> None:
    m, pos = snv_at_c("PRF1", 300)
    assert truncation(m, minimal_change(pos, "C", "T"), consequence) is None


def test_single_exon_transcripts_escape() -> None:
    m = tmap("PRF1")
    assert nmd_of_t(m, m.tx_length) is Nmd.ESCAPES_LAST_EXON

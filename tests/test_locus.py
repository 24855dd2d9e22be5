"""Built-in MANE model: HGVS c. against published names on both strands and builds, regions."""

from __future__ import annotations

import pytest

from varhlh.annotate.change import minimal_change
from varhlh.annotate.locus import LocusModel as TranscriptMap
from varhlh.models import Build
from varhlh.panel import load_panel

PANEL = load_panel()
CASES = [(kv, build) for kv in PANEL.known_variants for build in Build
         if (kv.gene, build) in PANEL.transcripts and kv.loci[build].ref is not None]


@pytest.mark.parametrize(("known", "build"), CASES, ids=[f"{k.gene}:{k.hgvs_c}:{b}" for k, b in CASES])
def test_hgvs_c_matches_published_name(known, build) -> None:  # type: ignore[no-untyped-def]
    locus = known.loci[build]
    tmap = TranscriptMap(PANEL.transcripts[(known.gene, build)])
    if locus.alt == "-":  # VCF-style deletion with an arbitrary anchor base
        result = tmap.annotate(locus.start - 1, "N" + locus.ref, "N")
    else:
        result = tmap.annotate(locus.start, locus.ref, locus.alt)
    assert result.hgvs_c == known.hgvs_c
    assert result.region == known.region


def test_at_least_twenty_published_names_on_both_strands() -> None:
    strands = {PANEL.gene(k.gene).strand for k, _ in CASES}
    assert len({k.hgvs_c for k, _ in CASES}) >= 20
    assert strands == {"+", "-"}


@pytest.mark.parametrize(("gene", "pos", "ref", "alt", "consequence", "hgvs"), [
    ("PRF1", 72360658, "T", "C", "start_lost", "c.1A>G"),  # minus strand: c.1 = 72360688 - 30
    ("STX11", 144507765, "A", "G", "start_lost", "c.1A>G"),
    ("UNC13D", 73836411, "C", "G", "splice_acceptor_variant", "c.754-1G>C"),
    ("UNC13D", 73836416, "C", "T", "splice_region_variant", "c.754-6G>A"),
    ("UNC13D", 73836408, "C", "T", "coding_sequence_variant", "c.756G>A"),
    ("UNC13D", 73839908, "G", "A", "intron_variant", "c.118-308C>T"),
    ("PRF1", 72357200, "A", "G", "3_prime_UTR_variant", None),
    ("PRF1", 72362450, "A", "G", "5_prime_UTR_variant", None),
    ("PRF1", 72362600, "A", "G", "upstream_gene_variant", "c.-230T>C"),
    ("STX11", 144508000, "CA", "C", "frameshift_variant", None),
    ("STX11", 144508000, "CAAA", "C", "inframe_deletion", None),
])
def test_region_level_consequences(gene: str, pos: int, ref: str, alt: str, consequence: str,
                                   hgvs: str | None) -> None:
    tmap = TranscriptMap(PANEL.transcripts[(gene, Build.GRCH37)])
    result = tmap.annotate(pos, ref, alt)
    assert result.consequence == consequence
    if hgvs:
        assert result.hgvs_c == hgvs


def test_minimal_change_trims_padding() -> None:
    change = minimal_change(100, "CAT", "C")
    assert (change.start, change.end, change.ref, change.alt) == (101, 102, "AT", "")
    change = minimal_change(100, "C", "CGG")
    assert (change.start, change.ref, change.alt) == (101, "", "GG")

"""The bundled MANE exon/CDS models: every panel gene in both builds, internally consistent, and naming
independently published alleles exactly (tests/data/models/anchors.tsv, provenance in its README)."""

from __future__ import annotations

import csv
import itertools

import pytest
from conftest import DATA

from varhlh.annotate.locus import LocusModel
from varhlh.models import Build
from varhlh.panel import load_panel

PANEL = load_panel()
ANCHORS = list(csv.DictReader((DATA / "models" / "anchors.tsv").open(), delimiter="\t"))


@pytest.mark.parametrize("build", list(Build))
def test_every_panel_gene_has_a_model(build: Build) -> None:
    assert {g.symbol for g in PANEL.genes} == {s for s, b in PANEL.transcripts if b is build}


@pytest.mark.parametrize(("symbol", "build"), sorted(PANEL.transcripts), ids=lambda x: str(x))
def test_model_is_consistent(symbol: str, build: Build) -> None:
    model = PANEL.transcripts[(symbol, build)]
    gene = PANEL.gene(symbol)
    tmap = LocusModel(model)
    assert model.transcript == gene.mane_refseq and model.strand == gene.strand
    assert model.cds_length % 3 == 0 and model.cds_length >= 6
    assert tmap.exon_index_of_c(1) is not None and tmap.exon_index_of_c(model.cds_length) is not None
    exons = sorted(model.exons, key=lambda e: e.number)
    assert [e.number for e in exons] == list(range(1, len(exons) + 1))
    bounds = sorted((e.start, e.end) for e in exons)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(bounds)), "exons overlap or are unordered"
    start, end = gene.spans[build]
    assert (bounds[0][0], bounds[-1][1]) == (start, end), "the model spans the panel's transcript span"
    first, last = tmap.c_position(tmap.g_of_c(1)), tmap.c_position(tmap.g_of_c(model.cds_length))
    assert (first, last) == ("1", str(model.cds_length))


@pytest.mark.parametrize("symbol", sorted({s for s, _ in PANEL.transcripts}))
def test_both_builds_are_the_same_transcript(symbol: str) -> None:
    a, b = PANEL.transcripts[(symbol, Build.GRCH37)], PANEL.transcripts[(symbol, Build.GRCH38)]
    assert a.cds_length == b.cds_length
    assert [(e.c_start, e.c_end, e.end - e.start) for e in a.exons] == [(e.c_start, e.c_end, e.end - e.start)
                                                                        for e in b.exons]


@pytest.mark.parametrize("row", ANCHORS, ids=[f"{r['gene']}:{r['build']}:{r['hgvs_c']}" for r in ANCHORS])
def test_published_alleles_are_named_exactly(row: dict[str, str]) -> None:
    tmap = LocusModel(PANEL.transcripts[(row["gene"], Build(row["build"]))])
    assert tmap.model.transcript == row["transcript"]
    assert tmap.annotate(int(row["pos"]), row["ref"], row["alt"]).hgvs_c == row["hgvs_c"]


def test_anchors_cover_both_strands_and_builds() -> None:
    assert {r["strand"] for r in ANCHORS} == {"+", "-"} and {r["build"] for r in ANCHORS} == {"GRCh37", "GRCh38"}
    assert len({r["gene"] for r in ANCHORS}) >= 15

"""The report's pictures, checked as geometry: where each exon, variant and copy is drawn."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import msgspec
import pytest
from report_helpers import as_doc, scenarios

from varhlh.models import Classification, Zygosity
from varhlh.report.counselor import figures, haplotypes
from varhlh.report.counselor.figures import Item, Scene
from varhlh.result import GeneDoc, ResultDoc, VariantDoc

__all__ = ["scenarios"]


def _gene(data: dict[str, Any] | ResultDoc, symbol: str) -> GeneDoc:
    doc = data if isinstance(data, ResultDoc) else as_doc(data)
    return next(g for g in doc.genes if g.symbol == symbol)


def _alleles(data: dict[str, Any] | ResultDoc, gene: GeneDoc) -> list[VariantDoc]:
    doc = data if isinstance(data, ResultDoc) else as_doc(data)
    by_id = {v.id: v for v in doc.variants}
    return [by_id[i] for i in gene.variant_ids]


def _exon_boxes(scene: Scene) -> list[Item]:
    return sorted((i for i in scene.items if i.kind == "rect"), key=lambda i: i.x)


def _markers(scene: Scene) -> list[Item]:
    return sorted((i for i in scene.items if i.kind == "marker"), key=lambda i: i.x)


def test_gene_diagram_draws_minus_strand_5_to_3_and_each_variant_in_its_exon(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios["confirmed_biallelic"]
    prf1 = _gene(data, "PRF1")
    model = prf1.exon_model
    assert model is not None and model.strand == "-" and len(model.exons) == 3
    scene = figures.gene_diagram("PRF1", model, _alleles(data, prf1), "GRCh37")
    boxes = _exon_boxes(scene)
    assert boxes[0].w < boxes[1].w < boxes[2].w, "exon 1 (97 bp) left, exon 3 (1834 bp) right: 5' to 3'"
    s150, w374 = _markers(scene)  # c.449 in exon 2, c.1122 in exon 3
    assert boxes[1].x <= s150.x <= boxes[1].x + boxes[1].w
    assert boxes[2].x <= w374.x <= boxes[2].x + boxes[2].w
    labels = [i.text for i in scene.items if i.kind == "text"]
    assert "p.(Ser150Ter)" in labels and "p.(Trp374Ter)" in labels and "Pathogenic · heterozygous" in labels
    assert "minus strand" in scene.title and "NM_001083116.3" in scene.title


def test_gene_diagram_upstream_variant_and_crowded_labels(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios["confirmed_biallelic"]
    prf1 = _gene(data, "PRF1")
    base = _alleles(data, prf1)[0]
    crowd = [msgspec.structs.replace(base, id=f"v{i}", pos=72358355 + 3 * i, hgvs_p=f"p.(Var{i}Long)")
             for i in range(5)]
    upstream = msgspec.structs.replace(base, id="up", pos=72362497 + 800, hgvs_p=None, hgvs_c="c.-900G>A",
                                       classification=Classification.UNCERTAIN)
    assert prf1.exon_model is not None
    scene = figures.gene_diagram("PRF1", prf1.exon_model, [*crowd, upstream], "GRCh37")
    first_exon = _exon_boxes(scene)[0]
    markers = _markers(scene)
    assert markers[0].x < first_exon.x, "a 5' upstream variant is drawn left of exon 1"
    names = [i for i in scene.items if i.kind == "text" and i.text.startswith("p.(Var")]
    assert len({round(i.y) for i in names}) == len(names), "close labels are stacked in separate rows"
    assert all(0 <= i.x <= scene.width for i in scene.items if i.kind == "text")


def _copies(scene: Scene) -> dict[str, set[str]]:
    """Variant name -> labels of the copy bars its marker sits on (matched by geometry)."""
    texts = [i for i in scene.items if i.kind == "text"]
    bars = [i for i in scene.items if i.kind == "rect"]
    out: dict[str, set[str]] = {}
    for marker in (i for i in scene.items if i.kind == "marker"):
        header = min((t for t in texts if t.anchor == "middle" and t.weight == "bold" and t.y < marker.y),
                     key=lambda t: (abs(t.x - marker.x), marker.y - t.y))
        bar = next(b for b in bars if b.x <= marker.x <= b.x + b.w and b.y <= marker.y <= b.y + b.h)
        label = next(t.text for t in texts if t.anchor == "start" and abs(t.y - (bar.y + 12)) < 1 and t.x < bar.x)
        out.setdefault(header.text, set()).add(label)
    return out


def test_haplotypes_follow_the_phase_set(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios["confirmed_biallelic"]
    prf1 = _gene(data, "PRF1")
    drawn = haplotypes.draw(prf1, _alleles(data, prf1), as_doc(data))
    genotypes = {v.hgvs_p: v.genotype for v in _alleles(data, prf1)}
    expected = {name: {"Copy 1" if gt == "1|0" else "Copy 2"} for name, gt in genotypes.items()}
    assert _copies(drawn.scene) == expected
    assert not drawn.unknown_phase and not drawn.parents_drawn


def test_haplotypes_attribute_copies_to_parents_in_a_trio(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios["trio_confirmed"]
    prf1 = _gene(data, "PRF1")
    drawn = haplotypes.draw(prf1, _alleles(data, prf1), as_doc(data))
    assert drawn.parents_drawn
    child = _copies(drawn.scene)
    father = data["sample"]["family"]["father"]
    for v in _alleles(data, prf1):
        from_father = v.family[father].zygosity == "het"
        assert f"Copy from the {'father' if from_father else 'mother'}" in child[str(v.hgvs_p)]
    texts = [i.text for i in drawn.scene.items if i.kind == "text"]
    assert f"Father {father}" in texts and f"Mother {data['sample']['family']['mother']}" in texts


def test_unknown_phase_is_drawn_as_both_possibilities(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios["suspected_unknown_phase"]
    prf1 = _gene(data, "PRF1")
    drawn = haplotypes.draw(prf1, _alleles(data, prf1), as_doc(data))
    assert drawn.unknown_phase
    texts = [i.text for i in drawn.scene.items if i.kind == "text"]
    assert "If in trans: one on each copy" in texts and "If in cis: both on one copy" in texts
    assert len([i for i in drawn.scene.items if i.kind == "marker"]) == 4


def test_x_linked_male_has_one_x_and_a_y(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios["x_linked_male"]
    gene = _gene(data, "SH2D1A")
    drawn = haplotypes.draw(gene, _alleles(data, gene), as_doc(data))
    copies = _copies(drawn.scene)
    assert list(copies.values()) == [{"X chromosome (from his mother)"}]
    assert "carries no copy of this gene" in [i.text for i in drawn.scene.items if i.kind == "text"]


@pytest.mark.parametrize("phase", ["cis", "homozygous"])
def test_cis_and_homozygous_placement(phase: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(scenarios["suspected_unknown_phase"])
    next(g for g in data["genes"] if g["symbol"] == "PRF1")["phase"] = phase
    doc = as_doc(data)
    prf1 = _gene(doc, "PRF1")
    alleles = _alleles(doc, prf1)
    if phase == "homozygous":
        alleles = [msgspec.structs.replace(alleles[0], zygosity=Zygosity.HOM, genotype="1/1")]
    copies = _copies(haplotypes.draw(prf1, alleles, doc).scene)
    if phase == "cis":
        assert all(labels == {"Copy 1"} for labels in copies.values()) and len(copies) == 2
    else:
        assert list(copies.values()) == [{"Copy 1", "Copy 2"}]


def test_a_third_pathogenic_allele_is_drawn_and_labels_never_overlap(scenarios) -> None:  # type: ignore[no-untyped-def]
    from varhlh.report.counselor.figures import _width

    doc = as_doc(scenarios["third_allele"])
    prf1 = _gene(doc, "PRF1")
    carried = [v for v in doc.variants if v.gene == "PRF1" and v.reportable]
    assert len(carried) == 3 and len(prf1.variant_ids) == 2, "the call rests on two, the third is extra"
    drawn = haplotypes.draw(prf1, carried, doc)
    copies = _copies(drawn.scene)
    assert len(copies) == 3 and set().union(*copies.values()) == {"Copy 1", "Copy 2"}, "all on the phased copies"
    names = [i for i in drawn.scene.items if i.kind == "text" and i.anchor == "middle" and i.weight == "bold"]
    boxes = sorted((round(i.y), i.x - _width(i.text, "") / 2, i.x + _width(i.text, "") / 2) for i in names)
    for (y1, _, right), (y2, left, _) in itertools.pairwise(boxes):
        assert y1 != y2 or right <= left, "two variant names overlap"
    assert "Copy 1: " in drawn.scene.label and "in trans" in drawn.scene.label
    assert all(i.size >= figures.MIN_TEXT for i in drawn.scene.items if i.kind == "text")


def test_figure_labels_state_their_content(scenarios) -> None:  # type: ignore[no-untyped-def]
    doc = as_doc(scenarios["confirmed_biallelic"])
    prf1 = _gene(doc, "PRF1")
    label = haplotypes.draw(prf1, _alleles(doc, prf1), doc).scene.label
    assert label.startswith("Copy 1: p.(") and "; copy 2: p.(" in label
    assert "in trans" in label and "phased genotypes" in label

"""Background alleles: a cohort sample's alleles set aside on their zygosity alone (varhlh/cohort.py `_background`).

The rule rests on three facts, each asserted here: :func:`varhlh.inheritance.roles.never_read` accepts only
classifications nothing after classification reads (truth table); a gene whose carried alleles are all of that
kind gets the same result as a gene with no allele at all (what the pipeline gives a gene the background alleles
leave empty); and :func:`varhlh.pipeline.listing` puts the background alleles back in their places. End to end,
every sample of the synthetic cohort analysed alone (no PED) equals its single-sample run, some of its alleles
taking the background path. (The 100-sample benchmark cohort, JSON, TSV, VCF and HTML, was compared file by file
with the previous code's when the path was added.)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from factories import PANEL, record, variant

from varhlh.inheritance.roles import never_read, role
from varhlh.inheritance.rules import gene_result
from varhlh.models import (
    BackgroundAllele,
    Classification,
    DiagnosticWeight,
    Family,
    GeneCall,
    GeneResult,
    Interpretation,
    Phase,
    SetAside,
    Sex,
    Strength,
    VariantResult,
    Zygosity,
)
from varhlh.pipeline import Background, listing
from varhlh.settings import Settings

C, W, S = Classification, DiagnosticWeight, SetAside


@pytest.mark.parametrize(("classification", "weight", "reportable", "set_aside", "expected"), [
    (C.BENIGN, W.PARTIAL, False, S.BENIGN, True),
    (C.LIKELY_BENIGN, W.PARTIAL, False, S.BENIGN, True),
    (C.UNCERTAIN, W.PARTIAL, False, S.SYNONYMOUS, True),
    (C.UNCERTAIN, W.PARTIAL, False, S.NON_CODING, True),
    (C.UNCERTAIN, W.PARTIAL, False, S.NOT_CARRIED, True),
    (C.UNCERTAIN, W.PARTIAL, True, None, False),          # a reportable VUS: a possible second hit
    (C.UNCERTAIN, W.PARTIAL, True, S.NON_CODING, False),  # reportable: read by the rules
    (C.PATHOGENIC, W.FULL, True, None, False),
    (C.LIKELY_PATHOGENIC, W.PARTIAL, False, S.NOT_CARRIED, False),  # a PM3 partner in another sample
    (C.RISK_ALLELE, W.HYPOMORPH, False, S.BENIGN, False),  # a hypomorph has a role whatever else
    (C.NOT_ASSESSED, W.PARTIAL, False, S.NO_CALL, False),  # listed among the alleles not assessed
    (C.BENIGN, W.PARTIAL, False, None, False),            # not set aside: listed in full
])
def test_never_read_truth_table(classification: Classification, weight: DiagnosticWeight, reportable: bool,
                                set_aside: SetAside | None, expected: bool) -> None:
    interpretation = Interpretation(classification, (), ("test",), weight, False, reportable, set_aside)
    assert never_read(interpretation) is expected


@pytest.mark.parametrize("gene", ["PRF1", "UNC13D", "STXBP2", "CDC42"])
@pytest.mark.parametrize("gt", ["0/1", "1/1", "1|0"])
def test_a_gene_with_background_alleles_only_is_a_gene_with_no_allele(gene: str, gt: str) -> None:
    """What the pipeline gives a panel gene without listed alleles (pipeline._gene_results) is what the gene rule
    gives a gene whose carried alleles never_read accepts: so leaving them out of the rules changes no gene."""
    settings = Settings()
    background = []
    for i, (classification, reason) in enumerate([(C.BENIGN, S.BENIGN), (C.LIKELY_BENIGN, S.BENIGN),
                                                  (C.UNCERTAIN, S.SYNONYMOUS), (C.UNCERTAIN, S.NON_CODING)]):
        v = variant(record(1000 + i, gt), gene=gene, classification=classification, reportable=False,
                    weight=W.PARTIAL)
        interpretation = dataclasses.replace(v.interpretation, set_aside=reason)
        assert never_read(interpretation)
        background.append(dataclasses.replace(v, interpretation=interpretation))
        assert role(background[-1], settings) is None
    panel_gene = PANEL.gene(gene)
    none = GeneResult(gene, panel_gene.inheritance, GeneCall.NONE, Phase.NOT_APPLICABLE, (), (), Strength.UNDETERMINED,
                      ())
    for sex in (Sex.MALE, Sex.FEMALE, Sex.UNKNOWN):
        assert gene_result(background, sex, Family(), settings) == none


def test_listing_puts_background_alleles_back_in_their_places() -> None:
    variants = [variant(record(p, "0/1")) for p in (10, 20, 30)]
    background = [BackgroundAllele(v.allele, v.annotation, v.genotype.zygosity, v.genotype.genotype,
                                   v.interpretation) for v in (variant(record(p, "0/1")) for p in (5, 15, 16, 40))]
    placed = Background((0, 1, 1, 3), tuple(background))
    assert list(placed.runs(3)) == [(0, (background[0],)), (1, (background[1], background[2])), (3, (background[3],))]
    ordered = [a.allele.record.pos for a in listing(variants, placed)]
    assert ordered == [5, 10, 15, 16, 20, 30, 40]
    assert [a.allele.record.pos for a in listing(variants, Background())] == [10, 20, 30]
    assert [a.allele.record.pos for a in listing([], Background((0,), (background[0],)))] == [5]
    assert [a.allele.record.pos for a in listing(variants[:1], placed)] == [5, 10, 15, 16, 40]  # beyond: at the end


def test_set_aside_rows_keep_the_listing_order() -> None:
    """split_listing takes a run of background alleles at once: the rows still come in listing order, the
    interpreted alleles set aside among them, the others listed in full."""
    from varhlh.report.model import split_listing

    def benign(pos: int) -> VariantResult:
        v = variant(record(pos, "0/1"))
        return dataclasses.replace(v, interpretation=dataclasses.replace(
            v.interpretation, classification=Classification.BENIGN, reportable=False, set_aside=SetAside.BENIGN))

    kept = variant(record(20, "1/1"))
    interpreted = [benign(10), kept, benign(30)]
    background = tuple(BackgroundAllele(v.allele, v.annotation, v.genotype.zygosity, v.genotype.genotype,
                                        v.interpretation) for v in map(benign, (5, 25, 26, 40)))

    class Request:
        all_alleles = False

    result = dataclasses.make_dataclass("R", ["request", "genes", "variants", "background"])(
        Request(), (), tuple(interpreted), Background((0, 2, 2, 3), background))
    full, rows = split_listing(result)  # type: ignore[arg-type]
    assert full == [kept]
    assert [r.pos for r in rows] == [5, 10, 25, 26, 30, 40]


@pytest.mark.parametrize("threads", ["1", "2"])
def test_samples_analysed_alone_equal_single_runs(run_cli, indexed, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                  monkeypatch: pytest.MonkeyPatch, threads: str) -> None:
    """Without a PED every cohort sample is analysed alone, its background alleles set aside on their zygosity: the
    outputs still equal the single-sample runs', and (one worker, counted here) both paths were taken."""
    from cohort_vcf import INTRON_AFTER, MULTIALLELIC_INTRON, SAMPLES, cohort_vcf
    from test_cohort import _assert_same_as_single

    import varhlh.cohort as cohort

    taken: list[bool] = []
    background = cohort._background

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = background(*args, **kwargs)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(cohort, "_background", counted)
    several: list[bool] = []  # per site call of a record with several ALTs: has it a background ALT?
    site_call = cohort._site_call

    def seen(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = site_call(*args, **kwargs)
        if found is not None and len(found) > 1:
            several.append(any(b is not None for b in found))
        return found

    monkeypatch.setattr(cohort, "_site_call", seen)
    vcf, _ = cohort_vcf(tmp_path, extra_rows=[MULTIALLELIC_INTRON, INTRON_AFTER])
    vcf = indexed(vcf)
    out = tmp_path / "c"
    result = run_cli("triage", str(vcf), "--all-samples", "--all-results", "--threads", threads, "-o", str(out))
    assert result.code == 0, result.err
    _assert_same_as_single(run_cli, vcf, out, list(SAMPLES))
    if threads == "1":  # the workers of two threads count in their own processes
        assert 0 < sum(taken) < len(taken)  # both paths taken: the others (chrX, findings, ...) in full
        assert any(several)  # a background ALT of a multi-allelic record, placed among the record's other ALTs


def test_memo_computes_once_per_key_and_stays_bounded() -> None:
    from varhlh.report.memo import Memo

    class Shared:  # hashes by identity, like a background allele
        def __init__(self, value: int) -> None:
            self.value = value

    calls: list[object] = []

    def compute(obj: Shared) -> int:
        calls.append(obj)
        return obj.value

    memo = Memo(compute, limit=3)
    a, b = Shared(3), Shared(3)  # equal values, not the same object: each gets its own entry
    assert memo[a] == memo[a] == memo[b] == 3
    assert calls == [a, b]
    for n in range(3):
        assert memo[Shared(n)] == n
    assert len(memo) <= 3  # emptied when full, never larger
    assert memo[a] == 3 and len(calls) == 6  # recomputed after the clearing


def test_set_aside_rows_are_values() -> None:
    """The JSON text of a set-aside row is memoised by the row's value: equal rows hash alike, and a row cannot be
    changed after it is made."""
    import msgspec

    from varhlh.models import Classification, SetAside
    from varhlh.report.tabular import _row_text
    from varhlh.result import SetAsideDoc

    def row() -> SetAsideDoc:
        return SetAsideDoc(id="10-1-A-G", chrom="10", pos=1, gene="PRF1", zygosity=Zygosity.HET, genotype="0/1",
                           classification=Classification.BENIGN, reason=SetAside.BENIGN,
                           consequence="intron_variant", hgvs_c="c.1-5A>G")

    first, second = row(), row()
    assert first is not second and first == second and hash(first) == hash(second)
    assert _row_text[first] is _row_text[second]
    assert msgspec.json.decode(_row_text[first]) == msgspec.to_builtins(first)
    with pytest.raises(AttributeError):
        first.pos = 2  # type: ignore[misc]

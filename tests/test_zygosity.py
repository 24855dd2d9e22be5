"""Truth table: zygosity of one ALT from raw allele indices, with male-X handling."""

from __future__ import annotations

import pytest
from factories import call

from varhlh.genotype.zygosity import MALE_HET_X_FLAG, allele_zygosity, genotype_call
from varhlh.models import Zygosity
from varhlh.settings import Settings

N = None


@pytest.mark.parametrize(
    ("alleles", "alt", "expected"),
    [
        ((0, 0), 1, Zygosity.REF),
        ((0, 1), 1, Zygosity.HET),
        ((1, 0), 1, Zygosity.HET),
        ((1, 1), 1, Zygosity.HOM),
        ((1,), 1, Zygosity.HEMI),
        ((0,), 1, Zygosity.REF),
        ((N,), 1, Zygosity.NO_CALL),
        ((N, N), 1, Zygosity.NO_CALL),
        ((N, 1), 1, Zygosity.PARTIAL),
        ((1, N), 1, Zygosity.PARTIAL),
        ((N, 0), 1, Zygosity.NO_CALL),
        ((1, 2), 1, Zygosity.HET),
        ((1, 2), 2, Zygosity.HET),
        ((0, 2), 1, Zygosity.REF),
        ((0, 2), 2, Zygosity.HET),
        ((2, 2), 2, Zygosity.HOM),
        ((2, 2), 1, Zygosity.REF),
        ((0, 3), 3, Zygosity.HET),
        ((2,), 1, Zygosity.REF),
        ((2,), 2, Zygosity.HEMI),
        ((0, 0, 1), 1, Zygosity.HET),
        ((1, 1, 1), 1, Zygosity.HOM),
        ((), 1, Zygosity.NO_CALL),
    ],
)
def test_allele_zygosity_truth_table(alleles: tuple[int | None, ...], alt: int, expected: Zygosity) -> None:
    assert allele_zygosity(alleles, alt) is expected


@pytest.mark.parametrize(
    ("gt", "haploid", "expected", "flagged"),
    [
        ("1/1", True, Zygosity.HEMI, False),   # male non-PAR X, diploid hom-alt = hemizygous
        ("1", True, Zygosity.HEMI, False),     # haploid call
        ("0/1", True, Zygosity.HET, True),     # male het on X: flagged, never made hemizygous
        ("1/1", False, Zygosity.HOM, False),   # female / PAR / autosome
        ("0/1", False, Zygosity.HET, False),
        ("./.", True, Zygosity.NO_CALL, False),
    ],
)
def test_male_x_handling(gt: str, haploid: bool, expected: Zygosity, flagged: bool) -> None:
    result = genotype_call(call(gt), 1, haploid=haploid, settings=Settings())
    assert result.zygosity is expected
    assert (MALE_HET_X_FLAG in result.flags) is flagged


def test_quality_flags_only_on_carried_alleles() -> None:
    low = call("0/1", gq=5, dp=3)
    flags = genotype_call(low, 1, haploid=False, settings=Settings()).flags
    assert flags == ("low_GQ(5<20)", "low_DP(3<10)")
    assert genotype_call(call("0/0", gq=5, dp=3), 1, haploid=False, settings=Settings()).flags == ()


def test_missing_sample_is_no_call() -> None:
    result = genotype_call(None, 1, haploid=False, settings=Settings())
    assert result.zygosity is Zygosity.NO_CALL

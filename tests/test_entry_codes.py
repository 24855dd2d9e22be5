"""A cohort worker's entry codes and site table: each (record, genotype) gets one code, whatever the padding of the
call, and each code's site call is computed once; the packed and the general paths give the same codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from varhlh.cohort import _HOM_REF, _LONE, _OTHER, _SiteTable
from varhlh.models import Zygosity
from varhlh.read.matrix import Entries, GenotypeCodes, Part, SampleRows, sample_rows


def _rows(records: list[int], genotypes: list[list[int]]) -> SampleRows:
    n = len(records)
    return SampleRows(np.array(records, np.int64), np.array(genotypes, np.int16), np.zeros(n, np.int32),
                      np.arange(n, dtype=np.int64))


def test_a_genotype_has_one_code_whatever_its_padding() -> None:
    codes = GenotypeCodes()
    narrow = codes.of(_rows([3, 4, 7], [[0, 1, 0], [1, 1, 1], [1, -2, 0]]))  # 0/1, 1|1, haploid 1
    wide = codes.of(_rows([3, 4, 7], [[0, 1, -2, 0], [1, 1, -2, 1], [1, -2, -2, 0]]))
    assert narrow.tolist() == wide.tolist()
    assert [codes.record(c) for c in narrow.tolist()] == [3, 4, 7]
    assert [codes.genotype(c) for c in narrow.tolist()] == [[0, 1, 0], [1, 1, 1], [1, 0]]


def test_the_packed_and_the_general_paths_agree() -> None:
    rng = np.random.default_rng(7)
    alleles = rng.integers(-2, 4, size=(300, 4)).astype(np.int16)
    phased = rng.integers(0, 2, size=(300, 1)).astype(np.int16)
    records = list(range(300))
    codes = GenotypeCodes()
    packed = codes.of(_rows(records, np.hstack([alleles[:, :3], phased]).tolist()))  # width 4: packed
    general = codes.of(_rows(records, np.hstack([alleles[:, :3], np.full((300, 2), -2), phased]).tolist()))
    assert packed.tolist() == general.tolist()


def test_each_code_is_computed_once_and_found_again() -> None:
    computed: list[int] = []

    class Background:  # a background allele: what the table reads of it
        zygosity = Zygosity.HET

        def __repr__(self) -> str:
            return "b"

    b = Background()

    def compute(code: int) -> tuple[object | None, ...] | None:
        computed.append(code)
        return None if code % 3 == 0 else (b,) if code % 3 == 1 else (None, b)

    table = _SiteTable()
    first = np.array([10, 4, 7, 3], np.int64)
    at = table.positions(first, compute)  # type: ignore[arg-type]
    assert sorted(computed) == [3, 4, 7, 10]
    assert table.kind[at].tolist() == [_LONE, _LONE, _LONE, _HOM_REF]
    second = np.array([3, 5, 10, 8], np.int64)
    at = table.positions(second, compute)  # type: ignore[arg-type]
    assert sorted(computed) == [3, 4, 5, 7, 8, 10]  # 3 and 10 found, not computed again
    assert table.kind[at].tolist() == [_HOM_REF, _OTHER, _LONE, _OTHER]
    assert table.full[at].tolist() == [0, 1, 0, 1]
    assert table.lone[at].tolist() == [None, None, b, None]
    assert table.carried[at].tolist() == [False, True, True, True]


def _chunk(directory: Path, records: list[int], sample: list[int], local: list[int], alleles: list[list[int]],
           phased: list[int]) -> Entries:
    directory.mkdir()
    arrays = {"records": np.array(records, np.int32), "sample": np.array(sample, np.int32),
              "local": np.array(local, np.int32), "alleles": np.array(alleles, np.int16),
              "phased": np.array(phased, np.int8), "widths": np.ones((len(records), 0), np.int16)}
    for name, array in arrays.items():
        np.save(directory / f"{name}.npy", array)
    return Entries(Part(directory), ())


def test_a_samples_entries_gathered_from_chunks_of_different_widths(tmp_path: Path) -> None:
    """Sample 0 has entries in a diploid chunk and in a haploid one (padded to the widest call); sample 1 in the
    first only; sample 2 in none."""
    diploid = _chunk(tmp_path / "a", [10, 11], [0, 0, 1], [0, 1, 1], [[0, 1], [1, 1], [0, 1]], [0, 1, 0])
    haploid = _chunk(tmp_path / "b", [5, 12], [0, 0], [0, 1], [[1], [1]], [0, 0])
    rows = sample_rows([diploid, haploid], 0)
    assert rows.records.tolist() == [5, 10, 11, 12]
    assert rows.genotypes.tolist() == [[1, -2, 0], [0, 1, 0], [1, 1, 1], [1, -2, 0]]
    assert rows.chunks.tolist() == [1, 0, 0, 1] and rows.rows.tolist() == [0, 0, 1, 1]
    assert [diploid, haploid][1].genotype_at(1) == [1, 0]
    one = sample_rows([diploid, haploid], 1)
    assert one.records.tolist() == [11] and one.genotypes.tolist() == [[0, 1, 0]]
    none = sample_rows([diploid, haploid], 2)
    assert none.records.shape == (0,) and none.genotypes.shape == (0, 2)
    assert GenotypeCodes().of(none).tolist() == []

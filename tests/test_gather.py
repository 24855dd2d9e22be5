"""Sharded cohort runs: ``--samples-block I/N`` parts gathered by ``varhlh gather`` equal one ``--all-samples`` run;
parts that do not belong together are refused; ``varhlh panel regions`` is the BED a triage reads."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from cohort_vcf import cohort_vcf

from varhlh.cohort import samples_block
from varhlh.commands.triage import samples_block as parse_block


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory, indexed) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    vcf, ped = cohort_vcf(tmp_path_factory.mktemp("gather"))
    return indexed(vcf), ped


def _blocks(run_cli, vcf: Path, ped: Path, base: Path, count: int, *extra: str) -> list[Path]:  # type: ignore[no-untyped-def]
    parts = []
    for i in range(1, count + 1):
        done = run_cli("triage", str(vcf), "--all-samples", "--ped", str(ped), "--samples-block", f"{i}/{count}",
                       "--prefix", f"block_{i}", *extra, "-o", str(base / f"b{i}"))
        assert done.code == 0, done.err
        parts.append(base / f"b{i}" / f"block_{i}.varhlh_part.json")
    return parts


def _json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    data["run"].pop("command")
    return data


@pytest.mark.parametrize(("n", "count"), [(0, 1), (1, 3), (7, 3), (9, 3), (10, 4), (2504, 8), (5, 5), (3, 7)])
def test_blocks_are_even_contiguous_and_cover_the_samples_once(n: int, count: int) -> None:
    samples = tuple(f"S{i}" for i in range(n))
    blocks = [samples_block(samples, i, count) for i in range(1, count + 1)]
    assert tuple(s for b in blocks for s in b) == samples
    assert max(map(len, blocks)) - min(map(len, blocks)) <= 1


@pytest.mark.parametrize("text", ["0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/2/3", ""])
def test_a_bad_samples_block_is_refused(text: str) -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError, match="I/N"):
        parse_block(text)
    assert parse_block("3/8") == (3, 8)


@pytest.mark.parametrize("count", [1, 3, 9, 12])
def test_gathered_blocks_equal_one_run(run_cli, cohort: tuple[Path, Path], tmp_path: Path,  # type: ignore[no-untyped-def]
                                       count: int) -> None:
    vcf, ped = cohort
    single = run_cli("triage", str(vcf), "--all-samples", "--ped", str(ped), "-o", str(tmp_path / "single"))
    assert single.code == 0, single.err
    parts = _blocks(run_cli, vcf, ped, tmp_path, count)
    gathered = run_cli("gather", *map(str, reversed(parts)), "-o", str(tmp_path / "gathered"))  # any order
    assert gathered.code == 0, gathered.err
    names = sorted(p.name for p in (tmp_path / "single").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "gathered").iterdir())
    for name in names:
        mine, theirs = tmp_path / "gathered" / name, tmp_path / "single" / name
        if name.endswith(".varhlh.json"):
            assert _json(mine) == _json(theirs), name
        else:
            assert mine.read_bytes() == theirs.read_bytes(), name  # tables (TSV and Parquet) and per-sample TSVs
    rows = (tmp_path / "gathered" / "cohort.varhlh_cohort.tsv").read_text().splitlines()
    assert "confirmed" in rows[1] + "".join(rows) and len(rows) == 1 + 9


def test_parts_that_do_not_belong_together_are_refused(run_cli, cohort: tuple[Path, Path],  # type: ignore[no-untyped-def]
                                                       tmp_path: Path) -> None:
    vcf, ped = cohort
    parts = _blocks(run_cli, vcf, ped, tmp_path, 3)
    out = str(tmp_path / "g")
    missing = run_cli("gather", str(parts[0]), str(parts[2]), "-o", out)
    assert missing.code == 3 and "1 of 3 blocks missing (block 2)" in missing.err
    twice = run_cli("gather", str(parts[0]), str(parts[0]), str(parts[1]), str(parts[2]), "-o", out)
    assert twice.code == 3 and "block 1/3 is also" in twice.err
    other = _blocks(run_cli, vcf, ped, tmp_path / "other", 2)
    mixed = run_cli("gather", str(parts[0]), str(other[1]), "-o", out)
    assert mixed.code == 3 and "the number of blocks differs" in mixed.err
    settings = tmp_path / "settings.toml"
    settings.write_text("min_gq = 30\n")
    strict = _blocks(run_cli, vcf, ped, tmp_path / "strict", 3, "--config", str(settings))
    differs = run_cli("gather", str(parts[0]), str(strict[1]), str(parts[2]), "-o", out)
    assert differs.code == 3 and "the settings differs" in differs.err
    data = json.loads(parts[1].read_text())
    data["rows"][0]["sample"] = "X"
    tampered = tmp_path / "tampered.varhlh_part.json"
    tampered.write_text(json.dumps(data))
    assert run_cli("gather", str(parts[0]), str(tampered), str(parts[2]), "-o", out).code == 3
    lost = json.loads(parts[2].read_text())
    assert lost["files"], "block 3 has samples with findings"
    (parts[2].parent / lost["files"][0]).unlink()
    gone = run_cli("gather", *map(str, parts), "-o", out)
    assert gone.code == 3 and "which is not next to it" in gone.err
    newer = {**json.loads(parts[0].read_text()), "part_version": "2"}
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    version = run_cli("gather", str(tmp_path / "newer.json"), "-o", out)
    assert version.code == 3 and "part manifest version '2' is not supported" in version.err
    assert not (tmp_path / "g" / "cohort.varhlh_cohort.tsv").exists()  # nothing written by a refused gather
    assert run_cli("gather", str(tmp_path / "nothing.json"), "-o", out).code == 3


def test_a_block_without_samples_and_the_flags_outside_a_cohort(run_cli, cohort: tuple[Path, Path],  # type: ignore[no-untyped-def]
                                                                 tmp_path: Path) -> None:
    vcf, ped = cohort
    parts = _blocks(run_cli, vcf, ped, tmp_path, 12)  # 9 samples: three blocks are empty
    empty = json.loads(parts[0].read_text())
    assert empty["samples"] == [] and empty["block"] == {"index": 1, "count": 12, "samples_total": 9}
    alone = run_cli("triage", str(vcf), "-s", "P1", "--samples-block", "1/2")
    assert alone.code == 2 and "--samples-block applies to a cohort run" in alone.err


def test_panel_regions_is_what_a_triage_reads(run_cli, cohort: tuple[Path, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf, _ = cohort
    done = run_cli("panel", "regions", "--vcf", str(vcf), "-o", str(tmp_path / "r.bed"))
    assert done.code == 0, done.err
    bed = [line.split("\t") for line in (tmp_path / "r.bed").read_text().splitlines()]
    assert len(bed) >= 40 and all(int(s) < int(e) for _, s, e in bed)
    import pysam

    with pysam.VariantFile(str(vcf)) as handle:
        order = list(handle.header.contigs)
    contigs = [c for c, _, _ in bed]
    assert contigs == sorted(contigs, key=order.index)  # the VCF header's order
    by_contig: dict[str, list[tuple[int, int]]] = {}
    for contig, start, end in bed:
        by_contig.setdefault(contig, []).append((int(start), int(end)))
    for spans in by_contig.values():
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))  # merged, sorted
    prf1 = run_cli("panel", "regions", "--build", "GRCh38", "--genes", "PRF1", "--contig-style", "plain")
    assert prf1.code == 0
    lines = prf1.out.splitlines()
    assert lines[0].startswith("10\t") and any(line.startswith("X\t") for line in lines)  # + the sex window
    unknown = run_cli("panel", "regions", "--build", "GRCh38", "--genes", "NOTAGENE")
    assert unknown.code == 2 and "NOTAGENE not in panel" in unknown.err

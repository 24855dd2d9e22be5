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
    assert differs.code == 3 and "the settings differ (min_gq: 30 vs 20)" in differs.err
    every = _blocks(run_cli, vcf, ped, tmp_path / "every", 3, "--all-results")
    options = run_cli("gather", str(parts[0]), str(every[1]), str(parts[2]), "-o", out)
    assert options.code == 3 and "the options differ (all_results: True vs False)" in options.err
    for edit, message in ((lambda d: d["rows"][0].update(sample="X"), "rows do not match its samples"),
                          (lambda d: d["rows"][0].update(primary_hlh="unlikely"), "changed after the block wrote"),
                          (lambda d: [r.update(extra=1) for r in d["rows"]], "cohort table's columns")):
        data = json.loads(parts[1].read_text())
        edit(data)
        tampered = parts[1].parent / "tampered.varhlh_part.json"
        tampered.write_text(json.dumps(data))
        refused = run_cli("gather", str(parts[0]), str(tampered), str(parts[2]), "-o", out)
        assert refused.code == 3 and message in refused.err, refused.err
    lost = json.loads(parts[2].read_text())
    assert lost["files"], "block 3 has samples with findings"
    replaced = parts[2].parent / lost["files"][0]["name"]
    replaced.write_text(replaced.read_text().replace("a", "b"))  # another run written into the block's directory
    swapped = run_cli("gather", *map(str, parts), "-o", out)
    assert swapped.code == 3 and "not the file block 3 wrote" in swapped.err
    replaced.unlink()
    gone = run_cli("gather", *map(str, parts), "-o", out)
    assert gone.code == 3 and "which is not next to it" in gone.err
    newer = {**json.loads(parts[0].read_text()), "part_version": "2"}
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    version = run_cli("gather", str(tmp_path / "newer.json"), "-o", out)
    assert version.code == 3 and "part manifest version '2' is not supported" in version.err
    assert not (tmp_path / "g").exists()  # a refused gather writes nothing
    assert run_cli("gather", str(tmp_path / "nothing.json"), "-o", out).code == 3


def test_blocks_of_other_selections_are_refused(run_cli, cohort: tuple[Path, Path],  # type: ignore[no-untyped-def]
                                                tmp_path: Path) -> None:
    vcf, ped = cohort
    (tmp_path / "a.txt").write_text("M1\nF1\nP1\nR1\n")
    (tmp_path / "b.txt").write_text("D1\nE1\nU1\nB1\n")
    parts = []
    for i, selection in ((1, "a.txt"), (2, "b.txt")):
        done = run_cli("triage", str(vcf), "--samples", str(tmp_path / selection), "--ped", str(ped),
                       "--samples-block", f"{i}/2", "-o", str(tmp_path / f"s{i}"))
        assert done.code == 0, done.err
        parts.append(tmp_path / f"s{i}" / f"block_{i}.varhlh_part.json")  # the default prefix of a block
    mixed = run_cli("gather", *map(str, parts), "-o", str(tmp_path / "g"))
    assert mixed.code == 3 and "the sample selection differs" in mixed.err


def test_gather_replaces_the_whole_set_of_each_sample(run_cli, cohort: tuple[Path, Path],  # type: ignore[no-untyped-def]
                                                      tmp_path: Path) -> None:
    """Files of formats not asked for now, and of samples without findings now, are removed, as a single run does."""
    vcf, ped = cohort
    out = tmp_path / "g"
    earlier = run_cli("triage", str(vcf), "--all-samples", "--all-results", "--ped", str(ped), "--format",
                      "json,tsv,multiqc", "-o", str(out))
    assert earlier.code == 0, earlier.err
    parts = _blocks(run_cli, vcf, ped, tmp_path, 2)
    assert run_cli("gather", *map(str, parts), "-o", str(out)).code == 0
    single = run_cli("triage", str(vcf), "--all-samples", "--ped", str(ped), "-o", str(tmp_path / "single"))
    assert single.code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in (tmp_path / "single").iterdir())


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
    plain = run_cli("panel", "regions", "--build", "GRCh37", "--contig-style", "plain")
    assert plain.code == 0
    assert plain.out == (tmp_path / "r.bed").read_text()  # the same BED from the build as from this header
    assert any(line.startswith("Y\t") for line in plain.out.splitlines())  # the chrY sex window
    only_chr1 = tmp_path / "chr1_only.vcf"
    only_chr1.write_text("".join(line for line in _text(vcf).splitlines(keepends=True)
                                 if not line.startswith("##contig") or "ID=1," in line))
    partial = run_cli("panel", "regions", "--vcf", str(only_chr1))
    assert partial.code == 3 and "no contig for panel chromosome(s)" in partial.err and "--build" in partial.err
    bare = tmp_path / "no_contigs.vcf"
    bare.write_text("".join(line for line in _text(vcf).splitlines(keepends=True) if not line.startswith("##contig")))
    none = run_cli("panel", "regions", "--vcf", str(bare))
    assert none.code == 3 and "instead of --vcf" in none.err


def _text(vcf: Path) -> str:
    import gzip

    return gzip.open(vcf, "rt").read()


def test_blocks_without_json_gather_like_one_run(run_cli, cohort: tuple[Path, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A block's file list comes from its samples' prefixes, whatever the formats (here TSV only)."""
    vcf, ped = cohort
    single = run_cli("triage", str(vcf), "--all-samples", "--ped", str(ped), "--format", "tsv",
                     "-o", str(tmp_path / "single"))
    assert single.code == 0, single.err
    parts = _blocks(run_cli, vcf, ped, tmp_path, 2, "--format", "tsv")
    assert run_cli("gather", *map(str, parts), "-o", str(tmp_path / "g")).code == 0
    names = sorted(p.name for p in (tmp_path / "single").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "g").iterdir())
    assert any(n.endswith(".varhlh.tsv") for n in names)
    for name in names:
        assert (tmp_path / "g" / name).read_bytes() == (tmp_path / "single" / name).read_bytes(), name

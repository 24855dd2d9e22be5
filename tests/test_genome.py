"""Genome build detection and contig reconciliation."""

from __future__ import annotations

import pytest

from varhlh.errors import BuildError
from varhlh.genome import CONTIG_LENGTHS, canonical_chrom, contig_names, detect_build, in_par
from varhlh.models import Build

G37 = {c: n for c, n in CONTIG_LENGTHS[Build.GRCH37].items()}
G38 = {f"chr{c}": n for c, n in CONTIG_LENGTHS[Build.GRCH38].items()}


@pytest.mark.parametrize(("contigs", "reference", "requested", "expected", "evidence"), [
    (G37, None, None, Build.GRCH37, "24 of 24 primary contigs match GRCh37"),
    (G38, None, None, Build.GRCH38, "match GRCh38"),
    (G38, None, Build.GRCH38, Build.GRCH38, "match GRCh38"),
    ({"chr10": 135534747}, None, None, Build.GRCH37, "1 of 1"),
    ({"10": None}, "file:///ref/human_g1k_v37.fasta", None, Build.GRCH37, "##reference"),
    ({}, "hg38.fa", None, Build.GRCH38, "##reference"),
    ({}, None, Build.GRCH37, Build.GRCH37, "--build argument"),
    (G38, "hg19.fa", None, Build.GRCH38, "contig lengths take precedence"),
])
def test_detect_build(contigs: dict, reference: str | None, requested: Build | None, expected: Build,
                      evidence: str) -> None:
    call = detect_build(contigs, reference, requested, "x.vcf")
    assert call.build is expected
    assert evidence in call.evidence


@pytest.mark.parametrize(("contigs", "reference", "requested", "message"), [
    (G37, None, Build.GRCH38, "contradicts the VCF header"),
    ({}, None, None, "pass --build"),
    ({"1": 1000}, None, None, "match neither"),
    ({"1": 249250621, "2": 242193529}, None, None, "mix of GRCh37"),
    ({}, "hg19.fa", Build.GRCH38, "contradicts ##reference"),
])
def test_detect_build_refusals(contigs: dict, reference: str | None, requested: Build | None, message: str) -> None:
    with pytest.raises(BuildError, match=message) as info:
        detect_build(contigs, reference, requested, "x.vcf")
    assert "x.vcf" in str(info.value)


@pytest.mark.parametrize(("name", "canonical"), [
    ("10", "10"), ("chr10", "10"), ("CHR10", "10"), ("chrX", "X"), ("MT", "MT"), ("chrM", "MT"),
    ("NC_000010.10", "10"), ("NC_000023.11", "X"), ("GL000192.1", None), ("chr1_gl000191_random", None),
])
def test_canonical_chrom(name: str, canonical: str | None) -> None:
    assert canonical_chrom(name) == canonical


def test_contig_names_follow_the_vcf_spelling() -> None:
    assert contig_names(["10", "X"], ["chr10", "chrX", "chrY"]) == {"10": "chr10", "X": "chrX"}
    assert contig_names(["10", "17"], ["10"]) == {"10": "10"}


@pytest.mark.parametrize(("build", "chrom", "pos", "par"), [
    (Build.GRCH37, "X", 60001, True), (Build.GRCH37, "X", 2699521, False),
    (Build.GRCH38, "chrX", 2781479, True), (Build.GRCH38, "chrX", 124346563, False),
    (Build.GRCH38, "chrX", 155701383, True), (Build.GRCH37, "Y", 10001, True), (Build.GRCH37, "10", 60001, False),
])
def test_pseudoautosomal_regions(build: Build, chrom: str, pos: int, par: bool) -> None:
    assert in_par(build, chrom, pos) is par

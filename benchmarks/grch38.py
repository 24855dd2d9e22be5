"""GRCh38 primary-assembly facts shared by the benchmark scripts."""

from __future__ import annotations

#: Primary contigs in karyotypic order with their GRCh38 lengths (UCSC names).
CONTIGS: tuple[tuple[str, int], ...] = (
    ("chr1", 248_956_422),
    ("chr2", 242_193_529),
    ("chr3", 198_295_559),
    ("chr4", 190_214_555),
    ("chr5", 181_538_259),
    ("chr6", 170_805_979),
    ("chr7", 159_345_973),
    ("chr8", 145_138_636),
    ("chr9", 138_394_717),
    ("chr10", 133_797_422),
    ("chr11", 135_086_622),
    ("chr12", 133_275_309),
    ("chr13", 114_364_328),
    ("chr14", 107_043_718),
    ("chr15", 101_991_189),
    ("chr16", 90_338_345),
    ("chr17", 83_257_441),
    ("chr18", 80_373_285),
    ("chr19", 58_617_616),
    ("chr20", 64_444_167),
    ("chr21", 46_709_983),
    ("chr22", 50_818_468),
    ("chrX", 156_040_895),
    ("chrY", 57_227_415),
    ("chrM", 16_569),
)

LENGTHS: dict[str, int] = dict(CONTIGS)
ORDER: dict[str, int] = {name: i for i, (name, _) in enumerate(CONTIGS)}

#: Pseudo-autosomal regions, 1-based inclusive.
PAR_X: tuple[tuple[int, int], ...] = ((10_001, 2_781_479), (155_701_383, 156_030_895))
PAR_Y: tuple[tuple[int, int], ...] = ((10_001, 2_781_479), (56_887_903, 57_217_415))


def ucsc_name(chrom: str) -> str:
    """Map an Ensembl-style contig name (``1``, ``X``, ``MT``) to its UCSC name."""
    bare = chrom.removeprefix("chr")
    return "chrM" if bare in ("M", "MT") else f"chr{bare}"


def in_regions(pos: int, regions: tuple[tuple[int, int], ...]) -> bool:
    """Return whether 1-based ``pos`` lies in any of the inclusive ``regions``."""
    return any(start <= pos <= end for start, end in regions)

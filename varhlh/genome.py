"""Genome builds: detection from the VCF header, contig-name reconciliation and the PARs.

The build is detected from ``##contig`` lengths (authoritative) with ``##reference`` as a hint;
a contradiction with ``--build`` is refused. Contig names are reconciled between the panel
(``10``, ``X``) and the VCF (``10``, ``chr10``, ``NC_000010.10``) automatically.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from varhlh.errors import BuildError
from varhlh.models import Build

_CHROMS = (*(str(i) for i in range(1, 23)), "X", "Y")
_LENGTHS = {
    Build.GRCH37: (249250621, 243199373, 198022430, 191154276, 180915260, 171115067, 159138663,
                   146364022, 141213431, 135534747, 135006516, 133851895, 115169878, 107349540,
                   102531392, 90354753, 81195210, 78077248, 59128983, 63025520, 48129895, 51304566,
                   155270560, 59373566),
    Build.GRCH38: (248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973,
                   145138636, 138394717, 133797422, 135086622, 133275309, 114364328, 107043718,
                   101991189, 90338345, 83257441, 80373285, 58617616, 64444167, 46709983, 50818468,
                   156040895, 57227415),
}
CONTIG_LENGTHS: Mapping[Build, Mapping[str, int]] = {
    build: dict(zip(_CHROMS, lengths, strict=True)) for build, lengths in _LENGTHS.items()
}
PSEUDOAUTOSOMAL: Mapping[tuple[Build, str], tuple[tuple[int, int], ...]] = {
    (Build.GRCH37, "X"): ((60001, 2699520), (154931044, 155260560)),
    (Build.GRCH37, "Y"): ((10001, 2649520), (59034050, 59363566)),
    (Build.GRCH38, "X"): ((10001, 2781479), (155701383, 156030895)),
    (Build.GRCH38, "Y"): ((10001, 2781479), (56887903, 57217415)),
}
_REFERENCE_HINTS = (
    (Build.GRCH38, re.compile(r"grch38|hg38|hs38|b38|gca_000001405\.15", re.IGNORECASE)),
    (Build.GRCH37, re.compile(r"grch37|hg19|hs37|b37|human_g1k_v37|gca_000001405\.1\b", re.IGNORECASE)),
)
_REFSEQ = re.compile(r"^NC_0000(\d\d)\.\d+$")


@dataclass(frozen=True)
class BuildCall:
    build: Build
    evidence: str


@functools.lru_cache(maxsize=1024)
def canonical_chrom(name: str) -> str | None:
    """Map a VCF contig name to the panel's spelling ('chr10', 'NC_000010.11' -> '10'); cached (asked once per allele
    and sample, of a few dozen names)."""
    bare = name[3:] if name.lower().startswith("chr") else name
    if bare in ("M", "MT"):
        return "MT"
    if bare in _CHROMS:
        return bare
    if m := _REFSEQ.match(name):
        number = int(m.group(1))
        return {23: "X", 24: "Y"}.get(number, str(number)) if 1 <= number <= 24 else None
    return None


def detect_build(contigs: Mapping[str, int | None], reference: str | None,
                 requested: Build | None, source: str) -> BuildCall:
    """Decide the genome build; refuse contradictions. ``contigs`` maps header names to lengths."""
    votes = {build: 0 for build in Build}
    checked = 0
    for name, length in contigs.items():
        chrom = canonical_chrom(name)
        if chrom is None or chrom == "MT" or length is None:
            continue
        checked += 1
        for build in Build:
            if CONTIG_LENGTHS[build][chrom] == length:
                votes[build] += 1
    hint = _reference_hint(reference)
    detected = _decide(votes, checked, source)
    if detected is not None:
        build, evidence = detected
        if hint is not None and hint != build:
            evidence += f"; note: ##reference suggests {hint}, contig lengths take precedence"
        if requested is not None and requested != build:
            msg = (f"{source}: --build {requested} contradicts the VCF header ({evidence}); "
                   f"drop --build or use the VCF for {requested}")
            raise BuildError(msg)
        return BuildCall(build, evidence)
    if requested is not None:
        why = "no ##contig lengths of primary chromosomes in the header"
        if hint is not None and hint != requested:
            msg = f"{source}: --build {requested} contradicts ##reference ({reference}); check the input"
            raise BuildError(msg)
        return BuildCall(requested, f"--build argument ({why})")
    if hint is not None:
        return BuildCall(hint, f"##reference={reference} (no ##contig lengths in the header)")
    msg = (f"{source}: cannot detect the genome build (no ##contig lengths or ##reference in the "
           "header); pass --build GRCh37 or --build GRCh38")
    raise BuildError(msg)


def _decide(votes: Mapping[Build, int], checked: int, source: str) -> tuple[Build, str] | None:
    if checked == 0:
        return None
    best = max(votes, key=lambda b: votes[b])
    other = Build.GRCH38 if best is Build.GRCH37 else Build.GRCH37
    if votes[best] == 0:
        msg = (f"{source}: ##contig lengths match neither GRCh37 nor GRCh38 ({checked} primary "
               "contigs checked); varhlh supports only these human builds")
        raise BuildError(msg)
    if votes[other] > 0:
        msg = (f"{source}: ##contig lengths are a mix of GRCh37 ({votes[Build.GRCH37]}) and GRCh38 "
               f"({votes[Build.GRCH38]}) contigs; the header is inconsistent — fix it with bcftools reheader")
        raise BuildError(msg)
    return best, f"##contig lengths: {votes[best]} of {checked} primary contigs match {best}"


def _reference_hint(reference: str | None) -> Build | None:
    if not reference:
        return None
    for build, pattern in _REFERENCE_HINTS:
        if pattern.search(reference):
            return build
    return None


def contig_names(panel_chroms: Iterable[str], vcf_contigs: Iterable[str]) -> dict[str, str]:
    """Map each panel chromosome to the VCF's own name for it; absent ones are left out."""
    by_canonical: dict[str, str] = {}
    for name in vcf_contigs:
        chrom = canonical_chrom(name)
        if chrom is not None:
            by_canonical.setdefault(chrom, name)
    return {c: by_canonical[c] for c in panel_chroms if c in by_canonical}


def in_par(build: Build, chrom: str, pos: int) -> bool:
    """True when ``pos`` on chromosome X or Y lies in a pseudoautosomal region of ``build``."""
    regions = PSEUDOAUTOSOMAL.get((build, canonical_chrom(chrom) or ""), ())
    return any(start <= pos <= end for start, end in regions)

"""The patient's sex: from --sex, else the PED, else inferred from chrX calls when they allow.

Inference uses the patient's calls on chrX outside the pseudoautosomal regions inside the
records read (panel regions, so often few): any haploid call means a single X (male); at least
``min_het`` heterozygous diploid calls and no haploid call mean female. Otherwise varhlh refuses
to guess and says why. A disagreement between --sex and the PED is an error; between a stated
sex and the data, a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from varhlh.errors import InputError
from varhlh.genome import canonical_chrom, in_par
from varhlh.models import Build, Sex, SexSource, VcfRecord

MIN_HET_FOR_FEMALE = 3


@dataclass(frozen=True)
class SexCall:
    sex: Sex
    source: SexSource
    evidence: str


def infer_sex(records: Iterable[VcfRecord], sample: str, build: Build) -> SexCall:
    haploid = het = hom = 0
    for record in records:
        if canonical_chrom(record.chrom) != "X" or in_par(build, record.chrom, record.pos):
            continue
        call = record.calls.get(sample)
        if call is None or any(a is None for a in call.alleles):
            continue
        if call.ploidy == 1:
            haploid += 1
        elif call.ploidy == 2 and call.alleles[0] != call.alleles[1]:
            het += 1
        elif call.ploidy == 2 and call.alleles[0] != 0:
            hom += 1
    counts = f"non-PAR chrX calls in the records read: {haploid} haploid, {het} heterozygous, {hom} homozygous-alt"
    if haploid and not het:
        return SexCall(Sex.MALE, SexSource.INFERRED, f"inferred male ({counts})")
    if het >= MIN_HET_FOR_FEMALE and not haploid:
        return SexCall(Sex.FEMALE, SexSource.INFERRED, f"inferred female ({counts})")
    return SexCall(Sex.UNKNOWN, SexSource.UNKNOWN,
                   f"not inferred: the data do not allow it ({counts}); pass --sex or a PED")


def resolve_sex(argument: Sex | None, ped_sex: Sex | None, inferred: SexCall, sample: str,
                warnings: list[str]) -> SexCall:
    """Argument > PED > inference; conflicts between argument and PED are refused."""
    if argument is not None and ped_sex not in (None, Sex.UNKNOWN) and argument is not ped_sex:
        msg = f"--sex {argument} contradicts the PED ({sample} is {ped_sex}); correct one of them"
        raise InputError(msg)
    if argument is not None:
        stated = SexCall(argument, SexSource.ARGUMENT, "given with --sex")
    elif ped_sex not in (None, Sex.UNKNOWN):
        assert ped_sex is not None
        stated = SexCall(ped_sex, SexSource.PED, "from the PED file")
    else:
        return inferred
    if inferred.sex not in (Sex.UNKNOWN, stated.sex):
        warnings.append(f"Sex {stated.sex} ({stated.source}) disagrees with the genotype data: {inferred.evidence}. "
                        "Check for a sample mix-up.")
    return stated

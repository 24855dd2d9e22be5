"""The patient's sex: from --sex, else the PED, else inferred from chrX/chrY calls when they allow.

Besides the panel regions, the reader reads two small windows for this purpose only
(:data:`SEX_CHECK_REGIONS`: 1.5 Mb of gene-dense non-PAR chrX and 0.5 Mb of the male-specific
region of chrY);
their records are not panel records and are not reported. Rules, for the patient's non-PAR chrX
calls carrying an ALT allele (thresholds in Settings):

* any haploid chrX call -> male (the caller emitted one X);
* at least ``sex_min_x_calls`` ALT calls: heterozygous fraction >= ``sex_female_het_fraction``
  -> female; <= ``sex_male_het_fraction`` -> male (supported by chrY calls when present);
* otherwise varhlh refuses to guess and says why (exome/panel data often hold too few calls).

A disagreement between --sex and the PED is an error; between a stated sex and the data, a
warning (possible sample mix-up).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from varhlh.errors import InputError
from varhlh.genome import canonical_chrom, in_par
from varhlh.models import Build, Sex, SexSource, VcfRecord
from varhlh.settings import Settings

SEX_CHECK_REGIONS = {  # gene-dense Xp11.23 (many exome calls) and the start of the male-specific Y
    Build.GRCH37: (("X", 48_000_000, 49_500_000), ("Y", 2_700_000, 3_200_000)),
    Build.GRCH38: (("X", 48_140_000, 49_640_000), ("Y", 2_830_000, 3_330_000)),
}


@dataclass(frozen=True)
class SexCall:
    sex: Sex
    source: SexSource
    evidence: str


@dataclass(frozen=True)
class Counts:
    """The patient's non-PAR chrX ALT calls by kind, and chrY ALT calls (what inference reads)."""

    haploid: int = 0
    het: int = 0
    hom: int = 0
    y_alt: int = 0

    @property
    def alt_calls(self) -> int:
        return self.haploid + self.het + self.hom

    def text(self) -> str:
        return (f"non-PAR chrX ALT calls: {self.haploid} haploid, {self.het} heterozygous, {self.hom} "
                f"homozygous; chrY ALT calls: {self.y_alt}")


def count_calls(records: Iterable[VcfRecord], sample: str, build: Build) -> Counts:
    """Count ``sample``'s fully called ALT calls on non-PAR chrX (haploid / heterozygous / homozygous) and chrY
    (the cohort reader counts the same from its genotype matrix: :mod:`varhlh.read.matrix`)."""
    haploid = het = hom = y_alt = 0
    for record in records:
        chrom = canonical_chrom(record.chrom)
        if chrom not in ("X", "Y") or in_par(build, record.chrom, record.pos):
            continue
        call = record.calls.get(sample)
        if call is None or any(a is None for a in call.alleles) or not any(call.alleles):
            continue
        if chrom == "Y":
            y_alt += 1
        elif call.ploidy == 1:
            haploid += 1
        elif call.ploidy == 2 and call.alleles[0] != call.alleles[1]:
            het += 1
        elif call.ploidy == 2:
            hom += 1
    return Counts(haploid, het, hom, y_alt)


def infer_sex(records: Iterable[VcfRecord], sample: str, build: Build, settings: Settings | None = None) -> SexCall:
    """Infer sex from chrX heterozygosity and chrY calls, or say why it cannot be done."""
    return sex_from_counts(count_calls(records, sample, build), settings)


def sex_from_counts(counts: Counts, settings: Settings | None = None) -> SexCall:
    """The inference rules (module docstring) on counted calls."""
    settings = settings or Settings()
    evidence = counts.text()
    if counts.haploid and counts.het == 0:
        return SexCall(Sex.MALE, SexSource.INFERRED, f"inferred male: haploid chrX calls ({evidence})")
    if counts.alt_calls >= settings.sex_min_x_calls and not counts.haploid:
        fraction = counts.het / counts.alt_calls
        if fraction >= settings.sex_female_het_fraction:
            return SexCall(Sex.FEMALE, SexSource.INFERRED,
                           f"inferred female: chrX heterozygous fraction {fraction:.2f} >= "
                           f"{settings.sex_female_het_fraction:g} ({evidence})")
        if fraction <= settings.sex_male_het_fraction:
            return SexCall(Sex.MALE, SexSource.INFERRED,
                           f"inferred male: chrX heterozygous fraction {fraction:.2f} <= "
                           f"{settings.sex_male_het_fraction:g} ({evidence})")
    return SexCall(Sex.UNKNOWN, SexSource.UNKNOWN,
                   f"not inferred: the data do not allow it ({evidence}; need a haploid call or >= "
                   f"{settings.sex_min_x_calls} chrX ALT calls with a clear heterozygous fraction); "
                   "pass --sex or a PED")


def resolve_sex(argument: Sex | None, ped_sex: Sex | None, inferred: SexCall, sample: str,
                warnings: list[str]) -> SexCall:
    """Argument > PED > inference; conflicts between argument and PED are refused."""
    if argument is not None and ped_sex not in (None, Sex.UNKNOWN) and argument is not ped_sex:
        msg = f"--sex {argument} contradicts the PED ({sample} is {ped_sex}); correct one of them"
        raise InputError(msg)
    if argument is not None:
        stated = SexCall(argument, SexSource.ARGUMENT, "given with --sex")
    elif ped_sex is not None and ped_sex is not Sex.UNKNOWN:
        stated = SexCall(ped_sex, SexSource.PED, "from the PED file")
    else:
        return inferred
    if inferred.sex not in (Sex.UNKNOWN, stated.sex):
        warnings.append(f"Sex {stated.sex} ({stated.source}) disagrees with the genotype data: {inferred.evidence}. "
                        "Check for a sample mix-up.")
    return stated

"""Zygosity stage: the zygosity of one ALT allele in one sample, from raw allele indices.

Rules (truth table in tests/test_zygosity.py), for ALT number ``k`` in a call of ploidy ``p``
with ``c`` copies of ``k`` and ``m`` missing alleles:

* ``m == p`` -> no_call;
* ``m > 0``: ``c > 0`` -> partial (``./1``); ``c == 0`` -> no_call (``./0`` cannot exclude it);
* ``m == 0``: ``c == 0`` -> ref (not carried: ``0/0``, or the other ALT of ``0/2``);
  ``p == 1`` -> hemi (haploid call); ``c == p`` -> hom; otherwise het (``0/1``, ``1/2``);
* a male outside the pseudoautosomal regions of X (or on Y): ``1/1`` is hemi (callers emit
  diploid hom-alt for hemizygous sites); ``0/1`` stays het and is flagged, never turned into
  hemizygous (possible mosaicism, sample mix-up or mis-mapping).

cyvcf2's ``gt_types`` is never used: it is wrong for haploid, multi-allelic and partial calls.
"""

from __future__ import annotations

import functools

from varhlh.models import GenotypeCall, QualityFlag, SampleCall, Sex, Zygosity
from varhlh.settings import Settings

MALE_HET_X_FLAG = QualityFlag.HET_IN_MALE_X.value


@functools.lru_cache(maxsize=4096)
def allele_zygosity(alleles: tuple[int | None, ...], alt_index: int) -> Zygosity:
    """Zygosity of ALT ``alt_index`` in a call given as allele indices (None = missing); cached (a cohort asks
    it for every allele of every sample, of a handful of distinct genotypes)."""
    ploidy = len(alleles)
    missing = sum(a is None for a in alleles)
    copies = sum(a == alt_index for a in alleles)
    if ploidy == 0 or missing == ploidy:
        return Zygosity.NO_CALL
    if missing:
        return Zygosity.PARTIAL if copies else Zygosity.NO_CALL
    if copies == 0:
        return Zygosity.REF
    if ploidy == 1:
        return Zygosity.HEMI
    return Zygosity.HOM if copies == ploidy else Zygosity.HET


def haploid_region(chrom_canonical: str | None, in_par: bool, sex: Sex) -> bool:
    """True where a male carries one copy: X outside the PARs, and Y."""
    return sex is Sex.MALE and chrom_canonical in ("X", "Y") and not in_par


def genotype_call(call: SampleCall | None, alt_index: int, *, haploid: bool, settings: Settings) -> GenotypeCall:
    """Zygosity of one allele in one sample, with sex/ploidy handling and quality flags."""
    if call is None:
        return GenotypeCall(Zygosity.NO_CALL, ".", None, (QualityFlag.SAMPLE_NOT_GENOTYPED.value,))
    zygosity = allele_zygosity(call.alleles, alt_index)
    flags: list[str] = []
    if haploid and call.ploidy == 2 and zygosity is Zygosity.HOM:
        zygosity = Zygosity.HEMI
    elif haploid and call.ploidy == 2 and zygosity is Zygosity.HET:
        flags.append(MALE_HET_X_FLAG)
    if zygosity.carried:
        flags.extend(quality_flags(call, alt_index, zygosity, settings))
    return GenotypeCall(zygosity, call.genotype, call, tuple(flags))


def quality_flags(call: SampleCall, alt_index: int, zygosity: Zygosity, settings: Settings) -> list[str]:
    """Genotype-level quality flags (names are part of the output contract)."""
    flags = []
    if call.gq is not None and call.gq < settings.min_gq:
        flags.append(QualityFlag.LOW_GQ.detail(f"{call.gq:g}<{settings.min_gq}"))
    if call.dp is not None and call.dp < settings.min_dp:
        flags.append(QualityFlag.LOW_DP.detail(f"{call.dp}<{settings.min_dp}"))
    fraction = alt_fraction(call, alt_index)
    if zygosity is Zygosity.HET and fraction is not None and fraction < settings.min_het_allele_fraction:
        flags.append(QualityFlag.LOW_ALLELE_FRACTION.detail(f"{fraction:.2f}<{settings.min_het_allele_fraction:g}"))
    if zygosity in (Zygosity.HOM, Zygosity.HEMI) and fraction is not None and \
            fraction < settings.min_hom_allele_fraction:
        flags.append(QualityFlag.LOW_HOM_ALLELE_FRACTION.detail(
            f"{fraction:.2f}<{settings.min_hom_allele_fraction:g}"))
    return flags


def alt_fraction(call: SampleCall, alt_index: int) -> float | None:
    if call.ad is None or len(call.ad) <= alt_index or call.ad[alt_index] is None:
        return None
    total = sum(a for a in call.ad if a is not None)
    return None if total == 0 else (call.ad[alt_index] or 0) / total


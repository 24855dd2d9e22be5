"""Small builders of pipeline records for truth-table tests (no VCF parsing involved)."""

from __future__ import annotations

from varhlh.genotype.zygosity import allele_zygosity
from varhlh.models import (
    Allele,
    Annotation,
    Classification,
    DiagnosticWeight,
    FrequencyEvidence,
    GenotypeCall,
    Interpretation,
    SampleCall,
    VariantResult,
    VcfRecord,
)
from varhlh.panel import load_panel

PANEL = load_panel()
ABSENT = FrequencyEvidence(None, "gnomAD_AF", None, None, "VCF INFO (gnomAD_AF)")
"""Absent from gnomAD genomes: rare by a source that covers every position (a VUS with it may pair)."""


def call(gt: str, sample: str = "P", ps: str | None = None, pgt: str | None = None, pid: str | None = None,
         gq: float | None = 99, dp: int | None = 40) -> SampleCall:
    phased = "|" in gt
    alleles = tuple(None if a == "." else int(a) for a in gt.replace("|", "/").split("/"))
    return SampleCall(sample, gt, alleles, phased and len(alleles) > 1, ps, pgt, pid, gq, dp, None)


def record(pos: int, gt: str, chrom: str = "10", alts: tuple[str, ...] = ("T",), ref: str = "C",
           family: dict[str, str] | None = None, **kw: object) -> VcfRecord:
    calls = {"P": call(gt, **kw)}  # type: ignore[arg-type]
    for sample, member_gt in (family or {}).items():
        calls[sample] = call(member_gt, sample=sample)
    return VcfRecord(chrom, pos, pos + len(ref) - 1, None, ref, alts, 50.0, (), {}, calls)


def variant(rec: VcfRecord, gene: str = "PRF1", alt_index: int = 1,
            classification: Classification = Classification.PATHOGENIC,
            weight: DiagnosticWeight = DiagnosticWeight.FULL, zygosity_override: str | None = None,
            hgvs_c: str | None = None, flags: tuple[str, ...] = (), reportable: bool = True,
            frequency: FrequencyEvidence | None = ABSENT) -> VariantResult:
    from varhlh.models import Zygosity

    allele = Allele(f"{rec.chrom}-{rec.pos}-{rec.ref}-{rec.alts[alt_index - 1]}", rec, alt_index, PANEL.gene(gene))
    proband = rec.calls["P"]
    zygosity = Zygosity(zygosity_override) if zygosity_override else allele_zygosity(proband.alleles, alt_index)
    genotype = GenotypeCall(zygosity, proband.genotype, proband, flags)
    family = {s: GenotypeCall(allele_zygosity(c.alleles, alt_index), c.genotype, c)
              for s, c in rec.calls.items() if s != "P"}
    annotation = Annotation("stop_gained", "HIGH", None, hgvs_c, None, "test", frequency=frequency)
    interpretation = Interpretation(classification, ("TEST",), ("test allele",), weight, True, reportable)
    return VariantResult(allele, annotation, genotype, interpretation, family)

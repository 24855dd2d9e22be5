"""What this analysis could see: completeness of the input for the panel, measured, never assumed.

A clinical answer must never turn "could not look" into "found nothing". From plain facts about the
input (which panel chromosomes the VCF names and has records on, records per gene, which evidence
sources were present, which alleles could not be interpreted) this module states:

* per gene: assessable (its chromosome is in the header and has records in the file) or not, and its
  record count; a panel chromosome absent from the header, or present but without a single record (a
  per-chromosome shard, a file of other chromosomes), leaves its genes unassessed;
* the evidence sources: consequence annotation, reference sequence, ClinVar, population frequency,
  phase (phased genotypes with a phase set, GATK PGT/PID) and genotyped parents;
* the verdict: ``complete`` when every panel gene is assessable, a population-frequency source was present and
  no carried allele was left unassessed; otherwise ``partial: <reasons>``; with what would complete it.

:func:`refusal` names why an input is refused outright (exit 3): no panel gene assessable at all, or no
record in any panel region although the panel chromosomes have records (the file does not cover the panel:
"no variant" and "not sequenced" cannot be told apart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from varhlh.models import VariantResult


@dataclass(frozen=True)
class Sources:
    """Evidence sources present for this input (None or False: absent)."""

    consequence: str | None
    """The consequence annotation used (VCF CSQ/ANN/BCSQ, online VEP), or None."""
    reference: str | None
    """The reference sequence used for codon-level effects (--fasta, or the installed panel reference), or None."""
    clinvar: str | None
    """Where ClinVar classifications came from, or None."""
    frequency: str | None
    """Where population frequencies came from, or None."""
    phase: bool
    """Read-backed or pedigree phase information (phased genotypes with PS, or GATK PGT/PID) in the proband."""
    parents: bool
    """Both parents genotyped in the VCF (from --ped)."""


@dataclass(frozen=True)
class GeneCoverage:
    symbol: str
    chromosome: str
    assessable: bool
    """The chromosome is named in the VCF and has records in it."""
    records: int
    """Records in the gene's panel region (MANE span plus padding)."""
    why_not: str | None = None


@dataclass(frozen=True)
class Unassessed:
    """A carried allele whose effect could not be determined."""

    id: str
    gene: str
    zygosity: str
    name: str
    why: str


@dataclass(frozen=True)
class Completeness:
    verdict: str
    genes: tuple[GeneCoverage, ...]
    sources: Sources
    contigs_absent: tuple[str, ...]
    """Panel chromosomes the VCF header does not name."""
    contigs_without_records: tuple[str, ...]
    """Panel chromosomes the header names but the file has no record on."""
    not_assessed: tuple[Unassessed, ...]
    to_complete: tuple[str, ...]
    """What would complete the analysis, most useful first."""

    @property
    def complete(self) -> bool:
        return self.verdict == "complete"

    @property
    def assessable(self) -> int:
        return sum(g.assessable for g in self.genes)

    def line(self) -> str:
        """The one-line statement for logs, the TSV header and the annotated VCF."""
        return (f"{self.verdict} ({self.assessable}/{len(self.genes)} panel genes assessable; "
                f"{len(self.not_assessed)} allele(s) not assessed)")


def gene_coverage(genes: Sequence[tuple[str, str]], named: Mapping[str, str], with_records: set[str] | None,
                  records: Mapping[str, int]) -> tuple[GeneCoverage, ...]:
    """Per gene (symbol, chromosome): ``named`` maps panel chromosome -> VCF contig; ``with_records`` holds the VCF
    contigs with at least one record (None: not known, assumed populated)."""
    out = []
    for symbol, chrom in genes:
        contig = named.get(chrom)
        if contig is None:
            out.append(GeneCoverage(symbol, chrom, False, 0, f"chromosome {chrom} is not in the VCF header"))
        elif with_records is not None and contig not in with_records:
            out.append(GeneCoverage(symbol, chrom, False, 0, f"the VCF has no record on {contig}"))
        else:
            out.append(GeneCoverage(symbol, chrom, True, records.get(symbol, 0)))
    return tuple(out)


def unassessed(variants: Sequence[VariantResult]) -> tuple[Unassessed, ...]:
    """The carried alleles whose effect could not be determined, with why."""
    return tuple(Unassessed(v.id, v.allele.gene.symbol, v.genotype.zygosity.value, v.annotation.hgvs_c or v.id,
                            v.annotation.unresolved or "symbolic or structural allele: review it by hand")
                 for v in variants if v.interpretation.not_assessed and v.genotype.zygosity.carried)


def assess(genes: tuple[GeneCoverage, ...], sources: Sources, not_assessed: tuple[Unassessed, ...],
           absent: Sequence[str], without_records: Sequence[str]) -> Completeness:
    """The verdict and what would complete the analysis."""
    reasons: list[str] = []
    todo: list[str] = []
    missing = [g for g in genes if not g.assessable]
    if missing:
        reasons.append(f"{len(missing)} of {len(genes)} panel genes not assessable "
                       f"({', '.join(g.symbol for g in missing[:8])}{', …' if len(missing) > 8 else ''})")
        todo.append("give the VCF covering every panel chromosome (" + ", ".join(sorted({g.chromosome for g in missing},
                                                                                       key=_chrom_order)) + ")")
    if not_assessed:
        reasons.append(f"{len(not_assessed)} carried allele(s) with unknown effect")
        if sources.consequence is None and sources.reference is None:
            todo.append("annotate the VCF (VEP, SnpEff or bcftools csq), give --fasta with the reference genome, or "
                        "install the panel reference once with 'varhlh resources update', so that coding changes get "
                        "their protein effect")
        else:
            todo.append("review the not-assessed alleles by hand")
    if sources.frequency is None:
        reasons.append("no population-frequency source")
        todo.append("give population frequencies (a gnomAD-annotated VCF, --gnomad with a local gnomAD sites VCF, or "
                    "the panel's gnomAD regions installed once with 'varhlh resources update')")
    verdict = "complete" if not reasons else "partial: " + "; ".join(reasons)
    return Completeness(verdict, genes, sources, tuple(absent), tuple(without_records), not_assessed, tuple(todo))


def refusal(genes: Sequence[GeneCoverage], contigs: Sequence[str]) -> str | None:
    """Why no panel gene can be assessed (the input is refused), or None."""
    if any(g.assessable and g.records for g in genes):
        return None
    shown = ", ".join(contigs[:6]) + (", …" if len(contigs) > 6 else "")
    if not any(g.assessable for g in genes):
        if all(g.why_not and "not in the VCF header" in g.why_not for g in genes):
            return (f"no panel chromosome is named in the VCF header (contigs: {shown or 'none'}); rename the contigs "
                    "to 1..22, X, Y or chr1..chrX (bcftools annotate --rename-chrs) or give the whole-genome VCF")
        return ("the VCF has no record on any panel chromosome (a per-chromosome shard or a file of other "
                "chromosomes?); give the VCF that covers the panel genes")
    return ("the VCF has no record in any panel gene region although it has records on their chromosomes: it does "
            "not cover the panel (a targeted panel of other genes?), and 'no variant' cannot be told from 'not "
            "sequenced'; give the exome or genome VCF")


def _chrom_order(chrom: str) -> tuple[int, str]:
    return (int(chrom), "") if chrom.isdigit() else (100, chrom)

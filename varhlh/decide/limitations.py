"""The limitations stated in every result: what this analysis could not see, in plain words.

Always: decision support only; uncovered regions look like reference; copy-number and structural
variants are not assessed unless present as records; post-transplant blood shows the donor; the
panel and build used; how indels were matched. Then, from this input: no-calls, symbolic alleles,
reportable alleles without a frequency source, no consequence annotation, absent chromosomes.
"""

from __future__ import annotations

from collections.abc import Sequence

from varhlh.models import VariantResult


def limitations(variants: Sequence[VariantResult], *, panel: str, build: str, with_fasta: bool,
                consequence_annotation: bool, unmodelled: int, missing_genes: Sequence[str],
                knowledge: str | None = None) -> tuple[str, ...]:
    """The limitation sentences for one result.

    ``panel``: 'name version (sha256 …)'; ``build``: 'GRCh38 (evidence)'; ``unmodelled``: panel genes
    without a bundled exon model; ``missing_genes``: genes on chromosomes absent from the VCF; ``knowledge``:
    the bundled knowledge base's version, or None when the panel has none.
    """
    no_calls = sum(1 for v in variants if v.genotype.zygosity.value == "no_call")
    symbolic = sum(1 for v in variants if v.allele.symbolic)
    out = [
        "Decision-support aid: the result must be interpreted by a qualified clinician, and reported variants "
        "confirmed by an accredited laboratory.",
        "Only variants present in the VCF are assessed: regions without coverage or calls (for exome or panel data "
        "also deep-intronic regions such as UNC13D intron 1) cannot be told apart from reference sequence.",
        "Copy-number and structural variants (exon deletions and duplications, the UNC13D 253-kb inversion, the "
        "STX11 19.2-kb exon-2 deletion, the RAB27A duplication) are not assessed unless present as VCF records.",
        "A blood sample taken after allogeneic stem-cell transplant reflects the donor's genome; use pre-transplant "
        "or non-haematopoietic DNA.",
        f"Panel {panel}; genome build {build}.",
        "Curated indels are matched as written in the panel; normalise the VCF (bcftools norm -f ref.fa -m-any) so "
        "that differently aligned representations match." if not with_fasta else
        "Indels were left-aligned against the reference FASTA before curated and local-resource matching.",
    ]
    if no_calls:
        out.append(f"{no_calls} allele(s) in panel regions are no-calls in the patient: those sites were not assessed "
                   "(listed in variants with zygosity no_call).")
    if symbolic:
        out.append(f"{symbolic} symbolic or structural allele(s) overlap panel genes and were not interpreted "
                   "(listed under variants for manual review).")
    unchecked = sum(1 for v in variants if v.interpretation.reportable and v.annotation.frequency is None
                    and v.annotation.known is None)
    if unchecked:
        out.append(f"{unchecked} reportable allele(s) have no population-frequency information (no frequency "
                   "annotation in the VCF and no --gnomad file), so frequency-based criteria (PM2, BS1, BA1) were "
                   "not applied to them.")
    if knowledge:
        out.append(f"The bundled knowledge base ({knowledge}) lists previously described alleles from a dated "
                   "ClinVar release (September 2016) and ClinVar-derived pathogenic missense changes: it says that an "
                   "allele was described, it is not a current classification; check the current ClinVar record of "
                   "any finding.")
    if not consequence_annotation and unmodelled:
        out.append(f"The VCF carries no consequence annotation: genes without a bundled exon model ({unmodelled} "
                   "of the panel) were not interpreted beyond curated alleles and ClinVar fields; annotate with VEP, "
                   "SnpEff or bcftools csq for full coverage.")
    elif not consequence_annotation:
        out.append("The VCF carries no consequence annotation: consequences come from the bundled MANE exon models, "
                   "which cannot tell the protein effect of a coding SNV without a reference sequence (--fasta); "
                   "annotate with VEP, SnpEff or bcftools csq for full coverage.")
    if missing_genes:
        out.append(f"Genes on chromosomes absent from the VCF were not assessed: {', '.join(missing_genes)}.")
    return tuple(out)

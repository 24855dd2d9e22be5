"""Build the CONSTRUCTED annotation VCFs: the spiked HLH alleles annotated as VEP CSQ, SnpEff ANN, BCSQ.

Each output is a sites-only VCF (``annotations_<dialect>.vcf``) holding, for every spiked allele
of the test fixtures, the annotation that program would write for it on the MANE transcript. The
entries are written by hand from the published names (the panel's curated table) and the MANE v1.0
identifiers; they are **constructed, not program output**. The ``##INFO`` lines are copied
unchanged from real files (see README.md). ``tests/annotated_fixtures.py`` adds these values to
copies of tests/data/vcf/*.vcf, so the same record is triaged three ways.

Usage: python tests/data/interpretation/build_annotated.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOUR = HERE.parent / "annotations" / "constructed_prf1_w374x_four_dialects.vcf"

GENES = {  # symbol: (Ensembl gene, Ensembl transcript, RefSeq, protein, HGNC, strand, exons, introns)
    "PRF1": ("ENSG00000180644", "ENST00000441259.2", "NM_001083116.3", "ENSP00000398568.1", "HGNC:9360", -1, 3, 2),
    "STX11": ("ENSG00000135604", "ENST00000367568.5", "NM_003764.4", "ENSP00000356540.4", "HGNC:11429", 1, 2, 1),
    "UNC13D": ("ENSG00000092929", "ENST00000207549.9", "NM_199242.3", "ENSP00000207549.3", "HGNC:23147", -1, 32, 31),
}

# chrom, pos, ref, alt, gene, SO term, exon (or None), intron (or None), c., p. (3-letter), aa, codons, cds
ALLELES = [
    ("6", 144508566, "C", "T", "STX11", "stop_gained", 2, None, "c.802C>T", "p.Gln268Ter", "Q/*", "Cag/Tag", 802),
    ("10", 72358355, "C", "T", "PRF1", "stop_gained", 3, None, "c.1122G>A", "p.Trp374Ter", "W/*", "tgG/tgA", 1122),
    ("10", 72360210, "G", "T", "PRF1", "stop_gained", 2, None, "c.449C>A", "p.Ser150Ter", "S/*", "tCa/tAa", 449),
    ("10", 72360387, "G", "A", "PRF1", "missense_variant", 2, None, "c.272C>T", "p.Ala91Val", "A/V", "gCc/gTc", 272),
    ("17", 73836411, "C", "G", "UNC13D", "splice_acceptor_variant", None, 9, "c.754-1G>C", None, None, None, None),
    ("17", 73839908, "G", "A", "UNC13D", "intron_variant", None, 1, "c.118-308C>T", None, None, None, None),
]
IMPACT = {"stop_gained": "HIGH", "missense_variant": "MODERATE", "splice_acceptor_variant": "HIGH",
          "intron_variant": "MODIFIER"}
BCSQ_TERM = {"stop_gained": "stop_gained", "missense_variant": "missense", "splice_acceptor_variant": "splice_acceptor",
             "intron_variant": "intron"}
ONE = {"Ala": "A", "Val": "V", "Trp": "W", "Ser": "S", "Gln": "Q", "Ter": "*"}
CONTIGS = {"6": 171115067, "10": 135534747, "17": 81195210}
# INFO lines copied unchanged from Clinical-Genomics/scout scout/demo/vep104_annotated.vcf (BSD-3-Clause)
FREQUENCY_INFO = (
    '##INFO=<ID=GNOMADAF,Number=A,Type=Float,Description="Alternate allele frequency in samples (from '
    '/home/proj/stage/rare-disease/references/references_11.0/grch37_gnomad_reformated_-r2.1.1-.vcf.gz)">',
    '##INFO=<ID=GNOMADAF_popmax,Number=A,Type=Float,Description="Maximum allele frequency across populations '
    '(excluding samples of Ashkenazi, Finnish, and indeterminate ancestry) (from '
    '/home/proj/stage/rare-disease/references/references_11.0/grch37_gnomad_reformated_-r2.1.1-.vcf.gz)">',
)
# (chrom, pos) -> INFO text. W374X AF as cited in the curated table (gnomAD 0.0000155 [GeneBe]); A91V AF
# 0.0354 (gnomAD v4 [GeneBe]); every popmax value is HYPOTHETICAL. Alleles not listed are absent.
FREQUENCIES = {
    ("10", 72358355): "GNOMADAF=1.55e-05;GNOMADAF_popmax=3.5e-05",
    ("10", 72360387): "GNOMADAF=0.0354;GNOMADAF_popmax=0.05",
}


def _headers() -> dict[str, str]:
    out = {}
    for line in FOUR.read_text().splitlines():
        if line.startswith("##INFO=<ID="):
            out[line.split("=")[2].split(",")[0]] = line
    return out


def _vep(fields: list[str], a: tuple) -> str:  # type: ignore[type-arg]
    chrom, pos, ref, alt, gene, term, exon, intron, hgvs_c, hgvs_p, aa, codons, cds = a
    ensg, enst, refseq, ensp, hgnc, strand, exons, introns = GENES[gene]
    values = {
        "Allele": alt, "Consequence": term, "IMPACT": IMPACT[term], "SYMBOL": gene, "Gene": ensg,
        "Feature_type": "Transcript", "Feature": enst.split(".")[0], "BIOTYPE": "protein_coding",
        "EXON": f"{exon}/{exons}" if exon else "", "INTRON": f"{intron}/{introns}" if intron else "",
        "HGVSc": f"{enst}:{hgvs_c}", "HGVSp": f"{ensp}:{hgvs_p}" if hgvs_p else "",
        "CDS_position": str(cds or ""), "Protein_position": str((cds + 2) // 3) if cds else "",
        "Amino_acids": aa or "", "Codons": codons or "", "STRAND": str(strand), "VARIANT_CLASS": "SNV",
        "SYMBOL_SOURCE": "HGNC", "HGNC_ID": hgnc, "CANONICAL": "YES", "MANE_SELECT": refseq,
        "ENSP": ensp.split(".")[0],
    }
    return "|".join(values.get(name, "") for name in fields)


def _snpeff(a: tuple) -> str:  # type: ignore[type-arg]
    chrom, pos, ref, alt, gene, term, exon, intron, hgvs_c, hgvs_p, aa, codons, cds = a
    ensg, enst, refseq, ensp, hgnc, strand, exons, introns = GENES[gene]
    annotation = "splice_acceptor_variant&intron_variant" if term == "splice_acceptor_variant" else term
    rank = f"{exon}/{exons}" if exon else f"{intron}/{introns}"
    protein = hgvs_p.replace("Ter", "*") if hgvs_p else ""
    length = {"PRF1": 555, "STX11": 287, "UNC13D": 1090}[gene]
    cds_total = {"PRF1": 1668, "STX11": 864, "UNC13D": 3273}[gene]
    return "|".join([alt, annotation, IMPACT[term], gene, ensg, "transcript", refseq, "protein_coding", rank, hgvs_c,
                     protein, "", f"{cds}/{cds_total}" if cds else "", f"{(cds + 2) // 3}/{length}" if cds else "",
                     "", ""])


def _bcsq(a: tuple) -> str:  # type: ignore[type-arg]
    chrom, pos, ref, alt, gene, term, exon, intron, hgvs_c, hgvs_p, aa, codons, cds = a
    ensg, enst, refseq, ensp, hgnc, strand, exons, introns = GENES[gene]
    transcript = "" if term == "intron_variant" else enst.split(".")[0]  # bcftools csq leaves it empty for introns
    base = [BCSQ_TERM[term], gene, transcript, "protein_coding"]
    if hgvs_p is None:
        return "|".join(base)
    codon = (cds + 2) // 3
    first, last = ONE[hgvs_p[2:5]], ONE[hgvs_p[-3:]]
    return "|".join([*base, "+" if strand > 0 else "-", f"{codon}{first}>{codon}{last}", f"{pos}{ref}>{alt}"])


def build() -> dict[str, str]:
    headers = _headers()
    vep_fields = headers["CSQ"].split("Format: ")[1].split('"')[0].split("|")
    out = {}
    for name, tag, make in (("vep_csq", "CSQ", lambda a: _vep(vep_fields, a)), ("snpeff_ann", "ANN", _snpeff),
                            ("bcsq", "BCSQ", _bcsq)):
        lines = ["##fileformat=VCFv4.2",
                 f'##varhlh_fixture="CONSTRUCTED annotation, not program output: the spiked HLH alleles of '
                 f'tests/data/vcf written as {tag} entries by tests/data/interpretation/build_annotated.py; the '
                 f'##INFO line is copied unchanged from a real file (README.md)"',
                 headers[tag], *(f"##contig=<ID={c},length={n}>" for c, n in CONTIGS.items()),
                 "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
        for a in ALLELES:
            lines.append(f"{a[0]}\t{a[1]}\t.\t{a[2]}\t{a[3]}\t.\t.\t{tag}={make(a)}")
        out[f"annotations_{name}.vcf"] = "\n".join(lines) + "\n"
    lines = ["##fileformat=VCFv4.2",
             '##varhlh_fixture="CONSTRUCTED population frequencies (GNOMADAF, GNOMADAF_popmax) of the spiked HLH '
             'alleles, added to every dialect fixture alike; values: see build_annotated.py"',
             *FREQUENCY_INFO, *(f"##contig=<ID={c},length={n}>" for c, n in CONTIGS.items()),
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    for a in ALLELES:
        if (info := FREQUENCIES.get((a[0], a[1]))) is not None:
            lines.append(f"{a[0]}\t{a[1]}\t.\t{a[2]}\t{a[3]}\t.\t.\t{info}")
    out["annotations_frequency.vcf"] = "\n".join(lines) + "\n"
    return out


def main() -> int:
    stale = []
    for name, text in build().items():
        path = HERE / name
        if "--check" in sys.argv:
            if not path.is_file() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    if stale:
        print(f"differ from a rebuild: {', '.join(stale)}")
        return 1
    print("up to date" if "--check" in sys.argv else "written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Build the varhlh test fixtures: documented HLH variants spiked into real public backgrounds.

No public VCF carries pathogenic familial-HLH genotypes, so every fixture here is a REAL public
background VCF (GIAB / Platinum Genomes / published test-suite data under MIT, BSD or similar
permissive licences, see ``tests/data/README.md``) into which a few documented variants are
inserted ("spiked"). Every inserted record carries ``INFO/SPIKED=<variant_and_source>`` and the
header declares::

    ##INFO=<ID=SPIKED,Number=1,Type=String,Description="Inserted by varhlh tests/data/build_fixtures.py: ...">

Usage (standard library only; Python >= 3.10)::

    python tests/data/build_fixtures.py            # rebuild tests/data/vcf/*, tests/data/ped/*, examples/*
    python tests/data/build_fixtures.py --check    # rebuild into a temp dir, compare with the tracked files
    python tests/data/build_fixtures.py --refresh-backgrounds [--shared DIR]
                                                   # re-slice tests/data/backgrounds/* from the
                                                   # original public files (maintainers only; needs DIR,
                                                   # default /work/shared/data)

The normal build reads only ``tests/data/backgrounds/`` (committed), so it works on a fresh clone.
The bundled example ``examples/patient_fhl2.vcf.gz`` (+ ``.tbi``) is compressed with the external
``bgzip`` / ``tabix`` programs (htslib, Debian/Ubuntu package ``tabix``); if they are not on PATH
that single step is skipped with a message and the committed example is left untouched.

Determinism: there is no randomness, no timestamp and no dependence on the environment; running
the script twice gives byte-identical files (``--check`` verifies this).

Rules the script enforces for every spiked record
-------------------------------------------------
* Coordinates and alleles are those of the panel's curated table (gene_panels/hlh_known_variants.tsv)
  and their ClinVar records (GRCh37 or GRCh38 plus-strand, VCF-style), except the two clearly labelled CONSTRUCTED null alleles (SH2D1A, XIAP) and the
  labelled hypothetical second ALT of the multi-allelic record (see ``VARIANTS``).
* Only SNVs are spiked: there is no reference FASTA, so the anchor base of an indel is unknown
  (``N`` anchors are not allowed) and no background record reveals the bases next to the
  documented deletions.
* A spike is refused (the script stops) if any background record overlaps it or starts within
  ``MIN_DISTANCE_BP`` of it, so no inconsistent or "same read" neighbour is ever created.
* FORMAT follows the background (GT first, then its DP/GQ/PL when it has them) plus AD, and PS for
  phased genotypes; missing FORMAT/INFO/contig definitions are added to the header.
* Output is sorted by header contig order and position; contigs are all declared with lengths.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BACKGROUND_DIR = HERE / "backgrounds"
SCRIPT_ID = "tests/data/build_fixtures.py"

MIN_DISTANCE_BP = 10  # no background record may start this close to a spiked SNV
SLICE_BUDGET_BYTES = 280_000  # every background slice stays below ~300 kB uncompressed
WINDOW_PAD_BP = 200_000

SPIKED_HEADER = (
    '##INFO=<ID=SPIKED,Number=1,Type=String,Description="Inserted by varhlh '
    "tests/data/build_fixtures.py: synthetic record; the value names the inserted variant "
    '(gene, transcript, HGVS) and its source (curated table and ClinVar, or CONSTRUCTED/HYPOTHETICAL)">'
)
CSQ_DEFAULT_FORMAT = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp"
    "|MANE_SELECT|CANONICAL"
)
CSQ_DEFAULT_HEADER = (
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP '
    '(constructed by varhlh tests/data/build_fixtures.py for spiked records only). Format: '
    + CSQ_DEFAULT_FORMAT
    + '">'
)
FORMAT_DEFS = {
    "GT": '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    "AD": '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt '
    'alleles in the order listed">',
    "DP": '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
    "GQ": '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype Quality">',
    "PL": '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Normalized, Phred-scaled likelihoods '
    'for genotypes as defined in the VCF specification">',
    "PS": '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set identifier: phased genotypes '
    'sharing a PS value are on the same haplotype block">',
}

# --------------------------------------------------------------------------------------------
# Contig tables (name, length). Lengths copied from real headers: GRCh38 from
# populationgenomics/talos nextflow/inputs/joint.vcf.bgz (MIT); hg19 from
# brentp/cyvcf2 cyvcf2/tests/test.snpeff.vcf (MIT).
# --------------------------------------------------------------------------------------------
GRCH38_PRIMARY = (
    [
        ("chr1", 248956422), ("chr2", 242193529), ("chr3", 198295559), ("chr4", 190214555),
        ("chr5", 181538259), ("chr6", 170805979), ("chr7", 159345973), ("chr8", 145138636),
        ("chr9", 138394717), ("chr10", 133797422), ("chr11", 135086622), ("chr12", 133275309),
        ("chr13", 114364328), ("chr14", 107043718), ("chr15", 101991189), ("chr16", 90338345),
        ("chr17", 83257441), ("chr18", 80373285), ("chr19", 58617616), ("chr20", 64444167),
        ("chr21", 46709983), ("chr22", 50818468), ("chrX", 156040895), ("chrY", 57227415),
        ("chrM", 16569),
    ]
)
HG19_PRIMARY_UCSC_ORDER = (
    [
        ("chrM", 16571),
        ("chr1", 249250621), ("chr2", 243199373), ("chr3", 198022430), ("chr4", 191154276),
        ("chr5", 180915260), ("chr6", 171115067), ("chr7", 159138663), ("chr8", 146364022),
        ("chr9", 141213431), ("chr10", 135534747), ("chr11", 135006516), ("chr12", 133851895),
        ("chr13", 115169878), ("chr14", 107349540), ("chr15", 102531392), ("chr16", 90354753),
        ("chr17", 81195210), ("chr18", 78077248), ("chr19", 59128983), ("chr20", 63025520),
        ("chr21", 48129895), ("chr22", 51304566), ("chrX", 155270560), ("chrY", 59373566),
    ]
)
# b37 unplaced/unlocalised scaffold -> UCSC hg19 name (same sequence and length; names from the
# hg19 header of brentp/cyvcf2 cyvcf2/tests/test.snpeff.vcf).
_HG19_RANDOM = {
    "191": "chr1", "192": "chr1", "193": "chr4", "194": "chr4", "195": "chr7", "196": "chr8",
    "197": "chr8", "198": "chr9", "199": "chr9", "200": "chr9", "201": "chr9", "202": "chr11",
    "203": "chr17", "204": "chr17", "205": "chr17", "206": "chr17", "207": "chr18",
    "208": "chr19", "209": "chr19", "210": "chr21",
}


def b37_to_hg19_name(name: str) -> str:
    """Rename a b37 contig to UCSC hg19 style (1->chr1, MT->chrM, GL000207.1->chr18_gl000207_random)."""
    if name.startswith("GL") and name.endswith(".1"):
        num = name[2:-2].lstrip("0")
        if num in _HG19_RANDOM:
            return f"{_HG19_RANDOM[num]}_gl000{num}_random"
        return f"chrUn_gl000{num}"
    if name == "MT":
        return "chrM"
    return "chr" + name


# --------------------------------------------------------------------------------------------
# Backgrounds (provenance; slices are committed in tests/data/backgrounds/)
# --------------------------------------------------------------------------------------------
# Panel genes, GRCh37 MANE transcript spans (gene_panels/hlh_genes.tsv), padded by +-200 kb.
BRIEF_GENES_GRCH37 = {
    "PRF1": ("10", 72357104, 72362497), "UNC13D": ("17", 73823306, 73840485),
    "STX11": ("6", 144471654, 144513076), "STXBP2": ("19", 7701996, 7712759),
    "RAB27A": ("15", 55495164, 55582011), "LYST": ("1", 235824341, 236030206),
    "SH2D1A": ("X", 123480413, 123507010), "XIAP": ("X", 122993903, 123047822),
}
# All 23 panel genes, GRCh37 Ensembl gene spans (1-based), from the shared derived BED
# derived/hlh_panel_genes_ensembl_grch37.bed (made from Clinical-Genomics/genmod, MIT).
PANEL_GENES_GRCH37 = {
    "TNFRSF9": ("1", 7979907, 8000926), "CDC42": ("1", 22379120, 22419437),
    "CTPS1": ("1", 41445007, 41478235), "LYST": ("1", 235824341, 236046940),
    "NLRC4": ("2", 32449522, 32490923), "AP3B1": ("5", 77296349, 77590579),
    "HAVCR2": ("5", 156512843, 156569880), "ITK": ("5", 156569944, 156682201),
    "STX11": ("6", 144471663, 144509507), "PRF1": ("10", 72357104, 72362531),
    "CD27": ("12", 6554033, 6560884), "SLC7A7": ("14", 23242431, 23299029),
    "RASGRP1": ("15", 38780304, 38857776), "RAB27A": ("15", 55495164, 55611311),
    "CARMIL2": ("16", 67678822, 67691472), "UNC13D": ("17", 73823306, 73840798),
    "AP3D1": ("19", 2100988, 2164464), "CD70": ("19", 6583194, 6604114),
    "STXBP2": ("19", 7701767, 7712759), "STK4": ("20", 43595115, 43708600),
    "MAGT1": ("X", 77081861, 77151090), "XIAP": ("X", 122993574, 123047829),
    "SH2D1A": ("X", 123480194, 123507005),
}


@dataclass(frozen=True)
class Background:
    key: str
    filename: str
    repo: str
    commit: str
    upstream_path: str
    shared_path: str  # path under the shared data directory (refresh only)
    licence: str
    build: str
    chr_prefix: str  # "" when the upstream contigs are b37-style "1", "chr" when "chr1"
    keep_whole_chroms: tuple[str, ...] = ()
    use_windows: bool = True
    # how spiked FORMAT values are generated
    format_keys: tuple[str, ...] = ("GT", "AD", "DP", "GQ", "PL")
    depth: int = 40
    pl_per_read: int = 30
    qual_decimals: int = 2
    info_counts: bool = True  # spiked INFO gets AC/AF/AN/DP like the background records
    csq_total_length: bool = False  # CSQ Protein_position written as "pos/length"
    # slice-time clean-up of upstream header definitions that htslib warns about
    drop_info: tuple[str, ...] = ()  # INFO IDs whose header line and values are removed
    header_fixes: tuple[tuple[str, str], ...] = ()  # (old header line, new header line)

    @property
    def path(self) -> Path:
        return BACKGROUND_DIR / self.filename


BG_NA12878_37 = Background(
    key="na12878_grch37",
    filename="grch37_NA12878_GIAB_NIST2.19_complex.slice.vcf",
    repo="Illumina/hap.py",
    commit="84011695b2ff2406c16a335106db6831fb67fdfe",
    upstream_path="example/NIST_indels/Complex_1ormoreindels_NIST2.19.vcf.gz",
    shared_path="hap.py/Complex_1ormoreindels_NIST2.19.vcf.gz",
    licence="BSD-2-Clause (hap.py repository); data: GIAB NIST v2.19 NA12878 (public release)",
    build="GRCh37",
    chr_prefix="",
    depth=600,  # DP here is summed over all GIAB datasets (background median ~600)
    qual_decimals=0,
    info_counts=False,  # background INFO is "."
)
BG_ASHK_TRIO_37 = Background(
    key="ashk_trio_grch37",
    filename="grch37_GIAB_AJ_trio_HG002_HG003_HG004.slice.vcf",
    repo="brentp/slivar",
    commit="a04aa8a39c7f9aa69e5cbac30a19620061635a6f",
    upstream_path="tests/ashk-trio.vcf.gz",
    shared_path="slivar/ashk-trio.vcf.gz",
    licence="MIT (slivar repository); data: GIAB Ashkenazi trio HG002/HG003/HG004 (public release)",
    build="GRCh37",
    chr_prefix="",
    depth=38,
)
BG_HAPLOIDX_37 = Background(
    key="haploidx_grch37",
    filename="grch37_hg19_chrX_haploid_3males.slice.vcf",
    repo="brentp/cyvcf2",
    commit="af6e07ca05ecf4121186c667a9c3d02939d21102",
    upstream_path="cyvcf2/tests/test-haploidX.vcf",
    shared_path="cyvcf2/test-haploidX.vcf",
    licence="MIT (cyvcf2 repository)",
    build="GRCh37",
    chr_prefix="chr",
    depth=28,
    csq_total_length=True,
)
BG_SCOUT_TRIO_37 = Background(
    key="scout643594_grch37",
    filename="grch37_scout_demo_643594_trio.slice.vcf",
    repo="Clinical-Genomics/scout",
    commit="8e3dcc21838acd08b9e761a623150cfdeb5a44a6",
    upstream_path="scout/demo/643594.clinical.vcf.gz",
    shared_path="scout/643594.clinical.vcf.gz",
    licence="BSD-3-Clause (scout repository)",
    build="GRCh37",
    chr_prefix="",
    keep_whole_chroms=("X",),
    depth=36,
    # htslib 1.16 warns "Invalid tag name" for these (leading digit / '+') -> removed with values
    drop_info=("1000GAF", "1000G_MAX_AF", "GERP++_RS_prediction_term"),
    # htslib warns 'The definition of Flag "INFO/AZ" is invalid' -> Number=0 (no record uses AZ)
    header_fixes=((
        '##INFO=<ID=AZ,Number=1,Type=Flag,Description="Autozygous positon call">',
        '##INFO=<ID=AZ,Number=0,Type=Flag,Description="Autozygous positon call">',
    ),),
)
BG_NA12878_38 = Background(
    key="na12878_grch38",
    filename="grch38_NA12878_PlatinumGenomes_chr21.slice.vcf",
    repo="Illumina/hap.py",
    commit="84011695b2ff2406c16a335106db6831fb67fdfe",
    upstream_path="example/happy/PG_NA12878_hg38-chr21.vcf.gz",
    shared_path="hap.py/PG_NA12878_hg38-chr21.vcf.gz",
    licence="BSD-2-Clause (hap.py repository); data: Illumina Platinum Genomes NA12878 hg38 v2.0.1 "
    "(public release)",
    build="GRCh38",
    chr_prefix="chr",
    use_windows=False,  # chr21 only: no panel gene
    format_keys=("GT", "AD", "DP", "GQ"),  # background FORMAT is GT only
    depth=42,
    qual_decimals=0,
    info_counts=False,
)
BACKGROUNDS = (BG_NA12878_37, BG_ASHK_TRIO_37, BG_HAPLOIDX_37, BG_SCOUT_TRIO_37, BG_NA12878_38)


# --------------------------------------------------------------------------------------------
# Variants (all SNVs; plus-strand, VCF-style)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Variant:
    key: str
    gene: str
    chrom: str  # b37-style name; prefixed on output as the background requires
    pos37: int
    pos38: int | None
    ref: str
    alts: tuple[str, ...]
    spiked: str  # INFO/SPIKED value (no spaces, commas, semicolons or '=')
    csq: dict[str, str] | None = None  # VEP-style values by CSQ field name (constructed nulls)


S21 = "curated_table"
VARIANTS = {
    v.key: v
    for v in (
        Variant("PRF1_W374X", "PRF1", "10", 72358355, 70598599, "C", ("T",),
                f"PRF1_NM_001083116.3:c.1122G>A_p.(Trp374Ter)_rs104894176_{S21}_ClinVar_VCV000013709"),
        Variant("PRF1_S150X", "PRF1", "10", 72360210, 70600454, "G", ("T",),
                f"PRF1_NM_001083116.3:c.449C>A_p.(Ser150Ter)_{S21}_ClinVar_RCV003331403"),
        Variant("PRF1_A91V", "PRF1", "10", 72360387, 70600631, "G", ("A",),
                f"PRF1_NM_001083116.3:c.272C>T_p.(Ala91Val)_rs35947132_hypomorph_{S21}_s2.2"),
        # Multi-allelic: no two section-2.1 variants share a position, so ALT1 is the documented
        # c.445G>A (G149S) and ALT2 (plus-strand G = c.445G>C, p.Gly149Arg) is HYPOTHETICAL.
        Variant("PRF1_G149S_plus_hypothetical", "PRF1", "10", 72360214, 70600458, "C", ("T", "G"),
                f"PRF1_NM_001083116.3:c.445G>A_p.(Gly149Ser)_{S21}"
                "+ALT2_G_is_HYPOTHETICAL_c.445G>C_p.(Gly149Arg)_constructed_for_multiallelic_test"),
        Variant("UNC13D_c118-308", "UNC13D", "17", 73839908, 75843827, "G", ("A",),
                f"UNC13D_NM_199242.3:c.118-308C>T_deep_intronic_{S21}_s2.3"),
        Variant("UNC13D_c754-1", "UNC13D", "17", 73836411, 75840330, "C", ("G",),
                f"UNC13D_NM_199242.3:c.754-1G>C_IVS9-1G>C_canonical_acceptor_{S21}"),
        Variant("STX11_Q268X", "STX11", "6", 144508566, 144187429, "C", ("T",),
                f"STX11_NM_003764.4:c.802C>T_p.(Gln268Ter)_{S21}"),
        # CONSTRUCTED null alleles (not in section 2.1): position = c. position mapped with the
        # Appendix A exon table (SH2D1A exon 2: c.138 = X:123499611; XIAP exon 2: c.-32 =
        # X:123019481, c.1 = X:123019513); REF = the c. reference base of the HGVS (plus strand,
        # both genes are + strand); NOT checked against a reference FASTA (none available).
        Variant("SH2D1A_R55X_constructed", "SH2D1A", "X", 123499636, 124365786, "C", ("T",),
                "SH2D1A_NM_002351.5:c.163C>T_p.(Arg55Ter)_CONSTRUCTED_HYPOTHETICAL_null_allele"
                "_not_a_published_allele_position_from_the_MANE_exon2_model_REF_not_FASTA_checked",
                csq={
                    "Allele": "T", "Consequence": "stop_gained", "IMPACT": "HIGH", "SYMBOL": "SH2D1A",
                    "Gene": "ENSG00000183918", "Feature_type": "Transcript",
                    "Feature": "ENST00000371139.9", "BIOTYPE": "protein_coding", "EXON": "2/4",
                    "HGVSc": "ENST00000371139.9:c.163C>T", "HGVSp": "ENSP00000360181.5:p.Arg55Ter",
                    "cDNA_position": "243", "CDS_position": "163", "Protein_position": "55",
                    "_protein_length": "128", "Amino_acids": "R/*", "Codons": "Cga/Tga",
                    "STRAND": "1", "SYMBOL_SOURCE": "HGNC", "HGNC_ID": "HGNC:10820",
                    "CANONICAL": "YES", "MANE_SELECT": "NM_002351.5", "ENSP": "ENSP00000360181.5",
                }),
        Variant("XIAP_R222X_constructed", "XIAP", "X", 123020176, 123886326, "C", ("T",),
                "XIAP_NM_001167.4:c.664C>T_p.(Arg222Ter)_CONSTRUCTED_HYPOTHETICAL_null_allele"
                "_not_a_published_allele_position_from_the_MANE_exon2_model_REF_and_codon_not_FASTA_checked",
                csq={
                    "Allele": "T", "Consequence": "stop_gained", "IMPACT": "HIGH", "SYMBOL": "XIAP",
                    "Gene": "ENSG00000101966", "Feature_type": "Transcript",
                    "Feature": "ENST00000371199.8", "BIOTYPE": "protein_coding", "EXON": "2/7",
                    "HGVSc": "ENST00000371199.8:c.664C>T", "HGVSp": "ENSP00000360242.3:p.Arg222Ter",
                    "cDNA_position": "937", "CDS_position": "664", "Protein_position": "222",
                    "_protein_length": "497", "Amino_acids": "R/*", "Codons": "Cga/Tga",
                    "STRAND": "1", "SYMBOL_SOURCE": "HGNC", "HGNC_ID": "HGNC:592",
                    "CANONICAL": "YES", "MANE_SELECT": "NM_001167.4", "ENSP": "ENSP00000360242.3",
                }),
    )
}


# --------------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    """One sample's spiked genotype: GT string and optional phase set."""

    gt: str
    ps: int | None = None


@dataclass(frozen=True)
class Spike:
    variant: str
    calls: tuple[Call, ...]  # one per output sample, in output sample order


@dataclass(frozen=True)
class Scenario:
    name: str
    background: Background
    description: str
    spikes: tuple[Spike, ...] = ()
    build: str = "GRCh37"
    keep_sample: str | None = None  # single-sample extract of a multi-sample background
    rename_to_chr: bool = False  # b37 "1" -> hg19-style "chr1"
    ped: tuple[tuple[str, ...], ...] = ()  # PED rows written to ped/<ped_name>
    ped_name: str | None = None
    out_dir: str = "vcf"


def het(ps: int | None = None, gt: str = "0/1") -> Call:
    return Call(gt, ps)


W374X, S150X, A91V = "PRF1_W374X", "PRF1_S150X", "PRF1_A91V"
PS_BLOCK = 72358355  # phase set = position of the first phased variant of the block (WhatsHap style)
TRIO_PED = (
    ("ash", "HG002", "HG003", "HG004", "1", "2"),
    ("ash", "HG003", "0", "0", "1", "1"),
    ("ash", "HG004", "0", "0", "2", "1"),
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("prf1_hom_w374x", BG_NA12878_37,
             "PRF1 c.1122G>A (W374*) homozygous: FHL2 confirmed",
             (Spike(W374X, (Call("1/1"),)),)),
    Scenario("prf1_comphet_phased_trans", BG_NA12878_37,
             "PRF1 c.1122G>A 0|1 + c.449C>A 1|0, same PS: in trans, FHL2 confirmed",
             (Spike(W374X, (Call("0|1", PS_BLOCK),)), Spike(S150X, (Call("1|0", PS_BLOCK),)))),
    Scenario("prf1_comphet_phased_cis", BG_NA12878_37,
             "PRF1 c.1122G>A 0|1 + c.449C>A 0|1, same PS: in cis, carrier only",
             (Spike(W374X, (Call("0|1", PS_BLOCK),)), Spike(S150X, (Call("0|1", PS_BLOCK),)))),
    Scenario("prf1_comphet_diff_ps", BG_NA12878_37,
             "PRF1 c.1122G>A 0|1 and c.449C>A 1|0 in DIFFERENT phase sets: phase unknown",
             (Spike(W374X, (Call("0|1", PS_BLOCK),)), Spike(S150X, (Call("1|0", 72360210),)))),
    Scenario("prf1_comphet_unphased", BG_NA12878_37,
             "PRF1 c.1122G>A 0/1 + c.449C>A 0/1 unphased: phase unknown",
             (Spike(W374X, (Call("0/1"),)), Spike(S150X, (Call("0/1"),)))),
    Scenario("prf1_w374x_a91v_trans", BG_NA12878_37,
             "PRF1 c.1122G>A 0|1 + hypomorph c.272C>T (A91V) 1|0, same PS (as phenopacket-store "
             "PMID_12229880 cases): possible late-onset FHL2",
             (Spike(W374X, (Call("0|1", PS_BLOCK),)), Spike(A91V, (Call("1|0", PS_BLOCK),)))),
    Scenario("prf1_a91v_hom", BG_NA12878_37,
             "PRF1 c.272C>T (A91V) homozygous only: hypomorph, not diagnostic alone",
             (Spike(A91V, (Call("1/1"),)),)),
    Scenario("prf1_carrier", BG_NA12878_37,
             "PRF1 c.1122G>A heterozygous only: carrier",
             (Spike(W374X, (Call("0/1"),)),)),
    Scenario("prf1_multiallelic_1_2", BG_NA12878_37,
             "one PRF1 record with two ALT alleles, GT 1/2 (ALT1 documented G149S, ALT2 hypothetical)",
             (Spike("PRF1_G149S_plus_hypothetical", (Call("1/2"),)),)),
    Scenario("unc13d_deepintronic_splice", BG_NA12878_37,
             "UNC13D c.118-308C>T (deep intronic) + c.754-1G>C (acceptor), both 0/1 unphased",
             (Spike("UNC13D_c118-308", (Call("0/1"),)), Spike("UNC13D_c754-1", (Call("0/1"),)))),
    Scenario("stx11_hom_q268x", BG_NA12878_37,
             "STX11 c.802C>T (Q268*) homozygous: FHL4 confirmed",
             (Spike("STX11_Q268X", (Call("1/1"),)),)),
    Scenario("xlp1_male_hemizygous", BG_HAPLOIDX_37,
             "male (haploid chrX calls), constructed SH2D1A stop_gained (CSQ) hemizygous GT 1: XLP1",
             (Spike("SH2D1A_R55X_constructed", (Call("1"),)),),
             keep_sample="37165",
             ped=(("xlp1_hemi", "37165", "0", "0", "1", "2"),), ped_name="xlp1_male_hemizygous.ped"),
    Scenario("xlp1_male_diploid_1_1", BG_SCOUT_TRIO_37,
             "male (diploid-called chrX), constructed SH2D1A stop_gained (CSQ) as GT 1/1: XLP1",
             (Spike("SH2D1A_R55X_constructed", (Call("1/1"),)),),
             keep_sample="ADM1059A2",
             ped=(("643594", "ADM1059A2", "0", "0", "1", "2"),), ped_name="xlp1_male_diploid_1_1.ped"),
    Scenario("xiap_female_het", BG_NA12878_37,
             "female (PED sex 2) heterozygous for a constructed XIAP stop_gained (CSQ): XLP2 carrier "
             "(PanelApp: monoallelic females may be affected)",
             (Spike("XIAP_R222X_constructed", (Call("0/1"),)),),
             ped=(("xiap_female", "NA12878", "0", "0", "2", "2"),), ped_name="xiap_female.ped"),
    Scenario("nothing_found", BG_NA12878_37,
             "background only, nothing spiked (real benign records in LYST, RAB27A, SH2D1A, XIAP, ...)"),
    Scenario("trio_prf1_comphet", BG_ASHK_TRIO_37,
             "trio: child HG002 0/1 c.1122G>A (from father HG003) + 0/1 c.449C>A (from mother HG004): "
             "in trans by inheritance",
             (Spike(W374X, (het(), het(), Call("0/0"))), Spike(S150X, (het(), Call("0/0"), het()))),
             ped=TRIO_PED, ped_name="trio_prf1_comphet.ped"),
    Scenario("trio_prf1_cis", BG_ASHK_TRIO_37,
             "trio: child HG002 0/1 at both; father HG003 carries both, mother HG004 neither: in cis",
             (Spike(W374X, (het(), het(), Call("0/0"))), Spike(S150X, (het(), het(), Call("0/0")))),
             ped=TRIO_PED, ped_name="trio_prf1_cis.ped"),
    Scenario("grch38_chr_prf1_hom_w374x", BG_NA12878_38,
             "GRCh38 (chr-prefixed): PRF1 c.1122G>A homozygous at chr10:70598599",
             (Spike(W374X, (Call("1/1"),)),), build="GRCh38"),
    Scenario("grch37_chr_prf1_comphet_phased_trans", BG_NA12878_37,
             "GRCh37 with chr-prefixed (hg19-style) contig names: PRF1 c.1122G>A 0|1 + c.449C>A 1|0 same PS",
             (Spike(W374X, (Call("0|1", PS_BLOCK),)), Spike(S150X, (Call("1|0", PS_BLOCK),))),
             rename_to_chr=True),
)
EXAMPLE = Scenario(
    "patient_fhl2", BG_NA12878_37,
    "bundled example: PRF1 c.1122G>A (W374*) 0|1 + c.449C>A (S150*) 1|0 same PS (in trans) in the "
    "real GIAB NA12878 background; expected: primary HLH genetically confirmed (FHL2)",
    (Spike(W374X, (Call("0|1", PS_BLOCK),)), Spike(S150X, (Call("1|0", PS_BLOCK),))),
    out_dir="examples",
)


# --------------------------------------------------------------------------------------------
# VCF text helpers
# --------------------------------------------------------------------------------------------
@dataclass
class Vcf:
    meta: list[str]  # "##..." lines
    columns: list[str]  # the "#CHROM ..." line split on tabs
    records: list[list[str]] = field(default_factory=list)  # split on tabs

    @property
    def samples(self) -> list[str]:
        return self.columns[9:]

    def contig_order(self) -> dict[str, int]:
        contigs = [hl for hl in self.meta if hl.startswith("##contig=")]
        return {header_id(line): i for i, line in enumerate(contigs)}

    def text(self) -> str:
        lines = [*self.meta, "\t".join(self.columns), *("\t".join(r) for r in self.records)]
        return "\n".join(lines) + "\n"


def open_text(path: Path) -> Iterable[str]:
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", newline="\n")
    return path.open("r", encoding="utf-8", newline="\n")


def read_vcf(path: Path) -> Vcf:
    meta: list[str] = []
    columns: list[str] = []
    records: list[list[str]] = []
    with open_text(path) as fh:  # type: ignore[attr-defined]
        for raw in fh:
            line = raw.rstrip("\n").rstrip("\r")
            if not line:
                continue
            if line.startswith("##"):
                meta.append(line)
            elif line.startswith("#"):
                columns = line.split("\t")
            else:
                records.append(line.split("\t"))
    if not columns:
        msg = f"{path}: no #CHROM line"
        raise SystemExit(msg)
    return Vcf(meta, columns, records)


def header_id(line: str) -> str:
    body = line.split("<", 1)[1]
    for part in body.rstrip(">").split(","):
        if part.startswith("ID="):
            return part[3:]
    raise ValueError(line)


def has_header(vcf: Vcf, kind: str, ident: str) -> bool:
    prefix = f"##{kind}=<"
    return any(hl.startswith(prefix) and header_id(hl) == ident for hl in vcf.meta)


def insert_meta(vcf: Vcf, kind: str, line: str) -> None:
    """Insert a header line after the last line of the same kind (or before #CHROM)."""
    prefix = f"##{kind}="
    idx = max((i for i, hl in enumerate(vcf.meta) if hl.startswith(prefix)), default=len(vcf.meta) - 1)
    vcf.meta.insert(idx + 1, line)


def csq_format(vcf: Vcf) -> list[str] | None:
    for line in vcf.meta:
        if line.startswith("##INFO=<ID=CSQ,"):
            return line.split("Format: ", 1)[1].split('"', 1)[0].strip().split("|")
    return None


# --------------------------------------------------------------------------------------------
# Background slicing (maintainer step, --refresh-backgrounds)
# --------------------------------------------------------------------------------------------
def slice_windows(bg: Background) -> list[tuple[str, int, int]]:
    if not bg.use_windows:
        return []
    wins = [(c, s - WINDOW_PAD_BP, e + WINDOW_PAD_BP) for c, s, e in BRIEF_GENES_GRCH37.values()]
    wins += list(PANEL_GENES_GRCH37.values())
    return [(bg.chr_prefix + c, s, e) for c, s, e in wins]


def refresh_background(bg: Background, shared: Path) -> None:
    src = shared / bg.shared_path
    vcf = read_vcf(src)
    wins = slice_windows(bg)
    keep_chroms = {bg.chr_prefix + c for c in bg.keep_whole_chroms}

    def in_window(rec: list[str]) -> bool:
        pos = int(rec[1])
        return rec[0] in keep_chroms or any(rec[0] == c and s <= pos <= e for c, s, e in wins)

    cleanup = ""
    if bg.drop_info or bg.header_fixes:
        fixes = dict(bg.header_fixes)
        vcf.meta = [fixes.get(hl, hl) for hl in vcf.meta
                    if not (hl.startswith("##INFO=<") and header_id(hl) in bg.drop_info)]
        for rec in vcf.records:
            items = [i for i in rec[7].split(";") if i.split("=", 1)[0] not in bg.drop_info]
            rec[7] = ";".join(items) if items else "."
        cleanup = (f"; INFO {'/'.join(bg.drop_info)} removed (header line and values) and "
                   f"{len(fixes)} header line(s) corrected because htslib warns about their definitions")
    forced = [i for i, r in enumerate(vcf.records) if in_window(r)]
    forced_set = set(forced)
    others = [i for i in range(len(vcf.records)) if i not in forced_set]
    note = (
        f"##varhlh_background_slice=source {bg.repo}@{bg.commit}:{bg.upstream_path} "
        f"(licence {bg.licence}); records kept unchanged: "
        + (f"all within +-{WINDOW_PAD_BP} bp of the brief HLH genes and inside the 23 panel gene spans, "
           if wins else "")
        + (f"all on {'/'.join(sorted(keep_chroms))}, " if keep_chroms else "")
        + ("plus " if wins or keep_chroms else "")
        + "every n-th other record in file order (n={n}, the smallest keeping the file under "
        f"{SLICE_BUDGET_BYTES} bytes); header unchanged except this line{cleanup}; made by {SCRIPT_ID} "
        "--refresh-backgrounds"
    )
    for n in range(1, 10_000):
        keep = sorted(forced_set | set(others[::n]))
        sliced = Vcf([*vcf.meta, note.replace("{n}", str(n))], vcf.columns, [vcf.records[i] for i in keep])
        data = sliced.text().encode()
        if len(data) <= SLICE_BUDGET_BYTES:
            break
    else:  # pragma: no cover
        msg = f"cannot slice {src} under budget"
        raise SystemExit(msg)
    bg.path.parent.mkdir(parents=True, exist_ok=True)
    bg.path.write_bytes(data)
    print(f"background {bg.path.relative_to(REPO)}: {len(keep)} records ({len(forced)} forced, n="
          f"{n} for the others), {len(data)} bytes")


# --------------------------------------------------------------------------------------------
# Fixture construction
# --------------------------------------------------------------------------------------------
def gt_alleles(gt: str) -> list[str]:
    return gt.replace("|", "/").split("/")


def extract_sample(vcf: Vcf, sample: str) -> None:
    """Keep one sample (like ``bcftools view -s SAMPLE -c1``): drop sites where it carries no ALT
    allele and recompute INFO AC/AN/AF from its genotype."""
    idx = vcf.columns.index(sample)
    vcf.columns = [*vcf.columns[:9], sample]
    kept = []
    for rec in vcf.records:
        fmt = rec[8].split(":")
        values = rec[idx].split(":")
        gt = values[fmt.index("GT")] if "GT" in fmt else "."
        alleles = [a for a in gt_alleles(gt) if a != "."]
        if not any(a != "0" for a in alleles):
            continue
        n_alt = len(rec[4].split(","))
        ac = [sum(1 for a in alleles if a == str(k)) for k in range(1, n_alt + 1)]
        an = len(alleles)
        info = rec[7].split(";") if rec[7] != "." else []
        new_info = []
        for item in info:
            key = item.split("=", 1)[0]
            if key == "AC":
                item = "AC=" + ",".join(map(str, ac))
            elif key == "AN":
                item = f"AN={an}"
            elif key == "AF":
                item = "AF=" + ",".join(fmt_float(c / an) for c in ac)
            new_info.append(item)
        kept.append([*rec[:7], ";".join(new_info) if new_info else ".", rec[8], rec[idx]])
    vcf.records = kept


def fmt_float(x: float) -> str:
    s = f"{x:.3f}".rstrip("0").rstrip(".")
    return s or "0"


def set_contigs(vcf: Vcf, wanted: Sequence[tuple[str, int]], assembly: str, why: str) -> None:
    """Make sure every contig in ``wanted`` is declared (existing lines are kept verbatim)."""
    existing = {header_id(hl): hl for hl in vcf.meta if hl.startswith("##contig=")}
    missing = [(c, n) for c, n in wanted if c not in existing]
    if not missing:
        return
    first = next(i for i, hl in enumerate(vcf.meta) if hl.startswith("##contig="))
    block = []
    for name, length in wanted:
        block.append(existing.pop(name, f"##contig=<ID={name},length={length},assembly={assembly}>"))
    block.extend(existing.values())
    rest = [hl for hl in vcf.meta if not hl.startswith("##contig=")]
    vcf.meta = rest[:first] + block + rest[first:]
    vcf.meta.append(f"##varhlh_added_contigs={','.join(c for c, _ in missing)} ({why})")


def rename_contigs(vcf: Vcf, rename: dict[str, str] | None = None) -> None:
    def new(name: str) -> str:
        return b37_to_hg19_name(name) if rename is None else rename.get(name, name)

    meta = []
    for line in vcf.meta:
        if line.startswith("##contig="):
            old = header_id(line)
            line = line.replace(f"<ID={old},", f"<ID={new(old)},", 1)
        meta.append(line)
    vcf.meta = meta
    for rec in vcf.records:
        rec[0] = new(rec[0])
    vcf.meta.append("##varhlh_renamed_contigs=b37 names renamed to UCSC hg19 style (1->chr1, X->chrX, "
                    "MT->chrM keeping its b37 rCRS length 16569, GL000xxx.1->chrN_gl000xxx_random or "
                    "chrUn_gl000xxx); lengths unchanged")


def genotype_values(bg: Background, call: Call, n_alleles: int, depth: int, weight: int) -> dict[str, str]:
    """Realistic, deterministic FORMAT values for one spiked genotype.

    AD splits the depth 52:48 between the two called alleles (all reads on the allele when
    homozygous or haploid). PL uses a simple read model: each read whose allele is absent from a
    candidate genotype costs ``pl_per_read``; a heterozygous candidate for homozygous data costs
    3 per read (10*log10(2)); the called genotype gets 0. A small per-record ``weight`` avoids
    identical values.
    """
    called = [int(a) for a in gt_alleles(call.gt)]
    dp = depth
    ad = [0] * n_alleles
    if len(set(called)) == 1:
        ad[called[0]] = dp
    else:
        ad[called[0]] = dp * 52 // 100
        ad[called[1]] = dp - ad[called[0]]

    def pl_of(genotype: tuple[int, ...]) -> int:
        if sorted(genotype) == sorted(called):
            return 0
        mismatch = sum(ad[k] for k in range(n_alleles) if k not in genotype)
        if mismatch:
            return mismatch * bg.pl_per_read + weight
        return dp * 3 + weight  # genotype explains all reads but is het where the data are hom

    if len(called) == 1:  # haploid
        pl = [pl_of((k,)) for k in range(n_alleles)]
    else:  # VCF order of diploid genotypes: for b, for a <= b: (a, b)
        pl = [pl_of((a, b)) for b in range(n_alleles) for a in range(b + 1)]
    values = {
        "GT": call.gt,
        "AD": ",".join(map(str, ad)),
        "DP": str(dp),
        "GQ": "99",
        "PL": ",".join(map(str, pl)),
    }
    if call.ps is not None:
        values["PS"] = str(call.ps)
    return values


def build_record(bg: Background, vcf: Vcf, var: Variant, spike: Spike, sc: Scenario) -> list[str]:
    build = sc.build
    chrom = "chr" + var.chrom if (bg.chr_prefix == "chr" or sc.rename_to_chr) else var.chrom
    pos = var.pos37 if build == "GRCh37" else var.pos38
    if pos is None:
        msg = f"{var.key}: no {build} position"
        raise SystemExit(msg)
    n_alleles = 1 + len(var.alts)
    keys = list(bg.format_keys)
    if any(c.ps is not None for c in spike.calls):
        keys.append("PS")
    samples = []
    quals = []
    ac = [0] * len(var.alts)
    an = 0
    for i, call in enumerate(spike.calls):
        depth = bg.depth + (pos + 7 * i) % 13  # small deterministic variation
        vals = genotype_values(bg, call, n_alleles, depth, weight=(pos + i) % 11)
        samples.append(":".join(vals.get(k, ".") for k in keys))
        for a in gt_alleles(call.gt):
            an += 1
            if a != "0":
                ac[int(a) - 1] += 1
        if any(a != "0" for a in gt_alleles(call.gt)):
            quals.append(max(int(p) for p in vals["PL"].split(",")))
    qual = sum(quals)
    qual_txt = f"{qual:.{bg.qual_decimals}f}" if bg.qual_decimals else str(qual)
    info = []
    if bg.info_counts:
        info += [
            "AC=" + ",".join(map(str, ac)),
            "AF=" + ",".join(fmt_float(c / an) for c in ac),
            f"AN={an}",
            f"DP={sum(bg.depth + (pos + 7 * i) % 13 for i in range(len(spike.calls)))}",
        ]
    info.append(f"SPIKED={var.spiked}")
    if var.csq:
        fields = csq_format(vcf)
        assert fields is not None
        values = dict(var.csq)
        if bg.csq_total_length:
            values["Protein_position"] = f"{values['Protein_position']}/{values['_protein_length']}"
        info.append("CSQ=" + "|".join(values.get(f, "") for f in fields))
    return [chrom, str(pos), ".", var.ref, ",".join(var.alts), qual_txt, "PASS", ";".join(info),
            ":".join(keys), *samples]


def check_no_conflict(vcf: Vcf, rec: list[str], scenario: str) -> None:
    chrom, pos = rec[0], int(rec[1])
    for other in vcf.records:
        if other[0] != chrom or "SPIKED=" in other[7]:
            continue
        start = int(other[1])
        end = start + len(other[3]) - 1
        if start - MIN_DISTANCE_BP <= pos <= end + MIN_DISTANCE_BP:
            msg = (f"{scenario}: spike {chrom}:{pos} conflicts with background record "
                   f"{chrom}:{start} {other[3]}>{other[4]}")
            raise SystemExit(msg)


def sort_records(vcf: Vcf) -> None:
    order = vcf.contig_order()
    missing = {r[0] for r in vcf.records} - set(order)
    if missing:
        msg = f"undeclared contigs: {sorted(missing)}"
        raise SystemExit(msg)
    vcf.records.sort(key=lambda r: (order[r[0]], int(r[1])))


def make_fixture(sc: Scenario) -> Vcf:
    bg = sc.background
    vcf = read_vcf(bg.path)
    if sc.keep_sample:
        extract_sample(vcf, sc.keep_sample)
    # fixture provenance line (placed right after ##fileformat)
    vcf.meta.insert(1, f"##varhlh_fixture={sc.name}: {sc.description}. Background: {bg.filename} "
                       f"({bg.repo}@{bg.commit}:{bg.upstream_path}; {bg.licence}). Synthetic: every record "
                       f"with INFO/SPIKED was inserted by {SCRIPT_ID}; all other records are real.")
    if bg is BG_HAPLOIDX_37:
        set_contigs(vcf, HG19_PRIMARY_UCSC_ORDER, "hg19",
                    "upstream header declares chrX only; hg19 primary contigs added with UCSC hg19 lengths "
                    "so that the build can be detected from any primary contig")
    if bg is BG_NA12878_38:
        set_contigs(vcf, GRCH38_PRIMARY, "GRCh38",
                    "upstream header lacks chrY and chrM; added with GRCh38 lengths")
    if sc.rename_to_chr:
        rename_contigs(vcf)
    if sc.spikes:
        if not has_header(vcf, "INFO", "SPIKED"):
            insert_meta(vcf, "INFO", SPIKED_HEADER)
        needs_csq = any(VARIANTS[s.variant].csq for s in sc.spikes)
        if needs_csq and csq_format(vcf) is None:
            insert_meta(vcf, "INFO", CSQ_DEFAULT_HEADER)
        keys = set(bg.format_keys) | ({"PS"} if any(c.ps for s in sc.spikes for c in s.calls) else set())
        for key in ("GT", "AD", "DP", "GQ", "PL", "PS"):
            if key in keys and not has_header(vcf, "FORMAT", key):
                insert_meta(vcf, "FORMAT", FORMAT_DEFS[key])
        new = []
        for spike in sc.spikes:
            if len(spike.calls) != len(vcf.samples):
                msg = f"{sc.name}: {len(spike.calls)} calls for {len(vcf.samples)} samples"
                raise SystemExit(msg)
            rec = build_record(bg, vcf, VARIANTS[spike.variant], spike, sc)
            check_no_conflict(vcf, rec, sc.name)
            new.append(rec)
        vcf.records.extend(new)
    sort_records(vcf)
    return vcf


def write_ped(rows: Sequence[Sequence[str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")


def bgzip_and_index(vcf_text: str, out_gz: Path) -> bool:
    bgzip, tabix = shutil.which("bgzip"), shutil.which("tabix")
    if not (bgzip and tabix):
        print(f"bgzip/tabix not found: {out_gz} left unchanged", file=sys.stderr)
        return False
    out_gz.parent.mkdir(parents=True, exist_ok=True)
    data = subprocess.run([bgzip, "-c"], input=vcf_text.encode(), capture_output=True, check=True).stdout
    out_gz.write_bytes(data)
    subprocess.run([tabix, "-f", "-p", "vcf", str(out_gz)], check=True)
    return True


INDEXED_COPIES = ("trio_prf1_comphet",)
"""Fixtures also written bgzipped with a tabix index: the nf-core cohort tests (varhlh/gather,
vcf_triage_cohort_varhlh) run ``varhlh triage --all-samples``, which needs an indexed file."""


def build_all(root: Path) -> list[Path]:
    """Write every fixture below ``root`` (``root`` = repository root for a normal run)."""
    written: list[Path] = []
    for sc in SCENARIOS:
        vcf = make_fixture(sc)
        out = root / "tests" / "data" / sc.out_dir / f"{sc.name}.vcf"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(vcf.text(), encoding="utf-8")
        written.append(out)
        if sc.name in INDEXED_COPIES:
            gz = out.with_name(out.name + ".gz")
            if bgzip_and_index(vcf.text(), gz):
                written += [gz, gz.with_name(gz.name + ".tbi")]
        if sc.ped and sc.ped_name:
            ped = root / "tests" / "data" / "ped" / sc.ped_name
            write_ped(sc.ped, ped)
            written.append(ped)
    ex = make_fixture(EXAMPLE)
    gz = root / "examples" / "patient_fhl2.vcf.gz"
    if bgzip_and_index(ex.text(), gz):
        written += [gz, gz.with_name(gz.name + ".tbi")]
    return written


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--refresh-backgrounds", action="store_true",
                    help="re-slice tests/data/backgrounds/ from the original public files first")
    ap.add_argument("--shared", type=Path, default=Path("/work/shared/data"),
                    help="directory holding the original public files (refresh only)")
    ap.add_argument("--check", action="store_true",
                    help="build into a temporary directory and compare with the tracked files")
    args = ap.parse_args(argv)
    if args.refresh_backgrounds:
        for bg in BACKGROUNDS:
            refresh_background(bg, args.shared)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            written = build_all(Path(tmp))
            bad = [
                p.relative_to(tmp)
                for p in written
                if not filecmp.cmp(p, REPO / p.relative_to(tmp), shallow=False)
            ]
        if bad:
            print("differs from tracked files: " + ", ".join(map(str, bad)), file=sys.stderr)
            return 1
        print(f"ok: {len(written)} files identical")
        return 0
    for path in build_all(REPO):
        print(f"wrote {path.relative_to(REPO)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A small synthetic GRCh37 cohort VCF (and PED) for the cohort tests, built in the test's temp directory.

The header (``##contig`` lines with lengths, hence build detection) comes from the NA12878 fixture
(tests/data/README.md); the records are constructed here at documented curated PRF1 positions (the
panel's known-variant table, plus-strand VCF alleles), in XIAP/SH2D1A introns (non-PAR chrX: sex
inference and hemizygous calls) and in LYST. Nothing here is real patient data. The genotypes cover
every call shape the cohort reader must reproduce: haploid and diploid chrX, phased with PS, GATK
PGT/PID, multi-allelic ``1/2`` and ``0/2``, partial ``./1``, no-calls, missing FORMAT values, FORMAT
keys absent from some records, an exact duplicate record and a deletion reaching into PRF1 from
upstream.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from conftest import DATA

from varhlh.genotype.sex import SEX_CHECK_REGIONS
from varhlh.models import Build

SAMPLES = ("M1", "F1", "P1", "R1", "C1", "D1", "E1", "U1", "B1")
"""M1 male (haploid chrX), F1 female, P1 odd call shapes, R1 homozygous reference everywhere,
C1 affected child of D1 (father) and E1 (mother) with unaffected sibling U1, B1 a male carrying background
alleles only (a LYST intron variant, chrX sites): no finding."""

PED = (
    "famA\tC1\tD1\tE1\t1\t2\n"
    "famA\tU1\tD1\tE1\t2\t1\n"
    "famA\tD1\t0\t0\t1\t1\n"
    "famA\tE1\t0\t0\t2\t1\n"
    "famA\tGRANDMA\t0\t0\t2\t1\n"  # not in the VCF
    "famB\tM1\t0\t0\t1\t2\n"
)

_FORMATS = (
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
    '##FORMAT=<ID=PGT,Number=1,Type=String,Description="Physical phasing haplotype">',
    '##FORMAT=<ID=PID,Number=1,Type=String,Description="Physical phasing ID">',
    '##INFO=<ID=SYNTH,Number=1,Type=String,Description="Constructed by tests/cohort_vcf.py">',
)

# (chrom, pos, ref, alts, label, FORMAT, {sample: value}); samples not named are homozygous reference.
_ROWS: list[tuple[str, int, str, str, str, str, dict[str, str]]] = [
    ("1", 235900000, "C", "T", "LYST_intron", "GT:AD:DP:GQ",
     {"M1": "0/1:12,11:23:99", "C1": "0/1:10,9:19:99", "D1": "0/1:8,8:16:99", "E1": "0/0:15,0:15:45",
      "B1": "0/1:11,12:23:99"}),
    ("1", 235900400, "G", "A", "LYST_intron_lowq", "GT:AD:DP:GQ",
     {"F1": "0/1:3,1:4:12", "U1": "1/1:0,20:20:60"}),
    ("10", 72356990, "ACGTACGTACGTACGTACGTA", "A", "upstream_deletion_reaching_PRF1", "GT:AD:DP:GQ",
     {"P1": "0/1:9,8:17:99"}),
    ("10", 72358355, "C", "T", "PRF1_c.1122G>A", "GT:AD:DP:GQ:PS",
     {"M1": "1/1:0,30:30:90:.", "F1": "0|1:15,14:29:99:72358355", "C1": "0/1:14,13:27:99:.",
      "D1": "0/1:12,12:24:99:.", "U1": "0/1:11,10:21:99:.", "P1": "./1:.:.:.:."}),
    ("10", 72358355, "C", "T", "PRF1_c.1122G>A_duplicate", "GT:AD:DP:GQ:PS",
     {"M1": "1/1:0,30:30:90:.", "F1": "0|1:15,14:29:99:72358355", "C1": "0/1:14,13:27:99:.",
      "D1": "0/1:12,12:24:99:.", "U1": "0/1:11,10:21:99:.", "P1": "./1:.:.:.:."}),
    ("10", 72360210, "G", "T", "PRF1_c.449C>A", "GT:AD:DP:GQ:PS:PGT:PID",
     {"F1": "1|0:13,15:28:99:72358355:.:.", "C1": "0/1:12,14:26:99:.:0|1:72360210_G_T",
      "E1": "0/1:10,11:21:99:.:0|1:72360210_G_T", "P1": "./.:.:.:.:.:.:."}),
    ("10", 72360214, "C", "T,G", "PRF1_c.445G>A_and_hypothetical_ALT2", "GT:AD:DP:GQ",
     {"P1": "1/2:0,14,13:27:99", "R1": "0/0:30,0,0:30:90", "U1": "0/2:12,0,11:23:99"}),
    ("10", 72360387, "G", "A", "PRF1_c.272C>T", "GT:AD",
     {"P1": "1/1:0,22", "C1": "0/0:.", "E1": "./.:."}),
]
# chrX outside the PARs: males haploid (D1 diploid-called), females diploid; F1 heterozygous at every site.
_X_SITES = [("X", 123000000 + 2000 * i, "A", "G") for i in range(12)] + [
    ("X", 123499636, "C", "T"),  # SH2D1A c.163C>T (constructed null, tests/data/README.md)
]


SEX_WINDOW_SITES = [(chrom, start + 5000 * (i + 1)) for chrom, start, _ in SEX_CHECK_REGIONS[Build.GRCH37]
                    for i in range(4)]
"""In varhlh's sex-check windows on chrX and chrY (read for sex inference only), outside every panel gene."""


FREQUENCY_HEADER = '##INFO=<ID=gnomAD_AF,Number=A,Type=Float,Description="Population allele frequency">'
"""Declares a population-frequency field (no record has a value): with it, a background-only sample's completeness
does not depend on its alleles, so the cohort summarises it without analysing it allele by allele."""


MULTIALLELIC_INTRON = ("1", 235900800, "T", "C,A", "LYST_intron_multiallelic", "GT:AD:DP:GQ",
                       {"M1": "1/2:0,10,9:19:99", "F1": "0/2:11,0,10:21:99", "B1": "2/2:0,0,20:20:60",
                        "U1": "0/1:9,10,0:19:99"})
"""A LYST intronic record with two ALTs (constructed): background alleles of a record with several ALTs."""
INTRON_AFTER = ("1", 235901000, "A", "G", "LYST_intron_after_the_multiallelic", "GT:AD:DP:GQ",
                {"M1": "0/1:10,9:19:99", "F1": "0/1:11,10:21:99", "B1": "1/1:0,20:20:60"})
"""A LYST intronic record after it (constructed): one-ALT background alleles that must follow it."""


def cohort_vcf(directory: Path, *, frequency_header: bool = False,
               extra_rows: Sequence[tuple[str, int, str, str, str, str, dict[str, str]]] = ()) -> tuple[Path, Path]:
    """Write ``cohort.vcf`` and ``cohort.ped`` into ``directory`` (``extra_rows``: more records, as ``_ROWS``);
    returns their paths."""
    header = [line for line in (DATA / "vcf" / "prf1_carrier.vcf").read_text().splitlines()
              if line.startswith("##contig=")]
    lines = ["##fileformat=VCFv4.2", *header, *_FORMATS, *([FREQUENCY_HEADER] if frequency_header else []),
             "\t".join(("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *SAMPLES))]
    rows = [*_ROWS, *extra_rows]
    for i, (chrom, pos, ref, alt) in enumerate(_X_SITES):
        null = i == 12  # the SH2D1A null
        calls = {"M1": "1:0,18:18:54" if i % 3 else "0:17,0:17:51", "F1": "0/1:12,13:25:99",
                 "P1": "1:0,16:16:48" if null else ".:.:.:.", "D1": "1/1:0,19:19:57" if null else "0/0:20,0:20:60",
                 "C1": "1:0,15:15:45" if null else "0:15,0:15:45", "U1": "0/1:9,10:19:99" if null else "0/0:18,0:18:54",
                 "B1": "1:0,18:18:54" if i % 2 and not null else "0:17,0:17:51"}
        rows.append((chrom, pos, ref, alt, f"chrX_site_{i}", "GT:AD:DP:GQ", calls))
    for i, (chrom, pos) in enumerate(SEX_WINDOW_SITES):  # read for sex inference only, never listed
        calls = {"M1": "1:0,14:14:42", "F1": "./." if chrom == "Y" else "0/1:10,9:19:99", "B1": "1:0,13:13:39"}
        rows.append((chrom, pos, "T", "C", f"sex_window_site_{i}", "GT:AD:DP:GQ", calls))
    order = {c.split("ID=")[1].split(",")[0]: k for k, c in enumerate(header)}
    rows.sort(key=lambda r: (order[r[0]], r[1]))
    for chrom, pos, ref, alts, label, fmt, calls in rows:
        n_alleles = 1 + alts.count(",") + 1
        default = _hom_ref(fmt, n_alleles, chrom in ("X", "Y"))
        cells = [calls.get(s, default(s)) for s in SAMPLES]
        lines.append("\t".join((chrom, str(pos), ".", ref, alts, "50", "PASS", f"SYNTH={label}", fmt, *cells)))
    vcf = directory / "cohort.vcf"
    vcf.write_text("\n".join(lines) + "\n")
    ped = directory / "cohort.ped"
    ped.write_text(PED)
    return vcf, ped


def _hom_ref(fmt: str, n_alleles: int, chrom_x: bool):  # type: ignore[no-untyped-def]
    def value(sample: str) -> str:
        gt = "0" if chrom_x and sample in ("M1", "C1", "B1") else "0/0"
        extra = {"AD": ",".join(["20"] + ["0"] * (n_alleles - 1)), "DP": "20", "GQ": "60", "PS": ".", "PGT": ".",
                 "PID": "."}
        return ":".join([gt, *(extra[k] for k in fmt.split(":")[1:])])

    return value

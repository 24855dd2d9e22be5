"""Build ``reference_segments.tsv``: CONSTRUCTED GRCh37 reference sequence around published HLH alleles.

No reference FASTA could be fetched for this project, so the sequence here is **constructed, not
real**: at each designed codon the coding-strand bases are chosen to be consistent with the
published protein change (e.g. PRF1 c.1122G>A p.(Trp374Ter): codon 374 must be TGG), and every
other base of the ±30-bp window is filler from a fixed-seed generator. Minus-strand genes (PRF1,
UNC13D, RAB27A, LYST) are written complemented onto the plus strand. Codon positions are placed
with the panel's MANE exon models (varhlh.locus.TranscriptMap.g_of_c, whose c. <-> g. mapping is
validated against published genomic anchors in tests/test_locus.py).

Usage: python tests/data/interpretation/build_reference.py [--check]
The tests turn the segments into a bgzipped, faidx-indexed FASTA padded with N
(tests/reference_fasta.py); positions outside the segments are N (unknown).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from varhlh.annotate.locus import TranscriptMap  # noqa: E402
from varhlh.models import Build  # noqa: E402
from varhlh.panel import load_panel  # noqa: E402

WINDOW = 30
OUT = HERE / "reference_segments.tsv"

# gene -> [(codon number, coding-strand codon, why)]. 'published' rows follow the panel's curated table /
# phenopacket-store names; 'HYPOTHETICAL' rows exist only to exercise the code (start/stop codons,
# a codon split by an intron, repeat and homopolymer context for indel shifting).
DESIGN: dict[str, list[tuple[int, str, str]]] = {
    "PRF1": [
        (1, "ATG", "start codon (Met1)"),
        (17, "CTG", "Leu17; c.50 T (c.50del), c.51 G so the deletion is already 3'-most"),
        (91, "GCC", "Ala91: c.272C>T p.(Ala91Val)"),
        (149, "GGC", "Gly149: c.445G>A p.(Gly149Ser)"),
        (150, "TCA", "Ser150: c.449C>A p.(Ser150Ter)"),
        (180, "TGG", "HYPOTHETICAL Trp180: c.538-540 split by intron 2 (codon across an exon junction)"),
        (252, "AAC", "Asn252: c.755A>G p.(Asn252Ser)"),
        (281, "GCA", "HYPOTHETICAL Ala281: c.843 A ends the repeat on its 5' side"),
        (282, "AAG", "Lys282: c.844AAG[4] repeat (c.853_855del p.(Lys285del))"),
        (283, "AAG", "Lys283"),
        (284, "AAG", "Lys284"),
        (285, "AAG", "Lys285"),
        (286, "GCT", "HYPOTHETICAL Ala286: c.856 G ends the repeat on its 3' side"),
        (364, "CTG", "Leu364: c.1090_1091del (CT) p.(Leu364Glufs*93) needs c.1092 G"),
        (365, "AAG", "Lys365: c.1093-1094 AA, so Leu364 becomes Glu after the deletion"),
        (374, "TGG", "Trp374: c.1122G>A p.(Trp374Ter), c.1120T>G p.(Trp374Gly)"),
        (437, "GCG", "Ala437: c.1310C>T p.(Ala437Val)"),
        (556, "TAG", "stop codon (Ter556)"),
    ],
    "STX11": [
        (1, "ATG", "start codon (Met1)"),
        (25, "GAG", "Glu25: c.73G>T p.(Glu25Ter)"),
        (58, "CTG", "Leu58: c.173T>C p.(Leu58Pro)"),
        (99, "GCC", "HYPOTHETICAL Ala99: c.297 C ends the poly-A run on its 5' side"),
        (100, "AAA", "HYPOTHETICAL Lys100: c.298-302 AAAAA homopolymer (3' shift, dup)"),
        (101, "AAG", "HYPOTHETICAL Lys101"),
        (268, "CAG", "Gln268: c.802C>T p.(Gln268Ter)"),
        (288, "TGA", "stop codon (Ter288)"),
    ],
    "UNC13D": [
        (59, "GCC", "Ala59: c.175G>A p.(Ala59Thr)"),
        (899, "CGA", "Arg899: c.2695C>T p.(Arg899Ter)"),
    ],
    "STXBP2": [
        (190, "CGC", "Arg190: c.568C>T p.(Arg190Cys)"),
        (477, "CCG", "Pro477: c.1430C>T p.(Pro477Leu)"),
    ],
    "RAB27A": [
        (82, "CGC", "Arg82: c.244C>T p.(Arg82Cys)"),
        (184, "CGA", "Arg184: c.550C>T p.(Arg184Ter), c.551G>A p.(Arg184Gln)"),
    ],
    "LYST": [
        (258, "TGT", "Cys258: c.772T>C p.(Cys258Arg) (phenopacket-store PMID_24112114 patient 2)"),
        (3725, "GGA", "Gly3725: c.11173G>A p.(Gly3725Arg) (phenopacket-store PMID_24112114 patient 1)"),
    ],
}
_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def build() -> str:
    panel = load_panel()
    rng = random.Random(20260101)
    fixed: dict[tuple[str, int], str] = {}
    wanted: dict[str, set[int]] = {}
    for gene, codons in DESIGN.items():
        tmap = TranscriptMap(panel.transcripts[(gene, Build.GRCH37)])
        chrom = tmap.model.chrom
        for number, codon, _ in codons:
            for i, base in enumerate(codon):
                g = tmap.g_of_c(3 * (number - 1) + i + 1)
                fixed[(chrom, g)] = base if tmap.plus else base.translate(_COMPLEMENT)
                wanted.setdefault(chrom, set()).update(range(g - WINDOW, g + WINDOW + 1))
    lines = ["#contig\tstart\tend\tsequence (plus strand, CONSTRUCTED: see build_reference.py)"]
    for chrom in sorted(wanted, key=lambda c: (len(c), c)):
        positions = sorted(wanted[chrom])
        runs: list[list[int]] = [[positions[0], positions[0]]]
        for p in positions[1:]:
            if p == runs[-1][1] + 1:
                runs[-1][1] = p
            else:
                runs.append([p, p])
        for start, end in runs:
            seq = "".join(fixed.get((chrom, p)) or rng.choice("ACGT") for p in range(start, end + 1))
            lines.append(f"{chrom}\t{start}\t{end}\t{seq}")
    return "\n".join(lines) + "\n"


def main() -> int:
    text = build()
    if "--check" in sys.argv:
        same = OUT.read_text() == text
        print("up to date" if same else f"{OUT} differs from a rebuild")
        return 0 if same else 1
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Generate a deterministic synthetic 30x-WGS-like single-sample GRCh38 VCF.

Output (in ``OUT_DIR``, default ``benchmarks/out/``):

* ``wgs.vcf.gz`` + ``wgs.vcf.gz.tbi`` -- BGZF-compressed and tabix-indexed;
* ``wgs_noindex.vcf.gz`` -- a byte-identical copy with no index beside it;
* ``wgs.manifest.json`` -- the generation parameters and the SHA-256 of the
  uncompressed VCF text, written last (``run_benchmark.py`` uses it to decide
  whether the data must be rebuilt).

The content depends only on the parameters (fixed seed, no timestamps):
~4.5 M records over chr1-22, X, Y, M with density proportional to contig
length; ~87 % SNVs, ~10 % indels (1-20 bp), ~3 % multi-allelic; GT:AD:DP:GQ:PL
from a simple binomial read model (diploid, haploid on chrX outside the PARs,
chrY and chrM for the male sample); ~1/3 of the sites phased with PS; VEP-style
CSQ on ~30 % of the records. If a panel TSV is given (default: the repo's
``gene_panels/hlh_genes.tsv`` when it exists), records inside panel genes
always carry CSQ entries naming that gene, so the triage has real work to do.

Usage::

    python benchmarks/make_wgs_vcf.py [OUT_DIR] [--records N] [--panel TSV | --no-panel]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

from grch38 import CONTIGS, PAR_X, PAR_Y, in_regions
from panel_bed import DEFAULT_PANEL, PanelGene, read_panel

GENERATOR_VERSION = 1  # bump whenever the generated content changes
DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "out"
DEFAULT_RECORDS = 4_500_000
DEFAULT_SEED = 20_380_001
SAMPLE = "BENCH001"
VCF_NAME = "wgs.vcf.gz"
NOINDEX_NAME = "wgs_noindex.vcf.gz"
MANIFEST_NAME = "wgs.manifest.json"

MULTI_FRACTION = 0.03
INDEL_FRACTION = 0.10
HET_FRACTION = 0.60  # of biallelic diploid calls; the rest are 1/1
PHASED_HET_FRACTION = 0.55  # of heterozygous calls, giving ~1/3 of all sites
PS_BREAK = 0.02  # chance that a phased het starts a new phase set
CSQ_FRACTION = 0.30
INTERGENIC_FRACTION = 0.06  # of annotated records outside panel genes
MAX_INDEL = 20
MIN_GAP = MAX_INDEL + 2  # keeps records from overlapping
READ_ERROR = 0.01
POOL_SIZE = 4096
LOW_DEPTH_FRACTION = 0.03  # pool entries drawn at 2-7x depth (most become LowQual)
CHUNK_RECORDS = 50_000

BASES = "ACGT"
TRANSITIONS = ("AG", "GA", "CT", "TC")  # weighted 4:1 against transversions: Ts/Tv ~2
CSQ_FIELDS = (
    "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|EXON|INTRON|HGVSc|HGVSp|MANE_SELECT"
)
AMINO_ACIDS = (
    *("Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile"),
    *("Leu", "Lys", "Met", "Phe", "Pro", "Ser", "Thr", "Trp", "Tyr", "Val"),
)
# (consequence, impact, region) with relative weights, for annotated genic records.
CONSEQUENCES: tuple[tuple[str, str, str, int], ...] = (
    ("intron_variant", "MODIFIER", "intron", 540),
    ("upstream_gene_variant", "MODIFIER", "flank", 95),
    ("downstream_gene_variant", "MODIFIER", "flank", 95),
    ("non_coding_transcript_exon_variant", "MODIFIER", "nc_exon", 60),
    ("3_prime_UTR_variant", "MODIFIER", "utr3", 40),
    ("5_prime_UTR_variant", "MODIFIER", "utr5", 10),
    ("synonymous_variant", "LOW", "coding", 45),
    ("missense_variant", "MODERATE", "coding", 50),
    ("splice_region_variant&intron_variant", "LOW", "intron", 20),
    ("stop_gained", "HIGH", "coding", 4),
    ("splice_donor_variant", "HIGH", "intron", 3),
    ("splice_acceptor_variant", "HIGH", "intron", 3),
)

Rand = Callable[[], float]
T = TypeVar("T")


def expand(weighted: dict[T, int]) -> list[T]:
    """Turn ``{value: weight}`` into a list to index with ``int(rand() * len)``."""
    return [value for value, weight in weighted.items() for _ in range(weight)]


INDEL_LENGTHS = expand({k: round(1000 / k**1.6) for k in range(1, MAX_INDEL + 1)})
CONSEQUENCE_TABLE = expand({c[:3]: c[3] for c in CONSEQUENCES})


# --------------------------------------------------------------------------- genotypes


@dataclass(frozen=True)
class Call:
    """A pre-rendered genotype call; records pick one at random from a pool."""

    gt: str  # unphased GT
    phased: tuple[str, str] | None  # both phased orientations, for heterozygous calls
    qual: str
    filt: str
    info: str  # AC/AF/AN/DP INFO
    tail: str  # AD:DP:GQ:PL sample values (everything after GT)


def _genotypes(ploidy: int, n_alleles: int) -> list[tuple[int, ...]]:
    """Genotypes in VCF PL order."""
    if ploidy == 1:
        return [(i,) for i in range(n_alleles)]
    return [(i, j) for j in range(n_alleles) for i in range(j + 1)]


def _make_call(rnd: random.Random, true_gt: tuple[int, ...], n_alleles: int) -> Call | None:
    """Simulate reads for ``true_gt`` and call it; ``None`` if it calls hom-ref."""
    ploidy = len(true_gt)
    if rnd.random() < LOW_DEPTH_FRACTION:
        depth = rnd.randint(2, 7)
    else:
        depth = max(6, round(rnd.gauss(31 if ploidy == 2 else 16, 7 if ploidy == 2 else 4)))
    ad = [0] * n_alleles
    for _ in range(depth):
        allele = true_gt[rnd.randrange(ploidy)]
        if rnd.random() < READ_ERROR:
            allele = rnd.choice([a for a in range(n_alleles) if a != allele])
        ad[allele] += 1
    other = READ_ERROR / (n_alleles - 1)
    genotypes = _genotypes(ploidy, n_alleles)
    loglik = [
        sum(
            count * math.log10(sum(1 - READ_ERROR if a == g else other for g in gt) / ploidy)
            for a, count in enumerate(ad)
            if count
        )
        for gt in genotypes
    ]
    best = max(loglik)
    pl = [round(-10 * (ll - best)) for ll in loglik]
    called = genotypes[pl.index(0)]
    if not any(called):
        return None
    gq = min(99, sorted(pl)[1])
    qual = pl[0] + rnd.random()
    dp = sum(ad) + rnd.randrange(3)
    acs = [called.count(a) for a in range(1, n_alleles)]
    afs = ",".join(("0.00", "0.500", "1.00")[round(2 * ac / ploidy)] for ac in acs)
    gt = "/".join(map(str, called))
    het = ploidy == 2 and called[0] != called[1]
    return Call(
        gt=gt,
        phased=(f"{called[0]}|{called[1]}", f"{called[1]}|{called[0]}") if het else None,
        qual=f"{qual:.2f}",
        filt="LowQual" if qual < 30 else "PASS",
        info=f"AC={','.join(map(str, acs))};AF={afs};AN={ploidy};DP={dp}",
        tail=f"{','.join(map(str, ad))}:{dp}:{gq}:{','.join(map(str, pl))}",
    )


def build_pools(rnd: random.Random) -> dict[tuple[tuple[int, ...], int], list[Call]]:
    """Pools of calls keyed by (true genotype, number of alleles)."""
    keys: list[tuple[tuple[int, ...], int]] = [((0, 1), 2), ((1, 1), 2), ((1, 2), 3)]
    keys += [((0, 1), 3), ((0, 2), 3), ((1,), 2), ((1,), 3), ((2,), 3)]
    pools: dict[tuple[tuple[int, ...], int], list[Call]] = {}
    for true_gt, n_alleles in keys:
        pool: list[Call] = []
        while len(pool) < POOL_SIZE:
            call = _make_call(rnd, true_gt, n_alleles)
            if call is not None:
                pool.append(call)
        pools[true_gt, n_alleles] = pool
    return pools


# --------------------------------------------------------------------------- CSQ


class Transcript(NamedTuple):
    """The per-transcript part of a CSQ entry, shared by all ALT alleles of a record."""

    term: str
    impact: str
    region: str
    symbol: str
    gene_id: str
    feature: str
    biotype: str
    exon: str
    intron: str
    c_pos: int
    aa1: str
    aa2: str
    mane: str


def _change(ref: str, alt: str) -> tuple[str, int, int]:
    """HGVS change text, positions it spans, and indel length (0 for substitutions)."""
    if len(ref) == len(alt):
        return f"{ref[-1]}>{alt[-1]}", 1, 0
    if len(alt) < len(ref):
        k = len(ref) - len(alt)
        return "del", k, k
    return f"ins{alt[len(ref) :]}", 2, len(alt) - len(ref)


def _locus(prefix: str, n: int, offset: int | None, span: int) -> str:
    """HGVS position (a range when ``span`` > 1), e.g. ``c.12_14`` or ``c.12+5``."""
    first = f"{prefix}{n}" if offset is None else f"{prefix}{n}+{offset}"
    if span == 1:
        return first
    last = f"{n + span - 1}" if offset is None else f"{n}+{offset + span - 1}"
    return f"{first}_{last}"


def _hgvsc(t: Transcript, change: str, span: int) -> str:
    """HGVSc for the transcript's region (none for up/downstream variants)."""
    c = t.c_pos
    loci: dict[str, tuple[str, int, int | None]] = {
        "intron": ("c.", c, 1 + c % 900),
        "utr3": ("c.*", 1 + c % 500, None),
        "utr5": ("c.", -1 - c % 200 - span, None),
        "nc_exon": ("n.", c, None),
        "coding": ("c.", c, None),
    }
    if t.region not in loci:
        return ""
    prefix, n, offset = loci[t.region]
    return f"{t.feature}:{_locus(prefix, n, offset, span)}{change}"


def _protein(t: Transcript, change: str, indel: int) -> tuple[str, str, str]:
    """Consequence, impact and HGVSp; coding indels become frameshift/inframe."""
    p, aa1, aa2 = (t.c_pos + 2) // 3, t.aa1, t.aa2
    if t.region != "coding":
        return t.term, t.impact, ""
    if indel % 3:
        return "frameshift_variant", "HIGH", f"p.{aa1}{p}{aa2}fsTer{1 + t.c_pos % 40}"
    if change.startswith("ins"):
        return "inframe_insertion", "MODERATE", f"p.{aa1}{p}_{aa2}{p + 1}ins{aa2}"
    if indel:
        return "inframe_deletion", "MODERATE", f"p.{aa1}{p}del"
    hgvsp = {
        "missense_variant": f"p.{aa1}{p}{aa2 if aa2 != aa1 else 'Trp'}",
        "synonymous_variant": f"p.{aa1}{p}%3D",
        "stop_gained": f"p.{aa1}{p}Ter",
    }[t.term]
    return t.term, t.impact, hgvsp


def csq_entry(allele: str, ref: str, alt: str, t: Transcript) -> str:
    """One VEP CSQ entry (fields as in ``CSQ_FIELDS``)."""
    change, span, indel = _change(ref, alt)
    term, impact, hgvsp = _protein(t, change, indel)
    hgvsc = _hgvsc(t, change, span)
    hgvsp = f"ENSP{t.feature[4:]}:{hgvsp}" if hgvsp else ""
    return (
        f"{allele}|{term}|{impact}|{t.symbol}|{t.gene_id}|Transcript|{t.feature}|{t.biotype}"
        f"|{t.exon}|{t.intron}|{hgvsc}|{hgvsp}|{t.mane}"
    )


def render_csq(rand: Rand, ci: int, pos: int, ref: str, alts: list[str], gene: PanelGene | None) -> str:
    """Render a record's CSQ value: synthetic genes, or ``gene`` inside a panel gene."""
    trim = all(a[0] == ref[0] for a in alts) and any(len(a) != len(ref) for a in alts)
    alleles = [(a[1:] or "-") if trim else a for a in alts]
    if gene is None and rand() < INTERGENIC_FRACTION:
        return ",".join(f"{a}|intergenic_variant|MODIFIER||||||||||" for a in alleles)
    # A stable 8-digit key per gene: 100 kb buckets, or the panel gene's start (in kb).
    if gene is None:
        key = f"{ci:02d}{pos // 100_000:06d}"
        symbol, main_tx, refseq = f"SYNG{key}", "", f"NM_9{key}.1"
    else:
        key = f"{ci:02d}{gene.start // 1000:06d}"
        symbol, main_tx, refseq = gene.symbol, gene.transcript, gene.refseq or f"NM_8{key}.1"
    gene_id = f"ENSG9{key}00"
    n_exons = 4 + int(key) % 23
    r = rand()
    entries: list[str] = []
    for i in range(1 + (r < 0.4) + (r < 0.15)):  # 1-3 transcripts
        term, impact, region = CONSEQUENCE_TABLE[int(rand() * len(CONSEQUENCE_TABLE))]
        biotype = "lncRNA" if region == "nc_exon" else "protein_coding"
        exon_no = 1 + int(rand() * n_exons)
        t = Transcript(
            term=term,
            impact=impact,
            region=region,
            symbol=symbol,
            gene_id=gene_id,
            feature=(main_tx if i == 0 else "") or f"ENST9{key}{i:02d}.1",
            biotype=biotype,
            exon="" if region in ("intron", "flank") else f"{exon_no}/{n_exons}",
            intron=f"{min(exon_no, n_exons - 1)}/{n_exons - 1}" if region == "intron" else "",
            c_pos=1 + int(rand() * 3000),
            aa1=AMINO_ACIDS[int(rand() * 20)],
            aa2=AMINO_ACIDS[int(rand() * 20)],
            mane=refseq if i == 0 and biotype == "protein_coding" else "",
        )
        entries.extend(csq_entry(a, ref, alt, t) for alt, a in zip(alts, alleles, strict=True))
    return ",".join(entries)


# --------------------------------------------------------------------------- records


def header(sample: str) -> str:
    """Return the VCF header, ending with the #CHROM line."""
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=LowQual,Description="Low quality (QUAL < 30)">',
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes">',
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">',
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Approximate read depth">',
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from'
        f' Ensembl VEP. Format: {CSQ_FIELDS}">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods">',
        '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
        f"##source=varhlh-benchmark make_wgs_vcf.py v{GENERATOR_VERSION} (synthetic data)",
        '##VEP="v110" cache="homo_sapiens/110_GRCh38" assembly="GRCh38" (synthetic)',
        "##reference=GRCh38",
        *(f"##contig=<ID={name},length={length}>" for name, length in CONTIGS),
        "\t".join(("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample)),
    ]
    return "\n".join(lines) + "\n"


def records(  # one flat hot loop, for speed
    n_records: int, seed: int, panel: list[PanelGene]
) -> Iterator[str]:
    """Yield chunks of VCF record lines, contig by contig, sorted."""
    rnd = random.Random(seed)
    rand = rnd.random
    pools = build_pools(rnd)
    seq = "".join(rnd.choices(BASES, k=(1 << 20) + MAX_INDEL + 2))
    snvs = expand({(r, a): 1 + 3 * (r + a in TRANSITIONS) for r in BASES for a in BASES if a != r})
    multi_snvs = [(r, a, b) for r in BASES for a in BASES for b in BASES if len({r, a, b}) == 3]
    genome = sum(length for _, length in CONTIGS)
    out: list[str] = []
    for ci, (chrom, length) in enumerate(CONTIGS, start=1):
        mean_gap = length / max(1, round(n_records * length / genome))
        spread = max(1.0, 2 * (mean_gap - MIN_GAP))
        if chrom == "chrX":
            hap_lo, hap_hi = PAR_X[0][1] + 1, PAR_X[1][0] - 1
        elif chrom in ("chrY", "chrM"):
            hap_lo, hap_hi = 1, length
        else:
            hap_lo, hap_hi = 1, 0
        genes = sorted((g for g in panel if g.contig == chrom), key=lambda g: g.start)
        gi = 0
        pos = ps = 0
        while True:
            pos += MIN_GAP + int(rand() * spread)
            if pos + MAX_INDEL + 1 > length:
                break
            if chrom == "chrY" and in_regions(pos, PAR_Y):
                continue
            haploid = hap_lo <= pos <= hap_hi
            u = rand()
            if u < MULTI_FRACTION:
                n_alleles = 3
                if rand() < 0.5:
                    ref, alt1, alt2 = multi_snvs[int(rand() * 24)]
                else:
                    o = int(rand() * (1 << 20))
                    ref = seq[o : o + 3 + int(rand() * 7)]
                    alt1, alt2 = ref[0], ref[0] + ref[2:]
                alts = [alt1, alt2]
                if haploid:
                    true_gt: tuple[int, ...] = (1,) if rand() < 0.5 else (2,)
                else:
                    v = rand()
                    true_gt = (1, 2) if v < 0.7 else (0, 1) if v < 0.9 else (0, 2)
            else:
                n_alleles = 2
                if u < MULTI_FRACTION + INDEL_FRACTION:
                    k = INDEL_LENGTHS[int(rand() * len(INDEL_LENGTHS))]
                    o = int(rand() * (1 << 20))
                    if rand() < 0.5:
                        ref, alt = seq[o : o + k + 1], seq[o]
                    else:
                        ref, alt = seq[o], seq[o : o + k + 1]
                else:
                    ref, alt = snvs[int(rand() * len(snvs))]
                alts = [alt]
                true_gt = (1,) if haploid else (0, 1) if rand() < HET_FRACTION else (1, 1)
            pool = pools[true_gt, n_alleles]
            call = pool[int(rand() * POOL_SIZE)]
            while gi < len(genes) and genes[gi].end < pos:
                gi += 1
            gene = genes[gi] if gi < len(genes) and genes[gi].start <= pos else None
            info = call.info
            if gene is not None or rand() < CSQ_FRACTION:
                info = f"{info};CSQ={render_csq(rand, ci, pos, ref, alts, gene)}"
            alt_field = ",".join(alts)
            if call.phased is not None and rand() < PHASED_HET_FRACTION:
                if ps == 0 or rand() < PS_BREAK:
                    ps = pos
                gt = call.phased[rand() < 0.5]
                out.append(
                    f"{chrom}\t{pos}\t.\t{ref}\t{alt_field}\t{call.qual}\t{call.filt}\t{info}"
                    f"\tGT:AD:DP:GQ:PL:PS\t{gt}:{call.tail}:{ps}\n"
                )
            else:
                out.append(
                    f"{chrom}\t{pos}\t.\t{ref}\t{alt_field}\t{call.qual}\t{call.filt}\t{info}"
                    f"\tGT:AD:DP:GQ:PL\t{call.gt}:{call.tail}\n"
                )
            if len(out) >= CHUNK_RECORDS:
                yield "".join(out)
                out.clear()
    if out:
        yield "".join(out)


# --------------------------------------------------------------------------- files


def params(n_records: int, seed: int, sample: str, panel_path: Path | None) -> dict[str, object]:
    """Everything the content depends on; stored in the manifest."""
    digest = hashlib.sha256(panel_path.read_bytes()).hexdigest() if panel_path else None
    return {
        "generator_version": GENERATOR_VERSION,
        "records_target": n_records,
        "seed": seed,
        "sample": sample,
        "panel_sha256": digest,
    }


def is_current(out_dir: Path, wanted: dict[str, object]) -> bool:
    """Whether ``out_dir`` holds complete data generated with ``wanted`` parameters."""
    manifest = out_dir / MANIFEST_NAME
    files = (VCF_NAME, VCF_NAME + ".tbi", NOINDEX_NAME)
    if not manifest.is_file() or not all((out_dir / f).is_file() for f in files):
        return False
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    return all(recorded.get(key) == value for key, value in wanted.items())


def generate(
    out_dir: Path, n_records: int, seed: int, sample: str, panel_path: Path | None
) -> dict[str, object]:
    """Write the VCF, its index, the unindexed copy and the manifest; return the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
    panel = read_panel(panel_path) if panel_path else []
    vcf, part = out_dir / VCF_NAME, out_dir / (VCF_NAME + ".part")
    sha = hashlib.sha256()
    n_lines = 0
    with part.open("wb") as sink:
        bgzip = subprocess.Popen(["bgzip", "-@2", "-c"], stdin=subprocess.PIPE, stdout=sink)
        assert bgzip.stdin is not None
        try:
            head = header(sample).encode("ascii")
            sha.update(head)
            bgzip.stdin.write(head)
            for chunk in records(n_records, seed, panel):
                data = chunk.encode("ascii")
                sha.update(data)
                n_lines += chunk.count("\n")
                bgzip.stdin.write(data)
        finally:
            bgzip.stdin.close()
            if bgzip.wait() != 0:
                msg = f"bgzip failed with exit code {bgzip.returncode}"
                raise RuntimeError(msg)
    part.replace(vcf)
    subprocess.run(["tabix", "-f", "-p", "vcf", str(vcf)], check=True)
    copy_part = out_dir / (NOINDEX_NAME + ".part")
    shutil.copyfile(vcf, copy_part)
    copy_part.replace(out_dir / NOINDEX_NAME)
    (out_dir / (NOINDEX_NAME + ".tbi")).unlink(missing_ok=True)
    manifest = {
        **params(n_records, seed, sample, panel_path),
        "records_written": n_lines,
        "panel_genes": len(panel),
        "vcf_text_sha256": sha.hexdigest(),
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS, help="approximate count")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--sample", default=SAMPLE)
    panel = parser.add_mutually_exclusive_group()
    panel.add_argument("--panel", type=Path, help=f"panel TSV (default: {DEFAULT_PANEL} if present)")
    panel.add_argument("--no-panel", action="store_true", help="use synthetic genes only")
    args = parser.parse_args(argv)
    panel_path = None if args.no_panel else args.panel or (DEFAULT_PANEL if DEFAULT_PANEL.is_file() else None)
    started = time.perf_counter()
    manifest = generate(args.out_dir, args.records, args.seed, args.sample, panel_path)
    elapsed = time.perf_counter() - started
    size = (args.out_dir / VCF_NAME).stat().st_size
    print(
        f"{args.out_dir / VCF_NAME}: {manifest['records_written']:,} records, "
        f"{size / 2**20:.1f} MiB, {elapsed:.1f} s (panel: {panel_path or 'none'})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Generate a deterministic synthetic joint-called GRCh38 cohort VCF over the panel genes.

Output (in ``OUT_DIR``, default ``benchmarks/out/``):

* ``cohort.vcf.gz`` + ``cohort.vcf.gz.tbi`` -- BGZF-compressed and tabix-indexed;
* ``cohort.samples.tsv`` -- sample ID and simulated sex, one per line;
* ``cohort.manifest.json`` -- the parameters, counts and the SHA-256 of the
  uncompressed text, written last (``run_benchmark.py`` rebuilds when it differs).

What it looks like (the content depends only on the parameters: fixed seed, no
timestamps):

* 2,504 samples (the 1000 Genomes size) named ``SYN00001``...; about half are
  male, with haploid calls on chrX outside the PARs (as the 1000 Genomes
  release writes them), diploid elsewhere.
* Sites every ~100 bp on average (uniform gaps of 12-188 bp) over every panel
  gene span plus ``--flank`` bp on each side: ~90 % SNVs (Ts/Tv ~2), ~8 %
  indels of 1-10 bp, ~2 % multi-allelic SNVs.
* Allele counts from the neutral site-frequency spectrum (P(AC=k) ~ 1/k):
  many singletons, a tail of common alleles; each sample then carries a
  non-reference genotype at roughly 1 site in 6 (~4,750 in the 41-gene panel,
  close to what one 1000 Genomes genome carries in the same span). Genotypes
  follow from drawing the ALT haplotypes, so Hardy-Weinberg holds; ~0.3 % of
  calls are missing (``./.``).
* ``GT:AD:DP:GQ`` like a GATK joint call (unphased; no PL, to keep the file
  and the baseline's parse small), drawn from a binomial read model at ~30x;
  INFO ``AC``, ``AN``, ``AF``, a population ``gnomAD_AF`` near the cohort AF
  (absent for half the singletons and doubletons) and, inside genes, a VEP
  ``CSQ`` naming the panel gene (``make_wgs_vcf.render_csq``); HIGH-impact
  (null) consequences only on alleles rarer than 0.2 %, so a few samples carry
  predicted null alleles, as in real cohorts.
* The curated SNVs of ``hlh_known_variants.tsv`` at their GRCh38 positions,
  each carried heterozygously by a few random samples, plus five designated
  genotypes: SYN00001 PRF1 c.1122G>A hom, SYN00002 PRF1 c.1122G>A + c.449C>A
  het, SYN00003 STX11 c.802C>T hom, SYN00004 UNC13D c.754-1G>C + c.118-308C>T
  het, SYN00005 PRF1 c.272C>T hom.

REF bases are random: nothing matches the real reference sequence.

Needs numpy (installed with varhlh, through cyvcf2) and ``bgzip``/``tabix``.

Usage::

    python benchmarks/make_cohort_vcf.py [OUT_DIR] [--samples N] [--spacing BP] [--flank BP]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from grch38 import CONTIGS, LENGTHS, ORDER, PAR_X, in_regions
from make_wgs_vcf import CSQ_FIELDS, render_csq
from panel_bed import DEFAULT_PANEL, REPO_ROOT, PanelGene, panel_intervals, read_panel

GENERATOR_VERSION = 2  # bump whenever the generated content changes
DEFAULT_OUT_DIR = Path(__file__).resolve().parent / "out"
DEFAULT_SAMPLES = 2504
DEFAULT_SPACING = 100
DEFAULT_FLANK = 2000
DEFAULT_SEED = 20_380_002
VCF_NAME = "cohort.vcf.gz"
SAMPLES_NAME = "cohort.samples.tsv"
MANIFEST_NAME = "cohort.manifest.json"
KNOWN_VARIANTS = REPO_ROOT / "gene_panels" / "hlh_known_variants.tsv"

MAX_INDEL = 10
MIN_GAP = MAX_INDEL + 2  # records never overlap
MULTI_FRACTION = 0.02
INDEL_FRACTION = 0.08
MISSING_FRACTION = 0.003
SINGLETON_LOW_QUAL = 0.2  # LowQual FILTER on this fraction of singleton sites
POOL_SIZE = 256  # pre-rendered FORMAT strings per genotype
HOMREF_CYCLE = 100_003  # a prime-length cycle of hom-ref strings, sliced at random offsets
SPIKE_CARRIERS = 3
COMMON_AF = 0.002
BASES = "ACGT"
TRANSITION = {"A": "G", "G": "A", "C": "T", "T": "C"}
# (sample index, HGVS c. of the curated allele, genotype)
DESIGNATED = (
    (0, "c.1122G>A", "1/1"),
    (1, "c.1122G>A", "0/1"),
    (1, "c.449C>A", "0/1"),
    (2, "c.802C>T", "1/1"),
    (3, "c.754-1G>C", "0/1"),
    (3, "c.118-308C>T", "0/1"),
    (4, "c.272C>T", "1/1"),
)


@dataclass(frozen=True)
class Spike:
    """A curated SNV placed at its GRCh38 position."""

    contig: str
    pos: int
    ref: str
    alt: str
    label: str
    hgvs_c: str
    common: bool
    """Benign allele: its count comes from the spectrum like any other site."""


# --------------------------------------------------------------------------- genotypes


def _format(rng: random.Random, gt: str, n_alleles: int) -> str:
    """One ``GT:AD:DP:GQ`` string for ``gt`` from a binomial read model."""
    alleles = [int(a) for a in gt.replace("/", " ").split()]
    haploid = len(alleles) == 1
    depth = max(4, round(rng.gauss(16 if haploid else 30, 4 if haploid else 7)))
    ad = [0] * n_alleles
    for _ in range(depth):
        ad[alleles[rng.randrange(len(alleles))]] += 1
    gq = min(99, 3 * depth if len(set(alleles)) == 1 else 99 if depth >= 12 else 9 * depth)
    return f"{gt}:{','.join(map(str, ad))}:{depth}:{gq}"


def build_pools(rng: random.Random) -> dict[tuple[str, int], list[str]]:
    """Pre-rendered FORMAT strings for every genotype a site can have."""
    keys = [(gt, 2) for gt in ("0/1", "1/1", "1")]
    keys += [(gt, 3) for gt in ("0/1", "0/2", "1/1", "1/2", "2/2", "1", "2")]
    return {key: [_format(rng, *key) for _ in range(POOL_SIZE)] for key in keys}


def homref_cycle(rng: random.Random, haploid: bool, n_alleles: int) -> list[str]:
    gt = "0" if haploid else "0/0"
    pool = [_format(rng, gt, n_alleles) for _ in range(POOL_SIZE)]
    cycle = [pool[rng.randrange(POOL_SIZE)] for _ in range(HOMREF_CYCLE)]
    return cycle + cycle[: DEFAULT_SAMPLES * 4]


def allele_count(rng: np.random.Generator, haplotypes: int) -> int:
    """An ALT allele count from the neutral spectrum P(k) ~ 1/k, 1 <= k < haplotypes."""
    return int(min(haplotypes - 1, max(1, np.exp(rng.random() * np.log(haplotypes)))))


# --------------------------------------------------------------------------- sites


def read_spikes(path: Path) -> list[Spike]:
    """The curated SNVs with GRCh38 coordinates (indels are skipped: their anchor base is unknown)."""
    lines = [line.rstrip("\n").split("\t") for line in path.read_text().splitlines() if not line.startswith("##")]
    header, rows = lines[0], [dict(zip(lines[0], row, strict=False)) for row in lines[1:] if row]
    assert "grch38_start" in header, f"{path}: no grch38_start column"
    genes = {g.symbol: g for g in read_panel(DEFAULT_PANEL)}
    spikes = []
    for row in rows:
        ref, alt = row["grch38_ref"], row["grch38_alt"]
        if len(ref) != 1 or len(alt) != 1 or ref not in BASES or alt not in BASES or row["gene"] not in genes:
            continue
        spikes.append(Spike(genes[row["gene"]].contig, int(row["grch38_start"]), ref, alt,
                            f"{row['gene']}:{row['hgvs_c']}", row["hgvs_c"],
                            row["classification"] in ("benign", "likely_benign")))
    return sorted(spikes, key=lambda s: (ORDER[s.contig], s.pos))


def site_positions(rnd: random.Random, start: int, end: int, spikes: list[Spike],
                   spacing: int) -> Iterator[tuple[int, Spike | None]]:
    """Random positions in ``[start, end]`` with the spikes merged in (no random site near a spike)."""
    pending = sorted((s for s in spikes if start <= s.pos <= end), key=lambda s: s.pos)
    pos = start
    while True:
        pos += MIN_GAP + int(rnd.random() * 2 * (spacing - MIN_GAP))
        while pending and pending[0].pos <= pos + MIN_GAP:
            spike = pending.pop(0)
            yield spike.pos, spike
            pos = max(pos, spike.pos + MIN_GAP)
        if pos > end:
            return
        yield pos, None


@dataclass
class Cohort:
    samples: list[str]
    male: np.ndarray  # bool per sample
    haplotypes: tuple[np.ndarray, np.ndarray]
    """Haplotype -> (sample, copy) where everyone is diploid."""
    haplotypes_x: tuple[np.ndarray, np.ndarray]
    """The same on chrX outside the PARs, where males have one copy."""


def make_cohort(n: int, rng: np.random.Generator) -> Cohort:
    male = rng.random(n) < 0.5
    copies = np.where(male, 1, 2)
    hap_sample_x = np.repeat(np.arange(n), copies)
    hap_copy_x = np.concatenate([np.arange(c) for c in copies]) if n else np.zeros(0, dtype=int)
    diploid = (np.repeat(np.arange(n), 2), np.tile(np.arange(2), n))
    return Cohort([f"SYN{i + 1:05d}" for i in range(n)], male, diploid, (hap_sample_x, hap_copy_x))


def records(cohort: Cohort, intervals: list[tuple[str, int, int]], genes: list[PanelGene],
            spikes: list[Spike], seed: int, spacing: int) -> Iterator[tuple[str, int]]:
    """Yield (chunk of VCF lines, number of lines), in contig and position order."""
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    n = len(cohort.samples)
    pools = build_pools(rnd)
    homref = {(hap, k): homref_cycle(rnd, hap, k) for hap in (False, True) for k in (2, 3)}
    designated = {(cohort.samples[i], hgvs): gt for i, hgvs, gt in DESIGNATED if i < n}
    index = {name: i for i, name in enumerate(cohort.samples)}
    out: list[str] = []
    for contig, start, end in intervals:
        ci = ORDER[contig] + 1
        contig_genes = [g for g in genes if g.contig == contig]
        for pos, spike in site_positions(rnd, start, end, spikes, spacing):
            haploid_x = contig == "chrX" and not in_regions(pos, PAR_X)
            if spike is not None:
                ref, alts = spike.ref, [spike.alt]
            else:
                ref, alts = _alleles(rnd)
            n_alleles = len(alts) + 1
            hap_sample, hap_copy = cohort.haplotypes_x if haploid_x else cohort.haplotypes
            calls = np.zeros((n, 2), dtype=np.int8)
            counts = [allele_count(rng, len(hap_sample)) for _ in alts]
            if spike is not None and not spike.common:
                counts = [SPIKE_CARRIERS]  # rare curated allele: a few random het carriers
            chosen = rng.choice(len(hap_sample), size=min(sum(counts), len(hap_sample)), replace=False)
            allele_of = np.repeat(np.arange(1, n_alleles), counts)[: len(chosen)]
            calls[hap_sample[chosen], hap_copy[chosen]] = allele_of
            if spike is not None:
                for (sample, hgvs), gt in designated.items():
                    if hgvs == spike.hgvs_c:
                        calls[index[sample]] = [int(gt[0]), int(gt[2])]
            missing = rng.random(n) < MISSING_FRACTION
            line, ac, an = _genotype_fields(calls, missing, cohort.male if haploid_x else None, n_alleles,
                                            pools, homref, rnd)
            gene = next((g for g in contig_genes if g.start <= pos <= g.end), None)
            info = f"AC={','.join(map(str, ac))};AN={an};AF={','.join(f'{c / max(an, 1):.4g}' for c in ac)}"
            info += _population_af(rnd, ac, an)
            if spike is not None:
                info += f";SPIKED={spike.label}"  # no CSQ: the curated table classifies it
            elif gene is not None:
                info += f";CSQ={_csq(rnd, ci, pos, ref, alts, gene, max(ac) / max(an, 1))}"
            low = sum(ac) == 1 and rnd.random() < SINGLETON_LOW_QUAL
            qual = f"{min(99999.0, 30.0 + 47.3 * sum(ac)):.2f}"
            out.append(f"{contig}\t{pos}\t.\t{ref}\t{','.join(alts)}\t{qual}\t{'LowQual' if low else 'PASS'}\t"
                       f"{info}\tGT:AD:DP:GQ\t{line}\n")
            if len(out) >= 500:
                yield "".join(out), len(out)
                out.clear()
    if out:
        yield "".join(out), len(out)


def _population_af(rnd: random.Random, ac: list[int], an: int) -> str:
    """A gnomAD-like AF near the cohort's, at most 1 (absent for half the singletons and doubletons)."""
    values = ["." if c <= 2 and rnd.random() < 0.5 else f"{min(1.0, c / max(an, 1) * (0.5 + rnd.random())):.3g}"
              for c in ac]
    return "" if all(v == "." for v in values) else f";gnomAD_AF={','.join(values)}"


def _csq(rnd: random.Random, ci: int, pos: int, ref: str, alts: list[str], gene: PanelGene, af: float) -> str:
    """The record's CSQ; alleles above ``COMMON_AF`` are never predicted null (HIGH impact), as in real data."""
    csq = render_csq(rnd.random, ci, pos, ref, alts, gene)
    while af > COMMON_AF and "|HIGH|" in csq:
        csq = render_csq(rnd.random, ci, pos, ref, alts, gene)
    return csq


def _alleles(rnd: random.Random) -> tuple[str, list[str]]:
    u = rnd.random()
    ref = BASES[int(rnd.random() * 4)]
    if u < MULTI_FRACTION:
        others = [b for b in BASES if b != ref]
        rnd.shuffle(others)
        return ref, others[:2]
    if u < MULTI_FRACTION + INDEL_FRACTION:
        k = 1 + min(MAX_INDEL - 1, int(rnd.expovariate(0.5)))
        extra = "".join(BASES[int(rnd.random() * 4)] for _ in range(k))
        return (ref + extra, [ref]) if rnd.random() < 0.5 else (ref, [ref + extra])
    alt = TRANSITION[ref] if rnd.random() < 2 / 3 else rnd.choice([b for b in BASES if b not in (ref, TRANSITION[ref])])
    return ref, [alt]


def _genotype_fields(calls: np.ndarray, missing: np.ndarray, male: np.ndarray | None, n_alleles: int,
                     pools: dict[tuple[str, int], list[str]], homref: dict[tuple[bool, int], list[str]],
                     rnd: random.Random) -> tuple[str, list[int], int]:
    """The sample columns of one record, its AC per ALT and its AN."""
    n = len(calls)
    offset = int(rnd.random() * HOMREF_CYCLE)
    diploid_refs = homref[False, n_alleles][offset:offset + n]
    if male is None:
        cells = list(diploid_refs)
        ploidy = np.full(n, 2)
    else:
        haploid_refs = homref[True, n_alleles][offset:offset + n]
        cells = [h if m else d for h, d, m in zip(haploid_refs, diploid_refs, male.tolist(), strict=True)]
        ploidy = np.where(male, 1, 2)
    carriers = np.flatnonzero(calls.any(axis=1) & ~missing)
    for i, a, b in zip(carriers.tolist(), calls[carriers, 0].tolist(), calls[carriers, 1].tolist(), strict=True):
        gt = str(a) if ploidy[i] == 1 else f"{min(a, b)}/{max(a, b)}"
        cells[i] = pools[gt, n_alleles][int(rnd.random() * POOL_SIZE)]
    for i in np.flatnonzero(missing).tolist():
        cells[i] = ("." if ploidy[i] == 1 else "./.") + ":" + ",".join(["0"] * n_alleles) + ":0:."
    called = ~missing
    ac = [int(((calls == k) & called[:, None]).sum()) for k in range(1, n_alleles)]
    an = int(ploidy[called].sum())
    return "\t".join(cells), ac, an


# --------------------------------------------------------------------------- files


def header(samples: list[str]) -> str:
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        '##FILTER=<ID=LowQual,Description="Low quality">',
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes">',
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency in the cohort">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of called alleles">',
        '##INFO=<ID=gnomAD_AF,Number=A,Type=Float,Description="Population allele frequency (synthetic, near the'
        ' cohort AF; absent for some rare alleles)">',
        '##INFO=<ID=SPIKED,Number=1,Type=String,Description="Curated allele placed by make_cohort_vcf.py">',
        '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from'
        f' Ensembl VEP. Format: {CSQ_FIELDS}">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        f"##source=varhlh-benchmark make_cohort_vcf.py v{GENERATOR_VERSION} (synthetic joint-called cohort)",
        "##reference=GRCh38",
        *(f"##contig=<ID={name},length={length}>" for name, length in CONTIGS),
        "\t".join(("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples)),
    ]
    return "\n".join(lines) + "\n"


def params(n_samples: int, spacing: int, flank: int, seed: int, panel: Path) -> dict[str, object]:
    return {
        "generator_version": GENERATOR_VERSION,
        "samples": n_samples,
        "spacing": spacing,
        "flank": flank,
        "seed": seed,
        "panel_sha256": hashlib.sha256(panel.read_bytes()).hexdigest(),
        "known_variants_sha256": hashlib.sha256(KNOWN_VARIANTS.read_bytes()).hexdigest(),
    }


def is_current(out_dir: Path, wanted: dict[str, object]) -> bool:
    manifest = out_dir / MANIFEST_NAME
    if not manifest.is_file() or not all((out_dir / f).is_file() for f in (VCF_NAME, VCF_NAME + ".tbi")):
        return False
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    return all(recorded.get(key) == value for key, value in wanted.items())


def generate(out_dir: Path, n_samples: int, spacing: int, flank: int, seed: int, panel: Path) -> dict[str, object]:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
    genes = read_panel(panel)
    intervals = [(iv.contig, iv.start + 1, min(iv.end, LENGTHS[iv.contig]))
                 for iv in panel_intervals(genes, flank)]
    cohort = make_cohort(n_samples, np.random.default_rng(seed))
    (out_dir / SAMPLES_NAME).write_text(
        "".join(f"{s}\t{'male' if m else 'female'}\n" for s, m in zip(cohort.samples, cohort.male.tolist(),
                                                                       strict=True)), encoding="ascii")
    vcf, part = out_dir / VCF_NAME, out_dir / (VCF_NAME + ".part")
    sha = hashlib.sha256()
    n_lines = 0
    started = time.perf_counter()
    with part.open("wb") as sink:
        bgzip = subprocess.Popen(["bgzip", "-@2", "-c"], stdin=subprocess.PIPE, stdout=sink)
        assert bgzip.stdin is not None
        try:
            head = header(cohort.samples).encode("ascii")
            sha.update(head)
            bgzip.stdin.write(head)
            for chunk, lines in records(cohort, intervals, genes, read_spikes(KNOWN_VARIANTS), seed, spacing):
                data = chunk.encode("ascii")
                sha.update(data)
                n_lines += lines
                bgzip.stdin.write(data)
        finally:
            bgzip.stdin.close()
            if bgzip.wait() != 0:
                msg = f"bgzip failed with exit code {bgzip.returncode}"
                raise RuntimeError(msg)
    part.replace(vcf)
    subprocess.run(["tabix", "-f", "-p", "vcf", str(vcf)], check=True)
    manifest = {
        **params(n_samples, spacing, flank, seed, panel),
        "records_written": n_lines,
        "span_bp": sum(e - s + 1 for _, s, e in intervals),
        "seconds": round(time.perf_counter() - started, 1),
        "vcf_text_sha256": sha.hexdigest(),
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, help="number of samples (default 2504)")
    parser.add_argument("--spacing", type=int, default=DEFAULT_SPACING, help="mean bp between sites (default 100)")
    parser.add_argument("--flank", type=int, default=DEFAULT_FLANK, help="bp covered beyond each gene (default 2000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--panel", type=Path, default=DEFAULT_PANEL, help="panel TSV")
    args = parser.parse_args(argv)
    if args.spacing < MIN_GAP or args.samples < 1:
        parser.error(f"--spacing must be >= {MIN_GAP} and --samples >= 1")
    manifest = generate(args.out_dir, args.samples, args.spacing, args.flank, args.seed, args.panel)
    size = (args.out_dir / VCF_NAME).stat().st_size / 2**20
    print(f"{args.out_dir / VCF_NAME}: {manifest['records_written']:,} records x {args.samples:,} samples, "
          f"{size:.1f} MiB, {manifest['seconds']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

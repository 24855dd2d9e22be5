"""The files and sequence a local server answers ``varhlh resources update`` with (tests/test_resources_update.py).

Layout under the served root mirrors the real URLs, so the release parsing is exercised as in production::

    clinvar/vcf_GRCh37/clinvar.vcf.gz(.tbi)        constructed ClinVar records of the panel + real ClinVar records
    clinvar/vcf_GRCh38/clinvar.vcf.gz(.tbi)        elsewhere (outside the panel regions; must not be installed)
    gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.{chrom}.vcf.bgz(.tbi)    one per panel chromosome
    gnomad/release/4.1/vcf/genomes/gnomad.genomes.v4.1.sites.chr{chrom}.vcf.bgz(.tbi)

Sources (tests/data/resources/README.md): ClinVar GRCh37 = tests/data/interpretation/constructed_clinvar_grch37.vcf
+ the real records of tests/data/annotations/slivar_clinvar_20191007.vcf.gz; GRCh38 = constructed_clinvar_grch38.vcf
+ the real records of tests/data/annotations/ensembl-vep_clinvar-testset.input.vcf.gz; gnomAD GRCh37 =
tests/data/interpretation/constructed_gnomad_sites_grch37.vcf split per chromosome (header-only files for the other
panel chromosomes, as every real per-chromosome file exists); gnomAD GRCh38 =
tests/data/resources/constructed_gnomad_v4.1_sites_grch38.vcf likewise.

The sequence service answers from the CONSTRUCTED GRCh37 segments (tests/data/interpretation/reference_segments.tsv,
N elsewhere); GRCh38 is the same segments moved by each panel gene's GRCh37 -> GRCh38 offset (constant within these
genes; checked against every curated allele's two positions).
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

from reference_fasta import read_segments

from varhlh.genome import canonical_chrom
from varhlh.models import Build
from varhlh.panel import load_panel

DATA = Path(__file__).resolve().parent / "data"
INTERPRETATION = DATA / "interpretation"
CLINVAR_PATHS = {Build.GRCH37: "clinvar/vcf_GRCh37/clinvar.vcf.gz", Build.GRCH38: "clinvar/vcf_GRCh38/clinvar.vcf.gz"}
GNOMAD_TEMPLATES = {
    Build.GRCH37: "gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.{chrom}.vcf.bgz",
    Build.GRCH38: "gnomad/release/4.1/vcf/genomes/gnomad.genomes.v4.1.sites.chr{chrom}.vcf.bgz",
}


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:  # type: ignore[operator]
        return [line.rstrip("\n") for line in fh if line.strip()]


def _order(line: str) -> tuple[tuple[int, str], int]:
    chrom = canonical_chrom(line.split("\t")[0]) or line.split("\t")[0]
    return ((int(chrom), chrom) if chrom.isdigit() else (100, chrom)), int(line.split("\t")[1])


def _bgzip(lines: list[str], target: Path) -> None:
    import pysam

    target.parent.mkdir(parents=True, exist_ok=True)
    plain = target.with_name(target.name + ".txt")
    plain.write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(str(plain), str(target), force=True)
    plain.unlink()
    pysam.tabix_index(str(target), preset="vcf", force=True)


def clinvar_lines(build: Build, changed: dict[str, str] | None = None) -> list[str]:
    """The served ClinVar VCF of ``build``; ``changed`` replaces text in record lines (a new ClinVar release)."""
    if build is Build.GRCH37:
        own, real = INTERPRETATION / "constructed_clinvar_grch37.vcf", DATA / "annotations" / \
            "slivar_clinvar_20191007.vcf.gz"
    else:
        own, real = INTERPRETATION / "constructed_clinvar_grch38.vcf", DATA / "annotations" / \
            "ensembl-vep_clinvar-testset.input.vcf.gz"
    header = [line for line in _lines(own) if line.startswith("#")]
    records = [line for path in (own, real) for line in _lines(path) if not line.startswith("#")]
    records.sort(key=_order)
    text = "\n".join([*header, *records])
    for old, new in (changed or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    return text.split("\n")


def write_clinvar(root: Path, build: Build, changed: dict[str, str] | None = None) -> Path:
    target = root / CLINVAR_PATHS[build]
    _bgzip(clinvar_lines(build, changed), target)
    return target


def write_gnomad(root: Path, build: Build) -> list[Path]:
    source = INTERPRETATION / "constructed_gnomad_sites_grch37.vcf" if build is Build.GRCH37 else \
        DATA / "resources" / "constructed_gnomad_v4.1_sites_grch38.vcf"
    lines = _lines(source)
    header = [line for line in lines if line.startswith("#")]
    chroms = sorted({g.chrom for g in load_panel().genes})
    written = []
    for chrom in chroms:
        records = [line for line in lines if not line.startswith("#") and canonical_chrom(line.split("\t")[0]) == chrom]
        target = root / GNOMAD_TEMPLATES[build].replace("{chrom}", chrom)
        _bgzip([*header, *records], target)
        written.append(target)
    return written


def build_served(root: Path) -> Path:
    """Write every served file under ``root``."""
    if root.exists():
        shutil.rmtree(root)
    for build in Build:
        write_clinvar(root, build)
        write_gnomad(root, build)
    return root


def _offsets() -> dict[str, list[tuple[int, int, int]]]:
    """Per chromosome: (GRCh38 start, GRCh38 end, GRCh38 - GRCh37 at the gene start) of each panel gene (± 20 kb)."""
    panel = load_panel()
    out: dict[str, list[tuple[int, int, int]]] = {}
    for gene in panel.genes:
        s37, (s38, e38) = gene.spans[Build.GRCH37][0], gene.spans[Build.GRCH38]
        out.setdefault(gene.chrom, []).append((s38 - 20_000, e38 + 20_000, s38 - s37))
    for known in panel.known_variants:
        if Build.GRCH37 in known.loci and Build.GRCH38 in known.loci:
            shift = known.loci[Build.GRCH38].start - known.loci[Build.GRCH37].start
            gene = panel.gene(known.gene)
            assert shift == gene.spans[Build.GRCH38][0] - gene.spans[Build.GRCH37][0], known.hgvs_c
    return out


def sequence_source() -> Callable[[str, str, int, int], str | None]:
    """``sequence(build, chrom, start, end)``: the constructed segments, N elsewhere (Ensembl-like: None for an
    unknown chromosome)."""
    offsets = _offsets()
    pieces: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for chrom, segments in read_segments().items():
        for start, seq in segments:
            pieces.setdefault(("GRCh37", chrom), []).append((start, seq))
            shift = next((d for s, e, d in offsets.get(chrom, ()) if s <= start + d <= e), None)
            if shift is not None:
                pieces.setdefault(("GRCh38", chrom), []).append((start + shift, seq))
    known = {str(i) for i in range(1, 23)} | {"X", "Y"}

    def sequence(build: str, chrom: str, start: int, end: int) -> str | None:
        if chrom not in known:
            return None
        out = bytearray(b"N" * (end - start + 1))
        for first, seq in pieces.get((build, chrom), ()):
            lo, hi = max(start, first), min(end, first + len(seq) - 1)
            if lo <= hi:
                out[lo - start:hi - start + 1] = seq[lo - first:hi - first + 1].encode()
        return out.decode()

    return sequence


def settings_toml(base: str, **extra: object) -> str:
    """A --config pointing every resource URL at the local server, with short timeouts and no waits."""
    values: dict[str, object] = {
        "resources_clinvar_grch37_url": f"{base}/files/{CLINVAR_PATHS[Build.GRCH37]}",
        "resources_clinvar_grch38_url": f"{base}/files/{CLINVAR_PATHS[Build.GRCH38]}",
        "resources_gnomad_grch37_url": f"{base}/files/{GNOMAD_TEMPLATES[Build.GRCH37]}",
        "resources_gnomad_grch38_url": f"{base}/files/{GNOMAD_TEMPLATES[Build.GRCH38]}",
        "resources_sequence_grch37_url": f"{base}/ensembl37",
        "resources_sequence_grch38_url": f"{base}/ensembl38",
        "online_retries": 1, "online_backoff_s": 0.0, "online_connect_timeout_s": 2.0, "online_read_timeout_s": 5.0,
        **extra,
    }
    return "\n".join(f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in values.items()) + "\n"

"""Helpers and session fixtures for the interpretation tests (annotation dialects, FASTA, local resources).

* :func:`annotate_copy` adds the CONSTRUCTED annotation of tests/data/interpretation/annotations_*.vcf
  to a copy of a spiked fixture (INFO header line inserted, INFO values appended per matching
  record), so the same record can be triaged as VEP CSQ, SnpEff ANN or bcftools BCSQ.
* :func:`panel_without_curated` copies the bundled panel without its curated known-variant
  table, so classifications rest on the annotation alone.
* ``reference_fasta``, ``local_clinvar``, ``local_gnomad``: the constructed FASTA and resource
  VCFs, bgzipped and indexed once per session (pysam; no htslib binaries needed).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from reference_fasta import write_fasta

from varhlh.genome import canonical_chrom
from varhlh.panel import bundled_panel_dir

INTERPRETATION = Path(__file__).resolve().parent / "data" / "interpretation"
DIALECTS = {"vep": "annotations_vep_csq.vcf", "snpeff": "annotations_snpeff_ann.vcf", "bcsq": "annotations_bcsq.vcf"}
FREQUENCY = "annotations_frequency.vcf"


def _annotation(path: Path) -> tuple[list[str], dict[tuple[str, int, str, str], str]]:
    headers, values = [], {}
    for line in path.read_text().splitlines():
        if line.startswith("##INFO="):
            headers.append(line)
        elif line and not line.startswith("#"):
            chrom, pos, _, ref, alt, _, _, info = line.split("\t")[:8]
            values[(chrom, int(pos), ref, alt)] = info
    return headers, values


def annotate_copy(source: Path, target: Path, annotations: Iterable[str]) -> Path:
    """Copy ``source`` to ``target`` adding the INFO values of the named annotation files."""
    headers: list[str] = []
    values: dict[tuple[str, int, str, str], list[str]] = {}
    for name in annotations:
        more, found = _annotation(INTERPRETATION / name)
        headers.extend(more)
        for key, info in found.items():
            values.setdefault(key, []).append(info)
    out = []
    for line in source.read_text().splitlines():
        if line.startswith("#CHROM"):
            out.extend(headers)
        elif line and not line.startswith("#"):
            fields = line.split("\t")
            key = (canonical_chrom(fields[0]) or fields[0], int(fields[1]), fields[3], fields[4])
            if key in values:
                extra = ";".join(values[key])
                fields[7] = extra if fields[7] in (".", "") else f"{fields[7]};{extra}"
                line = "\t".join(fields)
        out.append(line)
    target.write_text("\n".join(out) + "\n")
    return target


def panel_without_curated(directory: Path) -> Path:
    """The bundled panel copied to ``directory`` with its curated known-variant table and its knowledge base
    removed: what the VCF's own annotation alone gives."""
    source = bundled_panel_dir()
    directory.mkdir(parents=True, exist_ok=True)
    for path in source.iterdir():
        if path.suffix == ".tsv":
            shutil.copy(path, directory / path.name)
    genes = directory / "hlh_genes.tsv"
    lines = [line for line in genes.read_text().splitlines()
             if not line.startswith(("##known_variants=", "##knowledge=", "##knowledge_version="))]
    genes.write_text("\n".join(lines) + "\n")
    return genes


def bgzip_index(text_vcf: Path, directory: Path) -> Path:
    import pysam

    target = directory / (text_vcf.name + ".gz")
    pysam.tabix_compress(str(text_vcf), str(target), force=True)
    pysam.tabix_index(str(target), preset="vcf", force=True)
    return target


@pytest.fixture(scope="session")
def reference_fasta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The constructed GRCh37 reference (segments from reference_segments.tsv, N elsewhere)."""
    return write_fasta(tmp_path_factory.mktemp("fasta"))


@pytest.fixture(scope="session")
def local_resources(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """bgzipped + tabix-indexed copies of the constructed resource VCFs, by file name."""
    root = tmp_path_factory.mktemp("resources")
    cache: dict[str, Path] = {}

    def _get(name: str) -> Path:
        if name not in cache:
            cache[name] = bgzip_index(INTERPRETATION / name, root)
        return cache[name]

    return _get


@pytest.fixture(scope="session")
def bare_panel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return panel_without_curated(tmp_path_factory.mktemp("panel") / "panel")

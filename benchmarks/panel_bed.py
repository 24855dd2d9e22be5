#!/usr/bin/env python3
"""Write the varhlh gene panel as a padded, merged, sorted GRCh38 BED file.

The panel (``gene_panels/hlh_genes.tsv``) starts with ``##`` metadata lines,
followed by a TAB-separated header row with at least the columns ``symbol``,
``chrom``, ``grch38_start`` and ``grch38_end`` (1-based inclusive MANE
transcript spans, chromosome names without ``chr``).

The BED written here is 0-based half-open with ``chr`` names, each gene padded
by ``--padding`` bp (default 100, the tool's default ``region_padding_bp``),
overlapping or touching intervals merged, sorted in karyotypic order. The
fourth column lists the genes of each merged interval (bcftools ignores it).

Usage::

    python benchmarks/panel_bed.py -o panel.bed [--panel TSV] [--padding 100]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from grch38 import LENGTHS, ORDER, ucsc_name

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PANEL = REPO_ROOT / "gene_panels" / "hlh_genes.tsv"
DEFAULT_PADDING = 100
REQUIRED_COLUMNS = ("symbol", "chrom", "grch38_start", "grch38_end")


@dataclass(frozen=True)
class PanelGene:
    """One panel gene on GRCh38 (1-based inclusive span, UCSC contig name)."""

    symbol: str
    contig: str
    start: int
    end: int
    transcript: str = ""  # MANE Select Ensembl transcript (optional ``mane_ensembl`` column)
    refseq: str = ""  # MANE Select RefSeq transcript (optional ``mane_refseq`` column)


@dataclass(frozen=True)
class Interval:
    """A 0-based half-open BED interval with the genes it covers."""

    contig: str
    start: int
    end: int
    names: tuple[str, ...]


def read_panel(path: Path) -> list[PanelGene]:
    """Parse the panel TSV; rows without GRCh38 coordinates are skipped with a warning."""
    genes: list[PanelGene] = []
    header: list[str] | None = None
    with path.open(encoding="utf-8") as handle:
        for lineno, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("##"):
                continue
            fields = line.split("\t")
            if header is None:
                header = [f.strip().lstrip("#").lower() for f in fields]
                missing = [c for c in REQUIRED_COLUMNS if c not in header]
                if missing:
                    msg = f"{path}:{lineno}: header lacks columns {missing}"
                    raise ValueError(msg)
                continue
            row = dict(zip(header, (f.strip() for f in fields), strict=False))
            try:
                start, end = int(row["grch38_start"]), int(row["grch38_end"])
            except (KeyError, ValueError):
                print(f"warning: {path}:{lineno}: no GRCh38 span, skipped", file=sys.stderr)
                continue
            contig = ucsc_name(row["chrom"])
            if contig not in LENGTHS or not 1 <= start <= end:
                msg = f"{path}:{lineno}: bad span {contig}:{start}-{end}"
                raise ValueError(msg)
            genes.append(
                PanelGene(
                    symbol=row["symbol"],
                    contig=contig,
                    start=start,
                    end=end,
                    transcript=row.get("mane_ensembl", "").strip("."),
                    refseq=row.get("mane_refseq", "").strip("."),
                )
            )
    if header is None:
        msg = f"{path}: no header row"
        raise ValueError(msg)
    return genes


def panel_intervals(genes: list[PanelGene], padding: int = DEFAULT_PADDING) -> list[Interval]:
    """Pad, sort and merge the gene spans into 0-based half-open intervals."""
    padded = sorted(
        (
            ORDER[g.contig],
            max(0, g.start - 1 - padding),
            min(LENGTHS[g.contig], g.end + padding),
            g.contig,
            g.symbol,
        )
        for g in genes
    )
    merged: list[Interval] = []
    for _, start, end, contig, symbol in padded:
        last = merged[-1] if merged else None
        if last is not None and last.contig == contig and start <= last.end:
            merged[-1] = Interval(contig, last.start, max(last.end, end), (*last.names, symbol))
        else:
            merged.append(Interval(contig, start, end, (symbol,)))
    return merged


def write_bed(intervals: list[Interval], path: Path) -> None:
    """Write ``intervals`` as a 4-column BED file."""
    lines = (f"{iv.contig}\t{iv.start}\t{iv.end}\t{','.join(iv.names)}\n" for iv in intervals)
    path.write_text("".join(lines), encoding="ascii")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, required=True, help="BED file to write")
    parser.add_argument("--panel", type=Path, default=DEFAULT_PANEL, help="panel TSV")
    parser.add_argument("--padding", type=int, default=DEFAULT_PADDING, help="bp added per side")
    args = parser.parse_args(argv)
    intervals = panel_intervals(read_panel(args.panel), args.padding)
    write_bed(intervals, args.output)
    total = sum(iv.end - iv.start for iv in intervals)
    print(f"{args.output}: {len(intervals)} intervals, {total:,} bp", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

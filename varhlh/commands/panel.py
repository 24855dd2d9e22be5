"""``varhlh panel show|validate|update``: inspect, check and (online, opt-in) update a gene panel.

* ``show [--panel FILE]``: the panel's metadata lines and its genes table (default: bundled panel);
* ``validate FILE``: load with :func:`varhlh.panel.load_panel`; exit 0, or 4 with the file, line and
  column of the first problem;
* ``regions (--vcf VCF | --build B) [--panel P] [--config C] [-o BED]``: the BED of every interval a triage
  with the same panel and settings reads, for ``bcftools view -R`` of a region-chunked cohort
  (:func:`varhlh.pipeline.read_regions`); a header that lacks a panel chromosome is refused (exit 3);
* ``update --source panelapp|panelapp-au [--panel-id ID] [--version X.Y] -o NEW_PANEL.tsv``:
  fetch one PanelApp panel, write a new panel (never replacing the base panel) and a diff, print
  the diff. Only the panel id and version are sent. Exit 5 if PanelApp fails.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from varhlh.commands import NOTICE, online_options

if TYPE_CHECKING:
    from varhlh.models import Build
    from varhlh.panel import Panel

log = logging.getLogger("varhlh")
SHOW_COLUMNS = ("symbol", "chrom", "inheritance", "mechanism", "tier", "panelapp_rating", "transplant_policy",
                "mane_refseq", "disease")


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("panel", parents=parents, help="show, validate or update a gene panel",
                       description="Show, validate or (online, opt-in) update a gene panel.")
    actions = p.add_subparsers(dest="panel_action", metavar="ACTION", required=True)
    show = actions.add_parser("show", parents=parents, help="print the panel metadata and genes")
    show.add_argument("--panel", type=Path, help="panel genes TSV (default: the bundled panel)")
    check = actions.add_parser("validate", parents=parents, help="check a panel file (exit 0 or 4)")
    check.add_argument("file", metavar="FILE", type=Path, help="panel genes TSV")
    update = actions.add_parser("update", parents=parents, help="new panel file from PanelApp, with a diff",
                                description="Fetch a PanelApp panel and write a new panel file plus a diff "
                                            "against the base panel. Sends only the panel id and version.")
    update.add_argument("--source", required=True, choices=("panelapp", "panelapp-au"),
                        help="Genomics England PanelApp or PanelApp Australia")
    update.add_argument("--panel-id", type=int, help="PanelApp panel id (panelapp default: 398, HLH genes "
                                                     "filtered by the base panel and HLH phenotypes)")
    update.add_argument("--version", dest="panel_version", metavar="X.Y", help="pin this panel version")
    update.add_argument("-o", "--output", required=True, type=Path, help="new panel genes TSV (NEW_PANEL.tsv)")
    update.add_argument("--panel", type=Path, help="base panel to update and diff against (default: bundled)")
    update.add_argument("--config", type=Path, help="TOML settings (service URLs, timeouts, retries)")
    online_options.add_arguments(update, annotate=False)
    regions = actions.add_parser(
        "regions", parents=parents, help="BED of every interval a triage reads (for bcftools view -R)",
        description="Write the BED (0-based, merged, in the VCF's contig order) of every interval 'varhlh triage' "
                    "reads for the panel: the padded gene regions widened by the upstream deletion window, and the "
                    "two sex-inference windows. 'bcftools view -R BED --regions-overlap record' of a region-chunked "
                    "cohort keeps every record a triage of the whole cohort reads (docs/scale-out.md).")
    named = regions.add_mutually_exclusive_group(required=True)
    named.add_argument("--vcf", type=Path, help="take the genome build and contig names from this VCF's header")
    named.add_argument("--build", choices=("GRCh37", "GRCh38"), help="genome build, with --contig-style")
    regions.add_argument("--contig-style", choices=("chr", "plain"), default="chr",
                         help="with --build: contigs named chr1… (default) or 1…")
    regions.add_argument("--panel", type=Path, help="panel genes TSV (default: the bundled panel); give triage the "
                                                    "same")
    regions.add_argument("--config", type=Path, help="TOML settings (region_padding_bp, upstream_window_bp); give "
                                                     "triage the same")
    regions.add_argument("-o", "--output", type=Path, help="BED file to write (default: stdout)")


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    return {"show": _show, "validate": _validate, "update": _update, "regions": _regions}[args.panel_action](args)


def _show(args: argparse.Namespace) -> int:
    from varhlh.panel import DEFAULT_PANEL_FILE, bundled_panel_dir, load_panel
    from varhlh.panel_file import Table

    panel = load_panel(args.panel)
    table = Table.read(args.panel or bundled_panel_dir() / DEFAULT_PANEL_FILE)
    lines = [f"{key}: {value}" for key, value in table.meta]
    lines.append(f"path: {panel.path}")
    lines.append(f"sha256: {panel.sha256}")
    lines.append(f"genes: {len(panel.genes)}; exon models: {len(panel.transcripts)} (gene x build); "
                 f"known variants: {len(panel.known_variants)}")
    lines.append("")
    rows = [list(SHOW_COLUMNS), *([row[c] for c in SHOW_COLUMNS] for row in table.rows)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(SHOW_COLUMNS) - 1)]
    lines.extend("  ".join([*(v.ljust(w) for v, w in zip(r[:-1], widths, strict=True)), r[-1]]) for r in rows)
    _print("\n".join(lines) + "\n")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from varhlh.panel import load_panel

    panel = load_panel(args.file)
    _print(f"{args.file}: valid panel {panel.name} {panel.version} ({len(panel.genes)} genes, "
           f"{len(panel.transcripts)} exon models (gene x build), {len(panel.known_variants)} known variants; "
           f"sha256 {panel.sha256})\n")
    return 0


def _update(args: argparse.Namespace) -> int:
    from varhlh.online import OnlineRequest, require_online

    require_online("varhlh panel update")
    from varhlh.online.panel_workflow import update_panel
    from varhlh.settings import load_settings

    settings = load_settings(args.config)
    request = online_options.request_from_args(args, annotate=False) or OnlineRequest()
    diff, written = update_panel(args.source, args.panel_id, args.panel_version, args.output, args.panel, settings,
                                 request)
    _print(diff)
    log.log(NOTICE, "wrote %s", ", ".join(str(path) for path in written))
    return 0


def _regions(args: argparse.Namespace) -> int:
    from varhlh.fileio import write_atomic
    from varhlh.models import Build
    from varhlh.panel import load_panel
    from varhlh.pipeline import read_regions
    from varhlh.settings import load_settings

    settings = load_settings(args.config)
    panel = load_panel(args.panel)
    chroms = {g.chrom for g in panel.genes}
    if args.vcf is not None:
        build, names, order = _from_header(args.vcf, panel)
    else:
        build = Build(args.build)
        names = {c: f"chr{c}" if args.contig_style == "chr" else c for c in (*chroms, "Y")}  # + the chrY sex window
        order = [names[c] for c in sorted(names, key=lambda c: (not c.isdigit(), int(c) if c.isdigit() else 0, c))]
    bed = "".join(f"{contig}\t{start}\t{end}\n" for contig, start, end in read_regions(panel, build, names, settings,
                                                                                         order))
    if args.output is None:
        _print(bed)
        return 0
    try:
        write_atomic(args.output, bed.encode())
    except OSError as exc:
        from varhlh.errors import OutputError

        msg = f"{args.output}: cannot write the BED ({exc.strerror}); choose another -o"
        raise OutputError(msg) from exc
    log.log(NOTICE, "wrote %s (%d intervals, build %s)", args.output, bed.count("\n"), build.value)
    return 0


def _from_header(path: Path, panel: Panel) -> tuple[Build, dict[str, str], list[str]]:
    """The build, panel chromosome -> contig names and the contig order of a VCF's header."""
    from varhlh.errors import InputError
    from varhlh.genome import detect_build
    from varhlh.read.reader import VcfReader
    from varhlh.restrict import panel_contigs

    with VcfReader(str(path), display=str(path)) as reader:
        header = reader.header
        if not header.contigs:
            msg = (f"{path}: the header has no ##contig lines, so neither the build nor the contig names can be "
                   "read from it; use --build GRCh37|GRCh38 --contig-style chr|plain instead of --vcf")
            raise InputError(msg)
        build = detect_build(header.contigs, header.reference, None, reader.display)
    names = panel_contigs(panel, header.contigs)
    absent = sorted({g.chrom for g in panel.genes} - set(names), key=lambda c: (len(c), c))
    if absent:
        msg = (f"{path}: the header names no contig for panel chromosome(s) {', '.join(absent)}, so the BED would "
               "miss their genes; give a VCF whose header lists every contig (a chunk of a joint call usually does), "
               "or use --build GRCh37|GRCh38 --contig-style chr|plain")
        raise InputError(msg)
    return build.build, names, list(header.contigs)


def _print(text: str) -> None:
    """Write to stdout; a closed pipe (``| head``) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

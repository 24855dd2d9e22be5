"""``varhlh report``: re-render a stored result (``PREFIX.varhlh.json``) as HTML or PDF.

Nothing is recomputed: the report is drawn from the JSON alone, so a result archived today can be
re-rendered later and says exactly what the analysis said. The JSON is decoded into the typed
contract (exit 3 naming the file and the first missing, unknown or wrongly typed key). Outputs are
written atomically, named ``OUTDIR/PREFIX.varhlh.html`` / ``.pdf``; PREFIX defaults to the sample ID
made filename-safe.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from varhlh import __version__
from varhlh.commands import NOTICE, refuse_stdout_dir
from varhlh.errors import UsageError

log = logging.getLogger("varhlh")


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", parents=parents, help="render a stored result as HTML or PDF",
                       description="Render a stored varhlh result (PREFIX.varhlh.json) as the counselor's report.")
    p.add_argument("result", metavar="RESULT", type=Path, help="a result written by varhlh triage (.varhlh.json)")
    p.add_argument("--format", default="html", help="comma-separated: html, pdf (default: html)")
    p.add_argument("-o", "--output-dir", type=Path, default=Path(), help="output directory (default: .)")
    p.add_argument("--prefix", help="output file prefix (default: the sample ID made filename-safe)")
    p.add_argument("--report-meta", type=Path, metavar="META",
                   help="report metadata (YAML/JSON): patient identifiers, referrer, indication, specimen, sign-off; "
                        "shown in the HTML/PDF only, see examples/report_meta.yaml")


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from varhlh.report.meta import load_report_meta
    from varhlh.report.output import RenderContext, parse_formats, safe_prefix, write_outputs
    from varhlh.report.stored import load_result

    refuse_stdout_dir(args.output_dir)
    log.log(NOTICE, "varhlh %s", __version__)
    formats = parse_formats(args.format)
    if args.prefix and safe_prefix(args.prefix) != args.prefix:
        msg = f"--prefix {args.prefix!r} must be a plain file name (letters, digits, '.', '_', '-')"
        raise UsageError(msg)
    meta = load_report_meta(args.report_meta) if args.report_meta else None
    doc = load_result(args.result)
    prefix = args.prefix or safe_prefix(doc.sample.id)
    inputs = [str(args.result), *([args.report_meta] if args.report_meta else [])]
    paths = write_outputs(RenderContext(doc, prefix, meta=meta), args.output_dir, formats, inputs)
    conclusion = doc.conclusion
    log.log(NOTICE, "primary HLH: %s; transplant work-up: %s", conclusion.primary_hlh, conclusion.transplant_workup)
    log.info("wrote %s", ", ".join(str(p) for p in paths))
    return 0

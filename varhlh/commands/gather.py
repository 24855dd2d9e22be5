"""``varhlh gather PART... -o OUTDIR``: merge the blocks of a sharded cohort run (:mod:`varhlh.gather`).

Exit 0 when the merged cohort was written; 3 when the parts do not belong together (named in the message);
6 when OUTDIR cannot be written.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from pathlib import Path

from varhlh.commands import NOTICE

log = logging.getLogger("varhlh")


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("gather", parents=parents, help="merge the blocks of a sharded cohort run",
                       description="Merge the part manifests written by 'varhlh triage COHORT --all-samples "
                                   "--samples-block I/N' into one cohort result: every block's per-sample files "
                                   "and the cohort tables a single --all-samples run writes.")
    p.add_argument("parts", nargs="+", type=Path, metavar="PART",
                   help="every block's PREFIX.varhlh_part.json (its per-sample files next to it)")
    p.add_argument("-o", "--output-dir", type=Path, required=True, help="output directory")
    p.add_argument("--prefix", default="cohort", help="prefix of the cohort tables (default: cohort)")


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from varhlh.errors import UsageError
    from varhlh.gather import gather
    from varhlh.report.output import safe_prefix

    if safe_prefix(args.prefix) != args.prefix:
        msg = f"--prefix {args.prefix!r} must be a plain file name (letters, digits, '.', '_', '-')"
        raise UsageError(msg)
    rows, tables = gather(args.parts, args.output_dir, args.prefix)
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row["primary_hlh"])] = counts.get(str(row["primary_hlh"]), 0) + 1
    log.log(NOTICE, "gathered %d blocks, %d samples; primary HLH %s; wrote %s", len(args.parts), len(rows),
            ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "none", ", ".join(str(t) for t in tables))
    return 0

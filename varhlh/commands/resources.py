"""``varhlh resources update|show``: install (online, opt-in) and inspect (offline) the local panel resources.

* ``update [--build GRCh37|GRCh38|both] [--dir DIR] [--panel PANEL] [--only clinvar,gnomad,reference]
  [--config SETTINGS.toml]``: download the panel regions of the current NCBI ClinVar VCF, of the gnomAD genomes
  sites VCFs and of the reference sequence (Ensembl REST), verify them, install them under DIR (default:
  ``$VARHLH_DATA_DIR`` or the user data directory) and print the diff against the previous install. Only region
  coordinates and public file names are sent. Exit 5 when a service fails or an answer does not verify (nothing is
  installed then), 4 without the 'online' extra.
* ``show [--dir DIR]``: what is installed, per build: releases, retrieval dates, sha256, record counts (offline).

``triage`` uses an install offline by default (docs/resources.md); ``--no-installed-resources`` ignores it.
Responses are never cached: an update must see the current releases, and byte ranges are not cache keys.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from varhlh.commands import NOTICE, write_stdout
from varhlh.errors import UsageError

log = logging.getLogger("varhlh")
KIND_CHOICES = ("clinvar", "gnomad", "reference")


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("resources", parents=parents, help="install (online) or show the local panel resources",
                       description="Install (online, opt-in) or show the local panel resources that triage uses "
                                   "offline: ClinVar, gnomAD and the reference sequence of the panel regions.")
    actions = p.add_subparsers(dest="resources_action", metavar="ACTION", required=True)
    update = actions.add_parser(
        "update", parents=parents, help="download and install the panel regions of ClinVar, gnomAD and the reference",
        description="Download the panel regions of the current NCBI ClinVar VCF, of the gnomAD genomes sites VCFs "
                    "and of the reference sequence (Ensembl REST), verify them and install them for triage to use "
                    "offline. Sends only region coordinates and public file names; nothing about any patient.")
    update.add_argument("--build", choices=("GRCh37", "GRCh38", "both"), default="both",
                        help="genome build(s) to install (default: both)")
    update.add_argument("--dir", type=Path, metavar="DIR", help="data directory (default: $VARHLH_DATA_DIR, else the "
                                                                "user data directory, e.g. ~/.local/share/varhlh)")
    update.add_argument("--panel", type=Path, help="panel whose gene regions are installed (default: bundled)")
    update.add_argument("--only", metavar="KINDS", help="comma-separated subset of clinvar,gnomad,reference (the "
                                                        "others are kept from the previous install)")
    update.add_argument("--config", type=Path, help="TOML settings (source URLs, timeouts, retries, flank)")
    show = actions.add_parser("show", parents=parents, help="what is installed (offline)")
    show.add_argument("--dir", type=Path, metavar="DIR", help="data directory (default: as for update)")


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    return {"update": _update, "show": _show}[args.resources_action](args)


def _kinds(text: str | None) -> list[str]:
    if text is None:
        return list(KIND_CHOICES)
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KIND_CHOICES]
    if unknown or not kinds:
        msg = f"--only {text!r}: choose from {','.join(KIND_CHOICES)}"
        raise UsageError(msg)
    return [k for k in KIND_CHOICES if k in kinds]


def _update(args: argparse.Namespace) -> int:
    kinds = _kinds(args.only)
    from varhlh.online import OnlineRequest, require_online

    require_online("varhlh resources update")
    from varhlh.annotate.installed import data_dir
    from varhlh.models import Build
    from varhlh.online.resources_update import update_resources
    from varhlh.settings import load_settings

    settings = load_settings(args.config)
    builds = list(Build) if args.build == "both" else [Build(args.build)]
    root = args.dir if args.dir is not None else data_dir()
    started = time.perf_counter()
    outcome = update_resources(root, builds, kinds, args.panel, settings, OnlineRequest(use_cache=False))
    write_stdout("\n".join(outcome.diffs[b] for b in builds))
    log.log(NOTICE, "installed %s (%s) in %s: %d requests, %s bytes downloaded, %.1f s",
            " and ".join(b.value for b in builds), ", ".join(kinds), root / "resources", outcome.requests,
            f"{outcome.downloaded:,}", time.perf_counter() - started)
    return 0


def _show(args: argparse.Namespace) -> int:
    from varhlh.annotate.installed import data_dir, describe

    write_stdout(describe(args.dir if args.dir is not None else data_dir()))
    return 0

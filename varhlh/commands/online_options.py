"""The online options shared by ``triage`` and ``panel update`` (opt-in; docs/validation-and-security.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from varhlh.errors import UsageError
from varhlh.online import ONLINE_SERVICES, OnlineRequest, require_online


def add_arguments(parser: argparse.ArgumentParser, annotate: bool) -> None:
    """The online options of a command (``annotate``: the triage-only annotation options)."""
    group = parser.add_argument_group("online features (opt-in; docs/validation-and-security.md)")
    if annotate:
        group.add_argument("--annotate-online", choices=ONLINE_SERVICES, metavar="SERVICE",
                           help="annotate panel-region variants online with SERVICE (vep: Ensembl VEP REST; sends "
                                "CHROM POS REF ALT only) when the VCF has no consequence annotation")
        group.add_argument("--online-optional", action="store_true",
                           help="if an online service fails, warn and continue offline (default: exit 5)")
    group.add_argument("--offline", action="store_true", help="answer online requests from the cache only")
    group.add_argument("--cache-dir", type=Path,
                       help="private cache of online responses (default: $VARHLH_CACHE_DIR, else "
                            "$XDG_CACHE_HOME/varhlh or ~/.cache/varhlh); it holds patient-derived variant lists")
    group.add_argument("--no-cache", action="store_true", help="keep online responses in memory for this run only")


def request_from_args(args: argparse.Namespace, annotate: bool) -> OnlineRequest | None:
    """The run's :class:`OnlineRequest`; None for a triage run without ``--annotate-online``."""
    if args.offline and args.no_cache:
        msg = "--offline answers from the cache only; it cannot be combined with --no-cache"
        raise UsageError(msg)
    services = (args.annotate_online,) if annotate and args.annotate_online else ()
    if annotate and not services:
        return None
    if annotate:
        require_online(f"--annotate-online {args.annotate_online}")
    return OnlineRequest(services, args.offline, bool(getattr(args, "online_optional", False)), args.cache_dir,
                         not args.no_cache)

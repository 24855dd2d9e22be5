"""Opt-in online features: PanelApp panel updates and Ensembl VEP REST annotation.

varhlh is offline by default and fully useful offline; nothing in this package runs unless the
user asks for it (``varhlh panel update``, ``varhlh triage --annotate-online vep``). This module
is deliberately light (no requests, requests-cache or pydantic import) so that the triage hot
path can name :class:`OnlineRequest` without paying for the HTTP stack.

Modules: :mod:`.http` (the one session: timeouts, TLS, retries, cache, provenance),
:mod:`.vep` (Ensembl VEP REST), :mod:`.annotate` (the triage step), :mod:`.panelapp` (PanelApp
API and the inheritance vocabulary map), :mod:`.panel_update` (new panel file and diff).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

ONLINE_SERVICES = ("vep",)
"""Values accepted by ``--annotate-online``."""


@dataclass(frozen=True)
class OnlineRequest:
    """What the user asked the online layer to do for one run."""

    services: tuple[str, ...] = ()
    """Online annotation services (``vep``); empty for commands that only fetch (panel update)."""
    offline: bool = False
    """``--offline``: answer from the cache only; a cache miss fails the step."""
    optional: bool = False
    """``--online-optional``: on failure warn, continue offline and state it in the limitations."""
    cache_dir: Path | None = None
    """``--cache-dir``; None = :func:`default_cache_dir`."""
    use_cache: bool = True
    """False with ``--no-cache``: responses are kept in memory for this run only."""


def default_cache_dir() -> Path:
    """``$VARHLH_CACHE_DIR``, else ``$XDG_CACHE_HOME/varhlh``, else ``~/.cache/varhlh``.

    Always a per-user location: the cache holds patient-derived variant lists (the VEP request
    bodies) and must never be shared.
    """
    explicit = os.environ.get("VARHLH_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "varhlh"


def add_arguments(parser: argparse.ArgumentParser, annotate: bool) -> None:
    """The online options of a command (``annotate``: the triage-only annotation options)."""
    group = parser.add_argument_group("online features (opt-in; README 'Online features (opt-in) and privacy')")
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
    from varhlh.errors import UsageError

    if args.offline and args.no_cache:
        msg = "--offline answers from the cache only; it cannot be combined with --no-cache"
        raise UsageError(msg)
    services = (args.annotate_online,) if annotate and args.annotate_online else ()
    if annotate and not services:
        return None
    return OnlineRequest(services, args.offline, bool(getattr(args, "online_optional", False)), args.cache_dir,
                         not args.no_cache)


__all__ = ["ONLINE_SERVICES", "OnlineRequest", "add_arguments", "default_cache_dir", "request_from_args"]

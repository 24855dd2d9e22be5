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

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from varhlh.errors import ConfigError

ONLINE_SERVICES = ("vep",)
"""Values accepted by ``--annotate-online``."""
ONLINE_PACKAGES = ("requests", "requests_cache", "pydantic")
"""Import names of the ``online`` extra (``pip install 'varhlh[online]'``)."""
INSTALL_ONLINE = "pip install 'varhlh[online]'"


def require_online(feature: str) -> None:
    """Refuse (exit 4, the install line, no traceback) when the ``online`` extra is not installed.

    Checked before any work, by the commands that need it (``panel update``, ``triage --annotate-online``).
    """
    missing = [name for name in ONLINE_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        msg = (f"{feature} needs the optional 'online' packages ({', '.join(missing)} not installed); "
               f"install them with: {INSTALL_ONLINE}")
        raise ConfigError(msg)


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


__all__ = ["INSTALL_ONLINE", "ONLINE_PACKAGES", "ONLINE_SERVICES", "OnlineRequest", "default_cache_dir",
           "require_online"]

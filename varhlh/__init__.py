"""varhlh: triage of sequencing variants for familial haemophagocytic lymphohistiocytosis (HLH).

The library is a chain of pipeline stages (read -> restrict to panel -> annotate -> zygosity and
phase -> classify -> decide -> report); :mod:`varhlh.pipeline` is the only place that knows their
order. varhlh is a decision-support aid: its output must be interpreted by a qualified clinician.

The public API (everything else is private by convention)::

    >>> import varhlh
    >>> result = varhlh.run(varhlh.Request(input="tests/data/vcf/prf1_hom_w374x.vcf"))
    >>> result.conclusion.primary_hlh.value, result.conclusion.transplant_workup.value
    ('confirmed', 'indicated')
    >>> document = varhlh.to_document(result)        # the typed JSON contract (varhlh.result.ResultDoc)
    >>> document.genes[0].symbol, document.genes[0].call.value
    ('PRF1', 'biallelic')
    >>> panel = varhlh.load_panel()                  # the bundled panel (or a path to your own)
    >>> panel.name, len(panel.genes) >= 40
    ('varhlh-hlh', True)
    >>> varhlh.Settings().min_gq                     # every threshold, one object
    20

Imports are lazy: ``import varhlh`` loads nothing heavy until a name is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from varhlh.panel import Panel, load_panel
    from varhlh.pipeline import Request, Result, run
    from varhlh.report.model import to_document
    from varhlh.result import ResultDoc
    from varhlh.settings import Settings, load_settings

_PUBLIC = {
    "run": "varhlh.pipeline", "Request": "varhlh.pipeline", "Result": "varhlh.pipeline",
    "load_panel": "varhlh.panel", "Panel": "varhlh.panel",
    "Settings": "varhlh.settings", "load_settings": "varhlh.settings",
    "to_document": "varhlh.report.model", "ResultDoc": "varhlh.result",
}


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        msg = f"module 'varhlh' has no attribute {name!r}"
        raise AttributeError(msg)
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = ["Panel", "Request", "Result", "ResultDoc", "Settings", "__version__", "load_panel", "load_settings",
           "run", "to_document"]

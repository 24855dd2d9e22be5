"""varhlh: triage of sequencing variants for familial haemophagocytic lymphohistiocytosis (HLH).

The library is a chain of pipeline stages (read -> restrict to panel -> annotate -> zygosity and
phase -> classify -> decide -> report); :func:`varhlh.pipeline.run` is the only place that knows
their order. varhlh is a decision-support aid: its output must be interpreted by a qualified
clinician.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]

"""Segregation with genotyped parents: which parent transmitted an allele, or that it is de novo.

A parent's call counts only when it passes ``Settings.min_gq`` / ``min_dp`` (hom-ref calls included:
a weak 0/0 cannot show that the parent does not carry the allele); a no-call or partial call leaves
transmission unknown. Both parents carrying the allele is ambiguous.
"""

from __future__ import annotations

from varhlh.models import Family, Origin, SampleCall, VariantResult, Zygosity
from varhlh.settings import Settings


def segregation(v: VariantResult, family: Family, settings: Settings) -> str | None:
    """Transmission of a carried allele when both parents are genotyped (de novo reported as such)."""
    if family.father is None or family.mother is None or not v.genotype.zygosity.carried:
        return None
    return origin(v, family, settings)[1]


def low_quality(call: SampleCall, settings: Settings) -> bool:
    """A relative's call (hom-ref included) too weak to tell transmission."""
    return (call.gq is not None and call.gq < settings.min_gq) or (call.dp is not None and call.dp < settings.min_dp)


def origin(v: VariantResult, family: Family, settings: Settings) -> tuple[Origin | None, str]:
    """Which parent transmitted the allele, with the evidence sentence (None = cannot tell)."""
    calls = {role_: v.family.get(sample) if sample else None
             for role_, sample in (("father", family.father), ("mother", family.mother))}
    for role_, c in calls.items():
        if c is not None and c.call is not None and low_quality(c.call, settings):
            return None, (f"the {role_}'s genotype at {v.id} is low quality (GQ {c.call.gq}, DP {c.call.dp}): "
                          "transmission unknown")
    status = {role_: (None if c is None or c.zygosity in (Zygosity.NO_CALL, Zygosity.PARTIAL) else c.zygosity.carried)
              for role_, c in calls.items()}
    if None in status.values():
        who = next(r for r, s in status.items() if s is None)
        return None, f"{who} not genotyped (no-call) at {v.id}: transmission unknown"
    if status["father"] and not status["mother"]:
        return Origin.FATHER, f"{v.id} inherited from the father"
    if status["mother"] and not status["father"]:
        return Origin.MOTHER, f"{v.id} inherited from the mother"
    if not status["father"] and not status["mother"]:
        return Origin.DE_NOVO, f"{v.id} is absent from both parents: apparently de novo"
    return Origin.BOTH, f"{v.id} is carried by both parents: transmission ambiguous"

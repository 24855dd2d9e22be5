"""What one carried allele can do in a gene rule: its role.

* ``qualifying`` — pathogenic or likely pathogenic: can be one of two hits;
* ``hypomorph`` — a curated hypomorphic risk allele (PRF1 c.272C>T p.(Ala91Val)): counts only in trans
  with a qualifying allele, never on its own;
* ``vus`` — a reportable variant of uncertain significance: counts only as the second allele of a
  qualifying one (a genotype with it is at most 'suspected').
"""

from __future__ import annotations

from varhlh.models import Classification, DiagnosticWeight, Role, VariantResult


def role(v: VariantResult) -> Role | None:
    """The role of one allele carried by the proband (None: not carried, or benign / not reportable)."""
    if not v.genotype.zygosity.carried:
        return None
    interpretation = v.interpretation
    if interpretation.classification.is_pathogenic:
        return Role.QUALIFYING
    if interpretation.weight is DiagnosticWeight.HYPOMORPH:
        return Role.HYPOMORPH
    if interpretation.classification is Classification.UNCERTAIN and interpretation.reportable:
        return Role.VUS
    return None

"""What one carried allele can do in a gene rule: its role.

* ``qualifying`` — pathogenic or likely pathogenic: can be one of two hits;
* ``hypomorph`` — a curated hypomorphic risk allele (PRF1 c.272C>T p.(Ala91Val)): counts only in trans
  with a qualifying allele, never on its own;
* ``vus`` — a variant of uncertain significance that may be a second hit (:func:`pairing_barrier` is None):
  counts only as the second allele of a qualifying one (at most 'suspected'), or, two of them, as a
  ``biallelic_vus`` call that asks for a functional test.

Henter 2024 (Table 4) keeps the 'suspicion' row for a *rare missense or non-coding* second allele. An allele
is not that when its effect is unknown (``not_assessed``: never a role), when it changes no amino acid
outside the splice region (not reportable), when it is common, or when no frequency source that looked at
its position says it is rare: such an allele never forms a pair, and :func:`pairing_barrier` says why.

==========================================  ==================  ============================================
allele (carried)                            role                why not a second hit
==========================================  ==================  ============================================
P or LP                                     qualifying
curated hypomorph                           hypomorph
VUS: missense / in-frame / splice region,   vus
rare by a source covering the position
VUS as above, curated (frequency-exempt)    vus
VUS, no frequency source                    none                frequency unknown
VUS, exome-only source, outside the exome   none                the source did not look there
VUS, AF >= ``bs1_supporting_af``            none                too common for a recessive HLH allele
synonymous / deep intronic / UTR            none                (not reportable: listed with its set-aside)
effect unknown (not assessed)               none                (listed as not assessed)
benign, likely benign, not carried          none
==========================================  ==================  ============================================
"""

from __future__ import annotations

from varhlh.annotate.evidence import not_rare
from varhlh.models import Classification, DiagnosticWeight, Interpretation, Role, VariantResult
from varhlh.settings import Settings


def role(v: VariantResult, settings: Settings) -> Role | None:
    """The role of one allele carried by the proband (None: not carried, or it cannot count; table above)."""
    if not v.genotype.zygosity.carried:
        return None
    interpretation = v.interpretation
    if interpretation.classification.is_pathogenic:
        return Role.QUALIFYING
    if interpretation.weight is DiagnosticWeight.HYPOMORPH:
        return Role.HYPOMORPH
    if interpretation.classification is Classification.UNCERTAIN and interpretation.reportable \
            and pairing_barrier(v, settings) is None:
        return Role.VUS
    return None


def never_read(interpretation: Interpretation) -> bool:
    """An allele's first-pass classification that nothing after classification reads, whatever its zygosity: set
    aside (benign, not carried, synonymous, non-coding…), not reportable, not 'not assessed', not pathogenic and not
    a hypomorph. Such an allele has no role (table above), is no PM3/BP2 partner or candidate (pathogenic partners,
    reportable candidates), no gene rule reads it (rules read alleles with a role or reportable), and it is not among
    the alleles not assessed: a cohort lists it in ``set_aside`` without interpreting it per sample."""
    return (interpretation.set_aside is not None and not interpretation.reportable
            and not interpretation.not_assessed and not interpretation.classification.is_pathogenic
            and interpretation.weight is not DiagnosticWeight.HYPOMORPH)


def pairing_barrier(v: VariantResult, settings: Settings) -> str | None:
    """Why a carried, reportable VUS cannot be counted as a second hit; None when it can (table above)."""
    annotation = v.annotation
    if annotation.known is not None and annotation.known.frequency_exempt:
        return None
    why = not_rare(annotation.frequency, annotation.consequence, settings.bs1_supporting_af)
    if why is None:
        return None
    name = annotation.hgvs_c or v.id
    return f"{name} is a variant of uncertain significance but {why}: it cannot be counted as a second hit"

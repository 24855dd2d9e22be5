"""Phase of two alleles in one gene (:func:`phase_of_pair`), always with the evidence named.

* trans — a multi-allelic ``1/2`` call; phased genotypes on opposite haplotypes of the same
  phase set (PS; a phased GT without PS is trusted only with ``Settings.trust_phase_without_ps``);
  GATK PGT/PID with the same PID; genotyped parents showing one allele from each;
* cis — the same haplotype of one phase set; both alleles from one parent; or two alleles so
  close (``Settings.cis_proximity_bp`` or one codon) that they are probably one event on one
  read — flagged for review rather than counted as two hits;
* unknown — everything else (different phase sets, a parent missing, no-call or low quality,
  singletons, conflicting evidence). Unknown phase never yields ``biallelic``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from varhlh.inheritance.segregation import origin
from varhlh.models import Family, Origin, Phase, VariantResult
from varhlh.settings import Settings


@dataclass(frozen=True)
class PhaseCall:
    phase: Phase
    evidence: tuple[str, ...]


PhaseRule = Callable[[VariantResult, VariantResult, Family, Settings], PhaseCall | None]


def same_record_phase(a: VariantResult, b: VariantResult, family: Family, settings: Settings) -> PhaseCall | None:
    """Two ALTs of one record carried together (``1/2``) lie on different haplotypes."""
    if a.allele.record is not b.allele.record:
        return None
    genotype = a.genotype.genotype
    return PhaseCall(Phase.TRANS, (f"multi-allelic genotype {genotype} at {a.allele.record.chrom}:"
                                   f"{a.allele.record.pos}: the two ALT alleles are on different haplotypes",))


def same_position_phase(a: VariantResult, b: VariantResult, family: Family, settings: Settings) -> PhaseCall | None:
    """Two different SNV ALTs at one position (a split ``1/2``) cannot share a haplotype: trans."""
    ra, rb = a.allele.record, b.allele.record
    diploid = a.genotype.call is not None and b.genotype.call is not None and \
        a.genotype.call.ploidy == 2 and b.genotype.call.ploidy == 2
    if (ra.chrom, ra.pos) != (rb.chrom, rb.pos) or a.allele.alt == b.allele.alt or not diploid:
        return None
    if len(ra.ref) != 1 or len(rb.ref) != 1 or len(a.allele.alt) != 1 or len(b.allele.alt) != 1:
        return None
    return PhaseCall(Phase.TRANS, (f"{a.id} and {b.id} are two different alleles at one position (a split "
                                   "multi-allelic site): they are on different haplotypes",))


def proximity_phase(a: VariantResult, b: VariantResult, family: Family, settings: Settings) -> PhaseCall | None:
    """Alleles within ``cis_proximity_bp`` or in one codon: probably one event on one read."""
    distance = abs(a.allele.record.pos - b.allele.record.pos)
    codon_a, codon_b = _codon(a), _codon(b)
    same_codon = codon_a is not None and codon_a == codon_b
    if distance > settings.cis_proximity_bp and not same_codon:
        return None
    why = f"in the same codon ({codon_a})" if same_codon else f"{distance} bp apart (<= {settings.cis_proximity_bp} bp)"
    return PhaseCall(Phase.CIS, (f"{a.id} and {b.id} are {why}: probably one event on one haplotype, not two "
                                 "hits; flagged for manual review of the reads",))


def phase_set_phase(a: VariantResult, b: VariantResult, family: Family, settings: Settings) -> PhaseCall | None:
    """Phased genotypes (``|``) in the same phase set: opposite haplotypes = trans, same = cis."""
    ca, cb = a.genotype.call, b.genotype.call
    if ca is None or cb is None or not ca.phased or not cb.phased:
        return None
    if (ca.phase_set is None or cb.phase_set is None) and not settings.trust_phase_without_ps:
        return PhaseCall(Phase.UNKNOWN, (f"phased genotypes {ca.genotype} and {cb.genotype} without a PS phase set: "
                                         "statistical phasing is unreliable for rare variants, so phase is unknown "
                                         "(set trust_phase_without_ps for read-backed or pedigree-phased files)",))
    set_a, set_b = ca.phase_set or "file-wide", cb.phase_set or "file-wide"
    if set_a != set_b:
        return PhaseCall(Phase.UNKNOWN, (f"phased genotypes in different phase sets (PS {set_a} vs {set_b}): "
                                         "phase between the sets is unknown",))
    side_a, side_b = _side(ca.alleles, a.allele.alt_index), _side(cb.alleles, b.allele.alt_index)
    if side_a is None or side_b is None:
        return None
    phase = Phase.TRANS if side_a != side_b else Phase.CIS
    label = "phase set " + (f"PS={set_a}" if ca.phase_set else "without PS (one file-wide set, VCF spec)")
    return PhaseCall(phase, (f"phased genotypes {ca.genotype} and {cb.genotype} in {label}: "
                             f"{'opposite' if phase is Phase.TRANS else 'the same'} haplotype(s)",))


def gatk_phase(a: VariantResult, b: VariantResult, family: Family, settings: Settings) -> PhaseCall | None:
    """GATK read-backed phasing: same PID, PGT haplotypes compared."""
    ca, cb = a.genotype.call, b.genotype.call
    if ca is None or cb is None or not ca.pid or not cb.pid or not ca.pgt or not cb.pgt:
        return None
    if ca.pid != cb.pid:
        return PhaseCall(Phase.UNKNOWN, (f"GATK phasing blocks differ (PID {ca.pid} vs {cb.pid})",))
    side_a, side_b = _side(_pgt(ca.pgt), 1), _side(_pgt(cb.pgt), 1)
    if side_a is None or side_b is None:
        return None
    phase = Phase.TRANS if side_a != side_b else Phase.CIS
    return PhaseCall(phase, (f"GATK read-backed phasing (PID {ca.pid}; PGT {ca.pgt} and {cb.pgt}): "
                             f"{'opposite' if phase is Phase.TRANS else 'the same'} haplotype(s)",))


def parental_phase(a: VariantResult, b: VariantResult, family: Family, settings: Settings) -> PhaseCall | None:
    """Transmission from genotyped parents: one allele from each = trans; both from one = cis."""
    if family.father is None and family.mother is None:
        return None
    if family.father is None or family.mother is None:
        present = family.father or family.mother
        return PhaseCall(Phase.UNKNOWN, (f"only one parent ({present}) is genotyped: phase cannot be "
                                         "established by inheritance",))
    origins = [origin(v, family, settings) for v in (a, b)]
    missing = [text for v, (origin, text) in zip((a, b), origins, strict=True) if origin is None]
    if missing:
        return PhaseCall(Phase.UNKNOWN, tuple(missing))
    (oa, ta), (ob, tb) = origins
    if oa in (Origin.FATHER, Origin.MOTHER) and ob in (Origin.FATHER, Origin.MOTHER):
        phase = Phase.TRANS if oa != ob else Phase.CIS
        return PhaseCall(phase, (ta, tb))
    return PhaseCall(Phase.UNKNOWN, (ta, tb))


PHASE_RULES: tuple[PhaseRule, ...] = (phase_set_phase, gatk_phase, parental_phase)


def phase_of_pair(a: VariantResult, b: VariantResult, family: Family, settings: Settings) -> PhaseCall:
    """Combine the phase rules: multi-allelic and proximity decide alone; others must agree."""
    for decisive in (same_record_phase, same_position_phase, proximity_phase):
        call = decisive(a, b, family, settings)
        if call is not None:
            return call
    calls = [c for rule in PHASE_RULES if (c := rule(a, b, family, settings)) is not None]
    evidence = tuple(e for c in calls for e in c.evidence)
    known = {c.phase for c in calls if c.phase in (Phase.TRANS, Phase.CIS)}
    if len(known) == 1:
        return PhaseCall(known.pop(), evidence)
    if len(known) > 1:
        return PhaseCall(Phase.UNKNOWN, ("conflicting phase evidence:", *evidence))
    return PhaseCall(Phase.UNKNOWN, evidence or ("unphased genotypes and no parental genotypes: phase unknown",))


def _side(alleles: tuple[int | None, ...], alt_index: int) -> int | None:
    sides = [i for i, a in enumerate(alleles) if a == alt_index]
    return sides[0] if len(sides) == 1 else None


def _pgt(pgt: str) -> tuple[int | None, ...]:
    return tuple(None if a == "." else int(a) for a in pgt.replace("/", "|").split("|") if a)


def _codon(v: VariantResult) -> int | None:
    hgvs = v.annotation.hgvs_c or ""
    digits = hgvs[2:].split("_")[0].rstrip("ACGTacgt>delins")
    return (int(digits) - 1) // 3 + 1 if digits.isdigit() else None

"""Zygosity -> phase -> gene call: the inheritance rules, one small function each.

Phase of two alleles in one gene (:func:`phase_of_pair`), always with the evidence named:

* trans — a multi-allelic ``1/2`` call; phased genotypes on opposite haplotypes of the same
  phase set (PS; a phased GT without PS belongs to the file-wide set, VCF spec); GATK PGT/PID
  with the same PID; parents showing one allele from each;
* cis — the same haplotype of one phase set; both alleles from one parent; or two alleles so
  close (``Settings.cis_proximity_bp`` or one codon) that they are probably one event on one
  read — flagged for review rather than counted as two hits;
* unknown — everything else (different phase sets, a parent missing or no-call, singletons,
  conflicting evidence). Unknown phase never yields ``biallelic``.

Allele roles: *qualifying* = pathogenic/likely pathogenic; *hypomorph* = curated hypomorphic
risk allele (PRF1 p.A91V: counts only in trans with a qualifying allele); *vus* = a reportable
variant of uncertain significance (counts only as the second allele of a qualifying one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations

from varhlh.models import (
    Classification,
    DiagnosticWeight,
    GeneCall,
    GeneResult,
    Inheritance,
    Phase,
    SampleCall,
    Sex,
    Strength,
    VariantResult,
    Zygosity,
)
from varhlh.settings import Settings


@dataclass(frozen=True)
class Family:
    """The proband's relatives present in the VCF (sample IDs)."""

    father: str | None = None
    mother: str | None = None
    unaffected_siblings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhaseCall:
    phase: Phase
    evidence: tuple[str, ...]


PhaseRule = Callable[[VariantResult, VariantResult, Family, Settings], PhaseCall | None]


# ------------------------------------------------------------------------------ roles


def role(v: VariantResult) -> str | None:
    """'qualifying', 'hypomorph', 'vus' or None for one allele carried by the proband."""
    if not v.genotype.zygosity.carried:
        return None
    interpretation = v.interpretation
    if interpretation.classification.is_pathogenic:
        return "qualifying"
    if interpretation.weight is DiagnosticWeight.HYPOMORPH:
        return "hypomorph"
    if interpretation.classification is Classification.UNCERTAIN and interpretation.reportable:
        return "vus"
    return None


# ------------------------------------------------------------------------------ phase rules


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
    origins = [_origin(v, family, settings) for v in (a, b)]
    missing = [text for v, (origin, text) in zip((a, b), origins, strict=True) if origin is None]
    if missing:
        return PhaseCall(Phase.UNKNOWN, tuple(missing))
    (oa, ta), (ob, tb) = origins
    if oa in ("father", "mother") and ob in ("father", "mother"):
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


# ------------------------------------------------------------------------------ gene rules


def rule_ar(variants: Sequence[VariantResult], family: Family, settings: Settings) -> GeneResult:
    """Autosomal recessive.

    * a qualifying allele homozygous -> biallelic (homozygous);
    * two qualifying alleles in trans -> biallelic; phase unknown -> possible_biallelic;
      only in cis -> monoallelic;
    * one qualifying allele + a hypomorph or VUS: trans -> biallelic, unknown -> possible_biallelic
      (both only 'suspected'), cis -> monoallelic;
    * a hypomorph homozygous or alone, VUS only, nothing -> none.
    Strength: biallelic with both alleles of full weight and no quality flag -> confirmed;
    any other biallelic or possible_biallelic -> suspected; else undetermined.
    """
    gene, carried = _gene_and_carried(variants)
    qualifying = [v for v in carried if role(v) == "qualifying"]
    for v in qualifying:
        if v.genotype.zygosity is Zygosity.HOM:
            return _biallelic(gene, (v, v), Phase.HOMOZYGOUS, (f"{v.id} is homozygous ({v.genotype.genotype})",))
    haploid = [v for v in qualifying if v.genotype.zygosity is Zygosity.HEMI]
    if haploid:
        v = haploid[0]
        return _result(gene, GeneCall.POSSIBLE_BIALLELIC, Phase.UNKNOWN, ("haploid call on an autosome",), (v,),
                       Strength.SUSPECTED, (f"{v.id} has a haploid genotype ({v.genotype.genotype}) on an "
                                            "autosome: possibly hemizygous over a deletion; verify the other allele",))
    best = _best_pair(qualifying, [v for v in carried if role(v) in ("hypomorph", "vus")], family, settings)
    if best is not None:
        (a, b), call = best
        if call.phase is Phase.TRANS:
            return _biallelic(gene, (a, b), Phase.TRANS, call.evidence)
        if call.phase is Phase.UNKNOWN:
            return _result(gene, GeneCall.POSSIBLE_BIALLELIC, Phase.UNKNOWN, call.evidence, (a, b), Strength.SUSPECTED,
                           (f"{a.id} and {b.id} may be compound heterozygous but their phase is unknown: test the "
                            "parents (or use read-backed/long-read phasing) before calling the genotype biallelic",))
        return _result(gene, GeneCall.MONOALLELIC, Phase.CIS, call.evidence, (a, b), Strength.UNDETERMINED,
                       (f"{a.id} and {b.id} are in cis (one haplotype): together they count as one allele",))
    return _single_or_none(gene, carried, qualifying)


def rule_xl(variants: Sequence[VariantResult], sex: Sex, family: Family, settings: Settings) -> GeneResult:
    """X-linked.

    * male: a qualifying allele hemizygous (haploid ``1`` or diploid ``1/1``) -> hemizygous; a
      heterozygous call is flagged (mosaicism, mix-up, mis-mapping), never made hemizygous ->
      heterozygous_xl, undetermined;
    * female: heterozygous -> heterozygous_xl (carrier; XIAP carriers can be mildly affected);
      homozygous or two qualifying alleles in trans -> biallelic (treated as affected);
    * sex unknown: haploid call -> hemizygous; homozygous -> biallelic; heterozygous -> heterozygous_xl,
      each saying that sex is unknown.
    """
    gene, carried = _gene_and_carried(variants)
    qualifying = [v for v in carried if role(v) == "qualifying"]
    hemi = [v for v in qualifying if v.genotype.zygosity is Zygosity.HEMI and sex is not Sex.FEMALE]
    if hemi:
        v = hemi[0]
        note = "" if sex is Sex.MALE else " (sex unknown: a haploid call implies a single X)"
        return _graded(gene, GeneCall.HEMIZYGOUS, Phase.NOT_APPLICABLE, (v,),
                       (f"{v.id} is hemizygous ({v.genotype.genotype}){note}",))
    if sex is not Sex.MALE:
        female = rule_ar(variants, family, settings)
        if female.call is GeneCall.BIALLELIC:
            note = " (sex unknown: homozygous/biallelic X genotype is disease-consistent in either sex)" \
                if sex is Sex.UNKNOWN else " (female with biallelic X-linked genotype: treated as affected)"
            return _replace_reasons(female, (*female.reasons, f"{gene.symbol}: {female.call}{note}"))
    if qualifying:
        v = qualifying[0]
        if sex is Sex.MALE:
            why = (f"{v.id} is heterozygous ({v.genotype.genotype}) in a male outside the pseudoautosomal region: "
                   "possible mosaicism, sample mix-up or mis-mapping; not treated as hemizygous")
        else:
            why = f"{v.id} is heterozygous on chrX: carrier" + ("" if sex is Sex.FEMALE else " (sex unknown)")
            if gene.symbol == "XIAP":
                why += "; XIAP carriers can be mildly affected (skewed X-inactivation)"
        return _result(gene, GeneCall.HETEROZYGOUS_XL, Phase.NOT_APPLICABLE, (), (v,), Strength.UNDETERMINED, (why,))
    return _single_or_none(gene, carried, qualifying)


def rule_ad(variants: Sequence[VariantResult]) -> GeneResult:
    """Autosomal dominant: one qualifying allele -> dominant. In gain-of-function genes only known
    activating alleles can qualify (PVS1 never applies there, so a qualifying allele must come
    from the curated table or strong ClinVar evidence)."""
    gene, carried = _gene_and_carried(variants)
    qualifying = [v for v in carried if role(v) == "qualifying"]
    if qualifying:
        v = qualifying[0]
        return _graded(gene, GeneCall.DOMINANT, Phase.NOT_APPLICABLE, (v,),
                       (f"{v.id} ({v.genotype.genotype}) is a qualifying allele in a dominant gene",))
    return _single_or_none(gene, carried, qualifying)


def gene_result(variants: Sequence[VariantResult], sex: Sex, family: Family, settings: Settings) -> GeneResult:
    """Dispatch to the rule for the gene's inheritance."""
    inheritance = variants[0].allele.gene.inheritance
    if inheritance is Inheritance.XL:
        result = rule_xl(variants, sex, family, settings)
    elif inheritance is Inheritance.AD:
        result = rule_ad(variants)
    else:
        result = rule_ar(variants, family, settings)
    against = _unaffected_carriers(result, variants, family)
    return _replace_reasons(result, (*result.reasons, *against)) if against else result


# ------------------------------------------------------------------------------ helpers


@dataclass(frozen=True)
class _Gene:
    symbol: str
    inheritance: Inheritance


def _gene_and_carried(variants: Sequence[VariantResult]) -> tuple[_Gene, list[VariantResult]]:
    gene = variants[0].allele.gene
    carried = [v for v in variants if role(v) is not None]
    return _Gene(gene.symbol, gene.inheritance), carried


def _best_pair(qualifying: list[VariantResult], seconds: list[VariantResult], family: Family,
               settings: Settings) -> tuple[tuple[VariantResult, VariantResult], PhaseCall] | None:
    """The most informative pair: trans > unknown > cis, then two qualifying before qualifying + other
    (so two qualifying alleles in cis do not hide a qualifying allele in trans with a VUS)."""
    order = {Phase.TRANS: 0, Phase.UNKNOWN: 1, Phase.CIS: 2}
    pools = (list(combinations(qualifying, 2)), [(q, s) for q in qualifying for s in seconds])
    scored = [((order[call.phase], rank), pair, call) for rank, pool in enumerate(pools) for pair in pool
              if (call := phase_of_pair(pair[0], pair[1], family, settings))]
    if not scored:
        return None
    _, pair, call = min(scored, key=lambda item: item[0])
    return pair, call


def _biallelic(gene: _Gene, pair: tuple[VariantResult, VariantResult], phase: Phase,
               evidence: tuple[str, ...]) -> GeneResult:
    return _graded(gene, GeneCall.BIALLELIC, phase, pair, (f"biallelic: {'; '.join(evidence)}",), evidence)


def _graded(gene: _Gene, call: GeneCall, phase: Phase, alleles: Sequence[VariantResult],
            reasons: tuple[str, ...], evidence: tuple[str, ...] = ()) -> GeneResult:
    """Confirmed only when every driving allele is of full weight and free of quality flags."""
    unique = list({v.id: v for v in alleles}.values())
    weak = [f"{v.id} is {v.interpretation.classification} with diagnostic weight {v.interpretation.weight}"
            for v in unique if v.interpretation.weight is not DiagnosticWeight.FULL]
    flagged = [f"{v.id} has quality flags ({', '.join(v.quality_flags)}): confirm it by an orthogonal method"
               for v in unique if v.quality_flags]
    unchecked = [f"{v.id}: population frequency not assessed (no frequency annotation or --gnomad); check it "
                 "before acting on this result" for v in unique
                 if v.annotation.frequency is None and v.annotation.known is None]
    strength = Strength.SUSPECTED if weak or flagged else Strength.CONFIRMED
    more = tuple(weak) + tuple(flagged)
    if strength is Strength.SUSPECTED and weak:
        more = (*more, "at least one allele is missense, non-coding, hypomorphic or uncertain: suspicion of "
                       "primary HLH, functional validation recommended (Henter 2024)")
    return _result(gene, call, phase, evidence, unique, strength, (*reasons, *more, *unchecked))


def _single_or_none(gene: _Gene, carried: list[VariantResult], qualifying: list[VariantResult]) -> GeneResult:
    if qualifying:
        v = qualifying[0]
        return _result(gene, GeneCall.MONOALLELIC, Phase.NOT_APPLICABLE, (), (v,), Strength.UNDETERMINED,
                       (f"one qualifying allele ({v.id}, {v.genotype.genotype}): carrier; not diagnostic on its own",))
    hypomorphs = [v for v in carried if role(v) == "hypomorph"]
    if any(v.genotype.zygosity is Zygosity.HOM for v in hypomorphs):
        v = next(v for v in hypomorphs if v.genotype.zygosity is Zygosity.HOM)
        return _result(gene, GeneCall.NONE, Phase.HOMOZYGOUS, (), (v,), Strength.UNDETERMINED,
                       (f"{v.id} is a hypomorphic risk allele, homozygous: not diagnostic by genotype alone; "
                        "functional testing recommended (hlh-domain.md §2.2, §4.2)",))
    if carried:
        kinds = ", ".join(f"{v.id} ({role(v)})" for v in carried)
        return _result(gene, GeneCall.NONE, Phase.NOT_APPLICABLE, (), carried, Strength.UNDETERMINED,
                       (f"no qualifying allele; found {kinds}: not diagnostic",))
    return _result(gene, GeneCall.NONE, Phase.NOT_APPLICABLE, (), (), Strength.UNDETERMINED, ())


def _result(gene: _Gene, call: GeneCall, phase: Phase, evidence: tuple[str, ...], alleles: Sequence[VariantResult],
            strength: Strength, reasons: tuple[str, ...]) -> GeneResult:
    ids = tuple(dict.fromkeys(v.id for v in alleles))
    return GeneResult(gene.symbol, gene.inheritance, call, phase, evidence, ids, strength, reasons)


def _replace_reasons(result: GeneResult, reasons: tuple[str, ...]) -> GeneResult:
    return GeneResult(result.symbol, result.inheritance, result.call, result.phase, result.phase_evidence,
                      result.variant_ids, result.strength, reasons)


def _unaffected_carriers(result: GeneResult, variants: Sequence[VariantResult], family: Family) -> tuple[str, ...]:
    """An unaffected sibling with the same biallelic genotype is evidence against it."""
    if result.call not in (GeneCall.BIALLELIC, GeneCall.POSSIBLE_BIALLELIC, GeneCall.HEMIZYGOUS):
        return ()
    driving = [v for v in variants if v.id in result.variant_ids]
    notes = []
    for sibling in family.unaffected_siblings:
        calls = [v.family.get(sibling) for v in driving]
        if calls and all(c is not None and c.zygosity.carried for c in calls):
            if len(driving) == 1 and calls[0] is not None and calls[0].zygosity is not Zygosity.HOM \
                    and result.call is not GeneCall.HEMIZYGOUS:
                continue
            notes.append(f"unaffected sibling {sibling} carries the same genotype: evidence against this genotype "
                         "being fully penetrant (or the sibling is pre-symptomatic: evaluate them)")
    return tuple(notes)


def segregation(v: VariantResult, family: Family, settings: Settings) -> str | None:
    """Transmission of a carried allele when both parents are genotyped (de novo reported as such)."""
    if family.father is None or family.mother is None or not v.genotype.zygosity.carried:
        return None
    return _origin(v, family, settings)[1]


def _low_quality(call: SampleCall, settings: Settings) -> bool:
    """A relative's call (hom-ref included) too weak to tell transmission."""
    return (call.gq is not None and call.gq < settings.min_gq) or (call.dp is not None and call.dp < settings.min_dp)


def _origin(v: VariantResult, family: Family, settings: Settings) -> tuple[str | None, str]:
    """Which parent transmitted the allele, with the evidence sentence (None = cannot tell)."""
    calls = {role_: v.family.get(sample) if sample else None
             for role_, sample in (("father", family.father), ("mother", family.mother))}
    for role_, c in calls.items():
        if c is not None and c.call is not None and _low_quality(c.call, settings):
            return None, (f"the {role_}'s genotype at {v.id} is low quality (GQ {c.call.gq}, DP {c.call.dp}): "
                          "transmission unknown")
    status = {role_: (None if c is None or c.zygosity in (Zygosity.NO_CALL, Zygosity.PARTIAL) else c.zygosity.carried)
              for role_, c in calls.items()}
    if None in status.values():
        who = next(r for r, s in status.items() if s is None)
        return None, f"{who} not genotyped (no-call) at {v.id}: transmission unknown"
    if status["father"] and not status["mother"]:
        return "father", f"{v.id} inherited from the father"
    if status["mother"] and not status["father"]:
        return "mother", f"{v.id} inherited from the mother"
    if not status["father"] and not status["mother"]:
        return "de_novo", f"{v.id} is absent from both parents: apparently de novo"
    return "both", f"{v.id} is carried by both parents: transmission ambiguous"


def _side(alleles: tuple[int | None, ...], alt_index: int) -> int | None:
    sides = [i for i, a in enumerate(alleles) if a == alt_index]
    return sides[0] if len(sides) == 1 else None


def _pgt(pgt: str) -> tuple[int | None, ...]:
    return tuple(None if a == "." else int(a) for a in pgt.replace("/", "|").split("|") if a)


def _codon(v: VariantResult) -> int | None:
    hgvs = v.annotation.hgvs_c or ""
    digits = hgvs[2:].split("_")[0].rstrip("ACGTacgt>delins")
    return (int(digits) - 1) // 3 + 1 if digits.isdigit() else None

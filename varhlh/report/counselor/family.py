"""Family implications in plain words, restated from the result's gene calls and relatives' genotypes.

Rules of inheritance (general genetics; docs/clinical-basis.md, section 7), worded per genotype class:

* autosomal recessive, biallelic: each parent expected to carry one variant — or, when the parents were genotyped,
  what their genotypes show (observed, never "presumed" above the observation); each further child 1 in 4 affected;
  siblings tested before donating (a sibling with the same genotype is affected); prenatal diagnosis and PGT-M;
* biallelic with a reduced-function (hypomorphic) allele: 1 in 4 chance of the *same genotype*, whose effect is
  uncertain; siblings should not donate without specialist review; no PGT-M offered by default;
* biallelic_vus: neither affected nor carrier until a functional test decides; relatives are not tested
  predictively for a variant of uncertain significance;
* X-linked: a carrier mother passes the variant to half her sons (affected) and half her daughters (carriers);
  carrier women and untested male relatives must not donate; a mother genotyped without the variant points to a
  new (de novo) variant or mosaicism;
* dominant: each child 1 in 2.

Which rule applies is read from ``genes[].inheritance``, ``call`` and the alleles' ``diagnostic_weight``; nothing
is recomputed. The "what a carrier result means" box is shown only when carriers are part of the result, titled for
the patient (a carrier result) or for relatives (a confirmed result in which relatives may be carriers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from varhlh.report.counselor import words
from varhlh.report.counselor.findings import hypomorphic
from varhlh.result import GeneDoc, ResultDoc, SampleDoc, VariantDoc

CARRIED = ("het", "hom", "hemi", "partial")
AR_RISK = ("Each further child of the same parents has a 1 in 4 (25 %) chance of inheriting both variants "
           "(affected), a 1 in 2 (50 %) chance of being a healthy carrier and a 1 in 4 (25 %) chance of "
           "inheriting neither. Prenatal diagnosis and pre-implantation genetic testing (PGT-M) are possible.")
SIBLINGS = ("Every brother and sister should be tested for the familial variants before any of them is "
            "considered as a stem-cell donor: a sibling with the same genotype is affected (possibly without "
            "symptoms yet), must not donate, and needs evaluation.")
EXPECTED_AR = "Each parent is expected to carry one of the two variants; carrier testing of the parents confirms this."
HYPOMORPH_RISK = ("Each further child of the same parents has a 1 in 4 (25 %) chance of inheriting the same "
                  "genotype, whose effect is uncertain: it may cause HLH, a milder or later illness, or none. "
                  "Reproductive options are best discussed with a genetic counsellor once the functional tests "
                  "have clarified the patient's genotype.")
HYPOMORPH_SIBLINGS = ("Brothers and sisters should be tested for both variants before any of them is considered "
                      "as a stem-cell donor; a sibling with the same genotype should not donate without specialist "
                      "review (and may need functional testing themselves).")


@dataclass(frozen=True)
class FamilyNote:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class CarrierBox:
    title: str
    means: tuple[str, ...]
    does_not_mean: tuple[str, ...]


def relatives(sample: SampleDoc) -> dict[str, str]:
    """Relative sample IDs from ``sample.family`` mapped to their role (father, mother, sibling)."""
    family = sample.family
    roles = {s: "Unaffected sibling" for s in family.unaffected_siblings}
    for role, pid in (("Father", family.father), ("Mother", family.mother)):
        if pid:
            roles[pid] = role
    return roles


def family_notes(doc: ResultDoc, genes: Sequence[GeneDoc]) -> tuple[FamilyNote, ...]:
    notes = [note for gene in genes if (note := _gene_note(gene, doc)) is not None]
    vus_genes = {g.symbol for g in genes if g.call == "biallelic_vus"}
    if any(v.reportable and v.classification == "uncertain" and v.gene not in vus_genes for v in doc.variants):
        notes.append(FamilyNote("Variants of uncertain significance", (
            "A variant of uncertain significance is not used to test relatives or to make decisions about "
            "pregnancies. Testing the parents (and affected or unaffected siblings) can help to reclassify it.",)))
    if not notes:
        notes.append(FamilyNote("Relatives", (
            "This result has no direct implications for relatives. If a genetic cause is found later (for "
            "example by further testing), relatives can then be offered testing.",)))
    return tuple(notes)


def carrier_box(doc: ResultDoc, genes: Sequence[GeneDoc]) -> CarrierBox | None:
    """The box explaining carriers, only when carriers are part of this result."""
    patient_carrier = any(g.call in ("monoallelic", "heterozygous_xl") or (g.phase == "cis" and g.call != "none")
                          for g in genes)
    relatives_carriers = any(g.call in ("biallelic", "hemizygous", "possible_biallelic") for g in genes)
    if not (patient_carrier or relatives_carriers):
        return None
    xl = any(g.inheritance == "XL" for g in genes if g.call != "none")
    means = ["One copy of a gene is altered; the other copy works."]
    means.append("For an X-linked gene, carrier women are usually well (for XIAP, symptoms are possible); their "
                 "sons each have a 1 in 2 chance of inheriting the variant." if xl else
                 "For a recessive gene, carriers are usually healthy.")
    means.append("The variant can be passed on: relatives may be carriers, and a partner can be offered testing "
                 "when planning a family.")
    not_mean = ["It does not mean the person has, or will get, HLH."]
    if patient_carrier:
        not_mean.append("On its own it does not explain an HLH episode: carriers are also found in secondary HLH.")
        not_mean.append("It does not rule out a second variant that this test cannot see (see what this test "
                        "cannot see).")
    else:
        not_mean.append("A carrier relative is not affected, but for an X-linked gene must not be a stem-cell donor."
                        if xl else "A carrier brother or sister can usually be a stem-cell donor, at the "
                                   "transplant centre's discretion.")
    title = ("What a carrier result means" if patient_carrier else
             "For relatives who are found to be carriers: what a carrier result means")
    return CarrierBox(title, tuple(means), tuple(not_mean))


def _gene_note(gene: GeneDoc, doc: ResultDoc) -> FamilyNote | None:
    symbol, call, phase = gene.symbol, gene.call, gene.phase
    title = f"{symbol}: {gene.disease or 'HLH gene'}"
    by_id = {v.id: v for v in doc.variants}
    alleles = [by_id[i] for i in gene.variant_ids if i in by_id]
    parents = _parents(doc, alleles)
    observed = _observed(alleles, doc, skip_parents=bool(parents))
    if call == "biallelic_vus":
        return FamilyNote(title, (
            f"This result does not yet say whether the patient has the disease or is a carrier: the effect of the "
            f"{symbol} variant{'s' if len(alleles) > 1 else ''} is unknown until a functional test decides.",
            "Relatives are not tested predictively for a variant of uncertain significance. Testing the parents can "
            "help (it shows which copy each variant came from); brothers and sisters should not be considered as "
            "stem-cell donors before the functional test and specialist review.", *observed))
    if gene.inheritance == "XL":
        return FamilyNote(title, (*_x_linked(symbol, call, doc, alleles), *observed))
    if gene.inheritance == "AD":
        return FamilyNote(title, (
            f"{symbol} acts dominantly: one altered copy can cause disease. Each child of a person with the "
            f"variant has a 1 in 2 (50 %) chance of inheriting it. Testing the parents shows whether it was "
            f"inherited or arose new in the patient.", *observed))
    weak = hypomorphic(alleles)
    if call == "biallelic" and weak:
        lines = [f"{symbol} is inherited in an autosomal recessive way. One of the patient's {symbol} variants "
                 f"is a reduced-function (hypomorphic) allele, which is common in the population; the effect of "
                 f"this combination differs between people. {parents or EXPECTED_AR}",
                 HYPOMORPH_RISK, HYPOMORPH_SIBLINGS]
        return FamilyNote(title, (*lines, *observed))
    if call == "none" and phase == "homozygous" and weak:
        return FamilyNote(title, (
            f"The reduced-function {symbol} variant on both copies is common in the population and not a diagnosis "
            f"on its own: relatives are not tested for it unless a functional test shows a defect in the patient.",
            *observed))
    if call == "biallelic":
        expected = ("Both parents are expected to be healthy carriers of this variant (one copy each)."
                    if phase == "homozygous" else
                    "Each parent is expected to be a healthy carrier of one of the two variants.")
        lines = [f"{symbol} is inherited in an autosomal recessive way: disease needs both copies altered. "
                 + (parents or f"{expected} Carrier testing of the parents confirms this."), AR_RISK, SIBLINGS]
        return FamilyNote(title, (*lines, *observed))
    if call == "possible_biallelic" or phase == "unknown":
        return FamilyNote(title, (
            f"Testing both parents for the two {symbol} variants is the most direct way to settle this: if "
            f"each parent carries one, the variants are on different copies (in trans) and explain the disease; "
            f"if one parent carries both, they are on the same copy (in cis) and the patient is a carrier.",
            f"If they are in trans, {AR_RISK[0].lower()}{AR_RISK[1:]}", SIBLINGS, *observed))
    if call == "monoallelic" or phase == "cis":
        source = parents or "One of the parents is likely to carry it too (it may rarely have arisen new)."
        return FamilyNote(title, (
            f"The patient carries one altered copy of {symbol}, a recessive gene. {source} Brothers and sisters "
            f"each have a 1 in 2 chance of being carriers. Carriers are usually healthy.", *observed))
    return None


def _parents(doc: ResultDoc, alleles: Sequence[VariantDoc]) -> str:
    """What the genotyped parents show for the gene's alleles, in one sentence; '' when no parent is genotyped."""
    family = doc.sample.family
    out = []
    for role, pid in (("father", family.father), ("mother", family.mother)):
        calls = [(a, a.family.get(pid)) for a in alleles] if pid else []
        if not any(c is not None for _, c in calls):
            continue
        has = [words.variant_name(a) for a, c in calls if c is not None and c.zygosity in CARRIED]
        lacks = [words.variant_name(a) for a, c in calls if c is not None and c.zygosity == "ref"]
        if has:
            out.append(f"the {role} carries {' and '.join(has)}")
        if lacks:
            out.append(f"the {role} does not carry {' or '.join(lacks)}")
    if not out:
        return ""
    text = "; ".join(out)
    return f"In this data {text} (their genotypes are shown below)."


def _x_linked(symbol: str, call: str, doc: ResultDoc, alleles: Sequence[VariantDoc]) -> tuple[str, ...]:
    basic = (f"{symbol} is on the X chromosome. Males have one X chromosome, so one altered copy causes "
             f"disease; females have two, so one altered copy usually makes a woman a carrier.")
    donors = ("Carrier women and untested male relatives must not be stem-cell donors; any relative considered "
              "as a donor must first test negative for the variant.")
    if call == "hemizygous":
        mother = doc.sample.family.mother
        calls = [a.family.get(mother) for a in alleles] if mother else []
        if calls and all(c is not None and c.zygosity in CARRIED for c in calls):
            origin = "In this data the mother carries the variant: she is a carrier."
        elif calls and all(c is not None and c.zygosity == "ref" for c in calls):
            origin = ("In this data the mother does not carry the variant: it may have arisen new in the patient (de "
                      "novo), or the mother may carry it in some of her cells only (mosaicism), so her other children "
                      "can still be at risk.")
        else:
            origin = ("The variant was most likely inherited from the mother, who would then be a carrier (it can "
                      "also have arisen new in the patient): test the mother first. The father does not pass his X "
                      "chromosome to his sons.")
        return (basic, origin,
                "If the mother is a carrier, each son has a 1 in 2 (50 %) chance of being affected and each "
                "daughter a 1 in 2 chance of being a carrier. Brothers, and on the mother's side uncles and male "
                "cousins, may be at risk and can be tested; sisters and maternal aunts can have carrier testing.",
                donors)
    if call == "heterozygous_xl":
        return (basic,
                f"The patient has one altered copy of {symbol} and one unaltered copy. Carrier women are usually "
                f"well; for XIAP, milder or later disease is possible (uneven X-inactivation). Protein-expression "
                f"tests can help.",
                "Each son of a carrier woman has a 1 in 2 (50 %) chance of being affected, each daughter a 1 in 2 "
                "chance of being a carrier.", donors)
    return (basic, donors)


def _observed(alleles: Sequence[VariantDoc], doc: ResultDoc, skip_parents: bool = False) -> tuple[str, ...]:
    """What the PED relatives' genotypes show for the gene's variants (only when they were genotyped); the parents are
    left out when a sentence already says what they carry."""
    roles = relatives(doc.sample)
    lines = []
    for v in alleles:
        calls = {s: c for s, c in v.family.items() if not (skip_parents and roles.get(s) in ("Father", "Mother"))}
        if not calls:
            continue
        carried = [f"{roles.get(s, 'relative').lower()} {s} ({_carries(c.zygosity)})"
                   for s, c in sorted(calls.items())]
        lines.append(f"In this family, {words.variant_name(v)}: " + "; ".join(carried) + ".")
    return tuple(lines)


def _carries(zygosity: str) -> str:
    if zygosity in CARRIED:
        return "carries it"
    return "does not carry it" if zygosity == "ref" else "not genotyped at this site"

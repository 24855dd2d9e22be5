"""Family implications in plain words, restated from the result's gene calls and relatives' genotypes.

Rules of inheritance (general genetics; docs/clinical-basis.md, section 7): in an autosomal recessive gene
the parents of a biallelic patient are presumed carriers and each further child has a 1 in 4
(25 %) risk; in an X-linked gene a carrier mother passes the variant to half her sons (affected)
and half her daughters (carriers), and carrier females or untested male relatives must not be
stem-cell donors; in a dominant gene each child of a carrier has a 1 in 2 risk. Which rule
applies is read from ``genes[].inheritance`` and ``call``; nothing is recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from varhlh.report.counselor import words

Data = Mapping[str, Any]

AR_RISK = ("Each further child of two carrier parents has a 1 in 4 (25 %) chance of inheriting both variants "
           "(affected), a 1 in 2 (50 %) chance of being a healthy carrier and a 1 in 4 (25 %) chance of "
           "inheriting neither. Prenatal diagnosis and pre-implantation genetic testing (PGT-M) are possible.")
SIBLINGS = ("Every brother and sister should be tested for the familial variant(s), before any of them is "
            "considered as a stem-cell donor: a sibling with the same genotype is affected (possibly without "
            "symptoms yet), must not donate, and needs evaluation.")


@dataclass(frozen=True)
class FamilyNote:
    title: str
    lines: tuple[str, ...]


def relatives(sample: Data) -> dict[str, str]:
    """Relative sample IDs from ``sample.family`` mapped to their role (father, mother, sibling)."""
    family = sample.get("family") or {}
    roles = {s: "Unaffected sibling" for s in family.get("unaffected_siblings") or ()}
    for role in ("father", "mother"):
        if family.get(role):
            roles[family[role]] = role.capitalize()
    return roles


def family_notes(data: Data, genes: Sequence[Data]) -> tuple[FamilyNote, ...]:
    notes = [note for gene in genes if (note := _gene_note(gene, data)) is not None]
    if any(v["reportable"] and v["classification"] == "uncertain" for v in data["variants"]):
        notes.append(FamilyNote("Variants of uncertain significance", (
            "A variant of uncertain significance is not used to test relatives or to make decisions about "
            "pregnancies. Testing the parents (and affected or unaffected siblings) can help to reclassify it.",)))
    if not notes:
        notes.append(FamilyNote("Relatives", (
            "This result has no direct implications for relatives. If a genetic cause is found later (for "
            "example by further testing), relatives can then be offered testing.",)))
    return tuple(notes)


def _gene_note(gene: Data, data: Data) -> FamilyNote | None:
    symbol, call, phase = gene["symbol"], gene["call"], gene["phase"]
    title = f"{symbol}: {gene.get('disease') or 'HLH gene'}"
    observed = _observed(gene, data)
    if gene["inheritance"] == "XL":
        return FamilyNote(title, (*_x_linked(symbol, call), *observed))
    if gene["inheritance"] == "AD":
        return FamilyNote(title, (
            f"{symbol} acts dominantly: one altered copy can cause disease. Each child of a person with the "
            f"variant has a 1 in 2 (50 %) chance of inheriting it. Testing the parents shows whether it was "
            f"inherited or arose new in the patient.", *observed))
    if call == "biallelic" or phase == "homozygous":
        parents = ("Both parents are presumed to be healthy carriers of this variant (one copy each)."
                   if phase == "homozygous" else
                   "Each parent is presumed to be a healthy carrier of one of the two variants.")
        lines = [f"{symbol} is inherited in an autosomal recessive way: disease needs both copies altered. "
                 f"{parents} Carrier testing of the parents confirms this.", AR_RISK]
        if call == "biallelic":
            lines.append(SIBLINGS)
        return FamilyNote(title, (*lines, *observed))
    if call == "possible_biallelic" or phase == "unknown":
        return FamilyNote(title, (
            f"Testing both parents for the two {symbol} variants is the most direct way to settle this: if "
            f"each parent carries one, the variants are on different copies (in trans) and explain the disease; "
            f"if one parent carries both, they are on the same copy (in cis) and the patient is a carrier.",
            f"If they are in trans, {AR_RISK[0].lower()}{AR_RISK[1:]}", SIBLINGS, *observed))
    if call == "monoallelic":
        return FamilyNote(title, (
            f"The patient carries one altered copy of {symbol}, a recessive gene. One of the parents probably "
            f"carries it too; brothers and sisters each have a 1 in 2 chance of being carriers. Carriers are "
            f"usually healthy.", *observed))
    return None


def _x_linked(symbol: str, call: str) -> tuple[str, ...]:
    basic = (f"{symbol} is on the X chromosome. Males have one X chromosome, so one altered copy causes "
             f"disease; females have two, so one altered copy usually makes a woman a carrier.")
    donors = ("Carrier women and untested male relatives must not be stem-cell donors; any relative considered "
              "as a donor must first test negative for the variant.")
    if call == "hemizygous":
        return (basic,
                "The variant was most likely inherited from the mother, who would then be a carrier (it can also "
                "have arisen new in the patient): test the mother first. The father does not pass his X "
                "chromosome to his sons.",
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


def _observed(gene: Data, data: Data) -> tuple[str, ...]:
    """What the PED relatives' genotypes show for the gene's variants (only when they were genotyped)."""
    roles = relatives(data["sample"])
    variants = {v["id"]: v for v in data["variants"]}
    lines = []
    for vid in gene["variant_ids"]:
        v = variants.get(vid)
        if v is None or not v.get("family"):
            continue
        carried = [f"{roles.get(s, 'relative').lower()} {s} ({_carries(c['zygosity'])})"
                   for s, c in sorted(v["family"].items())]
        name = words.variant_name(v)
        lines.append(f"In this family, {name}: " + "; ".join(carried) + ".")
    return tuple(lines)


def _carries(zygosity: str) -> str:
    if zygosity in ("het", "hom", "hemi", "partial"):
        return "carries it"
    return "does not carry it" if zygosity == "ref" else "not genotyped at this site"

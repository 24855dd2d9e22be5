"""Codon-level effects and HGVS p. on the MANE transcript, from a reference FASTA.

Used only with ``--fasta``: the reference bases of the affected codon are read on the plus
strand, complemented for minus-strand genes, and translated with the standard genetic code.

* coding SNV (the one changed base's codon):
  * codon 1 was Met and is no longer Met -> ``start_lost``, ``p.(Met1?)``;
  * was Ter, still Ter -> ``stop_retained_variant``, ``p.(Ter556=)``;
  * was Ter, now an amino acid -> ``stop_lost``, ``p.(Ter556GlnextTer?)`` (extension length not
    computed);
  * now Ter -> ``stop_gained``, ``p.(Trp374Ter)``;
  * same amino acid -> ``synonymous_variant``, ``p.(Pro194=)``;
  * otherwise -> ``missense_variant``, ``p.(Ala91Val)``.
* in-frame deletion of whole codons (after the c. 3' shift): ``p.(Lys285del)`` /
  ``p.(Lys285_Glu287del)``, moved to the most C-terminal equivalent position (HGVS 3' rule).

Anything else (a codon touching an unknown base ``N``, codons across the CDS end, frameshifts,
insertions, multi-base substitutions) gives no protein change: the caller keeps its region-level
consequence and says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from varhlh.annotate.change import COMPLEMENT, Change, Fetch
from varhlh.annotate.transcript import TranscriptMap

_BASES = "TCAG"
_AMINO = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODONS: dict[str, str] = {
    a + b + c: _AMINO[16 * i + 4 * j + k]
    for i, a in enumerate(_BASES) for j, b in enumerate(_BASES) for k, c in enumerate(_BASES)
}
"""The standard genetic code (NCBI table 1), one-letter amino acids, '*' = stop."""

THREE_LETTER: dict[str, str] = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
}


@dataclass(frozen=True)
class ProteinEffect:
    consequence: str
    hgvs_p: str
    ref_codon: str
    alt_codon: str | None = None
    note: str | None = None


def translate(codon: str) -> str | None:
    """One-letter amino acid of a coding-strand codon ('*' = stop); None if it holds a non-ACGT base."""
    return CODONS.get(codon.upper())


def three(amino: str) -> str:
    return THREE_LETTER[amino]


def codon_bases(tmap: TranscriptMap, codon: int, fetch: Fetch) -> str | None:
    """Coding-strand bases of codon ``codon`` (1-based) read from the reference; None if unknown."""
    bases = []
    for c in range(3 * codon - 2, 3 * codon + 1):
        if not 1 <= c <= tmap.cds:
            return None
        g = tmap.g_of_c(c)
        base = fetch(g, g)
        if base is None or base.upper() not in "ACGT" or len(base) != 1:
            return None
        bases.append(base.upper() if tmap.plus else base.upper().translate(COMPLEMENT))
    return "".join(bases)


def snv_effect(tmap: TranscriptMap, c: int, alt_plus: str, fetch: Fetch) -> ProteinEffect | None:
    """Effect of replacing coding position ``c`` with the plus-strand base ``alt_plus``."""
    codon = (c - 1) // 3 + 1
    ref_codon = codon_bases(tmap, codon, fetch)
    if ref_codon is None:
        return None
    alt_base = alt_plus.upper() if tmap.plus else alt_plus.upper().translate(COMPLEMENT)
    offset = (c - 1) % 3
    alt_codon = ref_codon[:offset] + alt_base + ref_codon[offset + 1:]
    ref_aa, alt_aa = translate(ref_codon), translate(alt_codon)
    if ref_aa is None or alt_aa is None:
        return None
    note = _model_note(tmap, codon, ref_aa, ref_codon)
    if codon == 1 and ref_aa == "M" and alt_aa != "M":
        return ProteinEffect("start_lost", "p.(Met1?)", ref_codon, alt_codon, note)
    if ref_aa == "*":
        if alt_aa == "*":
            return ProteinEffect("stop_retained_variant", f"p.(Ter{codon}=)", ref_codon, alt_codon, note)
        return ProteinEffect("stop_lost", f"p.(Ter{codon}{three(alt_aa)}extTer?)", ref_codon, alt_codon, note)
    if alt_aa == "*":
        return ProteinEffect("stop_gained", f"p.({three(ref_aa)}{codon}Ter)", ref_codon, alt_codon, note)
    if alt_aa == ref_aa:
        return ProteinEffect("synonymous_variant", f"p.({three(ref_aa)}{codon}=)", ref_codon, alt_codon, note)
    return ProteinEffect("missense_variant", f"p.({three(ref_aa)}{codon}{three(alt_aa)})", ref_codon, alt_codon,
                         note)


def codon_deletion(tmap: TranscriptMap, first_c: int, last_c: int, fetch: Fetch) -> ProteinEffect | None:
    """p. of an in-frame deletion of whole codons ``first_c..last_c`` (c. positions, 3'-shifted)."""
    if (first_c - 1) % 3 or (last_c - first_c + 1) % 3 or last_c > tmap.cds - 3:
        return None
    first, last = (first_c - 1) // 3 + 1, last_c // 3
    amino = [_amino(tmap, k, fetch) for k in range(first, last + 1)]
    if any(a is None or a == "*" for a in amino):
        return None
    # HGVS 3' rule at the protein level: slide while the next residue equals the first deleted one.
    while (following := _amino(tmap, last + 1, fetch)) is not None and following == amino[0] \
            and last + 1 < tmap.cds // 3:
        amino = [*amino[1:], following]
        first, last = first + 1, last + 1
    start = f"{three(amino[0])}{first}"  # type: ignore[arg-type]
    span = start if first == last else f"{start}_{three(amino[-1])}{last}"  # type: ignore[arg-type]
    return ProteinEffect("inframe_deletion", f"p.({span}del)", "")


def _amino(tmap: TranscriptMap, codon: int, fetch: Fetch) -> str | None:
    bases = codon_bases(tmap, codon, fetch)
    return translate(bases) if bases else None


def _model_note(tmap: TranscriptMap, codon: int, ref_aa: str, ref_codon: str) -> str | None:
    """The FASTA should give ATG at c.1-3 and a stop codon at the CDS end; say so when it does not."""
    if codon == 1 and ref_codon != "ATG":
        return f"the FASTA gives {ref_codon}, not ATG, at c.1-3 of {tmap.model.transcript}: check build and FASTA"
    if codon == tmap.cds // 3 and ref_aa != "*":
        return (f"the FASTA gives {ref_codon} (not a stop codon) at the last codon of {tmap.model.transcript}: "
                "check build and FASTA")
    if codon < tmap.cds // 3 and ref_aa == "*":
        return f"the FASTA gives a stop codon {ref_codon} inside the CDS of {tmap.model.transcript}: check the FASTA"
    return None


def change_c_range(tmap: TranscriptMap, change: Change) -> tuple[int, int] | None:
    """Plain (exonic CDS) c. positions of a deletion's first and last base in transcript order."""
    texts = [tmap.c_position(change.start), tmap.c_position(change.end)]
    if not all(t.isdigit() for t in texts):
        return None
    a, b = int(texts[0]), int(texts[1])
    return (a, b) if a <= b else (b, a)


# ------------------------------------------------------------------ HGVS p. text

_ONE_TO_THREE = {**THREE_LETTER, "X": "Ter"}
_PROTEIN = re.compile(r"^p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|Ter|del|[A-Z][a-z]{2}fs\*?\d*|fs.*)\)?$")


def protein_consequence(hgvs_p: str | None) -> str | None:
    """SO term implied by an HGVS p. of a curated allele: stop_gained, frameshift, missense, in-frame del."""
    match = _PROTEIN.match(hgvs_p or "")
    if match is None:
        return None
    change = match.group(3)
    if "fs" in change:
        return "frameshift_variant"
    if change == "Ter":
        return "stop_gained"
    if change == "del":
        return "inframe_deletion"
    return "missense_variant" if change != match.group(1) else "synonymous_variant"


def comparable_p(hgvs_p: str | None) -> str | None:
    """HGVS p. in one spelling for comparison: three-letter, no parentheses, '*' -> 'Ter'."""
    if not hgvs_p:
        return None
    text = hgvs_p.replace("(", "").replace(")", "")
    body = text[2:] if text.startswith("p.") else text
    m = re.match(r"^([A-Z*])(\d+)([A-Z*=]|fs.*)?$", body)
    if m:
        first, number, rest = m.groups()
        rest = rest or ""
        rest = _ONE_TO_THREE.get(rest, rest)
        return f"p.{_ONE_TO_THREE.get(first, first)}{number}{rest}"
    return "p." + body.replace("*", "Ter")

"""The first screen: the two answer cards and the completeness line, restated from the result.

* The cards restate ``conclusion.primary_hlh`` and ``transplant_workup``. They tell one story with the
  recommendations: when the clinical context gives a transplant indication on clinical grounds (relapsing or
  refractory HLH, ``clinical.clinical_transplant_indication``) and genetics alone does not, the transplant card says
  *Indicated on clinical grounds* with its reason (the genetic answer stays on the card, in words).
* A *Confirmed* card carries a caveat badge when an allele behind it is likely pathogenic on a single criterion,
  has no population frequency checked (and is not on the panel's curated list), or has quality flags.
* The completeness line restates ``completeness``: genes interpretable n/N, population frequencies, protein effect
  (a consequence annotation or a reference sequence), ClinVar, alleles not classified, and the first command of
  ``to_complete``.
"""

from __future__ import annotations

from dataclasses import dataclass

from varhlh.report.counselor import words
from varhlh.result import ResultDoc, VariantDoc

PRIMARY_STEPS = ("Not determined", "Suspected", "Confirmed")
TRANSPLANT_STEPS = ("Not indicated by genetics", "Consider", "Indicated")


@dataclass(frozen=True)
class Card:
    question: str
    key: str
    """The result's value (``data-answer``)."""
    rank: int
    label: str
    meaning: str
    steps: tuple[str, ...]
    override: str
    """'clinical' when a clinical indication overrides the genetic answer on this card, else ''."""
    caveats: tuple[str, ...]


@dataclass(frozen=True)
class Scope:
    """The completeness line: what this analysis could see."""

    complete: bool
    verdict: str
    items: tuple[tuple[str, str, bool], ...]
    """(what, value, good) for each fact on the line."""
    not_classified: int
    to_complete: str


def cards(doc: ResultDoc) -> tuple[Card, Card]:
    c = doc.conclusion
    primary = words.level(words.PRIMARY_HLH, c.primary_hlh)
    transplant = words.level(words.TRANSPLANT, c.transplant_workup)
    first = Card("Primary HLH", primary.key, primary.rank, primary.label, primary.meaning, PRIMARY_STEPS, "",
                 caveats(doc) if c.primary_hlh == "confirmed" else ())
    second = Card("Transplant (HSCT) work-up", transplant.key, transplant.rank, transplant.label, transplant.meaning,
                  TRANSPLANT_STEPS, "", ())
    clinical = doc.clinical
    if clinical is not None and clinical.clinical_transplant_indication and c.transplant_workup != "indicated":
        course = (words.label(words.COURSE, clinical.hlh_course) if clinical.hlh_course
                  else "relapsing or refractory HLH")
        second = Card(second.question, second.key, 2, "Indicated on clinical grounds",
                      f"The clinical course ({course}) indicates a transplant work-up whatever the genetic result "
                      f"(HLH-2004). {_genetics_alone(c.transplant_workup)}", TRANSPLANT_STEPS, "clinical", ())
    return first, second


def _genetics_alone(workup: str) -> str:
    if workup == "consider":
        return "Genetics alone would say: consider."
    return "Genetics alone does not indicate one."


def caveats(doc: ResultDoc) -> tuple[str, ...]:
    """Why a confirmed answer needs checking before acting on it, one line per driving allele and reason."""
    by_id = {v.id: v for v in doc.variants}
    genes = {g.symbol: g for g in doc.genes}
    out: list[str] = []
    for symbol in doc.conclusion.genes:
        gene = genes.get(symbol)
        if gene is None or gene.strength != "confirmed":
            continue
        for vid in dict.fromkeys(gene.variant_ids):
            v = by_id.get(vid)
            if v is not None:
                out.extend(f"{v.gene} {words.variant_name(v)}: {why}" for why in _allele_caveats(v))
    return tuple(out)


def _allele_caveats(v: VariantDoc) -> list[str]:
    out = []
    if v.classification == "likely_pathogenic" and len(v.evidence) <= 1:
        out.append("likely pathogenic on a single criterion" + (f" ({v.evidence[0]})" if v.evidence else ""))
    if v.frequency is None and "CURATED" not in v.evidence:
        out.append("population frequency not checked (no frequency source was given)")
    if v.filters:
        out.append("quality flags (" + ", ".join(words.QUALITY_FLAG.get(f, f) for f in v.filters)
                   + "): confirm by an independent method")
    return out


def scope(doc: ResultDoc) -> Scope:
    c = doc.completeness
    s = c.sources
    protein = s.consequence is not None or s.reference is not None
    items = (
        ("Genes interpretable", f"{c.genes_assessable}/{c.genes_total}", c.genes_assessable == c.genes_total),
        ("Population frequencies", "yes" if s.frequency else "no", s.frequency is not None),
        ("Protein effect", "yes" if protein else "no (exon models only)", protein),
        ("ClinVar", "yes" if s.clinvar else "no", s.clinvar is not None),
    )
    return Scope(c.complete, c.verdict, items, len(c.not_assessed), c.to_complete[0] if c.to_complete else "")

"""ClinVar evidence from VCF INFO fields, across ClinVar VCF releases 2013-2026 and re-annotations.

Tags (:func:`detect_fields`) are found by name, case-insensitively, with an optional ``CLINVAR``
prefix or suffix (``CLNSIG``, ``CLINVAR_CLNSIG``, ``clinvar_clnsig``, ``CLNSIG_CLINVAR``,
``clinvar.CLNSIG``, Talos' ``clinvar_sig``); Flag-typed tags are ignored, and oncogenicity /
somatic-impact tags (``ONC*``, ``SCI*``) and ``CLNSIGINCL`` are not germline significance. The same
names are recognised as columns of a VEP CSQ entry (``--custom`` ClinVar fields such as
``ClinVar_CLNSIG``, ``CLINVAR_CLNREVSTAT``); VEP's own ``CLIN_SIG`` column is read there only as a
last resort (:func:`varhlh.annotate.evidence.entry_clinvar`), never as an INFO tag.

Significance (:func:`normalise_significance`) becomes exactly one of: pathogenic,
likely_pathogenic, pathogenic_likely_pathogenic, uncertain, likely_benign, benign,
benign_likely_benign, conflicting, risk_factor, low_penetrance, drug_response, not_provided, other.
A value may combine several terms with ``/``, ``|``, ``,`` or ``;`` (a comma is also part of
``Pathogenic,_low_penetrance``, which is re-joined). Precedence, first match wins:

1. a conflicting term, or standard germline terms from more than one of {P/LP}, {VUS}, {LB/B}
   (e.g. legacy multi-submission ``5|2``) -> conflicting;
2. P and/or LP -> pathogenic / likely_pathogenic / pathogenic_likely_pathogenic;
3. B and/or LB -> benign / likely_benign / benign_likely_benign;
4. a low-penetrance term (``Pathogenic,_low_penetrance``, ``Likely_pathogenic,_low_penetrance``)
   -> low_penetrance;
5. a ClinGen risk-allele term (Established / Likely / Uncertain risk allele) -> risk_factor;
6. Uncertain significance -> uncertain;
7. the secondary terms: risk_factor -> risk_factor, drug_response -> drug_response;
8. not provided / no classification -> not_provided;
9. everything else (association, protective, affects, confers sensitivity, histocompatibility,
   other, unrecognised text) -> other.

So P/LP/B/LB/conflicting always win over secondary terms (``Pathogenic|risk_factor`` ->
pathogenic, ``Conflicting_classifications_of_pathogenicity|risk_factor`` -> conflicting), and a
low-penetrance or risk-allele term wins only when no P/LP/B/LB/conflicting term is present.
Legacy (2013-2016) numeric codes: 0 uncertain, 1 not provided, 2 benign, 3 likely benign,
4 likely pathogenic, 5 pathogenic, 6 drug response, 7 histocompatibility (-> other), 255 other;
the 2013 text codes (unknown, untested, non-pathogenic, probable-non-pathogenic,
probable-pathogenic) map the same way.

Stars (:func:`stars`) follow ClinVar's review-status table, tolerant of ``,_`` / ``_,_`` / ``&_``
spellings, of VEP's mangled ``_conflicting_interpretations`` and of the 2014-2016 short codes
(no_assertion, no_criteria, single, mult, conf, exp, guideline). Several statuses in one value
(legacy per-submission lists) give the lowest star count.

Per-allele values (:func:`read`): a legacy ``CLNALLE`` tag maps comma-separated values to allele
numbers; otherwise, when the header Number is A or R, or the caller says the values are one per
ALT (``number_a``, see :func:`values_per_alt`), the ALT's value is picked. Commas inside a
modern value (``criteria_provided,_single_submitter``) are never taken as allele separators.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from varhlh.models import ClinVarClass, ClinVarEvidence

if TYPE_CHECKING:
    from varhlh.read.reader import FieldDef

PATHOGENIC = ClinVarClass.PATHOGENIC
LIKELY_PATHOGENIC = ClinVarClass.LIKELY_PATHOGENIC
PATHOGENIC_LIKELY_PATHOGENIC = ClinVarClass.PATHOGENIC_LIKELY_PATHOGENIC
UNCERTAIN = ClinVarClass.UNCERTAIN
LIKELY_BENIGN = ClinVarClass.LIKELY_BENIGN
BENIGN = ClinVarClass.BENIGN
BENIGN_LIKELY_BENIGN = ClinVarClass.BENIGN_LIKELY_BENIGN
CONFLICTING = ClinVarClass.CONFLICTING
RISK_FACTOR = ClinVarClass.RISK_FACTOR
LOW_PENETRANCE = ClinVarClass.LOW_PENETRANCE
DRUG_RESPONSE = ClinVarClass.DRUG_RESPONSE
NOT_PROVIDED = ClinVarClass.NOT_PROVIDED
OTHER = ClinVarClass.OTHER

SIGNIFICANCE_CLASSES: tuple[ClinVarClass, ...] = tuple(ClinVarClass)
"""Every value :func:`normalise_significance` can return."""

# One ClinVar term (lower case, non-alphanumerics collapsed to single spaces) -> its category.
_TERM_CATEGORY: dict[str, str] = {
    "pathogenic": "P",
    "likely pathogenic": "LP",
    "probable pathogenic": "LP",
    "uncertain significance": "VUS",
    "unknown": "VUS",
    "vus": "VUS",
    "likely benign": "LB",
    "probable non pathogenic": "LB",
    "benign": "B",
    "non pathogenic": "B",
    "conflicting classifications of pathogenicity": "CONFLICT",
    "conflicting interpretations of pathogenicity": "CONFLICT",
    "conflicting data from submitters": "CONFLICT",
    "pathogenic low penetrance": "LOW_PENETRANCE",
    "likely pathogenic low penetrance": "LOW_PENETRANCE",
    "low penetrance": "LOW_PENETRANCE",
    "established risk allele": "RISK_ALLELE",
    "likely risk allele": "RISK_ALLELE",
    "uncertain risk allele": "RISK_ALLELE",
    "risk factor": "RISK_FACTOR",
    "drug response": "DRUG",
    "not provided": "NOT_PROVIDED",
    "untested": "NOT_PROVIDED",
    "no classification for the single variant": "NOT_PROVIDED",
    "no classifications from unflagged records": "NOT_PROVIDED",
    "no classification provided": "NOT_PROVIDED",
    "no interpretation for the single variant": "NOT_PROVIDED",
    "association": "OTHER",
    "association not found": "OTHER",
    "protective": "OTHER",
    "affects": "OTHER",
    "confers sensitivity": "OTHER",
    "histocompatibility": "OTHER",
    "other": "OTHER",
}

# Legacy numeric CLNSIG codes (ClinVar VCF 2013-2016).
_NUMERIC_CATEGORY: dict[str, str] = {
    "0": "VUS", "1": "NOT_PROVIDED", "2": "B", "3": "LB", "4": "LP", "5": "P", "6": "DRUG", "7": "OTHER",
    "255": "OTHER",
}

_SIDE: dict[str, str] = {
    "P": "pathogenic", "LP": "pathogenic", "VUS": "uncertain", "LB": "benign", "B": "benign",
}

# Review status, letters only (lower case) -> stars.
_STARS: dict[str, int] = {
    "practiceguideline": 4,
    "guideline": 4,
    "reviewedbyexpertpanel": 3,
    "exp": 3,
    "reviewedbyprofessionalsociety": 3,
    "criteriaprovidedmultiplesubmittersnoconflicts": 2,
    "criteriaprovidedmultiplesubmitters": 2,
    "classifiedbymultiplesubmitters": 2,
    "mult": 2,
    "criteriaprovidedconflictingclassifications": 1,
    "criteriaprovidedconflictinginterpretations": 1,
    "conflictingclassifications": 1,
    "conflictinginterpretations": 1,
    "conf": 1,
    "criteriaprovidedsinglesubmitter": 1,
    "classifiedbysinglesubmitter": 1,
    "single": 1,
    "noassertioncriteriaprovided": 0,
    "noclassificationprovided": 0,
    "noassertionprovided": 0,
    "nointerpretationforthesinglevariant": 0,
    "noclassificationforthesinglevariant": 0,
    "noclassificationsfromunflaggedrecords": 0,
    "notclassifiedbysubmitter": 0,
    "noassertion": 0,
    "nocriteria": 0,
}

_MISSING: frozenset[str] = frozenset({"", ".", "missing", "none", "na", "n/a"})
_AFFIX = re.compile(r"^CLINVAR[_.\-]?|[_.\-]?CLINVAR$")
_ALLELE_SEPARATOR = re.compile(r",(?![_ ])")
_TERM_SEPARATOR = re.compile(r"[|,/;&]")
_STATUS_SEPARATOR = re.compile(r"[|;]|,(?![_ ])")
_VARIATION_ID = re.compile(r"(?:VCV0*)?\d+", re.IGNORECASE)


@dataclass(frozen=True)
class ClinVarFields:
    """INFO tag names of the ClinVar fields found in the header (None: absent)."""

    significance: str | None
    conflicting: str | None
    review_status: str | None
    variation_id: str | None
    allele_map: str | None = None
    """Legacy CLNALLE: allele numbers the comma-separated values refer to (0 = REF)."""
    number: str = "."
    """Header Number of the significance tag ('A'/'R': one value per ALT / per allele)."""

    @property
    def found(self) -> bool:
        return self.significance is not None


# --------------------------------------------------------------------------- header


def detect_fields(info: Mapping[str, FieldDef]) -> ClinVarFields:
    """The ClinVar tags of a header; per role the best-ranked name, then the first in the header.

    Ranks: the plain ClinVar name (CLNSIG) before a prefixed/suffixed one (CLINVAR_CLNSIG) before
    looser aliases (clinvar_sig). Variation ids: CLNVID, then a bare CLINVAR / CLINVAR_ID tag, then
    ALLELEID (an allele id, reported as 'AlleleID:<n>' by :func:`read`).
    """
    best: dict[str, tuple[int, int, str]] = {}
    for order, (tag, definition) in enumerate(info.items()):
        if definition.type.lower() == "flag":
            continue
        role = _role(tag)
        if role is not None:
            name, rank = role
            best[name] = min(best.get(name, (rank, order, tag)), (rank, order, tag))

    def tag_of(role: str) -> str | None:
        return best[role][2] if role in best else None

    significance = tag_of("significance")
    number = info[significance].number if significance is not None else "."
    return ClinVarFields(
        significance=significance, conflicting=tag_of("conflicting"), review_status=tag_of("review_status"),
        variation_id=tag_of("variation_id"), allele_map=tag_of("allele_map"), number=number,
    )


def _role(tag: str) -> tuple[str, int] | None:
    """(role, rank) of an INFO tag name, or None when it is not a ClinVar field we use."""
    upper = tag.upper()
    core = _AFFIX.sub("", upper)
    affixed = core != upper
    rank = 1 if affixed else 0
    exact = {"CLNSIG": "significance", "CLNSIGCONF": "conflicting", "CLNREVSTAT": "review_status",
             "CLNVID": "variation_id", "CLNALLE": "allele_map"}
    if core in exact:
        return exact[core], rank
    if affixed and core in {"SIG", "CLINSIG", "SIGNIFICANCE", "CLINICAL_SIGNIFICANCE"}:
        return "significance", 2
    if affixed and core in {"REVSTAT", "REVIEW_STATUS"}:
        return "review_status", 2
    if core in {"VARIATIONID", "VARIATION_ID"} or (affixed and core in {"", "ID", "VID"}):
        return "variation_id", 2
    if core in {"ALLELEID", "CLNALLELEID"}:
        return "variation_id", 3
    return None


# --------------------------------------------------------------------------- record values


def values_per_alt(info_values: Mapping[str, str], fields: ClinVarFields, n_alts: int) -> bool:
    """True when the significance values are one per ALT: header Number A/R, or Number '.' with
    exactly one comma-separated value per ALT in a multi-ALT record (pass it as ``number_a``)."""
    if fields.number in ("A", "R"):
        return True
    value = info_values.get(fields.significance or "")
    return n_alts > 1 and value is not None and len(_ALLELE_SEPARATOR.split(value)) == n_alts


def read(info_values: Mapping[str, str], fields: ClinVarFields, alt_index: int,
         number_a: bool, source: str | None = None) -> ClinVarEvidence | None:
    """ClinVar evidence for ALT ``alt_index`` (1-based), or None when the record has none for it.

    ``number_a``: the values carry one entry per ALT (see :func:`values_per_alt`); header Number A/R
    and a CLNALLE tag are honoured regardless. ``raw`` is the significance text as written, followed
    by the CLNSIGCONF breakdown when present (``… [CLNSIGCONF: Uncertain_significance(1)|…]``).
    """
    if fields.significance is None:
        return None
    slots = _slots(info_values, fields, alt_index, number_a)
    raw = _pick(info_values.get(fields.significance), slots, strict=True)
    if raw is None:
        return None
    review = _tag_value(info_values, fields.review_status, slots)
    conflicts = _tag_value(info_values, fields.conflicting, slots)
    shown = raw if conflicts is None else f"{raw} [{fields.conflicting}: {unquote(conflicts)}]"
    return ClinVarEvidence(
        significance=normalise_significance(raw), raw=shown, stars=stars(review), review_status=review,
        variation_id=_variation_id(_tag_value(info_values, fields.variation_id, slots), fields.variation_id),
        source=source or f"VCF INFO {fields.significance}",
    )


def _slots(info_values: Mapping[str, str], fields: ClinVarFields, alt_index: int,
           number_a: bool) -> tuple[int, ...] | None:
    """Indices of this ALT's values in the comma-separated lists; None = the whole value."""
    if fields.allele_map is not None and (alleles := info_values.get(fields.allele_map)) is not None:
        return tuple(i for i, a in enumerate(alleles.split(",")) if a.strip() == str(alt_index))
    if fields.number == "R":
        return (alt_index,)
    if number_a or fields.number == "A":
        return (alt_index - 1,)
    return None


def _pick(value: str | None, slots: tuple[int, ...] | None, *, strict: bool) -> str | None:
    """This ALT's part of ``value`` ('|'-joined if several); a lone value serves every ALT unless
    ``strict``. Missing markers ('.', 'missing', …) give None."""
    if value is None or value.strip().lower() in _MISSING:
        return None
    if slots is None:
        return value.strip()
    parts = _ALLELE_SEPARATOR.split(value)
    if not slots or any(i >= len(parts) for i in slots):
        return value.strip() if len(parts) == 1 and not strict and slots else None
    chosen = [parts[i].strip() for i in slots if parts[i].strip().lower() not in _MISSING]
    return "|".join(chosen) or None


def _tag_value(info_values: Mapping[str, str], tag: str | None, slots: tuple[int, ...] | None) -> str | None:
    return _pick(info_values.get(tag), slots, strict=False) if tag is not None else None


def _variation_id(value: str | None, tag: str | None) -> str | None:
    """Digits (or VCV accessions) only; an ALLELEID value is labelled 'AlleleID:<n>'."""
    if value is None or tag is None:
        return None
    if not all(_VARIATION_ID.fullmatch(part.strip()) for part in re.split(r"[|,&]", value)):
        return None
    return f"AlleleID:{value}" if "ALLELEID" in tag.upper() else value


# --------------------------------------------------------------------------- significance, stars


def normalise_significance(raw: str) -> ClinVarClass:
    """A CLNSIG value (any release, any combination) -> one class of :data:`SIGNIFICANCE_CLASSES`.

    Empty values and missing markers ('.', 'missing', …) give not_provided.
    """
    categories = {_category(term) for term in _significance_terms(raw) if term not in _MISSING}
    if not categories:
        return NOT_PROVIDED
    germline = categories & set(_SIDE)
    if "CONFLICT" in categories or len({_SIDE[c] for c in germline}) > 1:
        return CONFLICTING
    if germline & {"P", "LP"}:
        return _pair(germline, "P", "LP", PATHOGENIC, LIKELY_PATHOGENIC, PATHOGENIC_LIKELY_PATHOGENIC)
    if germline & {"B", "LB"}:
        return _pair(germline, "B", "LB", BENIGN, LIKELY_BENIGN, BENIGN_LIKELY_BENIGN)
    for category, result in (("LOW_PENETRANCE", LOW_PENETRANCE), ("RISK_ALLELE", RISK_FACTOR),
                             ("VUS", UNCERTAIN), ("RISK_FACTOR", RISK_FACTOR), ("DRUG", DRUG_RESPONSE),
                             ("NOT_PROVIDED", NOT_PROVIDED)):
        if category in categories:
            return result
    return OTHER


def _significance_terms(raw: str) -> list[str]:
    """Split on / | , ; & into normalised terms, re-joining ', low penetrance' to its term."""
    terms: list[str] = []
    for part in _TERM_SEPARATOR.split(unquote(raw)):
        term = re.sub(r"[^a-z0-9]+", " ", re.sub(r"\(\d+\)", "", part).lower()).strip()
        if term == "low penetrance" and terms:
            terms[-1] = f"{terms[-1]} low penetrance"
        elif term:
            terms.append(term)
    return terms


def _category(term: str) -> str:
    return _TERM_CATEGORY.get(term) or _NUMERIC_CATEGORY.get(term) or "OTHER"


def _pair(found: set[str], strong: str, weak: str, strong_class: ClinVarClass, weak_class: ClinVarClass,
          both: ClinVarClass) -> ClinVarClass:
    if strong in found and weak in found:
        return both
    return strong_class if strong in found else weak_class


def stars(review_status: str | None) -> int | None:
    """ClinVar review stars (0-4) of a CLNREVSTAT value; None when missing or not recognised."""
    if review_status is None:
        return None
    text = unquote(review_status)
    whole = _STARS.get(_letters(text))
    if whole is not None:
        return whole
    found = [_STARS[key] for part in _STATUS_SEPARATOR.split(text) if (key := _letters(part)) in _STARS]
    return min(found) if found else None


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def stars_text(evidence: ClinVarEvidence) -> str:
    """'2★', or 'review status unknown' — how a ClinVar record's review status is shown in reasons."""
    return "review status unknown" if evidence.stars is None else f"{evidence.stars}★"

"""The clinical context as the report shows it (``clinical``): HLH course, HLH-2004 criteria, HScore, functional tests.

Restated from :class:`varhlh.result.ClinicalDoc`: every HLH-2004 criterion as met / not met / no value given, with
the value, unit and threshold the result records; the HScore with its caveat — an adult score for reactive HLH
(Fardet 2014) that does not diagnose familial HLH, shown without its probability for a patient under 18 years
(``values.age_days``) or of unknown age; the functional tests with what each changed in the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from varhlh.report.counselor import words
from varhlh.result import ClinicalDoc

ADULT_DAYS = 18 * 365.25
NAMES = {
    "fever": "Fever", "splenomegaly": "Splenomegaly", "cytopenias": "Cytopenias (≥ 2 of 3 lineages)",
    "triglycerides_or_fibrinogen": "High triglycerides or low fibrinogen", "hemophagocytosis": "Haemophagocytosis",
    "nk_activity": "Low or absent NK-cell activity", "ferritin": "Ferritin ≥ 500 µg/L",
    "soluble_cd25": "Soluble CD25 ≥ 2400 U/mL", "immunosuppression": "Known immunosuppression",
    "temperature": "Temperature", "organomegaly": "Organomegaly", "fibrinogen": "Fibrinogen",
    "triglycerides": "Triglycerides", "ast": "AST", "marrow_hemophagocytosis": "Haemophagocytosis in the marrow",
}


@dataclass(frozen=True)
class ClinicalView:
    course: str
    occurred: str
    age: str
    hlh2004_line: str
    hlh2004: tuple[tuple[str, str, str, str], ...]
    """(criterion, state key, state in words, value and threshold)."""
    hscore_line: str
    hscore: tuple[tuple[str, str], ...]
    functional: tuple[tuple[str, str, str, str], ...]
    """(test, result, genes, what it changed)."""
    source: str


def clinical_view(c: ClinicalDoc | None) -> ClinicalView | None:
    if c is None:
        return None
    values = c.values if isinstance(c.values, dict) else {}
    raw_age = values.get("age_days")
    age_days = float(raw_age) if isinstance(raw_age, int | float) and not isinstance(raw_age, bool) else None
    age_known = age_days is not None
    h = c.hlh2004
    verdict = {True: "the HLH-2004 diagnostic criteria are fulfilled (5 or more met)",
               False: "the HLH-2004 diagnostic criteria are not fulfilled (5 cannot be reached)",
               None: "whether the HLH-2004 criteria are fulfilled cannot be decided (values missing)"}[h.fulfilled]
    s = c.hscore
    points = f"{s.minimum}" if s.complete else f"between {s.minimum} and {s.maximum} (values missing)"
    if age_days is not None and age_days < ADULT_DAYS:
        caveat = ("an adult score for reactive HLH: not interpreted for a child, and no probability is given; "
                  "it does not diagnose familial HLH")
    elif s.complete and s.probability_percent is not None:
        caveat = (f"probability of reactive HLH about {s.probability_percent:g} % in adults (Fardet 2014); it does "
                  f"not diagnose familial HLH" + ("" if age_known else ", and the patient's age was not given"))
    else:
        caveat = "an adult score for reactive HLH; it does not diagnose familial HLH"
    return ClinicalView(
        course=words.label(words.COURSE, c.hlh_course) if c.hlh_course else "not stated",
        occurred={True: "yes", False: "no", None: "not stated"}[c.hlh_occurred],
        age=_age(age_days) if age_days is not None else "not given",
        hlh2004_line=f"{h.met} of {h.of} criteria met ({h.met_without_nk} of 7 without NK-cell function): {verdict}.",
        hlh2004=tuple((NAMES.get(x.name, x.name), x.state, words.label(words.CRITERION_STATE, x.state), x.reason)
                      for x in h.criteria),
        hscore_line=f"HScore {points} points: {caveat}.",
        hscore=tuple((NAMES.get(x.name, x.name), x.reason.split(": ", 1)[-1]) for x in s.items),
        functional=tuple((f.label, words.label(words.FUNCTIONAL_RESULT, f.result), ", ".join(f.genes), f.effect)
                         for f in c.functional),
        source=c.path,
    )


def _age(days: float) -> str:
    if days < 60:
        return f"{days:g} days"
    if days < 2 * 365.25:
        return f"{days:g} days (about {days / 30.44:.0f} months)"
    return f"about {days / 365.25:.0f} years"

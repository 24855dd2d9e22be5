"""Optional clinical context (``--clinical FILE``, YAML or JSON): HLH-2004 criteria and HScore.

Units are part of every field name (``ferritin_ug_per_l``); a few alternative units are
converted and say so. Missing values are reported as missing, never as normal: a criterion is
``met``, ``not_met`` or ``missing``, and the HScore is a range when variables are missing.

* HLH-2004 (Henter et al., Pediatr Blood Cancer 2007): 8 criteria; diagnosis with >= 5. Also counted
  without NK-cell function (7 criteria; Henter et al., Blood 2024) — the >= 5 of 7 threshold is not
  verified against the 2024 text and is reported as such (docs/clinical-basis.md, section 6).
* HScore (Fardet et al., Arthritis Rheumatol 2014): designed for reactive HLH in adults; it does not diagnose familial
  HLH. Probability interpolated from the published points table.

The file is untrusted input, read once (at most :data:`varhlh.fileio.CONFIG_LIMIT` bytes) and refused
(exit 3) unless it is a flat mapping with string keys: YAML anchors and aliases are refused (a 339-byte
alias bomb expands to gigabytes), so are duplicate keys (YAML and JSON would silently keep the last),
``NaN``/``Infinity``, one quantity given twice (in two units, e.g. ``hemoglobin_g_per_l`` and
``hemoglobin_g_per_dl``) and values outside the plausible range of their unit (:data:`RANGES`: a
``temperature_c`` of 102.5 is a Fahrenheit value, not a fever). Echoed values are cut
(:func:`varhlh.errors.shown`).
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from varhlh.classify.functional import KEYS as FUNCTIONAL_KEYS
from varhlh.errors import InputError, shown
from varhlh.fileio import CONFIG_LIMIT, parse_mapping, read_text
from varhlh.models import FunctionalResult


class Course(str, Enum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    RELAPSING = "relapsing"
    REFRACTORY = "refractory"


NUMBERS = ("temperature_c", "hemoglobin_g_per_l", "platelets_10e9_per_l", "neutrophils_10e9_per_l",
           "leukocytes_10e9_per_l", "triglycerides_mmol_per_l", "fibrinogen_g_per_l", "ferritin_ug_per_l",
           "scd25_u_per_ml", "ast_iu_per_l", "age_days")
FLAGS = ("splenomegaly", "hepatomegaly", "hemophagocytosis", "hemophagocytosis_bone_marrow", "nk_activity_low",
         "immunosuppression")
CONVERSIONS = {  # alternative unit -> (field, factor)
    "hemoglobin_g_per_dl": ("hemoglobin_g_per_l", 10.0),
    "triglycerides_mg_per_dl": ("triglycerides_mmol_per_l", 1 / 88.57),
    "fibrinogen_mg_per_dl": ("fibrinogen_g_per_l", 0.01),
    "ferritin_ng_per_ml": ("ferritin_ug_per_l", 1.0),
    "platelets_per_ul": ("platelets_10e9_per_l", 0.001),
    "neutrophils_per_ul": ("neutrophils_10e9_per_l", 0.001),
    "leukocytes_per_ul": ("leukocytes_10e9_per_l", 0.001),
}
RANGES: dict[str, tuple[float, float]] = {  # plausible values in the field's own unit (after conversion)
    "temperature_c": (25.0, 45.0),
    "hemoglobin_g_per_l": (10.0, 250.0),
    "platelets_10e9_per_l": (0.0, 5000.0),
    "neutrophils_10e9_per_l": (0.0, 500.0),
    "leukocytes_10e9_per_l": (0.0, 1000.0),
    "triglycerides_mmol_per_l": (0.0, 200.0),
    "fibrinogen_g_per_l": (0.0, 30.0),
    "ferritin_ug_per_l": (0.0, 5_000_000.0),
    "scd25_u_per_ml": (0.0, 1_000_000.0),
    "ast_iu_per_l": (0.0, 100_000.0),
    "age_days": (0.0, 130 * 366.0),
}
"""Plausible range of each quantity; a value outside is refused (a wrong unit, a typo, a shifted decimal)."""
CRITERION_NAMES = {
    "fever": "fever", "splenomegaly": "splenomegaly", "cytopenias": "cytopenias",
    "triglycerides_or_fibrinogen": "triglycerides or fibrinogen", "hemophagocytosis": "haemophagocytosis",
    "nk_activity": "NK-cell activity", "ferritin": "ferritin", "soluble_cd25": "soluble CD25",
    "immunosuppression": "immunosuppression", "temperature": "temperature", "organomegaly": "organomegaly",
    "fibrinogen": "fibrinogen", "triglycerides": "triglycerides", "ast": "AST",
    "marrow_hemophagocytosis": "haemophagocytosis in the bone marrow",
}
"""HLH-2004 criteria and HScore items in words (the result keeps the keys)."""
ADULT_DAYS = 18 * 365.25
"""Age (days) from which the HScore, developed in adults (Fardet 2014), is read with its probability."""
HSCORE_PROBABILITY = ((90, 0.5), (100, 1), (110, 3), (120, 5), (130, 9), (140, 16), (150, 25), (160, 40),
                      (170, 54), (180, 70), (190, 80), (200, 88), (210, 93), (220, 96), (230, 98), (240, 99),
                      (250, 99.5))


@dataclass(frozen=True)
class Criterion:
    name: str
    state: str
    """met, not_met or missing."""
    reason: str


@dataclass(frozen=True)
class Hlh2004:
    criteria: tuple[Criterion, ...]

    @property
    def met(self) -> int:
        return sum(c.state == "met" for c in self.criteria)

    @property
    def met_without_nk(self) -> int:
        return sum(c.state == "met" for c in self.criteria if c.name != "nk_activity")

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.criteria if c.state == "missing")

    @property
    def fulfilled(self) -> bool | None:
        """>= 5 of 8 met: True; cannot reach 5 even if all missing were met: False; else None."""
        if self.met >= 5:
            return True
        return False if self.met + len(self.missing) < 5 else None


@dataclass(frozen=True)
class HScore:
    minimum: int
    maximum: int
    items: tuple[Criterion, ...]

    @property
    def complete(self) -> bool:
        return self.minimum == self.maximum

    def probability(self, points: int) -> float:
        return hscore_probability(points)


@dataclass(frozen=True)
class ClinicalContext:
    path: str
    sha256: str
    course: Course | None
    hlh_occurred: bool | None
    hlh2004: Hlh2004
    hscore: HScore
    functional: Mapping[str, FunctionalResult] = field(default_factory=dict)
    """Functional-test results given (perforin, CD107a, SAP, XIAP, Munc13-4, MAGT1): evidence for the genes they
    test (:mod:`varhlh.classify.functional`)."""
    values: Mapping[str, float | bool | None] = field(default_factory=dict)
    """The values given, in the units their names state (alternative units converted); None = not given."""

    def sentence(self) -> str:
        h = self.hlh2004
        text = f"HLH-2004 criteria met {h.met}/8 ({h.met_without_nk}/7 without NK-cell function"
        text += f"; missing: {', '.join(CRITERION_NAMES.get(m, m) for m in h.missing)})" if h.missing else ")"
        s = self.hscore
        if s.complete and self.child:
            text += f"; HScore {s.minimum} (an adult score: no probability is given for a child)"
        elif s.complete:
            text += (f"; HScore {s.minimum} (probability of reactive HLH {probability_text(s.minimum)}; "
                     "validated in adults, not for familial HLH)")
        else:
            text += f"; HScore between {s.minimum} and {s.maximum} (variables missing)"
        return text

    @property
    def child(self) -> bool:
        """Younger than 18 years (``age_days``): the HScore, an adult score, gives no probability."""
        age = self.values.get("age_days")
        return isinstance(age, int | float) and not isinstance(age, bool) and age < ADULT_DAYS

    @property
    def clinical_transplant_indication(self) -> bool:
        return self.course in (Course.RELAPSING, Course.REFRACTORY)


def load_clinical(path: Path) -> ClinicalContext:
    raw = _read(path)
    functional = _functional(raw, path)
    values = _values({k: v for k, v in raw.items() if k not in FUNCTIONAL_KEYS}, path)
    course = _course(raw.get("hlh_course"), path)
    occurred = raw.get("hlh_occurred")
    if occurred is not None and not isinstance(occurred, bool):
        msg = f"{path}: 'hlh_occurred' must be true or false, got {shown(occurred)}"
        raise InputError(msg)
    return ClinicalContext(str(path), hashlib.sha256(raw_bytes(raw)).hexdigest(), course, occurred,
                           hlh2004(values), hscore(values), functional, values)


def _functional(raw: Mapping[str, Any], path: Path) -> dict[str, FunctionalResult]:
    """The functional-test results (absent / reduced / normal); missing keys are tests not done."""
    out: dict[str, FunctionalResult] = {}
    for key in FUNCTIONAL_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        try:
            out[key] = FunctionalResult(str(value).strip().lower())
        except ValueError:
            allowed = ", ".join(r.value for r in FunctionalResult)
            msg = f"{path}: {key!r} must be one of {allowed}, got {shown(value)}"
            raise InputError(msg) from None
    return out


class _Raw(dict[str, Any]):
    """The parsed mapping, with the bytes it was parsed from (hashed into the result)."""

    source: bytes = b""


def raw_bytes(raw: Mapping[str, Any]) -> bytes:
    return raw.source if isinstance(raw, _Raw) else b""


def _read(path: Path) -> dict[str, Any]:
    text = read_text(path, CONFIG_LIMIT, what="clinical context file", error=InputError,
                     fix="it is a short list of field: value — check --clinical")
    data = parse_mapping(text, path, "clinical context")
    if not isinstance(data, dict):
        msg = f"{path}: the clinical context must be a mapping of field: value"
        raise InputError(msg)
    bad = [k for k in data if not isinstance(k, str)]
    if bad:
        msg = f"{path}: field names must be text, got {shown(bad[0])}; write the field names of the example file"
        raise InputError(msg)
    out = _Raw(data)
    out.source = text.encode("utf-8")  # the bytes read: strict UTF-8 decodes and encodes back exactly
    return out


def _values(raw: Mapping[str, Any], path: Path) -> dict[str, float | bool | None]:
    known = {*NUMBERS, *FLAGS, *CONVERSIONS, *FUNCTIONAL_KEYS, "hlh_course", "hlh_occurred"}
    unknown = sorted(set(raw) - known)
    if unknown:
        listed = ", ".join(shown(k, 40) for k in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5
                                                                 else "")
        msg = f"{path}: unknown field(s) {listed}; known fields: {', '.join(sorted(known))}"
        raise InputError(msg)
    values: dict[str, float | bool | None] = {name: None for name in (*NUMBERS, *FLAGS)}
    given: dict[str, str] = {}
    for key, value in raw.items():
        if value is None or key in ("hlh_course", "hlh_occurred"):
            continue
        target, factor = CONVERSIONS.get(key, (key, 1.0))
        if target in given:
            msg = (f"{path}: {given[target]!r} and {key!r} give the same quantity twice; keep one (in the unit its "
                   "name gives)")
            raise InputError(msg)
        given[target] = key
        if target in FLAGS:
            if not isinstance(value, bool):
                msg = f"{path}: {key!r} must be true or false, got {shown(value)}"
                raise InputError(msg)
            values[target] = value
        else:
            values[target] = _quantity(key, value, target, factor, path)
    return values


def _quantity(key: str, value: Any, target: str, factor: float, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{path}: {key!r} must be a non-negative number in the unit its name gives, got {shown(value)}"
        raise InputError(msg)
    try:
        number = float(value) * factor
    except OverflowError:
        number = float("inf")
    low, high = RANGES[target]
    if not math.isfinite(number) or not low <= number <= high:
        hint = ""
        if target == "temperature_c" and isinstance(value, int | float) and 77 <= value <= 113:
            hint = f" ({shown(value)} looks like °F: {(float(value) - 32) / 1.8:.1f} °C)"
        scale = f" (= {low / factor:g} to {high / factor:g} as {key})" if factor != 1.0 else ""
        msg = (f"{path}: {key!r} = {shown(value)} is outside the plausible range {low:g} to {high:g} for "
               f"{target}{scale}{hint}; check the value and its unit")
        raise InputError(msg)
    return number


def _course(value: Any, path: Path) -> Course | None:
    if value is None:
        return None
    try:
        return Course(value)
    except (ValueError, TypeError):
        msg = f"{path}: 'hlh_course' must be one of {', '.join(c.value for c in Course)}, got {shown(value)}"
        raise InputError(msg) from None


# ------------------------------------------------------------------ HLH-2004


def hlh2004(v: Mapping[str, float | bool | None]) -> Hlh2004:
    age = v["age_days"]
    infant = age is not None and float(age) < 28
    hb_limit = 100.0 if infant else 90.0
    return Hlh2004((
        _threshold("fever", v["temperature_c"], ">=", 38.5, "°C"),
        _flag("splenomegaly", v["splenomegaly"]),
        _cytopenias(v, hb_limit),
        _lipids(v),
        _flag("hemophagocytosis", v["hemophagocytosis"]),
        _flag("nk_activity", v["nk_activity_low"], "low or absent NK-cell activity"),
        _threshold("ferritin", v["ferritin_ug_per_l"], ">=", 500, "µg/L"),
        _threshold("soluble_cd25", v["scd25_u_per_ml"], ">=", 2400, "U/mL"),
    ))


def _threshold(name: str, value: Any, op: str, limit: float, unit: str) -> Criterion:
    if value is None:
        return Criterion(name, "missing", f"{name}: not provided")
    met = value >= limit if op == ">=" else value <= limit
    return Criterion(name, "met" if met else "not_met", f"{name} {value:g} {unit} ({op} {limit:g}: "
                                                         f"{'met' if met else 'not met'})")


def _flag(name: str, value: Any, label: str | None = None) -> Criterion:
    if value is None:
        return Criterion(name, "missing", f"{label or name}: not provided")
    return Criterion(name, "met" if value else "not_met", f"{label or name}: {'yes' if value else 'no'}")


def _cytopenias(v: Mapping[str, Any], hb_limit: float) -> Criterion:
    tests = (("haemoglobin", v["hemoglobin_g_per_l"], hb_limit, "g/L"), ("platelets", v["platelets_10e9_per_l"], 100,
             "x10^9/L"), ("neutrophils", v["neutrophils_10e9_per_l"], 1.0, "x10^9/L"))
    low = [f"{n} {x:g} < {lim:g} {u}" for n, x, lim, u in tests if x is not None and x < lim]
    unknown = [n for n, x, _, _ in tests if x is None]
    state = "met" if len(low) >= 2 else "not_met" if len(low) + len(unknown) < 2 else "missing"
    detail = "; ".join(low) or "no lineage low"
    return Criterion("cytopenias", state, f"cytopenias in >= 2 of 3 lineages: {detail}"
                                          + (f" (not provided: {', '.join(unknown)})" if unknown else ""))


def _lipids(v: Mapping[str, Any]) -> Criterion:
    tg, fib = v["triglycerides_mmol_per_l"], v["fibrinogen_g_per_l"]
    hits = [f"fasting triglycerides {tg:g} >= 3.0 mmol/L"] if tg is not None and tg >= 3.0 else []
    hits += [f"fibrinogen {fib:g} <= 1.5 g/L"] if fib is not None and fib <= 1.5 else []
    if hits:
        return Criterion("triglycerides_or_fibrinogen", "met", "; ".join(hits))
    if tg is None or fib is None:
        return Criterion("triglycerides_or_fibrinogen", "missing", "hypertriglyceridaemia/hypofibrinogenaemia: "
                         "not decidable (a value is missing)")
    return Criterion("triglycerides_or_fibrinogen", "not_met", f"triglycerides {tg:g} mmol/L, fibrinogen {fib:g} g/L")


# ------------------------------------------------------------------ HScore


def hscore(v: Mapping[str, Any]) -> HScore:
    items = (
        _points("immunosuppression", _bool_options(v["immunosuppression"], 18)),
        _points("temperature", _options(v["temperature_c"], lambda t: 0 if t < 38.4 else 33 if t <= 39.4 else 49,
                                        (0, 33, 49))),
        _points("organomegaly", _organomegaly(v["hepatomegaly"], v["splenomegaly"])),
        _points("cytopenias", _hscore_cytopenias(v)),
        _points("ferritin", _options(v["ferritin_ug_per_l"], lambda f: 0 if f < 2000 else 35 if f <= 6000 else 50,
                                     (0, 35, 50))),
        _points("triglycerides", _options(v["triglycerides_mmol_per_l"], lambda t: 0 if t < 1.5 else 44 if t <= 4
                                          else 64, (0, 44, 64))),
        _points("fibrinogen", _options(v["fibrinogen_g_per_l"], lambda f: 30 if f <= 2.5 else 0, (0, 30))),
        _points("ast", _options(v["ast_iu_per_l"], lambda a: 19 if a >= 30 else 0, (0, 19))),
        _points("marrow_hemophagocytosis", _bool_options(v["hemophagocytosis_bone_marrow"], 35)),
    )
    low = sum(min(options) for _, options in items)
    high = sum(max(options) for _, options in items)
    return HScore(low, high, tuple(criterion for criterion, _ in items))


def _options(value: Any, score: Any, every: tuple[int, ...]) -> tuple[int, ...]:
    return every if value is None else (score(value),)


def _bool_options(value: Any, points: int) -> tuple[int, ...]:
    return (0, points) if value is None else ((points,) if value else (0,))


def _organomegaly(hepato: Any, spleno: Any) -> tuple[int, ...]:
    options = {_organ_points(h, s) for h in ((True, False) if hepato is None else (hepato,))
               for s in ((True, False) if spleno is None else (spleno,))}
    return tuple(sorted(options))


def _organ_points(hepato: bool, spleno: bool) -> int:
    return 38 if hepato and spleno else 23 if hepato or spleno else 0


def _hscore_cytopenias(v: Mapping[str, Any]) -> tuple[int, ...]:
    tests = ((v["hemoglobin_g_per_l"], 92.0), (v["leukocytes_10e9_per_l"], 5.0), (v["platelets_10e9_per_l"], 110.0))
    low = sum(1 for x, lim in tests if x is not None and x <= lim)
    unknown = sum(1 for x, _ in tests if x is None)
    return tuple(sorted({_cytopenia_points(n) for n in range(low, low + unknown + 1)}))


def _cytopenia_points(lineages: int) -> int:
    return 34 if lineages >= 3 else 24 if lineages == 2 else 0


def _points(name: str, options: tuple[int, ...]) -> tuple[Criterion, tuple[int, ...]]:
    """One HScore variable: its criterion (state and text) and the points it can contribute."""
    state = "missing" if len(options) > 1 else "met" if options[0] else "not_met"
    shown = f"{name}: {options[0]} points" if len(options) == 1 else \
        f"{name}: not provided ({min(options)}-{max(options)} points possible)"
    return Criterion(name, state, shown), options


def probability_text(points: int) -> str:
    """'<1%', '>99%' at the table's ends (as published), else 'about N%'."""
    if points <= HSCORE_PROBABILITY[0][0]:
        return "<1%"
    if points >= HSCORE_PROBABILITY[-1][0]:
        return ">99%"
    return f"about {hscore_probability(points):g}%"


def hscore_probability(points: int) -> float:
    """Probability of reactive HLH (%) interpolated from Fardet 2014's published points table."""
    table = HSCORE_PROBABILITY
    if points <= table[0][0]:
        return table[0][1]
    if points >= table[-1][0]:
        return table[-1][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(table):
        if x0 <= points <= x1:
            return round(y0 + (y1 - y0) * (points - x0) / (x1 - x0), 1)
    return table[-1][1]  # pragma: no cover

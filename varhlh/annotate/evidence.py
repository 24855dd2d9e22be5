"""Population frequency and ClinVar evidence from every source, and the rule for which one is used.

Sources, in order of precedence (the first that *has a value* is used; every other value found
is kept and shown as not used, with its source):

1. a local file the user supplied (``--gnomad``, ``--clinvar``; :mod:`varhlh.annotate.resources`);
2. INFO fields of the VCF (names in ``Settings.af_fields`` / ``popmax_fields``; ClinVar tags
   found by :func:`varhlh.annotate.clinvar.detect_fields`);
3. columns of the chosen VEP CSQ/ANN entry (VEP ``--af_gnomade``/``--af_gnomadg``/``--max_af``
   columns such as ``gnomADe_AF``, ``gnomADg_AF``, ``MAX_AF``; ``--custom`` ClinVar columns such as
   ``ClinVar_CLNSIG``; VEP's own ``CLIN_SIG`` only when no such column has a value: it carries no
   review status, so it is shown but never counted), read only from the entry chosen for the
   gene (frequencies are per allele, so every entry of the allele carries the same value).

An *absence* (a declared field without a value, or an allele missing from a local gnomAD file)
is used only when no source has a value: an observation elsewhere always beats an absence.

A frequency value that is not a number in [0, 1] (``inf``, ``nan``, ``1.5``, ``-0.1``) is refused
(:class:`NotAFrequency`, exit 3): ignoring it would read a common allele as absent (PM2), and an
infinity or NaN is not JSON.

VEP column values: ``&`` joins values of several co-located known variants (the highest is used
and a note says so); the pre-v90 form ``A:0.0064`` (allele:frequency) is read for this entry's
allele only.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from varhlh.annotate import clinvar
from varhlh.annotate.consequence import Dialect, TranscriptConsequence
from varhlh.errors import InputError, shown
from varhlh.models import ClinVarEvidence, FrequencyEvidence
from varhlh.read.reader import FieldDef

E = TypeVar("E", FrequencyEvidence, ClinVarEvidence)


class NotAFrequency(InputError):
    """A population-frequency value outside [0, 1] or not finite."""


def frequency(text: str, field: str) -> float:
    """``text`` as an allele frequency; ValueError when it is not a number, :class:`NotAFrequency` when it is a
    number outside [0, 1] (or not finite)."""
    value = float(text)
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        msg = (f"{field} = {shown(text)} is not an allele frequency (a number from 0 to 1); fix the annotation step "
               "that wrote it")
        raise NotAFrequency(msg)
    return value


@dataclass(frozen=True)
class Chosen(Generic[E]):
    """The evidence used, the other values found, and a sentence saying which was used."""

    used: E | None
    others: tuple[E, ...]
    note: str | None


def choose(candidates: Sequence[E | None], kind: str) -> Chosen[E]:
    """First candidate with a value, else the first absence; all others are returned as not used."""
    present = [c for c in candidates if c is not None]
    if not present:
        return Chosen(None, (), None)
    with_value = [c for c in present if _has_value(c)]
    used = with_value[0] if with_value else present[0]
    others = tuple(c for c in present if c is not used)
    note = None
    if others:
        shown = "; ".join(f"{describe(c)} ({c.source})" for c in others)
        note = f"{kind}: {describe(used)} from {used.source} was used; also found, not used: {shown}"
    return Chosen(used, others, note)


def describe(evidence: FrequencyEvidence | ClinVarEvidence) -> str:
    if isinstance(evidence, ClinVarEvidence):
        return f"{evidence.raw} ({clinvar.stars_text(evidence)})"
    if evidence.filtering_af is None:
        return "absent"
    return f"{evidence.popmax_field or evidence.af_field} {evidence.filtering_af:g}"


def _has_value(evidence: FrequencyEvidence | ClinVarEvidence) -> bool:
    return isinstance(evidence, ClinVarEvidence) or evidence.filtering_af is not None


# ----------------------------------------------------------------------------- INFO fields


def info_frequency(info: Mapping[str, str], defs: Mapping[str, FieldDef], af_fields: Sequence[str],
                   popmax_fields: Sequence[str], alt_index: int, source: str = "VCF INFO") -> FrequencyEvidence | None:
    """Frequency from INFO (or any name -> text mapping with header definitions); None if no field is declared."""
    if not af_fields and not popmax_fields:
        return None
    af, af_field = first_value(info, defs, af_fields, alt_index)
    popmax, popmax_field = first_value(info, defs, popmax_fields, alt_index)
    declared = ", ".join([*popmax_fields, *af_fields])
    return FrequencyEvidence(af, af_field or (None if popmax_field else declared), popmax, popmax_field,
                             f"{source} ({declared})")


def first_value(info: Mapping[str, str], defs: Mapping[str, FieldDef], fields: Sequence[str],
                alt_index: int) -> tuple[float | None, str | None]:
    """The first field with a numeric value for this ALT (Number=A: the ALT's; R: skip REF)."""
    for name in fields:
        raw = info.get(name)
        if raw is None:
            continue
        values = raw.split(",")
        number = defs[name].number if name in defs else "."
        text = values[alt_index - 1] if number == "A" and len(values) >= alt_index else values[0]
        if number == "R" and len(values) > alt_index:
            text = values[alt_index]
        try:
            return frequency(text, name), name
        except ValueError:
            continue
    return None, None


# ----------------------------------------------------------------------------- VEP entry columns


def entry_frequency(choice: TranscriptConsequence | None, af_fields: Sequence[str],
                    popmax_fields: Sequence[str]) -> tuple[FrequencyEvidence | None, str | None]:
    """Frequency from the chosen VEP entry's columns (with a note when several values were joined)."""
    if choice is None or choice.dialect is not Dialect.VEP:
        return None, None
    afs = _declared(choice.columns(), tuple(af_fields))
    popmaxes = _declared(choice.columns(), tuple(popmax_fields))
    if not afs and not popmaxes:
        return None, None
    allele = choice.value("Allele")
    af, af_field, af_note = _first_column(choice, afs, allele)
    popmax, popmax_field, popmax_note = _first_column(choice, popmaxes, allele)
    declared = ", ".join([*popmaxes, *afs])
    evidence = FrequencyEvidence(af, af_field or (None if popmax_field else declared), popmax, popmax_field,
                                 f"{choice.source_label} entry of {choice.transcript or 'the gene'} ({declared})")
    return evidence, popmax_note or af_note


def _first_column(choice: TranscriptConsequence, names: Sequence[str],
                  allele: str | None) -> tuple[float | None, str | None, str | None]:
    for name in names:
        raw = choice.value(name)
        if raw is None:
            continue
        numbers = []
        for part in raw.split("&"):
            key, sep, value = part.rpartition(":")
            if sep and allele is not None and key.upper() != allele.upper():
                continue
            try:
                numbers.append(frequency(value, f"{choice.source_label} column {name}"))
            except ValueError:
                continue
        if numbers:
            note = (f"{name} holds several values ({raw}) for co-located known variants: the highest, "
                    f"{max(numbers):g}, was used") if len(numbers) > 1 else None
            return max(numbers), name, note
    return None, None, None


@functools.lru_cache(maxsize=32)
def _entry_fields(columns: tuple[str, ...]) -> clinvar.ClinVarFields:
    """ClinVar columns of a VEP format (computed once per distinct header, not per allele)."""
    return clinvar.detect_fields({name: FieldDef(name, ".", "String", "") for name in columns})


@functools.lru_cache(maxsize=64)
def _declared(columns: tuple[str, ...], fields: tuple[str, ...]) -> list[str]:
    """The entry columns named in ``fields`` (case-insensitive, in ``fields`` order, each once): computed once
    per distinct VEP format and settings, not per allele (callers only read it)."""
    lowered = {c.lower(): c for c in columns}
    return list(dict.fromkeys(lowered[f.lower()] for f in fields if f.lower() in lowered))


@functools.lru_cache(maxsize=32)
def _clin_sig_column(columns: tuple[str, ...]) -> str | None:
    return next((name for name in columns if name.upper() == "CLIN_SIG"), None)


def entry_clinvar(choice: TranscriptConsequence | None) -> ClinVarEvidence | None:
    """ClinVar from the chosen VEP entry's columns (``ClinVar_CLNSIG``, ``CLINVAR_CLNSIG``, ``CLIN_SIG``…)."""
    if choice is None or choice.dialect is not Dialect.VEP:
        return None
    fields = _entry_fields(choice.columns())
    source = f"{choice.source_label} column {fields.significance}"
    if fields.significance is None or choice.value(fields.significance) is None:
        vep = _clin_sig_column(choice.columns())
        if vep is None:
            return None  # no ClinVar column: the entry's values are not collected
        fields = clinvar.ClinVarFields(vep, None, None, None)
        source = f"{choice.source_label} column {vep} (VEP --check_existing; no review status)"
    values = {name: value for name in choice.columns() if (value := choice.value(name)) is not None}
    return clinvar.read(values, fields, 1, number_a=False, source=source)


# ----------------------------------------------------------------------------- where a source looked


EXOME_ONLY = ("exac", "exome", "gnomade", "gnomad_e", "esp6500", "esp_", "evs_")
"""Markers of exome-only frequency sources in a field or file name (lower case, matched as substrings)."""
EXOME_TERMS = frozenset({
    "stop_gained", "frameshift_variant", "stop_lost", "start_lost", "missense_variant", "synonymous_variant",
    "inframe_deletion", "inframe_insertion", "protein_altering_variant", "coding_sequence_variant",
    "splice_acceptor_variant", "splice_donor_variant", "splice_region_variant", "splice_donor_5th_base_variant",
    "splice_donor_region_variant", "splice_polypyrimidine_tract_variant", "stop_retained_variant",
    "start_retained_variant", "incomplete_terminal_codon_variant"})
"""Consequences at positions an exome captures (coding sequence and the splice region)."""


def covers(freq: FrequencyEvidence, consequence: str | None) -> bool:
    """Whether a frequency source looked at this position: inside the exome any source did; outside it, a source
    that is not exome-only (the source's own name — a local file's name — or any of the fields declared)."""
    if consequence in EXOME_TERMS:
        return True
    if _exome_only(freq.source.split(" (")[0]):
        return False
    names = [n.strip() for n in (freq.popmax_field or freq.af_field or "").split(",") if n.strip()]
    return not names or not all(_exome_only(n) for n in names)


def _exome_only(name: str) -> bool:
    lower = name.lower()
    return any(marker in lower for marker in EXOME_ONLY)


def not_rare(freq: FrequencyEvidence | None, consequence: str | None, threshold: float) -> str | None:
    """Why an allele cannot be taken as rare: no frequency source, an exome-only source silent outside the exome,
    or a filtering allele frequency at or above ``threshold``; None when a source that looked says it is rare."""
    if freq is None:
        return ("its population frequency is unknown (no frequency annotation, --gnomad file or installed "
                "resource)")
    af = freq.filtering_af
    if af is None and not covers(freq, consequence):
        return f"it is absent from {freq.source}, an exome-only source, at a position outside the exome"
    if af is not None and af >= threshold:
        field = freq.popmax_field or freq.af_field
        return f"its population frequency {af:g} ({field}; {freq.source}) is >= {threshold:g}"
    return None

"""Report metadata (``--report-meta META.yaml``): patient identifiers, referrer, indication, specimen, sign-off.

The metadata frames the counselor's report as a laboratory report; it is **not** part of the analysis result: it
is never written to the JSON, TSV, VCF, Phenopacket or MultiQC outputs (patient identifiers stay out of pipeline
outputs) and only appears in the HTML and PDF. ``varhlh report RESULT.json --report-meta META.yaml`` adds it to a
stored result.

The file is untrusted input and read like the clinical context (:mod:`varhlh.decide.clinical`): at most
:data:`varhlh.fileio.CONFIG_LIMIT` bytes, a flat YAML or JSON mapping of the fields in :data:`FIELDS`, no YAML
anchors or aliases, no duplicate keys, every value text (or a date) of at most :data:`MAX_CHARS` characters
without control characters; anything else is refused (exit 3) with the file and the field, the value echoed cut.

The report date is ``report_date`` from the file, else the date of ``SOURCE_DATE_EPOCH`` (so a rebuilt report is
byte-identical), else today's date in UTC (:func:`report_date`).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from varhlh.errors import InputError, shown
from varhlh.fileio import CONFIG_LIMIT, parse_mapping, read_text

MAX_CHARS = 300
"""Longest value accepted (a name, an identifier, one line of indication)."""


@dataclass(frozen=True)
class ReportMeta:
    """Every field is optional; an empty string is 'not given'."""

    patient_name: str = ""
    patient_id: str = ""
    """Hospital or laboratory patient identifier."""
    date_of_birth: str = ""
    family_id: str = ""
    referrer: str = ""
    """Referring clinician."""
    referring_centre: str = ""
    indication: str = ""
    """Why the test was requested (e.g. 'HLH at 10 weeks, perforin absent')."""
    specimen_type: str = ""
    specimen_id: str = ""
    specimen_collected: str = ""
    specimen_received: str = ""
    laboratory: str = ""
    report_id: str = ""
    report_date: str = ""
    """The report's date (else SOURCE_DATE_EPOCH, else today)."""
    reviewed_by: str = ""
    """Who reviewed and signed off the report."""
    reviewer_role: str = ""
    review_date: str = ""

    @property
    def patient(self) -> tuple[tuple[str, str], ...]:
        return _rows(self, (("Patient", "patient_name"), ("Patient ID", "patient_id"),
                            ("Date of birth", "date_of_birth"), ("Family ID", "family_id")))

    @property
    def request(self) -> tuple[tuple[str, str], ...]:
        return _rows(self, (("Referred by", "referrer"), ("Referring centre", "referring_centre"),
                            ("Indication", "indication"), ("Specimen", "specimen_type"),
                            ("Specimen ID", "specimen_id"), ("Collected", "specimen_collected"),
                            ("Received", "specimen_received"), ("Laboratory", "laboratory"),
                            ("Report ID", "report_id")))


FIELDS = tuple(f.name for f in fields(ReportMeta))


def _rows(meta: ReportMeta, names: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((label, value) for label, name in names if (value := getattr(meta, name)))


def load_report_meta(path: Path) -> ReportMeta:
    """Read and check ``--report-meta``; :class:`InputError` (exit 3) naming the file and field otherwise."""
    text = read_text(path, CONFIG_LIMIT, what="report metadata file", error=InputError,
                     fix="it is a short list of field: value — check --report-meta")
    data = parse_mapping(text, path, "report metadata file")
    if data is None:
        return ReportMeta()
    if not isinstance(data, dict):
        msg = f"{path}: the report metadata must be a mapping of field: value (see examples/report_meta.yaml)"
        raise InputError(msg)
    unknown = [k for k in data if k not in FIELDS]
    if unknown:
        msg = f"{path}: unknown field {shown(unknown[0], 40)}; known fields: {', '.join(FIELDS)}"
        raise InputError(msg)
    return ReportMeta(**{key: _text(key, value, path) for key, value in data.items()})


def _text(key: str, value: Any, path: Path) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):  # YAML reads 2026-03-01 as a date
        return value.isoformat()[:10]
    if isinstance(value, bool) or not isinstance(value, str | int):
        msg = f"{path}: field {key} must be text, got {shown(value)}"
        raise InputError(msg)
    text = str(value).strip()
    if len(text) > MAX_CHARS:
        msg = f"{path}: field {key} is {len(text)} characters long; at most {MAX_CHARS} are shown in a report"
        raise InputError(msg)
    if any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in text):
        msg = f"{path}: field {key} contains a control character or line break ({shown(text)}); write one line"
        raise InputError(msg)
    return text


def report_date(meta: ReportMeta | None = None) -> str:
    """``report_date`` of the metadata, else SOURCE_DATE_EPOCH's UTC date, else today's UTC date (ISO 8601)."""
    if meta is not None and meta.report_date:
        return meta.report_date
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date().isoformat()
    return datetime.datetime.now(tz=datetime.timezone.utc).date().isoformat()

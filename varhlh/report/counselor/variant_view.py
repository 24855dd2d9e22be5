"""One variant as the report shows it: every field of ``variants[]`` (:class:`varhlh.result.VariantDoc`) restated in
plain words.

Missing optional fields read as "not given" or "not in the input's annotation", never as blanks; nothing is
inferred that the result does not state. Protein names are written with parentheses (``p.(Trp374Ter)``); the
transcript the HGVS is on is named, and when it is not the gene's MANE Select RefSeq, that one is named too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from varhlh.report.counselor import words
from varhlh.result import ClinVarDoc, FrequencyDoc, QualityDoc, SetAsideDoc, VariantDoc


@dataclass(frozen=True)
class VariantView:
    id: str
    gene: str
    name: str
    """The best short name: HGVS p., else c., else the consequence at the position (:func:`words.variant_name`)."""
    hgvs_c: str
    hgvs_p: str
    transcript: str
    transcript_note: str
    """Empty, or how the HGVS transcript relates to the gene's MANE Select RefSeq."""
    position: str
    build: str
    zygosity: str
    zygosity_short: str
    genotype: str
    cls: str
    cls_label: str
    evidence: tuple[str, ...]
    evidence_words: tuple[tuple[str, str], ...]
    reasons: tuple[str, ...]
    consequence: str
    clinvar: str
    clinvar_stars: str
    frequency: str
    quality: str
    flags: tuple[str, ...]
    relatives: tuple[tuple[str, str], ...]
    annotation: str
    notes: tuple[str, ...]
    functional: str
    set_aside: str
    """Why it is not a finding, in words ('' for findings)."""


def variant_view(v: VariantDoc, build: str, roles: Mapping[str, str], mane: str = "") -> VariantView:
    return VariantView(
        id=v.id, gene=v.gene, name=words.variant_name(v),
        hgvs_c=v.hgvs_c or "", hgvs_p=words.protein(v.hgvs_p), transcript=v.transcript or mane,
        transcript_note=_transcript_note(v.transcript, mane),
        position=f"{v.chrom}:{v.pos} {v.ref}>{v.alt}", build=build,
        zygosity=words.label(words.ZYGOSITY, v.zygosity),
        zygosity_short=words.label(words.ZYGOSITY_SHORT, v.zygosity), genotype=v.genotype,
        cls=str(v.classification), cls_label=class_label(v),
        evidence=tuple(v.evidence),
        evidence_words=tuple((code, words.EVIDENCE.get(code, "")) for code in v.evidence),
        reasons=tuple(v.reasons),
        consequence=(v.consequence or "").replace("_", " "),
        clinvar=_clinvar(v.clinvar),
        clinvar_stars=words.stars(v.clinvar.stars if v.clinvar else None),
        frequency=_frequency(v.frequency),
        quality=_quality(v.quality),
        flags=tuple(words.QUALITY_FLAG.get(f, f) for f in v.filters),
        relatives=tuple((f"{roles.get(s, 'Relative')} {s}",
                         f"{words.label(words.ZYGOSITY_SHORT, c.zygosity)} ({c.genotype})")
                        for s, c in sorted(v.family.items())),
        annotation=v.annotation_source,
        notes=tuple(v.annotation_notes),
        functional=v.functional_effect or "",
        set_aside=words.label(words.SET_ASIDE, v.set_aside) if v.set_aside else "",
    )


def set_aside_view(s: SetAsideDoc, build: str) -> VariantView:
    """An allele of the compact ``set_aside`` listing, for the appendix: what it is and why it is not reported."""
    ref, _, alt = s.id.removeprefix(f"{s.chrom}-{s.pos}-").partition("-")
    why = words.label(words.SET_ASIDE, s.reason)
    consequence = (s.consequence or "").replace("_", " ")
    return VariantView(
        id=s.id, gene=s.gene, name=s.hgvs_c or consequence or f"{s.chrom}:{s.pos}", hgvs_c=s.hgvs_c or "",
        hgvs_p="", transcript="", transcript_note="", position=f"{s.chrom}:{s.pos} {ref}>{alt}", build=build,
        zygosity=words.label(words.ZYGOSITY, s.zygosity), zygosity_short=words.label(words.ZYGOSITY_SHORT, s.zygosity),
        genotype=s.genotype, cls=str(s.classification), cls_label=words.label(words.CLASSIFICATION, s.classification),
        evidence=(), evidence_words=(), reasons=(why,), consequence=consequence, clinvar="", clinvar_stars="",
        frequency="", quality="", flags=(), relatives=(), annotation="", notes=(), functional="", set_aside=why,
    )


def class_label(v: VariantDoc) -> str:
    """The classification in words; an allele whose effect is unknown is 'not classified', never a VUS."""
    if v.effect_unknown or v.classification == "not_assessed":
        return words.CLASSIFICATION["not_assessed"]
    return words.label(words.CLASSIFICATION, v.classification)


def _transcript_note(transcript: str | None, mane: str) -> str:
    if not transcript or not mane or transcript.split(".")[0] == mane.split(".")[0]:
        return ""
    if transcript.startswith("ENST"):
        return f"HGVS as annotated on the Ensembl transcript; the gene's MANE Select RefSeq is {mane}"
    return f"HGVS on {transcript}, which is not the gene's MANE Select RefSeq ({mane}): check the numbering"


def _clinvar(c: ClinVarDoc | None) -> str:
    if c is None:
        return "not in the input's annotation"
    parts = [words.label(words.CLINVAR, c.significance)]
    if c.raw and c.raw != c.significance:
        parts.append(f"as written in the input: {c.raw}")
    if c.stars is not None:
        parts.append(f"{c.stars} of 4 review stars")
    if c.review_status:
        parts.append(c.review_status.replace("_", " "))
    if c.variation_id:
        parts.append(f"VCV {c.variation_id}")
    return "; ".join(parts)


def _frequency(f: FrequencyDoc | None) -> str:
    if f is None:
        return "not checked: no population frequency in the input (frequency criteria not applied)"
    parts = []
    if f.popmax is not None:
        parts.append(f"highest population (filtering) AF {_af(f.popmax)} ({f.popmax_field})")
    if f.af is not None:
        parts.append(f"overall AF {_af(f.af)} ({f.af_field})")
    return "; ".join(parts) or "not given"


def _af(x: float) -> str:
    return f"{x:.2g}" if x >= 0.001 or x == 0 else f"{x:.1e}"


def _quality(q: QualityDoc) -> str:
    parts = []
    for value, name in ((q.qual, "QUAL"), (q.gq, "GQ"), (q.dp, "depth")):
        if value is not None:
            parts.append(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}")
    if q.ad:
        parts.append("allele depths " + "/".join(str(a) for a in q.ad))
    if q.phase_set:
        parts.append(f"phase set {q.phase_set}")
    return ", ".join(parts) or "not given"

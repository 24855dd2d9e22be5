"""One variant as the report shows it: every field of ``variants[]`` restated in plain words.

Missing optional fields read as "not given" or "not in the input's annotation", never as blanks;
nothing is inferred that the result does not state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from varhlh.report.counselor import words

Data = Mapping[str, Any]


@dataclass(frozen=True)
class VariantView:
    id: str
    gene: str
    name: str
    """The best short name: HGVS p., else c., else the consequence at the position (:func:`words.variant_name`)."""
    hgvs_c: str
    hgvs_p: str
    transcript: str
    position: str
    build: str
    zygosity: str
    zygosity_short: str
    genotype: str
    cls: str
    cls_label: str
    evidence: tuple[str, ...]
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


def variant_view(v: Data, build: str, roles: Mapping[str, str]) -> VariantView:
    quality = v.get("quality") or {}
    return VariantView(
        id=v["id"], gene=v["gene"], name=words.variant_name(v),
        hgvs_c=v.get("hgvs_c") or "", hgvs_p=v.get("hgvs_p") or "", transcript=v.get("transcript") or "",
        position=f"{v['chrom']}:{v['pos']} {v['ref']}>{v['alt']}", build=build,
        zygosity=words.label(words.ZYGOSITY, v["zygosity"]),
        zygosity_short=words.label(words.ZYGOSITY_SHORT, v["zygosity"]), genotype=str(v.get("genotype") or ""),
        cls=v["classification"], cls_label=words.label(words.CLASSIFICATION, v["classification"]),
        evidence=tuple(v.get("evidence", ())), reasons=tuple(v["reasons"]),
        consequence=(v.get("consequence") or "").replace("_", " "),
        clinvar=_clinvar(v.get("clinvar")),
        clinvar_stars=words.stars((v.get("clinvar") or {}).get("stars")),
        frequency=_frequency(v.get("frequency")),
        quality=_quality(quality),
        flags=tuple(v.get("filters", ())),
        relatives=tuple((f"{roles.get(s, 'Relative')} {s}",
                         f"{words.ZYGOSITY_SHORT.get(c['zygosity'], c['zygosity'])} ({c['genotype']})")
                        for s, c in sorted((v.get("family") or {}).items())),
        annotation=v.get("annotation_source") or "",
        notes=tuple(v.get("annotation_notes", ())),
    )


def _clinvar(c: Data | None) -> str:
    if not c:
        return "not in the input's annotation"
    parts = [str(c.get("significance") or "no significance given")]
    if c.get("raw") and c.get("raw") != c.get("significance"):
        parts.append(f"as written in the input: {c['raw']}")
    if c.get("stars") is not None:
        parts.append(f"{c['stars']} of 4 review stars")
    if c.get("review_status"):
        parts.append(str(c["review_status"]).replace("_", " "))
    if c.get("variation_id"):
        parts.append(f"VCV {c['variation_id']}")
    return "; ".join(parts)


def _frequency(f: Data | None) -> str:
    if not f:
        return "not in the input's annotation (frequency criteria not assessed)"
    parts = []
    if f.get("popmax") is not None:
        parts.append(f"highest population (filtering) AF {_af(f['popmax'])} ({f.get('popmax_field')})")
    if f.get("af") is not None:
        parts.append(f"overall AF {_af(f['af'])} ({f.get('af_field')})")
    return "; ".join(parts) or "not given"


def _af(x: float) -> str:
    return f"{x:.2g}" if x >= 0.001 or x == 0 else f"{x:.1e}"


def _quality(q: Data) -> str:
    parts = []
    for key, name in (("qual", "QUAL"), ("gq", "GQ"), ("dp", "depth")):
        if q.get(key) is not None:
            value = q[key]
            parts.append(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}")
    if q.get("ad"):
        parts.append("allele depths " + "/".join(str(a) for a in q["ad"]))
    if q.get("phase_set"):
        parts.append(f"phase set {q['phase_set']}")
    return ", ".join(parts) or "not given"

"""The triage step ``--annotate-online vep``: run it, and say what it did and what left the machine.

Required by default: any failure is an :class:`~varhlh.errors.OnlineError` (exit 5) with one line.
With ``--online-optional`` a failed service is a warning, the run continues offline (built-in
exon models, curated alleles, the VCF's own INFO fields) and the limitations say so. A VCF that
already carries consequence annotation (VEP CSQ, SnpEff, bcftools csq) is not sent at all.
Configuration problems (an http:// URL, an unusable cache directory, a missing extra) are never
silently skipped: they are :class:`~varhlh.errors.ConfigError` (exit 4) either way.

The provenance (the result's ``online`` key) lists every request (endpoint, purpose, variants
sent, from the cache or not, attempts, whether it left the machine) and the exact variant strings
that left the machine, the canary included.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from varhlh.annotate.consequence import TranscriptConsequence
from varhlh.errors import OnlineError
from varhlh.models import Allele, Build
from varhlh.online import OnlineRequest
from varhlh.settings import Settings

log = logging.getLogger("varhlh")

SENT_FIELDS = ("CHROM POS . REF ALT . . . per allele (canonical chromosome, position, '.' for the VCF ID, REF, ALT, "
               "'.' for QUAL/FILTER/INFO); no sample name, genotype, VCF ID, quality or INFO value")


@dataclass(frozen=True)
class OnlineOutcome:
    consequences: Mapping[str, tuple[TranscriptConsequence, ...]] = field(default_factory=dict)
    source: str = ""
    """Label of the online annotation (e.g. 'Ensembl VEP REST API release 113 (GRCh37)'); '' if none."""
    provenance: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    limitations: tuple[str, ...] = ()


def annotate_online(request: OnlineRequest, settings: Settings, build: Build, alleles: Sequence[Allele],
                    vcf_sources: Sequence[str]) -> OnlineOutcome:
    """Run the requested online annotation for ``alleles`` (only ``vep`` exists)."""
    from varhlh.online import vep

    base: dict[str, Any] = {"services": list(request.services), "required": not request.optional,
                            "offline": request.offline}
    if vcf_sources:
        note = (f"The VCF already carries consequence annotation ({', '.join(vcf_sources)}): --annotate-online vep "
                "was not used and nothing was sent.")
        return OnlineOutcome(provenance={**base, "status": "skipped", "message": note, "requests": [],
                                         "data_sent": _sent(([], []), len(alleles))}, warnings=(note,))
    from varhlh.online.http import OnlineClient

    with OnlineClient(settings, request) as client:
        try:
            result = vep.annotate(client, settings, build, alleles)
        except OnlineError as exc:
            if not request.optional:
                raise
            log.warning("warning: %s", exc)
            provenance = {**base, "status": "failed", "message": str(exc), "cache": client.cache,
                          "service": _service(settings, build, None),
                          "requests": [e.to_dict() for e in client.exchanges],
                          "data_sent": _sent(_transmitted(client.exchanges), len(alleles))}
            warning = (f"Online annotation with {vep.SERVICE} failed and was optional (--online-optional): {exc}. "
                       "The analysis continued offline.")
            limitation = (f"Online annotation ({vep.SERVICE}) was requested but failed: consequences come from the "
                          "built-in exon models, curated alleles and the VCF's own fields only.")
            return OnlineOutcome(provenance=provenance, warnings=(warning,), limitations=(limitation,))
        exchanges = list(client.exchanges)
        cache = client.cache
    annotated = len(result.consequences)
    provenance = {**base, "status": "ok", "message": None, "cache": cache,
                  "service": _service(settings, build, result.release),
                  "requests": [e.to_dict() for e in exchanges],
                  "data_sent": _sent(_transmitted(exchanges), len(alleles)),
                  "not_sent": dict(result.not_sent), "alleles_annotated": annotated}
    limitations = []
    if annotated:
        limitations.append(f"Consequences, HGVS and transcripts of {annotated} allele(s) come from the "
                           f"{result.source}, queried online (see 'online' for every request and what was sent).")
    if result.not_sent:
        counts = "; ".join(f"{n} allele(s): {reason}" for reason, n in result.not_sent.items())
        limitations.append(f"Not sent to {vep.SERVICE} and not annotated online: {counts}.")
    return OnlineOutcome(result.consequences, result.source if annotated else "", provenance, (), tuple(limitations))


def _service(settings: Settings, build: Build, release: int | None) -> dict[str, Any]:
    from varhlh.online.vep import SERVICE, VEP_PARAMS

    url = settings.vep_grch37_url if build is Build.GRCH37 else settings.vep_grch38_url
    return {"name": SERVICE, "url": url.rstrip("/"), "build": build.value, "release": release,
            "parameters": dict(VEP_PARAMS)}


def _transmitted(exchanges: Sequence[Any]) -> tuple[list[str], list[str]]:
    """Unique variant strings of the requests that left (or may have left) the machine: (patient, canary)."""
    patient: dict[str, None] = {}
    canary: dict[str, None] = {}
    for exchange in exchanges:
        if exchange.transmitted:
            (canary if exchange.purpose.startswith("canary") else patient).update(dict.fromkeys(exchange.items))
    return list(patient), list(canary)


def _sent(sent: tuple[list[str], list[str]], alleles: int) -> dict[str, Any]:
    variants, canary = sent
    what = SENT_FIELDS if variants or canary else ("nothing (no request left the machine: answers came from the "
                                                   "cache, or no allele qualified)")
    return {"what": what, "count": len(variants), "variants": variants, "canary": canary,
            "alleles_in_panel_regions": alleles}


__all__ = ["OnlineOutcome", "annotate_online"]

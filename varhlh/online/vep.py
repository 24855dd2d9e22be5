"""Ensembl VEP REST annotation of the panel-region alleles of an unannotated VCF.

What is sent, and nothing else: one VCF-like string per ALT allele, ``CHROM POS . REF ALT . . .``
(the documented ``vep/:species/region`` POST format, ensembl-rest ``vep.conf``): canonical
chromosome name, position, ``.`` for the VCF ID column (lab IDs often live there), REF and ALT,
and ``.`` for QUAL/FILTER/INFO. No sample name, genotype, quality or INFO value ever leaves.
Symbolic alleles (``<DEL>``), spanning deletions (``*``), alleles with other than A/C/G/T/N bases
and non-primary contigs are never sent (they are counted in the provenance).

Order of requests: ``GET /info/software`` (the Ensembl release, recorded), the **canary** (PRF1
c.1122G>A p.Trp374Ter, GRCh37 10:72358355 C>T / GRCh38 10:70598599 C>T, which must come back as
``stop_gained`` on ENST00000441259 with that HGVS c.) in a request of its own, so that a wrong
build or endpoint is caught before any patient variant is sent; then the variants in batches of
``online_vep_batch_size`` (Ensembl's public limit is 200 per POST). Options:
``hgvs=1&mane=1&canonical=1&numbers=1&transcript_version=1`` (HGVS, MANE, canonical flag,
exon/intron numbers, versioned transcript ids). GRCh37 is served by grch37.rest.ensembl.org.

Every response is validated (pydantic, the fields used only; unknown extra fields are allowed):
each result must echo its ``input`` string, be on the requested assembly, and every input sent
must come back exactly once. Fewer results, garbled JSON or a drifted schema is an error, never
"no annotation" and never "benign". Results become :class:`~varhlh.annotate.consequence.TranscriptConsequence`
records (dialect VEP, tag ``REST``), the same inputs as a VEP CSQ annotation in the VCF.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from varhlh.annotate.consequence import Dialect, TranscriptConsequence, normalise_term, severity_rank
from varhlh.errors import ConfigError
from varhlh.genome import canonical_chrom
from varhlh.models import Allele, Build
from varhlh.online.http import OnlineClient, ResponseError, check_url
from varhlh.settings import Settings

SERVICE = "Ensembl VEP REST"
REGION_PATH = "/vep/homo_sapiens/region"
SOFTWARE_PATH = "/info/software"
VEP_PARAMS = {"hgvs": "1", "mane": "1", "canonical": "1", "numbers": "1", "transcript_version": "1"}
TAG = "REST"
_BASES = re.compile(r"^[ACGTN]+$")


@dataclass(frozen=True)
class Canary:
    input: str
    gene: str
    transcript: str
    hgvs_c: str
    term: str


CANARIES = {
    Build.GRCH37: Canary("10 72358355 . C T . . .", "PRF1", "ENST00000441259", "c.1122G>A", "stop_gained"),
    Build.GRCH38: Canary("10 70598599 . C T . . .", "PRF1", "ENST00000441259", "c.1122G>A", "stop_gained"),
}
"""PRF1 c.1122G>A (W374*, ClinVar VCV000013709), coordinates from gene_panels/hlh_known_variants.tsv."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class VepTranscriptConsequence(_Strict):
    transcript_id: str
    consequence_terms: list[str] = Field(min_length=1)
    impact: str
    variant_allele: str
    gene_id: str | None = None
    gene_symbol: str | None = None
    biotype: str | None = None
    hgvsc: str | None = None
    hgvsp: str | None = None
    canonical: int | None = None
    mane_select: str | None = None
    mane: list[str] | str | None = None
    exon: str | None = None
    intron: str | None = None


class VepResult(_Strict):
    input: str
    assembly_name: str
    seq_region_name: str
    start: int
    allele_string: str
    most_severe_consequence: str
    transcript_consequences: list[VepTranscriptConsequence] = Field(default_factory=list)


class Software(_Strict):
    release: int


_RESULTS = TypeAdapter(list[VepResult])


@dataclass(frozen=True)
class VepAnnotation:
    consequences: Mapping[str, tuple[TranscriptConsequence, ...]]
    """Allele id -> entries, for every allele that was sent."""
    release: int
    url: str
    build: Build
    sent: tuple[str, ...]
    """The unique variant strings sent for annotation (the canary not included)."""
    not_sent: Mapping[str, int]
    """Reason -> number of alleles that were not sent."""

    @property
    def source(self) -> str:
        return f"Ensembl VEP REST API release {self.release} ({self.build})"


def variant_string(allele: Allele) -> tuple[str | None, str]:
    """The VCF-like string sent for ``allele``, or None and the reason it is not sent."""
    record = allele.record
    if allele.symbolic or allele.alt == "*":
        return None, "symbolic or spanning-deletion allele"
    chrom = canonical_chrom(record.chrom)
    if chrom is None:
        return None, "contig without a primary-chromosome name"
    ref, alt = record.ref.upper(), allele.alt.upper()
    if not _BASES.match(ref) or not _BASES.match(alt):
        return None, "REF/ALT with bases other than A, C, G, T, N"
    return f"{chrom} {record.pos} . {ref} {alt} . . .", ""


def plan(alleles: Sequence[Allele]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Unique variant strings (in VCF order) -> allele ids, and counts of alleles not sent."""
    inputs: dict[str, list[str]] = {}
    not_sent: dict[str, int] = {}
    for allele in alleles:
        text, reason = variant_string(allele)
        if text is None:
            not_sent[reason] = not_sent.get(reason, 0) + 1
        else:
            inputs.setdefault(text, []).append(allele.id)
    return inputs, dict(sorted(not_sent.items()))


def annotate(client: OnlineClient, settings: Settings, build: Build, alleles: Sequence[Allele]) -> VepAnnotation:
    """Annotate ``alleles`` with VEP REST; raises OnlineError on any failure (nothing partial)."""
    setting = "vep_grch37_url" if build is Build.GRCH37 else "vep_grch38_url"
    base = check_url(getattr(settings, setting), setting)
    inputs, not_sent = plan(alleles)
    if not inputs:
        return VepAnnotation({}, 0, base, build, (), not_sent)
    if settings.online_vep_batch_size < 1:
        msg = f"setting online_vep_batch_size = {settings.online_vep_batch_size}: must be at least 1"
        raise ConfigError(msg)
    release = client.get_json(SERVICE, base + SOFTWARE_PATH, "Ensembl release", _software).release
    canary = CANARIES[build]
    client.post_json(SERVICE, base + REGION_PATH, f"canary {canary.gene} {canary.hgvs_c} ({build})",
                     lambda data: _check_canary(_results(data, [canary.input], build), canary, build),
                     {"variants": [canary.input]}, [canary.input], VEP_PARAMS)
    texts = list(inputs)
    size = settings.online_vep_batch_size
    batches = [texts[i:i + size] for i in range(0, len(texts), size)]
    consequences: dict[str, tuple[TranscriptConsequence, ...]] = {}
    for number, batch in enumerate(batches, start=1):
        results = client.post_json(SERVICE, base + REGION_PATH, f"batch {number}/{len(batches)}",
                                   lambda data, sent=batch: _results(data, sent, build),  # type: ignore[misc]
                                   {"variants": batch}, batch, VEP_PARAMS)
        for text in batch:
            entries = to_consequences(results[text])
            for allele_id in inputs[text]:
                consequences[allele_id] = entries
    return VepAnnotation(consequences, release, base, build, tuple(texts), not_sent)


def _software(data: Any) -> Software:
    try:
        return Software.model_validate(data)
    except ValidationError as exc:
        raise ResponseError(_first_error("info/software", exc)) from exc


def _results(data: Any, sent: Sequence[str], build: Build) -> dict[str, VepResult]:
    """Validate one POST answer against what was sent: every input back exactly once, right build."""
    try:
        results = _RESULTS.validate_python(data)
    except ValidationError as exc:
        raise ResponseError(_first_error("vep/region", exc)) from exc
    by_input: dict[str, VepResult] = {}
    for result in results:
        if result.input in by_input:
            msg = f"result for {result.input!r} returned twice"
            raise ResponseError(msg)
        by_input[result.input] = result
    missing = [s for s in sent if s not in by_input]
    extra = [s for s in by_input if s not in set(sent)]
    if missing or extra:
        shown = ", ".join(repr(s) for s in missing[:3]) + (" …" if len(missing) > 3 else "")
        msg = (f"{len(results)} result(s) for {len(sent)} variant(s) sent; missing {len(missing)}"
               f"{': ' + shown if missing else ''}; unexpected {len(extra)}")
        raise ResponseError(msg)
    wrong = sorted({r.assembly_name for r in results if not r.assembly_name.startswith(build.value)})
    if wrong:
        msg = f"the service answered on assembly {', '.join(wrong)}, not {build}: wrong endpoint for this build"
        raise ResponseError(msg)
    return by_input


def _check_canary(results: Mapping[str, VepResult], canary: Canary, build: Build) -> None:
    result = results[canary.input]
    for tc in result.transcript_consequences:
        if (tc.gene_symbol == canary.gene and tc.transcript_id.split(".")[0] == canary.transcript
                and canary.term in tc.consequence_terms and (tc.hgvsc or "").endswith(":" + canary.hgvs_c)):
            return
    msg = (f"canary {canary.gene} {canary.hgvs_c} ({build} {canary.input.rsplit(' . . .', 1)[0]}) came back as "
           f"{result.most_severe_consequence}, not {canary.term} on {canary.transcript}: the endpoint does not "
           f"annotate {build} as expected; no patient variant was sent")
    raise ResponseError(msg)


def to_consequences(result: VepResult) -> tuple[TranscriptConsequence, ...]:
    """VEP REST transcript consequences -> the records an offline VEP CSQ annotation gives."""
    return tuple(_consequence(tc) for tc in result.transcript_consequences)


def _consequence(tc: VepTranscriptConsequence) -> TranscriptConsequence:
    terms = tuple(sorted(dict.fromkeys(normalise_term(t, Dialect.VEP) for t in tc.consequence_terms),
                         key=severity_rank))
    prefix, hgvs_c = _split(tc.hgvsc)
    transcript = tc.transcript_id
    if prefix and "." not in transcript and prefix.split(".")[0] == transcript:
        transcript = prefix
    flags = [tc.mane] if isinstance(tc.mane, str) else (tc.mane or [])
    mane = tc.mane_select or (transcript if any(f.lower() == "mane_select" for f in flags) else None)
    return TranscriptConsequence(
        dialect=Dialect.VEP, tag=TAG, terms=terms, gene_symbol=tc.gene_symbol, gene_id=tc.gene_id,
        transcript=transcript, biotype=tc.biotype, hgvs_c=hgvs_c, hgvs_p=_split(tc.hgvsp)[1], exon=tc.exon,
        intron=tc.intron, mane_select=mane, canonical=tc.canonical == 1, allele_matched=True)


def _split(value: str | None) -> tuple[str | None, str | None]:
    """'ENST00000441259.2:c.1122G>A' -> ('ENST00000441259.2', 'c.1122G>A'); p. URL-decoded."""
    if not value:
        return None, None
    prefix, sep, hgvs = unquote(value).partition(":")
    return (prefix, hgvs) if sep else (None, prefix)


def _first_error(endpoint: str, exc: ValidationError) -> str:
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "(top level)"
    return (f"{endpoint} response does not match the expected schema (schema drift?): {where}: {first.get('msg')}"
            f"{f' (+{len(errors) - 1} more)' if len(errors) > 1 else ''}")


__all__ = ["CANARIES", "SERVICE", "VEP_PARAMS", "VepAnnotation", "annotate", "plan", "to_consequences",
           "variant_string"]

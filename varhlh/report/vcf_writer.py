"""The annotated VCF: the input's panel-region records with namespaced ``VARHLH_*`` INFO tags.

Rules:

* The records at the positions of ``variants`` come from ``RenderContext.source`` and are written
  unchanged — every sample, FORMAT field and original INFO value kept — plus the tags below. A
  record is written once (exact duplicates are dropped, as the pipeline does), sorted by header
  contig order and position; a record none of whose ALTs is in the result (e.g. ALT ``.`` at a
  variant's position) is not written.
* ``source`` follows the run's own access strategy (``RenderContext.access``): for an input read through
  its index, the input itself (region queries); for a streamed input, the panel-region lines the
  reader kept while streaming (``Request.keep_records``), so the input is never read twice.
* Every tag is ``Number=A`` (one value per ALT, ``.`` for none) and declared once in the header.
  Values never contain ``; = , | %``, white space or non-ASCII: free text is percent-encoded
  (RFC 3986, UTF-8; decode with ``urllib.parse.unquote``) and lists are joined with ``|``.
* ``VARHLH_CALL``/``VARHLH_PHASE``/``VARHLH_STRENGTH`` are filled only for the alleles that drive
  their gene's call (``genes[].variant_ids``), as in the TSV.
* Provenance header lines: ``##varhlh_version``, ``##varhlh_command``, ``##varhlh_panel``,
  ``##varhlh_conclusion``, ``##varhlh_completeness`` and, only with SOURCE_DATE_EPOCH, ``##varhlh_date``. Values
  come from the input (the sample name) or a custom panel, so they are written per VCF 4.3 §1.4: one line (white
  space runs become one space, control characters are escaped), and inside ``<…>`` every value with a
  delimiter is double-quoted with ``\\`` and ``\"`` escaped — a ``"`` in a sample name cannot add keys.
* A VCF whose header already declares a ``VARHLH_`` INFO tag or ``##varhlh_version`` is refused
  (:class:`InputError`): re-annotating would mix two analyses in one file.
* Output is bgzip (BGZF blocks carry no timestamp) plus a tabix index; identical inputs give
  identical bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from varhlh.errors import InputError, UsageError, printable
from varhlh.fileio import scratch_dir
from varhlh.models import Access
from varhlh.report.tabular import completeness_line
from varhlh.result import GeneDoc, ResultDoc, SetAsideDoc, VariantDoc

if TYPE_CHECKING:
    from varhlh.report.output import RenderContext

TAGS: tuple[tuple[str, str, str], ...] = (
    ("VARHLH_GENE", "String", "Panel gene the ALT allele is attributed to"),
    ("VARHLH_CLASS", "String",
     "Classification of the ALT allele: pathogenic, likely_pathogenic, uncertain, likely_benign, benign, risk_allele"),
    ("VARHLH_ZYG", "String",
     "Zygosity of the ALT allele in the analysed sample (##varhlh_conclusion sample): het, hom, hemi, ref, "
     "no_call, partial"),
    ("VARHLH_CALL", "String",
     "Gene-level call (biallelic, possible_biallelic, monoallelic, hemizygous, heterozygous_xl, dominant, none) of the "
     "gene this allele drives; . if the allele does not drive its gene's call"),
    ("VARHLH_PHASE", "String",
     "Phase of that gene-level call: homozygous, trans, cis, unknown, not_applicable; . if not a driving allele"),
    ("VARHLH_STRENGTH", "String",
     "What that gene-level call says about primary HLH: confirmed, suspected, undetermined; . if not a driving allele"),
    ("VARHLH_REPORTABLE", "Integer", "1 if the ALT allele is reportable, 0 if listed for completeness only"),
    ("VARHLH_EVIDENCE", "String", "Evidence codes of the ALT allele, |-separated; . if none"),
    ("VARHLH_REASONS", "String",
     "Plain-language reasons for the ALT allele, each percent-encoded (RFC 3986, UTF-8), |-separated"),
)
_SAFE = "()/+'<>[]"
"""Kept as-is in percent-encoded text, besides letters, digits and ``-_.~``."""
_MISSING = "."


def render_vcf(context: RenderContext) -> list[tuple[str, bytes]]:
    """``varhlh.vcf.gz`` and ``varhlh.vcf.gz.tbi`` for the result in ``context.document``."""
    import pysam

    doc = context.document
    if context.source is None:
        msg = f"{doc.input.path}: the annotated VCF needs the input VCF; run varhlh triage with --format vcf"
        raise UsageError(msg)
    display = doc.input.path
    by_id: dict[str, VariantDoc | SetAsideDoc] = {v.id: v for v in doc.variants}
    by_id.update((s.id, s) for s in doc.set_aside)
    drivers = {vid: gene for gene in doc.genes for vid in gene.variant_ids}
    with scratch_dir("varhlh-vcf-") as tmp:
        with _reader(pysam, Path(context.source), display, doc, context.access) as (reader, records):
            refuse_reannotation(reader.header, display)
            header = reader.header.copy()
            for line in header_lines(doc):
                header.add_line(line)
            target = Path(tmp) / "annotated.vcf.gz"
            with pysam.VariantFile(str(target), "wz", header=header) as out:
                seen: set[tuple[str, int, str, tuple[str, ...]]] = set()
                for record in sorted(records, key=lambda r: (r.rid, r.pos, r.ref, r.alts or ())):
                    key = (record.chrom, record.pos, record.ref, tuple(record.alts or ()))
                    ids = {f"{record.chrom}-{record.pos}-{record.ref}-{alt}" for alt in key[3]}
                    if key in seen or not ids & by_id.keys():
                        continue  # a duplicate, or a record of the input the result does not list (no ALT)
                    seen.add(key)
                    record.translate(header)
                    for tag, values in allele_tags(record.chrom, record.pos, record.ref, record.alts or (),
                                                   by_id, drivers):
                        record.info[tag] = values
                    out.write(record)
        pysam.tabix_index(str(target), preset="vcf", force=True)
        return [("varhlh.vcf.gz", target.read_bytes()),
                ("varhlh.vcf.gz.tbi", Path(f"{target}.tbi").read_bytes())]


def refuse_reannotation(header: Any, display: str) -> None:
    """Refuse a VCF that varhlh has already annotated (its tags would be duplicated or mixed)."""
    ours = sorted(key for key in header.info if key.upper().startswith("VARHLH_"))
    if ours or any(r.key == "varhlh_version" for r in header.records):
        found = f"{ours[0]} and {len(ours) - 1} more INFO tags" if len(ours) > 1 else (ours or ["##varhlh_version"])[0]
        msg = (f"{display}: header already carries varhlh annotations ({found}); "
               "triage the original VCF, not a varhlh.vcf.gz output")
        raise InputError(msg)


def header_lines(doc: ResultDoc) -> list[str]:
    """Provenance lines and the tag declarations, in a fixed order."""
    panel, conclusion = doc.panel, doc.conclusion
    lines = [
        f"##varhlh_version={doc.tool.version}",
        f"##varhlh_command={_one_line(doc.run.command)}",
        "##varhlh_panel=<" + ",".join(f"{k}={_structured(v)}" for k, v in (("name", panel.name),
                                                                              ("version", panel.version),
                                                                              ("sha256", panel.sha256))) + ">",
        "##varhlh_conclusion=<" + ",".join([
            f"sample={_structured(doc.sample.id)}",
            f"primary_hlh={conclusion.primary_hlh.value}",
            f"transplant_workup={conclusion.transplant_workup.value}",
            f"genes={_structured('|'.join(conclusion.genes)) if conclusion.genes else _MISSING}",
        ]) + ">",
    ]
    lines.append(f"##varhlh_completeness={_one_line(completeness_line(doc))}")
    if doc.run.date:
        lines.append(f"##varhlh_date={doc.run.date}")
    lines.extend(f'##INFO=<ID={tag},Number=A,Type={kind},Description="varhlh: {text}">' for tag, kind, text in TAGS)
    return lines


def allele_tags(chrom: str, pos: int, ref: str, alts: Sequence[str], by_id: Mapping[str, VariantDoc | SetAsideDoc],
                drivers: Mapping[str, GeneDoc]) -> list[tuple[str, tuple[Any, ...]]]:
    """The ``(tag, per-ALT values)`` pairs of one record; tags whose values are all missing are left out."""
    per_alt = [_values(by_id.get(f"{chrom}-{pos}-{ref}-{alt}"), drivers) for alt in alts]
    tags = []
    for i, (tag, kind, _) in enumerate(TAGS):
        values = tuple(v[i] for v in per_alt)
        if any(v is not None and v != _MISSING for v in values):
            tags.append((tag, tuple(_MISSING if v is None and kind == "String" else v for v in values)))
    return tags


@lru_cache(maxsize=4096)
def encode(text: str) -> str:
    """Percent-encode free text for an INFO value (``urllib.parse.unquote`` reverses it).

    Cached: most reasons recur on thousands of alleles of a genome.
    """
    return quote(text, safe=_SAFE)


# --------------------------------------------------------------------------- internals


def _values(variant: VariantDoc | SetAsideDoc | None, drivers: Mapping[str, GeneDoc]) -> tuple[Any, ...]:
    if variant is None:
        return (None,) * len(TAGS)
    if isinstance(variant, SetAsideDoc):  # the compact listing: what it is and why it is set aside
        return (variant.gene, variant.classification.value, variant.zygosity.value, _MISSING, _MISSING, _MISSING, 0,
                _MISSING, encode(f"set aside: {variant.reason.value}"))
    gene = drivers.get(variant.id)
    return (
        variant.gene,
        variant.classification.value,
        variant.zygosity.value,
        gene.call.value if gene else _MISSING,
        gene.phase.value if gene else _MISSING,
        gene.strength.value if gene else _MISSING,
        1 if variant.reportable else 0,
        "|".join(encode(code) for code in variant.evidence) or _MISSING,
        "|".join(encode(reason) for reason in variant.reasons) or _MISSING,
    )


@contextmanager
def _reader(pysam: Any, source: Path, display: str, doc: ResultDoc,
            access: Access | None) -> Iterator[tuple[Any, list[Any]]]:
    """An open reader and the records at the result's variant positions: region queries on an input read through
    its index; otherwise one pass over ``source`` (the whole BCF, or the panel-region lines kept while streaming)."""
    wanted = _positions([*doc.variants, *doc.set_aside])
    # htslib's stderr noise (an unindexed BCF, tags the input never declared: the reader already warned about
    # them, and htslib declares them in the output header) would break the one-line-message contract
    previous = pysam.set_verbosity(0)
    try:
        try:
            reader = pysam.VariantFile(str(source))
        except (OSError, ValueError) as exc:
            msg = f"{display}: cannot re-open the input to write the annotated VCF ({exc}); check the file"
            raise InputError(msg) from exc
        with reader:
            if access is Access.INDEX:
                records = list(_query(reader, wanted))
            else:
                records = [r for r in reader if r.pos in wanted.get(r.chrom, ())]
            yield reader, records
    finally:
        pysam.set_verbosity(previous)


def _positions(variants: Iterable[VariantDoc | SetAsideDoc]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = {}
    for v in variants:
        wanted.setdefault(v.chrom, set()).add(v.pos)
    return wanted


def _query(reader: Any, wanted: Mapping[str, set[int]], gap: int = 10_000) -> Iterator[Any]:
    """Region queries over clusters of wanted positions (one query per cluster, not per record)."""
    for chrom, positions in wanted.items():
        ordered = sorted(positions)
        start = previous = ordered[0]
        for pos in [*ordered[1:], None]:
            if pos is not None and pos - previous <= gap:
                previous = pos
                continue
            yield from (r for r in reader.fetch(chrom, start - 1, previous) if r.pos in positions)
            if pos is not None:
                start = previous = pos


def _structured(value: Any) -> str:
    """A value inside ``##key=<…>``: double-quoted when it contains a delimiter, with backslash and double quote
    escaped (VCF 4.3 §1.4), so the value can never end the quotes or the line."""
    text = _one_line(str(value))
    if not re.fullmatch(r"[A-Za-z0-9_.:/+*-]+", text):  # anything else (htslib also stops at '[' unquoted)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _one_line(text: str) -> str:
    """One line: white space runs (tabs, newlines) become one space; other control characters are escaped."""
    return printable(" ".join(str(text).split()))

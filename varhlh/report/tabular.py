"""The JSON (authoritative) and TSV (one row per variant) renderings of a result dictionary.

TSV cells are safe to open in a spreadsheet and to print in a terminal (the JSON keeps every value
as it is):

* a cell that would start a formula — first character (or first after leading spaces) ``=``, ``+``,
  ``-``, ``@`` or their full-width forms — gets a leading apostrophe ``'`` (CWE-1236, OWASP "CSV
  injection"): spreadsheets show it as text and never evaluate it; strip one leading ``'`` to get the
  value back;
* tab, carriage return and newline become a space (they would split the cell or the row); other
  control characters and bidirectional overrides are written as ``\\xNN``/``\\uNNNN``;
* an empty value is ``.``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from varhlh.errors import printable
from varhlh.report.memo import Memo
from varhlh.result import ResultDoc, SetAsideDoc

if TYPE_CHECKING:
    from varhlh.report.output import RenderContext

TSV_COLUMNS = (
    ("sample", "sample ID"),
    ("variant_id", "CHROM-POS-REF-ALT as in the VCF"),
    ("chrom", "contig as in the VCF"),
    ("pos", "1-based position"),
    ("ref", "reference allele"),
    ("alt", "this ALT allele (one row per ALT of multi-allelic records)"),
    ("gene", "panel gene"),
    ("zygosity", "het / hom / hemi / ref / no_call / partial, of this ALT in the patient"),
    ("genotype", "GT as in the VCF"),
    ("classification", "pathogenic / likely_pathogenic / uncertain / likely_benign / benign / risk_allele"),
    ("reportable", "yes / no"),
    ("evidence", "evidence codes, ';'-separated"),
    ("consequence", "Sequence Ontology term used"),
    ("transcript", "transcript of the HGVS"),
    ("hgvs_c", "HGVS c."),
    ("hgvs_p", "HGVS p."),
    ("clinvar", "ClinVar significance (stars)"),
    ("population_af", "filtering (popmax) AF, else overall AF"),
    ("filters", "failed VCF FILTERs and quality flags, ';'-separated"),
    ("gene_call", "gene-level call of the variant's gene"),
    ("gene_phase", "phase of the gene-level call"),
    ("reasons", "plain-language reasons, ' | '-separated"),
)
def json_bytes(data: Mapping[str, Any]) -> bytes:
    """Readable and fast: top-level keys one per line, list items (genes, variants…) one per line.

    The C encoder does the work (``indent`` would switch to the ~10x slower pure-Python one). NaN and
    infinities are refused (``allow_nan=False``): they are not JSON, and JavaScript readers reject them. The items
    of an :class:`Encoded` list are already encoded (by the same encoder) and joined as they are.
    """
    encoder = _encoder()
    dump, item = encoder.encode, _item_encoder(encoder)
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            body = ",\n    ".join(value if isinstance(value, Encoded) else (item(entry) for entry in value))
            parts.append(f"  {dump(key)}: [\n    {body}\n  ]")
        else:
            parts.append(f"  {dump(key)}: {dump(value)}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")


def _encoder() -> json.JSONEncoder:
    """The JSON files' encoder: UTF-8 as it is, ', ' and ': ' separators, no NaN or infinity."""
    return json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), allow_nan=False)


def _item_encoder(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """``encoder.encode`` for the many list items, with the C encoder built once: ``encode`` builds it anew at every
    call (a 10,522-entry listing: 40.6 -> 33.2 ms). Same output (same separators, ``ensure_ascii=False``,
    ``allow_nan=False``, circular references refused); plain ``encode`` where the C encoder is missing."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return encoder.encode
    chunks = make({}, encoder.default, json.encoder.encode_basestring, None, encoder.key_separator,
                  encoder.item_separator, False, False, False)
    return lambda value: "".join(chunks(value, 0))


def completeness_line(doc: ResultDoc) -> str:
    """The completeness verdict in one line (logs, the TSV's first line, the annotated VCF header)."""
    c = doc.completeness
    return (f"{c.verdict} ({c.genes_assessable}/{c.genes_total} panel genes assessable; "
            f"{len(c.not_assessed)} allele(s) not assessed)")


def tsv_bytes(doc: ResultDoc) -> bytes:
    """One row per allele listed in full (``variants``), after two comment lines (read with comment='#'):
    ``# completeness: …`` and ``# listed: …`` (how many alleles are in the JSON's compact set_aside listing; every
    allele gets a row with ``--all-alleles``)."""
    genes = {g.symbol: g for g in doc.genes}
    listed = (f"# listed: {doc.counts.records_in_panel_regions} allele(s) in the panel regions; {len(doc.variants)} "
              f"below; {len(doc.set_aside)} set aside (background: not carried, no call, benign, synonymous or "
              "non-coding) in the JSON's set_aside listing — every allele gets a row with --all-alleles")
    lines = [f"# completeness: {_cell(completeness_line(doc))}", listed, "\t".join(name for name, _ in TSV_COLUMNS)]
    sample = doc.sample.id
    for v in doc.variants:
        gene = genes.get(v.gene)
        drives = gene is not None and v.id in gene.variant_ids
        clinvar, freq = v.clinvar, v.frequency
        row = {
            "sample": sample, "variant_id": v.id, "chrom": v.chrom, "pos": v.pos, "ref": v.ref, "alt": v.alt,
            "gene": v.gene, "zygosity": v.zygosity.value, "genotype": v.genotype,
            "classification": v.classification.value, "reportable": "yes" if v.reportable else "no",
            "evidence": ";".join(v.evidence), "consequence": v.consequence, "transcript": v.transcript,
            "hgvs_c": v.hgvs_c, "hgvs_p": v.hgvs_p,
            "clinvar": None if clinvar is None else f"{clinvar.significance} ({clinvar.stars}*)",
            "population_af": None if freq is None else (freq.popmax if freq.popmax is not None else freq.af),
            "filters": ";".join(v.filters),
            "gene_call": gene.call.value if drives and gene else "",
            "gene_phase": gene.phase.value if drives and gene else "",
            "reasons": " | ".join(v.reasons),
        }
        lines.append("\t".join(_cell(row[name]) for name, _ in TSV_COLUMNS))
    return ("\n".join(lines) + "\n").encode("utf-8")


_CONTROL = str.maketrans({"\t": " ", "\r": " ", "\n": " "})
_FORMULA = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
"""First characters a spreadsheet reads as the start of a formula (CWE-1236), with their full-width forms."""


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "."
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    # a printable str holds no tab, newline, control or bidirectional character: nothing to escape
    text = value if type(value) is str and value.isprintable() else printable(str(value).translate(_CONTROL))
    start = text.lstrip(" ")[:1]
    return "'" + text if start in _FORMULA and start else text




def render_json(context: RenderContext) -> list[tuple[str, bytes]]:
    doc = context.document
    data = msgspec.to_builtins(msgspec.structs.replace(doc, set_aside=[]))
    if doc.set_aside:  # the same key, in its place: its rows' texts, each encoded once
        data["set_aside"] = Encoded(map(_row_text.__getitem__, doc.set_aside))
    return [("varhlh.json", json_bytes(data))]


class Encoded(list[str]):
    """List items already encoded as JSON (:func:`json_bytes` joins them as they are)."""


def _encode_row(row: SetAsideDoc) -> str:
    return _encode_item(msgspec.to_builtins(row))


_encode_item = _item_encoder(_encoder())
"""The list-item encoder of :func:`json_bytes`, built once for the set-aside rows."""


_row_text = Memo(_encode_row)
"""A set-aside row's JSON text (the encoder of :func:`json_bytes`), once per distinct row: a cohort worker's
background rows are shared by its samples (:func:`varhlh.report.model.to_document`)."""


def render_tsv(context: RenderContext) -> list[tuple[str, bytes]]:
    return [("varhlh.tsv", tsv_bytes(context.document))]

"""Write the result files atomically: JSON (authoritative) and TSV (one row per variant).

Every file is written to a temporary file in the output directory and renamed into place, so
an interrupted or failed run never leaves a half-written report; nothing is written unless all
formats rendered. Output never overwrites the input, and names come from a sanitised prefix.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from varhlh.errors import OutputError

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
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_prefix(name: str) -> str:
    """A filename-safe prefix from a sample ID (no path separators, no leading dots)."""
    cleaned = _SAFE.sub("_", name).strip("._") or "sample"
    return cleaned[:100]


def render_json(data: Mapping[str, Any]) -> bytes:
    """Readable and fast: top-level keys one per line, list items (genes, variants…) one per line.

    The C encoder does the work (``indent`` would switch to the ~10x slower pure-Python one).
    """
    dump = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            body = ",\n    ".join(dump(item) for item in value)
            parts.append(f"  {dump(key)}: [\n    {body}\n  ]")
        else:
            parts.append(f"  {dump(key)}: {dump(value)}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")


def render_tsv(data: Mapping[str, Any]) -> bytes:
    genes = {g["symbol"]: g for g in data["genes"]}
    lines = ["\t".join(name for name, _ in TSV_COLUMNS)]
    for v in data["variants"]:
        gene = genes.get(v["gene"], {})
        clinvar = v["clinvar"]
        freq = v["frequency"]
        af = None if freq is None else (freq["popmax"] if freq["popmax"] is not None else freq["af"])
        row = {
            "sample": data["sample"]["id"], "variant_id": v["id"], "chrom": v["chrom"], "pos": v["pos"],
            "ref": v["ref"], "alt": v["alt"], "gene": v["gene"], "zygosity": v["zygosity"],
            "genotype": v["genotype"], "classification": v["classification"],
            "reportable": "yes" if v["reportable"] else "no", "evidence": ";".join(v["evidence"]),
            "consequence": v["consequence"], "transcript": v["transcript"], "hgvs_c": v["hgvs_c"],
            "hgvs_p": v["hgvs_p"],
            "clinvar": None if clinvar is None else f"{clinvar['significance']} ({clinvar['stars']}*)",
            "population_af": af, "filters": ";".join(v["filters"]),
            "gene_call": gene.get("call") if v["id"] in gene.get("variant_ids", ()) else "",
            "gene_phase": gene.get("phase") if v["id"] in gene.get("variant_ids", ()) else "",
            "reasons": " | ".join(v["reasons"]),
        }
        lines.append("\t".join(_cell(row[name]) for name, _ in TSV_COLUMNS))
    return ("\n".join(lines) + "\n").encode("utf-8")


_CONTROL = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


def _cell(value: Any) -> str:
    if value is None:
        return "."
    text = str(value)
    return (text.translate(_CONTROL) if "\t" in text or "\n" in text or "\r" in text else text) or "."


RENDERERS: dict[str, tuple[str, Callable[[Mapping[str, Any]], bytes]]] = {
    "json": ("varhlh.json", render_json),
    "tsv": ("varhlh.tsv", render_tsv),
}


def write_outputs(data: Mapping[str, Any], outdir: Path, prefix: str, formats: Sequence[str],
                  inputs: Sequence[str]) -> list[Path]:
    """Render every format first, then write each atomically; returns the written paths."""
    rendered = [(f"{prefix}.{RENDERERS[f][0]}", RENDERERS[f][1](data)) for f in formats]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{outdir}: cannot create the output directory ({exc.strerror}); choose another -o"
        raise OutputError(msg) from exc
    targets = [outdir / name for name, _ in rendered]
    protected = {Path(p).resolve() for p in inputs if p != "-"}
    for target in targets:
        if target.resolve() in protected:
            msg = f"{target}: output would overwrite an input file; choose another -o or --prefix"
            raise OutputError(msg)
    staged: list[tuple[Path, Path]] = []
    try:
        for target, (_, payload) in zip(targets, rendered, strict=True):
            staged.append((_stage(outdir, target, payload), target))
        for temp, target in staged:
            os.replace(temp, target)
    except OSError as exc:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
        msg = f"{outdir}: cannot write outputs ({exc.strerror}); check space and permissions"
        raise OutputError(msg) from exc
    return targets


def _stage(outdir: Path, target: Path, payload: bytes) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=outdir)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        Path(name).unlink(missing_ok=True)
        raise
    os.chmod(name, 0o644)
    return Path(name)

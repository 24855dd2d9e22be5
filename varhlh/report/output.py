"""Render the requested formats and write them atomically into the output directory.

Formats are registered in :data:`FORMATS` as ``"module:function"`` so that a renderer's heavy
imports (jinja2, WeasyPrint, phenopackets, pysam) happen only when that format is asked for.
A renderer takes a :class:`RenderContext` and returns ``(suffix, bytes)`` pairs; files are named
``PREFIX.SUFFIX``. Everything is rendered before anything is written; each file is written to a
temporary file in the output directory and renamed into place, so an interrupted or failed run
never leaves a half-written report. Output never overwrites an input, and the prefix is
sanitised so that a sample name can never become a path.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from varhlh.errors import OutputError, UsageError
from varhlh.fileio import stage
from varhlh.models import Access
from varhlh.result import ResultDoc

FORMATS: dict[str, str] = {
    "json": "varhlh.report.tabular:render_json",
    "tsv": "varhlh.report.tabular:render_tsv",
    "html": "varhlh.report.counselor.html:render_html",
    "pdf": "varhlh.report.counselor.pdf:render_pdf",
    "vcf": "varhlh.report.vcf_writer:render_vcf",
    "phenopacket": "varhlh.report.phenopacket:render_phenopacket",
    "multiqc": "varhlh.report.multiqc:render_multiqc",
}
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class RenderContext:
    """What a renderer may use: the typed result (always) and, during triage, the input's records."""

    document: ResultDoc
    prefix: str
    source: Path | None = None
    """The input's records for the annotated VCF: the kept panel-region lines of a streamed input, or the
    input itself when it was read through its index (None when re-rendering a stored result)."""
    access: Access | None = None
    """How ``source`` is to be read: ``index`` (region queries), else sequentially."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def data(self) -> dict[str, Any]:
        """The result as plain JSON data, for renderers that build JSON documents from it."""
        return msgspec.to_builtins(self.document)  # type: ignore[no-any-return]


Renderer = Callable[[RenderContext], list[tuple[str, bytes]]]


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        msg = (f"--format {text!r}: unknown format(s) {', '.join(unknown) or '(none)'}; "
               f"choose from {', '.join(FORMATS)}")
        raise UsageError(msg)
    return list(dict.fromkeys(formats))


def renderer(name: str) -> Renderer:
    module, _, function = FORMATS[name].partition(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


def safe_prefix(name: str) -> str:
    """A filename-safe prefix from a sample ID (no path separators, no leading dots)."""
    cleaned = _SAFE.sub("_", name).strip("._") or "sample"
    return cleaned[:100]


def write_outputs(context: RenderContext, outdir: Path, formats: Sequence[str], inputs: Sequence[str]) -> list[Path]:
    """Render every format first, then write each file atomically; returns the written paths."""
    rendered = [(f"{context.prefix}.{suffix}", payload) for f in formats for suffix, payload in renderer(f)(context)]
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
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        for target, (_, payload) in zip(targets, rendered, strict=True):
            staged.append((stage(outdir, target.name, payload, temps), target))
        for temp, target in staged:
            temp.replace(target)
            placed.append(target)
    except BaseException as exc:  # also KeyboardInterrupt: never leave a partial set of outputs
        for temp in temps:
            temp.unlink(missing_ok=True)
        for target in placed:
            target.unlink(missing_ok=True)
        if not isinstance(exc, OSError):
            raise
        msg = f"{outdir}: cannot write outputs ({exc.strerror}); check space and permissions"
        raise OutputError(msg) from exc
    return targets

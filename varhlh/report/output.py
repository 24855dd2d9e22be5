"""Render the requested formats and write them atomically into the output directory.

Formats are registered in :data:`FORMATS` as ``"module:function"`` so that a renderer's heavy
imports (jinja2, WeasyPrint, phenopackets, pysam) happen only when that format is asked for.
A renderer takes a :class:`RenderContext` and returns ``(suffix, bytes)`` pairs; files are named
``PREFIX.SUFFIX`` (:data:`SUFFIXES` lists every name a format writes). Everything is rendered before
anything is written, then the files are written as one set (:func:`varhlh.fileio.write_set`): staged in
the output directory, swapped in under a lock on the directory, all new or all old — an interrupted,
killed (SIGTERM/SIGHUP) or failed run leaves the previous set exactly as it was, and two runs writing
the same prefix cannot leave a mix. ``varhlh triage`` owns the whole set ``PREFIX.*`` of
:data:`SUFFIXES`: the files of formats it did not write this time (the HTML of an earlier run) are
removed in the same swap, so a report never sits beside a result it was not drawn from; ``varhlh
report`` replaces only the formats it renders. Output never overwrites an input (same path or same
file through a link), and the prefix is sanitised so that a sample name can never become a path.
Files get mode 0666 minus the umask.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from varhlh.errors import OutputError, UsageError
from varhlh.fileio import write_set
from varhlh.models import Access
from varhlh.report.meta import ReportMeta
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
SUFFIXES: dict[str, tuple[str, ...]] = {
    "json": ("varhlh.json",),
    "tsv": ("varhlh.tsv",),
    "html": ("varhlh.html",),
    "pdf": ("varhlh.pdf",),
    "vcf": ("varhlh.vcf.gz", "varhlh.vcf.gz.tbi"),
    "phenopacket": ("phenopacket.json",),
    "multiqc": ("varhlh_mqc.json", "varhlh_results_mqc.json"),
}
"""The file names (after ``PREFIX.``) each format writes."""


def output_names(prefix: str, formats: Sequence[str] | None = None) -> list[str]:
    """The files ``formats`` (default: every format) write for ``prefix``: a sample's whole output set."""
    return [f"{prefix}.{suffix}" for f in (formats if formats is not None else SUFFIXES) for suffix in SUFFIXES[f]]


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
    meta: ReportMeta | None = None
    """``--report-meta``: patient identifiers, referrer, sign-off — for the HTML/PDF report only, never the result."""

    @functools.cached_property
    def data(self) -> dict[str, Any]:
        """The result as plain JSON data, for renderers that build JSON documents from it (built once)."""
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


def write_outputs(context: RenderContext, outdir: Path, formats: Sequence[str], inputs: Sequence[str | Path],
                  owns_set: bool = False) -> list[Path]:
    """Render every format first, then write the files as one set; returns the written paths.

    ``inputs``: every file the run read (never overwritten). ``owns_set``: the run replaces the whole set
    ``PREFIX.*`` (triage), so the old files of formats not written now are removed with the swap.
    """
    files = _render(context, formats)
    rendered = [(f"{context.prefix}.{suffix}", payload) for f in formats for suffix, payload in files[f]]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{outdir}: cannot create the output directory ({exc.strerror}); choose another -o"
        raise OutputError(msg) from exc
    refuse_overwriting_inputs([outdir / name for name, _ in rendered], inputs)
    others = output_names(context.prefix) if owns_set else []
    try:
        return write_set(outdir, rendered, others)
    except OSError as exc:
        msg = f"{outdir}: cannot write outputs ({exc.strerror}); check space and permissions"
        raise OutputError(msg) from exc


def _render(context: RenderContext, formats: Sequence[str]) -> dict[str, list[tuple[str, bytes]]]:
    """Every format's files, JSON first: its encoder refuses NaN and infinities, so the result is checked by
    rendering it (:func:`check_finite` walks the data only to name where one is, or when no JSON is asked for)."""
    if "json" not in formats:
        check_finite(context.data)
    out: dict[str, list[tuple[str, bytes]]] = {}
    try:
        for name in sorted(formats, key=lambda f: f != "json"):
            out[name] = renderer(name)(context)
    except ValueError:
        check_finite(context.data)
        raise
    return out


_STRICT_JSON = json.JSONEncoder(allow_nan=False, check_circular=False).encode


def check_finite(data: Any, where: str = "result") -> None:
    """No NaN or infinity anywhere in the result (they are not JSON); a bug if one got this far. The C encoder
    checks every number at once; only when it finds one is the data walked to name where it is."""
    try:
        _STRICT_JSON(data)
    except ValueError:
        pass
    else:
        return
    stack: list[tuple[str, Any]] = [(where, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            msg = f"{path} is {value}, which is not JSON; refusing to write it (please report this)"
            raise ValueError(msg)
        if isinstance(value, dict):
            stack.extend((f"{path}.{key}", item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in enumerate(value))


def refuse_overwriting_inputs(targets: Sequence[Path], inputs: Sequence[str | Path]) -> None:
    """:class:`OutputError` when an output would replace an input: the same path, or the same file reached
    through a symbolic or hard link."""
    protected = [Path(p) for p in inputs if str(p) != "-"]
    paths = {p.resolve() for p in protected}
    files = set()
    for p in protected:
        with contextlib.suppress(OSError):
            info = p.stat()
            files.add((info.st_dev, info.st_ino))
    for target in targets:
        same = target.resolve() in paths
        with contextlib.suppress(OSError):
            info = target.stat()
            same = same or (info.st_dev, info.st_ino) in files
        if same:
            msg = f"{target}: output would overwrite an input file; choose another -o or --prefix"
            raise OutputError(msg)

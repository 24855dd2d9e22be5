"""``varhlh gather PART... -o OUTDIR``: the blocks of a sharded cohort run merged into one cohort result.

A cohort too large for one process is split into sample blocks (``varhlh triage COHORT --all-samples
--samples-block I/N``), each analysed on its own node; each block writes its samples' files, its rows of the
cohort tables and a part manifest (:class:`varhlh.result.PartDoc`). Every sample is analysed whole, all panel
genes at once, in exactly one block, so nothing that needs two genes or two alleles (compound heterozygosity,
the conclusion over genes) is ever split: a region-chunked cohort is first gathered per gene (the panel regions
of every chunk, ``varhlh panel regions`` + ``bcftools view -R`` + ``bcftools concat``), then split by sample.

Rules:

* the parts must belong together, else the gather is refused (exit 3) naming the part and what differs: the
  same manifest version, varhlh version, input (path as spelled, size, header and index sha256; the whole
  file's sha256 when both parts have it), genome build, panel (sha256), settings, output formats, the other
  options that change a result (:data:`_SAME`), annotation sources, local resources (sha256) and PED; every
  block ``1..N`` exactly once; the blocks' samples, in order, are the selection every part was split from
  (its sha256) and each block is exactly its ``--samples-block`` slice; each part's rows and alleles are as the
  block wrote them (their sha256), with the cohort table's columns;
* every per-sample file a part lists must sit next to its manifest with the sha256 the block recorded; they are
  copied to OUTDIR, and every other file of a cohort sample's set there (an earlier run's, of a sample without
  files now or of a format not asked for now) is removed — the same rule as a single run; nothing is written
  before every check has passed;
* the cohort tables are built from the parts' rows, in block order (the VCF's sample order), by the same code
  as a single run (:mod:`varhlh.report.cohort_tables`), and written last: OUTDIR then holds what one
  ``--all-samples`` run writes, apart from the command line a result records (``run.command``, the annotated
  VCF's ``##varhlh_command``, the report's provenance).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from varhlh.cohort import content_sha256, samples_block, write_tables
from varhlh.errors import InputError, OutputError
from varhlh.fileio import read_text, sha256_bytes, sha256_file, write_atomic, write_set
from varhlh.report.cohort_tables import SAMPLE_COLUMNS
from varhlh.result import PART_VERSION, PartDoc

PART_SUFFIX = ".varhlh_part.json"
PART_LIMIT = 2 << 30
"""Largest part manifest read (2 GiB: ~1 kB per sample, a million samples per block)."""


@dataclass(frozen=True)
class Part:
    path: Path
    doc: PartDoc


def read_part(path: Path) -> Part:
    """One part manifest, decoded into its typed form (unknown fields refused)."""
    text = read_text(path, PART_LIMIT, what="part manifest", error=InputError,
                     fix=f"give the {PART_SUFFIX} files written by 'varhlh triage --samples-block'")
    try:
        doc = msgspec.json.decode(text, type=PartDoc)
    except msgspec.DecodeError as exc:
        _supported(path, _version_of(text))
        msg = f"{path}: not a varhlh part manifest ({exc}); give the {PART_SUFFIX} files of the blocks"
        raise InputError(msg) from exc
    _supported(path, doc.part_version)
    return Part(path, doc)


def _supported(path: Path, version: str | None) -> None:
    if version is not None and version != PART_VERSION:
        msg = (f"{path}: part manifest version {version!r} is not supported (this varhlh reads version "
               f"{PART_VERSION}); re-run the blocks with this varhlh")
        raise InputError(msg)


def _version_of(text: str) -> str | None:
    try:
        value = msgspec.json.decode(text)
    except msgspec.DecodeError:
        return None
    version = value.get("part_version") if isinstance(value, dict) else None
    return version if isinstance(version, str) else None


def check_parts(parts: Sequence[Part]) -> list[Part]:
    """The parts in block order, once they are shown to belong together (else :class:`InputError`): the same
    run settings, one selection split into blocks ``1..N`` exactly as ``--samples-block`` splits it, rows and
    alleles as the block wrote them, the cohort tables' columns."""
    if not parts:
        msg = "no part manifests given; give every block's PREFIX.varhlh_part.json"
        raise InputError(msg)
    first = parts[0]
    for part in parts[1:]:
        _same_run(part, first)
    count = first.doc.block.count
    by_index: dict[int, Part] = {}
    for part in parts:
        index = part.doc.block.index
        if not 1 <= index <= count:
            msg = f"{part.path}: block {index}/{count} is not a block of {count}; re-run the block"
            raise InputError(msg)
        if index in by_index:
            msg = (f"{part.path}: block {index}/{count} is also {by_index[index].path}; give each block's manifest "
                   "once (blocks written to one directory need their own --prefix)")
            raise InputError(msg)
        by_index[index] = part
    missing = [i for i in range(1, count + 1) if i not in by_index]
    if missing:
        shown = ", ".join(str(i) for i in missing[:20]) + (", …" if len(missing) > 20 else "")
        msg = (f"{len(missing)} of {count} blocks missing (block {shown}): re-run them (varhlh triage … "
               f"--samples-block I/{count}) and give every block's manifest")
        raise InputError(msg)
    ordered = [by_index[i] for i in range(1, count + 1)]
    for part in ordered:
        _intact(part)
    selection = [s for part in ordered for s in part.doc.samples]
    if sha256_bytes("\n".join(selection).encode()) != first.doc.selection_sha256:
        msg = (f"{first.path}: the blocks' samples are not the selection they were split from (another --samples "
               "file, or a block of another run); re-run the blocks from one selection")
        raise InputError(msg)
    for part in ordered:
        if part.doc.samples != list(samples_block(selection, part.doc.block.index, count)):
            msg = f"{part.path}: not block {part.doc.block.index} of {count} of the selection; re-run the block"
            raise InputError(msg)
    return ordered


def _same_run(part: Part, first: Part) -> None:
    for field, why in _SAME:
        mine, theirs = _field(part.doc, field), _field(first.doc, field)
        if mine != theirs:
            msg = (f"{part.path}: {why} {_difference(mine, theirs)} from {first.path}'s; gather the blocks of one "
                   "cohort run, all run with the same varhlh, input (same path spelling), panel, settings and "
                   "options")
            raise InputError(msg)
    if first.doc.input.sha256 and part.doc.input.sha256 and first.doc.input.sha256 != part.doc.input.sha256:
        msg = f"{part.path}: the input's sha256 differs from {first.path}'s; gather the blocks of one cohort"
        raise InputError(msg)


def _intact(part: Part) -> None:
    """The rows match the samples, the cohort table's columns, and the checksum the block wrote."""
    doc = part.doc
    if [r.get("sample") for r in doc.rows] != doc.samples:
        msg = f"{part.path}: its rows do not match its samples; the manifest was altered, re-run the block"
        raise InputError(msg)
    columns = [name for name, _ in SAMPLE_COLUMNS]
    if any(list(row) != columns for row in doc.rows):
        msg = f"{part.path}: its rows do not have the cohort table's columns; re-run the block with this varhlh"
        raise InputError(msg)
    if content_sha256(doc.rows, doc.alleles) != doc.content_sha256:
        msg = f"{part.path}: its rows or alleles were changed after the block wrote them; re-run the block"
        raise InputError(msg)


_SAME: tuple[tuple[str, str], ...] = (
    ("tool.version", "the varhlh version"),
    ("input.path", "the input path"),
    ("input.fingerprint.size", "the input's size"),
    ("input.fingerprint.header_sha256", "the input's header"),
    ("input.fingerprint.index_sha256", "the input's index"),
    ("input.genome_build", "the genome build"),
    ("panel.sha256", "the panel"),
    ("settings", "the settings"),
    ("formats", "the output formats"),
    ("options", "the options"),
    ("annotation", "the annotation sources"),
    ("resources", "the local resources"),
    ("ped_sha256", "the PED file"),
    ("selection_sha256", "the sample selection"),
    ("block.count", "the number of blocks"),
    ("block.samples_total", "the number of samples selected"),
)
"""What every part must share with the first, and how the refusal names it."""


def _field(doc: PartDoc, dotted: str) -> Any:
    value: Any = doc
    for name in dotted.split("."):
        value = getattr(value, name)
    return msgspec.to_builtins(value)


def _difference(mine: Any, theirs: Any) -> str:
    """'differs (a vs b)', naming the keys that differ for a mapping."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        keys = sorted(k for k in {*mine, *theirs} if mine.get(k) != theirs.get(k))
        shown = "; ".join(f"{k}: {_short(mine.get(k))} vs {_short(theirs.get(k))}" for k in keys[:4])
        return f"differ ({shown}{'; …' if len(keys) > 4 else ''})"
    return f"differs ({_short(mine)} vs {_short(theirs)})"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def gather(paths: Sequence[Path], outdir: Path, prefix: str) -> tuple[list[dict[str, Any]], list[Path]]:
    """Merge the parts into OUTDIR; returns the cohort rows and the table files written. Nothing is written
    unless every check passes."""
    parts = check_parts([read_part(p) for p in paths])
    sources: dict[str, Path] = {}
    for part in parts:
        for listed in part.doc.files:
            source = part.path.parent / listed.name
            if Path(listed.name).name != listed.name or not source.is_file():
                msg = (f"{part.path}: lists {listed.name!r}, which is not next to it; keep each block's files "
                       "together with its manifest (or re-run the block)")
                raise InputError(msg)
            if sha256_file(source) != listed.sha256:
                msg = (f"{source}: not the file block {part.doc.block.index} wrote (its sha256 differs); re-run the "
                       "block, and write other runs elsewhere")
                raise InputError(msg)
            sources[listed.name] = source
    protected = [*paths, *sources.values()]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{outdir}: cannot create the output directory ({exc.strerror}); choose another -o"
        raise OutputError(msg) from exc
    for name, source in sources.items():
        _copy(source, outdir / name)
    _remove_stale(outdir, [str(row["sample"]) for part in parts for row in part.doc.rows], sources)
    rows: list[dict[str, Any]] = [dict(row) for part in parts for row in part.doc.rows]
    alleles: list[dict[str, Any]] = [dict(row) for part in parts for row in part.doc.alleles]
    return rows, write_tables(rows, alleles, outdir, prefix, protected)


def _remove_stale(outdir: Path, samples: Sequence[str], written: Mapping[str, Path]) -> None:
    """Every file of a cohort sample's set (``PREFIX.*`` of every format) that this gather did not write: an earlier
    run's, of a sample without files now or of a format not asked for now — as a single run replaces the set."""
    from varhlh.report.output import output_names, safe_prefix

    names = [name for s in samples for name in output_names(safe_prefix(s))]
    stale = [n for n in names if n not in written and ((outdir / n).is_file() or (outdir / n).is_symlink())]
    if stale:
        try:
            write_set(outdir, [], stale)
        except OSError as exc:
            msg = f"{outdir}: cannot remove earlier results ({exc.strerror}); check permissions"
            raise OutputError(msg) from exc


def _copy(source: Path, target: Path) -> None:
    """``source`` to ``target`` atomically (nothing to do when they are the same file)."""
    try:
        if target.exists() and source.samefile(target):
            return
        write_atomic(target, source.read_bytes())
    except OSError as exc:
        msg = f"{target.parent}: cannot write {target.name} ({exc.strerror}); check space and permissions"
        raise OutputError(msg) from exc


__all__ = ["PART_SUFFIX", "Part", "check_parts", "gather", "read_part"]

"""Cohort mode: ``varhlh triage COHORT.vcf.gz --all-samples`` (or ``--samples FILE``), one result per sample.

Rules:

* every selected sample is analysed exactly as ``varhlh triage COHORT -s SAMPLE [--ped PED]`` analyses
  it: the same family context from the PED (genotyped parents and unaffected full siblings), the same
  warnings; its outputs equal that run's except ``run.command``. Affected or not, every selected sample
  is a proband of its own result (the PED's phenotype is in the summary), so a multi-family PED is
  handled family by family;
* the sample-independent work (reading the panel-region sites, restricting, annotating) is done once
  with the ordinary reader, without genotypes; the genotypes are then read query by query with the
  reader's own queries (:mod:`varhlh.read.matrix`: at most one chunk's genotype matrix per worker in
  memory) into a temporary directory, and the probands are analysed in ``--threads`` worker processes
  (fork; one process where fork is unavailable), each writing its outputs atomically;
* the input must be a bgzipped VCF or a BCF with a valid index (genotypes are read by region);
* outputs: ``OUTDIR/<sample made filename-safe>.varhlh.json`` / ``.tsv`` (and any other ``--format``)
  per sample, then, last, the cohort tables (built with pandas, :mod:`varhlh.report.cohort_tables`):
  ``PREFIX.varhlh_cohort.tsv`` (one row per sample, :data:`SUMMARY_COLUMNS`) and
  ``PREFIX.varhlh_cohort_alleles.tsv`` (one row per sample x reportable allele, ``ALLELE_COLUMNS``), plus the
  same two tables as ``.parquet`` when pyarrow is installed (PREFIX: ``--prefix``, default ``cohort``).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import numpy as np

from varhlh.errors import InputError, OutputError, printable
from varhlh.fileio import (
    TABLE_LIMIT,
    TooLarge,
    read_limited,
    scratch_dir,
    sha256_bytes,
    sha256_file,
    write_atomic,
    write_set,
)
from varhlh.genome import canonical_chrom
from varhlh.genotype.pedigree import Pedigree, read_ped, relatives
from varhlh.genotype.sex import Counts, SexCall, resolve_sex, sex_from_counts
from varhlh.genotype.zygosity import allele_zygosity
from varhlh.inheritance.roles import never_read
from varhlh.models import (
    Access,
    Allele,
    BackgroundAllele,
    Family,
    GeneCall,
    GenotypeCall,
    SampleCall,
    Sex,
    VcfRecord,
    Zygosity,
)
from varhlh.panel import load_panel
from varhlh.pipeline import (
    Background,
    Loaded,
    ProbandGenotypes,
    Request,
    analyse,
    first_pass,
    load,
    open_reader,
)
from varhlh.read.matrix import Entries, GenotypeCodes, Part, Plan, QueryResult, Screen, read_query, sample_rows
from varhlh.read.reader import _FORMAT_KEYS, call_alleles, query_plan
from varhlh.report.cohort_tables import SAMPLE_COLUMNS, allele_rows, sample_row
from varhlh.restrict import hom_ref_alleles, set_aside
from varhlh.result import (
    PART_VERSION,
    AnnotationSourcesDoc,
    BlockDoc,
    PanelDoc,
    PartDoc,
    PartFileDoc,
    PartInputDoc,
    ResourceDoc,
    ResultDoc,
)

log = logging.getLogger("varhlh")
T = TypeVar("T")
R = TypeVar("R")

SUMMARY_COLUMNS = SAMPLE_COLUMNS
"""Columns of ``PREFIX.varhlh_cohort.tsv`` (:data:`varhlh.report.cohort_tables.SAMPLE_COLUMNS`)."""


@dataclass(frozen=True)
class Proband:
    sample: str
    family: Family
    members: tuple[str, ...]
    warnings: tuple[str, ...]
    prefix: str


@dataclass(frozen=True)
class _State:
    """What the analysing workers read (inherited through fork, never pickled)."""

    loaded: Loaded
    pedigree: Pedigree | None
    probands: tuple[Proband, ...]
    index: dict[str, int]
    parts: tuple[Part, ...]
    records: tuple[VcfRecord, ...]
    alleles: tuple[tuple[Allele, ...], ...]
    format_keys: tuple[str, ...]
    formats: tuple[str, ...]
    outdir: Path
    source: Path
    screen: Screen
    """Per sample read (``index`` order): what the genotype matrix alone says (sex counts, listed alleles, …)."""
    inputs: tuple[str | Path, ...] = ()
    """Every file the run reads: no output may replace one."""
    all_results: bool = False
    """Analyse every sample in full and write every sample's files (``--all-results``)."""
    frequency_source: bool = False
    """The header or a local file names a population-frequency source (whatever alleles a sample carries)."""
    sites: _SiteTable = field(default_factory=lambda: _SiteTable())
    """A worker's site calls, each computed once (:func:`_site_call`, :class:`_SiteTable`)."""


_PLAN: Plan | None = None
_STATE: _State | None = None


def run_cohort(request: Request, samples_file: Path | None, formats: Sequence[str], outdir: Path, prefix: str,
               workers: int, inputs: Sequence[str | Path] = (), all_results: bool = False,
               block: tuple[int, int] | None = None) -> tuple[list[dict[str, Any]], list[Path]]:
    """Analyse the selected samples of ``request.input``; returns the summary rows and the cohort table files.
    ``inputs``: every other file the run reads (no output may replace one). ``all_results``: write every
    sample's files, not only those of the samples with findings. ``block`` (INDEX, COUNT): analyse only that
    block of the selected samples and write its part manifest too (:func:`samples_block`)."""
    panel = load_panel(request.panel)
    pedigree = read_ped(request.ped) if request.ped else None
    with open_reader(request) as reader:
        if reader.index is None:
            msg = (f"{reader.display}: cohort mode reads the genotypes region by region and needs an index "
                   f"({reader.index_note}); bgzip and index the file (bcftools view -Oz -o cohort.vcf.gz IN && "
                   "bcftools index -t cohort.vcf.gz)")
            raise InputError(msg)
        header = reader.header
        selected = _probands(header.samples, samples_file, pedigree, reader.display)
        probands = samples_block(selected, *block) if block else selected
        try:
            outdir.mkdir(parents=True, exist_ok=True)  # fail before the reading, not after it
        except OSError as exc:
            msg = f"{outdir}: cannot create the output directory ({exc.strerror}); choose another -o"
            raise OutputError(msg) from exc
        loaded = load(reader, request, panel, [])
        path, index_path = str(reader.path), str(reader.index)
        validator = reader.validator
    for warning in loaded.warnings:
        log.warning("warning: %s", warning)
    needed = {s for p in probands for s in (p.sample, *p.members)}
    names = tuple(s for s in header.samples if s in needed)
    index = {s: i for i, s in enumerate(names)}
    records, alleles, record_index = _records(loaded.alleles)
    format_keys = tuple(k for k in _FORMAT_KEYS if k in header.formats)
    log.info("cohort: %d samples to analyse (%d with genotyped relatives); %d panel records", len(probands),
             sum(1 for p in probands if p.members), len(records))
    protected = (request.input, *inputs)
    if not probands:  # an empty block (more blocks than samples): empty tables and its manifest
        return [], _finish([], outdir, prefix, protected, loaded, block, [p.sample for p in selected], formats,
                           all_results)
    with scratch_dir("varhlh-cohort-") as tmp:
        plan = Plan(path, index_path, names, format_keys, loaded.build.build, request.settings.upstream_window_bp,
                    request.input, record_index,
                    tuple(tuple(index[s] for s in (p.sample, *p.members)) for p in probands if p.members),
                    validator, tmp, flagged_alleles(loaded, alleles), tuple(len(a) for a in alleles))
        # the loaded input (records, alleles, annotations, classifications) lives until the end and is shared
        # with the forked workers: the collector need not walk it again, nor write to its pages (copy on write)
        gc.freeze()
        parts, screen = _read_genotypes(plan, loaded, len(records), workers)
        source = request.source if request.source is not None else Path(request.input)
        state = _State(loaded, pedigree, probands, index, parts, records, alleles, format_keys, tuple(formats),
                       outdir, source, screen, protected, all_results,
                       loaded.annotator.evidence_sources(())[3] is not None)
        rows = _analyse_all(state, workers)
    return rows, _finish(rows, outdir, prefix, protected, loaded, block, [p.sample for p in selected], formats,
                         all_results)


def _finish(rows: list[dict[str, Any]], outdir: Path, prefix: str, protected: Sequence[str | Path], loaded: Loaded,
            block: tuple[int, int] | None, selected: Sequence[str], formats: Sequence[str],
            all_results: bool) -> list[Path]:
    """The cohort tables, then (a block) its part manifest, last; returns the files written."""
    allele_table = [allele for row in rows for allele in row.pop("_alleles")]
    written = write_tables(rows, allele_table, outdir, prefix, protected)
    if block:
        part = part_document(loaded, block, selected, rows, allele_table, formats, outdir, all_results)
        written.append(write_part(part, outdir / f"{prefix}.varhlh_part.json", protected))
    return written


# ------------------------------------------------------------------------------------ selection


def _probands(samples: Sequence[str], samples_file: Path | None, pedigree: Pedigree | None,
              source: str) -> tuple[Proband, ...]:
    from varhlh.report.output import safe_prefix

    if not samples:
        msg = f"{source}: the VCF has no sample columns (sites-only); a cohort run needs genotypes"
        raise InputError(msg)
    chosen = set(_read_samples(samples_file, samples)) if samples_file else set(samples)
    out: list[Proband] = []
    prefixes: dict[str, str] = {}
    for sample in (s for s in samples if s in chosen):
        notes: list[str] = []
        family, members = relatives(pedigree, sample, samples, notes)
        prefix = safe_prefix(sample)
        if prefix in prefixes:
            msg = (f"{source}: samples {prefixes[prefix]!r} and {sample!r} would both write {prefix}.varhlh.*; "
                   "rename one (bcftools reheader -s) or analyse them in separate runs")
            raise InputError(msg)
        prefixes[prefix] = sample
        out.append(Proband(sample, family, tuple(members), tuple(notes), prefix))
    return tuple(out)


def samples_block(probands: Sequence[T], index: int, count: int) -> tuple[T, ...]:
    """Block ``index`` (1-based) of ``count``: a contiguous slice of the samples in VCF order, the blocks as even
    as can be (sizes differ by at most one), so that the blocks in order are the whole selection in order. A
    sample's relatives are read from the VCF whatever block they fall in; a block may be empty."""
    n = len(probands)
    return tuple(probands[(index - 1) * n // count:index * n // count])


def _read_samples(path: Path, samples: Sequence[str]) -> list[str]:
    """Sample IDs, one per line ('#' comments and blank lines ignored); each must be in the VCF."""
    try:
        lines = read_limited(path, TABLE_LIMIT).decode("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError, TooLarge) as exc:
        msg = f"{path}: cannot read the --samples file ({exc}); give a UTF-8 text file with one sample ID per line"
        raise InputError(msg) from exc
    wanted = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not wanted:
        msg = f"{path}: no sample IDs; list one sample ID per line"
        raise InputError(msg)
    present = set(samples)
    unknown = [s for s in wanted if s not in present]
    if unknown:
        shown = ", ".join(printable(u[:60]) for u in unknown[:10]) + (f" and {len(unknown) - 10} more"
                                                                        if len(unknown) > 10 else "")
        msg = f"{path}: sample(s) not in the VCF: {shown}; check the IDs against `bcftools query -l`"
        raise InputError(msg)
    return wanted


def _records(alleles: Sequence[Allele]) -> tuple[tuple[VcfRecord, ...], tuple[tuple[Allele, ...], ...],
                                                  dict[tuple[str, int, str, tuple[str, ...]], int]]:
    """The distinct records of the listed-allele candidates, their alleles, and their keys."""
    records: list[VcfRecord] = []
    grouped: list[list[Allele]] = []
    index: dict[tuple[str, int, str, tuple[str, ...]], int] = {}
    position: dict[int, int] = {}
    for allele in alleles:
        record = allele.record
        if id(record) not in position:
            position[id(record)] = len(records)
            index[(record.chrom, record.pos, record.ref, record.alts)] = len(records)
            records.append(record)
            grouped.append([])
        grouped[position[id(record)]].append(allele)
    return tuple(records), tuple(tuple(g) for g in grouped), index


def flagged_alleles(loaded: Loaded, alleles: Sequence[Sequence[Allele]]) -> dict[int, tuple[int, ...]]:
    """Per cohort record, the ALTs that can be a finding: reportable or not assessed when carried. Each allele is
    classified once for the whole cohort, as carried (heterozygous): its classification depends on the genotype
    only through whether it is carried — PM3/BP2 re-classify reportable alleles only, and PP4 needs a clinical
    context, which a cohort run does not take. A sample carrying none of them is a background-only sample."""
    carried = GenotypeCall(Zygosity.HET, "0/1", None)
    settings, classified = loaded.request.settings, loaded.interpretations
    out: dict[int, tuple[int, ...]] = {}
    for number, group in enumerate(alleles):  # into the cache the samples' analyses read (heterozygous alleles)
        alts = tuple(a.alt_index for a in group
                     if first_pass(classified, a, loaded.annotations[a.id], carried, settings).set_aside is None)
        if alts:
            out[number] = alts
    return out


# ------------------------------------------------------------------------------------ genotypes


def _read_genotypes(plan: Plan, loaded: Loaded, n_records: int, workers: int) -> tuple[tuple[Part, ...], Screen]:
    queries = query_plan(loaded.spans)
    order = sorted(range(len(queries)), key=lambda q: queries[q][1] - queries[q][2])  # longest first
    started = time.perf_counter()
    results: dict[int, QueryResult] = {}
    global _PLAN
    _PLAN = plan
    try:
        with _progress(len(order), "reading genotypes") as advance:
            for result in _map(_read_task, [(q, queries[q]) for q in order], workers):
                results[result.query] = result
                advance(1)
    finally:
        _PLAN = None
    seen = sorted(r for result in results.values() for r in result.records)
    if seen != list(range(n_records)):
        msg = f"cohort reader: {len(seen)} of {n_records} panel records matched the sites pass"
        raise RuntimeError(msg)
    entries = sum(r.entries for r in results.values())
    log.info("cohort: genotypes of %d samples read in %.1f s (%d entries kept)", len(plan.samples),
             time.perf_counter() - started, entries)
    screen = Screen.empty(len(plan.samples))
    for result in results.values():
        screen.add(result.screen)
    return tuple(part for q in range(len(queries)) for part in results[q].parts), screen


def _read_task(task: tuple[int, tuple[str, int, int, int]]) -> QueryResult:
    assert _PLAN is not None, "cohort reader without a plan"
    return read_query(_PLAN, *task)


# ------------------------------------------------------------------------------------ analysis


def _analyse_all(state: _State, workers: int) -> list[dict[str, Any]]:
    global _STATE
    _STATE = state
    n = len(state.probands)
    full = sum(1 for p in state.probands if _in_full(state, p, _inferred_sex(state, p)))
    log.info("cohort: %d samples analysed allele by allele, %d background-only (decision on no allele; see "
             "docs/pipelines.md)", full, n - full)
    # batches: even load, prompt Ctrl-C, fresh mappings; each maps every chunk once, so not too small either
    size = max(1, min(32, n // (max(1, workers) * 8)))
    batches = [tuple(range(i, min(n, i + size))) for i in range(0, n, size)]
    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        with _progress(n, "analysing samples") as advance:
            for batch_rows in _map(_analyse_batch, batches, workers):
                rows.extend(batch_rows)
                advance(len(batch_rows))
    finally:
        _STATE = None
    log.info("cohort: %d samples analysed in %.1f s", n, time.perf_counter() - started)
    order = {p.sample: i for i, p in enumerate(state.probands)}
    return sorted(rows, key=lambda r: order[r["sample"]])


def _analyse_batch(batch: tuple[int, ...]) -> list[dict[str, Any]]:
    state = _STATE
    assert state is not None, "cohort worker without state"
    rows = []
    opened: list[Entries] | None = None
    for i in batch:
        proband = state.probands[i]
        sex = _inferred_sex(state, proband)
        if not _in_full(state, proband, sex):
            rows.append(_background_row(state, proband, sex))
            continue
        if opened is None:  # mapped afresh per batch: pages touched by earlier batches are unmapped
            opened = [Entries(part, state.format_keys) for part in state.parts]
        rows.append(_full_row(state, proband, opened, sex))
    if not gc.isenabled():  # the triage command pauses the collector: reclaim this batch's cycles, if any
        gc.collect(0)
    return rows


def _inferred_sex(state: _State, proband: Proband) -> SexCall:
    counts = state.screen.sex[state.index[proband.sample]]
    return sex_from_counts(Counts(*(int(c) for c in counts)), state.loaded.request.settings)


def _in_full(state: _State, proband: Proband, sex: SexCall) -> bool:
    """Whether the sample is analysed allele by allele. Every sample is, except a background-only one: no relative
    analysed with it, none of the flagged alleles carried (:func:`flagged_alleles`), no listed call whose ploidy
    raises a genotype flag, and a population-frequency source named by the header or a local file (otherwise the
    completeness verdict depends on which alleles carry a frequency)."""
    if state.all_results or proband.members or not state.frequency_source:
        return True
    j = state.index[proband.sample]
    screen = state.screen
    if screen.flagged[j] or screen.ploidy[j]:
        return True
    if screen.haploid_x[j]:
        person = state.pedigree.get(proband.sample) if state.pedigree else None
        resolved = resolve_sex(None, person.sex if person else None, sex, proband.sample, [])
        return resolved.sex is Sex.FEMALE
    return False


def _background_row(state: _State, proband: Proband, sex: SexCall) -> dict[str, Any]:
    """The summary row of a background-only sample: its alleles are never reportable, never not assessed, never
    a role in a gene rule and never change the completeness verdict, so the decision is the one on no allele,
    computed by the same code; only the count of listed alleles is the sample's own."""
    from varhlh.report.model import to_document

    j = state.index[proband.sample]
    left_out = len(state.records) - int(state.screen.listed_records[j])
    result = analyse(state.loaded, proband.sample, proband.family, proband.members, state.pedigree,
                     list(proband.warnings), None, ProbandGenotypes((), left_out, sex))
    row = _row(to_document(result), state.pedigree, [])
    row["variants"] = int(state.screen.listed_alleles[j])
    _remove_earlier(state, proband)
    return row


def has_findings(doc: ResultDoc) -> bool:
    """A sample with findings: a reportable allele, a carried allele not assessed, or a gene call other than
    'none'. Only these samples get their own files, unless ``--all-results``."""
    return bool(doc.counts.reportable or doc.counts.not_assessed or any(g.call is not GeneCall.NONE
                                                                         for g in doc.genes))


def _full_row(state: _State, proband: Proband, opened: Sequence[Entries], sex: SexCall) -> dict[str, Any]:
    from varhlh.report.model import to_document
    from varhlh.report.output import RenderContext, write_outputs

    loaded, p = state.loaded, proband.sample
    if proband.members or loaded.request.all_alleles:
        genotypes = _family_genotypes(state, proband, opened, sex)
    else:
        genotypes = _sample_genotypes(state, p, opened, sex)
    result = analyse(loaded, p, proband.family, proband.members, state.pedigree, list(proband.warnings), None,
                     genotypes)
    doc = to_document(result)
    paths: list[Path] = []
    if state.all_results or has_findings(doc):
        paths = write_outputs(RenderContext(doc, proband.prefix, state.source, Access.INDEX), state.outdir,
                              state.formats, state.inputs or [loaded.request.input], owns_set=True)
    else:
        _remove_earlier(state, proband)
    return _row(doc, state.pedigree, paths)


def _family_genotypes(state: _State, proband: Proband, opened: Sequence[Entries], sex: SexCall) -> ProbandGenotypes:
    """The listed alleles of a proband and its genotyped relatives (or of any proband under ``--all-alleles``),
    every one to be interpreted in full."""
    group = (proband.sample, *proband.members)
    by_record: dict[int, dict[str, SampleCall]] = {}
    for entries in opened:
        for name in group:
            for record, call in entries.calls(state.index[name], name):
                by_record.setdefault(record, {})[name] = call
    view: list[Allele] = []
    calls_by_allele: dict[str, dict[str, SampleCall]] = {}
    listed = 0
    for number in sorted(by_record):
        calls = by_record[number]
        if set_aside(calls.values()):
            continue  # read for another proband's sake
        if len(calls) != len(group):
            msg = f"cohort reader: record {number} lacks calls of {sorted(set(group) - set(calls))}"
            raise RuntimeError(msg)
        listed += 1
        for allele in state.alleles[number]:  # the shared sites record, with this sample's calls beside it
            view.append(allele)
            calls_by_allele[allele.id] = calls
    return ProbandGenotypes(tuple(view), len(state.records) - listed, sex, calls_by_allele)


def _sample_genotypes(state: _State, name: str, opened: Sequence[Entries], sex: SexCall) -> ProbandGenotypes:
    """The listed alleles of a proband analysed alone: its background alleles (:func:`_background`) go straight to
    the set-aside listing, in their places; the others, with the proband's call, are interpreted in full. The
    entries are taken in bulk (:class:`_SiteTable`): only those with an allele interpreted in full, or a record
    with several ALTs, are walked one by one."""
    rows = sample_rows(opened, state.index[name])
    table = state.sites
    at = table.positions(table.codes.of(rows), lambda code: _site_call(state, table.codes.record(code),
                                                                        table.codes.genotype(code)))
    kind, full = table.kind[at], table.full[at]
    before = np.cumsum(full) - full  # the alleles interpreted in full before each entry
    lone = kind == _LONE
    places, background = before[lone], table.lone[at[lone]]
    carried = np.flatnonzero(table.carried[at])
    phased = any(opened[c].tags_phase for c in set(rows.chunks[carried].tolist())) and any(
        opened[c].phase_tagged_at(r) for c, r in zip(rows.chunks[carried].tolist(), rows.rows[carried].tolist(),
                                                      strict=True))
    view: list[Allele] = []
    calls_by_allele: dict[str, dict[str, SampleCall]] = {}
    mixed: list[tuple[int, int, int, BackgroundAllele]] = []  # (entry, ALT, place, allele)
    for e in np.flatnonzero(kind == _OTHER).tolist():
        site, record = table.site[at[e]], int(rows.records[e])
        calls: dict[str, SampleCall] | None = None
        for k, (allele, found) in enumerate(zip(state.alleles[record], site, strict=True)):
            if found is not None:
                mixed.append((e, k, len(view), found))
                continue
            if calls is None:
                calls = {name: opened[int(rows.chunks[e])].call_at(int(rows.rows[e]), name)}
            view.append(allele)
            calls_by_allele[allele.id] = calls
    if mixed:  # background ALTs of records with several: into entry order, then ALT order
        entries = np.concatenate([np.flatnonzero(lone), [m[0] for m in mixed]])
        alts = np.concatenate([np.zeros(len(places), np.int64), [m[1] for m in mixed]])
        order = np.lexsort((alts, entries))
        places = np.concatenate([places, [m[2] for m in mixed]])[order]
        background = np.concatenate([background, _objects([m[3] for m in mixed])])[order]
    if len(places) > 1 and bool((np.diff(places) < 0).any()):  # Background.runs reads them in order
        msg = f"cohort: the background places of {name} are out of order"
        raise RuntimeError(msg)
    listed = int(np.count_nonzero(kind != _HOM_REF))
    return ProbandGenotypes(tuple(view), len(state.records) - listed, sex, calls_by_allele,
                            Background(tuple(places.tolist()), tuple(background.tolist())), phased)


_HOM_REF, _LONE, _OTHER = 0, 1, 2
""":attr:`_SiteTable.kind`: homozygous reference (not listed); one ALT, a background allele; anything else."""


class _SiteTable:
    """A worker's site calls (:func:`_site_call`) by entry code (:class:`varhlh.read.matrix.GenotypeCodes`), each
    computed once: the codes sorted, with the columns a sample's entries are read through in bulk."""

    def __init__(self) -> None:
        self.codes = GenotypeCodes()
        self._sorted = np.empty(0, np.int64)
        self.site = _objects([])
        """The site call (None: homozygous reference)."""
        self.kind = np.empty(0, np.int8)
        """_HOM_REF, _LONE or _OTHER."""
        self.full = np.empty(0, np.int64)
        """ALTs interpreted in full."""
        self.carried = np.empty(0, bool)
        """A background allele is carried (its call's phase tags count for the completeness verdict)."""
        self.lone = _objects([])
        """The record's one ALT, when it is a background allele (else None)."""

    def positions(self, codes: np.ndarray, compute: Callable[[int], SiteCall | None]) -> np.ndarray:
        """Where each of ``codes`` is in the columns; a code not seen before is computed (``compute``) and added."""
        at = np.searchsorted(self._sorted, codes)
        inside = at < len(self._sorted)
        known = np.zeros(len(codes), bool)
        known[inside] = self._sorted[at[inside]] == codes[inside]
        if known.all():
            return at
        new = np.unique(codes[~known])
        sites = [compute(code) for code in new.tolist()]
        lone = [s[0] if s is not None and len(s) == 1 else None for s in sites]
        where = np.searchsorted(self._sorted, new)
        self._sorted = np.insert(self._sorted, where, new)
        self.site = np.insert(self.site, where, _objects(sites))
        self.kind = np.insert(self.kind, where, [_HOM_REF if s is None else _LONE if b is not None else _OTHER
                                                 for s, b in zip(sites, lone, strict=True)])
        self.full = np.insert(self.full, where, [0 if s is None else s.count(None) for s in sites])
        self.carried = np.insert(self.carried, where, [s is not None and any(b is not None and b.zygosity.carried
                                                                             for b in s) for s in sites])
        self.lone = np.insert(self.lone, where, _objects(lone))
        return np.searchsorted(self._sorted, codes)


def _objects(items: Sequence[object]) -> np.ndarray:
    """A one-dimensional object array of ``items``, each held as it is (a tuple too: never read as a row)."""
    array = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        array[i] = item
    return array


SiteCall = tuple[BackgroundAllele | None, ...]
"""What one call (a genotype entry) at one cohort record makes of the record's alleles: per ALT, the background
allele (:func:`_background`), or None when it is interpreted in full."""


_AUTOSOMES = frozenset(str(n) for n in range(1, 23))


def _site_call(state: _State, number: int, raw: list[Any]) -> SiteCall | None:
    """The call ``raw`` (``[allele, ..., phased]``) at cohort record ``number``: None when it is homozygous
    reference (:func:`varhlh.restrict.hom_ref_alleles`), else its alleles as background alleles or not."""
    alleles, _, text = call_alleles(raw)
    if hom_ref_alleles(alleles):
        return None
    return tuple(_background(state, allele, alleles, text) for allele in state.alleles[number])


def _background(state: _State, allele: Allele, alleles: tuple[int | None, ...],
                genotype: str) -> BackgroundAllele | None:
    """The allele as a background allele of a sample with this call, or None when it must be interpreted in full.
    Rule: an autosomal, non-symbolic allele, diploid and fully called (not carried, heterozygous or homozygous),
    whose classification for that zygosity (the cohort's first pass) nothing after classification reads
    (:func:`varhlh.inheritance.roles.never_read`). A diploid autosomal call raises no ploidy or sex flag, and a
    proband analysed alone has no relatives to segregate with, so such an allele's set-aside row is the one the
    allele interpreted in full would get. Asked once per (record, genotype) in a worker (:func:`_site_call`, kept in
    ``state.sites``), so one instance is shared by the worker's samples with that genotype."""
    zygosity = allele_zygosity(alleles, allele.alt_index)
    if len(alleles) == 2 and zygosity in (Zygosity.REF, Zygosity.HET, Zygosity.HOM) and not allele.symbolic \
            and canonical_chrom(allele.record.chrom) in _AUTOSOMES:
        loaded = state.loaded
        annotation = loaded.annotations[allele.id]
        interpretation = first_pass(loaded.interpretations, allele, annotation, GenotypeCall(zygosity, genotype, None),
                                    loaded.request.settings)
        if never_read(interpretation):
            return BackgroundAllele(allele, annotation, zygosity, genotype, interpretation)
    return None


def _remove_earlier(state: _State, proband: Proband) -> None:
    """A sample without files this time loses those of an earlier run (a result must never sit beside a cohort
    table it does not belong to); they are removed as one set, like any rewrite."""
    from varhlh.report.output import output_names

    names = output_names(proband.prefix)
    if any((state.outdir / name).is_file() or (state.outdir / name).is_symlink() for name in names):
        try:
            write_set(state.outdir, [], names)
        except OSError as exc:
            msg = (f"{state.outdir}: cannot remove {proband.prefix}'s earlier results ({exc.strerror}); check "
                   "permissions")
            raise OutputError(msg) from exc




def _row(doc: ResultDoc, pedigree: Pedigree | None, paths: Sequence[Path]) -> dict[str, Any]:
    """The sample's summary row (family and PED phenotype added) and, under ``_alleles``, its reportable alleles."""
    person = pedigree.get(doc.sample.id) if pedigree else None
    affected = None if person is None else {True: "yes", False: "no", None: "unknown"}[person.affected]
    json_file = next((p.name for p in paths if p.name.endswith(".varhlh.json")), paths[0].name if paths else None)
    row = sample_row(doc, json_file, person.family if person else None, affected)
    row["_alleles"] = allele_rows(doc)
    return row


def write_tables(rows: Sequence[dict[str, Any]], alleles: Sequence[dict[str, Any]], outdir: Path, prefix: str,
                  inputs: Sequence[str | Path]) -> list[Path]:
    """The cohort tables as TSV and, with pyarrow, Parquet (pandas is imported here, never on single triage)."""
    from varhlh.report.cohort_tables import frame, parquet_available, parquet_bytes, tsv_bytes

    tables = {"varhlh_cohort": frame(rows, "sample"), "varhlh_cohort_alleles": frame(alleles, "allele")}
    payloads = [(f"{prefix}.{name}.tsv", tsv_bytes(df)) for name, df in tables.items()]
    if parquet_available():
        payloads += [(f"{prefix}.{name}.parquet", parquet_bytes(df)) for name, df in tables.items()]
    else:
        log.info("cohort: pyarrow is not installed, so the tables are written as TSV only "
                 "(pip install 'varhlh[parquet]' for Parquet)")
    written = []
    for name, payload in payloads:
        _write_atomic(outdir / name, payload, inputs)
        written.append(outdir / name)
    return written


def part_document(loaded: Loaded, block: tuple[int, int], selected: Sequence[str], rows: Sequence[dict[str, Any]],
                  alleles: Sequence[dict[str, Any]], formats: Sequence[str], outdir: Path,
                  all_results: bool) -> PartDoc:
    """The part manifest of one block (:class:`varhlh.result.PartDoc`): everything ``varhlh gather`` checks."""
    from varhlh.report.model import fingerprint_doc, tool_doc
    from varhlh.report.output import output_names, safe_prefix

    request, facts = loaded.request, loaded.facts
    names = sorted({f for row in rows if row["result"] for f in output_names(safe_prefix(row["sample"]), formats)})
    files = [PartFileDoc(name=n, sha256=sha256_file(outdir / n)) for n in names]
    table_rows = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
    return PartDoc(
        part_version=PART_VERSION, tool=tool_doc(), command=request.command,
        input=PartInputDoc(path=facts.path, sha256=facts.sha256, fingerprint=fingerprint_doc(facts),
                           genome_build=facts.build.build),
        panel=msgspec.convert(loaded.panel.provenance(), PanelDoc), settings=request.settings,
        formats=sorted(formats), options=_result_options(request, all_results),
        annotation=msgspec.convert(facts.annotation, AnnotationSourcesDoc),
        resources=[msgspec.convert(r, ResourceDoc) for r in facts.resources],
        ped_sha256=sha256_file(request.ped) if request.ped else None,
        selection_sha256=sha256_bytes("\n".join(selected).encode()),
        block=BlockDoc(index=block[0], count=block[1], samples_total=len(selected)),
        samples=[row["sample"] for row in rows], files=files, rows=table_rows, alleles=list(alleles),
        content_sha256=content_sha256(table_rows, alleles))


def content_sha256(rows: Sequence[dict[str, Any]], alleles: Sequence[dict[str, Any]]) -> str:
    """sha256 of a part's rows and alleles as canonical JSON (sorted keys)."""
    return sha256_bytes(msgspec.json.encode({"rows": list(rows), "alleles": list(alleles)}, order="sorted"))


def _result_options(request: Request, all_results: bool) -> dict[str, str | int | bool | None]:
    """The triage options, other than panel, settings and formats, that can change a result."""
    online = request.online
    return {
        "build": request.build.value if request.build else None,
        "ped": str(request.ped) if request.ped else None,
        "fasta": str(request.fasta) if request.fasta else None,
        "clinvar": str(request.clinvar) if request.clinvar else None,
        "gnomad": str(request.gnomad) if request.gnomad else None,
        "installed_resources": request.installed_resources,
        "all_alleles": request.all_alleles,
        "all_results": all_results,
        "online": ",".join(online.services) if online and online.services else None,
        "checksum_input": request.checksum_input,
    }


def write_part(part: PartDoc, target: Path, inputs: Sequence[str | Path]) -> Path:
    """The part manifest, written last (after the block's tables): its presence means the block is complete."""
    _write_atomic(target, msgspec.json.format(msgspec.json.encode(part), indent=1) + b"\n", inputs)
    return target


def _write_atomic(target: Path, payload: bytes, inputs: Sequence[str | Path]) -> None:
    from varhlh.report.output import refuse_overwriting_inputs

    refuse_overwriting_inputs([target], inputs)
    try:
        write_atomic(target, payload)
    except OSError as exc:
        msg = f"{target.parent}: cannot write the cohort summary ({exc.strerror}); check space and permissions"
        raise OutputError(msg) from exc


# ------------------------------------------------------------------------------------ execution


def _map(function: Callable[[T], R], tasks: Sequence[T], workers: int) -> Iterator[R]:
    """``function`` over ``tasks`` in ``workers`` forked processes (in this one if 1 or fork is unavailable),
    yielding results as they complete."""
    if workers <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (function(t) for t in tasks)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
        futures = [pool.submit(function, t) for t in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A tqdm bar on stderr when it is a terminal and tqdm is installed; otherwise nothing."""
    bar = None
    if sys.stderr.isatty() and total > 1 and log.isEnabledFor(logging.WARNING):  # -q: no bar
        try:
            from tqdm import tqdm

            bar = tqdm(total=total, desc=f"varhlh: {label}", unit="", file=sys.stderr, leave=False)
        except ImportError:
            bar = None
    try:
        yield (bar.update if bar is not None else (lambda _n: None))
    finally:
        if bar is not None:
            bar.close()


__all__ = ["SUMMARY_COLUMNS", "run_cohort"]

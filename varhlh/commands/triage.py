"""``varhlh triage``: run the pipeline on one VCF and write the requested formats."""

from __future__ import annotations

import argparse
import gc
import logging
import shlex
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from varhlh import __version__
from varhlh.commands import NOTICE, online_options, refuse_stdout_dir, write_stdout
from varhlh.errors import ExitStatus, UsageError
from varhlh.fileio import is_stream, scratch_dir, spool
from varhlh.models import Build, Sex
from varhlh.report.output import FORMATS

if TYPE_CHECKING:
    from varhlh.pipeline import Request
    from varhlh.report.meta import ReportMeta

log = logging.getLogger("varhlh")


OUTPUT_FILES: dict[str, tuple[str, ...]] = {
    "json": ("PREFIX.varhlh.json (the authoritative result)",),
    "tsv": ("PREFIX.varhlh.tsv (the findings, alleles not assessed and alleles a gene call rests on; every allele "
            "with --all-alleles)",),
    "vcf": ("PREFIX.varhlh.vcf.gz, PREFIX.varhlh.vcf.gz.tbi (annotated panel-region records)",),
    "html": ("PREFIX.varhlh.html (the counselor's report)",),
    "pdf": ("PREFIX.varhlh.pdf (the counselor's report; 'pdf' extra)",),
    "phenopacket": ("PREFIX.phenopacket.json (GA4GH Phenopacket v2; 'phenopacket' extra)",),
    "multiqc": ("PREFIX.varhlh_mqc.json, PREFIX.varhlh_results_mqc.json (MultiQC custom content)",),
}
"""What each ``--format`` writes into OUTDIR (``varhlh triage --help``)."""
COHORT_FILES = ("PREFIX.varhlh_cohort.tsv (one row per sample)",
                "PREFIX.varhlh_cohort_alleles.tsv (one row per sample and reportable allele)",
                "PREFIX.varhlh_cohort.parquet, PREFIX.varhlh_cohort_alleles.parquet (when pyarrow is installed)")
EXIT_CODES: dict[str, str] = {
    "OK": "analysis complete, whatever was found",
    "USAGE": "bad command line",
    "INPUT": "input rejected (VCF, PED, clinical or sample file)",
    "CONFIG": "panel, configuration or genome-build problem; optional feature not installed",
    "ONLINE": "a required online service failed (opt-in online features only)",
    "OUTPUT": "outputs could not be written",
    "HANGUP": "stopped by SIGHUP (a closed terminal); cleaned up, previous outputs kept",
    "INTERRUPTED": "interrupted (Ctrl-C); no partial outputs are left",
    "TERMINATED": "stopped by SIGTERM (SLURM, Snakemake, Nextflow, kill); cleaned up, previous outputs kept",
}


def epilog() -> str:
    """The outputs and exit codes, for ``--help``."""
    lines = ["outputs (OUTDIR/PREFIX.*, by --format; PREFIX defaults to the sample ID made filename-safe):"]
    lines += [f"  {name:<12} {text}" for name, files in OUTPUT_FILES.items() for text in files]
    lines += ["  cohort (--all-samples / --samples): one set per sample with findings (every sample with "
              "--all-results), then"]
    lines += [f"  {'':<12} {text}" for text in COHORT_FILES]
    lines += ["", "stdout: the summary sentence (not with -q), or the JSON result with --json-stdout; "
                  "stderr: the log.", "", "exit codes:"]
    lines += [f"  {int(code):<4} {EXIT_CODES[code.name]}" for code in ExitStatus]
    return "\n".join(lines)


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("triage", parents=parents, help="triage a patient VCF, or the samples of a cohort VCF",
                       description="Triage a patient VCF, or every sample (or a block of samples) of a cohort VCF.",
                       epilog=epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", metavar="INPUT", help="VCF (.vcf, .vcf.gz, .bcf) or - for stdin")
    p.add_argument("-s", "--sample", help="sample to analyse (required for multi-sample VCFs without a PED)")
    p.add_argument("--sex", choices=[s.value for s in Sex if s is not Sex.UNKNOWN], help="patient's sex")
    p.add_argument("--ped", type=Path, help="PED file (6 columns) with the patient's family")
    p.add_argument("--build", choices=[b.value for b in Build], help="genome build (checked against the header)")
    p.add_argument("--panel", type=Path, help="gene panel TSV (default: the bundled panel)")
    p.add_argument("--config", type=Path, help="TOML file with settings (thresholds)")
    p.add_argument("--clinical", type=Path, help="clinical context (YAML/JSON): HLH-2004 and HScore variables, "
                                                 "HLH course; see examples/clinical_context.yaml")
    p.add_argument("--fasta", type=Path, help="reference FASTA (faidx-indexed; opt-in): REF check, codon-level "
                                              "effects, HGVS p., indel normalisation")
    p.add_argument("--clinvar", type=Path, help="local ClinVar VCF (bgzipped + tabix-indexed; opt-in, offline)")
    p.add_argument("--gnomad", type=Path, help="local gnomAD sites VCF (bgzipped + tabix-indexed; opt-in, offline)")
    p.add_argument("--all-alleles", action="store_true",
                   help="list every allele in full in the JSON and TSV (default: findings, alleles not assessed and "
                        "alleles a gene call rests on in full; the background in the compact set_aside listing)")
    p.add_argument("--no-installed-resources", action="store_true",
                   help="ignore the panel resources installed by 'varhlh resources update' (used by default, offline, "
                        "for what --fasta/--clinvar/--gnomad do not give)")
    p.add_argument("--report-meta", type=Path, metavar="META",  # report metadata (issue 13)
                   help="report metadata (YAML/JSON): patient identifiers, referrer, indication, specimen, sign-off; "
                        "shown in the HTML/PDF report only, never in the result; see examples/report_meta.yaml")
    p.add_argument("-o", "--output-dir", type=Path, default=Path(), help="output directory (default: .)")
    p.add_argument("--prefix", help="output file prefix (default: the sample ID made filename-safe)")
    p.add_argument("--format", default="json,tsv",
                   help=f"comma-separated output formats, any of {','.join(FORMATS)} (default: json,tsv)")
    p.add_argument("--threads", type=int, default=2, help="decompression threads (default: 2); worker processes "
                                                           "with --all-samples/--samples")
    p.add_argument("--all-samples", action="store_true", help="cohort: one result per sample of the VCF, plus "
                                                              "PREFIX.varhlh_cohort.tsv (PREFIX default: cohort)")
    p.add_argument("--samples", type=Path, metavar="FILE", help="cohort: one result per sample listed in FILE "
                                                                "(one ID per line)")
    p.add_argument("--all-results", action="store_true",
                   help="cohort: write every sample's files; by default only the samples with findings (a reportable "
                        "or not-assessed allele, or a gene call other than none) get files, and the cohort table "
                        "lists every sample")
    p.add_argument("--samples-block", metavar="I/N", type=samples_block,
                   help="cohort, sharded: analyse block I of N (contiguous, even slices of the selected samples in "
                        "VCF order) and also write PREFIX.varhlh_part.json for 'varhlh gather' (PREFIX default: "
                        "block_I; docs/scale-out.md)")
    p.add_argument("--checksum-input", action="store_true",
                   help="sha256 the whole input even when it is read through its index (costs ~1.2 ms per MB); "
                        "by default an indexed input is identified by its size, mtime and the sha256 of its header "
                        "and index (input.fingerprint)")
    p.add_argument("--json-stdout", action="store_true", help="write the JSON result to stdout (instead of the "
                                                               "summary sentence); the --format files are written too")
    online_options.add_arguments(p, annotate=True)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector frozen and paused for one triage, as it was afterwards.

    What is loaded by then (the modules, numpy, cyvcf2, msgspec) lives until the command ends, so the collector
    need not walk it again at every full collection (~0.1 s of a genome's triage). The records built from there on
    are acyclic frozen dataclasses, freed by reference counting, so the collector is paused too: its passes over a
    cohort sample's ~10,000 alleles are memory-bound (0.72x of a 20-sample run on a loaded machine, neutral on a
    quiet one); a cohort worker collects the young generation per batch. Restored on the way out, because the
    command may run inside a longer process (the test suite, a caller of :func:`varhlh.cli.main`)."""
    was_enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    with _collector_paused():
        return _triage(args, argv)


def _triage(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from varhlh.pipeline import Request
    from varhlh.pipeline import run as run_pipeline
    from varhlh.report.model import to_document
    from varhlh.report.output import RenderContext, parse_formats, safe_prefix, write_outputs
    from varhlh.report.tabular import completeness_line
    from varhlh.settings import load_settings

    formats = parse_formats(args.format)
    if args.threads < 1:
        msg = "--threads must be at least 1"
        raise UsageError(msg)
    if args.prefix and safe_prefix(args.prefix) != args.prefix:
        msg = f"--prefix {args.prefix!r} must be a plain file name (letters, digits, '.', '_', '-')"
        raise UsageError(msg)
    refuse_stdout_dir(args.output_dir)
    online = online_options.request_from_args(args, annotate=True)
    for flag, given in (("--all-results", args.all_results), ("--samples-block", args.samples_block)):
        if given and not (args.all_samples or args.samples):
            msg = f"{flag} applies to a cohort run (--all-samples or --samples)"
            raise UsageError(msg)
    if args.json_stdout and (args.all_samples or args.samples):
        msg = "--json-stdout writes one result; a cohort run writes one per sample (read them from -o OUTDIR)"
        raise UsageError(msg)
    settings = load_settings(args.config)
    meta = _report_meta(args)
    command = shlex.join(["varhlh", *argv])
    log.log(NOTICE, "varhlh %s", __version__)
    log.info("command: %s", command)
    log.info("settings: %s", settings.to_dict())
    with scratch_dir() as scratch:
        source = _source(args.input, scratch)
        request = Request(input=args.input, source=source, sample=args.sample,
                          sex=Sex(args.sex) if args.sex else None, ped=args.ped,
                          build=Build(args.build) if args.build else None, panel=args.panel, settings=settings,
                          threads=args.threads, command=command, clinical=args.clinical,
                          fasta=args.fasta, clinvar=args.clinvar, gnomad=args.gnomad,
                          online=online, installed_resources=not args.no_installed_resources,
                          all_alleles=args.all_alleles, checksum_input=args.checksum_input,
                          keep_records=Path(scratch) if "vcf" in formats else None)
        if args.all_samples or args.samples:
            return _cohort(args, request, formats)
        result = run_pipeline(request)
        log.info("panel %s %s (sha256 %s)", result.panel.name, result.panel.version, result.panel.sha256)
        prefix = args.prefix or safe_prefix(result.sample)
        context = RenderContext(to_document(result), prefix, result.input.extract or source,
                                result.input.access_mode, meta=meta)
        paths = write_outputs(context, args.output_dir, formats, input_files(args), owns_set=True)
    for warning in result.warnings:
        log.warning("warning: %s", warning)
    conclusion = result.conclusion
    log.log(NOTICE, "primary HLH: %s; transplant work-up: %s", conclusion.primary_hlh, conclusion.transplant_workup)
    log.log(NOTICE, "completeness: %s", completeness_line(context.document))
    log.info("wrote %s", ", ".join(str(p) for p in paths))
    if args.json_stdout:
        from varhlh.report.output import renderer

        write_stdout(renderer("json")(context)[0][1].decode("utf-8"))
    elif not args.quiet:
        write_stdout(context.document.conclusion.summary + "\n")
    return 0


def _report_meta(args: argparse.Namespace) -> ReportMeta | None:
    """``--report-meta``, read before the analysis so that a bad file fails fast; one patient's identifiers cannot
    frame a cohort's reports."""
    if getattr(args, "report_meta", None) is None:
        return None
    if args.all_samples or args.samples:
        msg = "--report-meta names one patient; it cannot be combined with --all-samples or --samples"
        raise UsageError(msg)
    from varhlh.report.meta import load_report_meta

    return load_report_meta(args.report_meta)


def _source(name: str, scratch: Path) -> Path:
    """The file to read: the input itself, or — for ``-`` and any input that is not a regular file (a pipe,
    ``<(zcat x.vcf.gz)``, ``/dev/stdin``) — one private copy, whose first bytes must look like a VCF or BCF."""
    if not is_stream(name):
        return Path(name)
    from varhlh.read.validate import check_stream_start

    display = "standard input" if name == "-" else name
    return spool(name, scratch, "input", display, lambda head: check_stream_start(head, display))


def input_files(args: argparse.Namespace) -> list[str | Path]:
    """Every file the run reads, so that no output can replace one (input, its index, PED, clinical context,
    settings, panel files, samples list and local resources with their indexes)."""
    from varhlh.panel import panel_files

    files: list[str | Path] = [args.input, f"{args.input}.tbi", f"{args.input}.csi"]
    for option in ("ped", "clinical", "config", "samples", "report_meta"):
        if (value := getattr(args, option, None)) is not None:
            files.append(value)
    if args.panel is not None:
        files.extend(panel_files(args.panel))
    for option, suffixes in (("fasta", (".fai", ".gzi")), ("clinvar", (".tbi", ".csi")), ("gnomad", (".tbi", ".csi"))):
        if (value := getattr(args, option, None)) is not None:
            files.extend([value, *(Path(f"{value}{suffix}") for suffix in suffixes)])
    return files


def samples_block(text: str) -> tuple[int, int]:
    """``I/N`` -> (I, N), 1 <= I <= N (argparse type of ``--samples-block``)."""
    index, slash, count = text.partition("/")
    if not (slash and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        msg = f"{text!r}: give I/N with 1 <= I <= N, e.g. 3/8"
        raise argparse.ArgumentTypeError(msg)
    return int(index), int(count)


def _cohort(args: argparse.Namespace, request: Request, formats: Sequence[str]) -> int:
    """The ``--all-samples`` / ``--samples FILE`` branch (:mod:`varhlh.cohort`)."""
    from varhlh.cohort import run_cohort

    conflicts = [flag for flag, given in (("-s/--sample", args.sample), ("--sex", args.sex),
                                          ("--clinical", getattr(args, "clinical", None))) if given]
    if args.all_samples and args.samples:
        conflicts.append("--samples")
    if conflicts:
        msg = (f"{', '.join(conflicts)} cannot be combined with {'--all-samples' if args.all_samples else '--samples'}"
               "; a cohort takes each sample's sex and relatives from --ped")
        raise UsageError(msg)
    if is_stream(args.input):
        msg = ("cohort mode reads genotypes region by region and cannot read stdin or a pipe; give an indexed VCF or "
               "BCF file")
        raise UsageError(msg)
    started = time.perf_counter()
    try:
        default = f"block_{args.samples_block[0]}" if args.samples_block else "cohort"  # blocks may share a directory
        rows, summary = run_cohort(request, args.samples, formats, args.output_dir, args.prefix or default,
                                   args.threads, input_files(args), all_results=args.all_results,
                                   block=args.samples_block)
    except KeyboardInterrupt:
        log.warning("cohort interrupted: the results already written in %s are complete; no cohort summary was "
                    "written (re-run to finish)", args.output_dir)
        raise
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["primary_hlh"]] = counts.get(row["primary_hlh"], 0) + 1
    log.log(NOTICE, "cohort: %d samples in %.1f s; primary HLH %s", len(rows), time.perf_counter() - started,
             ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    warned = sum(1 for row in rows if row["warnings"])
    if warned:
        log.warning("warning: %d of %d results carry warnings (see their JSON 'warnings')", warned, len(rows))
    written = sum(1 for row in rows if row["result"])
    log.info("wrote the results of %d of %d samples (%s) and %s", written, len(rows),
             "--all-results" if args.all_results else "the samples with findings", ", ".join(str(p) for p in summary))
    return 0

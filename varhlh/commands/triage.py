"""``varhlh triage``: run the pipeline on one VCF and write the requested formats."""

from __future__ import annotations

import argparse
import logging
import shlex
import tempfile
from collections.abc import Sequence
from pathlib import Path

from varhlh import __version__, online
from varhlh.errors import UsageError
from varhlh.fileio import spool_stdin
from varhlh.models import Build, Sex
from varhlh.report.output import FORMATS

log = logging.getLogger("varhlh")


def register(sub: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("triage", parents=parents, help="triage one patient VCF", description="Triage one patient VCF.")
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
    online.add_arguments(p, annotate=True)


def run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from varhlh.pipeline import Request
    from varhlh.pipeline import run as run_pipeline
    from varhlh.report.model import to_dict
    from varhlh.report.output import RenderContext, parse_formats, safe_prefix, write_outputs
    from varhlh.settings import load_settings

    formats = parse_formats(args.format)
    if args.threads < 1:
        msg = "--threads must be at least 1"
        raise UsageError(msg)
    if args.prefix and safe_prefix(args.prefix) != args.prefix:
        msg = f"--prefix {args.prefix!r} must be a plain file name (letters, digits, '.', '_', '-')"
        raise UsageError(msg)
    settings = load_settings(args.config)
    command = shlex.join(["varhlh", *argv])
    log.info("varhlh %s", __version__)
    log.info("command: %s", command)
    log.info("settings: %s", settings.to_dict())
    with tempfile.TemporaryDirectory(prefix="varhlh-stdin-") as spool:
        source = spool_stdin(Path(spool)) if args.input == "-" else Path(args.input)
        request = Request(input=args.input, source=source, sample=args.sample,
                          sex=Sex(args.sex) if args.sex else None, ped=args.ped,
                          build=Build(args.build) if args.build else None, panel=args.panel, settings=settings,
                          threads=args.threads, command=command, clinical=args.clinical,
                          fasta=args.fasta, clinvar=args.clinvar, gnomad=args.gnomad,
                          online=online.request_from_args(args, annotate=True))
        if args.all_samples or args.samples:
            from varhlh.cohort import run_cohort_command

            return run_cohort_command(args, request, formats)
        result = run_pipeline(request)
        log.info("panel %s %s (sha256 %s)", result.panel.name, result.panel.version, result.panel.sha256)
        prefix = args.prefix or safe_prefix(result.sample)
        context = RenderContext(to_dict(result), prefix, source)
        paths = write_outputs(context, args.output_dir, formats, [args.input])
    for warning in result.warnings:
        log.warning("warning: %s", warning)
    conclusion = result.conclusion
    log.info("primary HLH: %s; transplant work-up: %s", conclusion.primary_hlh, conclusion.transplant_workup)
    log.info("wrote %s", ", ".join(str(p) for p in paths))
    return 0

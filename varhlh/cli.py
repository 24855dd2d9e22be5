"""The command line: a thin shell over :func:`varhlh.pipeline.run` and the report writers.

Exit codes (README, "What varhlh refuses and why"): 0 analysis complete whatever was found,
2 usage, 3 input rejected, 4 panel/configuration/build problem, 5 required online service
failed, 6 output not writable, 130 interrupted. Errors are one line on stderr; ``--debug``
shows the traceback.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from varhlh import __version__
from varhlh.errors import ExitStatus, UsageError, VarhlhError
from varhlh.models import Build, Sex

log = logging.getLogger("varhlh")
FORMATS = ("json", "tsv")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="varhlh", description="Triage a patient's variants for familial HLH (decision support, not a diagnosis).")
    parser.add_argument("--version", action="version", version=f"varhlh {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    triage = sub.add_parser("triage", help="triage one patient VCF", description="Triage one patient VCF.")
    triage.add_argument("input", metavar="INPUT", help="VCF (.vcf, .vcf.gz, .bcf) or - for stdin")
    triage.add_argument("-s", "--sample", help="sample to analyse (required for multi-sample VCFs without a PED)")
    triage.add_argument("--sex", choices=[s.value for s in Sex if s is not Sex.UNKNOWN], help="patient's sex")
    triage.add_argument("--ped", type=Path, help="PED file (6 columns) with the patient's family")
    triage.add_argument("--build", choices=[b.value for b in Build], help="genome build (checked against the header)")
    triage.add_argument("--panel", type=Path, help="gene panel TSV (default: the bundled panel)")
    triage.add_argument("--config", type=Path, help="TOML file with settings (thresholds)")
    triage.add_argument("-o", "--output-dir", type=Path, default=Path("."), help="output directory (default: .)")
    triage.add_argument("--prefix", help="output file prefix (default: the sample ID made filename-safe)")
    triage.add_argument("--format", default="json,tsv", help=f"comma-separated formats: {','.join(FORMATS)}")
    triage.add_argument("--threads", type=int, default=2, help="decompression threads (default: 2)")
    verbosity = triage.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="errors only")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    triage.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_usage(sys.stderr)
        return ExitStatus.USAGE
    _logging(args)
    try:
        return _triage(args, args_list)
    except VarhlhError as exc:
        if args.debug:
            raise
        print(f"varhlh: error: {exc}", file=sys.stderr)
        return int(exc.exit_status)
    except KeyboardInterrupt:
        print("varhlh: interrupted; no outputs were written", file=sys.stderr)
        return ExitStatus.INTERRUPTED


def _logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="varhlh: %(message)s", stream=sys.stderr)


def _triage(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from varhlh.pipeline import Request, run
    from varhlh.report.model import to_dict
    from varhlh.report.writers import safe_prefix, write_outputs
    from varhlh.settings import load_settings

    formats = _formats(args.format)
    if args.threads < 1:
        msg = "--threads must be at least 1"
        raise UsageError(msg)
    settings = load_settings(args.config)
    command = shlex.join(["varhlh", *argv])
    log.info("varhlh %s", __version__)
    log.info("command: %s", command)
    log.debug("settings: %s", settings.to_dict())
    request = Request(input=args.input, sample=args.sample, sex=Sex(args.sex) if args.sex else None, ped=args.ped,
                      build=Build(args.build) if args.build else None, panel=args.panel, settings=settings,
                      threads=args.threads, command=command)
    result = run(request)
    log.info("panel %s %s (sha256 %s)", result.panel.name, result.panel.version, result.panel.sha256[:12])
    data = to_dict(result)
    prefix = args.prefix if args.prefix else safe_prefix(result.sample)
    if args.prefix and safe_prefix(args.prefix) != args.prefix:
        msg = f"--prefix {args.prefix!r} must be a plain file name (letters, digits, '.', '_', '-')"
        raise UsageError(msg)
    paths = write_outputs(data, args.output_dir, prefix, formats, [args.input])
    for warning in result.warnings:
        log.warning("warning: %s", warning)
    conclusion = result.conclusion
    log.info("primary HLH: %s; transplant work-up: %s", conclusion.primary_hlh, conclusion.transplant_workup)
    log.info("wrote %s", ", ".join(str(p) for p in paths))
    return ExitStatus.OK


def _formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        msg = f"--format {text!r}: unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}"
        raise UsageError(msg)
    return list(dict.fromkeys(formats))

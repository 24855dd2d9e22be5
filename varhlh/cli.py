"""The command line: a thin shell that dispatches to :mod:`varhlh.commands` modules.

Exit codes (README, "What varhlh refuses and why"): 0 analysis complete whatever was found,
2 usage, 3 input rejected, 4 panel/configuration/build problem, 5 required online service
failed, 6 output not writable, 130 interrupted. Errors are one line on stderr; ``--debug``
shows the traceback. stdout carries the answer (the summary sentence, or the JSON with ``--json-stdout``);
the log goes to stderr: the version line, the decision and completeness lines and warnings by default, every step with
``-v``, errors only with ``-q`` (docs/cli.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from varhlh import __version__
from varhlh.commands import NOTICE, completion, panel, report, resources, schema, triage
from varhlh.errors import ExitStatus, VarhlhError

COMMANDS = {"triage": triage, "report": report, "panel": panel, "resources": resources, "schema": schema,
            "completion": completion}
"""Each command module has ``register(subparsers, parents)`` and ``run(args, argv) -> int``; heavy imports
happen inside ``run``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="varhlh", description="Triage a patient's variants for familial HLH (decision support, not a diagnosis).",
        epilog=triage.epilog() + "\n\n'varhlh COMMAND --help' describes each command.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"varhlh {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    verbosity = common.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="errors only: no log lines, no progress bar, "
                                                                      "no summary sentence on stdout")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="also log the command, the settings and "
                                                                        "every step (default: version, decision, "
                                                                        "warnings)")
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS.values():
        command.register(sub, [common])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_usage(sys.stderr)
        return ExitStatus.USAGE
    args.root_parser = parser  # for `varhlh completion`, which generates the script from this parser
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else NOTICE
    logging.basicConfig(level=level, format="varhlh: %(message)s", stream=sys.stderr, force=True)
    try:
        return int(COMMANDS[args.command].run(args, args_list))
    except VarhlhError as exc:
        if args.debug:
            raise
        print(f"varhlh: error: {exc}", file=sys.stderr)
        return int(exc.exit_status)
    except KeyboardInterrupt:
        print("varhlh: interrupted; no outputs were written", file=sys.stderr)
        return ExitStatus.INTERRUPTED

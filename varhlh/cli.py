"""The command line: a thin shell that dispatches to :mod:`varhlh.commands` modules.

Exit codes (README, "What varhlh refuses and why"): 0 analysis complete whatever was found,
2 usage, 3 input rejected, 4 panel/configuration/build problem, 5 required online service
failed, 6 output not writable, 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM (128 + the signal
number, as a shell reports it). Errors are one line on stderr (control characters escaped, cut
at :data:`varhlh.errors.MESSAGE_LIMIT` characters); ``--debug`` shows the traceback. stdout carries
the answer (the summary sentence, or the JSON with ``--json-stdout``); the log goes to stderr: the
version line, the decision and completeness lines and warnings by default, every step with ``-v``,
errors only with ``-q`` (docs/cli.md). A stderr that cannot be written (``2>/dev/full``, a closed
pipe) never changes the exit code.

Signals: SIGTERM and SIGHUP (what SLURM, Snakemake, Nextflow and a closed terminal send) raise
:class:`varhlh.errors.Interrupted`, a ``KeyboardInterrupt``, so they take the SIGINT path: temporary
files and staged outputs are removed, previous outputs are left as they were. A signal the parent
process ignores (``nohup``) stays ignored.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any

from varhlh import __version__
from varhlh.commands import NOTICE, completion, gather, panel, report, resources, schema, triage
from varhlh.errors import ExitStatus, Interrupted, VarhlhError, clip, printable

COMMANDS = {"triage": triage, "report": report, "gather": gather, "panel": panel, "resources": resources,
            "schema": schema, "completion": completion}
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


class _Printable(logging.Formatter):
    """Log lines with control characters escaped (a sample name cannot drive the terminal)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


def _say(text: str) -> None:
    """One line on stderr; a stderr that cannot be written (full disk, closed pipe) is not an error of the run."""
    with contextlib.suppress(OSError, ValueError):
        print(text, file=sys.stderr, flush=True)


_SIGNALS = {getattr(signal, name): name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)}
_STATUS = {"SIGTERM": ExitStatus.TERMINATED, "SIGHUP": ExitStatus.HANGUP}


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    signal.signal(signum, signal.SIG_IGN)  # a repeated TERM/HUP must not interrupt the cleanup it started
    raise Interrupted(signum, _SIGNALS.get(signum, str(signum)))


@contextmanager
def _signals_as_interrupts() -> Iterator[None]:
    """SIGTERM/SIGHUP raise :class:`Interrupted` while the command runs (main thread only); restored after."""
    previous: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}
    try:
        for signum in _SIGNALS:
            current = signal.getsignal(signum)
            if current == signal.SIG_IGN:  # nohup: the parent asked for the signal to be ignored
                continue
            previous[signum] = current
            signal.signal(signum, _raise_interrupted)
    except ValueError:  # not the main thread: signals stay as they are
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except OSError:  # argparse could not print its usage message (stderr on a full disk)
        return ExitStatus.USAGE
    if args.command is None:
        _say(parser.format_usage().rstrip())
        return ExitStatus.USAGE
    args.root_parser = parser  # for `varhlh completion`, which generates the script from this parser
    level = logging.ERROR if args.quiet else logging.DEBUG if args.verbose else NOTICE
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Printable("varhlh: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.raiseExceptions = False  # a stderr that cannot be written must not print tracebacks about itself
    try:
        with _signals_as_interrupts():
            return int(COMMANDS[args.command].run(args, args_list))
    except VarhlhError as exc:
        if args.debug:
            raise
        _say(f"varhlh: error: {clip(str(exc))}")
        return int(exc.exit_status)
    except Interrupted as exc:
        _say(f"varhlh: stopped by {exc.name}; temporary files were removed and no partial outputs were left")
        return int(_STATUS.get(exc.name, ExitStatus.TERMINATED))
    except KeyboardInterrupt:
        _say("varhlh: interrupted; no outputs were written")
        return ExitStatus.INTERRUPTED


def entry() -> None:
    """The console script and ``python -m varhlh``: :func:`main`, then exit without the interpreter's teardown.

    The exit handlers still run (logging is flushed, temporary directories are removed) and so do the streams'
    flushes; what is skipped is freeing every object of the run one by one, which the OS does at once when the
    process ends (~0.07 s after a whole-genome triage)."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more can be said on it
            stream.flush()
    atexit._run_exitfuncs()
    os._exit(code)

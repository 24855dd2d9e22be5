"""Sub-commands of the ``varhlh`` command line: all argument parsing lives here.

Each module has ``register(subparsers, parents)`` (``parents`` carries -q/-v/--debug) and
``run(args, argv) -> int``; :data:`varhlh.cli.COMMANDS` lists them.

Streams (README "Command-line conventions"): stdout carries the answer (the summary sentence of a
triage, or the JSON result with ``--json-stdout``, a panel listing, a schema, a completion script);
stderr carries the log. The default log is the version line, the decision and completeness lines and warnings
(:data:`NOTICE` and above); ``-v`` adds the command, the settings and every step; ``-q`` leaves errors
only (and no progress bar).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from varhlh.errors import UsageError

NOTICE = 25
"""Log level of the lines shown by default (version and decision); INFO lines need ``-v``."""
logging.addLevelName(NOTICE, "NOTICE")


def write_stdout(text: str) -> None:
    """Write to stdout; a closed pipe (``| head``) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def refuse_stdout_dir(output_dir: Path) -> None:
    """``-o -``: varhlh writes a set of files, so '-' is refused instead of becoming a directory named '-'."""
    if str(output_dir) == "-":
        msg = ("-o - is not supported: -o names the output directory (varhlh writes several files); give a "
               "directory, and use --json-stdout to send the JSON result to stdout")
        raise UsageError(msg)

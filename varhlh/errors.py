"""One error hierarchy and the documented exit codes.

Every refusal is a :class:`VarhlhError` whose message names the file, the place (line, record
or column) and the fix. The command line prints it as one line on stderr and exits with the
error's :class:`ExitStatus`; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import re
from enum import IntEnum

MESSAGE_LIMIT = 2000
"""Characters of one error message printed at most (the rest is cut, saying how much)."""
VALUE_LIMIT = 60
"""Characters of one echoed value (a sample name, a field value) shown in a message at most."""
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


class ExitStatus(IntEnum):
    """Process exit codes. Findings never change the exit code: 0 means the analysis completed."""

    OK = 0
    """Analysis complete, whatever was found."""
    USAGE = 2
    """Bad command line (unknown option, missing argument, conflicting flags)."""
    INPUT = 3
    """Input rejected: unreadable, truncated or malformed VCF or PED, unknown sample."""
    CONFIG = 4
    """Panel, configuration or genome-build problem (malformed panel, build mismatch)."""
    ONLINE = 5
    """A required online service failed (only with opt-in online features)."""
    OUTPUT = 6
    """Output could not be written (directory not writable, disk full, would overwrite input)."""
    HANGUP = 129
    """Stopped by SIGHUP (128 + 1: a closed terminal or session); cleaned up like an interrupt."""
    INTERRUPTED = 130
    """Interrupted by the user (SIGINT, 128 + 2); no partial outputs are left."""
    TERMINATED = 143
    """Stopped by SIGTERM (128 + 15: what SLURM, Snakemake, Nextflow and ``kill`` send); cleaned up like an
    interrupt."""


class VarhlhError(Exception):
    """Base class of every expected failure; ``exit_status`` is what the CLI returns."""

    exit_status: ExitStatus = ExitStatus.INPUT


class UsageError(VarhlhError):
    exit_status = ExitStatus.USAGE


class InputError(VarhlhError):
    """A VCF, PED or clinical-context file that cannot be used as given."""

    exit_status = ExitStatus.INPUT


class PanelError(VarhlhError):
    exit_status = ExitStatus.CONFIG


class ConfigError(VarhlhError):
    exit_status = ExitStatus.CONFIG


class BuildError(VarhlhError):
    """Genome build undetectable or inconsistent with ``--build``."""

    exit_status = ExitStatus.CONFIG


class OnlineError(VarhlhError):
    exit_status = ExitStatus.ONLINE


class OutputError(VarhlhError):
    exit_status = ExitStatus.OUTPUT


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP turned into an exception, so every cleanup path of SIGINT runs for them too."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum, self.name = signum, name


def printable(text: str) -> str:
    """``text`` with control characters (C0, C1, DEL), bidirectional overrides and invisible separators
    written as ``\\xNN`` / ``\\uNNNN``: a sample name or file content echoed in a message can neither move the
    terminal's cursor, recolour it, hide text nor break the one-line contract."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def shown(value: object, limit: int = VALUE_LIMIT) -> str:
    """A value echoed in a message: quoted like ``repr`` for strings, control characters escaped, cut to ``limit``
    characters (saying how long it was), so a hostile or huge value never floods the terminal or a log."""
    if isinstance(value, str):
        body = value if len(value) <= limit else value[:limit]
        text = "'" + printable(body).replace("'", "\\'") + "'"
        return text if len(value) <= limit else f"{text}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {len(str(abs(value))) if value.bit_length() < 10_000 else 'thousands of'} digits"
    text = printable(_safe_repr(value))
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


def _safe_repr(value: object) -> str:
    try:
        if isinstance(value, dict | list | tuple | set):
            return f"a {type(value).__name__} of {len(value)} item(s)"
        return repr(value)
    except (ValueError, RecursionError):  # an int above sys.int_info's digit limit, a self-referencing container
        return f"a {type(value).__name__}"


def clip(message: str, limit: int = MESSAGE_LIMIT) -> str:
    """One printable line of at most ``limit`` characters."""
    text = printable(message)
    return text if len(text) <= limit else text[:limit] + f"… (message cut: {len(text):,} characters)"

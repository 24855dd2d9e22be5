"""One error hierarchy and the documented exit codes.

Every refusal is a :class:`VarhlhError` whose message names the file, the place (line, record
or column) and the fix. The command line prints it as one line on stderr and exits with the
error's :class:`ExitStatus`; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from enum import IntEnum


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
    INTERRUPTED = 130
    """Interrupted by the user (SIGINT); no partial outputs are left."""


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

"""Read a stored result (``PREFIX.varhlh.json``) for re-rendering: decoded into the typed contract.

The file must be a complete result of this varhlh's schema version: every field present with its type, no
unknown keys (:class:`varhlh.result.ResultDoc`). Anything else — truncated, hand-edited or foreign JSON, a result
of a newer schema (unknown fields it may rely on) or of an older one (fields this version needs are missing) — is
refused with the file, the versions and the first offending path, never a traceback mid-render: also
``NaN``/``Infinity`` and numbers out of range (not JSON), integers beyond ±2^53 (not exact in JavaScript), nesting
deeper than :data:`MAX_DEPTH` and files larger than :data:`varhlh.fileio.RESULT_LIMIT`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import msgspec

from varhlh.errors import InputError
from varhlh.fileio import RESULT_LIMIT, TooLarge, read_limited
from varhlh.result import SCHEMA_VERSION, ResultDoc

SUPPORTED_MAJOR = SCHEMA_VERSION.split(".")[0]
FIX = "re-create it with varhlh triage"
MAX_DEPTH = 32
"""A result nests about 6 levels deep; deeper is not a varhlh result."""
_MAX_INT = 2**53


def load_result(path: Path) -> ResultDoc:
    try:
        raw = read_limited(path, RESULT_LIMIT)
    except FileNotFoundError as exc:
        msg = f"{path}: no such file; give a result written by varhlh triage (PREFIX.varhlh.json)"
        raise InputError(msg) from exc
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror}); give a result written by varhlh triage"
        raise InputError(msg) from exc
    except TooLarge as exc:
        msg = f"{path}: the file is {exc}, far larger than any varhlh result; give PREFIX.varhlh.json"
        raise InputError(msg) from exc
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise InputError(_syntax_error(path, raw, exc)) from exc
    except RecursionError as exc:
        msg = f"{path}: nested too deeply to be a varhlh result; {FIX}"
        raise InputError(msg) from exc
    _check_values(data, path)
    return check_result(data, path)


def _check_values(data: object, path: Path) -> None:
    """Depth, integer range and finite numbers, walked without recursion."""
    stack: list[tuple[str, object, int]] = [("$", data, 0)]
    while stack:
        where, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            msg = f"{path}: {where}: nested deeper than {MAX_DEPTH} levels, not a varhlh result; {FIX}"
            raise InputError(msg)
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and not -_MAX_INT <= value <= _MAX_INT:
            msg = f"{path}: {where}: an integer out of range (beyond ±2^53); {FIX}"
            raise InputError(msg)
        if isinstance(value, float) and not math.isfinite(value):
            msg = f"{path}: {where}: {value} is not a JSON number; {FIX}"
            raise InputError(msg)
        if isinstance(value, dict):
            stack.extend((f"{where}.{key}"[:200], item, depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item, depth + 1) for i, item in enumerate(value))


def _syntax_error(path: Path, raw: bytes, exc: msgspec.DecodeError) -> str:
    """The refusal of a file that is not JSON, with line and column (from the standard parser)."""
    try:
        json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError as err:
        return f"{path}: not UTF-8 text ({err.reason}); give a result written by varhlh triage"
    except json.JSONDecodeError as err:
        return f"{path}: line {err.lineno} column {err.colno}: not valid JSON ({err.msg}); {FIX}"
    except ValueError as err:  # NaN, Infinity
        return f"{path}: {err}; {FIX}"
    except RecursionError:
        return f"{path}: nested too deeply to be a varhlh result; {FIX}"
    return f"{path}: not valid JSON ({exc}); {FIX}"


def _no_constant(name: str) -> object:
    msg = f"{name} is not a JSON number"
    raise ValueError(msg)


def check_result(data: object, path: Path) -> ResultDoc:
    """Refuse anything but a complete version-1 result; return it typed."""
    if not isinstance(data, dict):
        msg = f"{path}: not a varhlh result (top level is {type(data).__name__}, expected an object); {FIX}"
        raise InputError(msg)
    version = data.get("schema_version")
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
        older = isinstance(version, str) and version.split(".")[0].isdigit() and \
            int(version.split(".")[0]) < int(SUPPORTED_MAJOR)
        hint = ("re-create it with varhlh triage (results of schema 1 list every allele in variants; schema 2 keeps "
                "the background in set_aside: docs/output-contract.md)" if older else "use the matching varhlh version")
        msg = (f"{path}: schema_version {version!r} is not supported (this varhlh reads version "
               f"{SUPPORTED_MAJOR}.x); {hint}")
        raise InputError(msg)
    mine, theirs = _minor(SCHEMA_VERSION), _minor(version)
    if theirs is not None and mine is not None and theirs > mine:
        msg = (f"{path}: written by a newer varhlh (schema_version {version}; this varhlh reads up to "
               f"{SCHEMA_VERSION}); re-render it with that varhlh or a newer one")
        raise InputError(msg)
    try:
        return msgspec.convert(data, ResultDoc)
    except msgspec.ValidationError as exc:
        older = theirs is not None and mine is not None and theirs < mine
        why = (f"written by an older varhlh (schema_version {version}; this varhlh reads {SCHEMA_VERSION}): "
               if older else "not a complete varhlh result: ")
        msg = f"{path}: {why}{exc}; {FIX}"
        raise InputError(msg) from exc


def _minor(version: str) -> int | None:
    parts = version.split(".")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None

"""Read a stored result (``PREFIX.varhlh.json``) for re-rendering: decoded into the typed contract.

The file must be a complete version-1 result: every field present with its type, no unknown keys
(:class:`varhlh.result.ResultDoc`). Anything else — truncated, hand-edited or foreign JSON — is refused
with the file and the first offending path, never a traceback mid-render.
"""

from __future__ import annotations

import json
from pathlib import Path

import msgspec

from varhlh.errors import InputError
from varhlh.result import ResultDoc

SUPPORTED_MAJOR = "1"
FIX = "re-create it with varhlh triage"


def load_result(path: Path) -> ResultDoc:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        msg = f"{path}: no such file; give a result written by varhlh triage (PREFIX.varhlh.json)"
        raise InputError(msg) from exc
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror}); give a result written by varhlh triage"
        raise InputError(msg) from exc
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError as exc:
        raise InputError(_syntax_error(path, raw, exc)) from exc
    return check_result(data, path)


def _syntax_error(path: Path, raw: bytes, exc: msgspec.DecodeError) -> str:
    """The refusal of a file that is not JSON, with line and column (from the standard parser)."""
    try:
        json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        return f"{path}: not UTF-8 text ({err.reason}); give a result written by varhlh triage"
    except json.JSONDecodeError as err:
        return f"{path}: line {err.lineno} column {err.colno}: not valid JSON ({err.msg}); {FIX}"
    return f"{path}: not valid JSON ({exc}); {FIX}"


def check_result(data: object, path: Path) -> ResultDoc:
    """Refuse anything but a complete version-1 result; return it typed."""
    if not isinstance(data, dict):
        msg = f"{path}: not a varhlh result (top level is {type(data).__name__}, expected an object); {FIX}"
        raise InputError(msg)
    version = data.get("schema_version")
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
        msg = (f"{path}: schema_version {version!r} is not supported (this varhlh reads version "
               f"{SUPPORTED_MAJOR}.x); use the matching varhlh version")
        raise InputError(msg)
    try:
        return msgspec.convert(data, ResultDoc)
    except msgspec.ValidationError as exc:
        msg = f"{path}: not a complete varhlh result ({exc}); {FIX}"
        raise InputError(msg) from exc

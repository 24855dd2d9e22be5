"""Files in and out, one way each: sha256 digests, stdin spooling and atomic writes.

* :class:`BackgroundDigest` hashes a file in a thread while the caller works (the input VCF, local
  resources); above ``limit`` bytes it does not hash and says so;
* :func:`spool_stdin` copies standard input to a private file once, so the reader can open it
  several times;
* :func:`stage` writes bytes to a hidden ``.NAME.*.part`` file beside the target, fsynced, ready to be
  renamed into place; :func:`write_atomic` does both for one file. A reader never sees a
  half-written output.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

CHUNK = 1 << 22


class BackgroundDigest:
    """sha256 of a file computed in a background thread; None above ``limit`` bytes (not hashed)."""

    def __init__(self, path: Path, limit: int | None = None) -> None:
        self.path, self.size = path, path.stat().st_size
        self._hash: str | None = None
        self._error: OSError | None = None
        self._thread: threading.Thread | None = None
        if limit is None or self.size <= limit:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        digest = hashlib.sha256()
        try:
            with self.path.open("rb") as fh:
                while data := fh.read(CHUNK):
                    digest.update(data)
        except OSError as exc:
            self._error = exc
            return
        self._hash = digest.hexdigest()

    def hexdigest(self) -> str | None:
        """The digest (waits for the thread); None when the file was above the limit. Raises the OSError
        met while reading."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._hash


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while data := fh.read(CHUNK):
            digest.update(data)
    return digest.hexdigest()


def spool_stdin(directory: Path, name: str = "stdin.vcf") -> Path:
    """Copy standard input into ``directory/name`` and return the path."""
    target = directory / name
    with target.open("wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out, CHUNK)
    return target


def stage(directory: Path, name: str, payload: bytes, temps: list[Path] | None = None) -> Path:
    """Write ``payload`` to a new hidden ``.NAME.*.part`` file in ``directory`` (fsynced, mode 0644) and return
    it; the path is appended to ``temps`` at once, so an interrupt cannot leak it."""
    fd, text = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=directory)
    path = Path(text)
    if temps is not None:
        temps.append(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        path.chmod(0o644)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def write_atomic(target: Path, payload: bytes) -> None:
    """Write one file atomically (stage beside it, then rename); raises OSError."""
    target.parent.mkdir(parents=True, exist_ok=True)
    stage(target.parent, target.name, payload).replace(target)

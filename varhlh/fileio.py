"""Files in and out, one way each: digests, bounded reads, spooling, private temporary directories and
all-or-nothing output sets.

* :class:`BackgroundDigest` hashes a file in a thread while the caller works (the input VCF with
  ``--checksum-input`` or read whole, local resources); above ``limit`` bytes it does not hash and says so;
  :class:`ThreadedHasher` hashes the bytes of a stream as they are read, in a thread; :class:`Fingerprint`
  is what identifies an input in provenance: the whole file's sha256, or — for an input read through its
  index, where hashing every byte would cost more than the analysis — its size, mtime and the sha256 of its
  header and of its index;
* :func:`read_limited` reads a small input (settings, clinical context, PED, panel, a stored result) once,
  and refuses one larger than its limit: ``--config /dev/zero`` is refused at once, not read forever;
  :func:`read_text` decodes it with one-line refusals, and :func:`parse_mapping` parses a clinical context or
  report metadata file as strict JSON or YAML (no field twice, no YAML anchors or aliases, no NaN/Infinity);
* :func:`is_stream` / :func:`spool`: standard input (``-``) and any path that is not a regular file (a
  pipe, ``<(zcat x.vcf.gz)``, ``/dev/stdin``, a character device) are copied once into a private file,
  so the reader can open it several times; the first bytes are checked on the way (``/dev/zero`` is
  refused after one chunk);
* :class:`PrivateTempDir`: a ``$TMPDIR/varhlh-*`` directory (mode 0700) holding patient data, locked
  (``flock`` on its ``.varhlh.lock``) for as long as the run lives and removed on exit, interrupt or
  SIGTERM/SIGHUP; creating one sweeps the *stale* ones — owned by this user, unlocked (their run has
  ended: a lock dies with its process, even after SIGKILL) and older than :data:`STALE_AFTER_S`;
* :func:`write_set`: a set of output files written together, all new or all old: every file is staged
  (fsynced) in a locked hidden ``.varhlh-staging-*`` directory inside the output directory, then, holding
  an exclusive ``flock`` on the output directory (so two runs writing the same prefix cannot interleave)
  and with SIGINT/SIGTERM/SIGHUP held back, each old file is kept as a hard link, the new files are renamed
  into place and the old members the new set does not have are removed; any failure restores every old
  file and removes every new one. Stale staging directories (unlocked, a minute old) and the
  ``.NAME.XXXXXXXX.part`` files of older versions (this user's, a minute old) are swept once per process.
  Files are created with mode ``0666`` minus the umask.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from varhlh.errors import InputError, OutputError, shown

CHUNK = 1 << 22
HASH_QUEUE = 16
"""Pieces waiting for the hashing thread of :class:`ThreadedHasher`, at most (the scan's pieces are 1 MiB)."""
CONFIG_LIMIT = 1 << 20
"""Bytes read at most from a settings (TOML) or clinical-context (YAML/JSON) file: real ones are below 10 kB."""
TABLE_LIMIT = 64 << 20
"""Bytes read at most from a PED, ``--samples`` or panel file."""
RESULT_LIMIT = 1 << 30
"""Bytes read at most from a stored result (``varhlh report``); a whole-genome result is a few megabytes."""
TEMP_PREFIX = "varhlh-"
STAGING_PREFIX = ".varhlh-staging-"
LOCK_NAME = ".varhlh.lock"
STALE_AFTER_S = 60.0
"""A private directory is swept only when unlocked *and* untouched this long (closes the create-then-lock gap)."""
LEGACY_STALE_AFTER_S = 24 * 3600.0
"""Temporary directories and ``.part`` files of varhlh versions without locks: swept after a day."""
LOCK_TIMEOUT_S = 600.0
"""How long a run waits for another run to finish writing into the same output directory."""
_LEGACY_PART = re.compile(r"^\..+\.(?:varhlh[A-Za-z0-9._-]*|phenopacket\.json)\.[A-Za-z0-9_]{8}\.part$")
_BLOCKED = {getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)}


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


class ThreadedHasher:
    """sha256 of bytes handed over one piece at a time, computed in a background thread (hashlib releases the GIL
    on large pieces, so the caller's work and the hashing overlap on two cores). At most :data:`HASH_QUEUE` pieces
    wait; :meth:`hexdigest` waits for the thread."""

    def __init__(self) -> None:
        import queue

        self._digest = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(HASH_QUEUE)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._hex: str | None = None

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            self._digest.update(data)

    def update(self, data: bytes, /) -> None:
        self._queue.put(data)

    def hexdigest(self) -> str:
        if self._hex is None:
            self._queue.put(None)
            self._thread.join()
            self._hex = self._digest.hexdigest()
        return self._hex


@dataclass(frozen=True)
class Fingerprint:
    """What identifies an input file in provenance, and how it was computed (:data:`WHOLE_FILE` or
    :data:`HEADER_AND_INDEX`)."""

    method: str
    size: int | None
    """Bytes in the file (None for a stream read once: its copy's size is given)."""
    mtime: int | None
    """Last modification, whole seconds since 1970 (UTC); None for standard input or a stream."""
    sha256: str | None
    """sha256 of the whole file, when it was computed."""
    header_sha256: str | None = None
    """sha256 of the header text as read (UTF-8)."""
    index_sha256: str | None = None
    """sha256 of the index file used."""


WHOLE_FILE = "sha256 of the whole file"
HEADER_AND_INDEX = "size, mtime, sha256 of the header and of the index"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while data := fh.read(CHUNK):
            digest.update(data)
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------ reading


class TooLarge(ValueError):
    """A file above the size limit of its kind (:func:`read_limited`)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {limit:,} bytes")
        self.limit = limit


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, read once (a pipe or FIFO works too); :class:`TooLarge` above ``limit`` bytes,
    after reading only ``limit + 1`` of them. Raises OSError."""
    with path.open("rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


def read_text(path: Path, limit: int, *, what: str, fix: str, error: type[Exception],
              encoding: str = "utf-8") -> str:
    """A small input file (``what``: 'PED file', 'config file', …) as text, read once; every failure is one line
    naming the file and ``fix`` (e.g. 'check the --ped path'), raised as ``error``: unreadable, above ``limit``
    bytes, or not text in ``encoding``."""
    try:
        return read_limited(path, limit).decode(encoding)
    except OSError as exc:
        msg = f"{path}: cannot read {what} ({exc.strerror}); {fix}"
        raise error(msg) from exc
    except TooLarge as exc:
        msg = f"{path}: the {what} is {exc}; {fix}"
        raise error(msg) from exc
    except UnicodeDecodeError as exc:
        msg = f"{path}: the {what} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        raise error(msg) from exc


def parse_mapping(text: str, path: Path, what: str) -> Any:
    """A small ``what`` file ('clinical context', 'report metadata file') as data: JSON when it ends in ``.json``,
    else YAML, both strictly — a field given twice, a YAML anchor or alias, NaN/Infinity in JSON are refused — and
    every failure one :class:`InputError` line naming the file (too deep, not valid JSON/YAML, a number of
    thousands of digits)."""
    is_json = path.suffix.lower() == ".json"
    try:
        return _strict_json(text, path) if is_json else _strict_yaml(text, path, what)
    except InputError:
        raise
    except RecursionError as exc:
        msg = f"{path}: not a {what} (nested too deeply); it must be a flat mapping of field: value"
        raise InputError(msg) from exc
    except Exception as exc:  # json.JSONDecodeError, yaml.YAMLError, ValueError (an integer of 4,300+ digits)
        detail = " ".join(str(exc).split())[:300]
        if "integer string conversion" in detail:
            detail = "a number with thousands of digits"
        msg = f"{path}: not valid {'JSON' if is_json else 'YAML'} ({detail}); fix the file"
        raise InputError(msg) from exc


def _unique_fields(path: Path, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            msg = f"{path}: field {shown(key)} is given twice; give each field once"
            raise InputError(msg)
        out[key] = value
    return out


def _strict_json(text: str, path: Path) -> Any:
    def constant(name: str) -> Any:
        msg = f"{path}: {name} is not a number; give a finite value or leave the field out"
        raise InputError(msg)

    return json.loads(text, object_pairs_hook=lambda pairs: _unique_fields(path, pairs), parse_constant=constant)


def _strict_yaml(text: str, path: Path, what: str) -> Any:
    """``yaml.safe_load`` without anchors, aliases or duplicate keys."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]
                msg = (f"{path}: line {event.start_mark.line + 1}: YAML aliases (*name) are not accepted in a {what}; "
                       "write each value out")
                raise InputError(msg)
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if getattr(event, "anchor", None) is not None:
                msg = (f"{path}: line {event.start_mark.line + 1}: YAML anchors (&name) are not accepted in a {what}; "
                       "write each value out")
                raise InputError(msg)
            return super().compose_node(parent, index)

        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, str | int | float | bool) and key in seen:
                    msg = (f"{path}: line {key_node.start_mark.line + 1}: field {shown(key)} is given twice; give "
                           "each field once")
                    raise InputError(msg)
                if isinstance(key, str | int | float | bool):
                    seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return yaml.load(text, Loader=StrictLoader)  # a SafeLoader subclass


def is_stream(path: str) -> bool:
    """``-``, or a path that exists and is not a regular file or directory (pipe, FIFO, ``/dev/stdin``,
    character device): such an input can be read only once, so it is spooled."""
    if path == "-":
        return True
    try:
        mode = Path(path).stat().st_mode
    except OSError:
        return False  # the reader names the problem
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def spool(source: str, directory: Path, name: str = "input", display: str | None = None,
          check: Callable[[bytes], None] | None = None) -> Path:
    """Copy standard input (``-``) or the stream ``source`` into ``directory/name`` once and return the copy.

    ``check`` sees the first bytes (at least 64 unless the stream is shorter) before anything else is read and
    may refuse them. A failure to read is :class:`InputError` (exit 3); a failure to write the copy (``ENOSPC``,
    ``EFBIG``) is :class:`OutputError` (exit 6).
    """
    shown = display or ("standard input" if source == "-" else source)
    target = directory / name
    try:
        fh: BinaryIO = sys.stdin.buffer if source == "-" else Path(source).open("rb")  # noqa: SIM115
    except OSError as exc:
        msg = f"{shown}: cannot read input ({exc.strerror}); check the path and permissions"
        raise InputError(msg) from exc
    try:
        with target.open("wb") as out:
            head, checked = b"", check is None
            while True:
                try:
                    data = fh.read1(CHUNK) if hasattr(fh, "read1") else fh.read(CHUNK)
                except OSError as exc:
                    msg = f"{shown}: cannot read input ({exc.strerror}); check the stream that feeds varhlh"
                    raise InputError(msg) from exc
                if not checked:
                    head += data
                    if len(head) >= 64 or not data:
                        checked = True
                        check(head)  # type: ignore[misc]
                if not data:
                    break
                _write_spool(out, data, directory, shown)
    except OSError as exc:  # creating or closing the copy
        msg = (f"{shown}: cannot copy the input to the temporary directory {directory} ({exc.strerror}); "
               "free space there or point TMPDIR at a larger disk")
        raise OutputError(msg) from exc
    finally:
        if source != "-":
            fh.close()
    return target


def _write_spool(out: BinaryIO, data: bytes, directory: Path, shown: str) -> None:
    try:
        out.write(data)
    except OSError as exc:
        msg = (f"{shown}: cannot copy the input to the temporary directory {directory.parent} ({exc.strerror}); "
               "free space there or point TMPDIR at a larger disk")
        raise OutputError(msg) from exc


# ------------------------------------------------------------------------------------------ locks


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # a filesystem without flock: treat as held (never sweep what cannot be proven stale)
        return False
    return True


def _locked_file(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _stale(entry: os.DirEntry[str], now: float) -> bool:
    """A private directory of this user whose run has ended: unlocked (or, for old versions without a lock,
    a day old) and untouched for :data:`STALE_AFTER_S`."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or now - info.st_mtime < STALE_AFTER_S:
        return False
    lock = Path(entry.path) / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return now - info.st_mtime >= LEGACY_STALE_AFTER_S
    except OSError:
        return False
    try:
        return _try_lock(fd)  # released when closed; the directory is removed right after
    finally:
        os.close(fd)


_SWEPT: set[tuple[int, str, str]] = set()
"""(process, directory, prefix) already swept: once per process is enough (a cohort writes thousands of sets)."""


def sweep_stale(directory: Path, prefix: str) -> list[str]:
    """Remove the stale private directories named ``prefix*`` in ``directory`` (see :func:`_stale`); returns
    their names. Never raises; runs once per process and directory."""
    removed: list[str] = []
    key = (os.getpid(), str(directory), prefix)
    if key in _SWEPT:
        return removed
    _SWEPT.add(key)
    now = time.time()
    try:
        entries = [e for e in os.scandir(directory) if e.name.startswith(prefix)]
    except OSError:
        return removed
    for entry in entries:
        if _stale(entry, now):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(entry.name)
    return removed


class PrivateTempDir:
    """A locked ``varhlh-*`` directory (mode 0700) under ``parent`` (default ``$TMPDIR``), removed by
    :meth:`cleanup`, on leaving a ``with`` block, or when garbage-collected."""

    def __init__(self, prefix: str = TEMP_PREFIX, parent: Path | None = None) -> None:
        base = Path(parent) if parent is not None else Path(tempfile.gettempdir())
        sweep_stale(base, TEMP_PREFIX if prefix.startswith(TEMP_PREFIX) else prefix)
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
        try:
            self._fd = _locked_file(self.path / LOCK_NAME)
        except OSError:
            shutil.rmtree(self.path, ignore_errors=True)
            raise
        self.name = str(self.path)
        self._finalizer = weakref.finalize(self, _remove_private, self.name, self._fd, os.getpid())

    def cleanup(self) -> None:
        self._finalizer()

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *exc: object) -> None:
        self.cleanup()


def scratch_dir(prefix: str = TEMP_PREFIX) -> PrivateTempDir:
    """A :class:`PrivateTempDir` in ``$TMPDIR``; :class:`OutputError` (exit 6) when it cannot be created."""
    try:
        return PrivateTempDir(prefix)
    except OSError as exc:
        msg = (f"{tempfile.gettempdir()}: cannot create a private temporary directory ({exc.strerror}); point TMPDIR "
               "at a writable directory")
        raise OutputError(msg) from exc


def _remove_private(name: str, fd: int, owner: int) -> None:
    if os.getpid() == owner:  # never from a forked worker that inherited the object
        shutil.rmtree(name, ignore_errors=True)
    with contextlib.suppress(OSError):
        os.close(fd)


@contextlib.contextmanager
def directory_lock(directory: Path, timeout: float = LOCK_TIMEOUT_S) -> Iterator[bool]:
    """An exclusive ``flock`` on ``directory`` itself (no lock file is left behind); yields False when the
    directory cannot be locked (no read permission, a filesystem without locks)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        yield False
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    msg = (f"{directory}: another varhlh run has been writing into this directory for {timeout:.0f} s; "
                           "wait for it or choose another -o")
                    raise OutputError(msg) from None
                time.sleep(0.02)
            except OSError:
                yield False
                return
        yield True
    finally:
        os.close(fd)


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """SIGINT/SIGTERM/SIGHUP held back while the block runs and raised again right after it, so that a swap is
    never left half done. (Python handles signals in the main thread whichever thread the kernel picked, so the
    handlers are replaced rather than the thread's signal mask.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    previous: dict[int, Any] = {}
    for signum in _BLOCKED:
        handler = signal.getsignal(signum)
        if handler in (signal.SIG_IGN, None):
            continue
        previous[signum] = handler
        signal.signal(signum, lambda number, _frame: pending.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(pending):
            signal.raise_signal(signum)


# ------------------------------------------------------------------------------------------ writing


def sweep_outputs(directory: Path) -> list[str]:
    """Stale staging directories and old-style ``.NAME.XXXXXXXX.part`` files of this user in an output
    directory (call it holding :func:`directory_lock`); returns the names removed."""
    key = (os.getpid(), str(directory), ".part")
    if key in _SWEPT:
        return []
    _SWEPT.add(key)
    removed = sweep_stale(directory, STAGING_PREFIX)
    now = time.time()
    try:
        entries = [e for e in os.scandir(directory) if _LEGACY_PART.match(e.name)]
    except OSError:
        return removed
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid() and now - info.st_mtime >= STALE_AFTER_S:
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()
                removed.append(entry.name)
    return removed


def _create(path: Path, payload: bytes) -> None:
    """A new file, mode 0666 minus the umask, written and fsynced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def stage(directory: Path, files: Sequence[tuple[str, bytes]]) -> PrivateTempDir:
    """Write ``files`` (name, bytes) into a new locked staging directory inside ``directory``."""
    staging = PrivateTempDir(STAGING_PREFIX, directory)
    try:
        for name, payload in files:
            _create(staging.path / name, payload)
    except BaseException:
        staging.cleanup()
        raise
    return staging


def write_set(directory: Path, files: Sequence[tuple[str, bytes]], replaces: Sequence[str] = ()) -> list[Path]:
    """Write ``files`` into ``directory`` as one set (see the module docstring); ``replaces`` names further old
    files of the set that are removed with the swap (e.g. the report of a previous run that this run does not
    draw). Raises OSError (nothing changed) or :class:`OutputError` (lock timeout)."""
    directory.mkdir(parents=True, exist_ok=True)
    staging = stage(directory, files)
    try:
        with directory_lock(directory) as locked:
            if locked:
                sweep_outputs(directory)
            with _signals_blocked():
                _swap(directory, staging.path, [name for name, _ in files],
                      [n for n in dict.fromkeys(replaces) if n not in {name for name, _ in files}])
    finally:
        staging.cleanup()
    return [directory / name for name, _ in files]


def _swap(directory: Path, staging: Path, names: Sequence[str], removals: Sequence[str]) -> None:
    backup = staging / "previous"
    backup.mkdir()
    kept: list[str] = []  # old files with a backup
    placed: list[str] = []  # targets that now hold a new file or were removed
    try:
        for name in [*names, *removals]:
            target = directory / name
            if target.is_symlink():  # the link itself is replaced (never written through), and kept
                (backup / name).symlink_to(target.readlink())
                kept.append(name)
            elif target.is_file():
                _keep(target, backup / name)
                kept.append(name)
            elif name in names and (target.exists() or target.is_symlink()):
                raise OSError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        for name in names:
            (staging / name).replace(directory / name)
            placed.append(name)
        for name in removals:
            if name in kept:
                (directory / name).unlink()
                placed.append(name)
        _fsync_directory(directory)
    except BaseException:
        for name in placed:
            with contextlib.suppress(OSError):
                if name in kept:
                    (backup / name).replace(directory / name)
                else:
                    (directory / name).unlink()
        _fsync_directory(directory)
        raise


def _keep(target: Path, backup: Path) -> None:
    try:
        os.link(target, backup)
    except OSError:  # no hard links on this filesystem: a copy
        shutil.copy2(target, backup)


def _fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(target: Path, payload: bytes) -> None:
    """Write one file atomically (staged beside it, then renamed); raises OSError."""
    write_set(target.parent, [(target.name, payload)])

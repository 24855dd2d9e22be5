"""Fault injection, determinism and output safety (docs/validation-and-security.md).

Faults are injected where the operating system would raise them: the output directory cannot be
created or written, the disk fills up while a file is written (``ENOSPC`` from ``os.write`` or
``fsync``), the run is interrupted (SIGINT arrives as KeyboardInterrupt) while outputs are written.
Each must give its documented exit code and leave no output file, partial or complete.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

from varhlh import fileio

PRF1_HOM = DATA / "vcf" / "prf1_hom_w374x.vcf"


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


class _FullDisk:
    """A file object whose write raises ENOSPC, as a full disk does."""

    def __init__(self, fh: object) -> None:
        self._fh = fh

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> object:
        return getattr(self._fh, name)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_disk_full_mid_write_leaves_nothing(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                            call: str) -> None:
    """ENOSPC while the second output is written: the first, already staged, is removed too."""
    calls: list[str] = []  # the output files written (staged in the output directory), in order
    out = tmp_path / "out"

    def second_output(fd: int) -> bool:
        path = Path(f"/proc/self/fd/{fd}").readlink()
        if path.is_relative_to(out) and path.is_file() and str(path) not in calls:
            calls.append(str(path))
        return len(calls) == 2 and str(path) == calls[1]

    if call == "write":
        real_write = os.write

        def write(fd: int, data: object) -> int:
            if second_output(fd):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, data)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "write", write)
    else:
        real_fsync = os.fsync

        def fsync(fd: int) -> None:
            if second_output(fd):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
    result = run_cli("triage", str(PRF1_HOM), "-o", str(out))
    monkeypatch.undo()
    assert len(calls) == 2
    assert result.code == 6, result.err
    assert "cannot write outputs (No space left on device)" in result.err and "Traceback" not in result.err
    assert leftovers(out) == []


def test_interrupted_while_writing_leaves_nothing(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    real = os.replace
    calls: list[str] = []

    def interrupted(src: object, dst: object) -> None:
        calls.append(str(dst))
        if len(calls) == 2:  # the first output is already in place
            raise KeyboardInterrupt
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", interrupted)
    out = tmp_path / "out"
    result = run_cli("triage", str(PRF1_HOM), "-o", str(out))
    monkeypatch.undo()
    assert len(calls) == 2 and result.code == 130
    assert "interrupted; no outputs were written" in result.err
    assert leftovers(out) == [], "a complete output without its companion file must not be left either"


def test_sigint_in_a_real_process_leaves_nothing(tmp_path: Path) -> None:
    """SIGINT delivered to the process while it writes its outputs."""
    code = ("import os, signal\n"
            "from varhlh import fileio\n"
            "real = fileio.stage\n"
            "def stage(*a):\n"
            "    staged = real(*a)\n"
            "    os.kill(os.getpid(), signal.SIGINT)\n"
            "    return staged\n"
            "fileio.stage = stage\n"
            "from varhlh.cli import main\n"
            f"raise SystemExit(main(['triage', {str(PRF1_HOM)!r}, '-o', {str(tmp_path / 'out')!r}, '-q']))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 130, result.stderr
    assert leftovers(tmp_path / "out") == []


def test_output_directory_not_writable(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "readonly"
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o555)
    else:  # root ignores permissions: refuse the staging directory the way a read-only directory would
        real = fileio.tempfile.mkdtemp

        def denied(*args: object, **kwargs: object) -> object:
            if kwargs.get("dir") is not None and Path(str(kwargs["dir"])) == out:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
            return real(*args, **kwargs)  # type: ignore[call-overload]
        monkeypatch.setattr(fileio.tempfile, "mkdtemp", denied)
    try:
        result = run_cli("triage", str(PRF1_HOM), "-o", str(out))
    finally:
        out.chmod(0o755)
    assert result.code == 6, result.err
    assert "cannot write outputs (Permission denied)" in result.err
    assert leftovers(out) == []


def test_outputs_stay_inside_the_output_directory(tmp_path: Path) -> None:
    """Whatever the sample is called, the run creates files only in -o (nothing in the cwd)."""
    evil = tmp_path / "evil.vcf"
    text = PRF1_HOM.read_text()
    evil.write_text(text.replace("\tNA12878\n", "\t../../../etc/x\n", 1))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    before = {p for p in tmp_path.rglob("*")}
    subprocess.run([sys.executable, "-m", "varhlh", "triage", str(evil), "-o", "out", "-q"], cwd=cwd, check=True)
    created = {p for p in tmp_path.rglob("*")} - before
    assert created and all(p.is_relative_to(cwd / "out") or p == cwd / "out" for p in created), created


def test_byte_identical_across_locales_directories_and_access_paths(tmp_path: Path, indexed) -> None:  # type: ignore[no-untyped-def]
    """JSON and TSV bytes are the same for LANG=C / C.UTF-8 / en_US.UTF-8 and two working directories,
    for the streamed text and the indexed copy (whose access line differs, so each is compared to itself)."""
    for source in (PRF1_HOM, indexed(PRF1_HOM)):
        digests = set()
        for run, lang in (("a", "C"), ("b", "C.UTF-8"), ("c", "en_US.UTF-8")):
            cwd = tmp_path / f"{source.name}-{run}"
            cwd.mkdir()
            env = {**os.environ, "LANG": lang, "LC_ALL": lang, "PYTHONIOENCODING": ""}
            env.pop("SOURCE_DATE_EPOCH", None)
            subprocess.run([sys.executable, "-m", "varhlh", "triage", str(source), "-o", "out", "-q",
                            "--format", "json,tsv"], check=True, cwd=cwd, env=env)
            files = sorted((cwd / "out").iterdir())
            assert [p.suffix for p in files] == [".json", ".tsv"]
            digests.add(tuple(hashlib.sha256(p.read_bytes()).hexdigest() for p in files))
        assert len(digests) == 1, source


# ------------------------------------------------------------------ output sets (issue 15, items 10, 16, 18)

OLD = {"P.varhlh.json": b"old json", "P.varhlh.tsv": b"old tsv", "P.varhlh.html": b"old report"}
NEW = [("P.varhlh.json", b"new json"), ("P.varhlh.tsv", b"new tsv"), ("P.varhlh.vcf.gz", b"new vcf")]


def _old_set(directory: Path) -> None:
    directory.mkdir()
    for name, data in OLD.items():
        (directory / name).write_bytes(data)
    (directory / "unrelated.txt").write_bytes(b"mine")


def _state(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in directory.iterdir()}


@pytest.mark.parametrize("call", ["replace", "unlink", "link", "fsync", "mkdir"])
@pytest.mark.parametrize("nth", [1, 2, 3])
def test_output_set_is_all_new_or_all_old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, nth: int) -> None:
    """A failure at any step of writing a set (staging, keeping the old files, renaming, removing the old report)
    leaves exactly the previous set; without a failure, exactly the new one (the old HTML removed with it)."""
    out = tmp_path / "out"
    _old_set(out)
    owner = {"replace": Path, "unlink": Path, "link": os, "fsync": os, "mkdir": Path}[call]
    real = getattr(owner, call)
    count = [0]

    def failing(*args: object, **kwargs: object) -> object:
        if Path(str(args[0])).is_relative_to(out) or call == "fsync":
            count[0] += 1
            if count[0] == nth:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, call, failing)
    try:
        fileio.write_set(out, NEW, replaces=["P.varhlh.html", "P.varhlh.pdf"])
        failed = False
    except OSError:
        failed = True
    monkeypatch.undo()
    state = _state(out)
    new = {**dict(NEW), "unrelated.txt": b"mine"}
    assert state == ({**OLD, "unrelated.txt": b"mine"} if failed else new), (failed, count[0])
    assert failed or count[0] < nth or call == "link"  # no hard links: the old file is kept as a copy


def test_output_set_interrupted_in_the_swap_completes_the_swap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGINT/SIGTERM/SIGHUP are held back during the swap itself, so a signal there yields the whole new set (the
    run still stops, with its signal's exit code); before the swap it yields the whole old set."""
    import signal

    out = tmp_path / "out"
    _old_set(out)
    real = fileio._keep

    def keep(target: Path, backup: Path) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real(target, backup)

    monkeypatch.setattr(fileio, "_keep", keep)
    with pytest.raises(KeyboardInterrupt):
        fileio.write_set(out, NEW, replaces=["P.varhlh.html"])
    assert _state(out) == {**dict(NEW), "unrelated.txt": b"mine"}
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_files_are_created_with_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o077)
    try:
        fileio.write_set(tmp_path / "out", NEW)
    finally:
        os.umask(previous)
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "out").iterdir()} == {0o600}

"""Reference FASTA (``--fasta``, opt-in): REF checks, indel normalisation, sequence for codons.

Opened with pysam (imported here only, so the default triage path never loads it). Contig names
are reconciled like the VCF's (``10`` / ``chr10`` / ``NC_000010.10`` all serve chromosome 10).

* Integrity (exit 3, before anything is read): a bgzip-compressed FASTA must have whole BGZF blocks and its
  end-of-file block (a truncated download); plain gzip cannot be indexed; an existing ``.fai`` (and
  ``.gzi``) must describe this file — at the offset it gives for each primary chromosome the line before
  must be that sequence's ``>name`` line, and the sequence's last base must lie inside the file (another
  FASTA's index, or a truncated plain FASTA, is refused). A FASTA without its index is indexed in a private
  temporary directory, never next to the user's file (read-only reference stores, concurrent runs); index it
  once with ``samtools faidx`` to save that time. A read error later is a refusal too, never a traceback.
* Coverage: :meth:`Reference.gaps` names the panel chromosomes the FASTA has no sequence for; the pipeline
  states them as warnings and limitations (REF was not checked there).
* Build check: a FASTA contig whose length is that of the *other* build (and none of this
  build) is refused as the wrong reference (:class:`BuildError`); lengths matching neither build
  (a partial or custom FASTA) are allowed and stated.
* REF check (:meth:`Reference.check_ref`): the record's REF against the FASTA, base by base;
  ``N`` (in either) and non-ACGT IUPAC codes match anything; a REF entirely over ``N`` or beyond
  the contig is ``not_checked``.
* Normalisation (:func:`left_align`, :func:`right_align`): a pure insertion or deletion, already
  trimmed to its minimal change, slides one base at a time while the base it would uncover equals
  the base it would cover (the bcftools norm / VEP shift rule); an ``N`` stops the slide.
  Left-aligned forms are compared when matching curated alleles and local resources; HGVS c.
  uses the 3' (transcript-orientation) shift: right for plus-strand genes, left for minus-strand.
* :class:`RegionReference`: the panel reference installed by ``varhlh resources update`` — one FASTA
  record per region, named ``CHROM:START-END`` (1-based, inclusive, genomic coordinates) — served
  through the same interface, so the annotator computes exactly what it computes with ``--fasta``
  inside the regions. Outside them nothing is read: a REF there is ``not_checked`` ("outside the
  installed panel reference"), never a mismatch, and codon effects stay unknown.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import re
import struct
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from varhlh.annotate.change import Change
from varhlh.errors import BuildError, InputError
from varhlh.fileio import PrivateTempDir
from varhlh.genome import CONTIG_LENGTHS, canonical_chrom
from varhlh.models import Build
from varhlh.read.scan import check_bgzf_blocks

_CHUNK = 64
_BGZF_BLOCK = 1 << 16
_WILDCARD = frozenset("NRYKMSWBDHV")


@dataclass(frozen=True)
class RefCheck:
    state: str
    """'match', 'mismatch' or 'not_checked'."""
    reference: str | None = None
    """The FASTA bases at the REF span (when read)."""
    reason: str = ""


class Reference:
    """A FASTA opened with pysam, addressed by canonical chromosome names (1-based, inclusive)."""

    def __init__(self, path: Path, build: Build) -> None:
        import pysam

        self.path = path
        self._tmp: PrivateTempDir | None = None
        opened = _prepare(path)
        if opened != path:  # no index beside the FASTA: a link in a private directory gets it
            logging.getLogger("varhlh").info("%s has no samtools faidx index: indexing it in a temporary directory "
                                             "(run `samtools faidx` once to save this time)", path)
            self._tmp = PrivateTempDir()
            link = self._tmp.path / path.name
            link.symlink_to(path.resolve())
            opened = link
        try:
            self._fasta: Any = pysam.FastaFile(str(opened))
        except (OSError, ValueError) as exc:
            self.close()
            msg = (f"{path}: cannot open the reference FASTA ({exc}); give an uncompressed or bgzip-compressed "
                   "FASTA with a samtools faidx index (.fai, and .gzi when bgzipped)")
            raise InputError(msg) from exc
        self.names: dict[str, str] = {}
        self.lengths: dict[str, int] = {}
        for name, length in zip(self._fasta.references, self._fasta.lengths, strict=True):
            chrom = canonical_chrom(name)
            if chrom is not None and chrom not in self.names:
                self.names[chrom] = name
                self.lengths[chrom] = int(length)
        self.build_note = _build_note(path, self.lengths, build)
        self.label = f"--fasta {path}"
        """How the evidence sources name it."""
        self.fix = "pass the matching FASTA (or drop --fasta)"
        """What to do when most REFs differ from it."""

    def close(self) -> None:
        if getattr(self, "_fasta", None) is not None:
            self._fasta.close()
        if self._tmp is not None:
            self._tmp.cleanup()

    def gaps(self, chroms: Collection[str]) -> list[str]:
        """A warning naming the chromosomes of ``chroms`` (canonical) the FASTA has no sequence for."""
        missing = sorted((c for c in chroms if c not in self.names), key=lambda c: (not c.isdigit(), c.zfill(2)))
        if not missing:
            return []
        return [f"--fasta {self.path.name} has no sequence for chromosome(s) {', '.join(missing)}: REF was not checked "
                "against the reference there, and codon-level effects were not computed from it"]

    def fetch(self, chrom: str, start: int, end: int) -> str | None:
        """Upper-case plus-strand bases ``start..end`` of canonical ``chrom``; None if not available."""
        name = self.names.get(chrom)
        if name is None or start < 1 or end > self.lengths[chrom] or end < start:
            return None
        try:
            return str(self._fasta.fetch(name, start - 1, end)).upper()
        except (OSError, ValueError) as exc:
            msg = (f"{self.path}: cannot read {name}:{start}-{end} from the reference FASTA ({exc}); the file or its "
                   "index is damaged — obtain a fresh copy and re-index it with `samtools faidx`")
            raise InputError(msg) from exc

    def fetcher(self, chrom: str) -> Callable[[int, int], str | None]:
        """:meth:`fetch` bound to one chromosome (the form :mod:`varhlh.annotate.protein` and locus use)."""
        return lambda start, end: self.fetch(chrom, start, end)

    def check_ref(self, chrom: str | None, pos: int, ref: str) -> RefCheck:
        """The VCF REF at ``pos`` against the FASTA."""
        if chrom is None or chrom not in self.names:
            return RefCheck("not_checked", None, f"the FASTA has no sequence for contig {chrom}")
        bases = self.fetch(chrom, pos, pos + len(ref) - 1)
        if bases is None:
            return RefCheck("not_checked", None, f"{chrom}:{pos} lies beyond the FASTA contig")
        pairs = [(r, f) for r, f in zip(ref.upper(), bases, strict=True) if r not in _WILDCARD and f not in _WILDCARD]
        if not pairs:
            return RefCheck("not_checked", bases, "the FASTA has only N at this position")
        if all(r == f for r, f in pairs):
            return RefCheck("match", bases)
        return RefCheck("mismatch", bases, f"VCF REF {ref} but the FASTA has {bases} at {chrom}:{pos}")

    def provenance(self) -> dict[str, object]:
        return {"contigs": len(self._fasta.references), "build_check": self.build_note}


def _prepare(path: Path) -> Path:
    """Check the FASTA's integrity and its index (module docstring); returns ``path`` when it is indexed beside
    it, else a different path (meaning: index it in a private directory)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(18)
    except OSError as exc:
        msg = f"{path}: cannot read the reference FASTA ({exc.strerror}); check --fasta"
        raise InputError(msg) from exc
    bgzf = head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"
    if head[:2] == b"\x1f\x8b" and not bgzf:
        msg = (f"{path}: the reference FASTA is plain gzip, which cannot be indexed; re-compress it with "
               "`bgzip` and index it with `samtools faidx`")
        raise InputError(msg)
    if bgzf:
        check_bgzf_blocks(path, f"{path} (--fasta)")
    fai, gzi = Path(f"{path}.fai"), Path(f"{path}.gzi")
    if not fai.is_file() or (bgzf and not gzi.is_file()):
        return path.with_name(path.name + ".unindexed")
    _check_index(path, fai, gzi if bgzf else None)
    return path


def _check_index(path: Path, fai: Path, gzi: Path | None) -> None:
    """The ``.fai`` (and ``.gzi``) describe this file: each primary chromosome's ``>name`` line sits just
    before its offset, and its last base lies inside the file."""
    fix = f"re-index it with `samtools faidx {path.name}`"
    try:
        reader = _Uncompressed(path, gzi)
        lines = fai.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        msg = f"{path}: cannot read the FASTA index ({exc}); {fix}"
        raise InputError(msg) from exc
    for number, line in enumerate(lines, start=1):
        fields = line.split("\t")
        try:
            name, length, offset, bases, width = fields[0], *(int(f) for f in fields[1:5])
        except (ValueError, IndexError):
            msg = (f"{fai}: line {number} is not a samtools faidx line (name, length, offset, linebases, "
                   f"linewidth); {fix}")
            raise InputError(msg) from None
        if canonical_chrom(name) is None:
            continue  # only the primary chromosomes are read
        if length < 1 or bases < 1 or width <= bases or offset < 1:
            msg = f"{fai}: line {number}: impossible values for {name}; {fix}"
            raise InputError(msg)
        last = offset + (length - 1) // bases * width + (length - 1) % bases
        try:
            before = reader.read(max(0, offset - 4096), offset)
            tail = reader.read(last, last + 1)
        except (OSError, ValueError, EOFError) as exc:
            msg = f"{path}: the .fai/.gzi index does not fit this FASTA at {name} ({exc}); {fix}"
            raise InputError(msg) from exc
        header = before[before.rfind(b"\n", 0, len(before) - 1) + 1:].rstrip(b"\r\n")
        if not before.endswith(b"\n") or not header.startswith(b">") or header[1:].split()[:1] != [name.encode()]:
            msg = (f"{path}: the index {fai.name} does not belong to this FASTA (no '>{name}' line before byte "
                   f"{offset}); {fix}")
            raise InputError(msg)
        if len(tail) != 1 or tail in (b">", b"\n"):
            msg = (f"{path}: the FASTA ends before the last base of {name} that {fai.name} describes (truncated, or "
                   f"another file's index); obtain a complete copy and {fix}")
            raise InputError(msg)


class _Uncompressed:
    """Random access to the uncompressed bytes of a plain or BGZF file (through its ``.gzi``)."""

    def __init__(self, path: Path, gzi: Path | None) -> None:
        self.path = path
        self.points: list[tuple[int, int]] = [(0, 0)]  # (compressed, uncompressed) block starts
        if gzi is not None:
            data = gzi.read_bytes()
            (count,) = struct.unpack_from("<Q", data, 0) if len(data) >= 8 else (-1,)
            if count < 0 or len(data) != 8 + 16 * count:
                msg = f"{gzi.name} is not a bgzip .gzi index"
                raise ValueError(msg)
            self.points += [struct.unpack_from("<QQ", data, 8 + 16 * i) for i in range(count)]
        self.bgzf = gzi is not None

    def read(self, start: int, end: int) -> bytes:
        with self.path.open("rb") as fh:
            if not self.bgzf:
                fh.seek(start)
                return fh.read(end - start)
            i = bisect.bisect_right([u for _, u in self.points], start) - 1
            compressed, uncompressed = self.points[i]
            if start - uncompressed > _BGZF_BLOCK:  # a .gzi lists every block: this one is another file's
                msg = f"the .gzi index has no block near byte {start}"
                raise ValueError(msg)
            fh.seek(compressed)
            pieces: list[bytes] = []
            held = 0
            while uncompressed + held < end:
                head = fh.read(18)
                if not head:
                    break
                if len(head) < 18 or head[:4] != b"\x1f\x8b\x08\x04":
                    msg = f"no BGZF block at byte {fh.tell() - len(head)}"
                    raise ValueError(msg)
                block = head + fh.read(struct.unpack_from("<H", head, 16)[0] + 1 - 18)
                try:
                    pieces.append(zlib.decompress(block, 31))
                except zlib.error as exc:
                    raise ValueError(str(exc)) from exc
                held += len(pieces[-1])
            return b"".join(pieces)[start - uncompressed:end - uncompressed]


_REGION_NAME = re.compile(r"^([^:]+):(\d+)-(\d+)$")


class RegionReference(Reference):
    """The installed panel reference: records named ``CHROM:START-END`` holding those bases of the build."""

    def __init__(self, path: Path, build: Build, label: str) -> None:  # Reference's init reads whole contigs
        import pysam

        self.path = path
        self._tmp = None
        try:
            self._fasta = pysam.FastaFile(str(path))
        except (OSError, ValueError) as exc:
            msg = f"{path}: cannot open the installed panel reference ({exc})"
            raise InputError(msg) from exc
        self.regions: dict[str, list[tuple[int, int, str]]] = {}
        for name, length in zip(self._fasta.references, self._fasta.lengths, strict=True):
            match = _REGION_NAME.match(name)
            chrom = canonical_chrom(match.group(1)) if match else None
            if match is None or chrom is None or int(match.group(3)) - int(match.group(2)) + 1 != length:
                msg = f"{path}: record {name!r} is not named CHROM:START-END with its length ({length})"
                raise InputError(msg)
            self.regions.setdefault(chrom, []).append((int(match.group(2)), int(match.group(3)), name))
        for spans in self.regions.values():
            spans.sort()
        self._starts = {chrom: [s for s, _, _ in spans] for chrom, spans in self.regions.items()}
        self.names = {chrom: chrom for chrom in self.regions}
        self.lengths = {chrom: spans[-1][1] for chrom, spans in self.regions.items()}
        total = sum(e - s + 1 for spans in self.regions.values() for s, e, _ in spans)
        self.build_note = f"installed for {build} (manifest); {len(self._fasta.references)} regions, {total:,} bp"
        self.label = label
        self.fix = ("run with --no-installed-resources (or give --fasta), and check the build of the VCF; if the "
                    "install is damaged, run 'varhlh resources update' again")

    def fetch(self, chrom: str, start: int, end: int) -> str | None:
        """Bases ``start..end`` when one installed region holds them all; None otherwise."""
        spans = self.regions.get(chrom)
        if spans is None or end < start:
            return None
        i = bisect.bisect_right(self._starts[chrom], start) - 1
        if i < 0 or spans[i][1] < end:
            return None
        first, _, name = spans[i]
        return str(self._fasta.fetch(name, start - first, end - first + 1)).upper()

    def check_ref(self, chrom: str | None, pos: int, ref: str) -> RefCheck:
        if chrom is None or self.fetch(chrom, pos, pos + len(ref) - 1) is None:
            return RefCheck("not_checked", None, f"{chrom}:{pos} is outside the installed panel reference")
        return super().check_ref(chrom, pos, ref)


def _build_note(path: Path, lengths: dict[str, int], build: Build) -> str:
    other = Build.GRCH38 if build is Build.GRCH37 else Build.GRCH37
    same = [c for c, n in lengths.items() if CONTIG_LENGTHS[build].get(c) == n]
    wrong = [c for c, n in lengths.items() if CONTIG_LENGTHS[other].get(c) == n and CONTIG_LENGTHS[build].get(c) != n]
    if wrong and not same:
        msg = (f"{path}: the FASTA's contig lengths are {other} ({', '.join(sorted(wrong)[:5])}) but the VCF is "
               f"{build}; use the {build} reference")
        raise BuildError(msg)
    if same:
        return f"{len(same)} contig length(s) match {build}"
    return "contig lengths match neither GRCh37 nor GRCh38 (partial or custom FASTA): only REF bases are checked"


def left_align(change: Change, fetch: Callable[[int, int], str | None]) -> Change:
    """Slide a pure insertion/deletion to its leftmost equivalent position."""
    if bool(change.ref) == bool(change.alt):
        return change
    seq = change.ref or change.alt
    start = change.start
    while start > 1:
        window = fetch(max(1, start - _CHUNK), start - 1)
        if not window:
            break
        consumed = 0
        for base in reversed(window):
            if base == "N" or base != seq[-1]:
                break
            seq, start, consumed = base + seq[:-1], start - 1, consumed + 1
        if consumed < len(window):
            break
    return _placed(change, start, seq)


def right_align(change: Change, fetch: Callable[[int, int], str | None]) -> Change:
    """Slide a pure insertion/deletion to its rightmost equivalent position."""
    if bool(change.ref) == bool(change.alt):
        return change
    seq = change.ref or change.alt
    start = change.start
    while True:
        after = start + len(change.ref)  # first base after a deletion / the base at an insertion point
        window = fetch(after, after + _CHUNK - 1)
        if not window:
            break
        consumed = 0
        for base in window:
            if base == "N" or base != seq[0]:
                break
            seq, start, consumed = seq[1:] + base, start + 1, consumed + 1
        if consumed < len(window):
            break
    return _placed(change, start, seq)


def _placed(change: Change, start: int, seq: str) -> Change:
    if change.ref:
        return dataclasses.replace(change, start=start, end=start + len(seq) - 1, ref=seq)
    return dataclasses.replace(change, start=start, end=start - 1, alt=seq)

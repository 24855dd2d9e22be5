"""Stream a VCF without an index and keep only its header and the records near panel regions.

Parsing 4.5 M WGS records through cyvcf2 takes ~25 s; a panel needs ~0.1 % of them. This
module decompresses BGZF blocks in parallel (each block is a gzip member, so the inflater checks
every block's CRC32 and length), then bisects the decompressed text: a stretch whose first and
last records lie on one contig between panel regions, and which holds no line of another contig,
is skipped whole; stretches near panel regions (at most 64 KiB) are read line by line. The kept
lines are written with the header to a small text VCF that the reader parses normally.

Safety: sort order is checked on every line read and at every bisection point (both ends of
every skipped stretch), so a file that is unsorted across contigs or between probes is refused,
never half-read. Disorder confined to the inside of one skipped stretch cannot be seen without
reading every line; the VCF specification requires sorted records, and indexing the file with
tabix (which refuses unsorted input) excludes even that. A missing BGZF end-of-file marker, a corrupt
block or a truncated gzip stream is refused before any result is produced.

Bounded memory: decompressed text is handed on in pieces of at most :data:`_PIECE` bytes (a BGZF block
states its own inflated size, at most 64 KiB; plain gzip is inflated with a cap), and a line longer than
``max_line_bytes`` is refused: exactly for every line read line by line (the header and the stretches near
panel regions), and anywhere else as soon as ``max_line_bytes`` (plus at most one piece) has been seen
without a newline — a gzip bomb of NULs, ``/dev/zero`` or a 1-GB INFO value cost at most about
``max_line_bytes`` of memory, never all of it.
"""

from __future__ import annotations

import bisect
import struct
import zlib
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import BinaryIO, Protocol

from varhlh.errors import InputError
from varhlh.read.heap import heap_headroom

_inflate_lib: ModuleType
try:  # ISA-L inflates 2-3x faster than zlib; both check every gzip member's CRC32 and length.
    from isal import isal_zlib as _inflate_lib

    _INFLATE_ERRORS: tuple[type[Exception], ...] = (zlib.error, _inflate_lib.error)
except ImportError:  # pragma: no cover - isal is a declared dependency
    _inflate_lib = zlib
    _INFLATE_ERRORS = (zlib.error,)

BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_GZIP_MAGIC = b"\x1f\x8b"
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"
_SLICE = 1 << 20
_PIECE = 4 << 20
"""Decompressed bytes handed to the line filter at once, at most (plus one BGZF block)."""
_HEADROOM = 8 * _PIECE
"""Freed heap kept mapped during the scan (:func:`varhlh.read.heap.heap_headroom`): a few pieces in flight."""
_BGZF_MAX_BLOCK = 1 << 16
_MIN_SEGMENT = 1 << 16
"""Stretches of decompressed text at most this long are checked line by line."""


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...


@dataclass
class Targets:
    """Merged, sorted intervals per VCF contig name (already widened upstream by the window)."""

    starts: dict[bytes, list[int]] = field(default_factory=dict)
    ends: dict[bytes, list[int]] = field(default_factory=dict)

    @classmethod
    def build(cls, regions: Mapping[str, Iterable[tuple[int, int]]], window: int) -> Targets:
        targets = cls()
        for contig, spans in regions.items():
            merged = merge_spans([(max(1, s - window), e) for s, e in spans])
            key = contig.encode()
            targets.starts[key] = [s for s, _ in merged]
            targets.ends[key] = [e for _, e in merged]
        return targets

    def hit(self, chrom: bytes, pos: int) -> bool:
        starts = self.starts.get(chrom)
        if not starts:
            return False
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and pos <= self.ends[chrom][i]

    def overlaps(self, chrom: bytes, low: int, high: int) -> bool:
        starts = self.starts.get(chrom)
        if not starts:
            return False
        i = bisect.bisect_right(starts, high) - 1
        return i >= 0 and self.ends[chrom][i] >= low


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged 1-based inclusive spans (overlapping or adjacent spans become one)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


@dataclass
class ScanStats:
    contigs: list[bytes] = field(default_factory=list)
    """Contigs in file order (each appears once: the file is sorted)."""


def scan(fh: BinaryIO, kind: str, targets: Targets, out: BinaryIO, hasher: Hasher, source: str,
         threads: int = 2, max_line_bytes: int = 64 << 20) -> ScanStats:
    """Copy the header and the target-region records of ``fh`` to ``out``; hash every input byte."""
    if kind == "bgzf":
        chunks = _bgzf_chunks(fh, hasher, source, threads)
    elif kind == "gzip":
        chunks = _gzip_chunks(fh, hasher, source)
    else:
        chunks = _plain_chunks(fh, hasher)
    line_filter = _LineFilter(targets, out, source, max_line_bytes)
    with heap_headroom(_HEADROOM):
        for chunk in chunks:
            line_filter.feed(chunk)
    line_filter.finish()
    return line_filter.stats


# --------------------------------------------------------------------------- decompression


def _plain_chunks(fh: BinaryIO, hasher: Hasher) -> Iterator[bytes]:
    while data := fh.read(_SLICE):
        hasher.update(data)
        yield data


def _gzip_chunks(fh: BinaryIO, hasher: Hasher, source: str) -> Iterator[bytes]:
    """Plain (non-blocked) gzip, possibly several concatenated members; truncation is refused."""
    inflater = zlib.decompressobj(31)
    member_open = False
    while data := fh.read(_SLICE):
        hasher.update(data)
        while data:
            try:
                out = inflater.decompress(data, _PIECE)  # capped: 1 MB of compressed NULs inflates to 1 GB
            except zlib.error as exc:
                msg = f"{source}: corrupt gzip data ({exc}); re-create the file with bgzip"
                raise InputError(msg) from exc
            member_open = True
            if out:
                yield out
            data = inflater.unconsumed_tail
            if data:
                continue
            if inflater.eof:
                data, member_open = inflater.unused_data, False
                if data[:2] not in (b"", _GZIP_MAGIC[: len(data)]):
                    msg = f"{source}: trailing data after the gzip stream; re-create the file with bgzip"
                    raise InputError(msg)
                inflater = zlib.decompressobj(31)
    if member_open:
        msg = f"{source}: gzip stream ends early (file truncated); obtain a complete copy of the file"
        raise InputError(msg)


def _bgzf_chunks(fh: BinaryIO, hasher: Hasher, source: str, threads: int) -> Iterator[bytes]:
    buffer = b""
    offset = 0
    last_block = b""
    pending: deque[Future[bytes]] = deque()
    with ThreadPoolExecutor(max(1, threads)) as pool:
        while True:
            data = fh.read(_SLICE)
            if data:
                hasher.update(data)
            buffer += data
            blocks, used = _split_blocks(buffer, offset, source)
            if blocks:
                last_block = bytes(blocks[-1])
                for group, at in _groups(blocks, offset, source):
                    pending.append(pool.submit(_inflate, group, at, source))
            buffer, offset = buffer[used:], offset + used
            while len(pending) > 2 * max(1, threads) or (pending and not data):
                yield pending.popleft().result()
            if not data:
                break
    if buffer:
        msg = (f"{source}: BGZF file ends inside a block at byte {offset} (truncated); "
               "obtain a complete copy of the file")
        raise InputError(msg)
    if last_block != BGZF_EOF:
        msg = (f"{source}: BGZF end-of-file marker is missing, so the file may be truncated; "
               "obtain a complete copy, or re-compress a complete file with bgzip")
        raise InputError(msg)


def _groups(blocks: list[memoryview], offset: int, source: str) -> Iterator[tuple[list[memoryview], int]]:
    """Consecutive blocks whose stated inflated sizes (ISIZE, the last 4 bytes) add up to at most :data:`_PIECE`."""
    group: list[memoryview] = []
    size = 0
    start = at = offset
    for block in blocks:
        inflated = struct.unpack_from("<I", block, len(block) - 4)[0]
        if inflated > _BGZF_MAX_BLOCK:
            msg = (f"{source}: BGZF block at byte {at} claims {inflated:,} inflated bytes (at most 65,536); the file "
                   "is corrupt")
            raise InputError(msg)
        if group and size + inflated > _PIECE:
            yield group, start
            group, size, start = [], 0, at
        group.append(block)
        size += inflated
        at += len(block)
    if group:
        yield group, start


def check_bgzf_blocks(path: Path, source: str) -> None:
    """Walk the BGZF block headers of a file (a few bytes per block, nothing inflated): refuse one that ends
    inside a block or without the end-of-file block (truncated; htslib readers return the records before the cut
    without an error, bcftools refuses such a file)."""
    offset = 0
    last = b""
    with path.open("rb") as fh:
        size = fh.seek(0, 2)
        while offset < size:
            fh.seek(offset)
            head = fh.read(min(1024, size - offset))
            if len(head) < 18:
                break
            if head[:4] != _BGZF_MAGIC:
                msg = f"{source}: not a valid BGZF block at byte {offset}; the file is corrupt — obtain a fresh copy"
                raise InputError(msg)
            block_size = _block_size(head, 0, offset, source)
            if offset + block_size > size:
                break
            if offset + block_size == size:
                fh.seek(offset)
                last = fh.read(block_size)
            offset += block_size
    if offset != size:
        msg = (f"{source}: the file ends inside a BGZF block at byte {offset} of {size} (truncated); obtain a "
               "complete copy of the file")
        raise InputError(msg)
    if last != BGZF_EOF:
        msg = (f"{source}: BGZF end-of-file marker is missing, so the file is truncated (bcftools refuses it too); "
               "obtain a complete copy, or re-create it with `bcftools view -Ob`")
        raise InputError(msg)


def _split_blocks(buffer: bytes, offset: int, source: str) -> tuple[list[memoryview], int]:
    view = memoryview(buffer)
    blocks: list[memoryview] = []
    i = 0
    while len(buffer) - i >= 18:
        if buffer[i:i + 4] != _BGZF_MAGIC:
            msg = f"{source}: not a valid BGZF block at byte {offset + i}; the file is corrupt"
            raise InputError(msg)
        size = _block_size(buffer, i, offset, source)
        if len(buffer) - i < size:
            break
        blocks.append(view[i:i + size])
        i += size
    return blocks, i


def _block_size(buffer: bytes, i: int, offset: int, source: str) -> int:
    (xlen,) = struct.unpack_from("<H", buffer, i + 10)
    j, stop = i + 12, i + 12 + xlen
    while j + 4 <= stop and j + 4 <= len(buffer):
        sub_id, sub_len = buffer[j:j + 2], struct.unpack_from("<H", buffer, j + 2)[0]
        if sub_id == b"BC" and sub_len == 2 and j + 6 <= len(buffer):
            return int(struct.unpack_from("<H", buffer, j + 4)[0]) + 1
        j += 4 + sub_len
    msg = f"{source}: BGZF block at byte {offset + i} has no BC size field; the file is corrupt"
    raise InputError(msg)


def _inflate(blocks: list[memoryview], offset: int, source: str) -> bytes:
    try:
        return b"".join([_inflate_lib.decompress(block, 31) for block in blocks])
    except _INFLATE_ERRORS as exc:
        msg = (f"{source}: corrupt BGZF block near byte {offset} ({exc}); the file is damaged, "
               "obtain a fresh copy")
        raise InputError(msg) from exc


# --------------------------------------------------------------------------- line filter


class _LineFilter:
    def __init__(self, targets: Targets, out: BinaryIO, source: str, max_line_bytes: int = 64 << 20) -> None:
        self.targets, self.out, self.source = targets, out, source
        self.max_line = max_line_bytes
        self.stats = ScanStats()
        self.carry = b""
        self.line_no = 0
        self.in_header = True
        self.saw_column_header = False
        self.contig: bytes | None = None
        self.last_pos = 0
        self.done_contigs: set[bytes] = set()

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of text. The piece is never copied whole: the line it completes (the carry from the
        last piece and the text up to its first newline) is joined alone, and its complete lines are read in place."""
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            self.carry += chunk
            if len(self.carry) > self.max_line:
                self._too_long(self.carry)
            return
        start = 0
        if self.carry:
            start = chunk.find(b"\n") + 1
            line, self.carry = self.carry + chunk[:start], b""
            self._lines(line, 0, len(line))
        if start < cut:
            self._lines(chunk, start, cut)
        self.carry = chunk[cut:]
        if len(self.carry) > self.max_line:
            self._too_long(self.carry)

    def _too_long(self, line: bytes) -> None:
        length = len(line)
        after = (f"after {self.contig.decode(errors='replace')}:{self.last_pos} " if self.contig
                 else f"after header line {self.line_no} " if self.line_no else "")
        nul = " of NUL bytes" if b"\0" in line[:4096] else ""
        msg = (f"{self.source}: the line {after}is longer than max_line_bytes ({self.max_line:,} bytes; "
               f"{length:,} read{nul}); the file is corrupt or not a VCF — check the step that produced it (or raise "
               "max_line_bytes with --config)")
        raise InputError(msg)

    def finish(self) -> None:
        if self.carry:
            shown = self.carry[:60].decode("utf-8", "replace")
            msg = (f"{self.source}: the last line has no newline ({shown!r}…), so the file may be truncated; "
                   "obtain a complete copy of the file")
            raise InputError(msg)
        if not self.saw_column_header:
            msg = f"{self.source}: no '#CHROM' header line; this is not a complete VCF"
            raise InputError(msg)
        if self.in_header:
            msg = (f"{self.source}: the VCF has a header but no records; varhlh never reports 'nothing found' from an "
                   "empty file — check the step that produced it")
            raise InputError(msg)

    def _lines(self, body: bytes, low: int, high: int) -> None:
        """The complete lines ``body[low:high]``."""
        if self.in_header:
            low = self._header(body, low, high)
            if low >= high:
                return
        self._segment(body, low, high)

    def _header(self, body: bytes, start: int, high: int) -> int:
        """Copy the header lines from ``start`` on; return where the records begin (``high`` when none do)."""
        while start < high:
            end = body.index(b"\n", start) + 1
            line = body[start:end]
            if len(line) > self.max_line:
                self._too_long(line)
            if self.line_no == 0 and not line.startswith(b"##fileformat=VCF"):
                shown = line[:40].decode("utf-8", "replace").rstrip()
                msg = f"{self.source}: line 1 is {shown!r}, not '##fileformat=VCF…'; this is not a VCF file"
                raise InputError(msg)
            if not line.startswith(b"#"):
                if not self.saw_column_header:
                    msg = f"{self.source}: line {self.line_no + 1}: record before the '#CHROM' header line"
                    raise InputError(msg)
                self.in_header = False
                return start
            self.line_no += 1
            self.saw_column_header = line.startswith(b"#CHROM")
            self.out.write(line)
            start = end
        return high

    def _segment(self, body: bytes, low: int, high: int) -> None:
        """Skip [low, high) if its first and last records are on one contig between targets; else split."""
        if high - low <= _MIN_SEGMENT:
            self._each_line(body[low:high])
            return
        chrom0, pos0 = self._chrom_pos(body, low)
        last = body.rfind(b"\n", low, high - 1)
        chrom1, pos1 = self._chrom_pos(body, last + 1 if last >= 0 else low)
        if chrom0 == chrom1 and pos0 <= pos1 and not self.targets.overlaps(chrom0, pos0, pos1):
            self._order(chrom0, pos0)
            self.last_pos = pos1
            return
        middle = body.find(b"\n", (low + high) // 2, high - 1) + 1
        if middle <= low:
            self._each_line(body[low:high])
            return
        self._segment(body, low, middle)
        self._segment(body, middle, high)

    def _each_line(self, body: bytes) -> None:
        """Check CHROM/POS order and length on every line and keep the target-region records."""
        hit, write, longest = self.targets.hit, self.out.write, self.max_line
        for line in body.split(b"\n")[:-1]:
            if len(line) > longest:
                self._too_long(line)
            parts = line.split(b"\t", 2)
            if len(parts) < 3 or not parts[1].isdigit():
                self._malformed(line)
            chrom, pos = parts[0], int(parts[1])
            if chrom != self.contig or pos < self.last_pos:
                self._order(chrom, pos)
            self.last_pos = pos
            if hit(chrom, pos):
                write(line + b"\n")

    def _chrom_pos(self, body: bytes, start: int) -> tuple[bytes, int]:
        tab = body.find(b"\t", start)
        tab2 = body.find(b"\t", tab + 1) if tab >= 0 else -1
        end = body.find(b"\n", start)
        if tab < 0 or tab2 < 0 or tab2 > end or not body[tab + 1:tab2].isdigit():
            self._malformed(body[start:end])
        return body[start:tab], int(body[tab + 1:tab2])

    def _order(self, chrom: bytes, pos: int) -> None:
        name = chrom.decode(errors="replace")
        if chrom == self.contig:
            if pos < self.last_pos:
                msg = (f"{self.source}: record {name}:{pos} comes after {name}:{self.last_pos}; the VCF is not "
                       "sorted — sort it with `bcftools sort`")
                raise InputError(msg)
            return
        if chrom in self.done_contigs:
            msg = (f"{self.source}: record {name}:{pos}: contig {name} appears again after other contigs; the VCF "
                   "is not sorted — sort it with `bcftools sort`")
            raise InputError(msg)
        if self.contig is not None:
            self.done_contigs.add(self.contig)
        self.contig, self.last_pos = chrom, pos
        self.stats.contigs.append(chrom)

    def _malformed(self, line: bytes) -> None:
        shown = line[:60].decode("utf-8", "replace")
        after = f" after {self.contig.decode(errors='replace')}:{self.last_pos}" if self.contig else ""
        msg = (f"{self.source}: malformed record{after} (need tab-separated CHROM, integer POS, …): {shown!r}; "
               "validate the file with `bcftools view`")
        raise InputError(msg)

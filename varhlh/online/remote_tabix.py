"""Region queries on a remote bgzipped, tabix-indexed VCF, over HTTP byte ranges (``varhlh resources update``).

Why not htslib's own remote access (``pysam.VariantFile("https://…")``, libcurl): measured against a local
server (tests/range_server.py), it downloads the ``.tbi`` into the *current directory*, retries a stalled
server without any timeout (a run hung for minutes), bypasses the one HTTP session of the online features
(timeouts, bounded retries with Retry-After, the User-Agent and the request log of
:mod:`varhlh.online.http`), and holds the GIL while it waits. So the reads are done here, with the same
algorithm htslib uses:

* the index (``URL.tbi``, one GET) is parsed as the tabix format specifies: per contig, the binning index
  (bin -> chunks of virtual offsets) and the 16-kb linear index;
* a query for ``contig:start-end`` takes the chunks of every bin overlapping the region (``reg2bins``),
  drops those ending before the linear-index offset of the region's first 16-kb window, merges the rest,
  and reads exactly those virtual-offset ranges: the BGZF blocks are fetched with HTTP range requests of at
  most ``Settings.resources_range_bytes`` and inflated here (each block's CRC32 and size checked);
* the header is read from the first blocks of the file until the first record line;
* every range request is checked against the file's size and ETag/Last-Modified seen first, and after the reads
  the index's ETag/Last-Modified must be unchanged (:meth:`RemoteTabix.confirm_unchanged`): a file replaced during
  the download (ClinVar's ``clinvar.vcf.gz`` is replaced weekly) is an error, never a silent mix.

Only public file names and byte offsets are sent. A truncated, garbled or inconsistent answer is an
:class:`OnlineError` (exit 5): nothing from it is used.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from varhlh.errors import OnlineError
from varhlh.online.http import OnlineClient

_BGZF_MAGIC = b"\x1f\x8b\x08\x04"
_MAX_BLOCK = 65536
_HEADER_PIECE = 262_144
_MAX_HEADER = 64 * 1024 * 1024


@dataclass(frozen=True)
class TabixIndex:
    """A parsed ``.tbi``: contig names, and per contig the bins and the linear index."""

    names: tuple[str, ...]
    bins: tuple[dict[int, list[tuple[int, int]]], ...]
    linear: tuple[tuple[int, ...], ...]

    def chunks(self, name: str, start: int, end: int) -> list[tuple[int, int]]:
        """Merged virtual-offset chunks holding every record overlapping 1-based ``start..end`` of ``name``."""
        if name not in self.names:
            return []
        tid = self.names.index(name)
        beg0, end0 = max(0, start - 1), end
        window = beg0 >> 14
        linear = self.linear[tid]
        min_offset = linear[window] if window < len(linear) else (linear[-1] if linear else 0)
        found = [c for b in reg2bins(beg0, end0) for c in self.bins[tid].get(b, ()) if c[1] > min_offset]
        found.sort()
        merged: list[tuple[int, int]] = []
        for begin, finish in found:
            if merged and begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
            else:
                merged.append((begin, finish))
        return merged


def reg2bins(beg: int, end: int) -> list[int]:
    """Bins (UCSC/tabix binning scheme, 14-bit smallest bins, 5 levels) overlapping the 0-based ``[beg, end)``."""
    end -= 1
    bins = [0]
    for shift, offset in ((26, 1), (23, 9), (20, 73), (17, 585), (14, 4681)):
        bins.extend(range(offset + (beg >> shift), offset + (end >> shift) + 1))
    return bins


def parse_tbi(data: bytes, where: str) -> TabixIndex:
    """Parse an uncompressed tabix index; a malformed one is an :class:`OnlineError`."""
    try:
        if data[:4] != b"TBI\x01":
            msg = f"{where}: not a tabix index (magic {data[:4]!r}); nothing was used"
            raise OnlineError(msg)
        n_ref, = struct.unpack_from("<i", data, 4)
        l_nm, = struct.unpack_from("<i", data, 32)
        names = tuple(n.decode("ascii") for n in data[36:36 + l_nm].split(b"\0") if n)
        if len(names) != n_ref:
            msg = f"{where}: the tabix index names {len(names)} contigs but declares {n_ref}; nothing was used"
            raise OnlineError(msg)
        pos = 36 + l_nm
        all_bins, all_linear = [], []
        for _ in range(n_ref):
            n_bin, = struct.unpack_from("<i", data, pos)
            pos += 4
            bins: dict[int, list[tuple[int, int]]] = {}
            for _ in range(n_bin):
                bin_id, n_chunk = struct.unpack_from("<Ii", data, pos)
                pos += 8
                chunks = list(struct.iter_unpack("<QQ", data[pos:pos + 16 * n_chunk]))
                if len(chunks) != n_chunk:
                    why = "chunks past the end"
                    raise struct.error(why)
                pos += 16 * n_chunk
                bins[bin_id] = [(int(a), int(b)) for a, b in chunks]
            n_intv, = struct.unpack_from("<i", data, pos)
            pos += 4
            linear = tuple(int(v) for (v,) in struct.iter_unpack("<Q", data[pos:pos + 8 * n_intv]))
            if len(linear) != n_intv:
                why = "linear index past the end"
                raise struct.error(why)
            pos += 8 * n_intv
            all_bins.append(bins)
            all_linear.append(linear)
    except (struct.error, UnicodeDecodeError) as exc:
        msg = f"{where}: truncated or malformed tabix index ({exc}); nothing was used"
        raise OnlineError(msg) from exc
    return TabixIndex(names, tuple(all_bins), tuple(all_linear))


def inflate_blocks(data: bytes, where: str, offset: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """Complete BGZF blocks of ``data`` as (offset in ``data``, compressed size, inflated bytes); stops at the first
    incomplete block (the caller fetches more). A block that is not BGZF, or fails its CRC32 or size, is an error."""
    pos = offset
    while pos + 18 <= len(data):
        if data[pos:pos + 4] != _BGZF_MAGIC or data[pos + 12:pos + 14] != b"BC":
            msg = f"{where}: not a BGZF block at byte {pos} (corrupt or not bgzip-compressed); nothing was used"
            raise OnlineError(msg)
        size = struct.unpack_from("<H", data, pos + 16)[0] + 1
        if pos + size > len(data):
            return
        crc, length = struct.unpack_from("<II", data, pos + size - 8)
        try:
            inflated = zlib.decompress(data[pos + 18:pos + size - 8], -15)
        except zlib.error as exc:
            msg = f"{where}: corrupt BGZF block at byte {pos} ({exc}); nothing was used"
            raise OnlineError(msg) from exc
        if len(inflated) != length or zlib.crc32(inflated) & 0xFFFFFFFF != crc:
            msg = f"{where}: BGZF block at byte {pos} fails its CRC32/size check (corrupt download); nothing was used"
            raise OnlineError(msg)
        yield pos, size, inflated
        pos += size


class RemoteTabix:
    """One remote bgzipped VCF and its ``.tbi``, read through the run's :class:`OnlineClient`."""

    def __init__(self, client: OnlineClient, service: str, url: str, piece: int) -> None:
        self.client, self.service, self.url, self.piece = client, service, url, max(piece, 2 * _MAX_BLOCK)
        self._total: int | None = None
        self._version: str | None = None
        answer = client.get_bytes(service, f"{url}.tbi", "tabix index")
        self._index_version = answer.version
        index_bytes = bytes(b"".join(block for _, _, block in _inflate_all(answer.data, f"{url}.tbi")))
        self.index = parse_tbi(index_bytes, f"{url}.tbi")

    def confirm_unchanged(self) -> None:
        """After the reads: the index must still be the one read first (its ETag/Last-Modified), so index and data
        belong together (a file replaced between the index and the first range read would otherwise go unseen)."""
        if self._index_version is None:
            return
        answer = self.client.get_bytes(self.service, f"{self.url}.tbi", "index unchanged?", (0, 0))
        if answer.version != self._index_version:
            msg = (f"{self.service} ({self.url}): the file was replaced during the download (index "
                   f"{self._index_version} -> {answer.version}); nothing was used: run the update again")
            raise OnlineError(msg)

    def _get(self, start: int, end: int, purpose: str) -> bytes:
        if self._total is not None:
            end = min(end, self._total - 1)
            if start > end:
                return b""
        answer = self.client.get_bytes(self.service, self.url, purpose, (start, end))
        if self._total is None:
            self._total, self._version = answer.total, answer.version
        elif answer.total != self._total or answer.version != self._version:
            msg = (f"{self.service} ({self.url}): the file changed during the download (size {self._total} -> "
                   f"{answer.total}, version {self._version} -> {answer.version}); nothing was used: run the update "
                   "again")
            raise OnlineError(msg)
        return answer.data

    def header(self) -> list[str]:
        """The VCF header lines (``##…`` and ``#CHROM``), read from the first blocks of the file."""
        lines: list[str] = []
        text = b""
        for _offset, data in self._blocks(0, None):
            text += data
            while b"\n" in text:
                line, text = text.split(b"\n", 1)
                if not line.startswith(b"#"):
                    return self._checked_header(lines)
                lines.append(line.decode("utf-8"))
            if len(text) > _MAX_HEADER:
                break
        return self._checked_header(lines)

    def _checked_header(self, lines: list[str]) -> list[str]:
        if not lines or not lines[0].startswith("##fileformat=VCF") or not lines[-1].startswith("#CHROM"):
            msg = f"{self.service} ({self.url}): not a VCF header (no ##fileformat / #CHROM line); nothing was used"
            raise OnlineError(msg)
        return lines

    def fetch(self, name: str, start: int, end: int) -> Iterator[str]:
        """Record lines of contig ``name`` overlapping 1-based ``start..end`` (by POS and the REF length), streamed
        block by block (a gnomAD region can hold gigabytes of annotated records: never all in memory)."""
        where = f"{self.service} ({self.url})"
        for begin, finish in self.index.chunks(name, start, end):
            block_start, within = begin >> 16, begin & 0xFFFF
            block_end, until = finish >> 16, finish & 0xFFFF
            carry = b""
            done = False
            for offset, data in self._blocks(block_start, block_end):
                first = within if offset == block_start else 0
                last = until if offset == block_end else len(data)
                *complete, carry = (carry + data[first:last]).split(b"\n")
                for raw in complete:
                    line = _line(raw, name, start, end, where)
                    pos = int(line.split("\t", 2)[1])
                    if pos > end:
                        done = True
                        break
                    fields = line.split("\t", 5)
                    if pos + max(len(fields[3]), 1) - 1 >= start:
                        yield line
                if done or offset == block_end:
                    break
            if carry and not done:
                msg = (f"{where}: the index chunk for {name}:{start}-{end} does not end at a line end (index and file "
                       "do not match); nothing was used")
                raise OnlineError(msg)

    def _blocks(self, start: int, last: int | None) -> Iterator[tuple[int, bytes]]:
        """Inflated BGZF blocks from file offset ``start`` through the block starting at ``last`` (None: on and on,
        in pieces of at most 256 kB, for the header)."""
        buffer, base = b"", start
        while True:
            piece = _HEADER_PIECE if last is None else min(self.piece, max(last - base + _MAX_BLOCK, _MAX_BLOCK))
            fetch_from = base + len(buffer)
            more = self._get(fetch_from, fetch_from + piece - 1, "byte range")
            if not more:
                if buffer:
                    msg = (f"{self.service} ({self.url}): the file ends inside a BGZF block at byte {base} "
                           "(truncated); nothing was used")
                    raise OnlineError(msg)
                return
            buffer += more
            consumed = 0
            for offset, size, data in inflate_blocks(buffer, f"{self.service} ({self.url})"):
                consumed = offset + size
                yield base + offset, data
                if last is not None and base + offset >= last:
                    return
            buffer, base = buffer[consumed:], base + consumed


def _line(raw: bytes, name: str, start: int, end: int, where: str) -> str:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{where}: a record in {name}:{start}-{end} is not UTF-8 text (index and file do not match?)"
        raise OnlineError(msg) from exc
    fields = line.split("\t", 5)
    if len(fields) < 5 or fields[0] != name or not fields[1].isdigit():
        msg = (f"{where}: unexpected line in the index chunk for {name}:{start}-{end} ({line[:60]!r}: index and file "
               "do not match); nothing was used")
        raise OnlineError(msg)
    return line


def _inflate_all(data: bytes, where: str) -> Iterator[tuple[int, int, bytes]]:
    consumed = 0
    for offset, size, block in inflate_blocks(data, where):
        consumed = offset + size
        yield offset, size, block
    if consumed != len(data):
        msg = f"{where}: truncated BGZF file ({len(data) - consumed} trailing bytes); nothing was used"
        raise OnlineError(msg)

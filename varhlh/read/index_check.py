"""Trust a .tbi/.csi index only when it describes this data file.

A stale or foreign index makes region queries silently return nothing (cyvcf2 returned ``[]``
where 11 records existed in our tests). ``reader.py`` already ignores an index older than
the data or naming contigs absent from the header; this module adds a cheap content check on the
index's last meta pseudo-bin (htslib writes one per contig with records, holding the virtual
offsets of its first and last record; the last contig's are the largest offsets in the index):

* both offsets must lie inside the data file, before its BGZF end-of-file block;
* at the first-record offset the data must hold a record line of a header contig (text VCF),
  i.e. the offset falls on a record start — true only in the file the index was built for;
* an index that lists no contig is not trusted (the file is then streamed, which refuses a
  header-only file).

Only the index's first block and its tail are inflated (~1 ms for a 1.7 MB WGS index, against
~70 ms to inflate and walk its ~190,000 bins in Python). Indexes without pseudo-bins (tabix 0.2)
are trusted on the other checks alone.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO

_TBI_MAGIC = b"TBI\x01"
_CSI_MAGIC = b"CSI\x01"
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"
_EOF_BLOCK = 28

Finder = Callable[[bytes], list[tuple[int, int]]]


def problem(index: Path, data: Path, contigs: Mapping[str, int | None]) -> str | None:
    """Why ``index`` cannot be trusted for ``data`` (a phrase), or None when it can."""
    try:
        blocks = _blocks(index.read_bytes())
        head = _inflate(blocks[0]) if blocks else b""
    except (OSError, ValueError) as exc:
        return f"cannot be read ({exc})"
    find: Finder
    if head[:4] == _TBI_MAGIC and len(head) >= 36:
        (n_ref,) = struct.unpack_from("<i", head, 4)
        find = _tbi_pseudo_bins
    elif head[:4] == _CSI_MAGIC and len(head) >= 16:
        depth, l_aux = struct.unpack_from("<ii", head, 8)
        n_ref = struct.unpack_from("<i", head, 16 + l_aux)[0] if 0 <= l_aux <= len(head) - 20 else 0
        find = functools.partial(_csi_pseudo_bins, depth=depth)
    else:
        return "is not a TBI or CSI index"
    if n_ref <= 0:
        return "lists no records"
    try:
        pseudo = _last_pseudo_bin(blocks, find)
    except ValueError as exc:
        return f"cannot be read ({exc})"
    if pseudo is None:
        return None
    begin, end = pseudo
    size = data.stat().st_size
    if (end >> 16) > size - _EOF_BLOCK or (begin >> 16) >= size:
        return f"points beyond the end of the data file (byte {end >> 16} of {size}): it is stale or foreign"
    if data.name.endswith(".bcf"):
        return None
    with data.open("rb") as fh:
        chrom = _chrom_at(fh, begin)
    if chrom is None or (contigs and chrom not in contigs):
        return f"points to byte {begin >> 16} of the data file, where no record starts: it is stale or foreign"
    return None


def _blocks(data: bytes) -> list[bytes]:
    """The BGZF blocks of a compressed index (the empty end-of-file block dropped)."""
    blocks = []
    i = 0
    while i + 18 <= len(data):
        if data[i:i + 4] != _BGZF_MAGIC or data[i + 12:i + 14] != b"BC":
            msg = f"not BGZF-compressed at byte {i}"
            raise ValueError(msg)
        size = struct.unpack_from("<H", data, i + 16)[0] + 1
        if size > _EOF_BLOCK:
            blocks.append(data[i:i + size])
        i += size
    if i != len(data):
        msg = "truncated"
        raise ValueError(msg)
    return blocks


def _inflate(block: bytes) -> bytes:
    try:
        return zlib.decompress(block, 31)
    except zlib.error as exc:
        raise ValueError(str(exc)) from exc


def _last_pseudo_bin(blocks: list[bytes], find: Finder) -> tuple[int, int] | None:
    """The last pseudo-bin, searched in a tail of the index widened until it holds one."""
    count = 2
    while True:
        tail = blocks[-count:] if count < len(blocks) else blocks
        found = find(b"".join(_inflate(b) for b in tail))
        if found:
            return found[-1]
        if count >= len(blocks):
            return None
        count *= 2


def _tbi_pseudo_bins(raw: bytes) -> list[tuple[int, int]]:
    signature = struct.pack("<Ii", 37450, 2)  # bin id 37450, two chunks
    found = []
    i = raw.find(signature)
    while i >= 0 and i + 40 <= len(raw):
        begin, end = struct.unpack_from("<QQ", raw, i + 8)
        if begin <= end:
            found.append((begin, end))
        i = raw.find(signature, i + 1)
    return found


def _csi_pseudo_bins(raw: bytes, depth: int) -> list[tuple[int, int]]:
    if not 0 <= depth <= 15:
        return []
    signature = struct.pack("<I", ((1 << ((depth + 1) * 3)) - 1) // 7 + 1)
    found = []
    i = raw.find(signature)
    while i >= 0 and i + 48 <= len(raw):
        if struct.unpack_from("<i", raw, i + 12)[0] == 2:  # bin, loffset, n_chunk == 2
            begin, end = struct.unpack_from("<QQ", raw, i + 16)
            if begin <= end:
                found.append((begin, end))
        i = raw.find(signature, i + 1)
    return found


def _chrom_at(fh: BinaryIO, virtual: int) -> str | None:
    """CHROM of the record line at a virtual offset, or None when no record starts there."""
    block_offset, within = virtual >> 16, virtual & 0xFFFF
    fh.seek(block_offset)
    head = fh.read(18)
    if len(head) < 18 or head[:4] != _BGZF_MAGIC or head[12:14] != b"BC":
        return None
    (bsize,) = struct.unpack_from("<H", head, 16)
    block = head + fh.read(bsize + 1 - 18)
    try:
        text = zlib.decompress(block, 31)
    except zlib.error:
        return None
    if within >= len(text) or (within and text[within - 1:within] != b"\n"):
        return None
    tab = text.find(b"\t", within, within + 1024)
    if tab <= within:
        return None
    return text[within:tab].decode("utf-8", "replace")

"""Write the CONSTRUCTED test reference (tests/data/interpretation/reference_segments.tsv) as a FASTA.

The segments sit at their GRCh37 coordinates; everything else is N, so each contig is as long as
its last segment (hundreds of Mb of N). To keep that cheap the FASTA is written directly as BGZF
(identical all-N blocks are compressed once) together with its samtools-faidx ``.fai`` and
``.gzi`` indexes, which pysam.FastaFile reads without decompressing the file.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SEGMENTS = Path(__file__).resolve().parent / "data" / "interpretation" / "reference_segments.tsv"
_BLOCK = 65280
_WIDTH = 60
_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def read_segments(path: Path = SEGMENTS) -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            chrom, start, _end, seq = line.split("\t")
            out.setdefault(chrom, []).append((int(start), seq))
    return out


class _Bgzf:
    def __init__(self, path: Path) -> None:
        self.fh = path.open("wb")
        self.pending = b""
        self.caddr = self.uaddr = 0
        self.index: list[tuple[int, int]] = []
        self.cache: dict[bytes, bytes] = {}

    def write(self, data: bytes) -> None:
        data = self.pending + data
        end = len(data) - len(data) % _BLOCK
        for i in range(0, end, _BLOCK):
            self._block(data[i:i + _BLOCK])
        self.pending = data[end:]

    def _block(self, data: bytes) -> None:
        block = self.cache.get(data)
        if block is None:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            body = compressor.compress(data) + compressor.flush()
            header = struct.pack("<4BI2BH2BHH", 31, 139, 8, 4, 0, 0, 255, 6, 66, 67, 2, len(body) + 25)
            block = header + body + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data))
            if data.count(b"N") + data.count(b"\n") == len(data):
                self.cache[data] = block
        if self.uaddr:
            self.index.append((self.caddr, self.uaddr))
        self.fh.write(block)
        self.caddr += len(block)
        self.uaddr += len(data)

    def close(self) -> None:
        if self.pending:
            self._block(self.pending)
        self.fh.write(_EOF)
        self.fh.close()


def write_fasta(directory: Path, segments: dict[str, list[tuple[int, str]]] | None = None,
                name: str = "constructed_grch37.fa.gz", prefix: str = "") -> Path:
    """Write ``directory/name`` (+ .fai, .gzi); contig names get ``prefix`` (e.g. 'chr')."""
    segments = segments if segments is not None else read_segments()
    path = directory / name
    out = _Bgzf(path)
    fai = []
    n_line = b"N" * _WIDTH + b"\n"
    for chrom in sorted(segments, key=lambda c: (len(c), c)):
        pieces = sorted(segments[chrom])
        length = max(start + len(seq) - 1 for start, seq in pieces) + 100
        out.write(f">{prefix}{chrom}\n".encode())
        fai.append(f"{prefix}{chrom}\t{length}\t{out.uaddr + len(out.pending)}\t{_WIDTH}\t{_WIDTH + 1}")
        lines = (length + _WIDTH - 1) // _WIDTH
        special = {}
        for start, seq in pieces:
            for offset in range(len(seq)):
                special.setdefault((start - 1 + offset) // _WIDTH, {})[(start - 1 + offset) % _WIDTH] = seq[offset]
        special.setdefault(lines - 1, {})  # the last line may be short: always written explicitly
        line = 0
        for target in sorted(special):
            while line < target:  # all-N lines, written in 1-MB pieces
                count = min(target - line, 16384)
                out.write(n_line * count)
                line += count
            width = min(_WIDTH, length - target * _WIDTH)
            bases = ["N"] * width
            for column, base in special[target].items():
                bases[column] = base
            out.write("".join(bases).encode() + b"\n")
            line += 1
    out.close()
    Path(f"{path}.fai").write_text("\n".join(fai) + "\n")
    with Path(f"{path}.gzi").open("wb") as gzi:
        gzi.write(struct.pack("<Q", len(out.index)))
        for caddr, uaddr in out.index:
            gzi.write(struct.pack("<QQ", caddr, uaddr))
    return path

"""Fuzz target (atheris/libFuzzer) for the reader and the validation layer.

Each input is read as a VCF file, either as given or, for half of the inputs (by CRC32), after BGZF
compression (so both the text and the block-decompression paths are reached), through the same
calls as ``varhlh triage``: header checks, sample selection, then every record of every contig
(streamed pre-filter, cyvcf2 parsing, record validation). Only a clean refusal
(:class:`varhlh.errors.VarhlhError`) is allowed; any other exception, or a crash in C code, is
a finding and stops the run with a reproducer in ``-artifact_prefix``.

    python tests/fuzz/fuzz_reader.py -max_total_time=60 NEW_CORPUS_DIR tests/data/malformed/hts-specs

Run bounded in CI by .ci/run (after the tests); seeds are the malformed corpus and the spiked
fixtures. Needs ``pip install atheris`` (in the ``test`` extra).
"""

from __future__ import annotations

import struct
import sys
import tempfile
import zlib
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["varhlh"]):
    from varhlh.errors import VarhlhError
    from varhlh.read.reader import VcfReader

_WORK = Path(tempfile.mkdtemp(prefix="varhlh-fuzz-"))
_REGIONS = {name: [(1, 2**31 - 2)] for n in (*map(str, range(1, 23)), "X", "Y") for name in (n, f"chr{n}")}
_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def bgzf(data: bytes) -> bytes:
    """Minimal BGZF writer (64 KiB-1 per block), with the end-of-file block."""
    out = []
    for i in range(0, len(data), 0xFF00):
        chunk = data[i:i + 0xFF00]
        deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = deflater.compress(chunk) + deflater.flush()
        header = struct.pack("<4BI2BH2BHH", 0x1F, 0x8B, 8, 4, 0, 0, 0xFF, 6, ord("B"), ord("C"), 2, len(body) + 25)
        out.append(header + body + struct.pack("<II", zlib.crc32(chunk), len(chunk)))
    return b"".join(out) + _EOF


def test_one_input(data: bytes) -> None:
    compressed = zlib.crc32(data) & 1
    path = _WORK / ("input.vcf.gz" if compressed else "input.vcf")
    path.write_bytes(bgzf(data) if compressed else data)
    try:
        with VcfReader(str(path), threads=1) as reader:
            reader.select_samples(reader.header.samples[:2])
            for _ in reader.records(_REGIONS, 0):
                pass
    except VarhlhError:
        pass  # a clean, documented refusal


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

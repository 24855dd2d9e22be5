"""Validation layer: the header and every record varhlh reads are checked before they are used.

htslib (under cyvcf2) lets most malformed VCFs through: IUPAC alleles, ``0/3`` with one ALT,
AD of the wrong length, extra columns, undeclared contigs. A triage that half-reads such a file
and reports "nothing found" is dangerous, so varhlh refuses (:class:`~varhlh.errors.InputError`,
exit 3) or warns. Every message names the file, the record (``CHROM:POS``) or line, and the fix.

Refused (the rule, then why):

* header: first line not ``##fileformat=VCF``; ``#CHROM`` line missing, not tab-separated or
  followed by more header lines; a header line that is not UTF-8; no sample column (zygosity is
  the product); empty, duplicate or non-UTF-8 sample names; an invalid Number/Type on a field
  varhlh reads;
* records: column count different from the header's (a lost newline merges two records); NUL
  bytes or non-UTF-8 text (what a crash leaves; htslib misparses it); GT absent from FORMAT or
  not allele numbers; an allele index above the number of ALTs; ``Number=A/R/G`` fields that
  varhlh uses (FORMAT/AD, the frequency and ClinVar INFO fields) with the wrong number of values;
  REF/ALT other than A/C/G/T/N, symbolic ``<ID>``, ``*`` or a breakend (IUPAC codes, garbage);
  gVCF alleles (``<NON_REF>``, ``<*>``): reference blocks assert reference over whole stretches;
  records on a primary chromosome that the header's ``##contig`` lines do not declare.

The raw-text checks (:func:`check_lines`) run on the lines the streamed path keeps; through an
index only the parsed record is seen (htslib drops extra columns unseen there).

Warned (the warning lands in JSON ``warnings`` and ``limitations``): lowercase alleles
(upper-cased, the specification is case-insensitive); plain gzip or uncompressed text named
``.gz``; ploidy inconsistent with the chromosome and sex (:func:`ploidy_flag`).

Symbolic deletions reach to INFO/END, else ``POS + |SVLEN|`` (htslib ignores SVLEN), so a
deletion that starts upstream of a gene still counts as in the gene (:func:`record_end`).
Only checks that cost a few microseconds per record run on the hot path.
"""

from __future__ import annotations

import dataclasses
import re
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from varhlh.errors import InputError
from varhlh.models import QualityFlag, SampleCall, Sex, VcfRecord

_BASES = re.compile(r"[ACGTN]+")
_BASES_ANY_CASE = re.compile(r"[ACGTNacgtn]+")
_SYMBOLIC = re.compile(r"<[^<>\s,]+>")
_BREAKEND = re.compile(r"[ACGTNacgtn]+[\[\]][^\[\]\s]+[\[\]]|[\[\]][^\[\]\s]+[\[\]][ACGTNacgtn]+"
                       r"|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.")
_GT = re.compile(rb"(?:\.|\d+)(?:[/|](?:\.|\d+))*")
_GVCF_BLOCK = ("<NON_REF>", "<*>")
_FIXED = ("#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO")
_PRIMARY = frozenset((*(str(i) for i in range(1, 23)), "X", "Y"))
_VECTOR_END = -2147483647
_MISSING = -2147483648
_TYPES = frozenset(("Integer", "Float", "String", "Character", "Flag"))
_NUMBER = re.compile(r"\d+|[ARGP.]")
_HEADER_LIMIT = 64 << 20
"""At most this many header bytes are checked (a real header is well below a megabyte)."""
MAX_LINE_BYTES = 64 << 20
"""Default of ``Settings.max_line_bytes``: the longest line (header or record) read; a longer one is refused."""
_VCF_START = b"##fileformat=VCF"
_SPLIT_FIX = "split multi-allelic records with `bcftools norm -m-any` (it rewrites Number=A/R fields)"


# ---------------------------------------------------------------------- header


def check_header(lines: Iterable[bytes], source: str) -> tuple[str, ...]:
    """Check the ``##`` and ``#CHROM`` lines (raw bytes); return the sample names or refuse."""
    samples: tuple[str, ...] | None = None
    number = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip(b"\r\n")
        if number == 1 and not line.startswith(b"##fileformat=VCF"):
            shown = line[:40].decode("utf-8", "replace")
            msg = f"{source}: line 1 is {shown!r}, not '##fileformat=VCF…'; this is not a VCF file"
            raise InputError(msg)
        if not line.startswith(b"#"):
            break
        if samples is not None:
            msg = f"{source}: line {number}: a header line after the '#CHROM' line; the header is corrupt — fix it"
            raise InputError(msg)
        if line.startswith(b"#CHROM"):
            samples = _samples(line, number, source)
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = (f"{source}: line {number} is not valid UTF-8 (bytes {exc.object[exc.start:exc.end].hex(' ')}); "
                   "the header is corrupt — fix or regenerate it")
            raise InputError(msg) from None
        if not line.startswith(b"##"):
            msg = f"{source}: line {number}: no '#CHROM' header line before the records; add the column header line"
            raise InputError(msg)
    if number == 0:
        msg = f"{source}: the file is empty; provide a VCF with a header and records"
        raise InputError(msg)
    if samples is None:
        where = f"line {number}: " if number else ""
        msg = f"{source}: {where}no '#CHROM' header line before the records; the header is incomplete (truncated file?)"
        raise InputError(msg)
    return samples


def _samples(line: bytes, number: int, source: str) -> tuple[str, ...]:
    columns = line.split(b"\t")
    fixed = tuple(c.decode("utf-8", "replace") for c in columns[:8])
    if fixed != _FIXED:
        how = "separated by spaces, not tabs" if b"\t" not in line else f"not {' '.join(_FIXED)}"
        msg = (f"{source}: line {number}: the '#CHROM' columns are {how}; "
               "rewrite the header line with tab-separated standard columns")
        raise InputError(msg)
    if len(columns) < 10 or columns[8] != b"FORMAT":
        msg = (f"{source}: line {number}: no FORMAT and sample columns (a sites-only VCF); varhlh needs the "
               "patient's genotypes — provide the called VCF of the patient")
        raise InputError(msg)
    names: list[str] = []
    for i, raw in enumerate(columns[9:], start=1):
        try:
            name = raw.decode("utf-8")
        except UnicodeDecodeError:
            msg = (f"{source}: line {number}: sample {i} name is not valid UTF-8 (bytes {raw.hex(' ')}); "
                   "rename the sample with `bcftools reheader -s`")
            raise InputError(msg) from None
        if not name.strip():
            msg = f"{source}: line {number}: sample {i} has an empty name; name it with `bcftools reheader -s`"
            raise InputError(msg)
        names.append(name)
    duplicates = sorted(n for n, c in Counter(names).items() if c > 1)
    if duplicates:
        msg = (f"{source}: line {number}: duplicate sample name(s) {', '.join(duplicates)}; "
               "give every sample a unique name with `bcftools reheader -s`")
        raise InputError(msg)
    return tuple(names)


def check_stream_start(head: bytes, source: str) -> None:
    """The first bytes of a spooled stream must start a VCF, a gzip/BGZF file or a BCF: ``/dev/zero`` or a
    binary stream is refused after one chunk instead of being copied forever."""
    if head.startswith((b"\x1f\x8b", b"BCF")) or (head and head[: len(_VCF_START)] == _VCF_START[: len(head)]):
        return
    binary = any(b < 9 or 13 < b < 32 for b in head[:16])
    shown = head[:16].hex(" ") if binary else repr(head[:40].decode("utf-8", "replace"))
    what = "is empty" if not head else f"starts with {shown}"
    msg = f"{source}: the input {what}, not '##fileformat=VCF…', gzip or BCF; this is not a VCF"
    raise InputError(msg)


def header_lines(path: Path, kind: str, source: str, max_line: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The raw header lines of a text, gzip or BGZF VCF, and the first record line.

    BGZF blocks are inflated one by one with their CRC checked, so a corrupt header block is
    named as such (htslib would only say it cannot parse the header). A line longer than ``max_line``
    bytes is refused before it is held whole (a header followed by gigabytes of NULs).
    """
    read = 0
    number = 0
    try:
        for line in _lines(path, kind, max_line):
            number += 1
            if len(line) > max_line:
                nul = " of NUL bytes" if b"\0" in line[:4096] else ""
                msg = (f"{source}: line {number} is longer than max_line_bytes ({max_line:,} bytes{nul}); the file "
                       "is corrupt or not a VCF — check the step that produced it (or raise max_line_bytes with "
                       "--config)")
                raise InputError(msg)
            yield line
            read += len(line)
            if not line.startswith(b"#") or read > _HEADER_LIMIT:
                return
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"{source}: cannot decompress the header ({exc}); the file is corrupt or truncated"
        raise InputError(msg) from exc


def _lines(path: Path, kind: str, max_line: int) -> Iterator[bytes]:
    """Lines of at most ``max_line + 1`` bytes (a longer line is cut there, so the caller can refuse it)."""
    if kind == "bgzf":
        yield from _bgzf_lines(path, max_line)
        return
    import gzip

    with (gzip.open(path, "rb") if kind == "gzip" else path.open("rb")) as fh:
        while line := fh.readline(max_line + 1):
            yield line


def _bgzf_lines(path: Path, max_line: int) -> Iterator[bytes]:
    pieces: list[bytes] = []  # the current line's pieces (joined once: a long line costs linear time)
    held = 0
    with path.open("rb") as fh:
        while len(head := fh.read(18)) == 18:
            if head[:4] != b"\x1f\x8b\x08\x04" or head[12:14] != b"BC":
                msg = "not a BGZF block"
                raise OSError(msg)
            data = zlib.decompress(head + fh.read(int.from_bytes(head[16:18], "little") + 1 - 18), 31)
            if b"\n" not in data:
                pieces.append(data)
                held += len(data)
                if held > max_line:
                    yield b"".join(pieces)
                    return
                continue
            lines = (b"".join(pieces) + data if pieces else data).split(b"\n")
            last = lines.pop()
            pieces, held = [last], len(last)
            for line in lines:
                yield line + b"\n"
            if held > max_line:
                yield last
                return
    if held:
        yield b"".join(pieces)


def input_warnings(path: Path, kind: str, source: str) -> list[str]:
    """Warnings about how the input is packaged (it is still read)."""
    gz_name = path.name.endswith((".gz", ".bgz")) or source.endswith((".gz", ".bgz"))
    if kind == "text" and gz_name:
        return [f"{source} is named .gz but is not compressed; it was read as plain text"]
    if kind == "gzip":
        return [f"{source} is plain gzip, not BGZF: it cannot be indexed, so it was streamed; "
                "re-compress it with `bgzip` and index it with `tabix -p vcf` for speed"]
    return []


def check_types(defined: Mapping[str, Any], used: Iterable[str], kind: str, source: str) -> None:
    """The header definitions of the fields varhlh reads have a valid Number and Type."""
    for key in used:
        definition = defined.get(key)
        if definition is None:
            continue
        if definition.type not in _TYPES or not _NUMBER.fullmatch(definition.number):
            msg = (f"{source}: the header declares {kind}/{key} with Number={definition.number}, "
                   f"Type={definition.type}; varhlh reads this field — fix its ##{kind} line")
            raise InputError(msg)


# ---------------------------------------------------------------------- records


class RecordValidator:
    """Checks every record varhlh reads; refuses or normalises it, and collects warnings."""

    def __init__(self, info_numbers: Mapping[str, str], source: str, ad_number: str | None = None) -> None:
        self.source = source
        self.per_value = {k: n for k, n in info_numbers.items() if n in ("A", "R", "G")}
        self.check_ad = ad_number in ("R", None)
        self.lowercase: list[str] = []
        self.valid: set[str] = set()
        """Upper-case base strings already accepted (a cache: most alleles are short and repeat)."""

    def check(self, record: VcfRecord, ad: Any = None, sample_names: tuple[str, ...] = ()) -> VcfRecord:
        """The record as used downstream (alleles upper-cased), or :class:`InputError`."""
        n_alt = len(record.alts)
        valid = self.valid
        if record.ref not in valid or not all(alt in valid for alt in record.alts):
            record = self._alleles(record, self._where(record))
        for call in record.calls.values():
            for allele in call.alleles:
                if allele is not None and allele > n_alt:
                    msg = (f"{self._where(record)}: sample {call.sample} genotype {call.genotype} refers to allele "
                           f"{allele}, but the record has {n_alt} ALT allele(s); the record is corrupt — {_SPLIT_FIX}")
                    raise InputError(msg)
        if self.per_value:
            info = record.info
            for key, number in self.per_value.items():
                text = info.get(key)
                if text and text.count(",") + 1 != (n_alt if number == "A" else n_alt + 1):  # G: checked in full
                    _check_count(self._where(record), f"INFO/{key}", number, text.count(",") + 1, n_alt)
        if ad is not None and self.check_ad:
            self._ad(record, ad, n_alt, sample_names)
        return record

    def _where(self, record: VcfRecord) -> str:
        return f"{self.source}: record {record.chrom}:{record.pos}"

    def _alleles(self, record: VcfRecord, where: str) -> VcfRecord:
        ref = _allele(record.ref, where, "REF", ref=True)
        alts = tuple(_allele(alt, where, "ALT") for alt in record.alts)
        if len(self.valid) < 4096:
            self.valid.update(a for a in (ref, *alts) if len(a) <= 8 and _BASES.fullmatch(a))
        for alt in alts:
            if alt in _GVCF_BLOCK:
                msg = (f"{where}: ALT {alt} is a gVCF reference block; varhlh reads called VCFs — genotype the gVCF "
                       "first (GATK GenotypeGVCFs, or `bcftools convert --gvcf2vcf -f ref.fa`)")
                raise InputError(msg)
        if ref != record.ref or alts != record.alts:
            if len(self.lowercase) < 3:
                self.lowercase.append(f"{record.chrom}:{record.pos}")
            else:
                self.lowercase.append("")
            return dataclasses.replace(record, ref=ref, alts=alts)
        return record

    def _ad(self, record: VcfRecord, ad: Any, n_alt: int, samples: tuple[str, ...]) -> None:
        rows = ad.tolist()
        for i, row in enumerate(rows):
            if not row or row[0] == _MISSING:
                continue  # AD '.'
            length = row.index(_VECTOR_END) if _VECTOR_END in row else len(row)
            if length != n_alt + 1:
                name = samples[i] if i < len(samples) else str(i + 1)
                msg = (f"{self._where(record)}: FORMAT/AD of sample {name} has {length} value(s), but Number=R "
                       f"needs {n_alt + 1} (REF + {n_alt} ALT); {_SPLIT_FIX}")
                raise InputError(msg)

    def warnings(self) -> list[str]:
        if not self.lowercase:
            return []
        shown = ", ".join(w for w in self.lowercase if w)
        return [f"{len(self.lowercase)} record(s) had lowercase REF/ALT bases ({shown}…); they were upper-cased "
                "(the VCF specification is case-insensitive)"]


def _allele(allele: str, where: str, column: str, *, ref: bool = False) -> str:
    if _BASES.fullmatch(allele):
        return allele
    if _BASES_ANY_CASE.fullmatch(allele):
        return allele.upper()
    if not ref and (allele == "*" or _SYMBOLIC.fullmatch(allele) or _BREAKEND.fullmatch(allele)):
        return allele
    shown = allele if len(allele) <= 20 else allele[:20] + "…"
    what = "IUPAC ambiguity code" if re.fullmatch(r"[ACGTNRYKMSWBDHVacgtnrykmswbdhv]+", allele) else "invalid allele"
    msg = (f"{where}: {column} {shown!r} is an {what}; only A, C, G, T, N{'' if ref else ', *, <ID> or breakends'} "
           "are allowed — fix the caller output or normalise with `bcftools norm -f ref.fa -c s`")
    raise InputError(msg)


def _check_count(where: str, field: str, number: str, found: int, n_alt: int) -> None:
    expected = {"A": n_alt, "R": n_alt + 1, "G": (n_alt + 1) * (n_alt + 2) // 2}[number]
    if found == expected or (number == "G" and found == n_alt + 1):  # G of a haploid call
        return
    msg = (f"{where}: {field} has {found} value(s), but Number={number} needs {expected} for {n_alt} ALT allele(s); "
           f"{_SPLIT_FIX}")
    raise InputError(msg)


def record_end(pos: int, end: int, alts: Iterable[str], info: Any) -> int:
    """Last reference base a record covers: htslib's END, else POS + |SVLEN| for symbolic SVs."""
    if end > pos or not any(a.startswith("<") for a in alts):
        return max(end, pos)
    svlen = info.get("SVLEN")
    if svlen is None:
        return pos
    values = svlen if isinstance(svlen, tuple | list) else (svlen,)
    lengths = [abs(int(v)) for v in values if v is not None]
    if not lengths or all(a.startswith("<INS") for a in alts if a.startswith("<")):
        return pos
    return pos + max(lengths)


def check_lines(fh: BinaryIO, columns: int, source: str) -> None:
    """Record lines of a (small, extracted) text VCF: exactly ``columns`` tab-separated fields, and
    every sample's GT made of allele numbers or '.' (htslib's error would not name the record)."""
    for raw in fh:
        if raw.startswith(b"#"):
            continue
        fields = raw.rstrip(b"\r\n").split(b"\t")
        if b"\0" in raw:  # NUL runs are what a crash leaves in a file; htslib misparses them (cyvcf2 segfaults)
            place = b":".join(fields[:2]).decode("utf-8", "replace")[:60]
            msg = f"{source}: record {place}: contains NUL bytes (file corruption); obtain an intact copy of the file"
            raise InputError(msg)
        if len(fields) != columns:
            place = b":".join(fields[:2]).decode("utf-8", "replace")[:60]
            more = "two records merged on one line (a lost newline?)" if len(fields) > columns else "missing columns"
            msg = (f"{source}: record {place}: {len(fields)} columns, but the header has {columns} ({more}); "
                   "the file is corrupt — regenerate it")
            raise InputError(msg)
        if columns > 9 and fields[8][:3] not in (b"GT", b"GT:"):
            place = b":".join(fields[:2]).decode("utf-8", "replace")[:60]
            msg = (f"{source}: record {place}: no GT in FORMAT (or not first, as the specification requires); "
                   "varhlh needs every sample's GT — use the called VCF")
            raise InputError(msg)
        if columns > 9:
            for sample in fields[9:]:
                gt = sample.split(b":", 1)[0]
                if not _GT.fullmatch(gt):
                    place = b":".join(fields[:2]).decode("utf-8", "replace")[:60]
                    shown = gt[:20].decode("utf-8", "replace")
                    msg = (f"{source}: record {place}: GT {shown!r} is not allele numbers or '.' separated by / or |; "
                           "fix the genotype column")
                    raise InputError(msg)
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            place = b":".join(fields[:2]).decode("utf-8", "replace")[:60]
            msg = (f"{source}: record {place}: not valid UTF-8 text (bytes {exc.object[exc.start:exc.end].hex(' ')}); "
                   "the file is corrupt — regenerate it")
            raise InputError(msg) from None


def check_contigs(seen: Iterable[str], declared: Mapping[str, int | None], source: str) -> list[str]:
    """Records on contigs the header does not declare: refused on primary chromosomes, else warned."""
    from varhlh.genome import canonical_chrom

    if not declared:
        return []
    missing = [c for c in seen if c not in declared]
    primary = [c for c in missing if canonical_chrom(c) in _PRIMARY]
    if primary:
        msg = (f"{source}: records on contig {primary[0]}, which the header's ##contig lines do not declare; the "
               "header does not match the records — fix it with `bcftools reheader --fai ref.fa.fai`")
        raise InputError(msg)
    if missing:
        return [f"records on contig(s) not declared in the header were ignored: {', '.join(missing[:5])}"]
    return []


# ---------------------------------------------------------------------- ploidy


def ploidy_flag(call: SampleCall | None, chrom: str | None, in_par: bool, sex: Sex) -> str | None:
    """A genotype flag when the call's ploidy contradicts the chromosome and sex, else None.

    Diploid is expected on autosomes, in the PARs and on a female X; a male X outside the PARs and Y
    may be haploid or diploid (callers emit ``1/1``); more than two alleles is never expected.
    """
    if call is None or not call.alleles:
        return None
    ploidy = len(call.alleles)
    if ploidy > 2:
        return f"{QualityFlag.PLOIDY.value}_{ploidy}_call"
    if ploidy == 1 and chrom not in ("X", "Y", "MT"):
        return QualityFlag.HAPLOID_ON_AUTOSOME.value
    if ploidy == 1 and chrom == "X" and (in_par or sex is Sex.FEMALE):
        flag = QualityFlag.HAPLOID_IN_PAR if in_par else QualityFlag.HAPLOID_IN_FEMALE_X
        return flag.value
    return None


def is_ploidy_flag(flag: str) -> bool:
    kind = QualityFlag.kind(flag)
    return kind is not None and kind.is_ploidy


def ploidy_warnings(flagged: Iterable[str]) -> list[str]:
    """One warning per kind of ploidy flag, with a count (input: the flag of every flagged allele)."""
    counts = Counter(flagged)
    return [f"{n} allele(s) with genotype flag {flag}: ploidy inconsistent with the chromosome and sex; those "
            "calls cannot be interpreted as diploid and need confirmation" for flag, n in sorted(counts.items())]

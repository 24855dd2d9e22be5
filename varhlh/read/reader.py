"""Read stage: open a VCF/BCF (file or stdin), parse its header, and yield the panel-region records.

With :mod:`varhlh.read.matrix` (cohort genotypes), the only module that imports cyvcf2. Access
strategy, recorded in provenance:

* a valid index (``.tbi``/``.csi`` newer than the data, naming only header contigs, pointing
  inside the file) -> region queries, one per merged panel region;
* otherwise -> :mod:`varhlh.read.scan` streams the file once, keeps the header and the lines near the
  panel regions, and cyvcf2 parses only those;
* BCF without an index -> cyvcf2 iterates the whole file (slow; index BCF files with
  ``bcftools index``).

Genotypes are converted to plain allele indices here; cyvcf2's ``gt_types`` never leaves.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import math
import re
import struct
import tempfile
import warnings
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from varhlh.errors import InputError
from varhlh.fileio import BackgroundDigest, spool_stdin
from varhlh.models import Access, SampleCall, VcfRecord
from varhlh.read import index_check, validate
from varhlh.read.scan import BGZF_EOF, Targets, merge_spans, scan

_INT_MISSING = -2147483648
_HEADER_FIELD = re.compile(
    r'##(INFO|FORMAT)=<ID=([^,>]+),Number=([^,>]+),Type=([^,>]+)(?:,Description="((?:[^"\\]|\\.)*)")?')
_CONTIG = re.compile(r"##contig=<ID=([^,>]+)(?:,.*?length=(\d+))?", re.IGNORECASE)
_FORMAT_KEYS = ("PS", "PGT", "PID", "GQ", "DP", "AD")


@dataclass(frozen=True)
class FieldDef:
    id: str
    number: str
    type: str
    description: str


@dataclass(frozen=True)
class Header:
    samples: tuple[str, ...]
    contigs: Mapping[str, int | None]
    reference: str | None
    info: Mapping[str, FieldDef]
    formats: Mapping[str, FieldDef]
    raw: str


class VcfReader:
    """An open input: header facts now, records of the requested regions on demand."""

    def __init__(self, path: str, samples: Sequence[str] | None = None, threads: int = 2,
                 display: str | None = None) -> None:
        self.display = display or path
        self._tmp = tempfile.TemporaryDirectory(prefix="varhlh-")
        self.path = spool_stdin(Path(self._tmp.name)) if path == "-" else Path(path)
        self.threads = threads
        self._samples: list[str] | None = list(samples) if samples is not None else None
        self.kind = _sniff(self.path, self.display)
        if self.kind != "bcf":
            validate.check_header(validate.header_lines(self.path, self.kind, self.display), self.display)
        self.warnings = validate.input_warnings(self.path, self.kind, self.display)
        self.index, self.index_note = _usable_index(self.path, self.kind)
        self._vcf = self._open(self.path, samples=None)
        self.header = _header_of(self._vcf, self.display)
        if self.index is not None and not _index_matches_header(self.index, self.header):
            foreign = self.index.name
            self.index, self.index_note = None, (f"index {foreign} names contigs absent from the header "
                                                 "(foreign index), so it was ignored")
        if self.index is not None and (problem := index_check.problem(self.index, self.path, self.header.contigs)):
            note = f"index {self.index.name} {problem}, so it was ignored"
            self.index, self.index_note = None, note
        formats = self.header.formats
        validate.check_types(formats, _FORMAT_KEYS, "FORMAT", self.display)
        self.validator = validate.RecordValidator({k: d.number for k, d in self.header.info.items()}, self.display,
                                                  formats["AD"].number if "AD" in formats else None)
        self.contigs_seen: list[str] | None = None
        self._sha256: str | None = None
        self._info_keys: Collection[str] | None = None
        self._digest: BackgroundDigest | None = None
        self.access = ""
        """How the records were read, in words (``input.access`` of the result)."""
        self.access_mode: Access | None = None
        self.extract: Path | None = None
        """The panel-region lines of a streamed input kept for the annotated VCF (``records(keep=…)``)."""

    def close(self) -> None:
        self._vcf.close()  # stops htslib's decompression threads (the cohort path forks workers afterwards)
        self._tmp.cleanup()

    def __enter__(self) -> VcfReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def select_samples(self, samples: Sequence[str]) -> None:
        """Parse genotypes of these samples only (the reader subsets them in C)."""
        self._samples = list(samples)
        self._vcf.set_samples(self._samples)

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            if self._digest is None:
                self._digest = BackgroundDigest(self.path)
            try:
                self._sha256 = self._digest.hexdigest() or ""
            except OSError as exc:
                msg = f"{self.display}: cannot read input while hashing ({exc}); check the file"
                raise InputError(msg) from exc
        return self._sha256

    def records(self, regions: Mapping[str, Sequence[tuple[int, int]]], window: int,
                info_keys: Collection[str] | None = None, keep: Path | None = None) -> Iterator[VcfRecord]:
        """Every record overlapping ``regions`` (VCF contig name -> 1-based inclusive spans).

        ``keep``: a directory that outlives the reader; a streamed input leaves its panel-region lines there as
        ``panel_records.vcf`` (header and the original lines, every sample), which :attr:`extract` names, so
        the annotated VCF is written without reading the input again.

        Only the INFO fields in ``info_keys`` are converted (all declared ones when None).
        """
        self._info_keys = info_keys
        validate.check_types(self.header.info, self.header.info if info_keys is None else info_keys, "INFO",
                             self.display)
        if self.index is not None:
            self._digest = BackgroundDigest(self.path)
            self.access_mode, self.access = Access.INDEX, f"index ({self.index.name})"
            yield from self._query(regions, window)
        elif self.kind == "bcf":
            self._digest = BackgroundDigest(self.path)
            self.access_mode, self.access = Access.FULL_BCF, f"full BCF iteration ({self.index_note})"
            yield from self._iterate(self.path, regions)
        else:
            self.access_mode, self.access = Access.STREAMED, f"streamed with panel pre-filter ({self.index_note})"
            yield from self._stream(regions, window, keep)

    # ------------------------------------------------------------------ strategies

    def _query(self, regions: Mapping[str, Sequence[tuple[int, int]]], window: int) -> Iterator[VcfRecord]:
        """Region queries widened ``window`` bp upstream: a symbolic deletion with SVLEN but no END is
        indexed at its POS only, yet reaches into the region (same window as the streamed path)."""
        vcf = self._vcf
        vcf.set_index(str(self.index))
        warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)
        converter = _Converter(vcf, self.header, self._info_keys, self.validator)
        for query in query_plan(regions):
            for variant in query_variants(vcf, query, window, self.display):
                yield converter.record(variant)

    def has_records(self, contig: str) -> bool:
        """Whether the input has at least one record on ``contig`` (an index query for an indexed input; the
        contigs seen for a streamed or fully iterated one)."""
        if self.contigs_seen is not None:
            return contig in self.contigs_seen
        if self.index is None:
            return True
        try:
            return next(iter(self._vcf(contig)), None) is not None
        except (ValueError, OSError):  # a contig the index does not know
            return False

    def _stream(self, regions: Mapping[str, Sequence[tuple[int, int]]], window: int,
                keep: Path | None = None) -> Iterator[VcfRecord]:
        hasher = hashlib.sha256()
        extract = (keep or Path(self._tmp.name)) / "panel_records.vcf"
        if keep is not None:
            self.extract = extract
        with self.path.open("rb") as fh, extract.open("wb") as out:
            stats = scan(fh, self.kind, Targets.build(regions, window), out, hasher, self.display, self.threads)
        self._sha256 = hasher.hexdigest()
        self.contigs_seen = [c.decode("utf-8", "replace") for c in stats.contigs]
        self.warnings += validate.check_contigs(self.contigs_seen, self.header.contigs, self.display)
        with extract.open("rb") as fh:
            validate.check_lines(fh, 9 + len(self.header.samples), self.display)
        yield from self._iterate(extract, regions)

    def _iterate(self, path: Path, regions: Mapping[str, Sequence[tuple[int, int]]]) -> Iterator[VcfRecord]:
        targets = {contig: merge_spans(spans) for contig, spans in regions.items()}
        vcf = self._vcf if path == self.path else self._open(path, self._samples)
        converter = _Converter(vcf, self.header, self._info_keys, self.validator)
        count = 0
        seen: dict[str, None] = {}
        for variant in _guarded(vcf, self.display):
            count += 1
            seen[variant.CHROM] = None
            spans = targets.get(variant.CHROM)
            if spans and any(e >= variant.POS and _reach(variant, self.display) >= s for s, e in spans):
                yield converter.record(variant)
        if count == 0 and path == self.path:
            msg = f"{self.display}: the VCF has a header but no records; check the step that produced it"
            raise InputError(msg)
        if path == self.path:
            self.contigs_seen = list(seen)

    def _open(self, path: Path, samples: Sequence[str] | None) -> Any:
        from cyvcf2 import VCF
        from cyvcf2.cyvcf2 import set_htslib_log_level

        # htslib's own stderr lines would break the one-line refusal; -v (debug logging) keeps them
        set_htslib_log_level(3 if logging.getLogger("varhlh").isEnabledFor(logging.DEBUG) else 0)

        try:
            return VCF(str(path), gts012=True, strict_gt=True, lazy=True, threads=self.threads,
                       samples=list(samples) if samples is not None else None)
        except UnicodeDecodeError as exc:
            msg = f"{self.display}: the header is not valid UTF-8 ({exc.reason}); fix the sample names"
            raise InputError(msg) from exc
        except Exception as exc:  # cyvcf2 raises bare Exception("cannot parse VCF header")
            msg = f"{self.display}: cannot parse the VCF header ({exc}); check that the file is a valid VCF"
            raise InputError(msg) from exc


def query_plan(regions: Mapping[str, Sequence[tuple[int, int]]]) -> list[tuple[str, int, int, int]]:
    """The indexed queries for ``regions``, in order: ``(contig, start, end, previous_end)`` per merged span."""
    plan = []
    for contig, spans in regions.items():
        previous_end = 0
        for start, end in merge_spans(spans):
            plan.append((contig, start, end, previous_end))
            previous_end = end
    return plan


def query_variants(vcf: Any, query: tuple[str, int, int, int], window: int, display: str) -> Iterator[Any]:
    """The cyvcf2 variants of one planned query: widened ``window`` bp upstream, minus the records the previous
    query of the contig examined and the upstream ones that do not reach the span (shared with the cohort reader)."""
    contig, start, end, previous_end = query
    text = f"{contig}:{max(1, start - window)}-{end}"
    for variant in _guarded(vcf(text), display, text):
        pos = variant.POS
        if pos <= previous_end:
            continue  # already examined by the previous region's query
        if pos < start and variant.end < start and _reach(variant, display) < start:
            continue  # upstream, and does not reach the region
        yield variant


def _guarded(vcf: Any, source: str, region: str = "") -> Iterator[Any]:
    last = None
    try:
        for variant in vcf:
            last = variant
            yield variant
    except Exception as exc:  # cyvcf2 raises bare Exception on record parse errors
        after = (f"the record after {last.CHROM}:{last.POS}" if last is not None
                 else f"the first record{' of ' + region if region else ''}")
        msg = (f"{source}: cannot parse {after} (malformed value, e.g. a GT that is not a number or '.'); "
               "validate the file with `bcftools view`")
        raise InputError(msg) from exc


def _reach(variant: Any, source: str) -> int:
    """Last reference base of a cyvcf2 variant, counting SVLEN of symbolic alleles."""
    end = int(variant.end)
    if end > variant.POS:
        return end
    try:
        return validate.record_end(variant.POS, end, variant.ALT, variant.INFO)
    except UnicodeDecodeError as exc:
        raise _not_utf8(variant, exc, source) from exc


def _not_utf8(variant: Any, exc: UnicodeDecodeError, source: str) -> InputError:
    return InputError(f"{source}: record at position {variant.POS}: a field is not valid UTF-8 text (bytes "
                      f"{exc.object[exc.start:exc.end][:8].hex(' ')}); the file is corrupt — regenerate it")



# ---------------------------------------------------------------------- header and file type


def _sniff(path: Path, source: str) -> str:
    try:
        with path.open("rb") as fh:
            head = fh.read(18)
    except OSError as exc:
        msg = f"{source}: cannot read input ({exc.strerror}); check the path and permissions"
        raise InputError(msg) from exc
    if not head:
        msg = f"{source}: the file is empty; provide a VCF with a header and records"
        raise InputError(msg)
    if head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC":
        with gzip.open(path, "rb") as fh:
            try:
                magic = fh.read(3)
            except (OSError, EOFError) as exc:
                msg = f"{source}: corrupt compressed data at the start of the file ({exc})"
                raise InputError(msg) from exc
        return "bcf" if magic == b"BCF" else "bgzf"
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BCF":
        return "bcf"
    return "text"


def _header_of(vcf: Any, source: str) -> Header:
    try:
        raw, samples = vcf.raw_header, tuple(vcf.samples)
    except UnicodeDecodeError as exc:
        msg = f"{source}: the header is not valid UTF-8 ({exc.reason}); fix the sample names"
        raise InputError(msg) from exc
    return _parse_header(raw, samples)


def _parse_header(raw: str, samples: tuple[str, ...]) -> Header:
    info: dict[str, FieldDef] = {}
    formats: dict[str, FieldDef] = {}
    contigs: dict[str, int | None] = {}
    reference = None
    for line in raw.splitlines():
        if line.startswith(("##INFO=", "##FORMAT=")):
            if m := _HEADER_FIELD.match(line):
                table = info if m.group(1) == "INFO" else formats
                table[m.group(2)] = FieldDef(m.group(2), m.group(3), m.group(4), m.group(5) or "")
        elif line.startswith("##contig="):
            if m := _CONTIG.match(line):
                contigs[m.group(1)] = int(m.group(2)) if m.group(2) else None
        elif line.startswith("##reference=") or (line.startswith("##assembly=") and reference is None):
            reference = line.split("=", 1)[1]
    return Header(samples, contigs, reference, info, formats, raw)


def _usable_index(path: Path, kind: str) -> tuple[Path | None, str]:
    """An index that can be trusted for region queries, or None and the reason it cannot."""
    if kind not in ("bgzf", "bcf"):
        return None, f"{kind} input cannot be indexed"
    candidates = [Path(f"{path}.csi"), Path(f"{path}.tbi")] if kind == "bcf" else [
        Path(f"{path}.tbi"), Path(f"{path}.csi")]
    found = [c for c in candidates if c.is_file()]
    if not found:
        return None, "no .tbi/.csi index"
    index = found[0]
    if index.stat().st_mtime < path.stat().st_mtime:
        return None, f"index {index.name} is older than the data file, so it was ignored"
    if not _eof_ok(path):
        return None, "BGZF end-of-file marker missing"
    return index, "index"


def _eof_ok(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        if size < len(BGZF_EOF):
            return False
        fh.seek(size - len(BGZF_EOF))
        return fh.read() == BGZF_EOF


# ---------------------------------------------------------------------- record conversion


class _Converter:
    """Turns cyvcf2 variants into :class:`VcfRecord`, reading only the fields the stages use."""

    def __init__(self, vcf: Any, header: Header, info_keys: Collection[str] | None = None,
                 validator: validate.RecordValidator | None = None) -> None:
        self.samples = tuple(vcf.samples)
        self.info_keys = tuple(k for k in header.info if info_keys is None or k in info_keys)
        self.format_keys = tuple(k for k in _FORMAT_KEYS if k in header.formats)
        self.validator = validator or validate.RecordValidator({}, "input")

    def record(self, variant: Any) -> VcfRecord:
        try:
            return self._record(variant)
        except UnicodeDecodeError as exc:  # cyvcf2 decodes CHROM, ID, REF, ALT, FILTER and INFO strings as UTF-8
            raise _not_utf8(variant, exc, self.validator.source) from exc
        except Exception as exc:
            if type(exc) is not Exception:  # cyvcf2 raises bare Exception; anything else is a bug in varhlh
                raise
            msg = (f"{self.validator.source}: record at position {variant.POS}: a field cannot be read ({exc}); "
                   "validate the file with `bcftools view`")
            raise InputError(msg) from exc

    def _record(self, variant: Any) -> VcfRecord:
        info = {}
        for key in self.info_keys:
            value = variant.INFO.get(key)
            if value is not None:
                info[key] = _info_text(value)
        filters = tuple(f for f in (variant.FILTER or "").split(";") if f and f != "PASS")
        formats: dict[str, Any] = {}
        calls: dict[str, SampleCall] = {}
        if self.samples:  # none in the cohort's sites pass: cyvcf2 0.35 crashes reading FORMAT of a sample-less BCF
            formats = {key: variant.format(key) for key in self.format_keys}
            genotypes = self._genotypes(variant)
            calls = {name: self._call(genotypes, i, name, formats) for i, name in enumerate(self.samples)}
        qual = variant.QUAL
        alts = tuple(variant.ALT)
        record = VcfRecord(
            chrom=variant.CHROM, pos=variant.POS, end=validate.record_end(variant.POS, variant.end, alts, variant.INFO),
            id=variant.ID, ref=variant.REF, alts=alts, qual=None if qual is None else float(qual),
            filters=filters, info=info, calls=calls,
        )
        return self.validator.check(record, formats.get("AD"), self.samples)

    def _genotypes(self, variant: Any) -> Any:
        try:
            return variant.genotypes
        except Exception as exc:  # cyvcf2 raises a bare Exception("error parsing genotypes")
            # never touch variant.FORMAT here: with lazy parsing cyvcf2 0.35 segfaults on an undeclared FORMAT tag
            msg = (f"{self.validator.source}: record {variant.CHROM}:{variant.POS}: the genotypes cannot be read "
                   "(no GT in FORMAT, or fewer sample columns than the header); varhlh needs every sample's GT — use "
                   "the called VCF")
            raise InputError(msg) from exc

    def _call(self, genotypes: Any, i: int, name: str, formats: Mapping[str, Any]) -> SampleCall:
        return sample_call(genotypes, i, name, formats)


def sample_call(genotypes: Any, i: int, name: str, formats: Mapping[str, Any]) -> SampleCall:
    """Sample ``i``'s call: cyvcf2 genotype entries (``[allele, ..., phased]``) and FORMAT arrays, row ``i``.

    Shared with the cohort reader (:mod:`varhlh.read.matrix`), which passes rows of its genotype matrix.
    """
    raw = genotypes[i] if genotypes else [-1, False]
    alleles = tuple(None if a < 0 else int(a) for a in raw[:-1])
    phased = bool(raw[-1]) and len(alleles) > 1
    sep = "|" if phased else "/"
    genotype = sep.join("." if a is None else str(a) for a in alleles)
    return SampleCall(
        sample=name, genotype=genotype, alleles=alleles, phased=phased,
        phase_set=_scalar_text(formats.get("PS"), i), pgt=_scalar_text(formats.get("PGT"), i),
        pid=_scalar_text(formats.get("PID"), i), gq=_scalar_number(formats.get("GQ"), i),
        dp=_int_or_none(_scalar_number(formats.get("DP"), i)), ad=_vector(formats.get("AD"), i),
    )


def _info_text(value: Any) -> str:
    if isinstance(value, tuple | list):
        return ",".join("." if v is None else _number_text(v) for v in value)
    if value is True:
        return ""
    return _number_text(value) if isinstance(value, float | int) else str(value)


def _number_text(value: Any) -> str:
    if isinstance(value, float):
        return "." if math.isnan(value) else repr(value)
    return str(value)


def _scalar_text(array: Any, i: int) -> str | None:
    if array is None:
        return None
    value = array[i]
    if hasattr(value, "__len__") and not isinstance(value, str | bytes):
        value = value[0]
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).strip()
    if text in ("", ".") or text == str(_INT_MISSING):
        return None
    return text


def _scalar_number(array: Any, i: int) -> float | None:
    if array is None:
        return None
    value = array[i][0] if hasattr(array[i], "__len__") else array[i]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number) or number <= _INT_MISSING + 1:
        return None
    return number


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


def _vector(array: Any, i: int) -> tuple[int | None, ...] | None:
    if array is None:
        return None
    values = tuple(None if int(v) <= _INT_MISSING + 1 else int(v) for v in array[i])
    return values if any(v is not None for v in values) else None


def _index_matches_header(index: Path, header: Header) -> bool:
    names = index_reference_names(index)
    return not header.contigs or set(names) <= set(header.contigs)


def index_reference_names(index: Path) -> list[str]:
    """Contig names stored in a .tbi index (empty for .csi, which keeps them in the header)."""
    if index.suffix != ".tbi":
        return []
    with gzip.open(index, "rb") as fh:
        head = fh.read(36)
        if head[:4] != b"TBI\x01":
            return []
        (l_nm,) = struct.unpack_from("<i", head, 32)
        names = fh.read(l_nm)
    return [n.decode("utf-8", "replace") for n in names.split(b"\x00") if n]

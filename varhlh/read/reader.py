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

Samples are subset in C (htslib's ``bcf_hdr_set_samples``) only when htslib's sample-list syntax reads
every name as itself (:func:`htslib_list_safe`): the list is comma-separated, a leading ``^`` excludes
and ``-`` alone means every sample, so ``SMITH,JOHN`` or ``^HG002`` would silently select nobody (every
allele a no-call) or the wrong people. Otherwise every sample is parsed and the wanted ones are taken
by column index. Either way the samples read are checked against the request.

Input that is not a regular file (``-``, a pipe, ``<(zcat x.vcf.gz)``, ``/dev/stdin``) is spooled once
into the reader's private directory. A BGZF-compressed BCF must end with the BGZF end-of-file block and
with a whole block (htslib, like cyvcf2, would return the records before a cut without an error; bcftools
refuses such a file). Lines longer than ``max_line_bytes`` are refused (exit 3) before they are held in
memory, and so is an INFO value longer than that read through an index.
"""

from __future__ import annotations

import gzip
import logging
import math
import re
import struct
import warnings
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from varhlh.errors import InputError, shown
from varhlh.fileio import (
    HEADER_AND_INDEX,
    WHOLE_FILE,
    BackgroundDigest,
    Fingerprint,
    ThreadedHasher,
    is_stream,
    scratch_dir,
    sha256_bytes,
    sha256_file,
    spool,
)
from varhlh.models import Access, SampleCall, VcfRecord
from varhlh.read import index_check, scan, validate
from varhlh.read.scan import BGZF_EOF, Targets, merge_spans

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


def htslib_list_safe(names: Sequence[str]) -> bool:
    """True when htslib's sample-list syntax (``bcf_hdr_set_samples``: ``,`` separates, a leading ``^``
    excludes, ``-`` alone means all) reads each of ``names`` as itself."""
    return all(name and "," not in name and not name.startswith("^") and name != "-" for name in names)


class VcfReader:
    """An open input: header facts now, records of the requested regions on demand."""

    def __init__(self, path: str, samples: Sequence[str] | None = None, threads: int = 2,
                 display: str | None = None, max_line_bytes: int = validate.MAX_LINE_BYTES,
                 checksum: bool = False) -> None:
        """``checksum``: hash the whole file even when it is read through its index (``--checksum-input``)."""
        self.display = display or path
        self.max_line_bytes = max_line_bytes
        self.checksum = checksum
        self._tmp = scratch_dir()
        try:
            self._setup(path, samples, threads)
        except BaseException:
            self._tmp.cleanup()
            raise

    def _setup(self, path: str, samples: Sequence[str] | None, threads: int) -> None:
        self.spooled = is_stream(path)
        if self.spooled:
            self.path = spool(path, self._tmp.path, "input", self.display,
                              lambda head: validate.check_stream_start(head, self.display))
        else:
            self.path = Path(path)
        self.threads = threads
        self._samples: list[str] | None = list(samples) if samples is not None else None
        self._columns: tuple[int, ...] | None = None
        """Column indices of the selected samples when they are taken in Python (names htslib would misread)."""
        self.kind = _sniff(self.path, self.display)
        if self.kind != "bcf":
            validate.check_header(validate.header_lines(self.path, self.kind, self.display, self.max_line_bytes),
                                  self.display)
        elif _bgzf_compressed(self.path):
            scan.check_bgzf_blocks(self.path, self.display)
        self.warnings = validate.input_warnings(self.path, self.kind, self.display)
        self.index, self.index_note = _usable_index(self.path, self.kind)
        self._vcf = self._open(self.path, samples=None)
        self.header = _header_of(self._vcf, self.display)
        names = index_reference_names(self.index) if self.index is not None else []
        if self.index is not None and names is None:
            corrupt = self.index.name
            self.index, self.index_note = None, f"index {corrupt} cannot be read (corrupt), so it was ignored"
        elif self.index is not None and self.header.contigs and not set(names or ()) <= set(self.header.contigs):
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
        self._full: Targets | None = None
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
        """Parse genotypes of these samples only: subset in C when htslib reads the names as themselves, else
        by column index (see the module docstring)."""
        self._samples = list(samples)
        unknown = [s for s in samples if s not in self.header.samples]
        if unknown:
            msg = f"{self.display}: sample {shown(unknown[0])} is not in the VCF; check -s and the PED"
            raise InputError(msg)
        if htslib_list_safe(samples):
            self._columns = None
            self._vcf.set_samples(self._samples)
            _check_subset(self._vcf, samples, self.display)
        else:
            if tuple(self._vcf.samples) != self.header.samples:  # an earlier subset cannot be undone in htslib
                self._vcf.close()
                self._vcf = self._open(self.path, samples=None)
            wanted = set(samples)
            self._columns = tuple(i for i, name in enumerate(self.header.samples) if name in wanted)

    @property
    def sha256(self) -> str | None:
        """sha256 of the whole file: computed while streaming, for a full BCF iteration and with ``checksum``;
        None when the file was read through its index only (see :attr:`fingerprint`)."""
        if self._sha256 is None and self._digest is not None:
            try:
                self._sha256 = self._digest.hexdigest() or ""
            except OSError as exc:
                msg = f"{self.display}: cannot read input while hashing ({exc}); check the file"
                raise InputError(msg) from exc
        return self._sha256

    @property
    def fingerprint(self) -> Fingerprint:
        """What identifies the input (call after :meth:`records`): the whole file's sha256 when it was computed,
        else its size, mtime and the sha256 of its header and of its index — hashing every byte of a whole genome
        would cost more than the indexed analysis itself."""
        info = self.path.stat()
        mtime = None if self.spooled else int(info.st_mtime)
        whole = self.sha256
        if whole is not None:
            return Fingerprint(WHOLE_FILE, info.st_size, mtime, whole)
        index = sha256_file(self.index) if self.index is not None else None
        return Fingerprint(HEADER_AND_INDEX, info.st_size, mtime, None, sha256_bytes(self.header.raw.encode("utf-8")),
                           index)

    def records(self, regions: Mapping[str, Sequence[tuple[int, int]]], window: int,
                info_keys: Collection[str] | None = None, keep: Path | None = None,
                full: Mapping[str, Sequence[tuple[int, int]]] | None = None) -> Iterator[VcfRecord]:
        """Every record overlapping ``regions`` (VCF contig name -> 1-based inclusive spans).

        ``full``: the spans whose records are converted in full (the panel regions; records starting up to
        ``window`` bp before one included); the other records (read for sex inference only) get their genotypes
        alone — no INFO, no FORMAT values, which are then neither read nor checked. None: every record in full.

        ``keep``: a directory that outlives the reader; a streamed input leaves its panel-region lines there as
        ``panel_records.vcf`` (header and the original lines, every sample), which :attr:`extract` names, so
        the annotated VCF is written without reading the input again.

        Only the INFO fields in ``info_keys`` are converted (all declared ones when None).
        """
        self._info_keys = info_keys
        self._full = None if full is None else Targets.build(full, window)
        validate.check_types(self.header.info, self.header.info if info_keys is None else info_keys, "INFO",
                             self.display)
        if self.index is not None:
            if self.checksum:
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

    def _converter(self, vcf: Any) -> Callable[[Any], VcfRecord]:
        """The conversion of one cyvcf2 variant: in full, or genotypes only outside the ``full`` spans."""
        converter = _Converter(vcf, self.header, self._info_keys, self.validator, self._columns, self.max_line_bytes)
        full = self._full
        if full is None:
            return converter.record

        def convert(variant: Any) -> VcfRecord:
            if full.overlaps(variant.CHROM.encode(), variant.POS, _reach(variant, self.display)):
                return converter.record(variant)
            return converter.genotypes_only(variant)

        return convert

    def _query(self, regions: Mapping[str, Sequence[tuple[int, int]]], window: int) -> Iterator[VcfRecord]:
        """Region queries widened ``window`` bp upstream: a symbolic deletion with SVLEN but no END is
        indexed at its POS only, yet reaches into the region (same window as the streamed path)."""
        vcf = self._vcf
        try:
            if not loads_own_index(self.path, self.index):
                vcf.set_index(str(self.index))
        except Exception as exc:  # cyvcf2 raises bare Exception/OSError on an index htslib cannot load
            msg = f"{self.display}: the index {self.index} cannot be loaded ({exc}); remove it or re-index the file"
            raise InputError(msg) from exc
        warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)
        converter = self._converter(vcf)
        for query in query_plan(regions):
            for variant in query_variants(vcf, query, window, self.display):
                yield converter(variant)

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
        hasher = ThreadedHasher()
        extract = (keep or Path(self._tmp.name)) / "panel_records.vcf"
        if keep is not None:
            self.extract = extract
        try:
            with self.path.open("rb") as fh, extract.open("wb") as out:
                stats = scan.scan(fh, self.kind, Targets.build(regions, window), out, hasher, self.display,
                                  self.threads, self.max_line_bytes)
        finally:
            self._sha256 = hasher.hexdigest()  # also ends the hashing thread when the scan refused the input
        self.contigs_seen = [c.decode("utf-8", "replace") for c in stats.contigs]
        self.warnings += validate.check_contigs(self.contigs_seen, self.header.contigs, self.display)
        with extract.open("rb") as fh:
            validate.check_lines(fh, 9 + len(self.header.samples), self.display)
        yield from self._iterate(extract, regions)

    def _iterate(self, path: Path, regions: Mapping[str, Sequence[tuple[int, int]]]) -> Iterator[VcfRecord]:
        targets = {contig: merge_spans(spans) for contig, spans in regions.items()}
        vcf = self._vcf if path == self.path else self._open(path, self._samples if self._columns is None else None)
        converter = self._converter(vcf)
        count = 0
        seen: dict[str, None] = {}
        for variant in _guarded(vcf, self.display):
            count += 1
            seen[variant.CHROM] = None
            spans = targets.get(variant.CHROM)
            if spans and any(e >= variant.POS and _reach(variant, self.display) >= s for s, e in spans):
                yield converter(variant)
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
            vcf = VCF(str(path), gts012=True, strict_gt=True, lazy=True, threads=self.threads,
                      samples=list(samples) if samples is not None else None)
            if samples is not None:
                _check_subset(vcf, samples, self.display)
            return vcf
        except InputError:
            raise
        except UnicodeDecodeError as exc:
            msg = f"{self.display}: the header is not valid UTF-8 ({exc.reason}); fix the sample names"
            raise InputError(msg) from exc
        except Exception as exc:  # cyvcf2 raises bare Exception("cannot parse VCF header")
            msg = f"{self.display}: cannot parse the VCF header ({exc}); check that the file is a valid VCF"
            raise InputError(msg) from exc


def loads_own_index(path: Path, index: Path | None) -> bool:
    """Whether htslib, opening ``path``, already loaded ``index`` (cyvcf2 loads ``PATH.tbi`` of a bgzipped VCF when
    it opens it): loading it again with ``set_index`` would read and parse the whole index a second time."""
    return (index is not None and index == Path(f"{path}.tbi") and str(path).endswith((".vcf.gz", ".vcf.bgz"))
            and not Path(f"{path}.csi").exists())


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
    except (Exception, MemoryError) as exc:  # cyvcf2 raises bare Exception on record parse errors
        after = (f"the record after {last.CHROM}:{last.POS}" if last is not None
                 else f"the first record{' of ' + region if region else ''}")
        what = ("too large to read" if isinstance(exc, MemoryError) else
                "a malformed value, e.g. a GT that is not a number or '.', or a truncated or corrupt record")
        msg = f"{source}: cannot parse {after} ({what}); validate the file with `bcftools view`"
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



def _check_subset(vcf: Any, samples: Sequence[str], source: str) -> None:
    """The samples htslib kept are exactly the requested ones (in header order): never a silent no-call."""
    got = tuple(vcf.samples)
    if sorted(got) != sorted(samples):
        msg = (f"{source}: the VCF reader selected samples {', '.join(map(shown, got)) or '(none)'} for "
               f"{', '.join(map(shown, samples))}; rename the samples with `bcftools reheader -s`")
        raise InputError(msg)


def _bgzf_compressed(path: Path) -> bool:
    with path.open("rb") as fh:
        head = fh.read(18)
    return head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"


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
                 validator: validate.RecordValidator | None = None, columns: Sequence[int] | None = None,
                 max_field: int = validate.MAX_LINE_BYTES) -> None:
        """``columns``: the selected samples' column indices when htslib parsed every sample (names it would
        misread); None when it parsed only the selected ones."""
        every = tuple(vcf.samples)
        self.columns = None if columns is None else list(columns)
        self.samples = every if columns is None else tuple(every[i] for i in columns)
        self.info_keys = tuple(k for k in header.info if info_keys is None or k in info_keys)
        self.format_keys = tuple(k for k in _FORMAT_KEYS if k in header.formats)
        self.checked_keys = tuple(k for k in self.format_keys if k == "AD")
        """The FORMAT values read where every selected sample is homozygous reference: those the validator checks."""
        self.validator = validator or validate.RecordValidator({}, "input")
        self.max_field = max_field

    def record(self, variant: Any) -> VcfRecord:
        try:
            return self._record(variant)
        except UnicodeDecodeError as exc:  # cyvcf2 decodes CHROM, ID, REF, ALT, FILTER and INFO strings as UTF-8
            raise _not_utf8(variant, exc, self.validator.source) from exc
        except MemoryError as exc:
            msg = (f"{self.validator.source}: record at position {variant.POS} is too large to read; the file is "
                   "corrupt or not a called VCF — check the step that produced it")
            raise InputError(msg) from exc
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
                info[key] = text = _info_text(value)
                if len(text) > self.max_field:
                    msg = (f"{self.validator.source}: record {variant.CHROM}:{variant.POS}: INFO/{key} holds "
                           f"{len(text):,} characters, more than max_line_bytes ({self.max_field:,}); the file is "
                           "corrupt — regenerate it (or raise max_line_bytes with --config)")
                    raise InputError(msg)
                if "inf" in text.lower() and not _finite_text(text):
                    msg = (f"{self.validator.source}: record {variant.CHROM}:{variant.POS}: INFO/{key}={shown(text)} "
                           "is not a finite number; fix the annotation step that wrote it")
                    raise InputError(msg)
        filters = tuple(f for f in (variant.FILTER or "").split(";") if f and f != "PASS")
        formats: dict[str, Any] = {}
        calls: dict[str, SampleCall] = {}
        if self.samples:  # none in the cohort's sites pass: cyvcf2 0.35 crashes reading FORMAT of a sample-less BCF
            genotypes = self._genotypes(variant)
            if self.columns is not None:  # every sample was parsed: take the selected columns
                genotypes = [genotypes[i] for i in self.columns] if genotypes else genotypes
            # a record where every selected sample is homozygous reference is set aside (restrict.set_aside): its
            # calls are read for their alleles alone, and of its FORMAT values only AD, which the validator checks
            hom_ref = bool(genotypes) and all(_hom_ref(g) for g in genotypes)
            formats = {key: variant.format(key) for key in (self.checked_keys if hom_ref else self.format_keys)}
            if self.columns is not None:
                formats = {key: None if array is None else array[self.columns] for key, array in formats.items()}
            values = _NO_FORMATS if hom_ref else formats
            calls = {name: self._call(genotypes, i, name, values) for i, name in enumerate(self.samples)}
        qual = variant.QUAL
        if qual is not None and not math.isfinite(qual):
            qual = None  # QUAL=Inf is valid VCF (hts-specs passed_body_qual) but not a JSON number: left out
        alts = tuple(variant.ALT)
        record = VcfRecord(
            chrom=variant.CHROM, pos=variant.POS, end=validate.record_end(variant.POS, variant.end, alts, variant.INFO),
            id=variant.ID, ref=variant.REF, alts=alts, qual=None if qual is None else float(qual),
            filters=filters, info=info, calls=calls,
        )
        return self.validator.check(record, formats.get("AD"), self.samples)

    def genotypes_only(self, variant: Any) -> VcfRecord:
        """A record read for sex inference only: position, alleles and GT (no INFO, no FORMAT values)."""
        try:
            alts = tuple(variant.ALT)
            calls: dict[str, SampleCall] = {}
            if self.samples:
                genotypes = self._genotypes(variant)
                if self.columns is not None:
                    genotypes = [genotypes[i] for i in self.columns] if genotypes else genotypes
                calls = {name: sample_call(genotypes, i, name, {}) for i, name in enumerate(self.samples)}
            record = VcfRecord(chrom=variant.CHROM, pos=variant.POS,
                               end=validate.record_end(variant.POS, variant.end, alts, variant.INFO), id=variant.ID,
                               ref=variant.REF, alts=alts, qual=None, filters=(), info={}, calls=calls)
        except UnicodeDecodeError as exc:
            raise _not_utf8(variant, exc, self.validator.source) from exc
        return self.validator.check(record, None, self.samples)

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


_NO_FORMATS: Mapping[str, Any] = {}


def _hom_ref(entry: Sequence[Any]) -> bool:
    """A cyvcf2 genotype entry (``[allele, ..., phased]``) fully called homozygous reference: the entry
    :func:`sample_call` turns into a call that :func:`varhlh.restrict.is_hom_ref` sets aside."""
    return len(entry) > 1 and all(a == 0 for a in entry[:-1])


def sample_call(genotypes: Any, i: int, name: str, formats: Mapping[str, Any]) -> SampleCall:
    """Sample ``i``'s call: cyvcf2 genotype entries (``[allele, ..., phased]``) and FORMAT arrays, row ``i``.

    Shared with the cohort reader (:mod:`varhlh.read.matrix`), which passes rows of its genotype matrix.
    """
    alleles, phased, genotype = call_alleles(genotypes[i] if genotypes else [-1, False])
    return SampleCall(
        sample=name, genotype=genotype, alleles=alleles, phased=phased,
        phase_set=_scalar_text(formats.get("PS"), i), pgt=_scalar_text(formats.get("PGT"), i),
        pid=_scalar_text(formats.get("PID"), i), gq=_scalar_number(formats.get("GQ"), i),
        dp=_int_or_none(_scalar_number(formats.get("DP"), i)), ad=_vector(formats.get("AD"), i),
    )


def call_alleles(raw: Sequence[Any]) -> tuple[tuple[int | None, ...], bool, str]:
    """(allele indices with None for missing, phased, GT text) of one cyvcf2 genotype entry ``[allele, ...,
    phased]``: what :func:`sample_call` makes of it."""
    alleles = tuple(None if a < 0 else int(a) for a in raw[:-1])
    phased = bool(raw[-1]) and len(alleles) > 1
    return alleles, phased, ("|" if phased else "/").join("." if a is None else str(a) for a in alleles)


def phase_tagged(formats: Mapping[str, Any], i: int) -> bool:
    """Whether sample ``i``'s call has a phase set (PS) or read-backed phase (PID): what :func:`sample_call` makes
    of its ``phase_set`` and ``pid``, without the call."""
    return _scalar_text(formats.get("PS"), i) is not None or _scalar_text(formats.get("PID"), i) is not None


def _finite_text(text: str) -> bool:
    """No value of a comma-separated INFO text is an infinity (``inf``, ``-Infinity``)."""
    for part in text.split(","):
        try:
            if math.isinf(float(part)):
                return False
        except ValueError:
            continue
    return True


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
    if not math.isfinite(number) or number <= _INT_MISSING + 1:  # NaN is htslib's missing float; +-inf is no value
        return None
    return number


def _int_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)


def _vector(array: Any, i: int) -> tuple[int | None, ...] | None:
    if array is None:
        return None
    values = tuple(None if int(v) <= _INT_MISSING + 1 else int(v) for v in array[i])
    return values if any(v is not None for v in values) else None


def index_reference_names(index: Path) -> list[str] | None:
    """Contig names stored in a .tbi index (empty for .csi, which keeps them in the header); None when the
    index cannot be read (random bytes, a truncated or foreign file): it is then not used."""
    if index.suffix != ".tbi":
        return []
    try:
        with gzip.open(index, "rb") as fh:
            head = fh.read(36)
            if head[:4] != b"TBI\x01" or len(head) < 36:
                return None
            (l_nm,) = struct.unpack_from("<i", head, 32)
            if not 0 <= l_nm <= 1 << 24:
                return None
            names = fh.read(l_nm)
    except (OSError, EOFError, zlib.error, struct.error):
        return None
    if len(names) != l_nm:
        return None
    return [n.decode("utf-8", "replace") for n in names.split(b"\x00") if n]

"""Cohort genotypes, one region at a time: cyvcf2 genotype matrices -> compact per-sample entries on disk.

The cohort path (:mod:`varhlh.cohort`) reads the sample-independent part of the input once with the
ordinary reader (sites only), then this module reads the genotypes with the same region queries
(:func:`varhlh.read.reader.query_plan`, :func:`varhlh.read.reader.query_variants`). Rules:

* a query's records are taken in chunks of :data:`CHUNK_RECORDS`; each chunk's genotype matrix
  (``genotype.array()`` and the FORMAT arrays, all samples at once) is the only dense matrix held,
  so memory does not grow with the panel or the cohort;
* an entry (one sample at one record) is kept when the sample's call is not a fully called
  homozygous reference at a panel record, or when a relative analysed with it (``groups``) has such a
  call there; everything else is dropped in C without a Python loop over samples;
* a per-sample :class:`Screen` is added up chunk by chunk, from the genotype matrix alone: the
  non-PAR chrX/chrY calls that sex inference counts (:func:`varhlh.genotype.sex.count_calls`'s rules),
  the alleles and records the sample lists, whether it carries one of the ``flagged`` alleles (those
  that can be a finding) and whether a listed call's ploidy could raise a ploidy flag;
* entries are written as NumPy arrays sorted by sample (``.npy`` files, memory-mapped when read
  back), so a proband's entries are one slice per chunk;
* every call is converted with :func:`varhlh.read.reader.sample_call`, the reader's own conversion, and
  genotype allele indices and FORMAT/AD lengths are checked like the reader's validator does (an
  offending record is handed to that validator, which refuses it with its usual message).

The second module that touches cyvcf2 objects (reader.py is the first); nothing cyvcf2 leaves it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np

from varhlh.errors import InputError
from varhlh.genome import canonical_chrom, in_par
from varhlh.models import Build, SampleCall, VcfRecord
from varhlh.read.reader import htslib_list_safe, loads_own_index, phase_tagged, query_variants, sample_call
from varhlh.read.validate import RecordValidator

CHUNK_RECORDS = 512
_INT_MISSING = -2147483648
_VECTOR_END = -2147483647
_GT_END = -2
"""cyvcf2 ``genotype.array()`` padding for calls of lower ploidy than the record's maximum."""

Key = tuple[str, int, str, tuple[str, ...]]


@dataclass(frozen=True)
class Plan:
    """What a worker needs to read one query's genotypes."""

    path: str
    index: str
    samples: tuple[str, ...]
    """The samples read (header order): the selected probands and their genotyped relatives."""
    format_keys: tuple[str, ...]
    build: Build
    window: int
    display: str
    record_index: Mapping[Key, int]
    """Listed-allele records (chrom, pos, ref, alts as the reader normalised them) -> cohort record index."""
    groups: tuple[tuple[int, ...], ...]
    """Sample indices analysed together (a proband and relatives); singletons are not listed."""
    validator: RecordValidator
    directory: Path
    flagged: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    """Cohort record index -> the ALT indices (1-based) whose carriers must be analysed in full."""
    alleles_per_record: Sequence[int] = ()
    """Cohort record index -> the number of alleles the record lists (one per ALT)."""


@dataclass(frozen=True)
class Part:
    """One chunk's entry directory."""

    path: Path


SEX_COLUMNS = ("haploid", "het", "hom", "y_alt")
"""The columns of :attr:`Screen.sex`: non-PAR chrX ALT calls that are haploid, heterozygous or homozygous, and
chrY ALT calls (the counts of :func:`varhlh.genotype.sex.count_calls`)."""


@dataclass
class Screen:
    """Per sample (in :attr:`Plan.samples` order), what the genotype matrix alone says."""

    sex: np.ndarray
    """(samples, 4) int64: :data:`SEX_COLUMNS`."""
    listed_alleles: np.ndarray
    """Alleles of the panel records where the sample is not a fully called homozygous reference."""
    listed_records: np.ndarray
    """Panel records where the sample is not a fully called homozygous reference."""
    flagged: np.ndarray
    """The sample carries (in any call, partial ones included) one of the plan's flagged alleles."""
    ploidy: np.ndarray
    """A listed call has more than two alleles, or one allele outside non-PAR chrX/chrY/chrM."""
    haploid_x: np.ndarray
    """A listed call on non-PAR chrX is haploid (a ploidy flag if the sample turns out female)."""

    @classmethod
    def empty(cls, n: int) -> Screen:
        def zeros(dtype: type) -> np.ndarray:
            return np.zeros(n, dtype=dtype)

        return cls(np.zeros((n, len(SEX_COLUMNS)), dtype=np.int64), zeros(np.int64), zeros(np.int64),
                   zeros(np.bool_), zeros(np.bool_), zeros(np.bool_))

    def add(self, other: Screen) -> None:
        self.sex += other.sex
        self.listed_alleles += other.listed_alleles
        self.listed_records += other.listed_records
        self.flagged |= other.flagged
        self.ploidy |= other.ploidy
        self.haploid_x |= other.haploid_x


@dataclass
class QueryResult:
    """One query's output: its chunks, the cohort records it held and its per-sample screen."""

    query: int
    screen: Screen
    parts: list[Part] = field(default_factory=list)
    records: list[int] = field(default_factory=list)
    entries: int = 0


def read_query(plan: Plan, number: int, query: tuple[str, int, int, int]) -> QueryResult:
    """Read one planned query, chunk by chunk, and write each chunk's entries (see module docstring)."""
    from cyvcf2 import VCF

    warnings.filterwarnings("ignore", message="no intervals found", category=UserWarning)
    in_c = htslib_list_safe(plan.samples)  # else every sample is parsed and the columns are taken by index
    vcf = VCF(plan.path, gts012=True, strict_gt=True, lazy=True, threads=1,
              samples=list(plan.samples) if in_c else None)
    if not loads_own_index(Path(plan.path), Path(plan.index)):
        vcf.set_index(plan.index)
    columns: list[int] | None = None
    if not in_c:
        position = {name: i for i, name in enumerate(vcf.samples)}
        columns = [position[name] for name in plan.samples if name in position]
    if (tuple(vcf.samples) if columns is None else tuple(vcf.samples[i] for i in columns)) != plan.samples:
        msg = f"{plan.display}: the cohort reader saw samples in another order than the header; re-index the file"
        raise InputError(msg)
    result = QueryResult(number, Screen.empty(len(plan.samples)))
    seen: set[Key] = set()
    variants = query_variants(vcf, query, plan.window, plan.display)
    for chunk_number, chunk in enumerate(_chunks(variants, plan.format_keys, plan.display, columns)):
        part = plan.directory / f"q{number:05d}_{chunk_number:05d}"
        _write_chunk(plan, chunk, part, seen, result)
        result.parts.append(Part(part))
    vcf.close()
    return result


def _chunks(variants: Iterator[Any], keys: Sequence[str], display: str,
            columns: list[int] | None = None) -> Iterator[list[_Site]]:
    chunk: list[_Site] = []
    for variant in variants:
        chunk.append(_Site.of(variant, keys, display, columns))
        if len(chunk) == CHUNK_RECORDS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class _Site:
    """What is kept of a cyvcf2 variant: its identity and its genotype and FORMAT arrays."""

    chrom: str
    pos: int
    end: int
    id: str | None
    ref: str
    alts: tuple[str, ...]
    gt: np.ndarray
    formats: dict[str, np.ndarray | None]

    @classmethod
    def of(cls, variant: Any, keys: Sequence[str], display: str, columns: list[int] | None = None) -> _Site:
        """``columns``: the selected samples' columns when every sample was parsed (names htslib would misread)."""
        try:
            genotypes = variant.genotype.array()
            if columns is not None:
                genotypes = genotypes[columns]
        except Exception as exc:  # None without GT; cyvcf2 raises a bare Exception on unparsable genotypes
            msg = (f"{display}: record {variant.CHROM}:{variant.POS}: the genotypes cannot be read (no GT in FORMAT, "
                   "or fewer sample columns than the header); varhlh needs every sample's GT — use the called VCF")
            raise InputError(msg) from exc
        # header-declared keys only, and never variant.FORMAT (cyvcf2 0.35 crashes on undeclared tags; see reader.py)
        formats = {k: variant.format(k) for k in keys}
        if columns is not None:
            formats = {k: None if a is None else a[columns] for k, a in formats.items()}
        return cls(variant.CHROM, variant.POS, variant.end, variant.ID, variant.REF, tuple(variant.ALT),
                   genotypes, formats)


def _write_chunk(plan: Plan, sites: list[_Site], part: Path, seen: set[Key], result: QueryResult) -> None:
    n_records, n_samples = len(sites), len(plan.samples)
    ploidy = max(s.gt.shape[1] - 1 for s in sites)
    alleles = np.full((n_records, n_samples, ploidy), _GT_END, dtype=np.int16)
    phased = np.zeros((n_records, n_samples), dtype=np.int8)
    for r, site in enumerate(sites):
        alleles[r, :, : site.gt.shape[1] - 1] = site.gt[:, :-1]
        phased[r] = site.gt[:, -1]
    records = np.full(n_records, -1, dtype=np.int32)
    sex = np.zeros(n_records, dtype=bool)
    chroms: list[str | None] = []
    par = np.zeros(n_records, dtype=bool)
    for r, site in enumerate(sites):
        normalised = plan.validator.check(VcfRecord(site.chrom, site.pos, max(site.end, site.pos), site.id, site.ref,
                                                    site.alts, None, (), {}, {}))
        key = (normalised.chrom, normalised.pos, normalised.ref, normalised.alts)
        if key in plan.record_index and key not in seen:
            seen.add(key)
            records[r] = plan.record_index[key]
            result.records.append(int(records[r]))
        chrom = canonical_chrom(site.chrom)
        chroms.append(chrom)
        par[r] = in_par(plan.build, site.chrom, site.pos)
        sex[r] = chrom in ("X", "Y") and not par[r]
    formats, widths = _format_arrays(plan.format_keys, sites, n_samples)
    _validate(plan, sites, alleles, formats, widths)
    valid = alleles != _GT_END
    hom_ref = valid.any(axis=2) & ((alleles == 0) | ~valid).all(axis=2)
    listed = ~hom_ref & (records >= 0)[:, None]
    result.screen.add(_screen(plan, alleles, valid, listed, records, sex, chroms, par))
    needed = listed.copy()
    for group in plan.groups:
        columns = np.asarray(group)
        together = needed[:, columns].any(axis=1)
        needed[np.ix_(together, columns)] = True
    sample, local = np.nonzero(needed.T)  # sorted by sample, then record
    part.mkdir(parents=True)
    arrays = {"sample": sample.astype(np.int32), "local": local.astype(np.int32), "alleles": alleles[local, sample],
              "phased": phased[local, sample], "records": records, "widths": widths}
    arrays |= {f"f_{key}": values[local, sample] for key, values in formats.items()}
    for name, array in arrays.items():
        np.save(part / f"{name}.npy", array)
    result.entries += len(sample)


def _screen(plan: Plan, alleles: np.ndarray, valid: np.ndarray, listed: np.ndarray, records: np.ndarray,
            sex: np.ndarray, chroms: Sequence[str | None], par: np.ndarray) -> Screen:
    """One chunk's :class:`Screen` (records x samples arrays in, per-sample arrays out)."""
    n_samples = alleles.shape[1]
    screen = Screen.empty(n_samples)
    ploidy = valid.sum(axis=2)
    called = valid.any(axis=2) & ~((alleles == -1) & valid).any(axis=2)  # no missing allele
    alt = ((alleles > 0) & valid).any(axis=2)
    counted = (called & alt)[sex]  # count_calls: fully called, carrying an ALT
    is_y = np.array([c == "Y" for c in chroms], dtype=bool)[sex][:, None]
    sex_ploidy = ploidy[sex]
    first, second = alleles[sex][:, :, 0], alleles[sex][:, :, min(1, alleles.shape[2] - 1)]
    for column, mask in enumerate((~is_y & (sex_ploidy == 1), ~is_y & (sex_ploidy == 2) & (first != second),
                                   ~is_y & (sex_ploidy == 2) & (first == second), is_y)):
        screen.sex[:, column] = (counted & mask).sum(axis=0)
    per_record = np.array([plan.alleles_per_record[r] if r >= 0 else 0 for r in records.tolist()], dtype=np.int64)
    screen.listed_alleles = (listed * per_record[:, None]).sum(axis=0)
    screen.listed_records = listed.sum(axis=0)
    for r, record in enumerate(records.tolist()):
        for alt_index in plan.flagged.get(record, ()):
            screen.flagged |= (alleles[r] == alt_index).any(axis=1)
    autosome = np.array([c not in ("X", "Y", "MT") for c in chroms], dtype=bool)[:, None]
    on_x = np.array([c == "X" for c in chroms], dtype=bool)[:, None]
    odd = (ploidy > 2) | ((ploidy == 1) & (autosome | (on_x & par[:, None])))
    screen.ploidy = (listed & odd).any(axis=0)
    screen.haploid_x = (listed & (ploidy == 1) & on_x & ~par[:, None]).any(axis=0)
    return screen


def _format_arrays(keys: Sequence[str], sites: list[_Site], n_samples: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """One (records, samples[, width]) array per FORMAT key; absent values become the missing sentinel, which
    the reader's conversion turns into None exactly like an absent key."""
    out: dict[str, np.ndarray] = {}
    widths = np.ones((len(sites), len(keys)), dtype=np.int16)
    for k, key in enumerate(keys):
        present = [a for s in sites if (a := s.formats[key]) is not None]
        if not present:
            continue
        sample = present[0]
        if sample.dtype.kind in ("U", "S"):
            width = max(a.dtype.itemsize for a in present) // (4 if sample.dtype.kind == "U" else 1)
            array = np.full((len(sites), n_samples), "", dtype=f"{sample.dtype.kind}{max(width, 1)}")
        else:
            depth = max(a.shape[1] for a in present)
            fill = np.nan if sample.dtype.kind == "f" else _VECTOR_END
            array = np.full((len(sites), n_samples, depth), fill, dtype=sample.dtype)
            if sample.dtype.kind != "f":
                array[:, :, 0] = _INT_MISSING
        for r, site in enumerate(sites):
            values = site.formats[key]
            if values is None:
                continue
            if array.ndim == 2:
                array[r] = values
            else:
                array[r, :, : values.shape[1]] = values
                widths[r, k] = values.shape[1]
        out[key] = array
    return out, widths


def _validate(plan: Plan, sites: list[_Site], alleles: np.ndarray, formats: Mapping[str, np.ndarray],
              widths: np.ndarray) -> None:
    """Allele indices beyond the ALTs, and AD lengths other than REF + ALTs: refused like the reader does."""
    n_alt = np.array([len(s.alts) for s in sites])
    bad = (alleles > n_alt[:, None, None]).any(axis=2)
    ad = formats.get("AD")
    if ad is not None and plan.validator.check_ad:
        k = plan.format_keys.index("AD")
        ends = ad == _VECTOR_END
        length = np.where(ends.any(axis=2), ends.argmax(axis=2), widths[:, k][:, None])
        bad |= (ad[:, :, 0] != _INT_MISSING) & (length != (n_alt + 1)[:, None])
    if not bad.any():
        return
    r, s = (int(i[0]) for i in np.nonzero(bad))
    site, name = sites[r], plan.samples[s]
    raw = [*(int(a) for a in alleles[r, s] if a != _GT_END), 0]
    rows = {key: values[r, s : s + 1] for key, values in formats.items()}
    call = sample_call([raw], 0, name, rows)
    record = VcfRecord(site.chrom, site.pos, site.pos, site.id, site.ref, site.alts, None, (), {}, {name: call})
    plan.validator.check(record, rows["AD"][:, : widths[r, plan.format_keys.index("AD")]] if ad is not None else None,
                         (name,))
    msg = f"{plan.display}: record {site.chrom}:{site.pos}: sample {name}'s genotype or FORMAT/AD is malformed"
    raise InputError(msg)


# ---------------------------------------------------------------------------------------- read back


class Entries:
    """The entries of one chunk, memory-mapped; :meth:`calls` converts one sample's to SampleCalls."""

    def __init__(self, part: Part, format_keys: Sequence[str]) -> None:
        def load(name: str) -> np.ndarray:  # a plain view of the mapping: slicing a memmap builds a memmap each time
            return cast("np.ndarray", np.load(part.path / f"{name}.npy", mmap_mode="r")).view(np.ndarray)

        self.sample = load("sample")
        self.local = load("local")
        self.alleles = load("alleles")
        self.phased = load("phased")
        self.record_array = np.load(part.path / "records.npy").astype(np.int64)
        self.records: list[int] = self.record_array.tolist()
        self.widths = np.load(part.path / "widths.npy")
        self.formats = {k: load(f"f_{k}") for k in format_keys if (part.path / f"f_{k}.npy").is_file()}
        self.keys = tuple(format_keys)

    def calls(self, index: int, name: str) -> Iterator[tuple[int, SampleCall]]:
        """(cohort record index, call) for each entry of sample ``index``."""
        lo, hi = self.span(index)
        for row in range(lo, hi):
            yield self.records[int(self.local[row])], self.call_at(row, name)

    def span(self, index: int) -> tuple[int, int]:
        """The rows [lo, hi) of sample ``index``'s entries (sorted by sample, then record)."""
        lo, hi = np.searchsorted(self.sample, [index, index + 1])
        return int(lo), int(hi)

    def call_at(self, row: int, name: str) -> SampleCall:
        """Entry ``row``'s call, with its FORMAT values."""
        return sample_call([self.genotype_at(row)], 0, name, self._formats_at(row))

    def genotype_at(self, row: int) -> list[Any]:
        """Entry ``row`` as cyvcf2 gives a genotype: ``[allele, ..., phased]``."""
        return [a for a in self.alleles[row].tolist() if a != _GT_END] + [int(self.phased[row])]

    def phase_tagged_at(self, row: int) -> bool:
        """Whether entry ``row``'s call has a phase set (PS) or read-backed phase (PID)."""
        return self.tags_phase and phase_tagged(self._formats_at(row), 0)

    @property
    def tags_phase(self) -> bool:
        """The chunk holds PS or PID values."""
        return "PS" in self.formats or "PID" in self.formats

    def _formats_at(self, row: int) -> dict[str, list[Any]]:
        """Entry ``row``'s FORMAT values, as one-row columns."""
        rows: dict[str, list[Any]] = {}
        for key, values in self.formats.items():
            value = values[row].tolist()
            if values.ndim == 2:  # vectors (AD; GQ and DP come as one-element vectors): cut the padding
                value = value[: int(self.widths[int(self.local[row]), self.keys.index(key)])]
            rows[key] = [value]
        return rows


@dataclass(frozen=True)
class SampleRows:
    """One sample's entries in every chunk, sorted by cohort record: each entry's record, genotype (allele indices
    padded with the ploidy sentinel to the widest call, then the phase bit), and where it is (chunk, row)."""

    records: np.ndarray
    """int64 cohort record index per entry."""
    genotypes: np.ndarray
    """int16 (entries, widest ploidy + 1): allele indices (``-1`` missing, ``-2`` beyond the call's ploidy), phased."""
    chunks: np.ndarray
    """int32 index of the entry's chunk in the sequence given to :func:`sample_rows`."""
    rows: np.ndarray
    """int64 row of the entry in its chunk."""


def sample_rows(chunks: Sequence[Entries], index: int) -> SampleRows:
    """Sample ``index``'s entries in ``chunks`` (:class:`SampleRows`): one slice per chunk, gathered in bulk."""
    spans = [chunk.span(index) for chunk in chunks]
    width = max((chunk.alleles.shape[1] for chunk, (lo, hi) in zip(chunks, spans, strict=True) if hi > lo),
                default=1)
    records, genotypes, where, rows = [], [], [], []
    for c, (chunk, (lo, hi)) in enumerate(zip(chunks, spans, strict=True)):
        if hi <= lo:
            continue
        local = chunk.local[lo:hi]
        records.append(chunk.record_array[local])
        block = np.full((hi - lo, width + 1), _GT_END, dtype=np.int16)
        block[:, : chunk.alleles.shape[1]] = chunk.alleles[lo:hi]
        block[:, width] = chunk.phased[lo:hi]
        genotypes.append(block)
        where.append(np.full(hi - lo, c, dtype=np.int32))
        rows.append(np.arange(lo, hi, dtype=np.int64))
    if not records:
        return SampleRows(np.empty(0, np.int64), np.empty((0, width + 1), np.int16), np.empty(0, np.int32),
                          np.empty(0, np.int64))
    record = np.concatenate(records)
    order = np.argsort(record, kind="stable")
    return SampleRows(record[order], np.concatenate(genotypes)[order], np.concatenate(where)[order],
                      np.concatenate(rows)[order])


class GenotypeCodes:
    """Entries as int64 codes: the cohort record and a genotype id, ``record << 32 | id``. A genotype is the call's
    allele indices without the ploidy padding, then the phase bit (cyvcf2's form); an id is given to each genotype
    when it is first met, so codes are comparable within one instance (one per worker). Records are stored as
    int32 (below 2**31), and ids are checked to stay below 2**32, so two entries share a code only when they share
    record and genotype."""

    def __init__(self) -> None:
        self._ids: dict[tuple[int, ...], int] = {}
        self._genotypes: list[tuple[int, ...]] = []

    def of(self, rows: SampleRows) -> np.ndarray:
        """The code of each of ``rows``' entries (few distinct genotypes: each is looked up once)."""
        if not len(rows.records):
            return np.empty(0, np.int64)
        genotypes = rows.genotypes
        if genotypes.shape[1] <= 4:  # a row packed in one int64 (16 bits a column): a flat, fast unique
            packed = np.zeros(len(genotypes), np.int64)
            for column in range(genotypes.shape[1]):
                packed |= (genotypes[:, column].astype(np.int64) & 0xFFFF) << (16 * column)
            _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
            distinct = genotypes[first]
        else:
            distinct, inverse = np.unique(genotypes, axis=0, return_inverse=True)
        ids = np.array([self._id(g) for g in distinct.tolist()], dtype=np.int64)
        return (rows.records << 32) | ids[inverse.reshape(-1)]

    def genotype(self, code: int) -> list[int]:
        """Code ``code``'s genotype, ``[allele, ..., phased]``."""
        return list(self._genotypes[code & 0xFFFFFFFF])

    @staticmethod
    def record(code: int) -> int:
        """Code ``code``'s cohort record."""
        return code >> 32

    def _id(self, padded: list[int]) -> int:
        genotype = (*(a for a in padded[:-1] if a != _GT_END), padded[-1])
        found = self._ids.get(genotype)
        if found is None:
            found = self._ids[genotype] = len(self._genotypes)
            if found >> 32:
                msg = "cohort reader: more than 2**32 distinct genotypes in one worker"
                raise RuntimeError(msg)
            self._genotypes.append(genotype)
        return found


__all__ = ["CHUNK_RECORDS", "SEX_COLUMNS", "Entries", "GenotypeCodes", "Part", "Plan", "QueryResult", "SampleRows",
           "Screen", "read_query", "sample_rows"]

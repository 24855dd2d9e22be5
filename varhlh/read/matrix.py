"""Cohort genotypes, one region at a time: cyvcf2 genotype matrices -> compact per-sample entries on disk.

The cohort path (:mod:`varhlh.cohort`) reads the sample-independent part of the input once with the
ordinary reader (sites only), then this module reads the genotypes with the same region queries
(:func:`varhlh.read.reader.query_plan`, :func:`varhlh.read.reader.query_variants`). Rules:

* a query's records are taken in chunks of :data:`CHUNK_RECORDS`; each chunk's genotype matrix
  (``genotype.array()`` and the FORMAT arrays, all samples at once) is the only dense matrix held,
  so memory does not grow with the panel or the cohort;
* an entry (one sample at one record) is kept when the sample's call is not a fully called
  homozygous reference, when a relative analysed with it (``groups``) has such a call there, and
  at every non-PAR chrX/chrY record (sex inference counts those); everything else is dropped in C
  without a Python loop over samples;
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
from varhlh.read.reader import htslib_list_safe, query_variants, sample_call
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


@dataclass(frozen=True)
class SexSite:
    chrom: str
    pos: int
    ref: str
    alts: tuple[str, ...]


@dataclass(frozen=True)
class Part:
    """One chunk's entry directory and, per record of the chunk, its sex-inference site (None if not one)."""

    path: Path
    sites: tuple[SexSite | None, ...]


@dataclass
class QueryResult:
    """One query's output: its chunks and the cohort records it held."""

    query: int
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
    vcf.set_index(plan.index)
    columns: list[int] | None = None
    if not in_c:
        position = {name: i for i, name in enumerate(vcf.samples)}
        columns = [position[name] for name in plan.samples if name in position]
    if (tuple(vcf.samples) if columns is None else tuple(vcf.samples[i] for i in columns)) != plan.samples:
        msg = f"{plan.display}: the cohort reader saw samples in another order than the header; re-index the file"
        raise InputError(msg)
    result = QueryResult(number)
    seen: set[Key] = set()
    variants = query_variants(vcf, query, plan.window, plan.display)
    for chunk_number, chunk in enumerate(_chunks(variants, plan.format_keys, plan.display, columns)):
        part = plan.directory / f"q{number:05d}_{chunk_number:05d}"
        result.parts.append(Part(part, _write_chunk(plan, chunk, part, seen, result)))
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


def _write_chunk(plan: Plan, sites: list[_Site], part: Path, seen: set[Key],
                 result: QueryResult) -> tuple[SexSite | None, ...]:
    n_records, n_samples = len(sites), len(plan.samples)
    ploidy = max(s.gt.shape[1] - 1 for s in sites)
    alleles = np.full((n_records, n_samples, ploidy), _GT_END, dtype=np.int16)
    phased = np.zeros((n_records, n_samples), dtype=np.int8)
    for r, site in enumerate(sites):
        alleles[r, :, : site.gt.shape[1] - 1] = site.gt[:, :-1]
        phased[r] = site.gt[:, -1]
    records = np.full(n_records, -1, dtype=np.int32)
    sex = np.zeros(n_records, dtype=bool)
    sex_sites: list[SexSite | None] = [None] * n_records
    for r, site in enumerate(sites):
        normalised = plan.validator.check(VcfRecord(site.chrom, site.pos, max(site.end, site.pos), site.id, site.ref,
                                                    site.alts, None, (), {}, {}))
        key = (normalised.chrom, normalised.pos, normalised.ref, normalised.alts)
        if key in plan.record_index and key not in seen:
            seen.add(key)
            records[r] = plan.record_index[key]
            result.records.append(int(records[r]))
        chrom = canonical_chrom(site.chrom)
        if chrom in ("X", "Y") and not in_par(plan.build, site.chrom, site.pos):
            sex[r] = True
            sex_sites[r] = SexSite(site.chrom, site.pos, normalised.ref, normalised.alts)
    formats, widths = _format_arrays(plan.format_keys, sites, n_samples)
    _validate(plan, sites, alleles, formats, widths)
    valid = alleles != _GT_END
    hom_ref = valid.any(axis=2) & ((alleles == 0) | ~valid).all(axis=2)
    needed = ~hom_ref & (records >= 0)[:, None]
    for group in plan.groups:
        columns = np.asarray(group)
        together = needed[:, columns].any(axis=1)
        needed[np.ix_(together, columns)] = True
    needed |= sex[:, None]
    sample, local = np.nonzero(needed.T)  # sorted by sample, then record
    part.mkdir(parents=True)
    arrays = {"sample": sample.astype(np.int32), "local": local.astype(np.int32), "alleles": alleles[local, sample],
              "phased": phased[local, sample], "records": records, "widths": widths}
    arrays |= {f"f_{key}": values[local, sample] for key, values in formats.items()}
    for name, array in arrays.items():
        np.save(part / f"{name}.npy", array)
    result.entries += len(sample)
    return tuple(sex_sites)


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
        def load(name: str) -> np.ndarray:
            return cast("np.ndarray", np.load(part.path / f"{name}.npy", mmap_mode="r"))

        self.sample = load("sample")
        self.local = load("local")
        self.alleles = load("alleles")
        self.phased = load("phased")
        self.records = np.load(part.path / "records.npy").tolist()
        self.widths = np.load(part.path / "widths.npy")
        self.formats = {k: load(f"f_{k}") for k in format_keys if (part.path / f"f_{k}.npy").is_file()}
        self.keys = tuple(format_keys)
        self.sites = part.sites

    def calls(self, index: int, name: str) -> Iterator[tuple[int, SexSite | None, SampleCall]]:
        """(cohort record index or -1, sex-inference site or None, call) for each entry of sample ``index``."""
        lo, hi = np.searchsorted(self.sample, [index, index + 1])
        if lo == hi:
            return
        local = self.local[lo:hi].tolist()
        genotypes = [[a for a in row if a != _GT_END] + [ph]
                     for row, ph in zip(self.alleles[lo:hi].tolist(), self.phased[lo:hi].tolist(), strict=True)]
        rows: dict[str, list[Any]] = {}
        for key, values in self.formats.items():
            chunk = values[lo:hi].tolist()
            if values.ndim == 2:  # vectors (AD; GQ and DP come as one-element vectors): cut the padding
                width = self.widths[:, self.keys.index(key)].tolist()
                chunk = [row[: width[r]] for row, r in zip(chunk, local, strict=True)]
            rows[key] = chunk
        records, sites = self.records, self.sites
        for j, r in enumerate(local):
            yield records[r], sites[r], sample_call(genotypes, j, name, rows)


__all__ = ["CHUNK_RECORDS", "Entries", "Part", "Plan", "QueryResult", "SexSite", "read_query"]

"""User-supplied local resources (opt-in, offline): ``--clinvar``, ``--gnomad`` and ``--fasta``.

* ``--clinvar clinvar.vcf.gz`` / ``--gnomad sites.vcf.gz``: bgzip-compressed VCFs with a tabix or
  CSI index, opened with pysam and queried by region for the panel alleles only (never read
  whole). Contig names are reconciled through :func:`varhlh.genome.canonical_chrom`, so a
  ``chr10`` resource serves a ``10`` VCF and vice versa; a chromosome without records in the file
  (e.g. a per-chromosome gnomAD file) is *not consulted* there, never read as absence. A record
  matches an allele when both, trimmed to their minimal change
  (:func:`varhlh.annotate.locus.minimal_change`) and — with ``--fasta`` — left-aligned
  (:func:`varhlh.annotate.reference.left_align`), are the same change; each ALT of a multi-allelic
  resource record is compared on its own. The region queried spans the indel's whole repeat
  (its left- to right-aligned positions), so a differently placed copy is found.
* ClinVar values: the file's CLNSIG / CLNREVSTAT / CLNSIGCONF tags (:mod:`varhlh.annotate.clinvar`); the
  record ID is ClinVar's variation ID. gnomAD values: ``Settings.resource_af_fields`` (AF) and
  ``Settings.popmax_fields`` (FAF95 / grpmax / popmax); a non-PASS FILTER is stated. An allele
  missing from the gnomAD file is an *absence* (used only when no other source has a value).
* Provenance of each file: path, size, sha256 (hashed in a background thread; files larger than
  ``Settings.resource_sha256_max_bytes`` are not hashed and the index's sha256 is recorded
  instead), ``##fileDate``, ``##source``, ``##reference`` and the build check.
* A resource whose header says it is the other genome build (contig lengths or ``##reference``)
  is refused (:class:`BuildError`); an unreadable or unindexed file is refused
  (:class:`InputError`).
* The same classes serve the resources installed by ``varhlh resources update``
  (:mod:`varhlh.annotate.installed`): such a file holds the panel regions only, so it is consulted only
  inside them (``regions``); elsewhere an allele is *not consulted*, never absent. Each resource's
  provenance says whether it was ``given`` on the command line or ``installed``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from varhlh.annotate import clinvar
from varhlh.annotate.change import Change, minimal_change
from varhlh.annotate.evidence import info_frequency
from varhlh.annotate.reference import Reference, left_align
from varhlh.errors import BuildError, InputError
from varhlh.fileio import BackgroundDigest, sha256_file
from varhlh.genome import canonical_chrom, detect_build
from varhlh.models import Build, ClinVarEvidence, FrequencyEvidence
from varhlh.read.reader import FieldDef
from varhlh.settings import Settings

if TYPE_CHECKING:
    from varhlh.annotate.installed import Regions

GIVEN: Mapping[str, object] = {"origin": "given"}
"""Provenance of a resource given on the command line (--fasta, --clinvar, --gnomad)."""


def _index_of(path: Path) -> Path | None:
    for suffix in (".tbi", ".csi", ".fai"):
        candidate = Path(f"{path}{suffix}")
        if candidate.is_file():
            return candidate
    return None


def _provenance(kind: str, digest: BackgroundDigest, limit: int, extra: Mapping[str, object]) -> dict[str, object]:
    sha = digest.hexdigest()
    index = _index_of(digest.path)
    out: dict[str, object] = {"kind": kind, "path": str(digest.path), "size": digest.size, "sha256": sha}
    if sha is None:
        out["sha256_note"] = (f"not hashed: larger than resource_sha256_max_bytes ({limit}); "
                              f"index {index.name if index else 'absent'} sha256 "
                              f"{sha256_file(index) if index else 'n/a'}")
    out.update(extra)
    return out


@dataclass(frozen=True)
class Hit:
    """One resource record ALT that is the queried allele."""

    info: Mapping[str, str]
    alt_index: int
    record_id: str | None
    filters: tuple[str, ...]
    written: str
    """How the resource writes it: 'chr10:72358355 C>T'."""


class LocalVcf:
    """A tabix/CSI-indexed VCF queried by region (ClinVar or gnomAD sites)."""

    def __init__(self, path: Path, kind: str, build: Build, settings: Settings, label: str | None = None,
                 regions: Regions | None = None) -> None:
        import pysam

        self.path, self.kind, self.settings = path, kind, settings
        self.regions = regions
        """Installed resources: the regions the file holds (consulted only there); None: whole chromosomes."""
        self.origin: Mapping[str, object] = GIVEN
        if not path.is_file():
            msg = f"{path}: --{kind} file not found; give the path of a bgzipped, indexed VCF"
            raise InputError(msg)
        verbosity = pysam.set_verbosity(0)
        try:
            self._vcf: Any = pysam.VariantFile(str(path))
        except (OSError, ValueError) as exc:
            msg = f"{path}: cannot read the --{kind} VCF ({exc}); give a bgzip-compressed VCF"
            raise InputError(msg) from exc
        finally:
            pysam.set_verbosity(verbosity)
        if getattr(self._vcf, "index", None) is None:
            msg = f"{path}: the --{kind} VCF has no .tbi/.csi index; index it with 'tabix -p vcf {path.name}'"
            raise InputError(msg)
        header = self._vcf.header
        self.meta = {r.key: r.value for r in header.records if r.key in ("fileDate", "source", "reference")
                     and r.value is not None}
        self.defs = {name: FieldDef(name, str(d.number), str(d.type), d.description or "")
                     for name, d in header.info.items()}
        self.names: dict[str, str] = {}  # chromosomes with records (from the index) -> the file's name
        for name in map(str, self._vcf.index.keys()):
            chrom = canonical_chrom(name)
            if chrom is not None:
                self.names.setdefault(chrom, name)
        self.build_note = self._check_build(header, build)
        self.clinvar_fields = clinvar.detect_fields(self.defs)
        self.af_fields = [f for f in settings.resource_af_fields if f in self.defs]
        self.popmax_fields = [f for f in settings.popmax_fields if f in self.defs]
        self.digest = BackgroundDigest(path, settings.resource_sha256_max_bytes)
        what = "ClinVar" if kind == "clinvar" else "gnomAD"
        self.label = label or f"local {what} file {path.name}" + (
            f" ({self.meta['fileDate']})" if "fileDate" in self.meta else "")
        self.evidence_source = label or f"local {what} file {path}"
        """How the completeness sources name it."""

    def _check_build(self, header: Any, build: Build) -> str:
        contigs = {name: header.contigs[name].length for name in header.contigs}
        reference = self.meta.get("reference")
        if not any(contigs.values()) and not reference:
            return "genome build not stated in the header (no ##contig lengths or ##reference): not checked"
        try:
            call = detect_build(contigs, reference, None, str(self.path))
        except BuildError as exc:
            return f"genome build not determined ({exc}): not checked"
        if call.build is not build:
            msg = (f"{self.path}: the --{self.kind} file is {call.build} ({call.evidence}) but the VCF is {build}; "
                   f"use the {build} release of the file")
            raise BuildError(msg)
        return f"{call.build}: {call.evidence}"

    def close(self) -> None:
        self._vcf.close()

    def provenance(self) -> dict[str, object]:
        extra = {"file_date": self.meta.get("fileDate"), "source": self.meta.get("source"),
                 "reference": self.meta.get("reference"), "build_check": self.build_note, **self.origin}
        return _provenance(self.kind, self.digest, self.settings.resource_sha256_max_bytes, extra)

    # ------------------------------------------------------------------ look-up

    def covers(self, chrom: str | None) -> bool:
        """The file has records on this chromosome (a per-chromosome gnomAD file covers one)."""
        return chrom is not None and chrom in self.names

    def not_consulted(self, chrom: str | None, span: tuple[int, int]) -> str | None:
        """Why this file says nothing about an allele at ``chrom:span`` (None: it is consulted)."""
        if self.regions is not None:
            if self.regions.covers(chrom, span[0], span[1]):
                return None
            return f"{chrom}:{span[0]} is outside the regions of the {self.label}: not consulted"
        if not self.covers(chrom):
            return f"the {self.label} has no records on chromosome {chrom}: not consulted"
        return None

    def lookup(self, chrom: str | None, change: Change, span: tuple[int, int],
               reference: Reference | None) -> list[Hit]:
        """Records of this file that are ``change`` (compared after trimming / left-alignment)."""
        name = self.names.get(chrom or "")
        if name is None or not (change.ref or change.alt):
            return []
        fetch = reference.fetcher(chrom) if reference is not None and chrom else None
        hits = []
        for record in self._fetch(name, max(0, span[0] - 2), span[1] + 1):
            for i, alt in enumerate(record.alts or (), start=1):
                if alt.startswith("<") or alt in ("*", "."):
                    continue
                other = minimal_change(record.pos, record.ref, alt)
                if fetch is not None and bool(other.ref) != bool(other.alt):
                    other = left_align(other, fetch)
                if (other.start, other.ref, other.alt) == (change.start, change.ref, change.alt):
                    hits.append(Hit(_info_text(record), i, record.id, tuple(k for k in record.filter
                                                                            if k != "PASS"),
                                    f"{record.chrom}:{record.pos} {record.ref}>{alt}"))
        return hits

    def _fetch(self, name: str, start: int, end: int) -> Iterator[Any]:
        try:
            yield from self._vcf.fetch(name, start, end)
        except ValueError:  # contig absent from the index: nothing there
            return

    def clinvar(self, hits: list[Hit]) -> ClinVarEvidence | None:
        for hit in hits:
            evidence = clinvar.read(hit.info, self.clinvar_fields, hit.alt_index,
                                    clinvar.values_per_alt(hit.info, self.clinvar_fields, 1), source=self.label)
            if evidence is not None:
                if evidence.variation_id is None and hit.record_id:
                    evidence = ClinVarEvidence(evidence.significance, evidence.raw, evidence.stars,
                                               evidence.review_status, hit.record_id, evidence.source)
                return evidence
        return None

    def frequency(self, hits: list[Hit]) -> tuple[FrequencyEvidence | None, str | None]:
        """The gnomAD frequency (or an absence) and a note (non-PASS filter, how it was written)."""
        if not hits:
            evidence = info_frequency({}, self.defs, self.af_fields, self.popmax_fields, 1, source=self.label)
            return evidence, f"the allele is absent from the {self.label}"
        hit = hits[0]
        evidence = info_frequency(hit.info, self.defs, self.af_fields, self.popmax_fields, hit.alt_index,
                                  source=self.label)
        note = f"{self.label}: matched record {hit.written}"
        if hit.filters:
            note += f" with FILTER {';'.join(hit.filters)} (not PASS: treat the frequency with caution)"
        return evidence, note


def _info_text(record: Any) -> dict[str, str]:
    """INFO values as VCF text (floats at the 7 significant digits pysam's float32 can hold)."""
    out = {}
    for key, value in record.info.items():
        if value is None or isinstance(value, bool):
            continue
        values = value if isinstance(value, tuple) else (value,)
        out[key] = ",".join("." if v is None else f"{v:.7g}" if isinstance(v, float) else str(v) for v in values)
    return out


@dataclass
class LocalSources:
    """The opened opt-in resources of one run."""

    reference: Reference | None = None
    reference_digest: BackgroundDigest | None = None
    clinvar: LocalVcf | None = None
    gnomad: LocalVcf | None = None
    limit: int = 0
    origins: dict[str, Mapping[str, object]] = field(default_factory=dict)
    """Per kind, where an installed resource came from (``origin``, ``release``, ``retrieved``, ``source_url``)."""

    def provenance(self) -> list[dict[str, object]]:
        out = []
        if self.reference is not None and self.reference_digest is not None:
            extra = {**self.reference.provenance(), **self.origins.get("reference", GIVEN)}
            out.append(_provenance("reference", self.reference_digest, self.limit, extra))
        out.extend(r.provenance() for r in (self.clinvar, self.gnomad) if r is not None)
        return out

    def close(self) -> None:
        for handle in (self.reference, self.clinvar, self.gnomad):
            if handle is not None:
                handle.close()


def open_local(fasta: Path | None, clinvar_vcf: Path | None, gnomad_vcf: Path | None, build: Build,
               settings: Settings) -> LocalSources | None:
    """Open the requested resources (None when none was requested)."""
    if fasta is None and clinvar_vcf is None and gnomad_vcf is None:
        return None
    sources = LocalSources(limit=settings.resource_sha256_max_bytes)
    if fasta is not None:
        if not fasta.is_file():
            msg = f"{fasta}: --fasta file not found; give the reference FASTA the VCF was called against"
            raise InputError(msg)
        sources.reference = Reference(fasta, build)
        sources.reference_digest = BackgroundDigest(fasta, settings.resource_sha256_max_bytes)
    if clinvar_vcf is not None:
        sources.clinvar = LocalVcf(clinvar_vcf, "clinvar", build, settings)
    if gnomad_vcf is not None:
        sources.gnomad = LocalVcf(gnomad_vcf, "gnomad", build, settings)
    return sources

"""Installed panel resources (``varhlh resources update``), used offline by ``triage`` when present.

Location: ``$VARHLH_DATA_DIR``, else the user data directory (platformdirs: ``~/.local/share/varhlh`` on Linux,
``~/Library/Application Support/varhlh`` on macOS, ``%LOCALAPPDATA%\\varhlh`` on Windows); ``--dir`` overrides
both for ``resources update`` and ``resources show``. One directory per build::

    <data>/resources/GRCh37/   manifest.json, resources.diff.txt,
                               clinvar.vcf.gz(.tbi), gnomad.vcf.gz(.tbi), reference.fa.gz(.fai, .gzi)

``manifest.json`` (:class:`Manifest`) names, per file, where it came from (URLs), the release, the retrieval date,
its sha256 and its indexes' sha256, the regions it holds (the panel genes' spans plus ``region_padding_bp`` plus
``resources_flank_bp``), record counts and the verification done; and the panel it was built for.

How ``triage`` uses it (:func:`open_resources`): for the VCF's build, each kind (reference, ClinVar, gnomAD) not
given on the command line (``--fasta``, ``--clinvar``, ``--gnomad``: a given file always wins) is taken from the
install, unless ``--no-installed-resources``. Before use the manifest is decoded strictly and every file and index
is checked against its sha256 (the files are small: the panel regions only); a missing, partial or corrupt install
is one warning and is ignored, never a failure. Installed evidence is consulted only inside the installed regions:
an allele outside them (a ``--panel`` with other genes, a larger ``region_padding_bp``) is *not consulted*, never
"absent from gnomAD". An install built for another panel (sha256) is used, with a warning naming the run's genes
whose regions it does not cover.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec

from varhlh.annotate.reference import RegionReference
from varhlh.annotate.resources import LocalSources, LocalVcf, open_local
from varhlh.errors import VarhlhError
from varhlh.fileio import BackgroundDigest, sha256_file
from varhlh.models import Build
from varhlh.panel import Panel
from varhlh.settings import Settings

log = logging.getLogger("varhlh")
NOTICE = 25
"""The command line's default log level (varhlh.commands.NOTICE): shown without -v."""
MANIFEST = "manifest.json"
DIFF = "resources.diff.txt"
FORMAT = "varhlh-resources/1"
KINDS = ("reference", "clinvar", "gnomad")
"""The installable resources, in the order they are reported."""
FILE_NAMES = {"clinvar": "clinvar.vcf.gz", "gnomad": "gnomad.vcf.gz", "reference": "reference.fa.gz"}
INDEX_SUFFIXES = {"clinvar": (".tbi",), "gnomad": (".tbi",), "reference": (".fai", ".gzi")}
LABELS = {"clinvar": "ClinVar", "gnomad": "gnomAD", "reference": "panel reference sequence"}


# --------------------------------------------------------------------------- the manifest


class RegionEntry(msgspec.Struct, forbid_unknown_fields=True):
    chrom: str
    start: int
    end: int
    genes: list[str]

    @property
    def name(self) -> str:
        return f"{self.chrom}:{self.start}-{self.end}"


class SequenceEntry(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    length: int
    n_bases: int
    md5: str
    sha256: str


class FileEntry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: str
    file: str
    sha256: str
    size: int
    indexes: dict[str, str]
    """Index file name -> sha256."""
    source: str
    """Who publishes it: 'NCBI ClinVar', 'gnomAD', 'Ensembl REST'."""
    source_url: str
    """The URL (gnomAD: the per-chromosome template with {chrom})."""
    release: str
    retrieved: str
    records: int
    """VCF records, or sequences of the reference."""
    records_per_gene: dict[str, int] = msgspec.field(default_factory=dict)
    fields: list[str] = msgspec.field(default_factory=list)
    """INFO fields kept (VCFs)."""
    sequences: list[SequenceEntry] = msgspec.field(default_factory=list)
    checks: list[str] = msgspec.field(default_factory=list)
    """Verification done before the file was installed, in words."""
    notes: list[str] = msgspec.field(default_factory=list)
    """Anything to review (e.g. a start codon that is not ATG)."""


class PanelEntry(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    version: str
    sha256: str
    region_padding_bp: int
    flank_bp: int
    genes: list[str]


class Manifest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    format: str
    build: str
    created: str
    varhlh_version: str
    panel: PanelEntry
    regions: list[RegionEntry]
    files: dict[str, FileEntry]

    def label(self, kind: str) -> str:
        """'installed ClinVar 2026-03-01 (retrieved 2026-03-05)', 'installed gnomAD v4.1 genomes (retrieved …)'."""
        entry = self.files[kind]
        what = {"clinvar": f"ClinVar {entry.release}", "gnomad": entry.release,
                "reference": f"panel reference sequence, {entry.release},"}[kind]
        return f"installed {what} (retrieved {entry.retrieved[:10]})"


def encode_manifest(manifest: Manifest) -> bytes:
    """Deterministic JSON (sorted keys, two-space indent, final newline)."""
    return json.dumps(msgspec.to_builtins(manifest), indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


# --------------------------------------------------------------------------- where


def data_dir() -> Path:
    """``$VARHLH_DATA_DIR``, else the platform's per-user data directory for varhlh."""
    explicit = os.environ.get("VARHLH_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("varhlh", appauthor=False))


def build_dir(root: Path, build: Build) -> Path:
    return root / "resources" / build.value


# --------------------------------------------------------------------------- regions


def install_regions(panel: Panel, build: Build, padding: int, flank: int) -> list[RegionEntry]:
    """The panel genes' spans ± (padding + flank), merged where they overlap or touch, in chromosome order."""
    spans = sorted((_chrom_key(g.chrom), max(1, g.spans[build][0] - padding - flank),
                    g.spans[build][1] + padding + flank, g.symbol) for g in panel.genes)
    merged: list[RegionEntry] = []
    for (_, chrom), start, end, symbol in spans:
        last = merged[-1] if merged else None
        if last is not None and last.chrom == chrom and start <= last.end + 1:
            last.end = max(last.end, end)
            last.genes.append(symbol)
        else:
            merged.append(RegionEntry(chrom, start, end, [symbol]))
    return merged


def _chrom_key(chrom: str) -> tuple[int, str]:
    return (int(chrom), chrom) if chrom.isdigit() else (100 + ord(chrom[0]), chrom)


class Regions:
    """Installed regions by canonical chromosome, for 'is this position inside?' questions."""

    def __init__(self, regions: Iterable[RegionEntry]) -> None:
        self.spans: dict[str, list[tuple[int, int]]] = {}
        for region in regions:
            self.spans.setdefault(region.chrom, []).append((region.start, region.end))
        for spans in self.spans.values():
            spans.sort()
        self._starts = {chrom: [s for s, _ in spans] for chrom, spans in self.spans.items()}

    def covers(self, chrom: str | None, start: int, end: int) -> bool:
        if chrom is None or chrom not in self.spans:
            return False
        i = bisect.bisect_right(self._starts[chrom], start) - 1
        return i >= 0 and self.spans[chrom][i][1] >= end


def uncovered_genes(panel: Panel, build: Build, padding: int, regions: Regions) -> list[str]:
    """The panel genes whose region (span ± padding) the install does not hold entirely."""
    return [g.symbol for g in panel.genes
            if not regions.covers(g.chrom, max(1, g.spans[build][0] - padding), g.spans[build][1] + padding)]


# --------------------------------------------------------------------------- reading an install


class InstallProblem(Exception):
    """Why an install cannot be used (a warning in triage, an error in ``resources show``)."""


@dataclass(frozen=True)
class Install:
    directory: Path
    manifest: Manifest
    regions: Regions

    def path(self, kind: str) -> Path:
        return self.directory / self.manifest.files[kind].file


def load_install(directory: Path, build: Build | None = None, verify: bool = True) -> Install:
    """Decode ``manifest.json`` strictly and (``verify``) check every file and index against its sha256."""
    manifest_path = directory / MANIFEST
    try:
        manifest = msgspec.json.decode(manifest_path.read_bytes(), type=Manifest)
    except FileNotFoundError as exc:
        msg = f"{manifest_path} is missing (an interrupted or partial install)"
        raise InstallProblem(msg) from exc
    except OSError as exc:
        msg = f"{manifest_path} cannot be read ({exc.strerror})"
        raise InstallProblem(msg) from exc
    except msgspec.DecodeError as exc:
        msg = f"{manifest_path} is not a valid manifest ({exc})"
        raise InstallProblem(msg) from exc
    if manifest.format != FORMAT:
        msg = f"{manifest_path}: format {manifest.format!r}, expected {FORMAT!r} (written by another varhlh version)"
        raise InstallProblem(msg)
    if build is not None and manifest.build != build.value:
        msg = f"{manifest_path}: built for {manifest.build}, but it sits in the {build.value} directory"
        raise InstallProblem(msg)
    unknown = sorted(set(manifest.files) - set(KINDS))
    if unknown or any(entry.kind != kind for kind, entry in manifest.files.items()):
        msg = f"{manifest_path}: unknown or mislabelled resource kinds ({', '.join(unknown) or 'kind mismatch'})"
        raise InstallProblem(msg)
    if verify:
        for entry in manifest.files.values():
            for name, expected in [(entry.file, entry.sha256), *entry.indexes.items()]:
                path = directory / name
                if "/" in name or "\\" in name or not path.is_file():
                    msg = f"{path} is missing (an interrupted or partial install)"
                    raise InstallProblem(msg)
                if sha256_file(path) != expected:
                    msg = f"{path} does not match the sha256 in {MANIFEST} (modified or corrupt)"
                    raise InstallProblem(msg)
    return Install(directory, manifest, Regions(manifest.regions))


# --------------------------------------------------------------------------- triage


def open_resources(fasta: Path | None, clinvar: Path | None, gnomad: Path | None, build: Build, settings: Settings,
                   panel: Panel, use_installed: bool, warnings: list[str]) -> LocalSources | None:
    """The run's local resources: those given on the command line, then the installed ones for what was not given
    (unless ``use_installed`` is False). A problem with the install is a warning, never an error."""
    sources = open_local(fasta, clinvar, gnomad, build, settings)
    if not use_installed:
        return sources
    directory = build_dir(data_dir(), build)
    if not directory.exists():
        return sources
    given = {"reference": fasta, "clinvar": clinvar, "gnomad": gnomad}
    wanted = [kind for kind in KINDS if given[kind] is None]
    if not wanted:
        log.info("installed resources in %s not used: --fasta, --clinvar and --gnomad were all given", directory)
        return sources
    try:
        install = load_install(directory, build)
    except InstallProblem as exc:
        warnings.append(f"the installed resources for {build} are ignored: {exc}; run 'varhlh resources update' "
                        "again (or remove the directory)")
        return sources
    sources = sources or LocalSources(limit=settings.resource_sha256_max_bytes)
    used: list[str] = []
    for kind in wanted:
        if kind not in install.manifest.files:
            continue
        try:
            _attach(sources, install, kind, build, settings)
        except (VarhlhError, OSError) as exc:
            warnings.append(f"the installed {LABELS[kind]} for {build} is ignored: it cannot be opened ({exc}); run "
                            "'varhlh resources update' again")
            continue
        used.append(install.manifest.label(kind))
    if not used:
        return sources if sources.reference or sources.clinvar or sources.gnomad else None
    log.log(NOTICE, "using installed resources (%s, %s): %s", build, directory, "; ".join(used))
    manifest = install.manifest
    if manifest.panel.sha256 != panel.sha256:
        outside = uncovered_genes(panel, build, settings.region_padding_bp, install.regions)
        if outside:
            warnings.append(
                f"the installed resources were built for panel {manifest.panel.name} {manifest.panel.version} "
                f"(sha256 {manifest.panel.sha256[:12]}…), not this run's panel {panel.name} {panel.version}: "
                f"{len(outside)} gene(s) lie outside their regions and have no installed evidence or reference "
                f"sequence ({', '.join(outside)}); run 'varhlh resources update --panel' with this panel")
        else:
            log.info("installed resources built for panel %s %s cover every gene of this run's panel",
                     manifest.panel.name, manifest.panel.version)
    return sources


def _attach(sources: LocalSources, install: Install, kind: str, build: Build, settings: Settings) -> None:
    entry = install.manifest.files[kind]
    label = install.manifest.label(kind)
    origin: dict[str, object] = {"origin": "installed", "release": entry.release, "retrieved": entry.retrieved,
                                 "source_url": entry.source_url}
    path = install.path(kind)
    if kind == "reference":
        sources.reference = RegionReference(path, build, label)
        sources.reference_digest = BackgroundDigest(path, settings.resource_sha256_max_bytes)
        sources.origins["reference"] = origin
        return
    vcf = LocalVcf(path, kind, build, settings, label=label, regions=install.regions)
    vcf.origin = origin
    if kind == "clinvar":
        sources.clinvar = vcf
    else:
        sources.gnomad = vcf


# --------------------------------------------------------------------------- resources show


def describe(root: Path, builds: Sequence[Build] = tuple(Build)) -> str:
    """What is installed under ``root`` (offline): per build, the panel, the regions, each file's release, date,
    sha256 and record count; or why an install cannot be used."""
    lines = [f"data directory: {root}"]
    for build in builds:
        directory = build_dir(root, build)
        lines.append("")
        if not directory.exists():
            lines.append(f"{build}: not installed ('varhlh resources update --build {build}')")
            continue
        try:
            install = load_install(directory, build)
        except InstallProblem as exc:
            lines.append(f"{build}: UNUSABLE ({exc}); triage ignores it; run 'varhlh resources update' again")
            continue
        manifest = install.manifest
        total = sum(r.end - r.start + 1 for r in manifest.regions)
        lines.append(f"{build}: {directory}")
        lines.append(f"  built {manifest.created} by varhlh {manifest.varhlh_version} for panel {manifest.panel.name} "
                     f"{manifest.panel.version} (sha256 {manifest.panel.sha256}); {len(manifest.panel.genes)} genes, "
                     f"{len(manifest.regions)} regions, {total:,} bp (genes ± {manifest.panel.region_padding_bp} + "
                     f"{manifest.panel.flank_bp} bp)")
        for kind in KINDS:
            entry = manifest.files.get(kind)
            if entry is None:
                lines.append(f"  {kind}: not installed")
                continue
            count = f"{entry.records:,} {'sequences' if kind == 'reference' else 'records'}"
            lines.append(f"  {kind}: {entry.file} — {entry.source} {entry.release}, retrieved {entry.retrieved}; "
                         f"{count}; {entry.size:,} bytes; sha256 {entry.sha256}")
            lines.append(f"    from {entry.source_url}")
            lines.extend(f"    note: {note}" for note in entry.notes)
    return "\n".join(lines) + "\n"


def read_records(path: Path) -> Iterable[list[str]]:
    """The record lines of an installed (bgzipped) VCF as fields (for the diff of two installs)."""
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def info_map(info: str) -> Mapping[str, str]:
    """INFO text as key -> value ('' for a flag)."""
    return {item.partition("=")[0]: item.partition("=")[2] for item in info.split(";") if item and info != "."}

"""``varhlh resources update``: build the local panel resources, verified, staged, swapped in whole.

For each build asked (``--build``, default both) and each kind (``--only``, default all: ClinVar, gnomAD, the
panel reference sequence), :mod:`varhlh.online.resources_fetch` downloads what the panel regions need. Then:

1. everything is written into one staging directory beside the install (``<data>/resources/.staging-*``): the VCFs
   bgzipped and tabix-indexed, the sequence as a bgzipped FASTA with ``.fai``/``.gzi`` (pysam), one record per
   region named ``CHROM:START-END``;
2. the reference is verified (:func:`verify_reference`): every curated allele of the panel's known-variant table
   that lies in the regions must have its REF bases there (a mismatch refuses the whole update, naming the allele);
   at least one must be checkable; the MANE start and stop codons are checked and anomalies reported;
3. ``manifest.json`` is written (:class:`varhlh.annotate.installed.Manifest`) and the staged build is opened exactly
   as ``triage`` will open it (every sha256, each VCF's build check, record counts > 0);
4. the diff against the previous install (``resources.diff.txt``: ClinVar records added, removed or with a changed
   significance, per gene; gnomAD records added and removed; reference regions changed; every request made) is
   written, and only then each build directory is swapped in (rename of the old one aside, rename of the new one in,
   removal of the old one): a reader sees the old install, the new one, or none — never a half-written one.

Any failure (service, verification, disk) leaves the previous install untouched and removes the staging directory.
``--only`` keeps the other kinds of the previous install, which must have been built for the same regions.
One update at a time per data directory (a lock file). Dates come from ``SOURCE_DATE_EPOCH`` when set, so two runs
on the same releases give byte-identical files.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from varhlh import __version__
from varhlh.annotate.installed import (
    DIFF,
    FILE_NAMES,
    FORMAT,
    INDEX_SUFFIXES,
    KINDS,
    MANIFEST,
    FileEntry,
    Install,
    InstallProblem,
    Manifest,
    PanelEntry,
    RegionEntry,
    SequenceEntry,
    build_dir,
    encode_manifest,
    info_map,
    install_regions,
    load_install,
    read_records,
)
from varhlh.annotate.protein import codon_bases, translate
from varhlh.annotate.reference import RegionReference
from varhlh.annotate.resources import LocalVcf
from varhlh.annotate.transcript import TranscriptMap
from varhlh.errors import OnlineError, OutputError, UsageError, VarhlhError
from varhlh.fileio import sha256_file
from varhlh.genome import canonical_chrom
from varhlh.models import Build
from varhlh.online import OnlineRequest
from varhlh.online.http import Exchange, OnlineClient
from varhlh.online.resources_fetch import SequenceSet, VcfSubset, digests, sequence_set, vcf_subset
from varhlh.panel import Panel, load_panel
from varhlh.settings import Settings

_WIDTH = 60
_SHOWN = 10
_WILDCARD = frozenset("NRYKMSWBDHV")


@dataclass(frozen=True)
class Outcome:
    """What one update did: the diff text per build, where each build went, the bytes downloaded."""

    diffs: dict[Build, str]
    installed: dict[Build, Path]
    downloaded: int
    requests: int


def update_resources(root: Path, builds: Sequence[Build], kinds: Sequence[str], panel_path: Path | None,
                     settings: Settings, request: OnlineRequest) -> Outcome:
    """Fetch, verify, stage and install the panel resources of ``builds`` under ``root``."""
    panel = load_panel(panel_path)
    resources = root / "resources"
    try:
        resources.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"{resources}: cannot create the data directory ({exc.strerror}); choose another --dir"
        raise OutputError(msg) from exc
    when = _now()
    with _locked(resources):
        previous = {build: _previous(build_dir(root, build), build) for build in builds}
        regions = {build: install_regions(panel, build, settings.region_padding_bp, settings.resources_flank_bp)
                   for build in builds}
        for build in builds:
            _check_only(kinds, previous[build], regions[build], build)
        try:
            stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=resources))
        except OSError as exc:
            msg = f"{resources}: cannot write the data directory ({exc.strerror}); check space and permissions"
            raise OutputError(msg) from exc
        try:
            staged: dict[Build, Path] = {}
            with OnlineClient(settings, request) as client:
                for build in builds:
                    try:
                        staged[build] = _stage_build(client, settings, panel, build, kinds, regions[build],
                                                     previous[build], stage / build.value, when)
                    except OSError as exc:  # pysam's bgzip/tabix/faidx or a copy: the disk, not the service
                        msg = (f"{stage}: cannot write the {build} resources ({exc.strerror or exc}); check space "
                               "and permissions; the previous install is unchanged")
                        raise OutputError(msg) from exc
                exchanges = list(client.exchanges)
            diffs = {}
            for build in builds:
                new = _validate(staged[build], build, settings)
                diffs[build] = render_diff(previous[build], new, kinds, when,
                                           [e for e in exchanges if _for_build(e, build, settings)],
                                           [getattr(settings, f"resources_gnomad_{build.value.lower()}_url")])
                _write(staged[build] / DIFF, diffs[build].encode())
            installed = {build: _swap(staged[build], build_dir(root, build)) for build in builds}
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return Outcome(diffs, installed, sum(e.received for e in exchanges), len(exchanges))


def _now() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), tz=timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One update at a time per data directory (an advisory lock, released when the process ends)."""
    path = directory / ".lock"
    try:
        handle = path.open("a+")
    except OSError as exc:
        msg = f"{directory}: cannot write the data directory ({exc.strerror}); check permissions or choose --dir"
        raise OutputError(msg) from exc
    with handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            msg = f"{directory}: another 'varhlh resources update' is running on this data directory; wait for it"
            raise OutputError(msg) from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _previous(directory: Path, build: Build) -> Install | None:
    if not directory.exists():
        return None
    try:
        return load_install(directory, build)
    except InstallProblem:
        return None  # an unusable install is replaced, not compared


def _check_only(kinds: Sequence[str], previous: Install | None, regions: Sequence[RegionEntry], build: Build) -> None:
    if set(kinds) == set(KINDS) or previous is None:
        return
    if [(r.chrom, r.start, r.end) for r in previous.manifest.regions] != [(r.chrom, r.start, r.end) for r in regions]:
        msg = (f"--only {','.join(kinds)}: the {build} install was built for other regions (another panel or "
               "padding); the kinds kept from it would not match: update every kind (drop --only)")
        raise UsageError(msg)


# --------------------------------------------------------------------------- staging one build


def _stage_build(client: OnlineClient, settings: Settings, panel: Panel, build: Build, kinds: Sequence[str],
                 regions: list[RegionEntry], previous: Install | None, directory: Path, when: str) -> Path:
    directory.mkdir(parents=True)
    files: dict[str, FileEntry] = {}
    for kind in KINDS:
        if kind in kinds:
            if kind == "reference":
                files[kind] = _stage_reference(sequence_set(client, settings, build, regions), panel, build,
                                               regions, directory, when)
            else:
                files[kind] = _stage_vcf(vcf_subset(client, settings, kind, build, regions), panel, build,
                                         settings, directory, when)
        elif previous is not None and kind in previous.manifest.files:
            entry = previous.manifest.files[kind]
            for name in (entry.file, *entry.indexes):
                shutil.copy2(previous.directory / name, directory / name)
            files[kind] = entry
    genes = [g.symbol for g in panel.genes]
    manifest = Manifest(format=FORMAT, build=build.value, created=when, varhlh_version=__version__,
                        panel=PanelEntry(panel.name, panel.version, panel.sha256, settings.region_padding_bp,
                                         settings.resources_flank_bp, genes),
                        regions=regions, files=files)
    _write(directory / MANIFEST, encode_manifest(manifest))
    return directory


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        msg = f"{path.parent}: cannot write the resources ({exc.strerror}); check space and permissions"
        raise OutputError(msg) from exc


def _stage_vcf(subset: VcfSubset, panel: Panel, build: Build, settings: Settings, directory: Path,
               when: str) -> FileEntry:
    import pysam

    name = FILE_NAMES[subset.kind]
    plain = directory / name.removesuffix(".gz")
    _write(plain, ("\n".join([*subset.header, *subset.records]) + "\n").encode())
    target = directory / name
    pysam.tabix_compress(str(plain), str(target), force=True)
    plain.unlink()
    pysam.tabix_index(str(target), preset="vcf", force=True)
    counts: dict[str, int] = {}
    spans = _gene_spans(panel, build, settings.region_padding_bp + settings.resources_flank_bp)
    for record in subset.records:
        chrom, pos = record.split("\t", 2)[:2]
        for symbol in _genes_at(spans, canonical_chrom(chrom) or chrom, int(pos)):
            counts[symbol] = counts.get(symbol, 0) + 1
    urls = subset.urls
    checks = [f"read by region from {len(urls)} remote file(s) through their tabix index ({urls[0]}"
              + (f" … {urls[-1]}" if len(urls) > 1 else "") + "); every BGZF block CRC-checked",
              f"{len(subset.records)} records in the installed regions; INFO kept: {', '.join(subset.fields)}"]
    return FileEntry(kind=subset.kind, file=name, sha256=sha256_file(target), size=target.stat().st_size,
                     indexes={f"{name}.tbi": sha256_file(Path(f"{target}.tbi"))},
                     source="NCBI ClinVar" if subset.kind == "clinvar" else "gnomAD", source_url=subset.source_url,
                     release=subset.release, retrieved=when, records=len(subset.records),
                     records_per_gene=dict(sorted(counts.items())), fields=subset.fields, checks=checks)


def _gene_spans(panel: Panel, build: Build, margin: int) -> dict[str, list[tuple[int, int, str]]]:
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for gene in panel.genes:
        start, end = gene.spans[build]
        spans.setdefault(gene.chrom, []).append((start - margin, end + margin, gene.symbol))
    return spans


def _genes_at(spans: Mapping[str, list[tuple[int, int, str]]], chrom: str, pos: int) -> list[str]:
    return [symbol for start, end, symbol in spans.get(chrom, ()) if start <= pos <= end]


def _stage_reference(sequences: SequenceSet, panel: Panel, build: Build, regions: Sequence[RegionEntry],
                     directory: Path, when: str) -> FileEntry:
    import pysam

    name = FILE_NAMES["reference"]
    plain = directory / name.removesuffix(".gz")
    lines = []
    entries = []
    for region in regions:
        bases = sequences.sequences[region.name]
        lines.append(f">{region.name}")
        lines.extend(bases[i:i + _WIDTH] for i in range(0, len(bases), _WIDTH))
        md5, sha = digests(bases)
        entries.append(SequenceEntry(region.name, len(bases), bases.count("N"), md5, sha))
    _write(plain, ("\n".join(lines) + "\n").encode())
    target = directory / name
    pysam.tabix_compress(str(plain), str(target), force=True)
    plain.unlink()
    pysam.faidx(str(target))
    reference = RegionReference(target, build, "staged panel reference")
    try:
        checks, notes = verify_reference(reference, panel, build)
    finally:
        reference.close()
    checks.insert(0, f"{sequences.requests} sequence request(s) of at most the chunk size; every answer exactly as "
                     f"long as asked, IUPAC bases only; assembly {sequences.assembly} confirmed by the service")
    indexes = {f"{name}{suffix}": sha256_file(Path(f"{target}{suffix}")) for suffix in INDEX_SUFFIXES["reference"]}
    return FileEntry(kind="reference", file=name, sha256=sha256_file(target), size=target.stat().st_size,
                     indexes=indexes, source="Ensembl REST", source_url=sequences.source_url,
                     release=sequences.release, retrieved=when, records=len(entries), sequences=entries,
                     checks=checks, notes=notes)


def verify_reference(reference: RegionReference, panel: Panel, build: Build) -> tuple[list[str], list[str]]:
    """Check the sequence against the panel: curated REF bases (a mismatch refuses), MANE start/stop codons
    (anomalies are notes; all of at least three wrong refuses). Returns (checks done, notes)."""
    candidates = checked = 0
    wrong = []
    for known in panel.known_variants:
        locus = known.loci.get(build)
        if locus is None or not locus.ref or len(locus.ref) != locus.end - locus.start + 1:
            continue
        bases = reference.fetch(locus.chrom, locus.start, locus.end)
        if bases is None:
            continue  # outside the installed regions
        candidates += 1
        pairs = [(r, b) for r, b in zip(locus.ref, bases, strict=True) if b not in _WILDCARD]
        if not pairs:
            continue
        checked += 1
        if any(r != b for r, b in pairs):
            wrong.append(f"{known.gene} {known.hgvs_c}: the panel's REF is {locus.ref} at {locus.chrom}:{locus.start}, "
                         f"the sequence has {bases}")
    if wrong:
        msg = (f"the reference sequence served for {build} differs from {len(wrong)} of {checked} curated REF bases of "
               f"panel {panel.name} {panel.version} ({'; '.join(wrong[:3])}): either the service answered wrongly or "
               "the panel's REF is wrong; nothing was installed (report it if it persists)")
        raise OnlineError(msg)
    if candidates and not checked:
        msg = (f"none of the {candidates} curated REF bases of panel {panel.name} {panel.version} in the {build} "
               "regions could be checked (the sequence holds only N there); nothing was installed")
        raise OnlineError(msg)
    codon_checks, notes = _codon_checks(reference, panel, build)
    return [f"curated REF bases of panel {panel.name} {panel.version}: {checked} of {candidates} in the regions "
            "checked, all equal", *codon_checks], notes


def _codon_checks(reference: RegionReference, panel: Panel, build: Build) -> tuple[list[str], list[str]]:
    looked = good = 0
    notes = []
    for (symbol, model_build), model in sorted(panel.transcripts.items(), key=lambda kv: kv[0][0]):
        if model_build is not build:
            continue
        tmap = TranscriptMap(model)
        chrom = canonical_chrom(model.chrom) or model.chrom
        fetch = reference.fetcher(chrom)
        first = codon_bases(tmap, 1, fetch)
        last = codon_bases(tmap, tmap.cds // 3, fetch)
        if first is None or last is None:
            continue
        looked += 1
        problems = []
        if first != "ATG":
            problems.append(f"c.1-3 is {first}, not ATG")
        if translate(last) != "*":
            problems.append(f"the last codon is {last}, not a stop")
        if problems:
            notes.append(f"{symbol} {model.transcript}: {' and '.join(problems)} (check the exon model and the "
                         "sequence)")
        else:
            good += 1
    if looked >= 3 and good == 0:
        msg = (f"the reference sequence served for {build} gives no ATG start and stop codon at any of the {looked} "
               "MANE exon models checked: it is not the panel's reference; nothing was installed")
        raise OnlineError(msg)
    return [f"MANE start and stop codons: {good} of {looked} exon models checked give ATG ... stop"], notes


# --------------------------------------------------------------------------- validation and swap


def _validate(directory: Path, build: Build, settings: Settings) -> Install:
    """Open the staged build exactly as triage will (sha256s, build checks); refuse an empty VCF."""
    try:
        install = load_install(directory, build)
        for kind in ("clinvar", "gnomad"):
            entry = install.manifest.files.get(kind)
            if entry is None:
                continue
            if entry.records == 0:
                msg = (f"the {kind} source had no record in any of the {len(install.manifest.regions)} panel "
                       f"regions ({entry.source_url}): the wrong file or an empty answer; nothing was installed")
                raise OnlineError(msg)
            LocalVcf(install.path(kind), kind, build, settings).close()
        if "reference" in install.manifest.files:
            RegionReference(install.path("reference"), build, "staged panel reference").close()
    except InstallProblem as exc:
        msg = f"the staged {build} resources do not verify ({exc}); nothing was installed"
        raise OnlineError(msg) from exc
    except OnlineError:
        raise
    except VarhlhError as exc:
        msg = f"the downloaded {build} resources cannot be used ({exc}); nothing was installed"
        raise OnlineError(msg) from exc
    return install


def _swap(staged: Path, target: Path) -> Path:
    """Replace ``target`` by ``staged``: the old directory is renamed aside, the new one renamed in, the old removed."""
    aside = None
    try:
        if target.exists():
            aside = target.with_name(f".old-{target.name}-{os.getpid()}")
            shutil.rmtree(aside, ignore_errors=True)
            target.rename(aside)
        staged.rename(target)
    except OSError as exc:
        if aside is not None and not target.exists():
            aside.rename(target)
        msg = f"{target}: cannot install the new resources ({exc.strerror}); the previous install is unchanged"
        raise OutputError(msg) from exc
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)
    return target


def _for_build(exchange: Exchange, build: Build, settings: Settings) -> bool:
    bases = [getattr(settings, f"resources_{kind}_{build.value.lower()}_url") for kind in ("clinvar", "sequence")]
    gnomad = getattr(settings, f"resources_gnomad_{build.value.lower()}_url")
    prefix, _, suffix = gnomad.partition("{chrom}")
    url = exchange.endpoint
    return any(url.startswith(b.rstrip("/")) for b in bases) or (url.startswith(prefix) and
                                                                  url.removesuffix(".tbi").endswith(suffix))


# --------------------------------------------------------------------------- the diff


def render_diff(previous: Install | None, new: Install, kinds: Sequence[str], when: str,
                exchanges: Sequence[Exchange], templates: Sequence[str] = ()) -> str:
    """What changed from the previous install, and every request made."""
    manifest = new.manifest
    lines = [f"varhlh resources update: {manifest.build}, {when}, panel {manifest.panel.name} "
             f"{manifest.panel.version} ({len(manifest.regions)} regions)"]
    if previous is None:
        lines.append("previous install: none (new install)")
    else:
        old = previous.manifest
        lines.append(f"previous install: {old.created}, panel {old.panel.name} {old.panel.version}")
    for kind in KINDS:
        entry = manifest.files.get(kind)
        if entry is None:
            continue
        before = previous.manifest.files.get(kind) if previous is not None else None
        if kind not in kinds:
            lines.append(f"{kind}: kept from the previous install ({entry.release}, retrieved {entry.retrieved})")
            continue
        head = f"{kind}: {entry.release}" + (f" (was {before.release})" if before is not None else "")
        if before is None or previous is None:
            lines.append(f"{head}: {entry.records} {'sequences' if kind == 'reference' else 'records'} installed")
        elif kind == "reference":
            lines.extend(_reference_diff(head, before, entry))
        else:
            lines.extend(_vcf_diff(head, kind, previous, new))
        lines.extend(f"  note: {note}" for note in entry.notes)
    lines.append("requests (sent: public file names, byte ranges and region coordinates only; no sample data):")
    lines.extend(_requests(exchanges, templates))
    return "\n".join(lines) + "\n"


def _reference_diff(head: str, before: FileEntry, entry: FileEntry) -> list[str]:
    old = {s.name: s.sha256 for s in before.sequences}
    new = {s.name: s.sha256 for s in entry.sequences}
    changed = sorted(name for name in new if name in old and old[name] != new[name])
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    if not (changed or added or removed):
        return [f"{head}: unchanged ({len(new)} regions, same sha256)"]
    out = [f"{head}: {len(changed)} region(s) changed, {len(added)} added, {len(removed)} removed"]
    out.extend(f"  changed {name}" for name in changed[:_SHOWN])
    out.extend(f"  added {name}" for name in added[:_SHOWN])
    out.extend(f"  removed {name}" for name in removed[:_SHOWN])
    return out


def _vcf_diff(head: str, kind: str, previous: Install, new: Install) -> list[str]:
    old, now = _keyed(previous, kind), _keyed(new, kind)
    regions = new.manifest.regions
    by_gene: dict[str, list[str]] = {}
    counts: dict[str, list[int]] = {}
    for key in sorted(set(old) | set(now), key=lambda k: (_order(k[0]), k[1], k[2], k[3])):
        gene = _gene(regions, key[0], key[1])
        tally = counts.setdefault(gene, [0, 0, 0])
        where = f"{key[0]}:{key[1]} {key[2]}>{key[3]}"
        if key not in old:
            tally[0] += 1
            by_gene.setdefault(gene, []).append(f"added {where}" + _clinvar_text(kind, now[key]))
        elif key not in now:
            tally[1] += 1
            by_gene.setdefault(gene, []).append(f"removed {where}" + _clinvar_text(kind, old[key]))
        elif kind == "clinvar" and old[key][1] != now[key][1]:
            tally[2] += 1
            by_gene.setdefault(gene, []).append(f"changed {where} (VCV {now[key][0]}): {old[key][1]} -> "
                                                f"{now[key][1]}")
    added, removed, changed = (sum(t[i] for t in counts.values()) for i in range(3))
    what = f"{added} added, {removed} removed" + (f", {changed} changed significance" if kind == "clinvar" else "")
    out = [f"{head}: {len(now)} records; {what}"]
    for gene in sorted(by_gene):
        tally = counts[gene]
        out.append(f"  {gene}: +{tally[0]} -{tally[1]}" + (f" ~{tally[2]}" if kind == "clinvar" else ""))
        if kind == "clinvar":
            out.extend(f"    {item}" for item in by_gene[gene][:_SHOWN])
            if len(by_gene[gene]) > _SHOWN:
                out.append(f"    … {len(by_gene[gene]) - _SHOWN} more")
    return out


def _clinvar_text(kind: str, value: tuple[str, str]) -> str:
    return f" (VCV {value[0]}: {value[1]})" if kind == "clinvar" else ""


def _keyed(install: Install, kind: str) -> dict[tuple[str, int, str, str], tuple[str, str]]:
    out = {}
    for cols in read_records(install.path(kind)):
        chrom = canonical_chrom(cols[0]) or cols[0]
        out[(chrom, int(cols[1]), cols[3], cols[4])] = (cols[2], info_map(cols[7]).get("CLNSIG", "-"))
    return out


def _gene(regions: Sequence[RegionEntry], chrom: str, pos: int) -> str:
    for region in regions:
        if region.chrom == chrom and region.start <= pos <= region.end:
            return "/".join(region.genes)
    return "outside the regions"


def _order(chrom: str) -> tuple[int, str]:
    return (int(chrom), chrom) if chrom.isdigit() else (100 + ord(chrom[0]), chrom)


_SEQUENCE_PATH = re.compile(r"/sequence/region/human/[^/]+$")


def _requests(exchanges: Sequence[Exchange], templates: Sequence[str]) -> list[str]:
    """One line per endpoint (the per-chromosome files of a template together, the sequence regions together)."""
    patterns = [(re.compile("^" + re.escape(t).replace(re.escape("{chrom}"), "([0-9]+|X|Y|MT)") + r"(\.tbi)?$"), t)
                for t in templates]
    grouped: dict[tuple[str, str], list[Exchange]] = {}
    files: dict[tuple[str, str], set[str]] = {}
    for exchange in exchanges:
        endpoint = _SEQUENCE_PATH.sub("/sequence/region/human/{CHROM:START..END:1}", exchange.endpoint)
        for pattern, template in patterns:
            if (match := pattern.match(endpoint)) is not None:
                endpoint = template + (match.group(2) or "")
                files.setdefault((exchange.method, endpoint), set()).add(match.group(1))
        grouped.setdefault((exchange.method, endpoint), []).append(exchange)
    out = []
    for (method, endpoint), group in grouped.items():
        ranged = sum(1 for e in group if e.query.startswith("bytes="))
        chroms = files.get((method, endpoint))
        what = (f"{len(chroms)} chromosome files, " if chroms else "") + f"{len(group)} request(s)" + (
            f", {ranged} byte range(s)" if ranged else "")
        out.append(f"  {method} {endpoint} ({what}; {sum(e.received for e in group):,} bytes received; attempts: "
                   f"{sum(e.attempts for e in group)})")
    return out

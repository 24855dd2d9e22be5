"""What ``varhlh resources update`` downloads: ClinVar and gnomAD records of the panel regions, and the panel
regions' reference sequence. Only region coordinates and public file names are sent; never anything of a patient.

* **ClinVar** (NCBI, ``Settings.resources_clinvar_grch3X_url``) and **gnomAD** sites (one file per chromosome,
  ``Settings.resources_gnomad_grch3X_url`` with ``{chrom}``): region queries through the remote tabix index
  (:mod:`varhlh.online.remote_tabix`). Kept: the records overlapping the installed regions, with the INFO fields
  varhlh reads (ClinVar: :data:`CLINVAR_FIELDS`; gnomAD: ``resource_af_fields`` and ``popmax_fields`` present in the
  header), the ID column (ClinVar's VariationID), FILTER; contig names as the source writes them. Release: ClinVar's
  ``##fileDate``; gnomAD's version and data set from the URL (``release/4.1/…/genomes/``).
* **Reference sequence** (Ensembl REST, ``Settings.resources_sequence_grch3X_url``): first
  ``info/assembly/homo_sapiens`` must name the build asked for (the build canary) and ``info/software`` gives the
  release; then ``sequence/region/human/CHROM:START..END:1`` in chunks of at most ``resources_sequence_chunk_bp``.
  Each answer must be exactly as long as asked and hold only IUPAC nucleotide codes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from varhlh.annotate.installed import RegionEntry
from varhlh.errors import OnlineError
from varhlh.genome import canonical_chrom
from varhlh.models import Build
from varhlh.online.http import OnlineClient, ResponseError, check_url
from varhlh.online.remote_tabix import RemoteTabix
from varhlh.settings import Settings

CLINVAR_FIELDS = ("CLNSIG", "CLNREVSTAT", "CLNSIGCONF", "CLNVID", "CLNALLE", "ALLELEID", "CLNHGVS")
"""ClinVar INFO fields kept (those present): what :mod:`varhlh.annotate.clinvar` reads, and CLNHGVS for people."""
_KEEP_META = ("##fileformat=", "##fileDate=", "##source=", "##reference=", "##ID=", "##contig=", "##FILTER=")
_INFO_ID = re.compile(r"^##INFO=<ID=([^,>]+)")
_IUPAC = re.compile(r"^[ACGTNRYKMSWBDHV]*$")
_GNOMAD_RELEASE = re.compile(r"/release/([0-9][0-9.]*)/")


@dataclass
class VcfSubset:
    """The records of one source for the installed regions, ready to write."""

    kind: str
    header: list[str]
    records: list[str]
    urls: list[str]
    source_url: str
    release: str
    fields: list[str]


@dataclass
class SequenceSet:
    """The installed regions' reference sequence, in region order."""

    sequences: dict[str, str]
    """Region name (CHROM:START-END) -> bases."""
    release: str
    assembly: str
    source_url: str
    requests: int = 0
    notes: list[str] = field(default_factory=list)


def vcf_subset(client: OnlineClient, settings: Settings, kind: str, build: Build,
               regions: Sequence[RegionEntry]) -> VcfSubset:
    """ClinVar (one file) or gnomAD (one file per chromosome) records of ``regions``."""
    setting = f"resources_{kind}_{build.value.lower()}_url"
    template = getattr(settings, setting)
    service = "NCBI ClinVar" if kind == "clinvar" else "gnomAD"
    by_file: dict[str, list[RegionEntry]] = {}
    for region in regions:
        url = template.replace("{chrom}", region.chrom) if kind == "gnomad" else template
        by_file.setdefault(check_url(url, setting), []).append(region)
    header: list[str] | None = None
    records: list[str] = []
    for url, wanted in by_file.items():
        remote = RemoteTabix(client, service, url, settings.resources_range_bytes)
        lines = remote.header()
        if header is None:
            header = lines
        names = {canonical_chrom(name): name for name in remote.index.names}
        for region in wanted:
            name = names.get(region.chrom)
            if name is not None:
                records.extend(remote.fetch(name, region.start, region.end))
        remote.confirm_unchanged()
    assert header is not None  # regions is never empty
    fields = _kept_fields(kind, header, settings)
    release = _release(kind, header, template)
    subset_header = _subset_header(header, fields, kind, template, release)
    kept = _records(records, set(fields), f"{service} ({template})")
    return VcfSubset(kind, subset_header, kept, list(by_file), template, release, fields)


def _kept_fields(kind: str, header: Sequence[str], settings: Settings) -> list[str]:
    declared = [m.group(1) for line in header if (m := _INFO_ID.match(line))]
    wanted = CLINVAR_FIELDS if kind == "clinvar" else (*settings.resource_af_fields, *settings.popmax_fields)
    kept = [name for name in declared if name in wanted]
    if kind == "clinvar" and "CLNSIG" not in kept:
        msg = "NCBI ClinVar: the VCF header declares no CLNSIG field (schema drift?); nothing was installed"
        raise OnlineError(msg)
    if kind == "gnomad" and not kept:
        msg = (f"gnomAD: the VCF header declares none of the frequency fields varhlh reads "
               f"({', '.join(wanted[:6])}, …; settings resource_af_fields / popmax_fields); nothing was installed")
        raise OnlineError(msg)
    return kept


def _release(kind: str, header: Sequence[str], template: str) -> str:
    if kind == "clinvar":
        date = next((line.split("=", 1)[1].strip() for line in header if line.startswith("##fileDate=")), "")
        if not re.match(r"^\d{4}-?\d{2}-?\d{2}$", date):
            msg = f"NCBI ClinVar: no usable ##fileDate in the header ({date or 'absent'}): the release is unknown"
            raise OnlineError(msg)
        return date if "-" in date else f"{date[:4]}-{date[4:6]}-{date[6:]}"
    match = _GNOMAD_RELEASE.search(template)
    version = f"v{match.group(1)}" if match else "(version unknown)"
    dataset = "genomes" if "/genomes/" in template else "exomes" if "/exomes/" in template else "sites"
    return f"gnomAD {version} {dataset}"


def _subset_header(header: Sequence[str], fields: Sequence[str], kind: str, template: str, release: str) -> list[str]:
    out = [line for line in header[:-1] if line.startswith(_KEEP_META)
           or ((m := _INFO_ID.match(line)) is not None and m.group(1) in fields)]
    if not out or not out[0].startswith("##fileformat="):
        out.insert(0, "##fileformat=VCFv4.2")
    out.append(f"##varhlh_resource=<kind={kind},release=\"{release}\",source=\"{template}\","
               f"content=\"records of the panel regions only; INFO: {','.join(fields)}\">")
    out.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    return out


def _records(lines: Iterable[str], fields: set[str], where: str) -> list[str]:
    """Records with the kept INFO fields only, sorted by chromosome and position, exact duplicates once (a record
    overlapping two regions is returned by both queries)."""
    out: list[str] = []
    for line in lines:
        cols = line.split("\t", 8)
        if len(cols) < 8:
            msg = f"{where}: a record has {len(cols)} columns ({line[:60]!r}); nothing was installed"
            raise OnlineError(msg)
        info = ";".join(item for item in cols[7].split(";") if item.split("=", 1)[0] in fields) or "."
        out.append("\t".join([*cols[:7], info]))
    out.sort(key=_record_key)
    return [line for i, line in enumerate(out) if i == 0 or line != out[i - 1]]


def _record_key(line: str) -> tuple[tuple[int, str], int, str]:
    chrom, pos, _ = line.split("\t", 2)
    return _order(canonical_chrom(chrom) or chrom), int(pos), line


def _order(chrom: str) -> tuple[int, str]:
    return (int(chrom), chrom) if chrom.isdigit() else (100 + ord(chrom[0]), chrom)


# --------------------------------------------------------------------------- reference sequence


def sequence_set(client: OnlineClient, settings: Settings, build: Build, regions: Sequence[RegionEntry]) -> SequenceSet:
    """The bases of every installed region, from Ensembl REST, checked for length and alphabet."""
    setting = f"resources_sequence_{build.value.lower()}_url"
    base = check_url(getattr(settings, setting), setting)
    json_params = {"content-type": "application/json"}
    assembly = client.get_json("Ensembl REST", f"{base}/info/assembly/homo_sapiens", "assembly (build canary)",
                               lambda data: _assembly(data, build), json_params)
    release = client.get_json("Ensembl REST", f"{base}/info/software", "release", _software, json_params)
    sequences: dict[str, str] = {}
    requests = 0
    chunk = max(1, settings.resources_sequence_chunk_bp)
    for region in regions:
        parts = []
        for start in range(region.start, region.end + 1, chunk):
            end = min(region.end, start + chunk - 1)
            url = f"{base}/sequence/region/human/{region.chrom}:{start}..{end}:1"
            parts.append(client.get_text("Ensembl REST", url, f"sequence {region.chrom}:{start}-{end}",
                                         _sequence_check(end - start + 1), {"content-type": "text/plain"}))
            requests += 1
        sequences[region.name] = "".join(parts)
    return SequenceSet(sequences, f"Ensembl release {release}, {assembly}", assembly, base, requests)


def _assembly(data: Any, build: Build) -> str:
    if not isinstance(data, dict) or not isinstance(data.get("default_coord_system_version"), str):
        msg = "no default_coord_system_version in the assembly answer (schema drift?)"
        raise ResponseError(msg)
    version = data["default_coord_system_version"]
    if version != build.value:
        setting = f"resources_sequence_{build.value.lower()}_url"
        msg = f"the service serves {version}, not {build.value}: check the {setting} setting"
        raise ResponseError(msg)
    return str(data.get("assembly_name") or version)


def _software(data: Any) -> str:
    if not isinstance(data, dict) or not isinstance(data.get("release"), int | str):
        msg = "no release in the info/software answer (schema drift?)"
        raise ResponseError(msg)
    return str(data["release"])


def _sequence_check(length: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        bases = "".join(text.split()).upper()
        if len(bases) != length:
            msg = f"{len(bases)} bases returned for a {length}-bp region (truncated or wrong region)"
            raise ResponseError(msg)
        if not _IUPAC.match(bases):
            bad = next(c for c in bases if c not in "ACGTNRYKMSWBDHV")
            msg = f"not a nucleotide sequence (character {bad!r})"
            raise ResponseError(msg)
        return bases

    return check


def digests(bases: str) -> tuple[str, str]:
    """(md5, sha256) of a sequence's upper-case bases."""
    data = bases.encode("ascii")
    return hashlib.md5(data, usedforsecurity=False).hexdigest(), hashlib.sha256(data).hexdigest()

"""The one Settings object: every threshold varhlh uses, documented, serialised into each result.

=============================  ==========  ====================================================
setting                        default     meaning
=============================  ==========  ====================================================
region_padding_bp              100         padding added to each MANE transcript span when
                                           restricting to panel regions (splice/promoter edge)
upstream_window_bp             10000       unindexed input: records starting this far upstream
                                           of a region are parsed so that long deletions reaching
                                           into a gene are not missed
min_gq                         20          genotype quality below this flags the allele
min_dp                         10          read depth below this flags the allele
min_het_allele_fraction        0.20        ALT read fraction below this in a het call is flagged
ba1_af                         0.01        BA1 (stand-alone benign): filtering/popmax AF >= this
bs1_af                         0.003       BS1 (strong benign): AF >= this
bs1_supporting_af              0.001       BS1_Supporting: AF >= this
pm2_max_af                     0.00007     PM2_Supporting: AF <= this (or absent)
cis_proximity_bp               5           two alleles this close (or in one codon) are flagged
                                           as probably one event on one read, not two hits
trust_phase_without_ps         false       phased GTs without PS count as one phase set (only for
                                           read-backed or pedigree-phased files; statistical
                                           phasing of rare variants is unreliable)
min_hom_allele_fraction        0.80        ALT read fraction below this in a hom call is flagged
af_fields                      (...)       INFO fields (or, when INFO has none, columns of the
                                           chosen VEP CSQ entry) read as population allele frequency
popmax_fields                  (...)       the same for popmax / filtering AF (FAF95); also read
                                           from a local --gnomad file
resource_af_fields             (...)       local --gnomad file: INFO fields read as the overall AF
resource_sha256_max_bytes      4e9         local resources (--fasta, --clinvar, --gnomad) larger
                                           than this are not hashed (size and index hash recorded)
ref_mismatch_refuse_fraction   0.5         --fasta: refuse the input when more than this fraction
                                           of checked alleles have a REF differing from the FASTA
ref_mismatch_refuse_min        3           ... and at least this many alleles mismatch
sex_min_x_calls                10          non-PAR chrX ALT calls needed to infer sex from the
                                           heterozygous fraction
sex_female_het_fraction        0.30        heterozygous fraction at or above this: female
sex_male_het_fraction          0.05        heterozygous fraction at or below this: male
online_connect_timeout_s       5           opt-in online features: seconds to open a connection
online_read_timeout_s          60          seconds to wait for a response (a 200-variant VEP
                                           batch can take ~30 s)
online_retries                 3           retries after the first attempt (timeouts, 429, 5xx)
online_backoff_s               1.0         retry wait: this x 2^(retry-1) s unless the server
                                           sends Retry-After (429/503), which is honoured
online_max_retry_after_s       120         a Retry-After longer than this fails the step
online_vep_batch_size          200         variants per VEP POST (Ensembl's public limit: 200)
online_cache_days              7           cached online responses older than this are not used
max_line_bytes                 64 MiB      longest VCF line (header or record) read; a longer one
                                           is refused (exit 3) before it is held in memory
vep_grch37_url                 (...)       Ensembl REST for GRCh37: https://grch37.rest.ensembl.org
vep_grch38_url                 (...)       Ensembl REST for GRCh38: https://rest.ensembl.org
panelapp_url                   (...)       PanelApp API: https://panelapp.genomicsengland.co.uk/api/v1
panelapp_au_url                (...)       PanelApp Australia API: https://panelapp-aus.org/api/v1
resources_flank_bp             1000        varhlh resources update: bp added on each side of every
                                           panel region (gene span + region_padding_bp)
resources_clinvar_grch37_url   (...)       NCBI ClinVar VCF, GRCh37 (bgzipped, with URL.tbi)
resources_clinvar_grch38_url   (...)       NCBI ClinVar VCF, GRCh38
resources_gnomad_grch37_url    (...)       gnomAD v2.1.1 genomes sites VCF, one per {chrom}
resources_gnomad_grch38_url    (...)       gnomAD v4.1 genomes sites VCF, one per {chrom}
resources_sequence_grch37_url  (...)       Ensembl REST for GRCh37 sequence (sequence/region)
resources_sequence_grch38_url  (...)       Ensembl REST for GRCh38 sequence
resources_sequence_chunk_bp    1000000     bp of reference sequence per request (REST limit 10 Mb)
resources_range_bytes          4194304     bytes per HTTP range request of a remote VCF
=============================  ==========  ====================================================

Online URLs must be https:// (plain http:// only for a loopback host, e.g. a local mirror or a
test server); see docs/validation-and-security.md, "Online features (opt-in) and privacy"

Values from ``--config`` are checked (:func:`load_settings`, exit 4): every number finite and within
its plausible range (:data:`RANGES`: fractions and frequencies in [0, 1], counts and windows bounded),
and consistent (``ba1_af >= bs1_af >= bs1_supporting_af >= pm2_max_af``, ``sex_male_het_fraction <
sex_female_het_fraction``). The file is read once, at most 1 MiB.

Frequency thresholds follow the recessive-disease derivation in docs/clinical-basis.md, section 4.4 (ClinGen SVI
BA1 exceptions, Ghosh et al. 2018; Whiffin et al. 2017; curated founder and hypomorphic alleles are exempt).
Load overrides from TOML with :func:`load_settings`.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from varhlh.errors import ConfigError, shown
from varhlh.fileio import CONFIG_LIMIT, read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_AF_FIELDS = (
    # gnomAD v2-v4 as VEP, dbNSFP, ANNOVAR and bcftools annotate write them (genomes and joint before exomes)
    "gnomADg_AF", "gnomAD4.1_joint_AF", "gnomAD_joint_AF", "gnomAD_AF", "gnomad_AF", "GNOMADAF", "AF_gnomad",
    "gnomAD_genomes_AF", "gnomAD_genome_ALL", "gnomad40_genome_AF", "gnomad41_genome_AF",
    "gnomADe_AF", "gnomAD_exomes_AF", "gnomAD_exome_ALL", "gnomad40_exome_AF", "gnomad41_exome_AF",
    # 1000 Genomes phase 3
    "1000Gp3_AF", "1000G_AF", "AF_1000G", "KG_AF", "1000GAF", "1000g2015aug_all",
    # exome-only older sources
    "ExAC_AF", "EXACAF", "ExAC_ALL", "esp6500siv2_all",
)
DEFAULT_POPMAX_FIELDS = (
    "gnomAD_FAF95_popmax", "faf95_popmax", "fafmax_faf95_max", "gnomADg_FAF95", "gnomADe_FAF95",
    "AF_popmax", "gnomAD_AF_popmax", "GNOMADAF_popmax", "GNOMADAF_POPMAX", "popmax_AF", "AF_grpmax",
    "fafmax_faf95_max_joint", "AF_grpmax_joint", "gnomAD4.1_joint_POPMAX_AF", "gnomAD_genomes_POPMAX_AF",
    "gnomAD_exomes_POPMAX_AF", "1000Gp3_MAX_AF", "MAX_AF",
)


@dataclass(frozen=True)
class Settings:
    """Every threshold in one frozen object (see the module docstring for the table)."""

    region_padding_bp: int = 100
    """Padding (bp) added to each MANE transcript span when restricting to panel regions (splice and promoter edges)."""
    upstream_window_bp: int = 10_000
    """Unindexed input: records starting this far (bp) upstream of a region are parsed, so that long deletions reaching
    into a gene are not missed."""
    min_gq: int = 20
    """Genotype quality below this flags the allele (LOW_GQ)."""
    min_dp: int = 10
    """Read depth below this flags the allele (LOW_DP)."""
    min_het_allele_fraction: float = 0.20
    """ALT read fraction below this in a heterozygous call is flagged."""
    ba1_af: float = 0.01
    """BA1 (stand-alone benign): filtering/popmax allele frequency at or above this."""
    bs1_af: float = 0.003
    """BS1 (strong benign): allele frequency at or above this."""
    bs1_supporting_af: float = 0.001
    """BS1_Supporting: allele frequency at or above this."""
    pm2_max_af: float = 0.00007
    """PM2_Supporting: allele frequency at or below this (or absent from a source that covers the position)."""
    cis_proximity_bp: int = 5
    """Two alleles this close (bp), or in one codon, are flagged as probably one event on one read, not two hits."""
    trust_phase_without_ps: bool = False
    """Phased genotypes without PS count as one phase set (only for read-backed or pedigree-phased files; statistical
    phasing of rare variants is unreliable)."""
    min_hom_allele_fraction: float = 0.80
    """ALT read fraction below this in a homozygous call is flagged."""
    af_fields: tuple[str, ...] = field(default=DEFAULT_AF_FIELDS)
    """INFO fields (or, when INFO has none, columns of the chosen VEP CSQ entry) read as population allele frequency,
    in order of preference."""
    popmax_fields: tuple[str, ...] = field(default=DEFAULT_POPMAX_FIELDS)
    """The same for popmax / filtering allele frequency (FAF95); also read from a local --gnomad file."""
    resource_af_fields: tuple[str, ...] = ("AF", "AF_joint")
    """Local --gnomad file: INFO fields read as the overall allele frequency."""
    resource_sha256_max_bytes: int = 4_000_000_000
    """Local resources (--fasta, --clinvar, --gnomad) larger than this are not hashed (size and index hash recorded
    instead)."""
    ref_mismatch_refuse_fraction: float = 0.5
    """--fasta: refuse the input when more than this fraction of checked alleles have a REF differing from the FASTA
    ..."""
    ref_mismatch_refuse_min: int = 3
    """... and at least this many alleles mismatch."""
    sex_min_x_calls: int = 10
    """Non-PAR chrX ALT calls needed to infer sex from the heterozygous fraction."""
    sex_female_het_fraction: float = 0.30
    """chrX heterozygous fraction at or above this: female."""
    sex_male_het_fraction: float = 0.05
    """chrX heterozygous fraction at or below this: male."""
    online_connect_timeout_s: float = 5.0
    """Opt-in online features: seconds to open a connection."""
    online_read_timeout_s: float = 60.0
    """Seconds to wait for a response (a 200-variant VEP batch can take about 30 s)."""
    online_retries: int = 3
    """Retries after the first attempt (timeouts, 429, 5xx)."""
    online_backoff_s: float = 1.0
    """Retry wait: this x 2^(retry-1) seconds unless the server sends Retry-After (429/503), which is honoured."""
    online_max_retry_after_s: float = 120.0
    """A Retry-After longer than this (seconds) fails the step."""
    online_vep_batch_size: int = 200
    """Variants per VEP POST (Ensembl's public limit: 200)."""
    online_cache_days: float = 7.0
    """Cached online responses older than this (days) are not used."""
    max_line_bytes: int = 64 << 20
    """Longest VCF line (header or record) read, in bytes; a longer one is refused (exit 3) before it is held in
    memory (a gzip bomb of NULs, ``/dev/zero``, a 1-GB INFO value)."""
    vep_grch37_url: str = "https://grch37.rest.ensembl.org"
    """Ensembl REST for GRCh37."""
    vep_grch38_url: str = "https://rest.ensembl.org"
    """Ensembl REST for GRCh38."""
    panelapp_url: str = "https://panelapp.genomicsengland.co.uk/api/v1"
    """Genomics England PanelApp API."""
    panelapp_au_url: str = "https://panelapp-aus.org/api/v1"
    """PanelApp Australia API."""
    # --- varhlh resources update (docs/resources.md) ---
    resources_flank_bp: int = 1000
    """varhlh resources update: bp added on each side of every panel region (gene span plus region_padding_bp) for
    the installed ClinVar, gnomAD and reference sequence, so that indels at a region edge can be normalised."""
    resources_clinvar_grch37_url: str = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh37/clinvar.vcf.gz"
    """NCBI ClinVar VCF for GRCh37 (bgzipped; its tabix index is this URL + .tbi); read by region only."""
    resources_clinvar_grch38_url: str = "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/vcf_GRCh38/clinvar.vcf.gz"
    """NCBI ClinVar VCF for GRCh38 (bgzipped; its tabix index is this URL + .tbi); read by region only."""
    resources_gnomad_grch37_url: str = ("https://gnomad-public-us-east-1.s3.amazonaws.com/release/2.1.1/vcf/genomes/"
                                        "gnomad.genomes.r2.1.1.sites.{chrom}.vcf.bgz")
    """gnomAD v2.1.1 genomes sites VCF for GRCh37, one file per chromosome ({chrom}: 1..22, X); read by region
    only."""
    resources_gnomad_grch38_url: str = ("https://gnomad-public-us-east-1.s3.amazonaws.com/release/4.1/vcf/genomes/"
                                        "gnomad.genomes.v4.1.sites.chr{chrom}.vcf.bgz")
    """gnomAD v4.1 genomes sites VCF for GRCh38, one file per chromosome ({chrom}: 1..22, X, Y); read by region
    only."""
    resources_sequence_grch37_url: str = "https://grch37.rest.ensembl.org"
    """Ensembl REST serving GRCh37 reference sequence (sequence/region)."""
    resources_sequence_grch38_url: str = "https://rest.ensembl.org"
    """Ensembl REST serving GRCh38 reference sequence (sequence/region)."""
    resources_sequence_chunk_bp: int = 1_000_000
    """Reference sequence fetched per request (bp); Ensembl REST allows up to 10 Mb."""
    resources_range_bytes: int = 4_194_304
    """Bytes per HTTP range request when reading a remote bgzipped VCF (at least two BGZF blocks)."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


_FRACTION = (0.0, 1.0)
RANGES: dict[str, tuple[float, float]] = {
    "region_padding_bp": (0, 1_000_000),
    "upstream_window_bp": (0, 10_000_000),
    "min_gq": (0, 10_000),
    "min_dp": (0, 1_000_000),
    "min_het_allele_fraction": _FRACTION,
    "ba1_af": _FRACTION,
    "bs1_af": _FRACTION,
    "bs1_supporting_af": _FRACTION,
    "pm2_max_af": _FRACTION,
    "cis_proximity_bp": (0, 1_000_000),
    "min_hom_allele_fraction": _FRACTION,
    "resource_sha256_max_bytes": (0, 1 << 50),
    "ref_mismatch_refuse_fraction": _FRACTION,
    "ref_mismatch_refuse_min": (1, 1_000_000),
    "sex_min_x_calls": (1, 1_000_000),
    "sex_female_het_fraction": _FRACTION,
    "sex_male_het_fraction": _FRACTION,
    "online_connect_timeout_s": (0.1, 600),
    "online_read_timeout_s": (0.1, 3600),
    "online_retries": (0, 20),
    "online_backoff_s": (0, 600),
    "online_max_retry_after_s": (0, 3600),
    "online_vep_batch_size": (1, 1000),
    "online_cache_days": (0, 3650),
    "max_line_bytes": (1 << 16, (1 << 31) - 1),
}
"""Plausible range (inclusive) of every numeric setting; a value outside is refused."""
ORDERED: tuple[tuple[str, str], ...] = (
    ("ba1_af", "bs1_af"), ("bs1_af", "bs1_supporting_af"), ("bs1_supporting_af", "pm2_max_af"),
)
"""(a, b): a must be >= b (the ACMG frequency ladder: stand-alone benign above strong benign above supporting
benign above the PM2 ceiling)."""


def _jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then a TOML file (flat keys, or under ``[settings]``), then explicit overrides.

    Unknown keys and wrongly typed values are a :class:`ConfigError` naming the file and key.
    """
    values: dict[str, Any] = {}
    if path is not None:
        values.update(_read_toml(path))
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name: f for f in dataclasses.fields(Settings)}
    defaults = Settings()
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            msg = f"{path or 'settings'}: unknown setting {key!r}; known settings: {', '.join(sorted(known))}"
            raise ConfigError(msg)
        checked[key] = _coerce(key, value, getattr(defaults, key), path)
    settings = Settings(**checked)
    check_consistency(settings, path)
    return settings


def check_consistency(settings: Settings, path: Path | None = None) -> None:
    """Refuse settings that contradict each other (:data:`ORDERED`, the sex-inference fractions)."""
    where = path or "settings"
    for high, low in ORDERED:
        if getattr(settings, high) < getattr(settings, low):
            msg = (f"{where}: {high} = {getattr(settings, high):g} is below {low} = {getattr(settings, low):g}; the "
                   "frequency thresholds must satisfy ba1_af >= bs1_af >= bs1_supporting_af >= pm2_max_af")
            raise ConfigError(msg)
    if settings.sex_male_het_fraction >= settings.sex_female_het_fraction:
        msg = (f"{where}: sex_male_het_fraction = {settings.sex_male_het_fraction:g} must be below "
               f"sex_female_het_fraction = {settings.sex_female_het_fraction:g}")
        raise ConfigError(msg)


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_text(path, CONFIG_LIMIT, what="config file", fix="check the --config path", error=ConfigError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{path}: not valid TOML ({str(exc)[:200]}); fix the file or drop --config"
        raise ConfigError(msg) from exc
    except RecursionError as exc:
        msg = f"{path}: not valid settings TOML (nested too deeply); settings are flat key = value pairs"
        raise ConfigError(msg) from exc
    section = data.get("settings", data)
    if not isinstance(section, dict):
        msg = f"{path}: [settings] must be a table of key = value pairs"
        raise ConfigError(msg)
    return section


def _coerce(key: str, value: Any, default: Any, path: Path | None) -> Any:
    where = f"{path or 'settings'}: setting {key!r}"
    if isinstance(default, str):
        if not isinstance(value, str) or not value.strip():
            msg = f"{where} must be a non-empty string, got {shown(value)}"
            raise ConfigError(msg)
        return value.strip()
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            msg = f"{where} must be a list of strings"
            raise ConfigError(msg)
        return tuple(value)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            msg = f"{where} must be true or false, got {shown(value)}"
            raise ConfigError(msg)
        return value
    if not isinstance(value, int | float) or isinstance(value, bool):
        msg = f"{where} must be a number, got {shown(value)}"
        raise ConfigError(msg)
    if isinstance(value, float) and not math.isfinite(value):
        msg = f"{where} must be a finite number, got {value}"
        raise ConfigError(msg)
    low, high = RANGES.get(key, (0, float("inf")))
    if not low <= value <= high:
        unit = " (a fraction)" if (low, high) == _FRACTION else ""
        msg = f"{where} must be between {low:g} and {high:g}{unit}, got {shown(value)}"
        raise ConfigError(msg)
    if isinstance(default, int) and not isinstance(default, bool):
        if not float(value).is_integer():
            msg = f"{where} must be a whole number, got {shown(value)}"
            raise ConfigError(msg)
        value = int(value)
    return value

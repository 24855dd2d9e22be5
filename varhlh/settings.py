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
af_fields                      (...)       INFO fields read as population allele frequency
popmax_fields                  (...)       INFO fields read as popmax / filtering AF (FAF95)
=============================  ==========  ====================================================

Frequency thresholds follow hlh-domain.md §5.3-5.4 (recessive FHL derivation; curated founder
and hypomorphic alleles are exempt). Load overrides from TOML with :func:`load_settings`.
"""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from varhlh.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

DEFAULT_AF_FIELDS = (
    "gnomADg_AF", "gnomADe_AF", "gnomAD_AF", "gnomad_AF", "GNOMADAF", "gnomAD_exomes_AF",
    "gnomAD_genomes_AF", "ExAC_AF", "EXACAF", "AF_gnomad", "MAX_AF",
)
DEFAULT_POPMAX_FIELDS = (
    "gnomAD_FAF95_popmax", "faf95_popmax", "fafmax_faf95_max", "gnomADg_FAF95", "gnomADe_FAF95",
    "AF_popmax", "gnomAD_AF_popmax", "GNOMADAF_popmax", "GNOMADAF_POPMAX", "popmax_AF", "AF_grpmax",
)


@dataclass(frozen=True)
class Settings:
    """Every threshold in one frozen object (see the module docstring for the table)."""

    region_padding_bp: int = 100
    upstream_window_bp: int = 10_000
    min_gq: int = 20
    min_dp: int = 10
    min_het_allele_fraction: float = 0.20
    ba1_af: float = 0.01
    bs1_af: float = 0.003
    bs1_supporting_af: float = 0.001
    pm2_max_af: float = 0.00007
    cis_proximity_bp: int = 5
    af_fields: tuple[str, ...] = field(default=DEFAULT_AF_FIELDS)
    popmax_fields: tuple[str, ...] = field(default=DEFAULT_POPMAX_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


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
    return Settings(**checked)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"{path}: cannot read config file ({exc.strerror}); check the --config path"
        raise ConfigError(msg) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"{path}: not valid TOML ({exc}); fix the file or drop --config"
        raise ConfigError(msg) from exc
    section = data.get("settings", data)
    if not isinstance(section, dict):
        msg = f"{path}: [settings] must be a table of key = value pairs"
        raise ConfigError(msg)
    return section


def _coerce(key: str, value: Any, default: Any, path: Path | None) -> Any:
    where = f"{path or 'settings'}: setting {key!r}"
    if isinstance(default, tuple):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            msg = f"{where} must be a list of strings"
            raise ConfigError(msg)
        return tuple(value)
    if isinstance(default, bool) or not isinstance(value, int | float) or isinstance(value, bool):
        msg = f"{where} must be a number, got {value!r}"
        raise ConfigError(msg)
    if isinstance(default, int) and not isinstance(default, bool):
        if not float(value).is_integer():
            msg = f"{where} must be a whole number, got {value!r}"
            raise ConfigError(msg)
        value = int(value)
    if value < 0:
        msg = f"{where} must not be negative, got {value!r}"
        raise ConfigError(msg)
    return value

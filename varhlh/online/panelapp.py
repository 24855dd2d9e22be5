"""PanelApp API (Genomics England; PanelApp Australia): one panel, validated, in varhlh's vocabulary.

Request: ``GET {base}/panels/{id}/`` (``?version=X.Y`` when pinned); the only data sent is the panel
id and version. The answer is validated (pydantic, the fields used only): ``confidence_level``
is a string ("3" green, "2" amber, "1" red, "0" removed from the panel), genes carry
``gene_data`` with their Ensembl locations per build. A pinned version must come back as that
version. Schema drift is an error, never an empty panel.

Free-text mode of inheritance -> varhlh's closed vocabulary (AR/XL/AD) by **exact match** on the
12 PanelApp choices (``panels/models/evaluation.py`` MODES_OF_INHERITANCE) — never by substring:
"X-LINKED: hemizygous mutation in males, biallelic mutations in females" contains "biallelic"
and is X-linked (XL), not AR. See :data:`MOI_TABLE`; "BOTH monoallelic and biallelic" is
ambiguous for a single-rule genotype model and is never applied automatically.

Mode of pathogenicity -> mechanism: only PanelApp's positive statement "Loss-of-function variants
... DO NOT cause this phenotype" maps (to GoF: do not apply PVS1). An empty field is the absence of
an exception, not evidence of LoF, so it never turns a curated GoF gene into LoF.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from varhlh.errors import UsageError
from varhlh.models import Build, Inheritance, Mechanism, PanelAppRating
from varhlh.online.http import OnlineClient, ResponseError, check_url
from varhlh.settings import Settings


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    setting: str
    default_panel: int | None


SOURCES = {
    "panelapp": Source("panelapp", "Genomics England PanelApp", "panelapp_url", 398),
    "panelapp-au": Source("panelapp-au", "PanelApp Australia", "panelapp_au_url", None),
}
"""Panel 398 'Primary immunodeficiency or monogenic inflammatory bowel disease' (R15) holds the
HLH genes in Genomics England PanelApp (panel 398, R15); PanelApp Australia has no default."""

HLH_PHENOTYPE = re.compile(r"ha?emophagocyt|\bc?HLH\b", re.IGNORECASE)
"""A gene of the default panel is taken when it is in the base panel or a phenotype matches this."""


@dataclass(frozen=True)
class MoiRule:
    text: str
    inheritance: Inheritance | None
    meaning: str


MOI_TABLE: tuple[MoiRule, ...] = (
    MoiRule("BIALLELIC, autosomal or pseudoautosomal", Inheritance.AR, "autosomal recessive"),
    MoiRule("MONOALLELIC, autosomal or pseudoautosomal, NOT imprinted", Inheritance.AD, "autosomal dominant"),
    MoiRule("MONOALLELIC, autosomal or pseudoautosomal, maternally imprinted (paternal allele expressed)",
            Inheritance.AD, "autosomal dominant (imprinted)"),
    MoiRule("MONOALLELIC, autosomal or pseudoautosomal, paternally imprinted (maternal allele expressed)",
            Inheritance.AD, "autosomal dominant (imprinted)"),
    MoiRule("MONOALLELIC, autosomal or pseudoautosomal, imprinted status unknown", Inheritance.AD,
            "autosomal dominant"),
    MoiRule("X-LINKED: hemizygous mutation in males, biallelic mutations in females", Inheritance.XL,
            "X-linked (females need two alleles)"),
    MoiRule("X-LINKED: hemizygous mutation in males, monoallelic mutations in females may cause disease "
            "(may be less severe, later onset than males)", Inheritance.XL, "X-linked (females may be affected)"),
    MoiRule("BOTH monoallelic and biallelic, autosomal or pseudoautosomal", None,
            "ambiguous: monoallelic and biallelic"),
    MoiRule("BOTH monoallelic and biallelic (but BIALLELIC mutations cause a more SEVERE disease form), autosomal "
            "or pseudoautosomal", None, "ambiguous: monoallelic and biallelic"),
    MoiRule("MITOCHONDRIAL", None, "mitochondrial: not representable"),
    MoiRule("Unknown", None, "unknown"),
    MoiRule("Other - please specifiy in evaluation comments", None, "other"),
    MoiRule("Other", None, "other"),
)
"""PanelApp's mode-of-inheritance choices (spelling, including 'specifiy', as PanelApp stores them)."""

LOF_EXCEPTION = ("Loss-of-function variants (as defined in pop up message) DO NOT cause this phenotype - please "
                 "provide details in the comments")
RATINGS = {"4": PanelAppRating.GREEN, "3": PanelAppRating.GREEN, "2": PanelAppRating.AMBER,
           "1": PanelAppRating.RED}
"""confidence_level -> rating; "0" means removed from the panel (the gene is not taken)."""

_MOI = {" ".join(rule.text.split()).casefold(): rule for rule in MOI_TABLE}


@dataclass(frozen=True)
class MoiMapping:
    inheritance: Inheritance | None
    """None when PanelApp's statement cannot be applied automatically."""
    meaning: str
    raw: str


def map_moi(text: str | None) -> MoiMapping:
    """Exact (whitespace- and case-normalised) lookup in :data:`MOI_TABLE`; no substring rules."""
    raw = (text or "").strip()
    if not raw:
        return MoiMapping(None, "not given", raw)
    rule = _MOI.get(" ".join(raw.split()).casefold())
    if rule is None:
        return MoiMapping(None, "unrecognised PanelApp mode of inheritance", raw)
    return MoiMapping(rule.inheritance, rule.meaning, raw)


def map_mechanism(text: str | None) -> Mechanism | None:
    """GoF only for PanelApp's 'LoF variants DO NOT cause this phenotype'; otherwise no statement."""
    return Mechanism.GOF if " ".join((text or "").split()).casefold() == LOF_EXCEPTION.casefold() else None


# --------------------------------------------------------------------------- response models


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class EnsemblLocation(_Strict):
    location: str = Field(pattern=r"^[0-9XYMT]+:\d+-\d+$")
    ensembl_id: str


class GeneData(_Strict):
    gene_symbol: str
    hgnc_id: str | None = None
    hgnc_symbol: str | None = None
    omim_gene: list[str] | None = None
    ensembl_genes: dict[str, dict[str, EnsemblLocation]] | None = None


class PanelGeneEntry(_Strict):
    entity_type: str
    entity_name: str
    confidence_level: str = Field(pattern=r"^[0-4]$")
    gene_data: GeneData
    mode_of_inheritance: str | None = None
    mode_of_pathogenicity: str | None = None
    phenotypes: list[str] | None = None

    @property
    def symbol(self) -> str:
        return self.gene_data.hgnc_symbol or self.gene_data.gene_symbol or self.entity_name

    @property
    def rating(self) -> PanelAppRating | None:
        return RATINGS.get(self.confidence_level)

    def location(self, build: Build) -> tuple[str, int, int] | None:
        """(chrom, start, end) of the Ensembl gene on ``build`` (latest release PanelApp lists)."""
        by_build = {k.casefold(): v for k, v in (self.gene_data.ensembl_genes or {}).items()}
        releases = by_build.get(build.value.casefold()) or {}
        if not releases:
            return None
        latest = releases[max(releases, key=lambda r: int(r) if r.isdigit() else -1)]
        chrom, _, span = latest.location.partition(":")
        start, _, end = span.partition("-")
        return chrom, int(start), int(end)


class PanelDetail(_Strict):
    id: int
    name: str
    version: str
    version_created: str | None = None
    genes: list[PanelGeneEntry]


@dataclass(frozen=True)
class FetchedPanel:
    source: Source
    url: str
    detail: PanelDetail


def resolve_panel_id(source: str, panel_id: int | None) -> int:
    chosen = panel_id if panel_id is not None else SOURCES[source].default_panel
    if chosen is None:
        msg = f"--source {source} has no default panel; give --panel-id (the PanelApp panel number)"
        raise UsageError(msg)
    return chosen


def fetch(client: OnlineClient, settings: Settings, source: str, panel_id: int, version: str | None) -> FetchedPanel:
    """One GET of the panel (pinned to ``version`` when given); raises OnlineError on any failure."""
    info = SOURCES[source]
    base = check_url(getattr(settings, info.setting), info.setting)
    url = f"{base}/panels/{panel_id}/"
    what = f"panel {panel_id} " + (f"version {version}" if version else "(current version)")
    params = {"version": version} if version else None
    detail = client.get_json(info.label, url, what, lambda data: _validate(data, panel_id, version), params)
    return FetchedPanel(info, base, detail)


def _validate(data: Any, panel_id: int, version: str | None) -> PanelDetail:
    try:
        detail = PanelDetail.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "(top level)"
        msg = f"panel response does not match the expected schema (schema drift?): {where}: {first.get('msg')}"
        raise ResponseError(msg) from exc
    if detail.id != panel_id:
        msg = f"asked for panel {panel_id}, got panel {detail.id}"
        raise ResponseError(msg)
    if version is not None and detail.version != version:
        msg = f"asked for version {version}, got version {detail.version}"
        raise ResponseError(msg)
    if not detail.genes:
        msg = "the panel has no genes"
        raise ResponseError(msg)
    return detail


def hlh_relevant(entry: PanelGeneEntry, base_symbols: Mapping[str, str]) -> bool:
    """In the base panel (by HGNC id or symbol), or a phenotype mentions haemophagocytosis/HLH."""
    if entry.gene_data.hgnc_id in base_symbols or entry.symbol in base_symbols.values():
        return True
    return any(HLH_PHENOTYPE.search(p) for p in entry.phenotypes or ())


__all__ = ["HLH_PHENOTYPE", "MOI_TABLE", "SOURCES", "FetchedPanel", "MoiMapping", "PanelDetail", "PanelGeneEntry",
           "fetch", "hlh_relevant", "map_mechanism", "map_moi", "resolve_panel_id"]

"""A new panel file from a base panel (default: the bundled one) and one PanelApp panel, plus a diff.

The base panel is never modified; the output is a complete panel in the bundled format
(gene_panels/README.md) that ``--panel`` accepts, written next to its exon-model and known-variant
files (``STEM.exons.tsv``, ``STEM.known_variants.tsv``, copied for the genes kept) and a
human-readable ``STEM.diff.txt``. Rules:

* genes: those of the PanelApp panel that are in the base panel (matched by HGNC id, else symbol)
  or, for the default panel 398, whose phenotypes mention haemophagocytosis/HLH; for any other
  panel id, every gene of the panel. Confidence "0" (removed in PanelApp) counts as absent;
* a base gene absent from the PanelApp panel is **removed** (listed);
* a kept gene takes PanelApp's rating, its inheritance when :func:`~.panelapp.map_moi` maps it
  exactly and it fits the chromosome (XL only on X, AR/AD never on X), and GoF when PanelApp says
  LoF does not cause the phenotype. Anything PanelApp says that cannot be applied (ambiguous or
  unknown inheritance, 'Other' pathogenicity, a renamed symbol) is listed under "needs review" and
  the base value is kept. Every applied change is appended to the row's ``notes`` and ``source``;
* a PanelApp gene new to the panel is **not added**: PanelApp gives neither a MANE Select transcript
  nor a strand, which varhlh needs for HGVS, transcript choice and exon models. It is listed with
  rating, inheritance, phenotypes and its Ensembl locations on both builds for manual curation;
* metadata: the panel name and version carry the PanelApp source, panel id and version
  (``1.0.0+panelapp.398.v8.78``), so every report made with the file names them; the date is the
  later of the base panel's and the PanelApp version's dates (no clock is read: identical inputs
  give identical files).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from varhlh.models import Build, Inheritance, Mechanism
from varhlh.online.panelapp import FetchedPanel, PanelGeneEntry, hlh_relevant, map_mechanism, map_moi
from varhlh.panel import Panel
from varhlh.panel_file import Table


@dataclass
class Update:
    genes: Table
    exons: Table | None
    known: Table | None
    knowledge: dict[str, str] = field(default_factory=dict)
    """The knowledge base's files for the genes kept (file name -> text); empty when the base panel has none."""
    changes: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    not_added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    def diff(self, requests: Sequence[str]) -> str:
        sections = [
            ("Genes removed (in the base panel, absent from the PanelApp panel)", self.removed),
            ("Genes NOT added (PanelApp HLH genes new to the panel: no MANE Select transcript or strand in PanelApp; "
             "curate a row by hand, gene_panels/README.md section 9)", self.not_added),
            ("Changed (applied)", self.changes),
            ("Needs review (PanelApp statement not applied; base value kept)", self.review),
            ("Unchanged", [", ".join(self.unchanged)] if self.unchanged else []),
            ("Requests (only the panel id and version left the machine; no patient data)", list(requests)),
        ]
        out = list(self.header)
        for title, items in sections:
            out.append("")
            out.append(f"{title}: {len(items) if title != 'Unchanged' else len(self.unchanged)}")
            out.extend(f"  {item}" for item in items)
        return "\n".join(out) + "\n"


def build_update(base: Panel, base_genes: Path, fetched: FetchedPanel, stem: str, hlh_filter: bool) -> Update:
    """The new panel tables and the diff lines (see the module docstring for the rules)."""
    detail = fetched.detail
    tag = f"{fetched.source.label} panel {detail.id} v{detail.version}"
    genes = Table.read(base_genes)
    entries = [e for e in detail.genes if e.entity_type == "gene"]
    by_hgnc = {e.gene_data.hgnc_id: e for e in entries if e.gene_data.hgnc_id}
    by_symbol = {e.symbol: e for e in entries}
    update = Update(genes, None, None)
    kept_rows: list[dict[str, str]] = []
    matched: set[int] = set()
    for row in genes.rows:
        entry = by_hgnc.get(row["hgnc_id"]) or by_symbol.get(row["symbol"])
        if entry is not None:
            matched.add(id(entry))
        if entry is None or entry.rating is None:
            why = "rated 0 (removed) in PanelApp" if entry is not None else "not in the PanelApp panel"
            update.removed.append(f"- {row['symbol']} ({row['tier']}, {row['panelapp_rating']}): {why}")
            continue
        _apply(row, entry, tag, update)
        kept_rows.append(row)
    genes.rows = kept_rows
    base_ids = {row["hgnc_id"]: row["symbol"] for row in Table.read(base_genes).rows}
    selected = [e for e in entries if hlh_relevant(e, base_ids)] if hlh_filter else entries
    for entry in sorted(selected, key=lambda e: e.symbol):
        if id(entry) not in matched and entry.rating is not None:
            update.not_added.append(_candidate(entry))
    kept = {row["symbol"] for row in kept_rows}
    update.exons, update.known = _subtables(genes, base_genes, kept)
    update.knowledge = _knowledge(genes, base_genes, kept)
    genes.meta = _metadata(genes.meta, base, fetched, stem)
    update.header = _header(base, fetched, stem, len(kept_rows), hlh_filter)
    update.removed.sort()
    return update


def _apply(row: dict[str, str], entry: PanelGeneEntry, tag: str, update: Update) -> None:
    symbol, chrom = row["symbol"], row["chrom"]
    applied: list[str] = []
    rating = entry.rating.value if entry.rating else row["panelapp_rating"]
    if rating != row["panelapp_rating"]:
        applied.append(f"rating {row['panelapp_rating']} -> {rating}")
        row["panelapp_rating"] = rating
    moi = map_moi(entry.mode_of_inheritance)
    if moi.inheritance is None:
        update.review.append(f"! {symbol}: mode of inheritance {moi.raw or '(none)'!r} ({moi.meaning}): not "
                             f"applied; {row['inheritance']} kept")
    elif (moi.inheritance is Inheritance.XL) != (chrom == "X"):
        update.review.append(f"! {symbol}: PanelApp {moi.raw!r} ({moi.inheritance}) does not fit chromosome {chrom}: "
                             f"not applied; {row['inheritance']} kept")
    elif moi.inheritance.value != row["inheritance"]:
        applied.append(f"inheritance {row['inheritance']} -> {moi.inheritance} ({moi.raw})")
        row["inheritance"] = moi.inheritance.value
    mechanism = map_mechanism(entry.mode_of_pathogenicity)
    if mechanism is Mechanism.GOF and row["mechanism"] != Mechanism.GOF.value:
        applied.append(f"mechanism {row['mechanism']} -> GoF (PanelApp: loss-of-function variants do not cause "
                       "this phenotype; PVS1 not applied)")
        row["mechanism"] = Mechanism.GOF.value
    elif mechanism is None and (entry.mode_of_pathogenicity or "").strip():
        update.review.append(f"! {symbol}: mode of pathogenicity {_clean(entry.mode_of_pathogenicity or '')!r}: "
                             f"not applied; {row['mechanism']} kept")
    if entry.symbol != symbol:
        update.review.append(f"! {symbol}: PanelApp calls it {entry.symbol} (same HGNC id); symbol kept")
    if applied:
        update.changes.extend(f"~ {symbol}: {change}" for change in applied)
        note = f"{tag}: {'; '.join(applied)}."
        row["notes"] = note if row["notes"] in ("", ".") else f"{row['notes']} {note}"
        row["source"] = f"{row['source']}; {tag} (varhlh panel update)"
        row["notes"], row["source"] = _clean(row["notes"]), _clean(row["source"])
    else:
        update.unchanged.append(symbol)


def _candidate(entry: PanelGeneEntry) -> str:
    moi = map_moi(entry.mode_of_inheritance)
    places = []
    for build in Build:
        loc = entry.location(build)
        places.append(f"{build} {loc[0]}:{loc[1]}-{loc[2]}" if loc else f"{build} location missing")
    phenotypes = "; ".join(_clean(p) for p in (entry.phenotypes or [])[:3]) or "none given"
    rating = entry.rating.value if entry.rating else "?"
    return (f"+ {entry.symbol} ({entry.gene_data.hgnc_id or 'no HGNC id'}): {rating}, "
            f"{moi.inheritance or 'inheritance not mapped'} ({moi.raw or 'no MOI'}); {', '.join(places)}; "
            f"phenotypes: {phenotypes}")


def _subtables(genes: Table, base_genes: Path, kept: set[str]) -> tuple[Table | None, Table | None]:
    meta = dict(genes.meta)
    tables: list[Table | None] = []
    for key, column in (("exon_models", "symbol"), ("known_variants", "gene")):
        name = meta.get(key)
        if not name:
            tables.append(None)
            continue
        table = Table.read(base_genes.parent / name)
        table.rows = [r for r in table.rows if r[column] in kept]
        tables.append(table)
    return tables[0], tables[1]


def _knowledge(genes: Table, base_genes: Path, kept: set[str]) -> dict[str, str]:
    """The base panel's knowledge base restricted to the genes kept: every table's rows filtered on ``gene``,
    other files (README) copied as they are."""
    name = dict(genes.meta).get("knowledge")
    if not name:
        return {}
    out: dict[str, str] = {}
    for path in sorted((base_genes.parent / name).iterdir()):
        if path.suffix == ".tsv":
            table = Table.read(path)
            table.rows = [r for r in table.rows if r["gene"] in kept]
            out[path.name] = table.render()
        elif path.suffix == ".md":
            out[path.name] = path.read_text(encoding="utf-8")
    return out


def output_names(stem: str) -> dict[str, str]:
    """The files (and the knowledge directory) ``panel update`` writes for an output stem."""
    return {"genes": f"{stem}.tsv", "exon_models": f"{stem}.exons.tsv",
            "known_variants": f"{stem}.known_variants.tsv", "knowledge": f"{stem}.knowledge",
            "diff": f"{stem}.diff.txt"}


def _metadata(meta: list[tuple[str, str]], base: Panel, fetched: FetchedPanel, stem: str) -> list[tuple[str, str]]:
    detail, source = fetched.detail, fetched.source
    names = output_names(stem)
    date = max(d for d in ((detail.version_created or "")[:10], base.date or "", ".") if d)  # the later source
    values = dict(meta)
    replaced = {
        "panel_name": f"{base.name}+{source.key}-{detail.id}",
        "panel_version": f"{base.version}+{source.key}.{detail.id}.v{detail.version}",
        "panel_date": date,
        "description": _clean(f"{values.get('description', base.name)} Updated from {source.label} panel "
                              f"{detail.id} '{detail.name}' version {detail.version} by varhlh panel update; review "
                              f"{names['diff']} before use."),
        "exon_models": names["exon_models"] if "exon_models" in values else "",
        "known_variants": names["known_variants"] if "known_variants" in values else "",
        "knowledge": names["knowledge"] if "knowledge" in values else "",
    }
    out = [(k, replaced.get(k, v)) for k, v in meta if not (k in replaced and not replaced[k])]
    out += [("panelapp_source", source.label), ("panelapp_url", fetched.url),
            ("panelapp_panel_id", str(detail.id)), ("panelapp_panel_name", _clean(detail.name)),
            ("panelapp_panel_version", detail.version), ("panelapp_version_created", detail.version_created or "."),
            ("based_on", f"{base.name} {base.version} (sha256 {base.sha256})")]
    return out


def _header(base: Panel, fetched: FetchedPanel, stem: str, kept: int, hlh_filter: bool) -> list[str]:
    detail = fetched.detail
    rule = ("genes of the base panel plus PanelApp genes whose phenotypes mention haemophagocytosis/HLH"
            if hlh_filter else "every gene of the PanelApp panel")
    return [
        f"varhlh panel update: {fetched.source.label} panel {detail.id} '{_clean(detail.name)}' version "
        f"{detail.version} ({detail.version_created or 'date not given'}) from {fetched.url}",
        f"base panel: {base.name} {base.version} ({base.path}, sha256 {base.sha256})",
        f"new panel: {output_names(stem)['genes']}: {base.name}+{fetched.source.key}-{detail.id} "
        f"{base.version}+{fetched.source.key}.{detail.id}.v{detail.version}, {kept} genes",
        f"selection: {rule}",
        "The bundled panel is not changed. Review this diff, then use the new file with --panel.",
    ]


def _clean(text: str) -> str:
    """One line, no TAB: safe inside a TSV cell or a metadata value."""
    return " ".join(text.split())


__all__ = ["Table", "Update", "build_update", "output_names"]

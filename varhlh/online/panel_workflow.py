"""``varhlh panel update``: fetch a PanelApp panel, write a new panel file and a diff, never overwriting.

The base panel (bundled or ``--panel``) is never replaced: every output name must be new. The new files
are staged in a temporary directory beside the output, the new panel is loaded there exactly as
``--panel`` would load it, and only then moved into place. Only the panel id and version are sent.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from varhlh.errors import OutputError, UsageError
from varhlh.online import OnlineRequest
from varhlh.online.http import OnlineClient
from varhlh.online.panel_update import build_update, output_names
from varhlh.online.panelapp import fetch, resolve_panel_id
from varhlh.panel import DEFAULT_PANEL_FILE, bundled_panel_dir, load_panel
from varhlh.settings import Settings


def update_panel(source: str, panel_id: int | None, version: str | None, output: Path, panel: Path | None,
                 settings: Settings, request: OnlineRequest) -> tuple[str, list[Path]]:
    """Fetch one PanelApp panel and write a new panel (genes, and exon/known-variant files for the kept genes)
    and a diff against the base panel, next to ``output``; returns the diff text and the paths written."""
    base = load_panel(panel)
    base_genes = panel or bundled_panel_dir() / DEFAULT_PANEL_FILE
    stem = output.name.removesuffix(".tsv")
    names = output_names(stem)
    targets = {key: output.parent / name for key, name in names.items()}
    _refuse_overwrite(targets.values(), base_genes)
    panel_id = resolve_panel_id(source, panel_id)
    with OnlineClient(settings, request) as client:
        fetched = fetch(client, settings, source, panel_id, version)
        exchanges = list(client.exchanges)
    default = panel_id == fetched.source.default_panel
    update = build_update(base, base_genes, fetched, stem, hlh_filter=default)
    requests = [f"{e.method} {e.endpoint}{'?' + e.query if e.query else ''} ({e.purpose}; from cache: "
                f"{'yes' if e.from_cache else 'no'}; attempts: {e.attempts})" for e in exchanges]
    diff = update.diff(requests)
    texts = {"genes": update.genes.render(), "diff": diff}
    if update.exons is not None:
        texts["exon_models"] = update.exons.render()
    if update.known is not None:
        texts["known_variants"] = update.known.render()
    if not update.knowledge:
        del targets["knowledge"]
    _write(targets, texts, update.knowledge)
    written = [targets[k] for k in texts]
    return diff, written + ([targets["knowledge"]] if update.knowledge else [])


def _refuse_overwrite(targets: Iterable[Path], base_genes: Path) -> None:
    protected = {p.resolve() for p in base_genes.parent.glob("*.tsv")} if base_genes.parent.is_dir() else set()
    protected |= {p.resolve() for p in bundled_panel_dir().glob("*.tsv")}
    for target in targets:
        if target.resolve() in protected or target.exists():
            msg = (f"{target}: already exists (it may be a panel in use); the update never replaces a panel or any "
                   "other file: write it to a new -o")
            raise UsageError(msg)


def _write(targets: dict[str, Path], texts: dict[str, str], knowledge: dict[str, str]) -> None:
    """Stage every file (and the knowledge directory) in a temporary directory, validate the new panel there,
    then move into place."""
    directory = next(iter(targets.values())).parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".varhlh-panel-", dir=directory))
    except OSError as exc:
        msg = f"{directory}: cannot create the output directory ({exc.strerror}); choose another -o"
        raise OutputError(msg) from exc
    try:
        for key, text in texts.items():
            (stage / targets[key].name).write_text(text, encoding="utf-8")
        if knowledge:
            (stage / targets["knowledge"].name).mkdir()
            for name, text in knowledge.items():
                (stage / targets["knowledge"].name / name).write_text(text, encoding="utf-8")
        load_panel(stage / targets["genes"].name)  # the new file must load exactly as --panel will load it
        for key in [*texts, *(["knowledge"] if knowledge else [])]:
            (stage / targets[key].name).replace(targets[key])
    except OSError as exc:
        msg = f"{directory}: cannot write the new panel ({exc.strerror}); check space and permissions"
        raise OutputError(msg) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)

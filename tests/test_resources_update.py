"""``varhlh resources update`` / ``show`` and triage with what they install, against a local HTTP server.

The server (tests/range_server.py) answers byte ranges of bgzipped, tabix-indexed ClinVar and gnomAD fixtures for
both builds laid out as on NCBI's and gnomAD's servers, and an Ensembl-REST-like sequence service answering from the
CONSTRUCTED GRCh37 segments (tests/resources_fixtures.py; sources and licences in tests/data/resources/README.md).
Nothing here reaches the internet. Dates come from SOURCE_DATE_EPOCH, so installs are byte-comparable.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from interpretation_fixtures import bare_panel, reference_fasta  # noqa: F401  (session fixtures)
from range_server import Fault, State, serve
from resources_fixtures import build_served, sequence_source, settings_toml, write_clinvar

from varhlh.annotate.installed import Regions, install_regions, load_install
from varhlh.annotate.reference import RegionReference
from varhlh.cli import main
from varhlh.errors import ExitStatus, OnlineError
from varhlh.models import Build
from varhlh.panel import load_panel

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
W374X_37 = "10-72358355-C-T"
W374X_38 = "chr10-70598599-C-T"


@contextmanager
def server(root: Path, sequence: Callable[[str, str, int, int], str | None] | None = None
           ) -> Iterator[tuple[str, State]]:
    with serve(root, sequence or sequence_source()) as (base, state):
        yield base, state


def config(tmp_path: Path, base: str, **extra: object) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(settings_toml(base, **extra))
    return path


def update(run_cli: Any, data: Path, cfg: Path, *extra: str) -> Any:
    return run_cli("resources", "update", "--dir", str(data), "--config", str(cfg), *extra)


def tree(directory: Path) -> dict[str, str]:
    """sha256 of every file below ``directory`` (relative path -> digest)."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_served(tmp_path_factory.mktemp("served") / "root")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, served: Path) -> Path:
    """Both builds installed once (read-only for the tests that use it); returns the data directory."""
    work = tmp_path_factory.mktemp("installed")
    with server(served) as (base, _), pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code = main(["resources", "update", "-q", "--dir", str(work / "data"), "--config", str(config(work, base))])
    assert code == 0
    return work / "data"


@pytest.fixture
def use_install(installed: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VARHLH_DATA_DIR", str(installed))
    return installed


def _variant(data: dict[str, Any], vid: str) -> dict[str, Any]:
    return next(v for v in data["variants"] if v["id"] == vid)


# --------------------------------------------------------------------------- the install


def test_install_holds_the_panel_regions_with_provenance(installed: Path) -> None:
    panel = load_panel()
    for build in Build:
        install = load_install(installed / "resources" / build.value, build)  # every sha256 verified
        manifest = install.manifest
        assert manifest.build == build.value and manifest.created == "2026-01-01T00:00:00Z"
        assert (manifest.panel.name, manifest.panel.version, manifest.panel.sha256) == \
            (panel.name, panel.version, panel.sha256)
        assert [(r.chrom, r.start, r.end) for r in manifest.regions] == \
            [(r.chrom, r.start, r.end) for r in install_regions(panel, build, 100, 1000)]
        assert sorted(manifest.files) == ["clinvar", "gnomad", "reference"]
        for entry in manifest.files.values():
            assert entry.retrieved == "2026-01-01T00:00:00Z" and entry.source_url.startswith("http://127.0.0.1:")
            assert entry.sha256 == hashlib.sha256(install.path(entry.kind).read_bytes()).hexdigest()
        reference = manifest.files["reference"]
        assert reference.release == ("Ensembl release 113, GRCh37.p13" if build is Build.GRCH37
                                     else "Ensembl release 113, GRCh38.p14")
        assert reference.records == len(manifest.regions) == len(reference.sequences)
        assert all(s.length == int(s.name.rsplit("-", 1)[1]) - int(s.name.split(":")[1].split("-")[0]) + 1
                   for s in reference.sequences)
        assert any(c.startswith("curated REF bases") and "all equal" in c for c in reference.checks)
        assert manifest.files["clinvar"].release == "2019-10-07"
        assert manifest.files["gnomad"].release == ("gnomAD v2.1.1 genomes" if build is Build.GRCH37
                                                   else "gnomAD v4.1 genomes")
        assert (install.directory / "resources.diff.txt").read_text().count("previous install: none") == 1
    clinvar37 = load_install(installed / "resources" / "GRCh37").manifest.files["clinvar"]
    # the 7 constructed panel records; none of the 72 real ClinVar records elsewhere on chromosome 1
    assert clinvar37.records == 7 and clinvar37.records_per_gene == {"PRF1": 5, "STX11": 1, "UNC13D": 1}
    assert clinvar37.fields == ["ALLELEID", "CLNHGVS", "CLNREVSTAT", "CLNSIG", "CLNSIGCONF"]
    gnomad38 = load_install(installed / "resources" / "GRCh38").manifest.files["gnomad"]
    assert gnomad38.records == 3 and gnomad38.fields == ["AF", "AF_grpmax", "fafmax_faf95_max"]  # chr10:1000000 out


def test_installed_vcfs_keep_only_what_varhlh_reads(installed: Path) -> None:
    import gzip

    text = gzip.decompress((installed / "resources" / "GRCh37" / "clinvar.vcf.gz").read_bytes()).decode()
    assert "VARHLH_NOTE" not in text and "GENEINFO" not in text and "##INFO=<ID=CLNSIG," in text
    assert "##fileDate=2019-10-07" in text and "##reference=GRCh37" in text
    assert "\t13709\tC\tT\t" in text  # the ID column: ClinVar's VariationID
    gnomad = gzip.decompress((installed / "resources" / "GRCh38" / "gnomad.vcf.gz").read_bytes()).decode()
    records = [line for line in gnomad.splitlines() if not line.startswith("#")]
    assert records[0].split("\t")[:2] == ["chr10", "70598599"]  # contig names as the source writes them
    assert all(set(dict(kv.split("=") for kv in r.split("\t")[7].split(";"))) ==
               {"AF", "AF_grpmax", "fafmax_faf95_max"} for r in records)


def test_resources_show_lists_both_builds(run_cli: Any, installed: Path) -> None:
    run = run_cli("resources", "show", "--dir", str(installed))
    assert run.code == 0, run.err
    assert "GRCh37: " in run.out and "GRCh38: " in run.out
    assert "clinvar: clinvar.vcf.gz — NCBI ClinVar 2019-10-07, retrieved 2026-01-01T00:00:00Z" in run.out
    assert "gnomAD v4.1 genomes" in run.out and "Ensembl release 113" in run.out
    empty = run_cli("resources", "show", "--dir", str(installed.parent / "nothing"))
    assert empty.code == 0 and "GRCh37: not installed" in empty.out


def test_requests_carry_only_public_names_and_coordinates(tmp_path: Path, served: Path, run_cli: Any) -> None:
    with server(served) as (base, state):
        run = update(run_cli, tmp_path / "data", config(tmp_path, base), "--build", "GRCh38")
    assert run.code == 0, run.err
    allowed = (r"^/files/(clinvar/vcf_GRCh38/clinvar\.vcf\.gz|gnomad/release/4\.1/vcf/genomes/"
               r"gnomad\.genomes\.v4\.1\.sites\.chr[0-9X]+\.vcf\.bgz)(\.tbi)?$",
               r"^/ensembl38/info/(assembly/homo_sapiens|software)\?content-type=application%2Fjson$",
               r"^/ensembl38/sequence/region/human/[0-9X]+:\d+\.\.\d+:1\?content-type=text%2Fplain$")
    import re

    assert state.log
    for entry in state.log:
        assert any(re.match(p, entry.path) for p in allowed), entry.path
        assert entry.headers.get("User-Agent", "").startswith("varhlh/")
        assert set(entry.headers) <= {"Host", "User-Agent", "Accept-Encoding", "Accept", "Connection", "Range"}
    diff = (tmp_path / "data" / "resources" / "GRCh38" / "resources.diff.txt").read_text()
    assert "no sample data" in diff and "{chrom}.vcf.bgz (" in diff  # the per-chromosome files on one line


def test_rerun_is_byte_identical_and_a_new_clinvar_release_is_diffed(tmp_path: Path, run_cli: Any,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = build_served(tmp_path / "served")
    data = tmp_path / "data"
    with server(root) as (base, _):
        cfg = config(tmp_path, base)
        assert update(run_cli, data, cfg, "--build", "GRCh37").code == 0
        first = tree(data / "resources")
        again = update(run_cli, data, cfg, "--build", "GRCh37")
        assert again.code == 0, again.err
        second = tree(data / "resources")
        diff_name = "GRCh37/resources.diff.txt"
        assert {k: v for k, v in first.items() if k != diff_name} == {k: v for k, v in second.items()
                                                                      if k != diff_name}
        assert "clinvar: 2019-10-07 (was 2019-10-07): 7 records; 0 added, 0 removed, 0 changed" in again.out
        assert "reference: Ensembl release 113, GRCh37.p13 (was Ensembl release 113, GRCh37.p13): unchanged" in \
            again.out
        # a new ClinVar release: S150X downgraded, the N252S record withdrawn, a new date
        write_clinvar(root, Build.GRCH37, {
            "##fileDate=2019-10-07": "##fileDate=2026-02-01",
            "CLNSIG=Pathogenic;CLNVC=single_nucleotide_variant;GENEINFO=PRF1:5551;MC=SO:0001587|nonsense;"
            "VARHLH_NOTE=as_cited_in_the_curated_table_(RCV003331403.1":
            "CLNSIG=Likely_pathogenic;CLNVC=single_nucleotide_variant;GENEINFO=PRF1:5551;MC=SO:0001587|nonsense;"
            "VARHLH_NOTE=as_cited_in_the_curated_table_(RCV003331403.1",
        })
        changed = update(run_cli, data, cfg, "--build", "GRCh37", "--only", "clinvar")
    assert changed.code == 0, changed.err
    assert "clinvar: 2026-02-01 (was 2019-10-07): 7 records; 0 added, 0 removed, 1 changed significance" in \
        changed.out
    assert "  PRF1: +0 -0 ~1" in changed.out
    assert "changed 10:72360210 G>T (VCV .): Pathogenic -> Likely_pathogenic" in changed.out
    assert "gnomad: kept from the previous install (gnomAD v2.1.1 genomes" in changed.out
    third = tree(data / "resources")
    assert third["GRCh37/gnomad.vcf.gz"] == first["GRCh37/gnomad.vcf.gz"]
    assert third["GRCh37/clinvar.vcf.gz"] != first["GRCh37/clinvar.vcf.gz"]
    assert load_install(data / "resources" / "GRCh37").manifest.files["clinvar"].release == "2026-02-01"
    assert not list((data / "resources").glob(".staging-*")) and not list((data / "resources").glob(".old-*"))


# --------------------------------------------------------------------------- refusals: nothing half-installed


def _refused(run: Any, data: Path, before: dict[str, str], *words: str) -> None:
    assert run.code == ExitStatus.ONLINE, run.err
    errors = [line for line in run.err.splitlines() if line.startswith("varhlh: error:")]
    assert len(errors) == 1 and "Traceback" not in run.err, run.err
    for word in words:
        assert word in errors[0], errors[0]
    assert tree(data / "resources") == before, "the previous install changed"
    assert not list((data / "resources").glob(".staging-*"))


@pytest.fixture
def previous(tmp_path: Path, served: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    """A GRCh37 install to be left untouched by a failing update."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    data = tmp_path / "data"
    with server(served) as (base, _):
        assert update(run_cli, data, config(tmp_path, base), "--build", "GRCh37").code == 0
    return data, tree(data / "resources")


@pytest.mark.parametrize(("where", "fault", "words"), [
    ("/files/clinvar/vcf_GRCh37/clinvar.vcf.gz.tbi", Fault(status=500), ("HTTP 500", "after 2 attempt(s)")),
    ("/ensembl37/sequence/", Fault(delay=1.5), ("ReadTimeout",)),
    ("/files/gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.10.vcf.bgz", Fault(truncate=300),
     ("truncated response", "after 2 attempt(s)")),
    ("/files/gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.10.vcf.bgz", Fault(flip=200),
     ("CRC32", "corrupt")),
    ("/files/clinvar/vcf_GRCh37/clinvar.vcf.gz", Fault(status=404), ("HTTP 404",)),
], ids=["500", "timeout", "truncated", "corrupt-block", "404"])
def test_failures_exit_5_and_leave_the_previous_install(previous: tuple[Path, dict[str, str]], tmp_path: Path,
                                                        served: Path, run_cli: Any, where: str, fault: Fault,
                                                        words: tuple[str, ...]) -> None:
    data, before = previous
    with server(served) as (base, state):
        state.faults[where] = fault
        run = update(run_cli, data, config(tmp_path, base, online_read_timeout_s=0.5), "--build", "GRCh37")
    _refused(run, data, before, *words)


def test_a_truncated_remote_file_is_refused(previous: tuple[Path, dict[str, str]], tmp_path: Path,
                                            run_cli: Any) -> None:
    """The server's copy itself ends inside a BGZF block (its index still points past the end)."""
    data, before = previous
    root = build_served(tmp_path / "served")
    target = root / "gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.10.vcf.bgz"
    target.write_bytes(target.read_bytes()[:-40])
    with server(root) as (base, _):
        run = update(run_cli, data, config(tmp_path, base), "--build", "GRCh37")
    _refused(run, data, before, "truncated")


def _edited(change: Callable[[str, str, int, int, str], str]) -> Callable[[str, str, int, int], str | None]:
    source = sequence_source()

    def sequence(build: str, chrom: str, start: int, end: int) -> str | None:
        bases = source(build, chrom, start, end)
        return None if bases is None else change(build, chrom, start, end, bases)

    return sequence


def test_a_short_sequence_is_refused(previous: tuple[Path, dict[str, str]], tmp_path: Path, served: Path,
                                     run_cli: Any) -> None:
    data, before = previous
    short = _edited(lambda b, c, s, e, bases: bases[:-1] if c == "17" else bases)
    with server(served, short) as (base, _):
        run = update(run_cli, data, config(tmp_path, base), "--build", "GRCh37")
    _refused(run, data, before, "bases returned for a", "truncated or wrong region")


def test_a_wrong_known_ref_base_is_refused(previous: tuple[Path, dict[str, str]], tmp_path: Path, served: Path,
                                           run_cli: Any) -> None:
    """PRF1 c.1122G (plus-strand C at 10:72358355) served as A."""
    data, before = previous

    def change(build: str, chrom: str, start: int, end: int, bases: str) -> str:
        if chrom == "10" and start <= 72358355 <= end:
            i = 72358355 - start
            return bases[:i] + "A" + bases[i + 1:]
        return bases

    with server(served, _edited(change)) as (base, _):
        run = update(run_cli, data, config(tmp_path, base), "--build", "GRCh37")
    _refused(run, data, before, "PRF1 c.1122G>A", "the panel's REF is C at 10:72358355, the sequence has A")


def test_the_build_canary_refuses_a_service_of_the_other_build(tmp_path: Path, served: Path, run_cli: Any) -> None:
    with server(served) as (base, state):
        state.assemblies["ensembl37"] = "GRCh38"
        run = update(run_cli, tmp_path / "data", config(tmp_path, base), "--build", "GRCh37")
    assert run.code == ExitStatus.ONLINE and "serves GRCh38, not GRCh37" in run.err
    assert not (tmp_path / "data" / "resources" / "GRCh37").exists()


def test_a_failing_second_build_installs_neither(tmp_path: Path, served: Path, run_cli: Any) -> None:
    with server(served) as (base, state):
        state.faults["/ensembl38/"] = Fault(status=503)
        run = update(run_cli, tmp_path / "data", config(tmp_path, base))
    assert run.code == ExitStatus.ONLINE
    assert not list((tmp_path / "data" / "resources").glob("GRCh3*"))


@pytest.mark.parametrize(("args", "message"), [
    (["--only", "dbsnp"], "--only 'dbsnp': choose from clinvar,gnomad,reference"),
    (["--build", "hg19"], "invalid choice"),
])
def test_usage_errors(run_cli: Any, tmp_path: Path, args: list[str], message: str) -> None:
    run = run_cli("resources", "update", "--dir", str(tmp_path / "data"), *args) if "--only" in args else None
    if run is None:
        with pytest.raises(SystemExit) as caught:
            main(["resources", "update", *args])
        assert caught.value.code == ExitStatus.USAGE
        return
    assert run.code == ExitStatus.USAGE and message in run.err
    assert not (tmp_path / "data").exists()


def test_only_refuses_an_install_of_other_regions(previous: tuple[Path, dict[str, str]], tmp_path: Path,
                                                  served: Path, run_cli: Any) -> None:
    data, before = previous
    with server(served) as (base, state):
        run = update(run_cli, data, config(tmp_path, base, resources_flank_bp=2000), "--build", "GRCh37",
                     "--only", "clinvar")
    assert run.code == ExitStatus.USAGE and "built for other regions" in run.err
    assert not state.log and tree(data / "resources") == before


# --------------------------------------------------------------------------- the remote index reader


def test_remote_tabix_matches_htslib_region_queries(tmp_path: Path) -> None:
    """Every record htslib returns for a region, and no other, over several BGZF blocks and small range pieces."""
    import random

    import pysam

    from varhlh.online import OnlineRequest
    from varhlh.online.http import OnlineClient
    from varhlh.online.remote_tabix import RemoteTabix
    from varhlh.settings import Settings

    source = tmp_path / "background.vcf.gz"
    pysam.tabix_compress(str(DATA / "backgrounds" / "grch37_NA12878_GIAB_NIST2.19_complex.slice.vcf"), str(source))
    pysam.tabix_index(str(source), preset="vcf")
    local = pysam.TabixFile(str(source))
    rng = random.Random(7)
    with server(tmp_path) as (base, _), OnlineClient(Settings(), OnlineRequest(use_cache=False)) as client:
        remote = RemoteTabix(client, "test", f"{base}/files/background.vcf.gz", 131072)
        assert remote.header()[-1].startswith("#CHROM")
        for contig in local.contigs:
            ends = [int(line.split("\t")[1]) for line in local.fetch(contig)]
            for _ in range(6):
                start = rng.randint(1, max(ends) + 10)
                end = start + rng.choice((1, 1000, 100_000, 5_000_000))
                assert list(remote.fetch(contig, start, end)) == list(local.fetch(contig, start - 1, end)), \
                    (contig, start, end)
            assert list(remote.fetch(contig, 1, max(ends) + 1)) == list(local.fetch(contig))


def test_a_file_replaced_during_the_download_is_refused(tmp_path: Path, served: Path) -> None:
    """ClinVar replaces clinvar.vcf.gz weekly: an index read before the replacement must not serve the new data."""
    import os

    from varhlh.online import OnlineRequest
    from varhlh.online.http import OnlineClient
    from varhlh.online.remote_tabix import RemoteTabix
    from varhlh.settings import Settings

    root = tmp_path / "root"
    shutil.copytree(served / "clinvar", root / "clinvar")
    url_path = "clinvar/vcf_GRCh37/clinvar.vcf.gz"
    with server(root) as (base, _), OnlineClient(Settings(), OnlineRequest(use_cache=False)) as client:
        remote = RemoteTabix(client, "NCBI ClinVar", f"{base}/files/{url_path}", 131072)
        assert len(list(remote.fetch("10", 72356000, 72363000))) == 5
        remote.confirm_unchanged()
        index = root / f"{url_path}.tbi"
        os.utime(index, (index.stat().st_atime, index.stat().st_mtime + 86400 * 7))  # next week's release
        with pytest.raises(OnlineError, match="replaced during the download"):
            remote.confirm_unchanged()


def test_a_server_ignoring_ranges_is_refused(tmp_path: Path, served: Path) -> None:
    from varhlh.online import OnlineRequest
    from varhlh.online.http import OnlineClient
    from varhlh.settings import Settings

    with server(served) as (base, state), OnlineClient(Settings(online_retries=0),
                                                       OnlineRequest(use_cache=False)) as client:
        state.faults["/files/"] = Fault(status=200)
        with pytest.raises(OnlineError, match="ignored the byte range"):
            client.get_bytes("test", f"{base}/files/clinvar/vcf_GRCh37/clinvar.vcf.gz", "range", (0, 99))


# --------------------------------------------------------------------------- triage with the install


def test_triage_uses_the_installed_reference_clinvar_and_gnomad(run_cli: Any, use_install: Path,
                                                                 bare_panel: Path) -> None:  # noqa: F811
    """No curated table, no annotation, no --fasta: W374X gets its codon effect from the installed sequence."""
    run = run_cli("triage", str(DATA / "vcf" / "prf1_hom_w374x.vcf"), "--panel", str(bare_panel))
    assert run.code == 0, run.err
    data = run.json()
    w374x = _variant(data, W374X_37)
    assert (w374x["consequence"], w374x["hgvs_c"], w374x["hgvs_p"]) == ("stop_gained", "c.1122G>A", "p.(Trp374Ter)")
    assert w374x["clinvar"]["source"] == "installed ClinVar 2019-10-07 (retrieved 2026-01-01)"
    assert w374x["clinvar"]["stars"] == 2 and w374x["clinvar"]["variation_id"] == "13709"
    assert w374x["frequency"]["source"].startswith("installed gnomAD v2.1.1 genomes (retrieved 2026-01-01)")
    assert w374x["classification"] == "pathogenic" and "PVS1_Strong" in w374x["evidence"]
    resources = {r["kind"]: r for r in data["input"]["resources"]}
    assert {r["origin"] for r in resources.values()} == {"installed"}
    assert resources["reference"]["release"] == "Ensembl release 113, GRCh37.p13"
    assert resources["clinvar"]["release"] == "2019-10-07" and resources["gnomad"]["release"] == \
        "gnomAD v2.1.1 genomes"
    assert all(r["retrieved"] == "2026-01-01T00:00:00Z" for r in resources.values())
    sources = data["completeness"]["sources"]
    assert sources["reference"] == ("installed panel reference sequence, Ensembl release 113, GRCh37.p13, "
                                    "(retrieved 2026-01-01)")
    assert sources["frequency"] == "installed gnomAD v2.1.1 genomes (retrieved 2026-01-01)"
    assert "using installed resources (GRCh37" in run.err
    assert not data["warnings"]  # the bare panel differs from the install's, but every gene is covered
    from importlib.resources import files

    import jsonschema

    jsonschema.validate(data, json.loads((files("varhlh") / "schema" / "result-v2.schema.json").read_text()))


def test_triage_grch38_with_the_installed_gnomad_v4(run_cli: Any, use_install: Path,
                                                   bare_panel: Path) -> None:  # noqa: F811
    run = run_cli("triage", str(DATA / "vcf" / "grch38_chr_prf1_hom_w374x.vcf"), "--panel", str(bare_panel))
    assert run.code == 0, run.err
    w374x = _variant(run.json(), W374X_38)
    assert (w374x["consequence"], w374x["hgvs_p"]) == ("stop_gained", "p.(Trp374Ter)")
    assert w374x["frequency"]["popmax_field"] == "fafmax_faf95_max"
    assert w374x["frequency"]["source"].startswith("installed gnomAD v4.1 genomes")


def test_a_given_fasta_wins_and_no_installed_resources_ignores_the_install(
        run_cli: Any, use_install: Path, bare_panel: Path, reference_fasta: Path) -> None:  # noqa: F811
    vcf = str(DATA / "vcf" / "prf1_hom_w374x.vcf")
    given = run_cli("triage", vcf, "--panel", str(bare_panel), "--fasta", str(reference_fasta))
    assert given.code == 0, given.err
    origins = {r["kind"]: r["origin"] for r in given.json()["input"]["resources"]}
    assert origins == {"reference": "given", "clinvar": "installed", "gnomad": "installed"}
    assert given.json()["completeness"]["sources"]["reference"] == f"--fasta {reference_fasta}"
    ignored = run_cli("triage", vcf, "--panel", str(bare_panel), "--no-installed-resources")
    assert ignored.code == 0, ignored.err
    data = ignored.json()
    assert data["input"]["resources"] == [] and data["completeness"]["sources"]["reference"] is None
    assert _variant(data, W374X_37)["consequence"] == "coding_sequence_variant"
    assert "installed" not in ignored.err


def test_a_cohort_uses_the_install_in_every_result(run_cli: Any, use_install: Path, indexed: Any,
                                                   tmp_path: Path) -> None:
    vcf = indexed(DATA / "vcf" / "trio_prf1_comphet.vcf")
    out = tmp_path / "cohort"
    run = run_cli("triage", str(vcf), "--all-samples", "--ped", str(DATA / "ped" / "trio_prf1_comphet.ped"),
                  "--threads", "2", "-o", str(out))
    assert run.code == 0, run.err
    for sample in ("HG002", "HG003", "HG004"):
        data = json.loads((out / f"{sample}.varhlh.json").read_text())
        assert [(r["kind"], r["origin"]) for r in data["input"]["resources"]] == \
            [("reference", "installed"), ("clinvar", "installed"), ("gnomad", "installed")]
    assert run.err.count("using installed resources") == 1


def test_outside_the_installed_regions_nothing_is_read(installed: Path) -> None:
    reference = RegionReference(installed / "resources" / "GRCh37" / "reference.fa.gz", Build.GRCH37, "installed")
    assert reference.check_ref("10", 72358355, "C").state == "match"
    outside = reference.check_ref("10", 1_000_000, "G")
    assert (outside.state, outside.reason) == ("not_checked", "10:1000000 is outside the installed panel reference")
    assert reference.fetch("10", 72358355, 72358355) == "C" and reference.fetch("2", 5, 6) is None
    regions = Regions(load_install(installed / "resources" / "GRCh37").manifest.regions)
    assert regions.covers("10", 72358355, 72358357) and not regions.covers("10", 1_000_000, 1_000_000)


def test_another_panel_is_used_with_a_warning_naming_uncovered_genes(run_cli: Any, use_install: Path,
                                                                     tmp_path: Path) -> None:
    from interpretation_fixtures import panel_without_curated

    genes = panel_without_curated(tmp_path / "panel")
    lines = genes.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("symbol\t"))
    columns = lines[header].split("\t")
    start = columns.index("grch37_start")
    for i, line in enumerate(lines):
        if line.startswith("PRF1\t"):
            fields = line.split("\t")
            fields[start] = str(int(fields[start]) - 50_000)  # PRF1's region now reaches beyond the install
            lines[i] = "\t".join(fields)
    genes.write_text("\n".join(lines) + "\n")
    run = run_cli("triage", str(DATA / "vcf" / "prf1_hom_w374x.vcf"), "--panel", str(genes))
    assert run.code == 0, run.err
    warning = next(w for w in run.json()["warnings"] if "installed resources were built for panel" in w)
    assert "1 gene(s) lie outside their regions" in warning and "(PRF1)" in warning


@pytest.mark.parametrize("damage", ["byte", "manifest", "missing-index"])
def test_a_corrupt_install_is_a_warning_and_triage_completes(run_cli: Any, installed: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    copy = tmp_path / "data"
    shutil.copytree(installed, copy)
    build = copy / "resources" / "GRCh37"
    if damage == "byte":
        target = build / "gnomad.vcf.gz"
        raw = bytearray(target.read_bytes())
        raw[100] ^= 0xFF
        target.write_bytes(bytes(raw))
    elif damage == "manifest":
        (build / "manifest.json").write_text('{"format": "varhlh-resources/1", "build": ')
    else:
        (build / "reference.fa.gz.fai").unlink()
    monkeypatch.setenv("VARHLH_DATA_DIR", str(copy))
    run = run_cli("triage", str(DATA / "vcf" / "prf1_hom_w374x.vcf"))
    assert run.code == 0, run.err
    data = run.json()
    assert data["input"]["resources"] == []
    warning = next(w for w in data["warnings"] if "installed resources for GRCh37 are ignored" in w)
    assert "resources update" in warning
    assert "Traceback" not in run.err
    shown = run_cli("resources", "show", "--dir", str(copy))
    assert shown.code == 0 and "GRCh37: UNUSABLE" in shown.out


def test_the_test_session_never_sees_a_real_install() -> None:
    import os

    directory = Path(os.environ["VARHLH_DATA_DIR"])
    assert directory.name.startswith("varhlh-test-data-") and not (directory / "resources").exists()


def test_manifest_regions_cover_each_panel_gene_with_padding_and_flank() -> None:
    panel = load_panel()
    for build in Build:
        regions = Regions(install_regions(panel, build, 100, 1000))
        for gene in panel.genes:
            start, end = gene.spans[build]
            assert regions.covers(gene.chrom, start - 1100, end + 1100), gene.symbol

"""Annotated VCF (``--format vcf``): original records kept, VARHLH_* tags per ALT, refusals, determinism.

Every golden case is annotated; the file is read back with cyvcf2 (and bcftools when installed)
and compared allele by allele with the JSON of the same run and with the input records.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from conftest import DATA, ROOT, TESTS
from outputs_support import case_input, run_case

from varhlh.errors import UsageError
from varhlh.report.output import RenderContext
from varhlh.report.stored import check_result
from varhlh.report.vcf_writer import TAGS, encode, render_vcf

CASES = sorted(p.parent.name for p in (TESTS / "cases").glob("*/case.toml"))
EXAMPLE = ROOT / "examples" / "patient_fhl2.vcf.gz"


def _annotated(outdir: Path) -> Path:
    files = sorted(outdir.glob("*.varhlh.vcf.gz"))
    assert len(files) == 1, files
    return files[0]


def _records(path: Path) -> list[Any]:
    from cyvcf2 import VCF

    vcf = VCF(str(path))
    return list(vcf)


def _info_list(record: Any, tag: str) -> list[str]:
    """Per-ALT values of a tag; an absent tag means missing for every ALT."""
    value = record.INFO.get(tag)
    if value is None:
        return ["."] * len(record.ALT)
    if isinstance(value, tuple | list):
        return ["." if v is None else str(v) for v in value]
    return str(value).split(",")


@pytest.mark.parametrize("name", CASES)
def test_every_allele_of_the_json_is_annotated(name: str, run_cli) -> None:  # type: ignore[no-untyped-def]
    from cyvcf2 import VCF

    run = run_case(run_cli, name, "json,vcf")
    data = run.json()
    path = _annotated(run.outdir)
    assert Path(f"{path}.tbi").is_file()
    drivers = {vid: g for g in data["genes"] for vid in g["variant_ids"]}
    by_id = {v["id"]: v for v in data["variants"]}
    compact = {s["id"]: s for s in data["set_aside"]}
    seen = []
    records = _records(path)
    for record in records:
        values = {tag: _info_list(record, tag) for tag, _, _ in TAGS}
        for i, alt in enumerate(record.ALT):
            vid = f"{record.CHROM}-{record.POS}-{record.REF}-{alt}"
            variant = by_id.get(vid) or compact[vid]
            seen.append(vid)
            assert values["VARHLH_GENE"][i] == variant["gene"]
            assert values["VARHLH_CLASS"][i] == variant["classification"]
            assert values["VARHLH_ZYG"][i] == variant["zygosity"]
            assert values["VARHLH_REPORTABLE"][i] == ("1" if variant.get("reportable") else "0")
            evidence = values["VARHLH_EVIDENCE"][i]
            reasons = [unquote(r) for r in values["VARHLH_REASONS"][i].split("|")]
            if vid in compact:  # the compact listing: no evidence, its set-aside reason
                assert evidence == "." and reasons == [f"set aside: {variant['reason']}"]
                continue
            assert ([] if evidence == "." else [unquote(e) for e in evidence.split("|")]) == variant["evidence"]
            assert reasons == variant["reasons"]
            gene = drivers.get(vid)
            for tag, key in (("VARHLH_CALL", "call"), ("VARHLH_PHASE", "phase"), ("VARHLH_STRENGTH", "strength")):
                assert values[tag][i] == (gene[key] if gene else "."), (vid, tag)
    assert sorted(seen) == sorted([*by_id, *compact]), "every JSON allele exactly once in the VCF"
    keys = [(r.CHROM, r.POS) for r in records]
    order = {c: i for i, c in enumerate(VCF(str(path)).seqnames)}
    assert keys == sorted(keys, key=lambda k: (order[k[0]], k[1])), "records sorted"


def test_original_records_and_samples_are_kept(run_cli) -> None:  # type: ignore[no-untyped-def]
    """Trio: all three samples, their FORMAT fields and the input INFO survive unchanged."""
    name = "trio_prf1_comphet"
    run = run_case(run_cli, name, "vcf")
    source = {(r.CHROM, r.POS, r.REF, tuple(r.ALT)): r for r in _records(case_input(name))}
    annotated = _records(_annotated(run.outdir))
    assert annotated
    from cyvcf2 import VCF

    assert VCF(str(_annotated(run.outdir))).samples == VCF(str(case_input(name))).samples == [
        "HG002", "HG003", "HG004"]
    for record in annotated:
        original = source[(record.CHROM, record.POS, record.REF, tuple(record.ALT))]
        assert record.genotypes == original.genotypes
        assert record.FORMAT == original.FORMAT
        assert record.QUAL == original.QUAL
        assert record.ID == original.ID
        assert record.FILTER == original.FILTER
        kept = {k: v for k, v in record.INFO if not k.startswith("VARHLH_")}
        assert kept == dict(original.INFO)


def test_multiallelic_record_has_one_value_per_alt(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_case(run_cli, "prf1_multiallelic_1_2", "json,vcf")
    multi = [r for r in _records(_annotated(run.outdir)) if len(r.ALT) > 1]
    assert len(multi) == 1
    record = multi[0]
    for tag, _, _ in TAGS:
        assert len(_info_list(record, tag)) == 2, tag
    # c.445G>C: a coding SNV without annotation or reference sequence: effect unknown, not classified
    assert _info_list(record, "VARHLH_CLASS") == ["pathogenic", "not_assessed"]


def test_header_declares_each_tag_once_with_provenance(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    run = run_case(run_cli, "prf1_hom_w374x", "json,vcf")
    data = run.json()
    with gzip.open(_annotated(run.outdir), "rt") as fh:
        header = [line.rstrip("\n") for line in fh if line.startswith("##")]
    for tag, kind, _ in TAGS:
        lines = [h for h in header if h.startswith(f"##INFO=<ID={tag},")]
        assert len(lines) == 1
        assert f"Number=A,Type={kind}," in lines[0]
        assert "Description=" in lines[0]
    panel = data["panel"]
    assert f"##varhlh_version={data['tool']['version']}" in header
    assert f"##varhlh_command={data['run']['command']}" in header
    assert (f"##varhlh_panel=<name={panel['name']},version={panel['version']},sha256={panel['sha256']}>"
            in header)
    assert ("##varhlh_conclusion=<sample=NA12878,primary_hlh=confirmed,transplant_workup=indicated,genes=PRF1>"
            in header)
    assert "##varhlh_date=2023-11-14T22:13:20Z" in header


@pytest.mark.skipif(shutil.which("bcftools") is None, reason="bcftools is not installed (apt-get install bcftools)")
def test_bcftools_reads_and_filters_the_annotated_vcf(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_case(run_cli, "trio_prf1_comphet", "json,vcf")
    data = run.json()
    path = _annotated(run.outdir)
    view = subprocess.run(["bcftools", "view", "-H", str(path)], capture_output=True, text=True, check=True)
    assert view.stderr == ""
    assert len(view.stdout.splitlines()) == len({(v["chrom"], v["pos"]) for v in [*data["variants"],
                                                                               *data["set_aside"]]})
    query = subprocess.run(["bcftools", "query", "-i", "VARHLH_REPORTABLE=1", "-r", "10",
                            "-f", "%CHROM-%POS-%REF-%ALT\t%VARHLH_CALL\t%VARHLH_PHASE\n", str(path)],
                           capture_output=True, text=True, check=True)
    got = sorted(line.split("\t") for line in query.stdout.splitlines())
    assert got == [["10-72358355-C-T", "biallelic", "trans"], ["10-72360210-G-T", "biallelic", "trans"]]


def test_access_routes_give_the_same_records(run_cli, indexed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Streamed text, indexed bgzip, plain gzip, stdin and BCF inputs annotate the same records."""
    import pysam

    name = "prf1_comphet_phased_trans"
    text = case_input(name)
    plain_gzip = tmp_path / "plain.vcf.gz"
    plain_gzip.write_bytes(gzip.compress(text.read_bytes(), mtime=0))
    bcf = tmp_path / "input.bcf"
    with pysam.VariantFile(str(text)) as src, pysam.VariantFile(str(bcf), "wb", header=src.header) as out:
        for record in src:
            out.write(record)

    def body(run: Any) -> list[str]:
        return [str(r) for r in _records(_annotated(run.outdir))]

    reference = body(run_case(run_cli, name, "vcf"))
    assert reference
    for source in (indexed(text), plain_gzip, bcf):
        assert body(run_case(run_cli, name, "vcf", source=source)) == reference, source
    stdin = subprocess.run(["varhlh", "triage", "-", "--format", "json,vcf", "-o", str(tmp_path / "stdin")],
                           input=text.read_bytes(), capture_output=True, check=False)
    assert stdin.returncode == 0, stdin.stderr
    assert [str(r) for r in _records(_annotated(tmp_path / "stdin"))] == reference


def test_output_is_byte_identical_across_runs(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outdir = tmp_path / "same"
    first = run_cli("triage", str(EXAMPLE), "--format", "vcf", outdir=outdir)
    assert first.code == 0, first.err
    payload = {p.name: p.read_bytes() for p in outdir.iterdir()}
    second = run_cli("triage", str(EXAMPLE), "--format", "vcf", outdir=outdir)
    assert second.code == 0, second.err
    assert {p.name: p.read_bytes() for p in outdir.iterdir()} == payload
    vcf = payload["NA12878.varhlh.vcf.gz"]
    assert vcf[:4] == b"\x1f\x8b\x08\x04", "BGZF"
    assert vcf[4:8] == b"\0\0\0\0", "zero gzip mtime"


def test_reannotating_an_annotated_vcf_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = run_cli("triage", str(EXAMPLE), "--format", "vcf", outdir=tmp_path / "first")
    assert first.code == 0, first.err
    again = run_cli("triage", str(tmp_path / "first" / "NA12878.varhlh.vcf.gz"), "--format", "json,vcf",
                    outdir=tmp_path / "again")
    assert again.code == 3
    errors = [line for line in again.err.splitlines() if line.startswith("varhlh: error:")]
    assert len(errors) == 1
    assert "already carries varhlh annotations (VARHLH_CALL and 8 more INFO tags)" in errors[0]
    assert "Traceback" not in again.err
    assert not (tmp_path / "again").exists() or not list((tmp_path / "again").iterdir())
    # Only --format vcf refuses: the JSON of an annotated VCF is still a valid analysis.
    assert run_cli("triage", str(tmp_path / "first" / "NA12878.varhlh.vcf.gz"), outdir=tmp_path / "json").code == 0


def test_one_foreign_varhlh_tag_is_enough_to_refuse(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = (DATA / "vcf" / "prf1_carrier.vcf").read_text().replace(
        "#CHROM", '##INFO=<ID=VARHLH_CLASS,Number=A,Type=String,Description="from elsewhere">\n#CHROM', 1)
    source = tmp_path / "tagged.vcf"
    source.write_text(text)
    result = run_cli("triage", str(source), "--format", "vcf")
    assert result.code == 3
    assert "already carries varhlh annotations (VARHLH_CLASS)" in result.err


def test_rerendering_without_the_input_is_a_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    data = run_case(run_cli, "prf1_carrier", "json").json()
    with pytest.raises(UsageError, match="the annotated VCF needs the input VCF; run varhlh triage with --format vcf"):
        render_vcf(RenderContext(check_result(data, Path("r.json")), "x", None))


@pytest.mark.parametrize(("text", "encoded"), [
    ("a b;c=d,e|f%g:h", "a%20b%3Bc%3Dd%2Ce%7Cf%25g%3Ah"),
    ("c.1122G>A p.(Trp374Ter) §2.1", "c.1122G>A%20p.(Trp374Ter)%20%C2%A72.1"),
    ("tab\tnew\nline", "tab%09new%0Aline"),
])
def test_free_text_is_percent_encoded(text: str, encoded: str) -> None:
    assert encode(text) == encoded
    assert unquote(encoded) == text


def test_triage_help_lists_every_format() -> None:
    from varhlh.report.output import FORMATS

    out = subprocess.run(["varhlh", "triage", "--help"], capture_output=True, text=True, check=True,
                         env={**os.environ, "COLUMNS": "200"}).stdout
    assert f"any of {','.join(FORMATS)}" in out
    assert {"vcf", "phenopacket", "multiqc"} <= set(FORMATS)


"""Nothing hidden: every panel gene is interpretable from coordinates, what could not be assessed is listed and
named, completeness is measured, and an input where no panel gene can be assessed is refused.

Inputs are real backgrounds with constructed alleles (tests/scenario_vcf.py; INFO/SPIKED), unannotated and
without a reference FASTA — the input labs most often send.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import DATA
from scenario_vcf import BACKGROUNDS, Spike, build_vcf, write

from varhlh.models import Build, Inheritance, Mechanism
from varhlh.panel import load_panel

PANEL = load_panel()
GENES = [g.symbol for g in PANEL.genes]


def _run(run_cli, tmp_path: Path, name: str, text: str, *args: str):  # type: ignore[no-untyped-def]
    result = run_cli("triage", str(write(tmp_path, name, text)), *args)
    assert result.code == 0, result.err
    return result.json()


@pytest.mark.parametrize("build", list(Build))
@pytest.mark.parametrize("gene", GENES)
def test_a_homozygous_frameshift_in_any_gene_is_classified_from_coordinates(gene: str, build: Build, run_cli,
                                                                           tmp_path: Path) -> None:
    genotype = "1" if PANEL.gene(gene).inheritance is Inheritance.XL else "1/1"
    args = ["--sex", "male"] if genotype == "1" else []
    data = _run(run_cli, tmp_path, gene, build_vcf(build, [Spike(gene, "frameshift", genotype)], chr_names=False,
                                                   drop_x=genotype == "1"), *args)
    spiked = [v for v in data["variants"] if v["gene"] == gene and v["consequence"] == "frameshift_variant"]
    assert len(spiked) == 1, [(v["id"], v["consequence"]) for v in data["variants"] if v["gene"] == gene]
    v = spiked[0]
    assert v["reportable"] and v["annotation_source"] == "built-in MANE model"
    assert v["hgvs_c"] and v["hgvs_c"].endswith("del")
    if PANEL.gene(gene).mechanism is Mechanism.LOF:
        assert {"PVS1", "PVS1_Strong"} & set(v["evidence"]), v["reasons"]
        assert v["classification"] in ("likely_pathogenic", "pathogenic", "uncertain")
    gene_entry = next(g for g in data["genes"] if g["symbol"] == gene)
    assert v["id"] in gene_entry["variant_ids"]


@pytest.mark.parametrize("gene", ["IL27RA", "RC3H1", "CD27", "PRF1", "HAVCR2"])
def test_a_homozygous_coding_snv_of_unknown_effect_is_listed_counted_and_named(gene: str, run_cli,
                                                                                tmp_path: Path) -> None:
    data = _run(run_cli, tmp_path, gene, build_vcf(Build.GRCH37, [Spike(gene, "coding_snv", "1/1")], chr_names=True))
    v = next(v for v in data["variants"] if "SPIKED" in v["id"] or (v["gene"] == gene and v["zygosity"] == "hom"
                                                                     and v["classification"] == "not_assessed"))
    assert v["classification"] == "not_assessed" and not v["reportable"] and v["set_aside"] is None
    assert "protein effect is unknown" in v["effect_unknown"]
    assert "uncertain" not in {x["classification"] for x in data["variants"] if x["id"] == v["id"]}
    gene_entry = next(g for g in data["genes"] if g["symbol"] == gene)
    assert gene_entry["not_assessed"] == [v["id"]]
    assert data["counts"]["not_assessed"] >= 1
    completeness = data["completeness"]
    assert not completeness["complete"] and v["id"] in {u["id"] for u in completeness["not_assessed"]}
    summary = data["conclusion"]["summary"]
    assert f"1 homozygous allele in {gene}" in summary or f"in {gene}" in summary, summary
    assert "The analysis is incomplete" in summary and "no reportable variant in the panel genes" not in summary
    assert "--fasta" in summary
    assert data["conclusion"]["primary_hlh"] == "undetermined"


def test_a_carrier_with_an_unassessed_second_allele_stays_a_carrier(run_cli, tmp_path: Path) -> None:
    spikes = [Spike("PRF1", "c.1122G>A", "0/1"), Spike("PRF1", "coding_snv", "0/1")]
    data = _run(run_cli, tmp_path, "carrier", build_vcf(Build.GRCH37, spikes, chr_names=False))
    prf1 = next(g for g in data["genes"] if g["symbol"] == "PRF1")
    assert prf1["call"] == "monoallelic" and len(prf1["not_assessed"]) == 1
    assert any("neither claimed nor excluded" in r for r in prf1["reasons"])
    assert (data["conclusion"]["primary_hlh"], data["conclusion"]["transplant_workup"]) == \
        ("undetermined", "not_indicated_by_genetics")


def test_background_noise_is_not_reported(run_cli, tmp_path: Path) -> None:
    """The real background alone: synonymous and deep-intronic alleles are set aside with a reason code, and every
    listed allele is accounted for once."""
    data = _run(run_cli, tmp_path, "background", BACKGROUNDS[Build.GRCH37].read_text())
    assert data["set_aside"], "the background is listed in compact form"
    for s in data["set_aside"]:
        assert s["reason"] in ("non_coding", "synonymous", "not_carried", "no_call", "benign", "placeholder"), s
    for v in data["variants"]:
        if v["consequence"] in ("intron_variant", "synonymous_variant", "upstream_gene_variant",
                                "downstream_gene_variant", "5_prime_UTR_variant", "3_prime_UTR_variant"):
            assert not v["reportable"], (v["id"], v["consequence"])
            assert v["set_aside"] in ("non_coding", "synonymous", "not_carried", "no_call", "benign"), v["id"]
        assert v["reportable"] + (v["set_aside"] is not None) + (v["classification"] == "not_assessed") == 1 or \
            (v["classification"] == "not_assessed" and v["set_aside"] in ("not_carried", "no_call", "placeholder")), v
    counts = data["counts"]
    assert counts["records_in_panel_regions"] == len(data["variants"]) + len(data["set_aside"])


def test_completeness_states_sources_and_genes(run_cli, tmp_path: Path) -> None:
    data = _run(run_cli, tmp_path, "fhl2", build_vcf(Build.GRCH37, [Spike("PRF1", "c.1122G>A", "1/1")],
                                                     chr_names=True))
    c = data["completeness"]
    assert (c["genes_total"], c["genes_assessable"]) == (len(GENES), len(GENES))
    assert c["sources"] == {"consequence": None, "reference": None, "clinvar": None, "frequency": None,
                            "phase": False, "parents": False}
    assert c["verdict"] == "partial: no population-frequency source"
    assert c["to_complete"] and "gnomAD" in c["to_complete"][0]
    assert [g["symbol"] for g in c["genes"]] == GENES and all(g["assessable"] for g in c["genes"])


def _shard(text: str, keep: set[str]) -> str:
    return "".join(line for line in text.splitlines(keepends=True)
                   if line.startswith("#") or line.split("\t", 1)[0].removeprefix("chr") in keep)


def test_the_grch38_background_is_a_chr21_shard(run_cli, tmp_path: Path) -> None:
    """Platinum Genomes chr21 plus one spiked PRF1 allele: only the genes on chr21 and chr10 are assessable."""
    data = _run(run_cli, tmp_path, "pg38", build_vcf(Build.GRCH38, [Spike("PRF1", "c.1122G>A", "1/1")],
                                                     chr_names=True))
    c = data["completeness"]
    assessable = {g["symbol"] for g in c["genes"] if g["assessable"]}
    assert assessable == {g.symbol for g in PANEL.genes if g.chrom in ("10", "21")}
    assert "chr17" not in c["contigs_absent"] and "17" in c["contigs_without_records"]


def test_a_chromosome_shard_is_partial_and_says_which_genes(run_cli, tmp_path: Path) -> None:
    text = _shard(build_vcf(Build.GRCH37, [Spike("PRF1", "c.1122G>A", "1/1")], chr_names=False), {"1", "2", "3", "10"})
    data = _run(run_cli, tmp_path, "shard", text)
    c = data["completeness"]
    missing = {g["symbol"] for g in c["genes"] if not g["assessable"]}
    assert "UNC13D" in missing and "PRF1" not in missing and "LYST" not in missing
    assert "17" in c["contigs_without_records"] and c["verdict"].startswith("partial: ")
    assert data["conclusion"]["primary_hlh"] == "confirmed"  # what was seen still counts
    assert "could not be assessed" in data["conclusion"]["summary"]


def test_contigs_named_by_accession_are_refused(run_cli, tmp_path: Path) -> None:
    text = BACKGROUNDS[Build.GRCH38].read_text()
    text = re.sub(r"(?m)^(##contig=<ID=)chr(\w+)", r"\1CM0006\2.2", text)
    text = re.sub(r"(?m)^chr(\w+)\t", r"CM0006\1.2\t", text)
    result = run_cli("triage", str(write(tmp_path, "accessions", text)), "--build", "GRCh38")
    assert result.code == 3, result.err
    assert "no panel chromosome is named in the VCF header" in result.err and "--rename-chrs" in result.err
    assert not list(result.outdir.glob("*")) if result.outdir.exists() else True


def test_a_file_of_other_chromosomes_is_refused(run_cli, tmp_path: Path) -> None:
    panel_chroms = {g.chrom for g in PANEL.genes}
    other = {str(c) for c in range(1, 23)} - panel_chroms
    assert other, "every autosome carries a panel gene"
    text = _shard(BACKGROUNDS[Build.GRCH37].read_text(), other)
    result = run_cli("triage", str(write(tmp_path, "other", text)))
    assert result.code == 3 and "no record on any panel chromosome" in result.err, result.err


def test_no_record_in_any_panel_region_is_refused(run_cli, tmp_path: Path) -> None:
    spans = {g.chrom: [] for g in PANEL.genes}
    for g in PANEL.genes:
        spans[g.chrom].append(g.spans[Build.GRCH37])
    lines = BACKGROUNDS[Build.GRCH37].read_text().splitlines(keepends=True)

    def near_panel(line: str) -> bool:
        chrom, pos = line.split("\t", 2)[:2]
        return any(s - 20_000 <= int(pos) <= e + 20_000 for s, e in spans.get(chrom, ()))

    text = "".join(line for line in lines if line.startswith("#") or not near_panel(line))
    result = run_cli("triage", str(write(tmp_path, "offpanel", text)))
    assert result.code == 3 and "does not cover the panel" in result.err, result.err


def test_refusal_writes_nothing(run_cli, tmp_path: Path) -> None:
    text = _shard(BACKGROUNDS[Build.GRCH37].read_text(), set())
    out = tmp_path / "out"
    result = run_cli("triage", str(write(tmp_path, "headeronly_panel", text + "2\t1000\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n")),
                     "-o", str(out))
    assert result.code == 3
    assert not out.exists() or not any(out.iterdir())


def test_completeness_is_in_the_tsv_and_the_annotated_vcf(run_cli, tmp_path: Path) -> None:
    vcf = DATA / "vcf" / "prf1_hom_w374x.vcf"
    result = run_cli("triage", str(vcf), "--format", "json,tsv,vcf")
    assert result.code == 0, result.err
    first = next(result.outdir.glob("*.varhlh.tsv")).read_text().splitlines()[0]
    assert first.startswith("# completeness: partial: no population-frequency source (")
    import gzip

    header = gzip.decompress(next(result.outdir.glob("*.varhlh.vcf.gz")).read_bytes()).decode()
    assert "##varhlh_completeness=partial: no population-frequency source (" in header
    assert "completeness: partial" in result.err

"""A carrier is not a patient: one spiked null allele on real healthy backgrounds, with and without annotation.

Henter 2024 (Table 4) keeps 'suspicion' for a biallelic genotype with a rare missense or non-coding second
allele. About 1 in 150-200 people carries a PRF1 null-or-equivalent allele, so a screening run must call a
carrier a carrier, whatever background variation the exome holds — here real GIAB / Platinum Genomes
(NA12878), GIAB Ashkenazi trio (HG002, bcftools csq annotation) and Scout demo trio (VEP and SnpEff
annotation) backgrounds (tests/data/README.md), each with one documented or constructed null allele.

The published failure this guards against: PRF1 c.1122G>A p.(Trp374Ter) heterozygous with the common
synonymous PRF1 c.822C>T (rs885821, population frequency about 20 %) was called 'suspected' because the
unannotated synonymous SNV was paired with the null as a 'VUS'.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA
from scenario_vcf import Spike, build_vcf, coding_snv, write

from varhlh.models import Build

BACKGROUNDS = DATA / "backgrounds"
NULLS = {  # core AR genes -> a documented null allele of the curated table, else a constructed frameshift
    "PRF1": "c.1122G>A", "UNC13D": "c.754-1G>C", "STX11": "c.802C>T", "STXBP2": "frameshift",
    "RAB27A": "c.550C>T", "LYST": "frameshift", "AP3B1": "frameshift",
}
CARRIER = ("monoallelic", "undetermined", "not_indicated_by_genetics")


def triage(run_cli, tmp_path: Path, name: str, text: str, *args: str):  # type: ignore[no-untyped-def]
    result = run_cli("triage", str(write(tmp_path, name, text)), *args)
    assert result.code == 0, result.err
    return result.json()


def outcome(data: dict, gene: str) -> tuple[str, str, str]:  # type: ignore[type-arg]
    genes = {g["symbol"]: g for g in data["genes"]}
    return genes[gene]["call"], data["conclusion"]["primary_hlh"], data["conclusion"]["transplant_workup"]


@pytest.mark.parametrize("gene", sorted(NULLS))
@pytest.mark.parametrize("build", [Build.GRCH37, Build.GRCH38])
def test_one_null_allele_on_a_healthy_genome_is_a_carrier(gene: str, build: Build, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = triage(run_cli, tmp_path, f"{gene}_{build}", build_vcf(build, [Spike(gene, NULLS[gene], "0/1")],
                                                                  chr_names=build is Build.GRCH38))
    assert outcome(data, gene) == CARRIER, data["conclusion"]["summary"]
    assert "carrier" in data["conclusion"]["summary"]
    assert data["conclusion"]["genes"] == []


@pytest.mark.parametrize(("background", "proband", "gene"), [
    ("grch37_GIAB_AJ_trio_HG002_HG003_HG004.slice.vcf", "HG002", "LYST"),   # bcftools csq (BCSQ) annotated
    ("grch37_scout_demo_643594_trio.slice.vcf", "ADM1059A2", "PRF1"),       # VEP CSQ and SnpEff ANN annotated
    ("grch37_scout_demo_643594_trio.slice.vcf", "ADM1059A2", "UNC13D"),
])
def test_one_null_allele_in_an_annotated_vcf_is_a_carrier(background: str, proband: str, gene: str, run_cli,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    text = build_vcf(Build.GRCH37, [Spike(gene, NULLS[gene], "0/1")], chr_names=False,
                     background=BACKGROUNDS / background, proband=proband)
    data = triage(run_cli, tmp_path, f"{gene}_{proband}", text, "-s", proband)
    assert outcome(data, gene) == CARRIER, data["conclusion"]["summary"]


SYNONYMOUS = {  # PRF1 c.822C>T p.(Ala274=), rs885821, as the lab's VCF may carry it
    "unannotated": "",
    "common_by_frequency": "gnomAD_AF=0.2",
    "annotated_synonymous": "CSQ",
}


@pytest.mark.parametrize("how", sorted(SYNONYMOUS))
@pytest.mark.parametrize("build", [Build.GRCH37, Build.GRCH38])
def test_a_null_with_a_common_synonymous_variant_is_a_carrier(how: str, build: Build, run_cli,  # type: ignore[no-untyped-def]
                                                              tmp_path: Path) -> None:
    info = SYNONYMOUS[how]
    synonymous = coding_snv("PRF1", 822, "C", "T", "0/1", info="" if info == "CSQ" else info,
                            consequence="synonymous_variant" if info == "CSQ" else "", hgvs_p="p.(Ala274=)")
    text = build_vcf(build, [Spike("PRF1", "c.1122G>A", "0/1"), synonymous], chr_names=False)
    data = triage(run_cli, tmp_path, f"syn_{how}", text)
    assert outcome(data, "PRF1") == CARRIER, data["conclusion"]["summary"]
    prf1 = next(g for g in data["genes"] if g["symbol"] == "PRF1")
    second = next(v for v in [*data["variants"], *data["set_aside"]] if v["pos"] in (72358655, 70598899))
    if how == "unannotated":  # its effect is unknown: named, never a VUS or a second hit
        assert second["classification"] == "not_assessed" and second["id"] in prf1["not_assessed"]
        assert any("second hit can be neither claimed nor excluded" in r for r in prf1["reasons"])
        assert data["completeness"]["verdict"].startswith("partial")
    else:
        assert second in data["set_aside"]  # the background: compact, with its reason
        assert second["classification"] in ("benign", "likely_benign") or second["reason"] == "synonymous"


def test_two_qualifying_alleles_of_unknown_phase_are_still_suspected(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = build_vcf(Build.GRCH37, [Spike("PRF1", "c.1122G>A", "0/1"), Spike("PRF1", "c.449C>A", "0/1")],
                     chr_names=False)
    data = triage(run_cli, tmp_path, "two", text)
    assert outcome(data, "PRF1") == ("possible_biallelic", "suspected", "consider")


def test_a_2016_pathogenic_listing_of_a_common_polymorphism_does_not_make_a_healthy_genome_suspected(  # type: ignore[no-untyped-def]
        run_cli) -> None:
    """GIAB HG002 (healthy) is homozygous for FCGR3A c.197T>A p.(Leu66His), listed pathogenic (0 stars, OMIM) in
    the 2016 ClinVar release of the bundled knowledge base. Without a population frequency the listing is not
    counted (the list names polymorphisms too), so the allele stays uncertain and the result undetermined."""
    result = run_cli("triage", str(DATA / "vcf" / "ashk_hg002_fcgr3a.vcf"), "-s", "HG002")
    assert result.code == 0, result.err
    data = result.json()
    assert data["conclusion"]["primary_hlh"] == "undetermined"
    listed = next(v for v in data["variants"] if v["pos"] == 161518333)
    assert listed["zygosity"] == "hom" and "Known_PLP" not in listed["evidence"]
    assert listed["classification"] == "uncertain"
    assert any("not counted because its population frequency is unknown" in r for r in listed["reasons"])

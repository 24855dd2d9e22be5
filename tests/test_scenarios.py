"""End-to-end: every row of the Henter 2024 genetic pathway and of the transplant indication
matrix (docs/clinical-basis.md, sections 2 and 3), on GRCh37 and GRCh38, with plain and chr-prefixed contigs.

Inputs are built by tests/scenario_vcf.py from real backgrounds with documented or constructed
alleles; each scenario states the expected gene call, phase, conclusion and work-up.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA
from scenario_vcf import CLINVAR_2_STARS, Spike, build_vcf, known_missense, missense, write

from varhlh.models import Build

S = Spike
RARE = "gnomAD_AF=0.00002"
SCENARIOS = {
    # name: (spikes, extra args, gene, call, phase, primary_hlh, transplant_workup)
    "fhl2_hom_null": ([S("PRF1", "c.1122G>A", "1/1")], [], "PRF1", "biallelic", "homozygous", "confirmed",
                      "indicated"),
    "fhl3_comphet_trans": ([S("UNC13D", "c.754-1G>C", "0|1", 7), S("UNC13D", "c.2695C>T", "1|0", 7)], [], "UNC13D",
                           "biallelic", "trans", "confirmed", "indicated"),
    "fhl3_deep_intronic_hom": ([S("UNC13D", "c.118-308C>T", "1/1")], [], "UNC13D", "biallelic", "homozygous",
                               "confirmed", "indicated"),
    "fhl4_hom": ([S("STX11", "c.802C>T", "1/1")], [], "STX11", "biallelic", "homozygous", "confirmed", "indicated"),
    # well-described, milder course (Pagel 2012): the diagnosis is confirmed, the work-up is 'consider'
    "fhl5_exon15_splice_hom": ([S("STXBP2", "c.1247-1G>C", "1/1")], [], "STXBP2", "biallelic", "homozygous",
                               "confirmed", "consider"),
    "gs2_hom": ([S("RAB27A", "c.550C>T", "1/1")], [], "RAB27A", "biallelic", "homozygous", "confirmed", "indicated"),
    "chs_frameshift_hom": ([S("LYST", "frameshift", "1/1")], [], "LYST", "biallelic", "homozygous", "confirmed",
                           "indicated"),
    "hps2_frameshift_hom": ([S("AP3B1", "frameshift", "1/1")], [], "AP3B1", "biallelic", "homozygous", "confirmed",
                            "consider"),
    "xlp1_male": ([S("SH2D1A", "frameshift", "1")], ["--sex", "male"], "SH2D1A", "hemizygous", "not_applicable",
                  "confirmed", "indicated"),
    "xlp1_male_diploid": ([S("SH2D1A", "frameshift", "1/1")], ["--sex", "male"], "SH2D1A", "hemizygous",
                          "not_applicable", "confirmed", "indicated"),
    "xlp1_male_het_flagged": ([S("SH2D1A", "frameshift", "0/1")], ["--sex", "male"], "SH2D1A", "heterozygous_xl",
                              "not_applicable", "undetermined", "not_indicated_by_genetics"),
    "xlp2_male": ([S("XIAP", "frameshift", "1")], ["--sex", "male"], "XIAP", "hemizygous", "not_applicable",
                  "confirmed", "consider"),
    "xiap_female_carrier": ([S("XIAP", "frameshift", "0/1")], ["--sex", "female"], "XIAP", "heterozygous_xl",
                            "not_applicable", "undetermined", "not_indicated_by_genetics"),
    "hypomorph_in_trans": ([S("PRF1", "c.1122G>A", "0|1", 5), S("PRF1", "c.272C>T", "1|0", 5)], [], "PRF1",
                           "biallelic", "trans", "suspected", "consider"),
    "a91v_homozygous": ([S("PRF1", "c.272C>T", "1/1")], [], "PRF1", "none", "homozygous", "undetermined",
                        "not_indicated_by_genetics"),
    "unknown_phase": ([S("PRF1", "c.1122G>A", "0/1"), S("PRF1", "c.449C>A", "0/1")], [], "PRF1",
                      "possible_biallelic", "unknown", "suspected", "consider"),
    # well-described missense (ClinVar >= 2 stars) in a hemizygous male: confirmed like a null allele (Henter 2024)
    "xlp1_clinvar_2star_missense": ([known_missense("SH2D1A", "p.(Arg32Thr)", "1", CLINVAR_2_STARS)],
                                    ["--sex", "male"], "SH2D1A", "hemizygous", "not_applicable", "confirmed",
                                    "indicated"),
    "xlp2_clinvar_2star_missense": ([known_missense("XIAP", "p.(Leu189Pro)", "1", CLINVAR_2_STARS)],
                                    ["--sex", "male"], "XIAP", "hemizygous", "not_applicable", "confirmed", "consider"),
    # a novel truncation escaping NMD in PRF1 exon 3 that removes the C2 domain, in trans with W374X
    "prf1_novel_exon3_truncation_trans": ([S("PRF1", "frameshift", "0|1", 9), S("PRF1", "c.1122G>A", "1|0", 9)], [],
                                          "PRF1", "biallelic", "trans", "confirmed", "indicated"),
    # a homozygous rare PRF1 missense VUS: its own call without functional data; LP with absent perforin
    "prf1_hom_missense_vus": ([missense("PRF1", 300, "Ala", "Thr", "1/1", info=RARE)], [], "PRF1", "biallelic_vus",
                              "homozygous", "undetermined", "not_indicated_by_genetics"),
    "prf1_hom_missense_perforin_absent": ([missense("PRF1", 300, "Ala", "Thr", "1/1", info=RARE)],
                                          ["--clinical", str(DATA / "clinical" / "perforin_absent.yaml")], "PRF1",
                                          "biallelic", "homozygous", "suspected", "consider"),
    "prf1_hom_missense_perforin_normal": ([missense("PRF1", 300, "Ala", "Thr", "1/1", info=RARE)],
                                          ["--clinical", str(DATA / "clinical" / "perforin_normal.yaml")], "PRF1",
                                          "biallelic_vus", "homozygous", "undetermined", "not_indicated_by_genetics"),
    "null_plus_vus_trans": ([S("PRF1", "c.1122G>A", "0|1", 3), S("PRF1", "c.1310C>T", "1|0", 3, RARE)], [], "PRF1",
                            "biallelic", "trans", "suspected", "consider"),
    "null_plus_vus_of_unknown_frequency": ([S("PRF1", "c.1122G>A", "0|1", 3), S("PRF1", "c.1310C>T", "1|0", 3)], [],
                                           "PRF1", "monoallelic", "not_applicable", "undetermined",
                                           "not_indicated_by_genetics"),
    "null_plus_common_vus": ([S("PRF1", "c.1122G>A", "0|1", 3), S("PRF1", "c.1310C>T", "1|0", 3, "gnomAD_AF=0.002")],
                             [], "PRF1", "monoallelic", "not_applicable", "undetermined", "not_indicated_by_genetics"),
    "in_cis": ([S("PRF1", "c.1122G>A", "0|1", 3), S("PRF1", "c.449C>A", "0|1", 3)], [], "PRF1", "monoallelic",
               "cis", "undetermined", "not_indicated_by_genetics"),
    "carrier_unc13d": ([S("UNC13D", "c.754-1G>C", "0/1")], [], "UNC13D", "monoallelic", "not_applicable",
                       "undetermined", "not_indicated_by_genetics"),
    "digenic_not_diagnostic": ([S("PRF1", "c.1122G>A", "0/1"), S("UNC13D", "c.754-1G>C", "0/1")], [], "UNC13D",
                               "monoallelic", "not_applicable", "undetermined", "not_indicated_by_genetics"),
    "vus_only": ([S("PRF1", "c.1310C>T", "0/1")], [], "PRF1", "none", "not_applicable", "undetermined",
                 "not_indicated_by_genetics"),
    "benign_polymorphism_hom": ([S("UNC13D", "c.175G>A", "1/1")], [], "UNC13D", "none", "not_applicable",
                                "undetermined", "not_indicated_by_genetics"),
}
MATRIX = [(name, build, chr_names) for name in SCENARIOS for build in Build for chr_names in (False, True)]


@pytest.mark.parametrize(("name", "build", "chr_names"), MATRIX,
                         ids=[f"{n}-{b}-{'chr' if c else 'plain'}" for n, b, c in MATRIX])
def test_scenario(name: str, build: Build, chr_names: bool, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spikes, args, gene, call, phase, primary, workup = SCENARIOS[name]
    male = "male" in args
    vcf = write(tmp_path, name, build_vcf(build, spikes, chr_names=chr_names, drop_x=male))
    result = run_cli("triage", str(vcf), *args)
    assert result.code == 0, result.err
    data = result.json()
    assert data["input"]["genome_build"] == build.value
    genes = {g["symbol"]: g for g in data["genes"]}
    got = (genes[gene]["call"], genes[gene]["phase"], data["conclusion"]["primary_hlh"],
           data["conclusion"]["transplant_workup"])
    assert got == (call, phase, primary, workup), genes[gene]["reasons"]
    assert genes[gene]["phase_evidence"] or phase in ("not_applicable",) or call == "none"
    spiked_ids = {v["id"] for v in data["variants"] if v["reportable"]}
    if call not in ("none",):
        assert set(genes[gene]["variant_ids"]) <= spiked_ids
    if name == "digenic_not_diagnostic":
        assert any("digenic" in r for r in data["conclusion"]["reasons"])
    if name == "carrier_unc13d":
        assert any("inversion" in r for r in data["conclusion"]["recommendations"])

"""Opt-in local resources: --clinvar and --gnomad (constructed files with real header formats).

The resource VCFs in tests/data/interpretation are CONSTRUCTED (README there): ClinVar-format
records in the ClinVar 2019-10-07 header, gnomAD-format records in the gnomAD v2.1.1 header with
chr-prefixed contig names (so every look-up needs contig reconciliation against the b37-named
fixtures), a multi-allelic gnomAD record and a deletion written at the last copy of a repeat.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import DATA
from interpretation_fixtures import (  # noqa: F401  (session fixtures)
    INTERPRETATION,
    annotate_copy,
    bare_panel,
    local_resources,
    reference_fasta,
)

from varhlh.annotate.change import minimal_change
from varhlh.annotate.reference import Reference, left_align
from varhlh.annotate.resources import LocalVcf
from varhlh.models import Build
from varhlh.settings import Settings

CLINVAR37 = "constructed_clinvar_grch37.vcf"
CLINVAR38 = "constructed_clinvar_grch38.vcf"
GNOMAD37 = "constructed_gnomad_sites_grch37.vcf"


def _variant(data: dict, vid: str) -> dict:  # type: ignore[type-arg]
    return next(v for v in data["variants"] if v["id"] == vid)


@pytest.fixture
def gnomad(local_resources) -> LocalVcf:  # noqa: F811
    return LocalVcf(local_resources(GNOMAD37), "gnomad", Build.GRCH37, Settings())


def test_lookup_reconciles_contig_names_and_picks_the_alt(gnomad: LocalVcf) -> None:
    assert gnomad.names["10"] == "chr10"
    change = minimal_change(72360214, "C", "A")  # ALT2 of a multi-allelic gnomAD record
    hits = gnomad.lookup("10", change, (change.start, change.end), None)
    assert [h.alt_index for h in hits] == [2]
    evidence, note = gnomad.frequency(hits)
    assert (evidence.af, evidence.popmax, evidence.popmax_field) == (3.98e-06, 8.8e-06, "AF_popmax")
    assert "chr10:72360214 C>A" in (note or "")


def test_padding_differences_still_match(gnomad: LocalVcf) -> None:
    change = minimal_change(72358354, "AC", "AT")  # the W374X SNV written with a padding base
    hits = gnomad.lookup("10", change, (change.start, change.end), None)
    assert len(hits) == 1 and hits[0].written == "chr10:72358355 C>T"


def test_unnormalised_resource_indel_matches_only_with_fasta(gnomad: LocalVcf, reference_fasta: Path) -> None:  # noqa: F811
    """gnomAD writes PRF1 c.853_855del at the last CTT copy; the VCF has the left-aligned form."""
    change = minimal_change(72358621, "CCTT", "C")
    assert gnomad.lookup("10", change, (change.start, change.end), None) == []
    reference = Reference(reference_fasta, Build.GRCH37)
    left = left_align(change, reference.fetcher("10"))
    hits = gnomad.lookup("10", left, (72358622, 72358633), reference)
    assert len(hits) == 1 and hits[0].written == "chr10:72358630 TCTT>T"


def test_absent_allele_is_an_absence(gnomad: LocalVcf) -> None:
    change = minimal_change(72360210, "G", "T")
    evidence, note = gnomad.frequency(gnomad.lookup("10", change, (change.start, change.end), None))
    assert evidence is not None and evidence.filtering_af is None and "absent" in (note or "")
    assert evidence.source == "local gnomAD file constructed_gnomad_sites_grch37.vcf.gz (AF_popmax, AF)"


def test_chromosome_without_records_is_not_consulted(run_cli, local_resources) -> None:  # noqa: F811
    """The gnomAD file holds chr6/chr10 records only: UNC13D (chr17) alleles are not 'absent' from it."""
    run = run_cli("triage", str(DATA / "vcf" / "unc13d_deepintronic_splice.vcf"),
                  "--gnomad", str(local_resources(GNOMAD37)))
    assert run.code == 0, run.err
    allele = _variant(run.json(), "17-73839908-G-A")
    assert allele["frequency"] is None and "PM2_Supporting" not in allele["evidence"]
    assert any("no records on chromosome 17: not consulted" in n for n in allele["annotation_notes"])


def test_non_pass_filter_is_stated(gnomad: LocalVcf) -> None:
    change = minimal_change(144508566, "C", "T")
    _, note = gnomad.frequency(gnomad.lookup("6", change, (change.start, change.end), None))
    assert "FILTER RF" in (note or "")


def test_provenance_records_date_source_and_sha256(local_resources) -> None:  # noqa: F811
    path = local_resources(CLINVAR37)
    clinvar = LocalVcf(path, "clinvar", Build.GRCH37, Settings())
    facts = clinvar.provenance()
    assert facts["file_date"] == "2019-10-07" and facts["source"] == "ClinVar" and facts["reference"] == "GRCh37"
    assert facts["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    capped = LocalVcf(path, "clinvar", Build.GRCH37, Settings(resource_sha256_max_bytes=10)).provenance()
    assert capped["sha256"] is None and "index" in str(capped["sha256_note"])


def test_wrong_build_resource_is_refused(run_cli, local_resources) -> None:  # noqa: F811
    run = run_cli("triage", str(DATA / "vcf" / "prf1_carrier.vcf"), "--clinvar", str(local_resources(CLINVAR38)))
    assert run.code == 4 and "GRCh38" in run.err and "GRCh37" in run.err


def test_unindexed_resource_is_refused(run_cli, tmp_path: Path) -> None:
    import pysam

    target = tmp_path / "clinvar.vcf.gz"
    pysam.tabix_compress(str(INTERPRETATION / CLINVAR37), str(target))
    run = run_cli("triage", str(DATA / "vcf" / "prf1_carrier.vcf"), "--clinvar", str(target))
    assert run.code == 3 and "tabix" in run.err


def test_triage_uses_local_files_and_shows_vcf_values(run_cli, local_resources, bare_panel: Path,  # noqa: F811
                                                      reference_fasta: Path, tmp_path: Path) -> None:  # noqa: F811
    """No curated table: the local ClinVar 2-star record (with the FASTA's stop_gained) makes W374X
    pathogenic; the VCF's own (older) ClinVar value and its frequency are shown as found, not used."""
    source = DATA / "vcf" / "prf1_comphet_phased_trans.vcf"
    vcf = annotate_copy(source, tmp_path / "with_info.vcf", ["annotations_frequency.vcf"])
    text = vcf.read_text().replace(
        "#CHROM", '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Clinical significance for this single '
                  'variant">\n##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status for the '
                  'Variation ID">\n#CHROM', 1)
    text = text.replace("GNOMADAF=1.55e-05;", "CLNSIG=Likely_pathogenic;CLNREVSTAT=criteria_provided,_single_submitter;"
                                              "GNOMADAF=1.55e-05;")
    vcf.write_text(text)
    run = run_cli("triage", str(vcf), "--panel", str(bare_panel), "--clinvar", str(local_resources(CLINVAR37)),
                  "--gnomad", str(local_resources(GNOMAD37)), "--fasta", str(reference_fasta))
    assert run.code == 0, run.err
    data = run.json()
    w374x = _variant(data, "10-72358355-C-T")
    assert w374x["clinvar"]["source"].startswith("local ClinVar file") and w374x["clinvar"]["stars"] == 2
    assert [c["raw"] for c in w374x["not_used"]["clinvar"]] == ["Likely_pathogenic"]
    assert w374x["frequency"]["source"].startswith("local gnomAD file")
    assert w374x["not_used"]["frequency"][0]["popmax_field"] == "GNOMADAF_popmax"
    assert w374x["evidence"] == ["PVS1_Strong", "PM2_Supporting", "ClinVar_PLP", "PM3_Supporting"]
    assert w374x["classification"] == "pathogenic"
    assert any("was used; also found, not used" in n for n in w374x["annotation_notes"])
    assert any("local ClinVar file" in r and "2★" in r for r in w374x["reasons"])
    s150x = _variant(data, "10-72360210-G-T")  # absent from the gnomAD file: PM2_Supporting, said so
    assert s150x["evidence"] == ["PVS1", "PM2_Supporting", "PM3"]  # in trans with W374X, pathogenic on its own
    assert any(r.startswith("No value for this allele in local gnomAD file") for r in s150x["reasons"])
    assert any(r.startswith("PM3: in trans with 10-72358355-C-T") for r in s150x["reasons"])
    from importlib.resources import files

    import jsonschema

    jsonschema.validate(data, json.loads((files("varhlh") / "schema" / "result-v2.schema.json").read_text()))
    kinds = {r["kind"]: r for r in data["input"]["resources"]}
    assert set(kinds) == {"clinvar", "gnomad", "reference"} and kinds["clinvar"]["file_date"] == "2019-10-07"
    gene = next(g for g in data["genes"] if g["symbol"] == "PRF1")
    assert (gene["call"], gene["phase"], gene["strength"]) == ("biallelic", "trans", "confirmed")


def test_grch38_chr_vcf_with_plain_named_clinvar(run_cli, local_resources, bare_panel: Path) -> None:  # noqa: F811
    run = run_cli("triage", str(DATA / "vcf" / "grch38_chr_prf1_hom_w374x.vcf"), "--panel", str(bare_panel),
                  "--clinvar", str(local_resources(CLINVAR38)))
    assert run.code == 0, run.err
    allele = _variant(run.json(), "chr10-70598599-C-T")
    assert allele["clinvar"]["variation_id"] == "13709" and "ClinVar_PLP" in allele["evidence"]


def test_resources_are_not_opened_by_default() -> None:
    import subprocess
    import sys

    code = ("import sys, varhlh.pipeline, varhlh.annotate.annotator; "
            "print(int(any(m == 'pysam' or m.startswith('pysam.') for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"

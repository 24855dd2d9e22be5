"""--fasta: REF check, normalisation, codon-level effects and HGVS p. on both strands.

The FASTA is CONSTRUCTED (tests/data/interpretation/build_reference.py): codons consistent with
the published protein changes, N elsewhere. The expected p. names are the published ones
(the panel's curated table, phenopacket-store); the LYST and PRF1 c.1120 positions are independent
GRCh37 anchors (phenopacket-store liftover), not computed by varhlh.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA
from interpretation_fixtures import bare_panel, reference_fasta  # noqa: F401  (session fixtures)
from reference_fasta import write_fasta

from varhlh.annotate.change import Change, minimal_change
from varhlh.annotate.locus import LocusModel as TranscriptMap
from varhlh.annotate.reference import Reference, left_align, right_align
from varhlh.errors import BuildError, InputError
from varhlh.models import Build
from varhlh.panel import load_panel

PANEL = load_panel()

# gene, GRCh37 position, REF, ALT (plus strand), published HGVS c., published HGVS p.
PUBLISHED = [
    ("PRF1", 72358167, "G", "A", "c.1310C>T", "p.(Ala437Val)"),
    ("PRF1", 72358355, "C", "T", "c.1122G>A", "p.(Trp374Ter)"),
    ("PRF1", 72358357, "A", "C", "c.1120T>G", "p.(Trp374Gly)"),  # phenopacket-store PMID_28468610
    ("PRF1", 72358722, "T", "C", "c.755A>G", "p.(Asn252Ser)"),
    ("PRF1", 72360210, "G", "T", "c.449C>A", "p.(Ser150Ter)"),
    ("PRF1", 72360214, "C", "T", "c.445G>A", "p.(Gly149Ser)"),
    ("PRF1", 72360387, "G", "A", "c.272C>T", "p.(Ala91Val)"),
    ("PRF1", 72358621, "CCTT", "C", "c.853_855del", "p.(Lys285del)"),
    ("STX11", 144507837, "G", "T", "c.73G>T", "p.(Glu25Ter)"),
    ("STX11", 144507937, "T", "C", "c.173T>C", "p.(Leu58Pro)"),
    ("STX11", 144508566, "C", "T", "c.802C>T", "p.(Gln268Ter)"),
    ("UNC13D", 73826673, "G", "A", "c.2695C>T", "p.(Arg899Ter)"),
    ("UNC13D", 73839326, "C", "T", "c.175G>A", "p.(Ala59Thr)"),
    ("STXBP2", 7706729, "C", "T", "c.568C>T", "p.(Arg190Cys)"),
    ("STXBP2", 7711208, "C", "T", "c.1430C>T", "p.(Pro477Leu)"),
    ("RAB27A", 55497820, "C", "T", "c.551G>A", "p.(Arg184Gln)"),
    ("RAB27A", 55497821, "G", "A", "c.550C>T", "p.(Arg184Ter)"),
    ("RAB27A", 55520906, "G", "A", "c.244C>T", "p.(Arg82Cys)"),
    ("LYST", 235827787, "C", "T", "c.11173G>A", "p.(Gly3725Arg)"),  # phenopacket-store PMID_24112114 patient 1
    ("LYST", 235973346, "A", "G", "c.772T>C", "p.(Cys258Arg)"),  # phenopacket-store PMID_24112114 patient 2
]


@pytest.fixture(scope="module")
def reference(reference_fasta: Path) -> Reference:  # noqa: F811
    return Reference(reference_fasta, Build.GRCH37)


def _annotate(reference: Reference, gene: str, pos: int, ref: str, alt: str):  # type: ignore[no-untyped-def]
    tmap = TranscriptMap(PANEL.transcripts[(gene, Build.GRCH37)])
    return tmap.annotate(pos, ref, alt, reference.fetcher(tmap.model.chrom))


@pytest.mark.parametrize(("gene", "pos", "ref", "alt", "hgvs_c", "hgvs_p"), PUBLISHED,
                         ids=[f"{g}:{c}" for g, _, _, _, c, _ in PUBLISHED])
def test_published_hgvs_c_and_p(reference: Reference, gene: str, pos: int, ref: str, alt: str, hgvs_c: str,
                                hgvs_p: str) -> None:
    locus = _annotate(reference, gene, pos, ref, alt)
    assert (locus.hgvs_c, locus.hgvs_p) == (hgvs_c, hgvs_p)


def test_published_set_spans_both_strands_and_twenty_names() -> None:
    assert len(PUBLISHED) >= 20
    assert {PANEL.gene(g).strand for g, *_ in PUBLISHED} == {"+", "-"}


@pytest.mark.parametrize(("gene", "pos", "ref", "alt", "consequence", "hgvs_c", "hgvs_p"), [
    ("PRF1", 72360658, "T", "C", "start_lost", "c.1A>G", "p.(Met1?)"),  # minus strand, codon 1
    ("PRF1", 72360386, "G", "A", "synonymous_variant", "c.273C>T", "p.(Ala91=)"),
    ("PRF1", 72358355, "C", "T", "stop_gained", "c.1122G>A", "p.(Trp374Ter)"),
    ("STX11", 144507765, "A", "G", "start_lost", "c.1A>G", "p.(Met1?)"),  # plus strand, codon 1
    ("STX11", 144508627, "G", "A", "stop_retained_variant", "c.863G>A", "p.(Ter288=)"),  # TGA -> TAA
    ("STX11", 144508626, "T", "C", "stop_lost", "c.862T>C", "p.(Ter288ArgextTer?)"),  # TGA -> CGA
    ("STX11", 144507937, "T", "C", "missense_variant", "c.173T>C", "p.(Leu58Pro)"),
])
def test_codon_effects_both_strands(reference: Reference, gene: str, pos: int, ref: str, alt: str,
                                    consequence: str, hgvs_c: str, hgvs_p: str) -> None:
    locus = _annotate(reference, gene, pos, ref, alt)
    assert (locus.hgvs_c, locus.consequence, locus.hgvs_p) == (hgvs_c, consequence, hgvs_p)


def test_codon_split_by_an_intron_is_read_across_the_junction(reference: Reference) -> None:
    """HYPOTHETICAL PRF1 codon 180 = c.538 T, c.539 G (exon 2) + c.540 G (exon 3): TGG."""
    tmap = TranscriptMap(PANEL.transcripts[("PRF1", Build.GRCH37)])
    assert (tmap.g_of_c(539), tmap.g_of_c(540)) == (72360120, 72358937)
    locus = _annotate(reference, "PRF1", 72358937, "C", "T")  # c.540G>A: TGG -> TGA
    assert (locus.hgvs_c, locus.consequence, locus.hgvs_p) == ("c.540G>A", "stop_gained", "p.(Trp180Ter)")
    locus = _annotate(reference, "PRF1", 72360121, "A", "G")  # c.538T>C: TGG -> CGG
    assert (locus.hgvs_c, locus.hgvs_p) == ("c.538T>C", "p.(Trp180Arg)")


def test_unknown_codon_keeps_region_level_consequence(reference: Reference) -> None:
    locus = _annotate(reference, "PRF1", 72358500, "A", "G")  # exon 3, outside every constructed segment (N)
    assert locus.consequence == "coding_sequence_variant" and locus.hgvs_p is None
    assert any("not readable" in n for n in locus.notes)


@pytest.mark.parametrize(("pos", "ref", "alt", "hgvs_c", "consequence"), [
    # STX11 (plus strand) c.298-302 AAAAA (HYPOTHETICAL homopolymer): left-aligned VCF, 3'-shifted HGVS
    (144508061, "CA", "C", "c.302del", "frameshift_variant"),
    (144508065, "AA", "A", "c.302del", "frameshift_variant"),
    (144508061, "C", "CA", "c.302dup", "frameshift_variant"),
    (144508061, "CAA", "C", "c.301_302del", "frameshift_variant"),
])
def test_plus_strand_indels_are_3prime_shifted(reference: Reference, pos: int, ref: str, alt: str, hgvs_c: str,
                                               consequence: str) -> None:
    assert reference.fetch("6", 144508061, 144508067) == "CAAAAAG"
    locus = _annotate(reference, "STX11", pos, ref, alt)
    assert (locus.hgvs_c, locus.consequence) == (hgvs_c, consequence)


@pytest.mark.parametrize(("pos", "ref", "alt", "hgvs_c"), [
    # PRF1 (minus strand) c.844AAG[4]: genomic CTT x4 at 72358622-72358633; 3' in c. = left on the genome
    (72358621, "CCTT", "C", "c.853_855del"),   # left-aligned (bcftools norm) form
    (72358630, "TCTT", "T", "c.853_855del"),   # the same deletion written at the last repeat copy
    (72360608, "CA", "C", "c.50del"),          # PRF1 c.50del, anchor base from the constructed reference
    (72358621, "C", "CCTT", "c.853_855dup"),   # an AAG insertion in the repeat duplicates the 3'-most copy
])
def test_minus_strand_indels_are_3prime_shifted(reference: Reference, pos: int, ref: str, alt: str,
                                                hgvs_c: str) -> None:
    assert _annotate(reference, "PRF1", pos, ref, alt).hgvs_c == hgvs_c


def test_without_fasta_indels_are_named_as_written() -> None:
    tmap = TranscriptMap(PANEL.transcripts[("PRF1", Build.GRCH37)])
    locus = tmap.annotate(72358630, "TCTT", "T")
    assert locus.hgvs_c == "c.844_846del"
    assert any("not 3'-shifted" in n for n in locus.notes)


def test_left_and_right_alignment(reference: Reference) -> None:
    fetch = reference.fetcher("10")
    written = minimal_change(72358630, "TCTT", "T")
    assert left_align(written, fetch) == Change(72358622, 72358624, "CTT", "")
    assert right_align(minimal_change(72358621, "CCTT", "C"), fetch) == Change(72358631, 72358633, "CTT", "")
    insertion = minimal_change(72358630, "T", "TCTT")
    assert left_align(insertion, fetch) == Change(72358622, 72358621, "", "CTT")
    snv = minimal_change(72358355, "C", "T")
    assert left_align(snv, fetch) == snv


def test_ref_check(reference: Reference) -> None:
    assert reference.check_ref("10", 72358355, "C").state == "match"
    mismatch = reference.check_ref("10", 72358355, "G")
    assert mismatch.state == "mismatch" and "FASTA has C" in mismatch.reason
    assert reference.check_ref("10", 72358500, "A").state == "not_checked"  # N in the FASTA
    assert reference.check_ref("2", 1000, "A").state == "not_checked"  # contig absent
    assert reference.check_ref("10", 72358355, "N").state == "not_checked"


def test_chr_prefixed_fasta_is_reconciled(tmp_path: Path) -> None:
    path = write_fasta(tmp_path, prefix="chr")
    reference = Reference(path, Build.GRCH37)
    assert reference.check_ref("10", 72358355, "C").state == "match"


def test_fasta_of_the_other_build_is_refused(tmp_path: Path) -> None:
    path = write_fasta(tmp_path, {"10": [(133797322, "A")]}, name="grch38_like.fa.gz")  # chr10 length of GRCh38
    with pytest.raises(BuildError, match="GRCh38"):
        Reference(path, Build.GRCH37)


def test_unindexed_gzip_fasta_is_refused(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "plain.fa.gz"
    with gzip.open(path, "wt") as fh:
        fh.write(">10\nACGT\n")
    with pytest.raises(InputError, match="bgzip"):
        Reference(path, Build.GRCH37)


# ------------------------------------------------------------------------------ end to end


def _variant(data: dict, vid: str) -> dict:  # type: ignore[type-arg]
    return next(v for v in data["variants"] if v["id"] == vid)


def test_triage_with_fasta_gives_protein_effects(run_cli, reference_fasta: Path, bare_panel: Path) -> None:  # noqa: F811
    """No VCF annotation, no curated table: the FASTA alone makes both PRF1 nulls stop_gained."""
    vcf = DATA / "vcf" / "prf1_comphet_phased_trans.vcf"
    run = run_cli("triage", str(vcf), "--panel", str(bare_panel), "--fasta", str(reference_fasta))
    assert run.code == 0, run.err
    data = run.json()
    w374x, s150x = _variant(data, "10-72358355-C-T"), _variant(data, "10-72360210-G-T")
    assert (w374x["consequence"], w374x["hgvs_p"], w374x["hgvs_source"]) == (
        "stop_gained", "p.(Trp374Ter)", "built-in MANE model with reference FASTA")
    assert any("built-in MANE model with reference FASTA" in r and "PVS1_Strong" in r for r in w374x["reasons"])
    assert "PVS1_Strong" in w374x["evidence"] and "PVS1" in s150x["evidence"]
    assert s150x["classification"] == "likely_pathogenic"
    reference_entry = next(r for r in data["input"]["resources"] if r["kind"] == "reference")
    assert reference_entry["path"] == str(reference_fasta) and len(reference_entry["sha256"]) == 64
    without = run_cli("triage", str(vcf), "--panel", str(bare_panel)).json()
    assert _variant(without, "10-72358355-C-T")["consequence"] == "coding_sequence_variant"
    assert "PVS1" not in _variant(without, "10-72360210-G-T")["evidence"]


def test_ref_mismatch_is_flagged(run_cli, reference_fasta: Path, tmp_path: Path) -> None:  # noqa: F811
    text = (DATA / "vcf" / "prf1_carrier.vcf").read_text().replace("\t72358355\t.\tC\tT\t", "\t72358355\t.\tG\tT\t")
    vcf = tmp_path / "mismatch.vcf"
    vcf.write_text(text)
    run = run_cli("triage", str(vcf), "--fasta", str(reference_fasta))
    assert run.code == 0, run.err
    data = run.json()
    allele = _variant(data, "10-72358355-G-T")
    assert "REF_MISMATCH" in allele["filters"]
    assert any("REF_MISMATCH" in w for w in data["warnings"])


def test_most_alleles_mismatching_refuses_the_input(run_cli, reference_fasta: Path, tmp_path: Path) -> None:  # noqa: F811
    lines = (DATA / "vcf" / "prf1_carrier.vcf").read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    sample = header[-1].split("\t")[9]
    records = [f"10\t{pos}\t.\t{ref}\tT\t50\tPASS\t.\tGT\t0/1" for pos, ref in
               ((72358167, "A"), (72358355, "G"), (72360210, "C"), (72360387, "C"))]
    vcf = tmp_path / "wrong_reference.vcf"
    vcf.write_text("\n".join([*header[:-1], header[-1].split("\tFORMAT")[0] + f"\tFORMAT\t{sample}", *records]) + "\n")
    run = run_cli("triage", str(vcf), "--fasta", str(reference_fasta))
    assert run.code == 4, run.err
    assert "4 of 4 checked panel records" in run.err and not list(run.outdir.glob("*.json"))


def test_constructed_fixtures_are_reproducible() -> None:
    """reference_segments.tsv and the annotation VCFs are exactly what their build scripts write."""
    import importlib.util

    folder = DATA / "interpretation"
    for script in ("build_reference", "build_annotated"):
        spec = importlib.util.spec_from_file_location(script, folder / f"{script}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        built = module.build()
        files = {"reference_segments.tsv": built} if isinstance(built, str) else built
        for name, text in files.items():
            assert (folder / name).read_text() == text, f"{name} differs from a rebuild by {script}.py"

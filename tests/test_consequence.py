"""varhlh.annotate.consequence: dialect detection, allele attribution, term normalisation, transcript choice.

Fixtures are in tests/data/annotations (provenance in its README.md). Records are read with a
tiny stdlib parser so these tests need neither cyvcf2 nor /work/shared.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from varhlh.annotate.consequence import (
    NULL_TERMS,
    SEVERITY,
    AnnotationSource,
    Dialect,
    TranscriptConsequence,
    choose,
    detect_sources,
    impact,
    normalise_term,
    parse,
    severity_rank,
    vep_alleles,
)
from varhlh.read.reader import FieldDef

DATA = Path(__file__).parent / "data" / "annotations"
_INFO_LINE = re.compile(
    r'##INFO=<ID=([^,>]+),Number=([^,>]+),Type=([^,>]+)(?:,Description="((?:[^"\\]|\\.)*)")?')

PRF1_REFSEQ, PRF1_ENSEMBL = "NM_001083116.3", "ENST00000441259.2"
LYST_REFSEQ, LYST_ENSEMBL = "NM_000081.4", "ENST00000389793.7"


@dataclass(frozen=True)
class Rec:
    chrom: str
    pos: int
    ref: str
    alts: tuple[str, ...]
    info: dict[str, str]


def read_vcf(name: str) -> tuple[dict[str, FieldDef], list[Rec]]:
    """Header INFO definitions and records of a fixture (INFO values as text, flags as '')."""
    path = DATA / name
    opener = gzip.open if name.endswith(".gz") else open
    header: dict[str, FieldDef] = {}
    records: list[Rec] = []
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("##INFO="):
                m = _INFO_LINE.match(line)
                assert m is not None, line
                header[m.group(1)] = FieldDef(m.group(1), m.group(2), m.group(3), m.group(4) or "")
            elif not line.startswith("#"):
                f = line.rstrip("\n").split("\t")
                info = dict(kv.partition("=")[::2] for kv in f[7].split(";") if kv != ".")
                records.append(Rec(f[0], int(f[1]), f[3], tuple(f[4].split(",")), info))
    return header, records


def record_at(records: list[Rec], pos: int, ref: str | None = None) -> Rec:
    return next(r for r in records if r.pos == pos and (ref is None or r.ref == ref))


def vep_source(*fields: str, tag: str = "CSQ") -> AnnotationSource:
    return AnnotationSource(tag, Dialect.VEP, fields)


def tc(transcript: str | None, terms: tuple[str, ...] = ("missense_variant",), *, symbol: str = "PRF1",
       canonical: bool = False, mane: str | None = None, dialect: Dialect = Dialect.VEP,
       tag: str = "CSQ") -> TranscriptConsequence:
    return TranscriptConsequence(
        dialect=dialect, tag=tag, terms=terms, gene_symbol=symbol, gene_id=None, transcript=transcript,
        biotype="protein_coding", hgvs_c=None, hgvs_p=None, exon=None, intron=None, mane_select=mane,
        canonical=canonical,
    )


# --------------------------------------------------------------------------- SO table


def test_severity_follows_vep_order_including_the_new_splice_terms() -> None:
    assert SEVERITY[:4] == (
        "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained")
    splice = ["missense_variant", "protein_altering_variant", "splice_donor_5th_base_variant",
              "splice_region_variant", "splice_donor_region_variant", "splice_polypyrimidine_tract_variant",
              "incomplete_terminal_codon_variant"]
    assert [severity_rank(t) for t in splice] == sorted(severity_rank(t) for t in splice)
    assert SEVERITY.index("splice_polypyrimidine_tract_variant") - SEVERITY.index("missense_variant") == 5
    assert SEVERITY[-2:] == ("intergenic_variant", "sequence_variant")
    assert len(set(SEVERITY)) == len(SEVERITY)


@pytest.mark.parametrize(("term", "expected"), [
    ("transcript_ablation", "HIGH"), ("stop_gained", "HIGH"), ("start_lost", "HIGH"),
    ("feature_truncation", "HIGH"), ("inframe_deletion", "MODERATE"), ("missense_variant", "MODERATE"),
    ("protein_altering_variant", "MODERATE"), ("regulatory_region_ablation", "MODERATE"),
    ("splice_donor_5th_base_variant", "LOW"), ("splice_region_variant", "LOW"),
    ("splice_polypyrimidine_tract_variant", "LOW"), ("synonymous_variant", "LOW"),
    ("coding_sequence_variant", "MODIFIER"), ("intron_variant", "MODIFIER"),
    ("intergenic_variant", "MODIFIER"),
    ("not_a_real_term", "MODIFIER"),
])
def test_impact_is_veps(term: str, expected: str) -> None:
    assert impact(term) == expected


def test_null_terms_are_high_impact_so_terms() -> None:
    assert {
        "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
        "frameshift_variant", "start_lost",
    } == NULL_TERMS
    assert all(impact(t) == "HIGH" for t in NULL_TERMS)


def test_unknown_terms_rank_last() -> None:
    assert severity_rank("sequence_feature") == len(SEVERITY)
    assert severity_rank("intergenic_variant") < severity_rank("sequence_feature")
    assert severity_rank("STOP_GAINED") == severity_rank("stop_gained")


@pytest.mark.parametrize(("raw", "dialect", "expected"), [
    # bcftools csq short names
    ("missense", Dialect.BCSQ, "missense_variant"), ("stop_gained", Dialect.BCSQ, "stop_gained"),
    ("frameshift", Dialect.BCSQ, "frameshift_variant"),
    ("splice_acceptor", Dialect.BCSQ, "splice_acceptor_variant"),
    ("splice_donor", Dialect.BCSQ, "splice_donor_variant"),
    ("splice_region", Dialect.BCSQ, "splice_region_variant"),
    ("synonymous", Dialect.BCSQ, "synonymous_variant"),
    ("inframe_deletion", Dialect.BCSQ, "inframe_deletion"),
    ("inframe_insertion", Dialect.BCSQ, "inframe_insertion"), ("start_lost", Dialect.BCSQ, "start_lost"),
    ("stop_lost", Dialect.BCSQ, "stop_lost"), ("stop_retained", Dialect.BCSQ, "stop_retained_variant"),
    ("5_prime_utr", Dialect.BCSQ, "5_prime_UTR_variant"),
    ("3_prime_utr", Dialect.BCSQ, "3_prime_UTR_variant"),
    ("intron", Dialect.BCSQ, "intron_variant"), ("non_coding", Dialect.BCSQ, "non_coding_transcript_variant"),
    ("coding_sequence", Dialect.BCSQ, "coding_sequence_variant"),
    ("intergenic", Dialect.BCSQ, "intergenic_variant"),
    ("inframe_altering", Dialect.BCSQ, "protein_altering_variant"),
    # SnpEff ANN
    ("conservative_inframe_deletion", Dialect.SNPEFF, "inframe_deletion"),
    ("disruptive_inframe_deletion", Dialect.SNPEFF, "inframe_deletion"),
    ("conservative_inframe_insertion", Dialect.SNPEFF, "inframe_insertion"),
    ("disruptive_inframe_insertion", Dialect.SNPEFF, "inframe_insertion"),
    ("exon_loss_variant", Dialect.SNPEFF, "transcript_ablation"),
    ("intergenic_region", Dialect.SNPEFF, "intergenic_variant"),
    ("non_coding_exon_variant", Dialect.SNPEFF, "non_coding_transcript_exon_variant"),
    ("5_prime_UTR_premature_start_codon_gain_variant", Dialect.SNPEFF, "5_prime_UTR_variant"),
    ("initiator_codon_variant", Dialect.SNPEFF, "start_retained_variant"),
    ("sequence_feature", Dialect.SNPEFF, "sequence_feature"),
    ("intragenic_variant", Dialect.SNPEFF, "intragenic_variant"),
    # SnpEff EFF legacy names
    ("STOP_GAINED", Dialect.SNPEFF_EFF, "stop_gained"),
    ("FRAME_SHIFT", Dialect.SNPEFF_EFF, "frameshift_variant"),
    ("NON_SYNONYMOUS_CODING", Dialect.SNPEFF_EFF, "missense_variant"),
    ("SPLICE_SITE_ACCEPTOR", Dialect.SNPEFF_EFF, "splice_acceptor_variant"),
    ("SPLICE_SITE_DONOR", Dialect.SNPEFF_EFF, "splice_donor_variant"),
    ("SPLICE_SITE_REGION", Dialect.SNPEFF_EFF, "splice_region_variant"),
    ("START_LOST", Dialect.SNPEFF_EFF, "start_lost"), ("STOP_LOST", Dialect.SNPEFF_EFF, "stop_lost"),
    ("SYNONYMOUS_CODING", Dialect.SNPEFF_EFF, "synonymous_variant"),
    ("UTR_5_PRIME", Dialect.SNPEFF_EFF, "5_prime_UTR_variant"),
    ("UTR_3_PRIME", Dialect.SNPEFF_EFF, "3_prime_UTR_variant"),
    ("INTRON", Dialect.SNPEFF_EFF, "intron_variant"),
    ("UPSTREAM", Dialect.SNPEFF_EFF, "upstream_gene_variant"),
    ("DOWNSTREAM", Dialect.SNPEFF_EFF, "downstream_gene_variant"),
    ("CODON_DELETION", Dialect.SNPEFF_EFF, "inframe_deletion"),
    ("CODON_INSERTION", Dialect.SNPEFF_EFF, "inframe_insertion"),
    ("CODON_CHANGE_PLUS_CODON_DELETION", Dialect.SNPEFF_EFF, "inframe_deletion"),
    ("CODON_CHANGE_PLUS_CODON_INSERTION", Dialect.SNPEFF_EFF, "inframe_insertion"),
    ("CODON_CHANGE", Dialect.SNPEFF_EFF, "protein_altering_variant"),
    ("EXON", Dialect.SNPEFF_EFF, "non_coding_transcript_exon_variant"),
    ("EXON_DELETED", Dialect.SNPEFF_EFF, "transcript_ablation"),
    ("INTERGENIC", Dialect.SNPEFF_EFF, "intergenic_variant"),
    ("NON_SYNONYMOUS_START", Dialect.SNPEFF_EFF, "start_retained_variant"),
    ("SYNONYMOUS_STOP", Dialect.SNPEFF_EFF, "stop_retained_variant"),
    # VEP, including pre-release-80 names
    ("stop_gained", Dialect.VEP, "stop_gained"), ("initiator_codon_variant", Dialect.VEP, "start_lost"),
    ("nc_transcript_variant", Dialect.VEP, "non_coding_transcript_variant"),
    ("non_coding_exon_variant", Dialect.VEP, "non_coding_transcript_exon_variant"),
    ("NMD_transcript_variant", Dialect.VEP, "NMD_transcript_variant"),
    ("5_prime_utr_variant", Dialect.VEP, "5_prime_UTR_variant"),
    ("made_up_term", Dialect.VEP, "made_up_term"),
])
def test_normalise_term(raw: str, dialect: Dialect, expected: str) -> None:
    assert normalise_term(raw, dialect) == expected


# --------------------------------------------------------------------------- dialect detection


@pytest.mark.parametrize(("name", "expected"), [
    ("vembrane_vep100_ANN_exon_range.vcf", [("ANN", Dialect.VEP)]),
    ("scout_643594_excerpt.vcf", [("ANN", Dialect.SNPEFF), ("CSQ", Dialect.VEP)]),
    ("scikit_allel_ann.vcf", [("ANN", Dialect.SNPEFF)]),
    ("scikit_allel_eff.vcf", [("EFF", Dialect.SNPEFF_EFF)]),
    ("gemini_multiple_alts_decomp_snpeff_excerpt.vcf", [("EFF", Dialect.SNPEFF_EFF)]),
    ("gemini_test4_vep_snpeff_excerpt.vcf", [("EFF", Dialect.SNPEFF_EFF), ("CSQ", Dialect.VEP)]),
    ("slivar_comphet.csq.vcf", [("BCSQ", Dialect.BCSQ)]),
    ("slivar_with-bcsq.vcf", [("BCSQ", Dialect.BCSQ)]),
    ("bcftools_split-vep.2.vcf", [("CSQ", Dialect.VEP), ("BCSQ", Dialect.BCSQ)]),
    ("vcfanno_test_gnomad_multiallelic_excerpt.vcf", [("CSQ", Dialect.VEP)]),
    ("constructed_prf1_w374x_four_dialects.vcf",
     [("CSQ", Dialect.VEP), ("ANN", Dialect.SNPEFF), ("EFF", Dialect.SNPEFF_EFF), ("BCSQ", Dialect.BCSQ)]),
    ("gemini_test.clinvar.vcf", []),
])
def test_detect_sources_on_real_headers(name: str, expected: list[tuple[str, Dialect]]) -> None:
    header, _ = read_vcf(name)
    assert [(s.tag, s.dialect) for s in detect_sources(header)] == expected


def test_detected_field_orders_come_from_the_header() -> None:
    header, _ = read_vcf("slivar_comphet.csq.vcf")
    assert detect_sources(header)[0].fields == (
        "consequence", "gene", "transcript", "biotype", "strand", "amino_acid_change", "dna_change")
    header, _ = read_vcf("bcftools_split-vep.2.vcf")
    bcsq = {s.tag: s for s in detect_sources(header)}["BCSQ"]
    assert bcsq.fields[0] == "Consequence"
    assert bcsq.fields[-1] == "dna_change"
    header, _ = read_vcf("gemini_multiple_alts_decomp_snpeff_excerpt.vcf")
    eff = detect_sources(header)[0]
    assert eff.fields[:3] == ("Effect", "Effect_Impact", "Functional_Class")
    assert eff.fields[-3:] == ("Genotype_Number", "ERRORS", "WARNINGS")
    header, _ = read_vcf("scout_643594_excerpt.vcf")
    ann = detect_sources(header)[0]
    assert ann.fields[:3] == ("Allele", "Annotation", "Annotation_Impact")
    assert "cDNA.pos / cDNA.length" in ann.fields
    header, _ = read_vcf("gemini_test4_vep_snpeff_excerpt.vcf")
    vep = {s.tag: s for s in detect_sources(header)}["CSQ"]
    assert vep.fields[:3] == ("Consequence", "Codons", "Amino_acids")


@pytest.mark.parametrize("description", [
    "",
    "Format: consequence|symbol|gene|feature|mane_select|biotype|exon|hgvsc|hgvsp",  # Talos re-packed CSQ
    "fake bcftools CSQ Format: 'CONSEQUENCE|SYMBOL|TRANSCRIPT'",  # slivar tests/comphet.vcf
    "Predicted loss of function effects for this variant. Format: 'Gene_Name | Gene_ID | "
    "Number_of_transcripts_in_gene | Percent_of_transcripts_affected'",
    "Ancestral Allele. Format: AA|REF|ALT|IndelType.",
    "Consequence annotations from Ensembl VEP.",  # no field list
])
def test_unknown_descriptions_are_not_sources(description: str) -> None:
    assert detect_sources({"CSQ": FieldDef("CSQ", ".", "String", description)}) == []


def test_dialect_comes_from_the_description_never_the_tag_name() -> None:
    vep = "Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL"
    snpeff = "Functional annotations: 'Allele | Annotation | Annotation_Impact | Gene_Name'"
    sources = detect_sources({
        "BCSQ": FieldDef("BCSQ", ".", "String", vep),
        "EFF": FieldDef("EFF", ".", "String", snpeff),
        "vep": FieldDef("vep", ".", "String", vep),
    })
    assert [(s.tag, s.dialect) for s in sources] == [
        ("BCSQ", Dialect.VEP), ("EFF", Dialect.SNPEFF), ("vep", Dialect.VEP)]
    assert sources[0].label == "VEP BCSQ"


# --------------------------------------------------------------------------- one variant, four dialects


def test_constructed_prf1_w374x_gives_stop_gained_in_all_four_dialects() -> None:
    """CONSTRUCTED fixture (see README): the same PRF1 allele written by VEP, SnpEff ANN/EFF, bcftools csq."""
    header, (rec,) = read_vcf("constructed_prf1_w374x_four_dialects.vcf")
    sources = detect_sources(header)
    by_source = {s.tag: parse(rec.info, [s], rec.ref, rec.alts, 1) for s in sources}
    assert {tag: [c.worst_term for c in found] for tag, found in by_source.items()} == {
        "CSQ": ["stop_gained"], "ANN": ["stop_gained"], "EFF": ["stop_gained"], "BCSQ": ["stop_gained"]}
    (vep,), (ann,), (eff,), (bcsq,) = by_source["CSQ"], by_source["ANN"], by_source["EFF"], by_source["BCSQ"]
    for c in (vep, ann, eff, bcsq):
        assert c.impact == "HIGH"
        assert c.worst_term in NULL_TERMS
        assert c.allele_matched
    assert (vep.transcript, ann.transcript, eff.transcript, bcsq.transcript) == (
        "ENST00000441259.2", "NM_001083116.3", "NM_001083116.3", "ENST00000441259")
    assert vep.hgvs_c == ann.hgvs_c == eff.hgvs_c == "c.1122G>A"
    assert (vep.hgvs_p, ann.hgvs_p, eff.hgvs_p, bcsq.hgvs_p) == (
        "p.Trp374Ter", "p.Trp374*", "p.Trp374*", "p.W374*")
    assert vep.mane_select == PRF1_REFSEQ
    assert vep.canonical
    assert vep.gene_id == "ENSG00000180644"
    assert vep.exon == ann.exon == "3/3"
    assert eff.exon == "3"
    assert vep.intron is None
    assert all(c.gene_symbol == "PRF1" for c in (vep, ann, eff, bcsq))
    reasons = {tag: choose(found, "PRF1", PRF1_REFSEQ, PRF1_ENSEMBL)[1] for tag, found in by_source.items()}
    assert reasons == {
        "CSQ": "MANE Select transcript ENST00000441259.2 (VEP CSQ)",
        "ANN": "MANE Select transcript NM_001083116.3 (SnpEff ANN)",
        "EFF": "MANE Select transcript NM_001083116.3 (SnpEff EFF)",
        "BCSQ": "MANE Select transcript ENST00000441259 (bcftools csq BCSQ); the annotation gives no "
                "version, the panel's MANE Select is ENST00000441259.2",
    }
    everything = parse(rec.info, sources, rec.ref, rec.alts, 1)
    assert [c.source_label for c in everything] == [
        "VEP CSQ", "SnpEff ANN", "SnpEff EFF", "bcftools csq BCSQ"]
    assert choose(everything, "PRF1", PRF1_REFSEQ, PRF1_ENSEMBL)[0] is everything[0]


def test_real_vep_and_snpeff_agree_on_lyst_records() -> None:
    """Scout demo: VEP 85 CSQ and SnpEff ANN on the same LYST records (one deletion, one SNV)."""
    header, records = read_vcf("scout_643594_excerpt.vcf")
    sources = detect_sources(header)
    for pos in (235826382, 235840495):
        rec = record_at(records, pos)
        found = parse(rec.info, sources, rec.ref, rec.alts, 1)
        assert found
        assert all(c.allele_matched for c in found)
        on_mane = {c.source_label: c.worst_term for c in found
                   if c.transcript and c.transcript.split(".")[0] == "ENST00000389793"}
        assert on_mane == {"SnpEff ANN": "splice_region_variant", "VEP CSQ": "splice_region_variant"}


def test_real_vep_and_eff_agree_transcript_by_transcript() -> None:
    """gemini test4: VEP CSQ (no Allele column) and SnpEff EFF on the same 9 single-ALT records."""
    header, records = read_vcf("gemini_test4_vep_snpeff_excerpt.vcf")
    sources = detect_sources(header)
    compared = 0
    for rec in records:
        worst: dict[str, dict[str, str]] = {}
        for c in parse(rec.info, sources, rec.ref, rec.alts, 1):
            if c.transcript:
                worst.setdefault(c.transcript.split(".")[0], {})[c.tag] = c.worst_term
        for terms in worst.values():
            if len(terms) == 2:
                compared += 1
                assert terms["CSQ"] == terms["EFF"]
    assert compared >= 40


# --------------------------------------------------------------------------- allele attribution


@pytest.mark.parametrize(("ref", "alts", "expected"), [
    ("C", ["T"], ["T"]),  # SNV: as written
    ("CTT", ["C"], ["-"]),  # deletion: shared first base trimmed, empty -> '-'
    ("C", ["CT"], ["T"]),  # insertion
    ("CTT", ["C", "CT"], ["-", "T"]),  # every allele starts with C: trimmed for all
    ("A", ["G", "AT"], ["G", "AT"]),  # first bases differ: nothing trimmed, not even AT
    ("AC", ["AT"], ["AT"]),  # same length (MNV): never trimmed
    ("TA", ["T", "TAA", "TAAA"], ["-", "AA", "AAA"]),
    ("AT", ["A", "*"], ["A", "*"]),  # spanning deletion allele stops the trimming
    ("A", ["<DEL>"], ["<DEL>"]),
])
def test_vep_allele_convention(ref: str, alts: list[str], expected: list[str]) -> None:
    assert vep_alleles(ref, alts) == expected


VEP_FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Feature")


def test_multiallelic_vep_default_trimming_constructed() -> None:
    source = vep_source(*VEP_FIELDS)
    info = {"CSQ": "-|frameshift_variant|HIGH|PRF1|ENST00000441259,"
                   "T|frameshift_variant|HIGH|PRF1|ENST00000441259,"
                   "TT|intron_variant|MODIFIER|PRF1|ENST00000441259"}
    first = parse(info, [source], "CTT", ("C", "CT"), 1)
    second = parse(info, [source], "CTT", ("C", "CT"), 2)
    assert [c.terms for c in first] == [("frameshift_variant",)]
    assert [c.terms for c in second] == [("frameshift_variant",)]
    # A>G,AT: alleles differ in their first base, so VEP writes 'AT' (not 'T') for the insertion
    info = {"CSQ": "G|missense_variant|MODERATE|PRF1|X,AT|frameshift_variant|HIGH|PRF1|X"}
    assert [c.worst_term for c in parse(info, [source], "A", ("G", "AT"), 1)] == ["missense_variant"]
    assert [c.worst_term for c in parse(info, [source], "A", ("G", "AT"), 2)] == ["frameshift_variant"]
    # 'T' is not VEP's default form of any ALT; it is the --minimal form of A>AT, tried second
    info = {"CSQ": "T|frameshift_variant|HIGH|PRF1|X"}
    assert [c.allele_matched for c in parse(info, [source], "A", ("G", "AT"), 2)] == [True]
    assert parse(info, [source], "A", ("G", "AT"), 1) == []


def test_minimised_entries_use_the_per_alt_form_only() -> None:
    """A>AT,T: default forms are AT and T, but --minimal writes T for both ALTs, so a MINIMISED
    entry 'T' is ambiguous and must not be given to the second ALT."""
    source = vep_source(*VEP_FIELDS, "MINIMISED")
    info = {"CSQ": "T|frameshift_variant|HIGH|PRF1|X|1"}
    assert parse(info, [source], "A", ("AT", "T"), 1) == []
    assert parse(info, [source], "A", ("AT", "T"), 2) == []
    assert [c.allele_matched for c in parse(info, [source], "A", ("AT",), 1)] == [True]
    unminimised = {"CSQ": "T|missense_variant|MODERATE|PRF1|X|"}
    assert [c.worst_term for c in parse(unminimised, [source], "A", ("AT", "T"), 2)] == ["missense_variant"]


def test_multiallelic_vep_minimal_with_allele_num_real() -> None:
    """gnomAD sites (vcfanno fixture): VEP --minimal writes 'TT' for A>ATT; ALLELE_NUM decides."""
    header, (rec,) = read_vcf("vcfanno_test_gnomad_multiallelic_excerpt.vcf")
    sources = detect_sources(header)
    assert rec.alts == ("T", "G", "ATT")
    per_alt = [parse(rec.info, sources, rec.ref, rec.alts, i) for i in (1, 2, 3)]
    assert [len(found) for found in per_alt] == [9, 9, 9]
    assert all(c.allele_matched for found in per_alt for c in found)
    # without ALLELE_NUM the --minimal allele forms (T, G, TT) still attribute every entry
    (source,) = sources
    renamed = replace(source, fields=tuple("X" if f == "ALLELE_NUM" else f for f in source.fields))
    assert [len(parse(rec.info, [renamed], rec.ref, rec.alts, i)) for i in (1, 2, 3)] == [9, 9, 9]


def test_multiallelic_vep_with_entries_for_one_alt_only_real() -> None:
    header, (rec,) = read_vcf("pysam_gnomad_multiallelic_excerpt.vcf")
    sources = detect_sources(header)
    assert rec.alts == ("GACA", "C")
    assert parse(rec.info, sources, rec.ref, rec.alts, 1) == []
    assert [c.worst_term for c in parse(rec.info, sources, rec.ref, rec.alts, 2)] == ["intergenic_variant"]


def test_vep_deletion_allele_dash_real() -> None:
    header, records = read_vcf("scout_643594_excerpt.vcf")
    rec = record_at(records, 235826382)
    assert (rec.ref, rec.alts) == ("TA", ("T",))
    found = parse(rec.info, detect_sources(header), rec.ref, rec.alts, 1)
    vep = [c for c in found if c.dialect is Dialect.VEP]
    assert len(vep) == 3
    assert all(c.allele_matched for c in vep)
    assert [c.transcript for c in vep] == ["ENST00000389793.2", "ENST00000389794.3", "ENST00000473037.1"]
    assert vep[0].hgvs_c == "c.11268-5delT"
    assert vep[0].intron == "52/52"
    assert vep[0].exon is None
    assert [c.canonical for c in vep] == [False, True, False]


def test_entries_without_an_allele_column() -> None:
    source = vep_source("Consequence", "SYMBOL", "Feature")
    info = {"CSQ": "stop_gained|PRF1|ENST00000441259"}
    (single,) = parse(info, [source], "C", ("T",), 1)
    assert not single.allele_matched
    assert single.worst_term == "stop_gained"
    assert parse(info, [source], "C", ("T", "G"), 1) == []
    assert parse(info, [source], "C", ("T", "G"), 2) == []


def test_snpeff_ann_multiallelic_real() -> None:
    header, records = read_vcf("scikit_allel_ann.vcf")
    rec = record_at(records, 13513722)
    sources = detect_sources(header)
    (first,) = parse(rec.info, sources, rec.ref, rec.alts, 1)
    (second,) = parse(rec.info, sources, rec.ref, rec.alts, 2)
    assert (first.worst_term, first.hgvs_p, second.worst_term, second.hgvs_p) == (
        "missense_variant", "p.Asp6Val", "synonymous_variant", "p.Asp6Asp")
    assert first.exon == "1/4"
    assert first.hgvs_c == "n.17A>T"
    assert first.gene_id == "AGAP005273"
    intergenic = record_at(records, 103)
    (entry,) = parse(intergenic.info, sources, intergenic.ref, intergenic.alts, 1)
    assert entry.transcript is None
    assert entry.worst_term == "intergenic_variant"


def test_snpeff_cancer_compound_allele_is_ignored() -> None:
    fields = ("Allele", "Annotation", "Annotation_Impact", "Gene_Name")
    source = AnnotationSource("ANN", Dialect.SNPEFF, fields)
    info = {"ANN": "T|stop_gained|HIGH|PRF1,T-G|missense_variant|MODERATE|PRF1,G|synonymous_variant|LOW|PRF1"}
    assert [c.worst_term for c in parse(info, [source], "C", ("T", "G"), 1)] == ["stop_gained"]
    assert [c.worst_term for c in parse(info, [source], "C", ("T", "G"), 2)] == ["synonymous_variant"]
    assert parse({"ANN": "T-C|missense_variant|MODERATE|PRF1"}, [source], "C", ("T",), 1) == []


def test_snpeff_sequence_feature_is_not_a_transcript_real() -> None:
    header, records = read_vcf("scout_643594_excerpt.vcf")
    rec = record_at(records, 235840495)
    found = parse(rec.info, detect_sources(header), rec.ref, rec.alts, 1)
    ann = [c for c in found if c.dialect is Dialect.SNPEFF]
    assert [(c.worst_term, c.transcript) for c in ann] == [
        ("splice_region_variant", "ENST00000389793"), ("splice_region_variant", "ENST00000389794"),
        ("splice_region_variant", "ENST00000473037"), ("sequence_feature", None)]
    assert ann[0].terms == ("splice_region_variant", "intron_variant")
    assert ann[0].intron == "49/52"


def test_eff_genotype_field_real() -> None:
    header, records = read_vcf("gemini_multiple_alts_decomp_snpeff_excerpt.vcf")
    sources = detect_sources(header)
    snv = record_at(records, 228157, "A")
    (entry,) = parse(snv.info, sources, snv.ref, snv.alts, 1)
    assert entry.allele_matched
    assert entry.worst_term == "intergenic_variant"
    header, records = read_vcf("scikit_allel_eff.vcf")
    sources = detect_sources(header)
    stop, missense = record_at(records, 889455), record_at(records, 897062)
    (s,) = parse(stop.info, sources, stop.ref, stop.alts, 1)
    assert (s.worst_term, s.hgvs_p, s.transcript, s.allele_matched) == (
        "stop_gained", "p.Q236*", "NM_015658", False)
    (m,) = parse(missense.info, sources, missense.ref, missense.alts, 1)
    assert (m.worst_term, m.hgvs_p, m.exon, m.allele_matched) == ("missense_variant", "p.V155G", "1", True)


def test_eff_genotype_number_in_multiallelic_record() -> None:
    source = AnnotationSource("EFF", Dialect.SNPEFF_EFF, (
        "Effect", "Effect_Impact", "Functional_Class", "Codon_Change", "Amino_Acid_Change",
        "Amino_Acid_length", "Gene_Name", "Transcript_BioType", "Gene_Coding", "Transcript_ID", "Exon_Rank",
        "GenotypeNum"))
    info = {"EFF": "STOP_GAINED(HIGH|NONSENSE|tgG/tgA|W374*|555|PRF1|protein_coding|CODING|"
                   "NM_001083116.3|3|1),"
                   "SPLICE_SITE_REGION+SYNONYMOUS_CODING(LOW|SILENT|tgG/tgC|W374C|555|PRF1|protein_coding|CODING|"
                   "NM_001083116.3|3|2)"}
    (first,) = parse(info, [source], "C", ("T", "G"), 1)
    (second,) = parse(info, [source], "C", ("T", "G"), 2)
    assert first.terms == ("stop_gained",)
    assert first.hgvs_p == "p.W374*"
    assert second.terms == ("splice_region_variant", "synonymous_variant")


def test_bcsq_back_references_and_dna_change_real() -> None:
    header, records = read_vcf("slivar_comphet.csq.vcf")
    sources = detect_sources(header)
    rec = record_at(records, 793183)
    found = parse(rec.info, sources, rec.ref, rec.alts, 1)
    assert [(c.worst_term, c.transcript, c.allele_matched) for c in found] == [
        ("3_prime_UTR_variant", "ENST00000440239", False),  # 4-field entry: no dna_change, single ALT: kept
        ("missense_variant", "ENST00000631357", True),  # the '@788407' back-reference is skipped
        ("missense_variant", "ENST00000317063", True),
        ("missense_variant", "ENST00000262315", True),
        ("missense_variant", "ENST00000455171", True),
    ]
    assert found[2].hgvs_p == "p.D571N"
    assert found[1].hgvs_p is None
    insertion = record_at(records, 788413)
    (entry,) = parse(insertion.info, sources, insertion.ref, insertion.alts, 1)
    assert entry.worst_term == "inframe_insertion"
    assert entry.allele_matched


def test_bcsq_four_field_entries_real() -> None:
    header, records = read_vcf("slivar_with-bcsq.vcf")
    sources = detect_sources(header)
    rec = record_at(records, 15752321)
    (entry,) = parse(rec.info, sources, rec.ref, rec.alts, 1)
    assert (entry.worst_term, entry.gene_symbol, entry.transcript, entry.biotype) == (
        "intron_variant", "EFHD2", None, "protein_coding")


BCSQ_FIELDS = ("consequence", "gene", "transcript", "biotype", "strand", "amino_acid_change", "dna_change")


def test_bcsq_multiallelic_attribution_and_star_prefix() -> None:
    source = AnnotationSource("BCSQ", Dialect.BCSQ, BCSQ_FIELDS)
    info = {"BCSQ": "stop_gained|PRF1|ENST00000441259|protein_coding|-|374W>374*|72358355C>T,"
                    "missense|PRF1|ENST00000441259|protein_coding|-|374W>374S|72358355C>G,"
                    "intron|OTHER||protein_coding,@72358300"}
    assert [c.worst_term for c in parse(info, [source], "C", ("T", "G"), 1)] == ["stop_gained"]
    assert [c.worst_term for c in parse(info, [source], "C", ("T", "G"), 2)] == ["missense_variant"]
    compound = {"BCSQ": "*missense&splice_region|PRF1|ENST00000441259|protein_coding|-|91A>91V|"
                        "72360300G>A+72360387G>A"}
    (entry,) = parse(compound, [source], "G", ("A",), 1)
    assert entry.terms == ("missense_variant", "splice_region_variant")
    assert entry.allele_matched
    assert "downstream of a stop" in entry.notes[0]
    # a haplotype-aware compound: one '+'-joined part is this ALT, the other another variant
    joint = {"BCSQ": "missense|PRF1|ENST1|protein_coding|-|1A>1V|100G>C+72360387G>A"}
    assert [c.allele_matched for c in parse(joint, [source], "G", ("A", "T"), 1)] == [True]
    assert parse(joint, [source], "G", ("A", "T"), 2) == []
    # parts naming both ALTs of the record: ambiguous, dropped for either ALT
    both = {"BCSQ": "missense|PRF1|ENST1|protein_coding|-|1A>1V|100G>T+72360387G>A"}
    assert parse(both, [source], "G", ("A", "T"), 1) == []
    assert parse(both, [source], "G", ("A", "T"), 2) == []


def test_vep_under_ann_with_mane_and_url_encoding_real() -> None:
    header, records = read_vcf("vembrane_vep100_ANN_exon_range.vcf")
    sources = detect_sources(header)
    rec = record_at(records, 26696985)
    (entry,) = parse(rec.info, sources, rec.ref, rec.alts, 1)
    assert entry.dialect is Dialect.VEP
    assert entry.tag == "ANN"
    assert (entry.hgvs_c, entry.hgvs_p) == ("c.582C>T", "p.Pro194=")
    assert (entry.transcript, entry.mane_select, entry.canonical) == (
        "ENST00000324856.13", "NM_006015.6", True)
    assert entry.exon == "4-6/27"
    assert entry.gene_symbol == "ARID1A"
    chosen, reason = choose([entry], "ARID1A", "NM_006015.6", "ENST00000324856.13")
    assert chosen is entry
    assert reason == "MANE Select transcript ENST00000324856.13 (VEP ANN)"


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize("value", [
    "", ",", ",,,", "|", "||||", "T", "T|", "garbage without separators", "T|stop_gained", "@123",
    "*", "&&", "T|&|HIGH", "STOP_GAINED(", "STOP_GAINED(HIGH|NONSENSE", ")(",
    "T|stop_gained|HIGH|PRF1|E|T|X|" * 20,
    "é|stop_gäined|HIGH", "T|%ZZ|HIGH|PRF1|ENSG|Transcript|ENST1|pc|||ENST1:c.%E0|ENSP1:p.%3",
])
def test_malformed_entries_never_raise(value: str) -> None:
    header, (_rec,) = read_vcf("constructed_prf1_w374x_four_dialects.vcf")
    sources = detect_sources(header)
    for source in sources:
        for alts in (("T",), ("T", "G")):
            found = parse({source.tag: value}, [source], "C", alts, 1)
            assert all(c.terms for c in found)


def test_every_truncation_of_real_entries_is_tolerated() -> None:
    names = ("constructed_prf1_w374x_four_dialects.vcf", "scout_643594_excerpt.vcf", "slivar_comphet.csq.vcf")
    for name in names:
        header, records = read_vcf(name)
        sources = detect_sources(header)
        for rec in records:
            for source in sources:
                value = rec.info.get(source.tag, "")
                for cut in range(0, min(len(value), 600), 7):
                    parse({source.tag: value[:cut]}, [source], rec.ref, rec.alts, 1)


def test_short_entries_are_padded_and_missing_tags_or_alts_give_nothing() -> None:
    source = vep_source(*VEP_FIELDS, "HGVSc", "HGVSp", "CANONICAL", "MANE_SELECT")
    (entry,) = parse({"CSQ": "T|stop_gained"}, [source], "C", ("T",), 1)
    assert entry.gene_symbol is None
    assert entry.transcript is None
    assert entry.hgvs_c is None
    assert not entry.canonical
    assert parse({"CSQ": "T||HIGH|PRF1"}, [source], "C", ("T",), 1) == []  # no consequence term
    assert parse({}, [source], "C", ("T",), 1) == []
    assert parse({"CSQ": "T|stop_gained"}, [source], "C", ("T",), 0) == []
    assert parse({"CSQ": "T|stop_gained"}, [source], "C", ("T",), 2) == []


def test_compound_terms_are_split_deduplicated_and_sorted() -> None:
    source = vep_source(*VEP_FIELDS)
    (entry,) = parse({"CSQ": "T|intron_variant&splice_region_variant&intron_variant&odd_term|LOW|PRF1|X"},
                     [source], "C", ("T",), 1)
    assert entry.terms == ("splice_region_variant", "intron_variant", "odd_term")
    assert entry.worst_term == "splice_region_variant"
    assert entry.impact == "LOW"


# --------------------------------------------------------------------------- choose


def test_choose_prefers_the_mane_transcript_over_a_more_severe_other_one() -> None:
    other = tc("ENST00000373209.1", ("stop_gained",), canonical=True)
    mane = tc("NM_001083116.3", ("missense_variant",))
    chosen, reason = choose([other, mane], "PRF1", PRF1_REFSEQ, PRF1_ENSEMBL)
    assert chosen is mane
    assert reason == "MANE Select transcript NM_001083116.3 (VEP CSQ)"


@pytest.mark.parametrize(("entries", "expected_transcript", "reason_part"), [
    ([tc("NM_001083116.2")], "NM_001083116.2", "version differs from the panel's NM_001083116.3"),
    ([tc("ENST00000441259")], "ENST00000441259",
     "gives no version, the panel's MANE Select is ENST00000441259.2"),
    ([tc("ENST00000441259.2", dialect=Dialect.SNPEFF, tag="ANN")], "ENST00000441259.2",
     "MANE Select transcript ENST00000441259.2 (SnpEff ANN)"),
    ([tc("ENST00000999999.1", mane="NM_001083116.3")], "ENST00000999999.1", "counterpart NM_001083116.3"),
    ([tc("ENST00000999999.1", mane="NM_123456.1"), tc("ENST00000888888.1", ("stop_gained",), canonical=True)],
     "ENST00000999999.1",
     "flagged MANE Select (NM_123456.1) by the annotation, but the panel's MANE Select is "
     "NM_001083116.3 / ENST00000441259.2"),
    ([tc("ENST00000888888.1", canonical=True), tc("ENST00000777777.1", ("stop_gained",))],
     "ENST00000888888.1",
     "no MANE Select entry; most severe consequence on the canonical transcript ENST00000888888.1 (VEP CSQ)"),
    ([tc("ENST00000888888.1"), tc("ENST00000777777.1", ("stop_gained",))], "ENST00000777777.1",
     "no MANE Select or canonical entry; most severe consequence among 2 entries for PRF1: transcript "
     "ENST00000777777.1 (VEP CSQ)"),
    ([tc("NM_001083116.3", symbol="prf1")], "NM_001083116.3", "MANE Select transcript"),
    ([tc("NM_001083116.3", symbol="PRF1-AS1")], "NM_001083116.3", "MANE Select transcript"),
])
def test_choose_truth_table(entries: list[TranscriptConsequence], expected_transcript: str,
                            reason_part: str) -> None:
    chosen, reason = choose(entries, "PRF1", PRF1_REFSEQ, PRF1_ENSEMBL)
    assert chosen is not None
    assert chosen.transcript == expected_transcript
    assert reason_part in reason


def test_choose_returns_none_when_no_entry_is_for_the_gene() -> None:
    assert choose([], "PRF1", PRF1_REFSEQ, PRF1_ENSEMBL) == (None, "no consequence annotation for PRF1")
    chosen, reason = choose([tc("ENST00000367568.5", symbol="STX11"), tc(None, symbol="UNC13D")], "PRF1",
                            PRF1_REFSEQ, PRF1_ENSEMBL)
    assert chosen is None
    assert reason == "no consequence annotation for PRF1; entries name only STX11, UNC13D"


def test_choose_on_real_lyst_record_reports_the_grch37_version() -> None:
    """Scout (GRCh37, VEP 85): ENST00000389793.2 is the LYST MANE transcript at an older version; the
    canonical flag sits on ENST00000389794, which must not win over the MANE match."""
    header, records = read_vcf("scout_643594_excerpt.vcf")
    rec = record_at(records, 235840495)
    found = parse(rec.info, detect_sources(header), rec.ref, rec.alts, 1)
    chosen, reason = choose(found, "LYST", LYST_REFSEQ, LYST_ENSEMBL)
    assert chosen is not None
    assert chosen.transcript == "ENST00000389793.2"
    assert chosen.dialect is Dialect.VEP
    assert reason == ("MANE Select transcript ENST00000389793.2 (VEP CSQ); version differs from the panel's "
                      "ENST00000389793.7")


def test_choose_tie_breaks_on_attribution_then_version_then_order() -> None:
    unversioned = tc("ENST00000441259", dialect=Dialect.SNPEFF, tag="ANN")
    versioned = tc("ENST00000441259.2")
    assert choose([unversioned, versioned], "PRF1", PRF1_REFSEQ, PRF1_ENSEMBL)[0] is versioned
    unattributed = replace(versioned, allele_matched=False)
    assert choose([unattributed, unversioned], "PRF1", PRF1_REFSEQ, PRF1_ENSEMBL)[0] is unversioned


# ------------------------------------------------------------------------------- entry fields


def test_entry_reads_fields_case_insensitively_and_strips_only_what_it_returns() -> None:
    from varhlh.annotate.consequence import _Entry

    entry = _Entry(("Allele", "Consequence", "SYMBOL", "HGVSc"), ("T", " missense_variant ", ".", ""))
    assert entry.get("consequence") == "missense_variant"
    assert entry.get("SYMBOL") is None  # '.' is missing
    assert entry.get("HGVSc", "Allele") == "T"  # the first non-missing of the names
    assert entry.get("EXON") is None  # not a field


def test_entry_with_a_field_named_twice_reads_its_last_column_the_entry_has() -> None:
    """As a mapping built from (name, value) pairs: the later column wins, unless the entry stops before it."""
    from varhlh.annotate.consequence import _Entry

    fields = ("Allele", "Gene", "Consequence", "gene")
    assert _Entry(fields, ("T", "ENSG1", "stop_gained", "ENSG2")).get("GENE") == "ENSG2"
    assert _Entry(fields, ("T", "ENSG1", "stop_gained")).get("GENE") == "ENSG1"  # a short entry: its last one
    assert _Entry(fields, ("T", "ENSG1", "stop_gained", ".")).get("Gene") is None  # the last is missing

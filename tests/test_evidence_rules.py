"""Truth tables for the evidence rules: the gene-specific PVS1 tree, well-described alleles (diagnostic weight),
the bundled knowledge base (Known_PLP, PS1, PM5) and functional tests (PP4), each with its reason; and the
knowledge base as the annotator reads it on real alleles.
"""

from __future__ import annotations

import pytest
from factories import record

from varhlh.classify.acmg import classify, diagnostic_weight, well_described
from varhlh.classify.criteria import clinvar_criterion, codon_criterion, listed_criterion, pvs1
from varhlh.classify.functional import evidence_against, functional_criterion
from varhlh.knowledge import KnownAllele, PathogenicMissense
from varhlh.models import (
    Allele,
    Annotation,
    Build,
    Classification,
    ClinVarClass,
    ClinVarEvidence,
    DiagnosticWeight,
    EvidenceCode,
    FrequencyEvidence,
    FunctionalResult,
    GenotypeCall,
    Nmd,
    Truncation,
    Zygosity,
)
from varhlh.panel import load_panel
from varhlh.settings import Settings

PANEL = load_panel()
S = Settings()
E = EvidenceCode
VEP = "VCF CSQ (vep)"
HET = GenotypeCall(Zygosity.HET, "0/1", None)
ABSENT = FrequencyEvidence(None, "gnomAD_AF", None, None, "VCF INFO (gnomAD_AF)")


def allele(gene: str = "PRF1") -> Allele:
    return Allele("10-1000-C-T", record(1000, "0/1"), 1, PANEL.gene(gene))


def truncation(kind: str = "stop_gained", *, exon: int = 3, exons: int = 3, nmd: Nmd = Nmd.ESCAPES_LAST_EXON,
               first: int = 300, codons: int = 555, skip: bool = False) -> Truncation:
    removed = (codons - first + 1) / codons if not skip else (first / codons)
    return Truncation(kind, exon, exons, nmd, first, codons, removed, skip)


def null(t: Truncation | None, removed_critical: tuple[str, ...] = (), term: str = "stop_gained") -> Annotation:
    return Annotation(term, "HIGH", "NM_001083116.3", "c.898C>T", None, VEP, truncation=t,
                      removed_critical=removed_critical)


# ------------------------------------------------------------------------------ PVS1 decision tree


@pytest.mark.parametrize(("case", "annotation", "code", "words"), [
    ("NMD predicted", null(truncation(exon=2, nmd=Nmd.PREDICTED, first=100)), E.PVS1, "nonsense-mediated decay"),
    ("escapes NMD, removes the C2 domain", null(truncation(first=300), ("the C2 domain (codons 430-492)",)), E.PVS1,
     "HLH adaptation"),
    ("escapes NMD, only known pathogenic changes downstream",
     null(truncation(first=540), ("2 known pathogenic change(s) at or after the lost codons",)), E.PVS1_STRONG,
     "critical"),
    ("escapes NMD, > 10% lost", null(truncation(first=400)), E.PVS1_STRONG, "> 10%"),
    ("escapes NMD, <= 10% lost", null(truncation(first=540)), E.PVS1_MODERATE, "<= 10%"),
    ("within 50 nt of the last junction", null(truncation(exon=2, nmd=Nmd.ESCAPES_PENULTIMATE_50NT, first=540)),
     E.PVS1_MODERATE, "within 50 nt"),
    ("start lost", null(truncation("start_lost", exon=2, nmd=Nmd.PREDICTED, first=1), term="start_lost"),
     E.PVS1_MODERATE, "alternative start"),
    ("in-frame skip of a large exon", null(truncation("splice_donor_variant", exon=2, first=200, skip=True),
                                           term="splice_donor_variant"), E.PVS1_STRONG, "in frame"),
    ("in-frame skip of a small exon", null(truncation("splice_donor_variant", exon=2, first=20, skip=True),
                                           term="splice_donor_variant"), E.PVS1_MODERATE, "in frame"),
    ("in-frame skip removing a critical region",
     null(truncation("splice_donor_variant", exon=2, first=20, skip=True), ("the C2 domain (codons 430-492)",),
          term="splice_donor_variant"), E.PVS1_STRONG, "C2 domain"),
])
def test_pvs1_tree(case: str, annotation: Annotation, code: EvidenceCode, words: str) -> None:
    criterion = pvs1(annotation, allele())
    assert criterion.code is code, (case, criterion.reason)
    assert words in criterion.reason, criterion.reason


def test_an_nmd_escaping_truncation_removing_a_critical_region_is_likely_pathogenic_without_frequency() -> None:
    result = classify(allele(), null(truncation(first=300), ("the C2 domain (codons 430-492)",)), HET, S)
    assert result.classification is Classification.LIKELY_PATHOGENIC and result.weight is DiagnosticWeight.FULL


def test_the_bundled_critical_regions_are_the_ones_the_tree_names() -> None:
    regions = {(r.gene, r.aa_start, r.aa_end) for r in PANEL.knowledge.regions}
    assert ("PRF1", 430, 492) in regions and ("STX11", 268, 287) in regions


# ------------------------------------------------------------------------------ well-described alleles


def cv(significance: str, stars: int) -> ClinVarEvidence:
    return ClinVarEvidence(ClinVarClass(significance), significance.capitalize(), stars, None, "13709",
                           "VCF INFO (CLNSIG)")


def listed(well: bool) -> KnownAllele:
    return KnownAllele("SH2D1A", "c.95G>C", "p.(Arg32Thr)", {}, ClinVarClass.PATHOGENIC, 0,
                       "no_assertion_criteria_provided", "10992", ("9771704",), well, "ClinVar 2016-09 release",
                       "2016-09")


MISSENSE = Annotation("missense_variant", "MODERATE", "NM_002351.5", "c.95G>C", "p.(Arg32Thr)", VEP, frequency=ABSENT)


@pytest.mark.parametrize(("clinvar", "known", "frequency", "weight"), [
    (cv("pathogenic", 2), None, ABSENT, DiagnosticWeight.FULL),     # ClinVar >= 2 stars, no conflict: well-described
    (cv("likely_pathogenic", 3), None, None, DiagnosticWeight.FULL),
    (cv("pathogenic", 1), None, ABSENT, DiagnosticWeight.PARTIAL),  # 1 star: 'rare missense' row of Henter 2024
    (None, listed(True), ABSENT, DiagnosticWeight.FULL),             # a well-described allele of the knowledge base
    (None, listed(True), None, DiagnosticWeight.PARTIAL),            # ... but its frequency is unknown
    (None, listed(False), ABSENT, DiagnosticWeight.PARTIAL),
])
def test_well_described_is_about_evidence_not_consequence(clinvar: ClinVarEvidence | None,
                                                          known: KnownAllele | None,
                                                          frequency: FrequencyEvidence | None,
                                                          weight: DiagnosticWeight) -> None:
    annotation = Annotation(MISSENSE.consequence, MISSENSE.impact, MISSENSE.transcript, MISSENSE.hgvs_c,
                            MISSENSE.hgvs_p, VEP, frequency=frequency, clinvar=clinvar, listed=known)
    evidence = classify(allele("SH2D1A"), annotation, HET, S).evidence
    assert diagnostic_weight(Classification.LIKELY_PATHOGENIC, False, annotation, evidence) is weight
    assert well_described(annotation, evidence) is (weight is DiagnosticWeight.FULL)


def test_not_pathogenic_has_no_weight_whatever_the_evidence() -> None:
    assert diagnostic_weight(Classification.UNCERTAIN, True, MISSENSE) is DiagnosticWeight.NONE


@pytest.mark.parametrize(("stars", "significance", "code"), [
    (2, "pathogenic", E.CLINVAR_PLP), (1, "pathogenic", None), (2, "benign", E.CLINVAR_BLB), (0, "benign", None),
    (3, "conflicting", None), (2, "uncertain", None),
])
def test_clinvar_counts_from_two_stars(stars: int, significance: str, code: EvidenceCode | None) -> None:
    assert clinvar_criterion(cv(significance, stars)).code is code


def test_numeric_clinvar_codes_are_shown_in_words() -> None:
    old = ClinVarEvidence(ClinVarClass.PATHOGENIC, "5", 2, None, "13709", "VCF INFO (CLNSIG)")
    assert "5 (pathogenic)" in clinvar_criterion(old).reason


def freq(af: float) -> FrequencyEvidence:
    return FrequencyEvidence(af, "gnomAD_AF", None, None, "VCF INFO (gnomAD_AF)")


@pytest.mark.parametrize(("known", "counted", "frequency", "code"), [
    (listed(True), set(), ABSENT, E.KNOWN_PLP),
    (listed(True), set(), freq(0.0002), E.KNOWN_PLP),
    (listed(False), set(), ABSENT, None),
    (listed(True), {E.CLINVAR_PLP}, ABSENT, None),  # a current ClinVar record with 2 or more stars already counted
    (listed(True), set(), None, None),              # frequency unknown: a 2016 OMIM record may be a polymorphism
    (listed(True), set(), freq(0.05), None),        # common (FCGR3A c.197T>A is homozygous in healthy genomes)
])
def test_known_plp(known: KnownAllele, counted: set[EvidenceCode], frequency: FrequencyEvidence | None,
                   code: EvidenceCode | None) -> None:
    annotation = Annotation("missense_variant", None, None, "c.95G>C", "p.(Arg32Thr)", VEP, listed=known,
                            frequency=frequency)
    criterion = listed_criterion(annotation, counted, S)
    assert criterion.code is code
    if code is not None:
        assert "2016-09" in criterion.reason and "check the current ClinVar record" in criterion.reason


def test_a_dated_benign_listing_is_shown_not_counted() -> None:
    benign = KnownAllele("PRF1", "c.900C>T", "p.(His300=)", {}, ClinVarClass.BENIGN, 2,
                         "criteria_provided,_multiple_submitters,_no_conflicts", "12345", (), False,
                         "ClinVar 2016-09 release", "2016-09")
    criterion = listed_criterion(Annotation("synonymous_variant", None, None, "c.900C>T", None, VEP, listed=benign),
                                 set(), S)
    assert criterion.code is None and "Listed as benign" in criterion.reason and "not counted" in criterion.reason


def pm(hgvs_p: str) -> PathogenicMissense:
    return PathogenicMissense("PRF1", 374, "Trp", hgvs_p[-4:-1], hgvs_p, {}, "13710", "ClinVar-derived", "2016-09")


@pytest.mark.parametrize(("mine", "known", "code"), [
    ("p.(Trp374Gly)", ("p.(Trp374Gly)",), E.PS1),         # same amino-acid change by another nucleotide change
    ("p.Trp374Gly", ("p.(Trp374Gly)",), E.PS1),           # with or without the parentheses
    ("p.(Trp374Arg)", ("p.(Trp374Gly)",), E.PM5),         # another missense change at a pathogenic codon
    ("p.(Trp374Arg)", (), None),
])
def test_ps1_pm5(mine: str, known: tuple[str, ...], code: EvidenceCode | None) -> None:
    annotation = Annotation("missense_variant", None, None, "c.1120T>C", mine, VEP,
                            same_codon=tuple(pm(k) for k in known))
    assert codon_criterion(annotation).code is code


# ------------------------------------------------------------------------------ functional tests (PP4)


@pytest.mark.parametrize(("gene", "results", "code"), [
    ("PRF1", {"perforin_expression": FunctionalResult.ABSENT}, E.PP4_STRONG),
    ("PRF1", {"perforin_expression": FunctionalResult.REDUCED}, E.PP4),
    ("PRF1", {"perforin_expression": FunctionalResult.NORMAL}, None),
    ("PRF1", {"cd107a_degranulation": FunctionalResult.ABSENT}, None),     # perforin-deficient cells degranulate
    ("UNC13D", {"cd107a_degranulation": FunctionalResult.ABSENT}, E.PP4),       # a group of genes: supporting
    ("UNC13D", {"cd107a_degranulation": FunctionalResult.REDUCED}, None),
    ("UNC13D", {"cd107a_degranulation": FunctionalResult.ABSENT,
                "munc13_4_expression": FunctionalResult.ABSENT}, E.PP4_STRONG),  # the strongest counts, once
    ("STXBP2", {"cd107a_degranulation": FunctionalResult.ABSENT}, E.PP4),
    ("SH2D1A", {"sap_expression": FunctionalResult.ABSENT}, E.PP4_STRONG),
    ("XIAP", {"xiap_expression": FunctionalResult.ABSENT}, E.PP4_STRONG),
    ("XIAP", {"sap_expression": FunctionalResult.ABSENT}, None),
    ("CD27", {"perforin_expression": FunctionalResult.ABSENT}, None),
])
def test_pp4_truth_table(gene: str, results: dict[str, FunctionalResult], code: EvidenceCode | None) -> None:
    criterion = functional_criterion(gene, results)
    assert (criterion.code if criterion else None) is code
    if criterion is not None:
        assert "clinical context" in criterion.reason


def test_normal_results_are_evidence_against_never_points() -> None:
    notes = evidence_against("PRF1", {"perforin_expression": FunctionalResult.NORMAL})
    assert notes == ("perforin expression (flow cytometry) is normal: evidence against a PRF1 defect (not an "
                     "exclusion)",)
    assert evidence_against("PRF1", {"perforin_expression": FunctionalResult.ABSENT}) == ()


# ------------------------------------------------------------------------------ the bundled knowledge base, read


def test_knowledge_base_is_dated_and_versioned() -> None:
    k = PANEL.knowledge
    assert k.version and len(k.known) > 200 and len(k.missense) > 100 and len(k.lof) > 100
    assert all(a.source_date for a in k.known) and all(m.source_date for m in k.missense)
    assert PANEL.provenance()["knowledge_version"] == k.version


def test_well_described_knowledge_alleles_are_pathogenic_with_publications() -> None:
    for a in PANEL.knowledge.known:
        if a.well_described:
            assert a.significance.is_pathogenic and a.pmids, a


def test_knowledge_sites_exist_in_both_builds_for_missense() -> None:
    assert all(set(m.sites) == {Build.GRCH37, Build.GRCH38} for m in PANEL.knowledge.missense)

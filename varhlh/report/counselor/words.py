"""Plain-language wording of the result's closed vocabularies, for the counselor's report.

Every phrase here translates a value already in the JSON result; nothing is decided here. Keys
not listed (a newer result) fall back to the raw value with underscores as spaces, so an old
report template never hides a value it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from varhlh.result import VariantDoc


@dataclass(frozen=True)
class Level:
    """One answer on its three-step scale: ``rank`` 0..2 places it, ``label`` names it."""

    key: str
    rank: int
    label: str
    meaning: str


PRIMARY_HLH: dict[str, Level] = {
    "undetermined": Level("undetermined", 0, "Not determined by genetics",
                          "No genetic cause of primary HLH was established. This does not rule primary HLH out."),
    "suspected": Level("suspected", 1, "Suspected",
                       "The genetic result points to primary HLH but does not prove it: further tests are needed."),
    "confirmed": Level("confirmed", 2, "Confirmed",
                       "The genetic result explains primary (familial) HLH."),
}
TRANSPLANT: dict[str, Level] = {
    "not_indicated_by_genetics": Level(
        "not_indicated_by_genetics", 0, "Not indicated by genetics",
        "Genetics alone does not call for a transplant; clinical grounds (relapsing or refractory HLH) still can."),
    "consider": Level("consider", 1, "Consider",
                      "A transplant work-up should be considered, together with the further tests below."),
    "indicated": Level("indicated", 2, "Indicated",
                       "Start a transplant work-up now: refer to an HLH / transplant centre."),
}

CLASSIFICATION = {
    "pathogenic": "Pathogenic",
    "likely_pathogenic": "Likely pathogenic",
    "uncertain": "Uncertain significance (VUS)",
    "likely_benign": "Likely benign",
    "benign": "Benign",
    "risk_allele": "Risk allele (reduced function)",
    "not_assessed": "Not classified: annotation missing",
}
CLASS_ORDER = tuple(CLASSIFICATION)
"""Most to least severe, for legends and counts."""

ZYGOSITY = {
    "het": "heterozygous: on one of the two copies",
    "hom": "homozygous: on both copies",
    "hemi": "hemizygous: on the only copy (X chromosome in a male)",
    "ref": "not carried by the patient",
    "no_call": "no call: the genotype could not be read",
    "partial": "partly called (one allele unreadable)",
}
ZYGOSITY_SHORT = {"het": "heterozygous", "hom": "homozygous", "hemi": "hemizygous", "ref": "not carried",
                  "no_call": "no call", "partial": "partial call"}

INHERITANCE = {"AR": "autosomal recessive", "XL": "X-linked", "AD": "autosomal dominant"}

CALL = {
    "biallelic": "both copies of the gene affected (biallelic)",
    "biallelic_vus": "both copies carry a variant of uncertain significance: a functional test is needed",
    "possible_biallelic": "two variants of unknown phase (possibly biallelic)",
    "monoallelic": "one copy affected (carrier)",
    "hemizygous": "the only copy affected (hemizygous)",
    "heterozygous_xl": "one of two X-chromosome copies affected (heterozygous, X-linked)",
    "dominant": "one copy affected in a dominant gene",
    "none": "no qualifying variant",
}

PHASE = {
    "homozygous": "homozygous: the same variant on both copies",
    "trans": "in trans: on different copies of the gene",
    "cis": "in cis: on the same copy of the gene",
    "unknown": "phase unknown: it is not known whether they are on the same or different copies",
    "not_applicable": "not applicable",
}

STRENGTH = {
    "confirmed": "confirms primary HLH",
    "suspected": "suggests primary HLH (not proven)",
    "undetermined": "does not establish primary HLH",
}

WEIGHT = {
    "full": "null or previously well-described disease-causing allele",
    "partial": "rare missense, non-coding or insufficiently described allele",
    "hypomorph": "reduced-function (hypomorphic) allele: counts only with a disease-causing allele on the other copy",
    "none": "does not count towards a diagnosis",
}

TIER = {
    "core_fhl": "familial HLH gene",
    "degranulation": "degranulation disorder gene",
    "x_linked": "X-linked HLH gene",
    "ebv_susceptibility": "EBV-susceptibility gene",
    "autoinflammatory": "autoinflammatory gene",
    "other_iei": "other inborn error of immunity",
    "research": "research gene (not for diagnosis)",
}

POLICY = {
    "indicated": "a transplant work-up is indicated for a confirmed genotype",
    "individualised": "transplant is decided case by case",
    "not_indicated": "not a default transplant indication; disease-specific therapy",
}

SEX_SOURCE = {"argument": "as given", "ped": "from the family file", "inferred": "inferred from the data",
              "unknown": "not known"}

ORIGIN = {"father": "inherited from the father", "mother": "inherited from the mother",
          "de_novo": "not found in either parent (apparently new)", "both": "found in both parents"}

CLINVAR = {
    "pathogenic": "pathogenic", "likely_pathogenic": "likely pathogenic",
    "pathogenic_likely_pathogenic": "pathogenic / likely pathogenic", "uncertain": "uncertain significance",
    "likely_benign": "likely benign", "benign": "benign", "benign_likely_benign": "benign / likely benign",
    "conflicting": "conflicting classifications", "risk_factor": "risk factor", "low_penetrance": "low penetrance",
    "drug_response": "drug response", "not_provided": "not provided", "other": "other",
}

EVIDENCE = {
    "PVS1": "predicted loss of function in a gene where that causes disease (very strong)",
    "PVS1_Strong": "predicted loss of function, partly escaping decay (strong)",
    "PVS1_Moderate": "predicted loss of a small part of the protein or of the start codon (moderate)",
    "PS1": "the same protein change as a known disease-causing variant (strong)",
    "PM5": "a different change at a protein position where disease-causing changes are known (moderate)",
    "Known_PLP": "previously described as disease-causing in patients (bundled ClinVar and literature list)",
    "PP4_Strong": "an abnormal specific immune-function test points to this gene (strong)",
    "PP4": "an abnormal immune-function test is consistent with this gene (supporting)",
    "PM2_Supporting": "absent or extremely rare in the population (supporting)",
    "PM3_VeryStrong": "found in trans with disease-causing variants (very strong)",
    "PM3_Strong": "found in trans with disease-causing variants (strong)",
    "PM3": "found in trans with a disease-causing variant (moderate)",
    "PM3_Supporting": "found with a disease-causing variant, phase not proven (supporting)",
    "ClinVar_PLP": "classified pathogenic in ClinVar by several labs or an expert panel",
    "ClinVar_BLB": "classified benign in ClinVar by several labs or an expert panel",
    "ClinVar_risk": "a risk factor or low-penetrance allele in ClinVar",
    "BA1": "common in the population (stand-alone benign)",
    "BS1": "more common in the population than the disease allows (strong benign)",
    "BS1_Supporting": "more common than expected for this disease (supporting benign)",
    "BP2": "on the same copy as a disease-causing variant (supporting benign)",
    "CURATED": "classified by the panel's curated list of known HLH alleles",
    "NOT_ASSESSED": "not interpreted (structural or symbolic allele): review by hand",
}

SET_ASIDE = {
    "not_carried": "not carried by the patient",
    "no_call": "no genotype call for the patient",
    "benign": "benign or likely benign",
    "synonymous": "synonymous (no change to the protein)",
    "non_coding": "intronic or untranslated, away from splice sites: not interpreted",
    "placeholder": "placeholder allele (no variant)",
}
"""Why a variant is not a finding, for the appendix (``variants[].set_aside``)."""

COURSE = {"active": "active HLH", "resolved": "HLH resolved", "relapsing": "relapsing HLH",
          "refractory": "refractory HLH"}
CRITERION_STATE = {"met": "met", "not_met": "not met", "missing": "no value given"}
FUNCTIONAL_RESULT = {"absent": "absent", "reduced": "reduced", "normal": "normal"}

QUALITY_FLAG = {
    "sample_not_genotyped": "the sample has no genotype here",
    "low_GQ": "low genotype quality",
    "low_DP": "low read depth",
    "low_allele_fraction": "few reads show the variant (possible artefact or mosaicism)",
    "low_hom_allele_fraction": "a homozygous call with many reference reads",
    "heterozygous_call_in_male_X": "two different X copies called in a male",
    "haploid_call_on_autosome": "a single-copy call on a chromosome with two copies",
    "haploid_call_in_par": "a single-copy call in the pseudoautosomal region",
    "haploid_call_in_female_X": "a single-copy X call in a female",
    "ploidy": "more than two copies called",
    "REF_MISMATCH": "the reference base differs from the reference genome given",
}

GLOSSARY = (
    ("Allele / copy", "Most genes come in two copies, one from each parent. A variant is a change in one copy."),
    ("Biallelic", "Both copies of a gene carry a disease-causing change. For a recessive gene this is what "
                  "causes disease."),
    ("Compound heterozygous", "Two different variants in the same gene. They cause disease only if they are on "
                              "different copies (in trans)."),
    ("In trans / in cis", "In trans: the two variants are on different copies of the gene, so neither copy is "
                          "intact. In cis: both are on the same copy, and the other copy still works (a carrier)."),
    ("Phase", "Whether two variants are in trans or in cis. It is shown by testing the parents or by reading "
              "both variants on the same DNA molecule (phased or long-read sequencing)."),
    ("Carrier", "A person with one altered copy of a recessive gene. Carriers are usually healthy, but can pass "
                "the variant on to their children."),
    ("Hemizygous", "Having only one copy of a gene. Males have one X chromosome, so one change in an X-linked "
                   "gene (SH2D1A, XIAP, MAGT1) is enough to cause disease."),
    ("Variant of uncertain significance (VUS)", "A change whose effect is not known. It is not used to make a "
                                                "diagnosis or to test relatives; it may be reclassified later."),
    ("Risk allele", "A common variant that reduces protein function a little (for example PRF1 p.(Ala91Val)). "
                    "It matters mainly together with a disease-causing variant on the other copy."),
    ("Hypomorphic (reduced-function) allele", "A variant that lowers but does not abolish the protein's "
                                               "function, such as PRF1 p.(Ala91Val). Its effect depends on the "
                                               "other copy and is confirmed by a functional test."),
    ("Functional (flow) test", "A blood test that measures the protein or the function of immune cells, usually "
                               "by flow cytometry: perforin, SAP or XIAP protein, CD107a degranulation. It shows "
                               "whether a variant actually impairs the gene."),
    ("HSCT", "Haematopoietic stem-cell transplant (bone-marrow transplant): the cure for most forms of "
             "primary HLH."),
    ("HLA typing", "A blood test of the tissue type. It finds a matching stem-cell donor; each brother or sister "
                   "has a 1 in 4 chance of being a full match."),
    ("PGT-M", "Pre-implantation genetic testing for a monogenic condition: embryos made by IVF are tested so that "
              "only unaffected embryos are transferred."),
    ("De novo", "A variant that arose new in the patient and was not inherited from either parent."),
    ("X-inactivation", "In each cell of a woman one of the two X chromosomes is switched off. If mostly the X with "
                       "the normal copy is switched off, a carrier woman can have symptoms."),
)


def label(table: dict[str, str], key: str | None) -> str:
    """The wording of ``key`` in ``table``; an unknown key is shown as written, never hidden."""
    if key is None:
        return "not given"
    return table.get(key, key.replace("_", " "))


def level(table: dict[str, Level], key: str) -> Level:
    return table.get(key, Level(key, -1, key.replace("_", " ").capitalize(), ""))


def protein(hgvs_p: str | None) -> str:
    """HGVS p. as the report writes it: predicted changes in parentheses, 'p.(Trp374Ter)'; a protein accession
    prefix ('ENSP…:') is dropped (the card names the transcript)."""
    if not hgvs_p:
        return ""
    text = hgvs_p.rsplit(":", 1)[1] if ":" in hgvs_p else hgvs_p
    if text.startswith("p.") and not text.startswith("p.(") and text not in ("p.?", "p.=", "p.0"):
        text = f"p.({text[2:]})"
    return text


def variant_name(v: VariantDoc) -> str:
    """HGVS p. (in parentheses), else c., else the consequence at the genomic position (never blank)."""
    if v.hgvs_p or v.hgvs_c:
        return protein(v.hgvs_p) or str(v.hgvs_c)
    where = f"{v.chrom}:{v.pos} {v.ref}>{v.alt}"
    consequence = (v.consequence or "").replace("_", " ")
    return f"{consequence} at {where}" if consequence else where


def class_noun(cls: str, n: int) -> str:
    """'one variant of uncertain significance', 'two likely pathogenic variants'."""
    plural = "variants" if n != 1 else "variant"
    if cls == "uncertain":
        return f"{count_words(n)} {plural} of uncertain significance"
    return f"{count_words(n)} {label(CLASSIFICATION, cls).lower()} {plural}"


def count_words(n: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four"}.get(n, str(n))


def stars(n: int | None) -> str:
    if n is None:
        return ""
    return "★" * n + "☆" * (4 - n)

"""Typed records and closed vocabularies shared by the pipeline stages.

Enums are parsed once at the boundaries (panel file, VCF, command line); inside the pipeline
only these types circulate. Values are the exact strings of the JSON contract (docs/output-contract.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from varhlh.knowledge import KnownAllele, PathogenicMissense


class StrEnum(str, Enum):
    """A string enum whose ``str()`` is its value (the JSON spelling)."""

    def __str__(self) -> str:
        return str(self.value)


class Build(StrEnum):
    GRCH37 = "GRCh37"
    GRCH38 = "GRCh38"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class SexSource(StrEnum):
    ARGUMENT = "argument"
    PED = "ped"
    INFERRED = "inferred"
    UNKNOWN = "unknown"


class Zygosity(StrEnum):
    """Zygosity of one ALT allele in one sample, computed from raw allele indices."""

    HET = "het"
    HOM = "hom"
    HEMI = "hemi"
    REF = "ref"
    """This ALT is not carried (hom-ref, or another ALT of the record, e.g. the 1 of a 0/2)."""
    NO_CALL = "no_call"
    PARTIAL = "partial"
    """Carried, but another allele of the genotype is missing (``./1``)."""

    @property
    def carried(self) -> bool:
        return self in (Zygosity.HET, Zygosity.HOM, Zygosity.HEMI, Zygosity.PARTIAL)


class Inheritance(StrEnum):
    AR = "AR"
    XL = "XL"
    AD = "AD"


class Mechanism(StrEnum):
    LOF = "LoF"
    GOF = "GoF"


class Tier(StrEnum):
    CORE_FHL = "core_fhl"
    DEGRANULATION = "degranulation"
    X_LINKED = "x_linked"
    EBV_SUSCEPTIBILITY = "ebv_susceptibility"
    AUTOINFLAMMATORY = "autoinflammatory"
    OTHER_IEI = "other_iei"
    RESEARCH = "research"


class PanelAppRating(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class TransplantPolicy(StrEnum):
    INDICATED = "indicated"
    INDIVIDUALISED = "individualised"
    NOT_INDICATED = "not_indicated"


class Classification(StrEnum):
    PATHOGENIC = "pathogenic"
    LIKELY_PATHOGENIC = "likely_pathogenic"
    UNCERTAIN = "uncertain"
    LIKELY_BENIGN = "likely_benign"
    BENIGN = "benign"
    RISK_ALLELE = "risk_allele"
    NOT_ASSESSED = "not_assessed"
    """Not classified: the allele's effect could not be determined from this input (a coding SNV without
    annotation or reference sequence; a symbolic or structural allele). Never a VUS, never a second hit."""

    @property
    def is_pathogenic(self) -> bool:
        return self in (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC)


class ClinVarClass(StrEnum):
    """A ClinVar significance normalised across releases and spellings (:mod:`varhlh.annotate.clinvar`)."""

    PATHOGENIC = "pathogenic"
    LIKELY_PATHOGENIC = "likely_pathogenic"
    PATHOGENIC_LIKELY_PATHOGENIC = "pathogenic_likely_pathogenic"
    UNCERTAIN = "uncertain"
    LIKELY_BENIGN = "likely_benign"
    BENIGN = "benign"
    BENIGN_LIKELY_BENIGN = "benign_likely_benign"
    CONFLICTING = "conflicting"
    RISK_FACTOR = "risk_factor"
    LOW_PENETRANCE = "low_penetrance"
    DRUG_RESPONSE = "drug_response"
    NOT_PROVIDED = "not_provided"
    OTHER = "other"

    @property
    def is_pathogenic(self) -> bool:
        return self in (ClinVarClass.PATHOGENIC, ClinVarClass.LIKELY_PATHOGENIC,
                        ClinVarClass.PATHOGENIC_LIKELY_PATHOGENIC)

    @property
    def is_benign(self) -> bool:
        return self in (ClinVarClass.BENIGN, ClinVarClass.LIKELY_BENIGN, ClinVarClass.BENIGN_LIKELY_BENIGN)

    @property
    def is_risk(self) -> bool:
        return self in (ClinVarClass.RISK_FACTOR, ClinVarClass.LOW_PENETRANCE)


class EvidenceCode(StrEnum):
    """Evidence codes of a classification, with their points (Tavtigian et al. 2020: supporting 1, moderate 2,
    strong 4, very strong 8; negative for benign evidence). BA1 is stand-alone benign; CURATED, NOT_ASSESSED
    and ClinVar_risk carry no points."""

    PVS1 = "PVS1"
    PVS1_STRONG = "PVS1_Strong"
    PVS1_MODERATE = "PVS1_Moderate"
    PS1 = "PS1"
    """The same amino-acid change as a known pathogenic missense change."""
    PM5 = "PM5"
    """Another missense change at a codon where a pathogenic missense change is known."""
    PM2_SUPPORTING = "PM2_Supporting"
    PM3_VERY_STRONG = "PM3_VeryStrong"
    PM3_STRONG = "PM3_Strong"
    PM3 = "PM3"
    PM3_SUPPORTING = "PM3_Supporting"
    CLINVAR_PLP = "ClinVar_PLP"
    """ClinVar P/LP with >= 2 review stars (strong external evidence, not an ACMG criterion)."""
    CLINVAR_BLB = "ClinVar_BLB"
    """ClinVar B/LB with >= 2 review stars."""
    CLINVAR_RISK = "ClinVar_risk"
    """ClinVar risk factor / low penetrance: the allele is a risk allele."""
    KNOWN_PLP = "Known_PLP"
    """A previously well-described pathogenic allele of the panel's bundled, dated knowledge base (ClinVar P/LP with
    publications, no conflict): strong external evidence, like ClinVar with 2 or more stars."""
    PP4_STRONG = "PP4_Strong"
    """A gene-specific functional test shows absent protein (perforin, SAP, XIAP, Munc13-4, MAGT1)."""
    PP4 = "PP4"
    """A reduced result of a gene-specific functional test, or absent CD107a degranulation for a degranulation gene
    (supporting)."""
    BA1 = "BA1"
    BS1 = "BS1"
    BS1_SUPPORTING = "BS1_Supporting"
    BP2 = "BP2"
    CURATED = "CURATED"
    """The panel's curated classification was used."""
    NOT_ASSESSED = "NOT_ASSESSED"
    """Symbolic or structural allele: not interpreted."""

    @property
    def points(self) -> int:
        return _POINTS.get(self, 0)


_POINTS: dict[EvidenceCode, int] = {
    EvidenceCode.PVS1: 8, EvidenceCode.PVS1_STRONG: 4, EvidenceCode.PVS1_MODERATE: 2, EvidenceCode.PS1: 4,
    EvidenceCode.PM5: 2, EvidenceCode.KNOWN_PLP: 6, EvidenceCode.PP4_STRONG: 4,
    EvidenceCode.PP4: 1, EvidenceCode.PM2_SUPPORTING: 1, EvidenceCode.CLINVAR_PLP: 6,
    EvidenceCode.PM3_VERY_STRONG: 8, EvidenceCode.PM3_STRONG: 4, EvidenceCode.PM3: 2, EvidenceCode.PM3_SUPPORTING: 1,
    EvidenceCode.BS1: -4, EvidenceCode.BS1_SUPPORTING: -1, EvidenceCode.CLINVAR_BLB: -6, EvidenceCode.BP2: -1,
}


class QualityFlag(StrEnum):
    """Kinds of genotype and annotation quality flag; the emitted flag may add the numbers, ``low_GQ(12<20)``.
    A driving allele with any flag never supports 'confirmed'."""

    SAMPLE_NOT_GENOTYPED = "sample_not_genotyped"
    LOW_GQ = "low_GQ"
    LOW_DP = "low_DP"
    LOW_ALLELE_FRACTION = "low_allele_fraction"
    """ALT read fraction below ``min_het_allele_fraction`` in a heterozygous call."""
    LOW_HOM_ALLELE_FRACTION = "low_hom_allele_fraction"
    """ALT read fraction below ``min_hom_allele_fraction`` in a homozygous or hemizygous call."""
    HET_IN_MALE_X = "heterozygous_call_in_male_X"
    HAPLOID_ON_AUTOSOME = "haploid_call_on_autosome"
    HAPLOID_IN_PAR = "haploid_call_in_par"
    HAPLOID_IN_FEMALE_X = "haploid_call_in_female_X"
    PLOIDY = "ploidy"
    """More than two alleles in a call (emitted as ``ploidy_N_call``)."""
    REF_MISMATCH = "REF_MISMATCH"
    """REF differs from the --fasta reference."""

    def detail(self, text: str) -> str:
        """The flag as emitted with its numbers: ``low_GQ(12<20)``."""
        return f"{self.value}({text})"

    @classmethod
    def kind(cls, flag: str) -> QualityFlag | None:
        """The kind of an emitted flag (None for a VCF FILTER value)."""
        name = flag.split("(", 1)[0]
        if name.startswith("ploidy_") and name.endswith("_call"):
            return cls.PLOIDY
        return cls._value2member_map_.get(name)  # type: ignore[return-value]

    @property
    def is_ploidy(self) -> bool:
        return self in (QualityFlag.PLOIDY, QualityFlag.HAPLOID_ON_AUTOSOME, QualityFlag.HAPLOID_IN_PAR,
                        QualityFlag.HAPLOID_IN_FEMALE_X)


class FunctionalResult(StrEnum):
    """The result of a functional (flow-cytometry) test given in the clinical context."""

    ABSENT = "absent"
    REDUCED = "reduced"
    NORMAL = "normal"


@dataclass(frozen=True)
class Criterion:
    """One evidence criterion decided for an allele: its code (None: considered, not met) and the reason."""

    code: EvidenceCode | None
    reason: str


class Access(StrEnum):
    """How the panel regions of the input were read."""

    INDEX = "index"
    """Region queries through a trusted .tbi/.csi index."""
    STREAMED = "streamed"
    """One streamed pass with the panel pre-filter (no usable index)."""
    FULL_BCF = "full_bcf"
    """Every record of an unindexed BCF."""


class SetAside(StrEnum):
    """Why a listed allele is not shown as a finding (``variants[].set_aside``); findings and not-assessed
    alleles have none."""

    NOT_CARRIED = "not_carried"
    """The patient does not carry this ALT (homozygous reference, or another ALT of the record)."""
    NO_CALL = "no_call"
    """The patient's genotype is missing at this site."""
    BENIGN = "benign"
    """Benign or likely benign (population frequency, ClinVar, curated table)."""
    SYNONYMOUS = "synonymous"
    """Synonymous (or stop/start retained) outside the splice region."""
    NON_CODING = "non_coding"
    """Intronic, UTR, upstream or downstream, outside the splice region and the curated non-coding loci."""
    PLACEHOLDER = "placeholder"
    """A spanning-deletion or placeholder ALT (``*``, ``<NON_REF>``): the variant itself is another record."""


class Nmd(StrEnum):
    """Nonsense-mediated decay of a transcript with a premature stop (ClinGen SVI PVS1 tree, Abou Tayoun
    et al. 2018, PMID 30192042): predicted unless the stop lies in the last exon or within the last 50
    nucleotides of the penultimate exon."""

    PREDICTED = "predicted"
    ESCAPES_LAST_EXON = "escapes_last_exon"
    ESCAPES_PENULTIMATE_50NT = "escapes_penultimate_50nt"
    NOT_APPLICABLE = "not_applicable"
    """An in-frame change (e.g. an in-frame exon skip)."""


@dataclass(frozen=True)
class Truncation:
    """Where a null change lies on the MANE model (nonsense, frameshift, canonical splice, start loss), for PVS1."""

    kind: str
    """stop_gained, frameshift_variant, splice_donor_variant, splice_acceptor_variant or start_lost."""
    exon: int
    """Exon of the change (canonical splice: the exon whose boundary is hit, i.e. the exon that may be skipped)."""
    exons: int
    """Number of exons of the transcript."""
    nmd: Nmd
    first_codon: int | None
    """First codon affected (the new stop for a nonsense change is at this codon; a frameshift's new stop is at or
    after it); for an in-frame exon skip, the first codon of the skipped exon."""
    codons: int
    """Codons of the protein (CDS length / 3 - 1, the stop excluded)."""
    removed: float | None
    """Fraction of the protein lost: codons from ``first_codon`` to the end (a truncation), or the skipped exon's
    codons (an in-frame skip); None when not computable."""
    in_frame_skip: bool = False
    """A canonical splice change whose skipped exon has a coding length divisible by 3."""


class DiagnosticWeight(StrEnum):
    """How an allele counts in the Henter 2024 genetic pathway (Table 4; docs/clinical-basis.md, section 2)."""

    FULL = "full"
    """Null or previously well-described disease-causing allele: can confirm FHL."""
    PARTIAL = "partial"
    """Rare missense / non-coding / insufficiently described: a genotype with it is 'suspected'."""
    HYPOMORPH = "hypomorph"
    """Counts only as a second allele in trans with a pathogenic allele (PRF1 p.A91V)."""
    NONE = "none"


class GeneCall(StrEnum):
    BIALLELIC = "biallelic"
    BIALLELIC_VUS = "biallelic_vus"
    """Both copies (a male's only X) carry a rare variant of uncertain significance and nothing qualifying: not a
    diagnosis, but an urgent gene-specific functional test is needed."""
    POSSIBLE_BIALLELIC = "possible_biallelic"
    MONOALLELIC = "monoallelic"
    HEMIZYGOUS = "hemizygous"
    HETEROZYGOUS_XL = "heterozygous_xl"
    DOMINANT = "dominant"
    NONE = "none"


class Phase(StrEnum):
    HOMOZYGOUS = "homozygous"
    TRANS = "trans"
    CIS = "cis"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Role(StrEnum):
    """What a carried allele can do in a gene rule (:mod:`varhlh.inheritance.roles`)."""

    QUALIFYING = "qualifying"
    """Pathogenic or likely pathogenic: one of two hits."""
    HYPOMORPH = "hypomorph"
    """Curated hypomorphic risk allele: counts only in trans with a qualifying allele."""
    VUS = "vus"
    """Reportable variant of uncertain significance: only ever the second allele of a qualifying one."""


class Origin(StrEnum):
    """Which genotyped parent transmitted an allele (:mod:`varhlh.inheritance.segregation`)."""

    FATHER = "father"
    MOTHER = "mother"
    DE_NOVO = "de_novo"
    BOTH = "both"
    """Carried by both parents: transmission ambiguous."""


class Strength(StrEnum):
    """What one gene's genotype says about primary HLH (gene-level view of the conclusion)."""

    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"
    UNDETERMINED = "undetermined"


class PrimaryHlh(StrEnum):
    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"
    UNDETERMINED = "undetermined"


class TransplantWorkup(StrEnum):
    INDICATED = "indicated"
    CONSIDER = "consider"
    NOT_INDICATED_BY_GENETICS = "not_indicated_by_genetics"


# --------------------------------------------------------------------------- read stage records


@dataclass(frozen=True)
class SampleCall:
    """One sample's genotype at one record, as read (allele indices, None = missing)."""

    sample: str
    genotype: str
    alleles: tuple[int | None, ...]
    phased: bool
    phase_set: str | None = None
    pgt: str | None = None
    pid: str | None = None
    gq: float | None = None
    dp: int | None = None
    ad: tuple[int | None, ...] | None = None

    @property
    def ploidy(self) -> int:
        return len(self.alleles)


@dataclass(frozen=True)
class VcfRecord:
    """A VCF record reduced to what the stages need; ``end`` is the last reference base covered."""

    chrom: str
    pos: int
    end: int
    id: str | None
    ref: str
    alts: tuple[str, ...]
    qual: float | None
    filters: tuple[str, ...]
    info: Mapping[str, str]
    calls: Mapping[str, SampleCall]


@dataclass(frozen=True)
class Family:
    """The proband's relatives present in the VCF (sample IDs) and used for phase and segregation."""

    father: str | None = None
    mother: str | None = None
    unaffected_siblings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- panel records


@dataclass(frozen=True)
class PanelGene:
    symbol: str
    hgnc_id: str
    omim_gene: str | None
    chrom: str
    strand: str
    mane_refseq: str
    mane_ensembl: str
    spans: Mapping[Build, tuple[int, int]]
    inheritance: Inheritance
    mechanism: Mechanism
    disease: str
    omim_disease: str | None
    tier: Tier
    panelapp_rating: PanelAppRating
    transplant_policy: TransplantPolicy
    functional_test: str | None
    notes: str | None
    source: str


@dataclass(frozen=True)
class Exon:
    number: int
    start: int
    end: int
    c_start: str
    c_end: str


@dataclass(frozen=True)
class TranscriptModel:
    symbol: str
    transcript: str
    build: Build
    chrom: str
    strand: str
    exons: tuple[Exon, ...]
    cds_length: int


@dataclass(frozen=True)
class KnownLocus:
    """A curated allele in one build: plus strand, 1-based; ``alt`` '-' marks a deletion."""

    chrom: str
    start: int
    end: int
    ref: str | None
    alt: str


@dataclass(frozen=True)
class KnownVariant:
    gene: str
    hgvs_c: str
    hgvs_p: str | None
    rsid: str | None
    transcript: str
    loci: Mapping[Build, KnownLocus]
    region: str | None
    classification: Classification
    diagnostic_weight: DiagnosticWeight
    workup: TransplantWorkup | None
    """``consider`` for a well-described milder-course allele (the diagnosis is confirmed, the work-up is to be
    considered); None: the gene's transplant policy applies."""
    frequency_exempt: bool
    ancestry: str | None
    note: str | None
    source: str


# --------------------------------------------------------------------------- stage outputs


@dataclass(frozen=True)
class Allele:
    """One ALT allele of one record inside a panel region (output of the restrict stage)."""

    id: str
    record: VcfRecord
    alt_index: int
    gene: PanelGene
    other_genes: tuple[str, ...] = ()
    symbolic: bool = False
    """Symbolic, breakend or spanning-deletion ALT: listed, not interpreted."""

    @property
    def alt(self) -> str:
        return self.record.alts[self.alt_index - 1]


@dataclass(frozen=True)
class ClinVarEvidence:
    significance: ClinVarClass
    raw: str
    stars: int | None
    review_status: str | None
    variation_id: str | None
    source: str


@dataclass(frozen=True)
class FrequencyEvidence:
    af: float | None
    af_field: str | None
    popmax: float | None
    popmax_field: str | None
    source: str

    @property
    def filtering_af(self) -> float | None:
        """The AF used against thresholds: popmax/FAF when present, else the overall AF."""
        return self.popmax if self.popmax is not None else self.af


@dataclass(frozen=True)
class Annotation:
    consequence: str | None
    """Most severe Sequence Ontology term on the chosen transcript."""
    impact: str | None
    transcript: str | None
    hgvs_c: str | None
    hgvs_p: str | None
    source: str
    """Where the consequence came from: 'VCF CSQ (VEP)', 'built-in MANE model', …"""
    region: str | None = None
    """Built-in locus: exonN / intronN / 5'UTR / 3'UTR / upstream / downstream / splice_…"""
    clinvar: ClinVarEvidence | None = None
    frequency: FrequencyEvidence | None = None
    known: KnownVariant | None = None
    truncation: Truncation | None = None
    """Position of a null change on the MANE model, for PVS1 (None when not a null change or no model)."""
    unresolved: str | None = None
    """Why the protein effect is unknown (a coding SNV without annotation or reference sequence), or None."""
    listed: KnownAllele | None = None
    """The allele as the panel's bundled knowledge base lists it (a dated ClinVar record), or None."""
    same_codon: tuple[PathogenicMissense, ...] = ()
    """Known pathogenic missense changes at this missense allele's codon (PS1 / PM5)."""
    removed_critical: tuple[str, ...] = ()
    """For a truncation escaping NMD: critical regions and known pathogenic changes in the part of the protein lost."""
    last_exon: bool = False
    """The change lies in the transcript's last exon (truncations there escape NMD)."""
    notes: tuple[str, ...] = ()
    hgvs_source: str | None = None
    """Where hgvs_c/hgvs_p came from: 'curated table', 'VCF CSQ (vep)', 'built-in MANE model', …"""
    flags: tuple[str, ...] = ()
    """Annotation-level quality flags (e.g. REF_MISMATCH against --fasta); they join the allele's filters."""
    other_clinvar: tuple[ClinVarEvidence, ...] = ()
    """ClinVar values found in other sources and not used (shown, with their source)."""
    other_frequency: tuple[FrequencyEvidence, ...] = ()
    """Population frequencies found in other sources and not used."""
    other_consequence: tuple[ConsequenceCall, ...] = ()
    """The other annotation's view (built-in model when the VCF's was used, and vice versa)."""


@dataclass(frozen=True)
class ConsequenceCall:
    """One source's consequence and HGVS for an allele (kept when another source was used)."""

    source: str
    consequence: str | None
    transcript: str | None
    hgvs_c: str | None
    hgvs_p: str | None


@dataclass(frozen=True)
class GenotypeCall:
    """The proband's zygosity for one allele, with quality flags."""

    zygosity: Zygosity
    genotype: str
    call: SampleCall | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interpretation:
    classification: Classification
    evidence: tuple[EvidenceCode, ...]
    reasons: tuple[str, ...]
    weight: DiagnosticWeight
    null_variant: bool
    reportable: bool
    set_aside: SetAside | None = None
    """Why a listed allele is not a finding (None for findings and not-assessed alleles)."""

    @property
    def not_assessed(self) -> bool:
        return self.classification is Classification.NOT_ASSESSED


@dataclass(frozen=True)
class VariantResult:
    allele: Allele
    annotation: Annotation
    genotype: GenotypeCall
    interpretation: Interpretation
    family: Mapping[str, GenotypeCall] = field(default_factory=dict)
    """Zygosity of this allele in the other PED members, by sample ID."""
    segregation: str | None = None
    """How the allele segregates with the genotyped parents (inherited from…, apparently de novo)."""
    criteria: tuple[Criterion, ...] = ()
    """Patient-level criteria decided outside the allele (PP4 from functional tests, then PM3/BP2 after phasing)."""
    functional_effect: str | None = None
    """What a functional test of the clinical context changed for this allele (its classification without and
    with the test), or None."""

    @property
    def id(self) -> str:
        return self.allele.id

    @property
    def quality_flags(self) -> tuple[str, ...]:
        return self.allele.record.filters + self.genotype.flags + self.annotation.flags


@dataclass(frozen=True, eq=False)
class BackgroundAllele:
    """A listed allele set aside on its genotype's zygosity alone: a cohort sample's background (benign, not carried,
    synonymous, non-coding…) allele on an autosome, diploid call, whose classification no gene rule, PM3/BP2 step,
    ploidy check or completeness verdict reads (:func:`varhlh.inheritance.roles.never_read`). It goes straight to the
    compact ``set_aside`` listing, exactly as the same allele interpreted in full would; one instance per distinct
    (allele, zygosity, genotype) is shared by the samples of a cohort worker, so it compares and hashes by identity."""

    allele: Allele
    annotation: Annotation
    zygosity: Zygosity
    genotype: str
    """GT as in the VCF."""
    interpretation: Interpretation

    @property
    def id(self) -> str:
        return self.allele.id


@dataclass(frozen=True)
class GeneResult:
    symbol: str
    inheritance: Inheritance
    call: GeneCall
    phase: Phase
    phase_evidence: tuple[str, ...]
    variant_ids: tuple[str, ...]
    strength: Strength
    reasons: tuple[str, ...]
    not_assessed: tuple[str, ...] = ()
    """Alleles carried (or partly called) by the patient whose effect could not be determined."""
    milder_course: tuple[str, ...] = ()
    """Driving alleles the curated table marks as well-described with a milder course (work-up 'consider')."""
    hypomorphs: tuple[str, ...] = ()
    """Driving alleles of reduced function (diagnostic weight 'hypomorph', e.g. PRF1 A91V): the genotype's effect is
    uncertain, a transplant only after functional confirmation (Henter 2024 Table 4)."""


@dataclass(frozen=True)
class Conclusion:
    primary_hlh: PrimaryHlh
    transplant_workup: TransplantWorkup
    genes: tuple[str, ...]
    summary: str
    recommendations: tuple[str, ...]
    reasons: tuple[str, ...]


_Record = TypeVar("_Record")


def evolve(obj: _Record, **changes: Any) -> _Record:
    """``dataclasses.replace`` for the frozen record classes (no ``__post_init__``, no slots), without running
    ``__init__`` again: a copy of the instance's fields with ``changes`` (~5x faster; used once or twice per
    allele). A name that is not a field is refused, as ``replace`` refuses it."""
    fields: Mapping[str, object] = getattr(obj, "__dataclass_fields__", {})
    unknown = [name for name in changes if name not in fields]
    if unknown or not fields:
        msg = f"{type(obj).__name__} has no field(s) {', '.join(unknown)}"
        raise TypeError(msg)
    clone: _Record = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__)
    clone.__dict__.update(changes)
    return clone

"""The output contract: the typed result written as ``PREFIX.varhlh.json`` (schema version 1).

Every renderer (TSV, annotated VCF, HTML/PDF, Phenopacket, MultiQC) reads a :class:`ResultDoc` and never
recomputes; ``varhlh report`` decodes a stored JSON back into one (unknown keys and wrong types are
refused). The JSON Schema shipped as ``varhlh/schema/result-v2.schema.json`` and printed by
``varhlh schema`` is generated from these classes (:mod:`varhlh.schema.generate`), the docstring under each
field becoming its description, so the contract is written once. Classes are closed (no unknown keys);
``UNSET`` fields are left out of the JSON (they appear only when their feature ran).

Field order is the JSON key order. Required fields are never renamed within major version 1.
"""

from __future__ import annotations

from msgspec import UNSET, Struct, UnsetType

from varhlh.models import (
    Build,
    Classification,
    DiagnosticWeight,
    FunctionalResult,
    GeneCall,
    Inheritance,
    Phase,
    PrimaryHlh,
    SetAside,
    Sex,
    SexSource,
    Strength,
    Tier,
    TransplantPolicy,
    TransplantWorkup,
    Zygosity,
)
from varhlh.settings import Settings

SCHEMA_VERSION = "2.0.0"


class Doc(Struct, forbid_unknown_fields=True):
    """Base of the contract classes: closed (unknown keys are refused when decoding)."""


# --------------------------------------------------------------------------- provenance


class ToolDoc(Doc):
    name: str
    """Always 'varhlh'."""
    version: str
    """varhlh version that wrote the result."""
    dependencies: dict[str, str | None]
    """Versions of the libraries that read the input (cyvcf2, pysam, isal) and of Python."""


class RunDoc(Doc):
    command: str
    """The command line, shell-quoted."""
    date: str | None
    """UTC date from SOURCE_DATE_EPOCH, or null (results are byte-identical without a date)."""


class FamilyDoc(Doc):
    father: str | None
    """The proband's father as a sample of the VCF (from --ped), or null."""
    mother: str | None
    """The proband's mother as a sample of the VCF (from --ped), or null."""
    unaffected_siblings: list[str]
    """Unaffected full siblings present in the VCF (evidence against a genotype they share)."""
    ped: str | None
    """The PED file given with --ped, or null."""


class SampleDoc(Doc):
    id: str
    """The analysed sample (proband) as named in the VCF."""
    sex: Sex
    """Sex used for the X-linked rules."""
    sex_source: SexSource
    """Where the sex came from: --sex, the PED, inference from chrX/chrY calls, or unknown."""
    sex_evidence: str
    """The numbers behind the sex call."""
    family: FamilyDoc
    """Relatives used for phase and segregation."""


class AnnotationSourcesDoc(Doc):
    consequence_sources: list[str]
    """Consequence annotations found in the header (tag and dialect: VEP CSQ, SnpEff ANN, EFF, BCSQ)."""
    clinvar_fields: list[str]
    """INFO fields read as ClinVar significance and review status."""
    frequency_fields: list[str]
    """INFO fields read as population allele frequency (popmax/FAF first)."""
    builtin_models: list[str]
    """Genes with a bundled MANE exon model in this build."""
    online_consequences: str | UnsetType = UNSET
    """Label of the online consequence annotation used (only with --annotate-online)."""


class ResourceDoc(Doc, kw_only=True):
    kind: str
    """reference (--fasta or the installed panel reference), clinvar (--clinvar) or gnomad (--gnomad)."""
    path: str
    """The file as given, or the installed file."""
    size: int
    """Size in bytes."""
    sha256: str | None
    """sha256 of the file; null when larger than resource_sha256_max_bytes (see sha256_note)."""
    sha256_note: str | UnsetType = UNSET
    """Why the file was not hashed, with the index's sha256 instead."""
    file_date: str | UnsetType | None = UNSET
    """##fileDate of a ClinVar/gnomAD VCF."""
    source: str | UnsetType | None = UNSET
    """##source of a ClinVar/gnomAD VCF."""
    reference: str | UnsetType | None = UNSET
    """##reference of a ClinVar/gnomAD VCF."""
    contigs: int | UnsetType = UNSET
    """Number of sequences in a reference FASTA."""
    build_check: str
    """How the resource's build was checked against the VCF's."""
    origin: str = "given"
    """'given' on the command line (--fasta, --clinvar, --gnomad) or 'installed' by varhlh resources update and used
    offline."""
    release: str | UnsetType = UNSET
    """Release of an installed resource: the ClinVar file date, the gnomAD version, the Ensembl release."""
    retrieved: str | UnsetType = UNSET
    """When an installed resource was downloaded (UTC)."""
    source_url: str | UnsetType = UNSET
    """Where an installed resource was downloaded from (gnomAD: the per-chromosome URL template)."""


class FingerprintDoc(Doc):
    method: str
    """How the input is identified: 'sha256 of the whole file' (a streamed input, a BCF read whole, or
    --checksum-input), or 'size, mtime, sha256 of the header and of the index' (an input read through its index:
    hashing every byte of a whole genome would cost more than the analysis)."""
    size: int | None
    """Size of the file in bytes (of the private copy for standard input or a pipe)."""
    mtime: int | None
    """Last modification of the file, whole seconds since 1970-01-01 UTC; null for standard input or a pipe."""
    header_sha256: str | None
    """sha256 of the VCF header text as read (UTF-8); null when the whole file was hashed."""
    index_sha256: str | None
    """sha256 of the index file used (.tbi/.csi); null when the whole file was hashed."""


class InputDoc(Doc):
    path: str
    """The input as the user named it ('-' for stdin)."""
    sha256: str | None
    """sha256 of the whole input file; null when it was read through its index without --checksum-input (then
    fingerprint identifies it)."""
    fingerprint: FingerprintDoc
    """What identifies the input and how it was computed (new in schema 2)."""
    format: str
    """text, gzip, bgzf or bcf."""
    access: str
    """How the panel regions were read: through an index, streamed with the panel pre-filter, or a full BCF
    iteration, with the reason."""
    genome_build: Build
    """Genome build used."""
    build_evidence: str
    """How the build was detected (##contig lengths, ##reference, --build)."""
    samples_in_file: int
    """Number of samples in the VCF."""
    annotation: AnnotationSourcesDoc
    """Evidence sources found in the VCF header."""
    records_read: int
    """Records read from the panel regions (and the sex-check windows)."""
    resources: list[ResourceDoc]
    """Local resources (--fasta, --clinvar, --gnomad, or installed by varhlh resources update): what was read, its
    origin, release, date and hash."""


class CacheDoc(Doc):
    path: str | None
    """Directory of the private response cache, or null (memory only, --no-cache)."""
    backend: str
    """sqlite, or memory (this run only)."""
    serializer: str | None
    """json, or null."""
    expire_after_days: float
    """Cached responses older than this are not used."""
    offline: bool
    """--offline: answers from the cache only."""


class ServiceDoc(Doc):
    name: str
    """Service name (Ensembl VEP REST API)."""
    url: str
    """Base URL queried."""
    build: str
    """Genome build of the endpoint."""
    release: int | None
    """Ensembl release reported by the service, or null."""
    parameters: dict[str, str | int]
    """Query parameters sent with every request."""


class ExchangeDoc(Doc):
    service: str
    """Service name."""
    method: str
    """HTTP method."""
    endpoint: str
    """URL without the query string."""
    query: str
    """Query string sent."""
    purpose: str
    """Why the request was made (canary, batch n of m, release check)."""
    variants_sent: int
    """Variant strings in the request body."""
    from_cache: bool
    """Answered from the private cache."""
    left_machine: bool
    """The request left (or may have left) the machine."""
    status: int | None
    """HTTP status of the last attempt, or null."""
    attempts: int
    """Attempts made (retries included)."""


class SentDoc(Doc):
    what: str
    """Which fields of each allele were sent."""
    count: int
    """Number of patient variant strings that left the machine."""
    variants: list[str]
    """The exact patient variant strings that left the machine."""
    canary: list[str]
    """The canary variant(s) sent first to check the service (PRF1 c.1122G>A)."""
    alleles_in_panel_regions: int
    """Alleles in the panel regions of this input."""


class OnlineDoc(Doc, kw_only=True):
    services: list[str]
    """Online services requested (vep)."""
    required: bool
    """False with --online-optional (failure tolerated)."""
    offline: bool
    """--offline: cache only."""
    status: str
    """ok, failed or skipped."""
    message: str | None
    """Why the step failed or was skipped, or null."""
    cache: CacheDoc | UnsetType = UNSET
    """The response cache used."""
    service: ServiceDoc | UnsetType = UNSET
    """The service queried."""
    requests: list[ExchangeDoc]
    """Every request made."""
    data_sent: SentDoc | UnsetType = UNSET
    """Exactly what left the machine."""
    not_sent: dict[str, int] | UnsetType = UNSET
    """Alleles not sent, by reason."""
    alleles_annotated: int | UnsetType = UNSET
    """Alleles that received an online consequence."""


class PanelDoc(Doc):
    name: str
    """Panel name (##panel_name)."""
    version: str
    """Panel version (##panel_version, semantic versioning)."""
    date: str | None
    """Panel date (##panel_date)."""
    path: str
    """Genes file read."""
    sha256: str
    """sha256 of the panel files (genes, exon models, known variants, knowledge base) together."""
    knowledge_version: str | None
    """Date (version) of the panel's bundled knowledge base, or null when the panel has none."""


# --------------------------------------------------------------------------- decision


class ConclusionDoc(Doc):
    primary_hlh: PrimaryHlh
    """confirmed, suspected or undetermined (Henter 2024 genetic pathway)."""
    transplant_workup: TransplantWorkup
    """indicated, consider or not_indicated_by_genetics (panel transplant policy per gene)."""
    genes: list[str]
    """Genes driving the conclusion."""
    summary: str
    """The conclusion in one plain-language sentence."""
    recommendations: list[str]
    """What to do next, most urgent first."""
    reasons: list[str]
    """Why: one line per gene with findings, then the clinical context."""


class ExonModelDoc(Doc):
    transcript: str
    """MANE Select RefSeq transcript."""
    strand: str
    """+ or -."""
    exons: list[tuple[int, int]]
    """Exons in transcript order, [start, end] 1-based inclusive, plus-strand coordinates."""


class GeneDoc(Doc):
    symbol: str
    """HGNC symbol."""
    inheritance: Inheritance
    """AR, XL or AD."""
    call: GeneCall
    """Gene-level genotype call."""
    phase: Phase
    """Phase of the driving alleles."""
    phase_evidence: list[str]
    """The evidence for the phase (PS sets, parents, multi-allelic calls, proximity)."""
    variant_ids: list[str]
    """Alleles (variants[].id) behind the call."""
    not_assessed: list[str]
    """Carried alleles of this gene whose effect could not be determined (variants[].id): neither hits nor
    evidence against one."""
    strength: Strength
    """What this gene's genotype says about primary HLH, after the tier cap."""
    reasons: list[str]
    """Why."""
    disease: str
    """Disease name from the panel."""
    omim_disease: str | None
    """OMIM phenotype number(s), ';'-separated, or null."""
    hgnc_id: str
    """HGNC identifier."""
    tier: Tier
    """Clinical grouping of the gene in the panel."""
    transplant_policy: TransplantPolicy
    """Panel transplant policy for a qualifying genotype."""
    transcript: str
    """MANE Select RefSeq transcript of the gene."""
    alleles_in_region: int
    """Alleles listed in this gene's region."""
    exon_model: ExonModelDoc | None
    """The bundled MANE exon model in this build (for drawing), or null."""


# --------------------------------------------------------------------------- variants


class ClinVarDoc(Doc):
    significance: str
    """Normalised class: pathogenic, likely_pathogenic, pathogenic_likely_pathogenic, uncertain, likely_benign,
    benign, benign_likely_benign, conflicting, risk_factor, low_penetrance, drug_response, not_provided, other."""
    raw: str
    """The value as written in the source."""
    stars: int | None
    """Review-status stars (0-4), or null when the source has no review status."""
    review_status: str | None
    """Review status as written, or null."""
    variation_id: str | None
    """ClinVar VariationID, or null."""
    source: str
    """Where the value came from (INFO field, VEP entry column, local file)."""


class FrequencyDoc(Doc):
    af: float | None
    """Overall allele frequency, or null."""
    af_field: str | None
    """Field the overall AF came from."""
    popmax: float | None
    """Popmax / filtering AF (FAF95), or null."""
    popmax_field: str | None
    """Field the popmax came from."""
    source: str
    """Where the values came from."""


class ConsequenceDoc(Doc):
    source: str
    """Which annotation (VCF annotation, online, built-in MANE model)."""
    consequence: str | None
    """Sequence Ontology term."""
    transcript: str | None
    """Transcript of the HGVS."""
    hgvs_c: str | None
    """HGVS c."""
    hgvs_p: str | None
    """HGVS p."""


class NotUsedDoc(Doc):
    clinvar: list[ClinVarDoc]
    """ClinVar values found in other sources and not used."""
    frequency: list[FrequencyDoc]
    """Population frequencies found in other sources and not used."""
    consequence: list[ConsequenceDoc]
    """The other consequence view (built-in model when the VCF's was used, and vice versa)."""


class QualityDoc(Doc):
    qual: float | None
    """QUAL of the record."""
    gq: float | None
    """Genotype quality of the proband's call."""
    dp: int | None
    """Read depth of the proband's call."""
    ad: list[int | None] | None
    """Allelic depths (REF first) of the proband's call."""
    phase_set: str | None
    """PS phase set of the proband's call."""


class FamilyCallDoc(Doc):
    zygosity: Zygosity
    """Zygosity of this allele in the relative."""
    genotype: str
    """GT as in the VCF."""


class VariantDoc(Doc):
    id: str
    """CHROM-POS-REF-ALT as in the VCF: one entry per ALT allele."""
    chrom: str
    """Contig as in the VCF."""
    pos: int
    """1-based position."""
    end: int
    """Last reference base covered (END for symbolic alleles)."""
    ref: str
    """Reference allele."""
    alt: str
    """This ALT allele."""
    vcf_id: str | None
    """The VCF ID column (e.g. an rsID), or null."""
    gene: str
    """Panel gene the allele is attributed to."""
    other_genes: list[str]
    """Other panel genes whose region the record overlaps."""
    zygosity: Zygosity
    """Zygosity of this ALT in the proband, from raw allele indices."""
    genotype: str
    """GT as in the VCF."""
    classification: Classification
    """ACMG/AMP-style classification adapted to recessive HLH genes."""
    evidence: list[str]
    """Evidence codes met (PVS1, PM2_Supporting, CURATED, ...)."""
    reasons: list[str]
    """Plain-language reasons with the numbers and sources used."""
    reportable: bool
    """Shown as a finding (P/LP, risk allele, or a VUS that alters the protein or lies in the splice region,
    carried by the proband)."""
    set_aside: SetAside | None
    """Why the allele is not a finding (not carried, no call, benign, synonymous, non-coding, placeholder); null
    for findings and for alleles not assessed."""
    effect_unknown: str | None
    """Why the protein effect is unknown (then the allele is classified not_assessed), or null."""
    functional_effect: str | None
    """What a functional test of the clinical context changed for this allele: its classification without and with
    the test (PP4), or null."""
    filters: list[str]
    """Failed VCF FILTERs, genotype quality flags and annotation flags."""
    diagnostic_weight: DiagnosticWeight
    """How the allele counts in the Henter 2024 genetic pathway."""
    null_variant: bool
    """Predicted null (loss-of-function) allele."""
    consequence: str | None
    """Sequence Ontology term used."""
    impact: str | None
    """HIGH, MODERATE, LOW or MODIFIER."""
    transcript: str | None
    """Transcript of the HGVS names."""
    hgvs_c: str | None
    """HGVS c."""
    hgvs_p: str | None
    """HGVS p."""
    region: str | None
    """Built-in model region: exonN, intronN, upstream, downstream."""
    annotation_source: str
    """Where the consequence came from."""
    annotation_notes: list[str]
    """How the annotation was chosen, and disagreements between sources."""
    hgvs_source: str | None
    """Where hgvs_c/hgvs_p came from: curated table, VCF annotation, built-in MANE model."""
    curated: str | None
    """HGVS c. of the curated panel allele this is, or null."""
    clinvar: ClinVarDoc | None
    """ClinVar evidence used, or null."""
    frequency: FrequencyDoc | None
    """Population frequency used, or null (no source)."""
    quality: QualityDoc
    """Call quality."""
    family: dict[str, FamilyCallDoc]
    """This allele in the genotyped relatives, by sample ID."""
    segregation: str | None
    """How the allele segregates with the genotyped parents, or null."""
    not_used: NotUsedDoc
    """Values found and not used."""


# --------------------------------------------------------------------------- clinical context


class CriterionDoc(Doc):
    name: str
    """Criterion or HScore item."""
    state: str
    """met, not_met or missing (HLH-2004); points or missing (HScore)."""
    reason: str
    """The value, unit and threshold behind the state."""


class Hlh2004Doc(Doc):
    met: int
    """HLH-2004 criteria met."""
    met_without_nk: int
    """Criteria met without NK-cell activity (Henter 2024)."""
    of: int
    """Number of criteria (8)."""
    missing: list[str]
    """Criteria without a value (missing is not normal)."""
    fulfilled: bool | None
    """true: 5 or more criteria met; false: 5 cannot be reached even if every missing one were met; null:
    undecided (too many missing)."""
    criteria: list[CriterionDoc]
    """Each criterion."""


class HScoreDoc(Doc):
    minimum: int
    """Lowest score the given values allow."""
    maximum: int
    """Highest score the given values allow (missing items at their maximum)."""
    complete: bool
    """Every item has a value (minimum == maximum)."""
    probability_percent: float | None
    """Probability of reactive HLH for a complete score (Fardet 2014 table), or null."""
    items: list[CriterionDoc]
    """Each item."""


class FunctionalTestDoc(Doc):
    test: str
    """The clinical-context key (perforin_expression, cd107a_degranulation, sap_expression, ...)."""
    label: str
    """The test in words."""
    result: FunctionalResult
    """absent, reduced or normal."""
    genes: list[str]
    """The panel genes the test points to."""
    effect: str
    """What the result did: the classification of each allele it moved without and with it (PP4), the genes a
    normal result speaks against, or that no carried allele of the tested genes was there to support."""


class ClinicalDoc(Doc):
    path: str
    """The --clinical file."""
    sha256: str
    """sha256 of the file."""
    hlh_course: str | None
    """HLH course (e.g. active, remission, relapsing, refractory), or null."""
    hlh_occurred: bool | None
    """Whether HLH has occurred, or null (not stated)."""
    clinical_transplant_indication: bool
    """Relapsing or refractory HLH: a transplant indication on clinical grounds."""
    summary: str
    """The clinical context in one sentence."""
    hlh2004: Hlh2004Doc
    """HLH-2004 diagnostic criteria."""
    hscore: HScoreDoc
    """HScore (Fardet 2014)."""
    functional: list[FunctionalTestDoc]
    """The functional tests given (perforin, CD107a, SAP, XIAP, Munc13-4, MAGT1 expression) and what each did:
    the alleles it moved (PP4), or the genes a normal result speaks against."""
    values: dict[str, float | bool | None] | UnsetType = UNSET
    """The values given, in the units their names state (alternative units converted); null = not given. Used
    for the Phenopacket's phenotypic features and age."""


# --------------------------------------------------------------------------- completeness


class GeneCoverageDoc(Doc):
    symbol: str
    """Panel gene."""
    chromosome: str
    """Its chromosome (panel naming, no 'chr')."""
    assessable: bool
    """The VCF names the chromosome and has records on it."""
    records: int
    """Records in the gene's panel region."""
    why_not: str | None
    """Why the gene is not assessable, or null."""


class SourcesDoc(Doc):
    consequence: str | None
    """The consequence annotation used, or null (the built-in MANE models only)."""
    reference: str | None
    """The reference sequence used for codon-level effects, or null."""
    clinvar: str | None
    """Where ClinVar classifications came from, or null."""
    frequency: str | None
    """Where population frequencies came from, or null (frequency criteria not applied)."""
    phase: bool
    """Read-backed or pedigree phase information in the proband's calls (PS, or GATK PGT/PID)."""
    parents: bool
    """Both parents genotyped in the VCF."""


class UnassessedDoc(Doc):
    id: str
    """The allele (variants[].id)."""
    gene: str
    """Its gene."""
    zygosity: str
    """Its zygosity in the patient."""
    name: str
    """HGVS c. on the MANE transcript, or the allele id."""
    why: str
    """Why its effect is unknown."""


class CompletenessDoc(Doc):
    verdict: str
    """'complete', or 'partial: <reasons>'."""
    complete: bool
    """Every panel gene assessable, a population-frequency source present, no carried allele left unassessed."""
    genes_total: int
    """Panel genes."""
    genes_assessable: int
    """Panel genes whose chromosome the VCF names and has records on."""
    genes: list[GeneCoverageDoc]
    """Per panel gene, in panel order."""
    sources: SourcesDoc
    """Evidence sources present for this input."""
    contigs_absent: list[str]
    """Panel chromosomes the VCF header does not name."""
    contigs_without_records: list[str]
    """Panel chromosomes the header names but the file has no record on (a per-chromosome shard?)."""
    not_assessed: list[UnassessedDoc]
    """Carried alleles whose effect could not be determined."""
    to_complete: list[str]
    """What would complete the analysis, most useful first."""


# --------------------------------------------------------------------------- the result


# Frozen, with its hash kept: a row is a value, whose JSON text is encoded once per distinct row (a cohort worker's
# samples share their background rows). mypy reads dataclass rules: msgspec allows a frozen subclass.
class SetAsideDoc(Doc, frozen=True, cache_hash=True):  # type: ignore[misc]
    """One allele set aside, in compact form (schema 2): enough to account for it and say why."""

    id: str
    """CHROM-POS-REF-ALT as in the VCF."""
    chrom: str
    """Contig as in the VCF."""
    pos: int
    """1-based position."""
    gene: str
    """Panel gene the allele is attributed to."""
    zygosity: Zygosity
    """Zygosity of this ALT in the proband."""
    genotype: str
    """GT as in the VCF."""
    classification: Classification
    """Its classification (benign, likely_benign, uncertain, ...)."""
    reason: SetAside
    """Why it is not a finding: not_carried, no_call, benign, synonymous, non_coding, placeholder."""
    consequence: str | None
    """Most severe consequence on the chosen transcript, or null."""
    hgvs_c: str | None
    """HGVS c. on the MANE transcript, or null."""


class CountsDoc(Doc):
    records_in_panel_regions: int
    """Alleles listed (one per ALT): in variants and set_aside together."""
    set_aside: int
    """Of these, alleles in the compact set_aside listing."""
    reportable: int
    """Reportable alleles."""
    records_read: int
    """Records read from the panel regions (and sex-check windows)."""
    by_zygosity: dict[str, int]
    """Listed alleles by zygosity in the proband."""
    not_assessed: int
    """Carried alleles whose effect could not be determined (coding changes without annotation or reference
    sequence, symbolic or structural alleles)."""
    hom_ref_records: int
    """Panel-region records not listed: every analysed sample is homozygous reference there."""


class ResultDoc(Doc, kw_only=True):
    """The authoritative output of ``varhlh triage``: decision, reasons, every allele and full provenance."""

    schema_version: str
    """Version of this contract (semantic versioning; 2.x.y)."""
    tool: ToolDoc
    """The program that wrote the result."""
    run: RunDoc
    """How it was run."""
    sample: SampleDoc
    """The analysed sample and its relatives."""
    input: InputDoc
    """The input VCF and how it was read."""
    online: OnlineDoc | UnsetType = UNSET
    """Present only when an opt-in online feature ran (--annotate-online): every request and exactly what left
    the machine."""
    panel: PanelDoc
    """The gene panel used."""
    settings: Settings
    """Every threshold used (defaults, --config)."""
    conclusion: ConclusionDoc
    """The answer: primary HLH and the transplant work-up, with reasons and recommendations."""
    completeness: CompletenessDoc
    """What this analysis could see: genes assessable, evidence sources, alleles not assessed."""
    genes: list[GeneDoc]
    """One entry per panel gene, in panel order."""
    variants: list[VariantDoc]
    """The alleles that matter, in full, in VCF order: findings (reportable), alleles not assessed, alleles a gene
    call rests on, and any other allele that is not set aside. With ``--all-alleles``, every listed allele."""
    set_aside: list[SetAsideDoc]
    """Every other listed allele in the panel regions, in compact form, in VCF order: the background that cannot
    change the answer (not carried, no call, benign, synonymous, non-coding, placeholder), each with its reason.
    Empty with ``--all-alleles``. ``len(variants) + len(set_aside) == counts.records_in_panel_regions``."""
    clinical: ClinicalDoc | None
    """The clinical context given with --clinical, or null."""
    counts: CountsDoc
    """Counts that account for every allele."""
    limitations: list[str]
    """What this analysis could not see."""
    warnings: list[str]
    """Problems found in the input or the run."""


PART_VERSION = "1"
"""Version of the part manifest (``PREFIX.varhlh_part.json``) that ``varhlh gather`` reads."""

Cell = str | int | None
"""A cohort-table cell: text, an integer, or missing."""


class BlockDoc(Doc):
    index: int
    """This block's number, 1-based."""
    count: int
    """How many blocks the cohort was split into (``--samples-block INDEX/COUNT``)."""
    samples_total: int
    """How many samples all the blocks analyse together."""


class PartInputDoc(Doc):
    path: str
    """The input as the user named it."""
    sha256: str | None
    """sha256 of the whole input, when it was computed (``--checksum-input``)."""
    fingerprint: FingerprintDoc
    """What identifies the input (size, mtime, sha256 of header and index)."""
    genome_build: str
    """Genome build used."""


class PartFileDoc(Doc):
    name: str
    """File name, next to the manifest."""
    sha256: str
    """sha256 of the file as the block wrote it."""


class PartDoc(Doc, kw_only=True):
    """One block of a sharded cohort run (``--samples-block``): what ``varhlh gather`` needs to merge the blocks
    into the tables a single ``--all-samples`` run writes, and to check that the blocks belong together."""

    part_version: str
    """Version of this manifest (:data:`PART_VERSION`)."""
    tool: ToolDoc
    """The program that wrote the block (every block must come from the same varhlh version)."""
    command: str | None
    """The block's command line."""
    input: PartInputDoc
    """The cohort VCF (every block must read the same file)."""
    panel: PanelDoc
    """The gene panel (every block must use the same panel)."""
    settings: Settings
    """Every threshold used (every block must use the same settings)."""
    formats: list[str]
    """The per-sample output formats written, sorted."""
    options: dict[str, Cell | bool]
    """Every other triage option that can change a result (given build, PED path, --fasta/--clinvar/--gnomad,
    installed resources, --all-alleles, --all-results, online services, --checksum-input)."""
    annotation: AnnotationSourcesDoc
    """The annotation sources found in the input."""
    resources: list[ResourceDoc]
    """The local resources used (given or installed), with their sha256."""
    ped_sha256: str | None
    """sha256 of the PED file given, or null."""
    selection_sha256: str
    """sha256 of the selected samples (every block's), one ID per line in VCF order: every block must split the
    same selection."""
    block: BlockDoc
    """Which block this is."""
    samples: list[str]
    """The block's samples, in the VCF's sample order."""
    files: list[PartFileDoc]
    """The per-sample files the block wrote, next to this manifest, with their sha256."""
    rows: list[dict[str, Cell]]
    """The block's rows of the cohort summary table (``PREFIX.varhlh_cohort.tsv``), in sample order."""
    alleles: list[dict[str, Cell]]
    """The block's rows of the cohort allele table (``PREFIX.varhlh_cohort_alleles.tsv``)."""
    content_sha256: str
    """sha256 of ``rows`` and ``alleles`` as canonical JSON (sorted keys): an edited manifest is refused."""

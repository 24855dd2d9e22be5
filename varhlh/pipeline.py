"""The only module that knows the stage order: read -> restrict -> annotate -> zygosity ->
classify -> inheritance -> decide. Returns a :class:`Result`; writing is the report package's job.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from varhlh.annotate.annotator import Annotator
from varhlh.annotate.installed import open_resources
from varhlh.classify.acmg import classify
from varhlh.classify.functional import functional_criterion, with_functional_effect
from varhlh.classify.pm3 import apply_pm3
from varhlh.decide.clinical import ClinicalContext, load_clinical
from varhlh.decide.completeness import (
    Completeness,
    GeneCoverage,
    Sources,
    assess,
    gene_coverage,
    refusal,
    unassessed,
)
from varhlh.decide.decision import decide
from varhlh.decide.limitations import limitations
from varhlh.errors import InputError
from varhlh.fileio import Fingerprint
from varhlh.genome import BuildCall, canonical_chrom, contig_names, detect_build, in_par
from varhlh.genotype.pedigree import Pedigree, choose_proband, read_ped, relatives
from varhlh.genotype.sex import SEX_CHECK_REGIONS, SexCall, infer_sex, resolve_sex
from varhlh.genotype.zygosity import genotype_call, haploid_region
from varhlh.inheritance.rules import gene_result
from varhlh.inheritance.segregation import segregation
from varhlh.models import (
    Access,
    Allele,
    Annotation,
    BackgroundAllele,
    Build,
    Conclusion,
    Family,
    FunctionalResult,
    GeneCall,
    GeneResult,
    GenotypeCall,
    Interpretation,
    Phase,
    SampleCall,
    Sex,
    Strength,
    VariantResult,
    VcfRecord,
    Zygosity,
)
from varhlh.panel import Panel, load_panel
from varhlh.read.reader import Header, VcfReader, query_plan
from varhlh.read.scan import merge_spans
from varhlh.read.validate import is_ploidy_flag, ploidy_flag, ploidy_warnings
from varhlh.restrict import Region, listed_alleles, panel_contigs, panel_regions, restrict, spans_by_contig
from varhlh.settings import Settings

if TYPE_CHECKING:
    from varhlh.online import OnlineRequest
    from varhlh.online.annotate import OnlineOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    input: str
    """The input as the user named it ('-' for stdin); recorded in provenance."""
    source: Path | None = None
    """The file actually read (a spooled copy of stdin); defaults to ``input``."""
    sample: str | None = None
    sex: Sex | None = None
    ped: Path | None = None
    build: Build | None = None
    panel: Path | None = None
    settings: Settings = field(default_factory=Settings)
    clinical: Path | None = None
    """Optional clinical context file (YAML/JSON): HLH-2004 variables, HScore variables, HLH course."""
    fasta: Path | None = None
    """Opt-in reference FASTA: REF check, codon-level effects, HGVS p., indel normalisation."""
    clinvar: Path | None = None
    """Opt-in local ClinVar VCF (bgzipped + indexed), queried for the panel alleles only."""
    gnomad: Path | None = None
    """Opt-in local gnomAD sites VCF (bgzipped + indexed), queried for the panel alleles only."""
    threads: int = 2
    command: str = ""
    online: OnlineRequest | None = None
    """Opt-in online annotation (``--annotate-online``); None = fully offline (the default)."""
    keep_records: Path | None = None
    """A directory where a streamed input's panel-region lines are kept for the annotated VCF."""
    all_alleles: bool = False
    """List every allele in full in the result (``--all-alleles``); by default the background is compact."""
    installed_resources: bool = True
    """Use the resources installed by ``varhlh resources update`` for what --fasta/--clinvar/--gnomad do not give
    (False: ``--no-installed-resources``)."""
    checksum_input: bool = False
    """Hash the whole input even when it is read through its index (``--checksum-input``); otherwise an indexed
    input is identified by its size, mtime and the sha256 of its header and index (``input.fingerprint``)."""


@dataclass(frozen=True)
class InputFacts:
    path: str
    sha256: str | None
    """sha256 of the whole input, when it was computed (see ``fingerprint``)."""
    format: str
    access: str
    build: BuildCall
    samples: tuple[str, ...]
    annotation: dict[str, object]
    records_read: int
    resources: tuple[dict[str, object], ...] = ()
    """Provenance of the local resources (--fasta, --clinvar, --gnomad, or installed by resources update)."""
    extract: Path | None = None
    """The kept panel-region lines of a streamed input (``Request.keep_records``), for the annotated VCF."""
    access_mode: Access | None = None
    """How the panel regions were read (``access`` says it in words)."""
    fingerprint: Fingerprint | None = None
    """What identifies the input, and how it was computed."""


@dataclass(frozen=True)
class Background:
    """A sample's background alleles (:class:`varhlh.models.BackgroundAllele`) in listing order, with their places:
    ``alleles[k]`` comes before ``variants[places[k]]`` (after the last one when ``places[k] == len(variants)``);
    places never decrease. Two columns, so that a listing takes the alleles between two interpreted ones as one run
    (a cohort sample has thousands of background alleles and a few hundred others)."""

    places: tuple[int, ...] = ()
    alleles: tuple[BackgroundAllele, ...] = ()

    def __len__(self) -> int:
        return len(self.alleles)

    def runs(self, count: int) -> Iterator[tuple[int, tuple[BackgroundAllele, ...]]]:
        """(i, the background alleles placed just before ``variants[i]``) for i in 0..``count`` (``count``: after
        the last), only where there are some."""
        places, alleles = self.places, self.alleles
        start = 0
        while start < len(places):
            place = places[start]
            end = bisect.bisect_right(places, place, start)
            yield min(place, count), alleles[start:end]
            start = end


NO_BACKGROUND = Background()


@dataclass(frozen=True)
class Result:
    request: Request
    panel: Panel
    input: InputFacts
    sample: str
    sex: SexCall
    family: Family
    variants: tuple[VariantResult, ...]
    genes: tuple[GeneResult, ...]
    conclusion: Conclusion
    limitations: tuple[str, ...]
    warnings: tuple[str, ...]
    clinical: ClinicalContext | None = None
    online: OnlineOutcome | None = None
    hom_ref_records: int = 0
    """Panel-region records not listed: every analysed sample is homozygous reference there."""
    completeness: Completeness | None = None
    """What this analysis could see (genes assessable, evidence sources, alleles not assessed)."""
    background: Background = NO_BACKGROUND
    """Listed alleles set aside on their zygosity alone (a cohort sample's, :class:`ProbandGenotypes`), with their
    places among ``variants``; :func:`listing` gives every listed allele in order."""


@dataclass(frozen=True)
class Loaded:
    """Everything about one input that does not depend on which sample is analysed."""

    request: Request
    panel: Panel
    header: Header
    build: BuildCall
    records: tuple[VcfRecord, ...]
    alleles: tuple[Allele, ...]
    annotations: Mapping[str, Annotation]
    annotator: Annotator
    facts: InputFacts
    missing_genes: tuple[str, ...]
    warnings: tuple[str, ...]
    validation: tuple[str, ...] = ()
    """Input-validation warnings (also in ``warnings``); each is repeated in the limitations."""
    online: OnlineOutcome | None = None
    spans: Mapping[str, Sequence[tuple[int, int]]] = field(default_factory=dict)
    """The spans queried (VCF contig -> 1-based spans); the cohort reader queries the same."""
    coverage: tuple[GeneCoverage, ...] = ()
    """Per panel gene: assessable or not, and its record count."""
    interpretations: dict[tuple[str, Zygosity], Interpretation] = field(default_factory=dict)
    """First-pass classifications by (allele id, zygosity): ``classify`` reads the genotype only through its
    zygosity, so a cohort classifies each allele once per zygosity, not once per sample (criteria decided
    outside the allele, PP4 and PM3/BP2, are never cached)."""


@dataclass(frozen=True)
class ProbandGenotypes:
    """What one proband's analysis takes from the genotypes (the cohort path builds it from its matrix)."""

    alleles: tuple[Allele, ...]
    """Alleles of the records where the proband or a genotyped relative is not homozygous reference."""
    hom_ref_records: int
    """Panel-region records left out: every analysed sample is a fully called homozygous reference there."""
    inferred_sex: SexCall
    calls: Mapping[str, Mapping[str, SampleCall]] | None = None
    """The analysed samples' calls by allele id, when the alleles' records carry none: a cohort run shares one
    sites-only record per site among its samples instead of copying it per sample. None: each record's own calls."""
    background: Background = NO_BACKGROUND
    """Listed alleles set aside on their zygosity alone, not in ``alleles`` (a cohort's background alleles,
    :class:`varhlh.models.BackgroundAllele`), with their places among ``alleles``."""
    background_phased: bool = False
    """Whether a carried background allele's call has a phase set or read-backed phase (PS, PID)."""


def run(request: Request) -> Result:
    """Triage one patient (optionally with relatives from a PED) and return the full result."""
    panel = load_panel(request.panel)
    pedigree = read_ped(request.ped) if request.ped else None
    clinical = load_clinical(request.clinical) if request.clinical else None
    warnings: list[str] = []
    with open_reader(request) as reader:
        proband = choose_proband(reader.header.samples, request.sample, pedigree, reader.display)
        family, members = relatives(pedigree, proband, reader.header.samples, warnings)
        loaded = load(reader, request, panel, [proband, *members])
    return analyse(loaded, proband, family, members, pedigree, warnings, clinical)


def open_reader(request: Request) -> VcfReader:
    source = str(request.source) if request.source is not None else request.input
    return VcfReader(source, threads=request.threads, display=request.input,
                     max_line_bytes=request.settings.max_line_bytes, checksum=request.checksum_input)


def load(reader: VcfReader, request: Request, panel: Panel, samples: Sequence[str]) -> Loaded:
    """Read the panel regions once for ``samples``, restrict to alleles and annotate them."""
    settings, header = request.settings, reader.header
    warnings: list[str] = []
    reader.select_samples(samples)
    build = detect_build(header.contigs, header.reference, request.build, reader.display)
    log.info("genome build %s (%s)", build.build, build.evidence)
    names = panel_contigs(panel, header.contigs)
    regions = panel_regions(panel, build.build, names, settings.region_padding_bp)
    local = open_resources(request.fasta, request.clinvar, request.gnomad, build.build, settings, panel,
                           request.installed_resources, warnings)  # given files, then the installed ones
    annotator = Annotator(header.info, panel, build.build, settings, local)
    spans, panel_spans = read_spans(regions, build.build, sex_contigs(names, header.contigs))
    records = list(reader.records(spans, settings.upstream_window_bp, annotator.info_keys(), request.keep_records,
                                  full=panel_spans))
    checks = (*reader.warnings, *reader.validator.warnings(),  # input validation: warnings and limitations
              *(local.reference.gaps({g.chrom for g in panel.genes if g.chrom in names}) if local and local.reference
                else ()))
    warnings.extend(checks)
    order = {name: i for i, name in enumerate(header.contigs)}
    records.sort(key=lambda r: (order.get(r.chrom, len(order)), r.chrom, r.pos, r.ref, r.alts))
    alleles = tuple(restrict(records, regions, warnings, reader.display))
    log.info("%d records, %d alleles in panel regions (%s)", len(records), len(alleles), reader.access)
    online = _online(request, annotator, build.build, alleles)
    warnings.extend(online.warnings if online else ())
    warnings.extend(annotator.prepare(alleles))
    annotations = Annotations(annotator, alleles)
    fingerprint = reader.fingerprint
    facts = InputFacts(request.input, fingerprint.sha256, reader.kind, reader.access, build, header.samples,
                       annotator.describe(), len(records), tuple(annotator.resources()), reader.extract,
                       reader.access_mode, fingerprint)
    missing = tuple(sorted({g.symbol for g in panel.genes if g.chrom not in names}))
    if missing:
        warnings.append(f"The VCF has no contig for {len(missing)} panel gene(s) ({', '.join(missing)}): they were "
                        "not assessed.")
    coverage = _coverage(reader, panel, names, alleles, records)
    if (why := refusal(coverage, list(header.contigs))) is not None:
        msg = f"{reader.display}: {why}"
        raise InputError(msg)
    return Loaded(request, panel, header, build, tuple(records), alleles, annotations, annotator, facts, missing,
                  tuple(warnings), validation=checks, online=online, spans=spans, coverage=coverage)


def sex_contigs(names: Mapping[str, str], contigs: object) -> dict[str, str]:
    """Panel chromosome -> VCF contig (``names``), plus chrY when the header names it: the sex-inference window
    on the male-specific chrY is read even though no panel gene lies on chrY."""
    return {**names, **(contig_names(("Y",), contigs) if isinstance(contigs, dict) else {})}


def read_spans(regions: Sequence[Region], build: Build, names: Mapping[str, str],
               ) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[tuple[int, int]]]]:
    """(every span read, the panel spans alone) by VCF contig: the padded panel regions plus the two windows read
    for sex inference only (GT), never reported (``names``: chromosome -> contig, :func:`sex_contigs`)."""
    spans = spans_by_contig(regions)
    panel_spans = {contig: list(s) for contig, s in spans.items()}
    for chrom, start, end in SEX_CHECK_REGIONS[build]:
        if chrom in names:
            spans.setdefault(names[chrom], []).append((start, end))
    return spans, panel_spans


def read_regions(panel: Panel, build: Build, names: Mapping[str, str], settings: Settings,
                 contig_order: Sequence[str] = ()) -> list[tuple[str, int, int]]:
    """Every interval a triage of this panel reads, as BED (contig, 0-based start, end), merged and in
    ``contig_order`` (the VCF header's; else as the panel lists them): each query widened upstream by the window
    in which a deletion may start and still reach the region. ``bcftools view -R`` of these intervals
    (``--regions-overlap record``) keeps every record a triage of the whole file reads."""
    spans, _ = read_spans(panel_regions(panel, build, names, settings.region_padding_bp), build,
                          sex_contigs(names, dict.fromkeys(contig_order)))
    window = settings.upstream_window_bp
    widened: dict[str, list[tuple[int, int]]] = {}
    for contig, start, end, _previous in query_plan(spans):
        widened.setdefault(contig, []).append((max(1, start - window), end))
    order = {name: i for i, name in enumerate(contig_order)}
    contigs = sorted(widened, key=lambda c: (order.get(c, len(order)), list(widened).index(c)))
    return [(contig, start - 1, end) for contig in contigs for start, end in merge_spans(widened[contig])]


class Annotations(Mapping[str, Annotation]):
    """Each allele's annotation by allele id, computed when first asked for: a patient read from a multi-sample VCF
    has only the alleles listed for them annotated — a record where they (and the relatives analysed) are
    homozygous reference is set aside unread, its INFO values included (a cohort run asks for every allele)."""

    def __init__(self, annotator: Annotator, alleles: Sequence[Allele]) -> None:
        self._annotator = annotator
        self._alleles = {a.id: a for a in alleles}
        self._done: dict[str, Annotation] = {}

    def __getitem__(self, key: str) -> Annotation:
        found = self._done.get(key)
        if found is None:
            found = self._done[key] = self._annotator.annotate(self._alleles[key])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._alleles)

    def __len__(self) -> int:
        return len(self._alleles)


def _coverage(reader: VcfReader, panel: Panel, names: Mapping[str, str], alleles: Sequence[Allele],
              read: Sequence[VcfRecord] = ()) -> tuple[GeneCoverage, ...]:
    """Per panel gene: is its chromosome in the header and in the data, and how many records its region holds.
    A contig with a record among those ``read`` has records; the reader is asked only about the others."""
    records: dict[str, set[int]] = {}
    for allele in alleles:
        records.setdefault(allele.gene.symbol, set()).add(id(allele.record))
    seen = {record.chrom for record in read}
    populated = {contig for contig in set(names.values()) if contig in seen or reader.has_records(contig)}
    return gene_coverage([(g.symbol, g.chrom) for g in panel.genes], names, populated,
                         {symbol: len(ids) for symbol, ids in records.items()})


def _online(request: Request, annotator: Annotator, build: Build, alleles: Sequence[Allele]) -> OnlineOutcome | None:
    """The opt-in online annotation step; imported lazily, so never on the default (offline) path."""
    if request.online is None or not request.online.services:
        return None
    from varhlh.online.annotate import annotate_online

    outcome = annotate_online(request.online, request.settings, build, alleles, [s.label for s in annotator.sources])
    if outcome.consequences:
        annotator.use_external(outcome.consequences, outcome.source)
    return outcome


def analyse(loaded: Loaded, proband: str, family: Family, members: Sequence[str], pedigree: Pedigree | None,
            warnings: Sequence[str] = (), clinical: ClinicalContext | None = None,
            genotypes: ProbandGenotypes | None = None) -> Result:
    """Zygosity, classification, inheritance and decision for one proband of a loaded input."""
    genotypes = genotypes or proband_genotypes(loaded, proband, members)
    request, panel, build = loaded.request, loaded.panel, loaded.build.build
    settings = request.settings
    notes = [*warnings, *loaded.warnings]
    ped_person = pedigree.get(proband) if pedigree else None
    sex = resolve_sex(request.sex, ped_person.sex if ped_person else None,
                      genotypes.inferred_sex, proband, notes)
    functional = clinical.functional if clinical is not None else {}
    calls = genotypes.calls
    variants = tuple(_with_segregation(_interpret(a, loaded.annotations[a.id],
                                                  a.record.calls if calls is None else calls[a.id], proband, members,
                                                  sex.sex, build, settings, functional, loaded.interpretations),
                                       family, settings)
                     for a in genotypes.alleles)
    variants = apply_pm3(variants, family, settings)  # PM3/BP2 need phase; genes from re-classified alleles
    variants = tuple(with_functional_effect(v, settings) for v in variants)
    coverage = _completeness(loaded, variants, family, genotypes.background, genotypes.background_phased)
    gene_results = _gene_results(panel, variants, sex.sex, family, settings)
    genes, conclusion = decide(gene_results, panel.genes, clinical, coverage)
    ploidy = ploidy_warnings(f for v in variants for f in v.genotype.flags if is_ploidy_flag(f))
    notes.extend(ploidy)
    annotator, facts = loaded.annotator, loaded.facts
    stated = limitations(variants, panel=f"{panel.name} {panel.version} (sha256 {panel.sha256})",
                         build=f"{facts.build.build} ({facts.build.evidence})",
                         with_fasta=annotator.reference is not None,
                         consequence_annotation=bool(annotator.sources or annotator.external),
                         unmodelled=sum(1 for g in panel.genes if g.symbol not in annotator.maps),
                         missing_genes=loaded.missing_genes, knowledge=panel.knowledge.version)
    limits = (*stated, *loaded.validation, *ploidy, *(loaded.online.limitations if loaded.online else ()))
    return Result(request, panel, loaded.facts, proband, sex, family, variants, tuple(genes), conclusion,
                  limits, tuple(notes), clinical, online=loaded.online,
                  hom_ref_records=genotypes.hom_ref_records, completeness=coverage, background=genotypes.background)


def _completeness(loaded: Loaded, variants: Sequence[VariantResult], family: Family,
                  background: Background = NO_BACKGROUND, background_phased: bool = False) -> Completeness:
    """What this analysis could see: assessable genes, evidence sources, alleles not assessed."""
    consequence_source, reference, clinvar, frequency = loaded.annotator.evidence_sources(
        v.annotation for v in listing(variants, background))
    carried = [v.genotype.call for v in variants if v.genotype.zygosity.carried and v.genotype.call is not None]
    phase = background_phased or any(c.phase_set is not None or c.pid is not None for c in carried)
    sources = Sources(consequence_source, reference, clinvar, frequency, phase,
                      family.father is not None and family.mother is not None)
    genes = loaded.coverage
    absent = sorted({g.chromosome for g in genes if g.why_not and "header" in g.why_not})
    empty = sorted({g.chromosome for g in genes if g.why_not and "no record" in g.why_not})
    return assess(genes, sources, unassessed(variants), absent, empty)


def listing(variants: Sequence[VariantResult], background: Background) -> Iterator[VariantResult | BackgroundAllele]:
    """Every listed allele in listing order: the background alleles put back in their places among ``variants``."""
    following = 0
    for place, run in background.runs(len(variants)):
        yield from variants[following:place]
        yield from run
        following = place
    yield from variants[following:]


def proband_genotypes(loaded: Loaded, proband: str, members: Sequence[str]) -> ProbandGenotypes:
    """The proband's listed alleles (:func:`listed_alleles`), and sex inferred from every record read."""
    listed, left_out = listed_alleles(loaded.alleles, (proband, *members))
    sex = infer_sex(loaded.records, proband, loaded.build.build, loaded.request.settings)
    return ProbandGenotypes(tuple(listed), left_out, sex)


def _interpret(allele: Allele, annotation: Annotation, calls: Mapping[str, SampleCall], proband: str,
               members: Sequence[str], sex: Sex, build: Build, settings: Settings,
               functional: Mapping[str, FunctionalResult],
               classified: dict[tuple[str, Zygosity], Interpretation]) -> VariantResult:
    """One allele of the proband (``calls``: the analysed samples' calls at its record)."""
    record = allele.record
    chrom, par = canonical_chrom(record.chrom), in_par(build, record.chrom, record.pos)
    haploid = haploid_region(chrom, par, sex)
    genotype = genotype_call(calls.get(proband), allele.alt_index, haploid=haploid, settings=settings)
    if flag := ploidy_flag(calls.get(proband), chrom, par, sex):
        genotype = dataclasses.replace(genotype, flags=(*genotype.flags, flag))
    family = {m: genotype_call(calls.get(m), allele.alt_index, haploid=False, settings=settings) for m in members}
    pp4 = functional_criterion(allele.gene.symbol, functional) if genotype.zygosity.carried else None
    criteria = (pp4,) if pp4 is not None else ()
    interpretation = classify(allele, annotation, genotype, settings, extra=criteria) if criteria else \
        first_pass(classified, allele, annotation, genotype, settings)
    return VariantResult(allele, annotation, genotype, interpretation, family, criteria=criteria)


def first_pass(classified: dict[tuple[str, Zygosity], Interpretation], allele: Allele, annotation: Annotation,
               genotype: GenotypeCall, settings: Settings) -> Interpretation:
    """The allele's classification without criteria decided outside it, from ``classified`` (by allele id and
    zygosity, :attr:`Loaded.interpretations`) or computed into it: ``classify`` reads the genotype only through
    its zygosity."""
    key = (allele.id, genotype.zygosity)
    found = classified.get(key)
    if found is None:
        found = classified[key] = classify(allele, annotation, genotype, settings)
    return found


def _with_segregation(v: VariantResult, family: Family, settings: Settings) -> VariantResult:
    text = segregation(v, family, settings)
    return dataclasses.replace(v, segregation=text) if text else v


def _gene_results(panel: Panel, variants: Sequence[VariantResult], sex: Sex, family: Family,
                  settings: Settings) -> list[GeneResult]:
    by_gene: dict[str, list[VariantResult]] = {}
    for v in variants:
        by_gene.setdefault(v.allele.gene.symbol, []).append(v)
    results = []
    for gene in panel.genes:
        found = by_gene.get(gene.symbol)
        if found:
            results.append(gene_result(found, sex, family, settings))
        else:
            results.append(GeneResult(gene.symbol, gene.inheritance, GeneCall.NONE, Phase.NOT_APPLICABLE, (), (),
                                       Strength.UNDETERMINED, ()))
    return results


__all__ = ["Loaded", "Request", "Result", "analyse", "load", "open_reader", "run"]

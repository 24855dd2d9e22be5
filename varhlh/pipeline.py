"""The only module that knows the stage order: read -> restrict -> annotate -> zygosity ->
classify -> inheritance -> decide. Returns a :class:`Result`; writing is the report package's job.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from varhlh.annotate.annotator import Annotator
from varhlh.annotate.resources import open_local
from varhlh.classify.acmg import classify
from varhlh.classify.pm3 import apply_pm3
from varhlh.decide.clinical import ClinicalContext, load_clinical
from varhlh.decide.decision import decide
from varhlh.errors import InputError
from varhlh.genome import BuildCall, canonical_chrom, contig_names, detect_build, in_par
from varhlh.genotype.pedigree import Pedigree, choose_proband, read_ped
from varhlh.genotype.sex import SEX_CHECK_REGIONS, SexCall, infer_sex, resolve_sex
from varhlh.genotype.zygosity import genotype_call, haploid_region
from varhlh.inheritance.rules import gene_result
from varhlh.inheritance.segregation import segregation
from varhlh.models import (
    Allele,
    Annotation,
    Build,
    Conclusion,
    Family,
    GeneCall,
    GeneResult,
    Phase,
    SampleCall,
    Sex,
    Strength,
    VariantResult,
    VcfRecord,
)
from varhlh.panel import Panel, load_panel
from varhlh.read.reader import Header, VcfReader
from varhlh.read.validate import PLOIDY_FLAGS, ploidy_flag, ploidy_warnings
from varhlh.restrict import panel_regions, restrict, spans_by_contig
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


@dataclass(frozen=True)
class InputFacts:
    path: str
    sha256: str
    format: str
    access: str
    build: BuildCall
    samples: tuple[str, ...]
    annotation: dict[str, object]
    records_read: int
    resources: tuple[dict[str, object], ...] = ()
    """Provenance of the opt-in local resources (--fasta, --clinvar, --gnomad)."""


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


@dataclass(frozen=True)
class ProbandGenotypes:
    """What one proband's analysis takes from the genotypes (the cohort path builds it from its matrix)."""

    alleles: tuple[Allele, ...]
    """Alleles of the records where the proband or a genotyped relative is not homozygous reference."""
    hom_ref_records: int
    """Panel-region records left out: every analysed sample is a fully called homozygous reference there."""
    inferred_sex: SexCall


def run(request: Request) -> Result:
    """Triage one patient (optionally with relatives from a PED) and return the full result."""
    panel = load_panel(request.panel)
    pedigree = read_ped(request.ped) if request.ped else None
    clinical = load_clinical(request.clinical) if request.clinical else None
    warnings: list[str] = []
    with open_reader(request) as reader:
        proband = choose_proband(reader.header.samples, request.sample, pedigree, reader.display)
        family, members = _family(pedigree, proband, reader.header.samples, warnings)
        loaded = load(reader, request, panel, [proband, *members])
    return analyse(loaded, proband, family, members, pedigree, warnings, clinical)


def open_reader(request: Request) -> VcfReader:
    source = str(request.source) if request.source is not None else request.input
    return VcfReader(source, threads=request.threads, display=request.input)


def load(reader: VcfReader, request: Request, panel: Panel, samples: Sequence[str]) -> Loaded:
    """Read the panel regions once for ``samples``, restrict to alleles and annotate them."""
    settings, header = request.settings, reader.header
    warnings: list[str] = []
    reader.select_samples(samples)
    build = detect_build(header.contigs, header.reference, request.build, reader.display)
    log.info("genome build %s (%s)", build.build, build.evidence)
    names = _contig_map(panel, header.contigs)
    regions = panel_regions(panel, build.build, names, settings.region_padding_bp)
    local = open_local(request.fasta, request.clinvar, request.gnomad, build.build, settings)
    annotator = Annotator(header.info, panel, build.build, settings, local)
    spans = spans_by_contig(regions)
    for chrom, start, end in SEX_CHECK_REGIONS[build.build]:  # read for sex inference only, not reported
        if chrom in names:
            spans.setdefault(names[chrom], []).append((start, end))
    records = list(reader.records(spans, settings.upstream_window_bp, annotator.info_keys()))
    checks = (*reader.warnings, *reader.validator.warnings())  # input validation: warnings and limitations
    warnings.extend(checks)
    order = {name: i for i, name in enumerate(header.contigs)}
    records.sort(key=lambda r: (order.get(r.chrom, len(order)), r.chrom, r.pos, r.ref, r.alts))
    alleles = tuple(restrict(records, regions, warnings, reader.display))
    log.info("%d records, %d alleles in panel regions (%s)", len(records), len(alleles), reader.access)
    online = _online(request, annotator, build.build, alleles)
    warnings.extend(online.warnings if online else ())
    warnings.extend(annotator.prepare(alleles))
    annotations = {a.id: annotator.annotate(a) for a in alleles}
    facts = InputFacts(request.input, reader.sha256, reader.kind, reader.access, build, header.samples,
                       annotator.describe(), len(records), tuple(annotator.resources()))
    missing = tuple(sorted({g.symbol for g in panel.genes if g.chrom not in names}))
    if missing:
        warnings.append(f"The VCF has no contig for {len(missing)} panel gene(s) ({', '.join(missing)}): they were "
                        "not assessed.")
    return Loaded(request, panel, header, build, tuple(records), alleles, annotations, annotator, facts, missing,
                  tuple(warnings), validation=checks, online=online, spans=spans)


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
    variants = tuple(_with_segregation(_interpret(a, loaded.annotations[a.id], proband, members, sex.sex, build,
                                                  settings), family, settings)
                     for a in genotypes.alleles)
    variants = apply_pm3(variants, family, settings)  # PM3/BP2 need phase; genes from re-classified alleles
    genes, conclusion = decide(_gene_results(panel, variants, sex.sex, family, settings), panel.genes, clinical)
    ploidy = ploidy_warnings(f for v in variants for f in v.genotype.flags if f.startswith(PLOIDY_FLAGS))
    notes.extend(ploidy)
    limitations = (*_limitations(panel, loaded.facts, variants, loaded.missing_genes, loaded.annotator),
                   *loaded.validation, *ploidy, *(loaded.online.limitations if loaded.online else ()))
    return Result(request, panel, loaded.facts, proband, sex, family, variants, tuple(genes), conclusion,
                  limitations, tuple(notes), clinical, online=loaded.online,
                  hom_ref_records=genotypes.hom_ref_records)


def proband_genotypes(loaded: Loaded, proband: str, members: Sequence[str]) -> ProbandGenotypes:
    """The proband's listed alleles (:func:`listed_alleles`), and sex inferred from every record read."""
    listed, left_out = listed_alleles(loaded.alleles, (proband, *members))
    sex = infer_sex(loaded.records, proband, loaded.build.build, loaded.request.settings)
    return ProbandGenotypes(tuple(listed), left_out, sex)


def listed_alleles(alleles: Sequence[Allele], samples: Sequence[str]) -> tuple[list[Allele], int]:
    """Alleles of the records where any of ``samples`` is not a fully called homozygous reference (ALT, no-call
    or partial call), and how many records were left out. In a multi-sample VCF the other samples' variants say
    nothing about this patient; listing them would make a cohort member's result list the whole cohort."""
    listed: list[Allele] = []
    keep: dict[int, bool] = {}
    for allele in alleles:
        record = allele.record
        kept = keep.get(id(record))
        if kept is None:
            kept = keep[id(record)] = not all(is_hom_ref(record.calls.get(s)) for s in samples)
        if kept:
            listed.append(allele)
    return listed, sum(1 for kept in keep.values() if not kept)


def is_hom_ref(call: SampleCall | None) -> bool:
    """A called genotype whose every allele is the reference (``0/0``, ``0|0``, haploid ``0``)."""
    return call is not None and bool(call.alleles) and all(a == 0 for a in call.alleles)


def _interpret(allele: Allele, annotation: Annotation, proband: str, members: Sequence[str], sex: Sex, build: Build,
               settings: Settings) -> VariantResult:
    record = allele.record
    chrom, par = canonical_chrom(record.chrom), in_par(build, record.chrom, record.pos)
    haploid = haploid_region(chrom, par, sex)
    genotype = genotype_call(record.calls.get(proband), allele.alt_index, haploid=haploid, settings=settings)
    if flag := ploidy_flag(record.calls.get(proband), chrom, par, sex):
        genotype = dataclasses.replace(genotype, flags=(*genotype.flags, flag))
    family = {m: genotype_call(record.calls.get(m), allele.alt_index, haploid=False, settings=settings)
              for m in members}
    interpretation = classify(allele, annotation, genotype, settings)
    return VariantResult(allele, annotation, genotype, interpretation, family)


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


def _family(pedigree: Pedigree | None, proband: str, samples: Sequence[str],
            warnings: list[str]) -> tuple[Family, list[str]]:
    if pedigree is None:
        return Family(), []
    if not any(p.id in samples for p in pedigree.people):
        msg = (f"{pedigree.path}: none of its individuals ({', '.join(p.id for p in pedigree.people[:5])}…) is a "
               f"sample of the VCF ({', '.join(samples[:5])}…); use the PED that belongs to this VCF")
        raise InputError(msg)
    person = pedigree.get(proband)
    if person is None:
        warnings.append(f"The proband {proband} is not in the PED {pedigree.path}: family data not used.")
        return Family(), []
    if person.affected is False:
        warnings.append(f"The analysed sample {proband} is unaffected in the PED {pedigree.path}.")
    relatives = pedigree.family_of(proband)
    others = sorted({p.family for p in pedigree.people} - {person.family})
    if others:
        warnings.append(f"The PED holds {len(others) + 1} families; only {person.family} (the proband's) was "
                        f"analysed. Others: {', '.join(others)} (run varhlh once per proband).")
    absent = [p.id for p in relatives if p.id not in samples]
    if absent:
        warnings.append(f"PED member(s) not in the VCF, treated as not genotyped: {', '.join(absent)}.")
    present = set(samples)
    father = person.father if person.father in present else None
    mother = person.mother if person.mother in present else None
    unaffected = tuple(s.id for s in pedigree.siblings(person) if s.affected is False and s.id in present)
    members = [m for m in (father, mother, *unaffected) if m is not None]
    return Family(father, mother, unaffected), members


def _contig_map(panel: Panel, contigs: dict[str, int | None] | object) -> dict[str, str]:
    names = list(contigs) if isinstance(contigs, dict) else []
    chroms = {g.chrom for g in panel.genes}
    if not names:  # no ##contig lines: query both spellings
        return {c: c for c in chroms} | {f"chr{c}": f"chr{c}" for c in chroms}
    return contig_names(chroms, names)


def _limitations(panel: Panel, facts: InputFacts, variants: Sequence[VariantResult], missing: Sequence[str],
                 annotator: Annotator) -> tuple[str, ...]:
    no_calls = sum(1 for v in variants if v.genotype.zygosity.value == "no_call")
    symbolic = sum(1 for v in variants if v.allele.symbolic)
    out = [
        "Decision-support aid: the result must be interpreted by a qualified clinician, and reported variants "
        "confirmed by an accredited laboratory.",
        "Only variants present in the VCF are assessed: regions without coverage or calls (for exome or panel data "
        "also deep-intronic regions such as UNC13D intron 1) cannot be told apart from reference sequence.",
        "Copy-number and structural variants (exon deletions and duplications, the UNC13D 253-kb inversion, the "
        "STX11 19.2-kb exon-2 deletion, the RAB27A duplication) are not assessed unless present as VCF records.",
        "A blood sample taken after allogeneic stem-cell transplant reflects the donor's genome; use pre-transplant "
        "or non-haematopoietic DNA.",
        f"Panel {panel.name} {panel.version} (sha256 {panel.sha256}); genome build {facts.build.build} "
        f"({facts.build.evidence}).",
        "Curated indels are matched as written in the panel; normalise the VCF (bcftools norm -f ref.fa -m-any) so "
        "that differently aligned representations match." if annotator.reference is None else
        "Indels were left-aligned against the reference FASTA before curated and local-resource matching.",
    ]
    if no_calls:
        out.append(f"{no_calls} allele(s) in panel regions are no-calls in the patient: those sites were not assessed "
                   "(listed in variants with zygosity no_call).")
    if symbolic:
        out.append(f"{symbolic} symbolic or structural allele(s) overlap panel genes and were not interpreted "
                   "(listed under variants for manual review).")
    unchecked = sum(1 for v in variants if v.interpretation.reportable and v.annotation.frequency is None
                    and v.annotation.known is None)
    if unchecked:
        out.append(f"{unchecked} reportable allele(s) have no population-frequency information (no frequency "
                   "annotation in the VCF and no --gnomad file), so frequency-based criteria (PM2, BS1, BA1) were "
                   "not applied to them.")
    if not annotator.sources and not annotator.external:
        without = sorted(g.symbol for g in panel.genes if g.symbol not in annotator.maps)
        out.append(f"The VCF carries no consequence annotation: genes without a bundled exon model ({len(without)} "
                   "of the panel) were not interpreted beyond curated alleles and ClinVar fields; annotate with VEP, "
                   "SnpEff or bcftools csq for full coverage.")
    if missing:
        out.append(f"Genes on chromosomes absent from the VCF were not assessed: {', '.join(missing)}.")
    return tuple(out)


__all__ = ["Loaded", "Request", "Result", "analyse", "load", "open_reader", "run"]

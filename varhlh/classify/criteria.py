"""The evidence criteria of one allele: each a small function returning a :class:`Criterion` (code or None)
with a reason that names the numbers and the source used. Points: :attr:`EvidenceCode.points` (Tavtigian 2020).

* :func:`pvs1` — the ClinGen SVI PVS1 decision tree (Abou Tayoun et al., Hum Mutat 2018;39:1517, PMID 30192042)
  on the bundled MANE model, adapted to the HLH genes:

  ==============================================================  ============================================
  null change                                                     strength
  ==============================================================  ============================================
  nonsense / frameshift, NMD predicted                            PVS1 (very strong)
  nonsense / frameshift escaping NMD, removing a critical region   PVS1 — HLH adaptation: the panel's curated
  of the panel's table (PRF1 C2 domain, STX11 C-terminal anchor)   critical regions are essential to function
  escaping NMD, removing known pathogenic variation               PVS1_Strong (the region is critical)
  escaping NMD, removing > 10 % of the protein                    PVS1_Strong
  escaping NMD, removing <= 10 % of the protein                   PVS1_Moderate
  canonical splice, out-of-frame skip: as a truncation at the     as above
  skipped exon
  canonical splice, in-frame skip: critical or > 10 %             PVS1_Strong, else PVS1_Moderate
  start loss                                                      PVS1_Moderate
  ==============================================================  ============================================

  Never in gain-of-function genes (PIK3CD, NLRC4, CDC42).
* :func:`frequency_criterion` — BA1 / BS1 / BS1_Supporting / PM2_Supporting from the filtering (popmax) AF; an
  exome-only source (ExAC, gnomAD exomes) says nothing about a position outside the exome (intronic beyond the
  splice region, UTR, up- or downstream): no PM2 from it there.
* :func:`clinvar_criterion` — ClinVar with >= 2 stars, P/LP (+6) or B/LB (-6); other states shown only.
* :func:`listed_criterion` — a previously well-described pathogenic allele of the bundled knowledge base (+6),
  when no ClinVar >= 2-star record already counted.
* :func:`codon_criterion` — PS1 (the same amino-acid change as a known pathogenic missense change, +4) or PM5
  (another missense change at that codon, +2).
"""

from __future__ import annotations

from varhlh.annotate.clinvar import stars_text
from varhlh.annotate.consequence import NULL_TERMS
from varhlh.annotate.evidence import covers, not_rare
from varhlh.models import (
    Allele,
    Annotation,
    ClinVarClass,
    ClinVarEvidence,
    Criterion,
    EvidenceCode,
    Mechanism,
    Nmd,
    Truncation,
)
from varhlh.settings import Settings

E = EvidenceCode
FREQUENCY_BENIGN = frozenset({E.BA1, E.BS1, E.BS1_SUPPORTING})
MINOR_LOSS = 0.10
"""A truncation escaping NMD that removes more than this share of the protein is PVS1_Strong (ClinGen SVI)."""
def pvs1(annotation: Annotation, allele: Allele) -> Criterion:
    """PVS1 at the strength the decision tree gives (table above), with the facts used."""
    term = annotation.consequence
    if term not in NULL_TERMS:
        return Criterion(None, f"Consequence {term or 'unknown'} ({annotation.source}) is not a null variant.")
    gene = allele.gene
    if gene.mechanism is not Mechanism.LOF:
        return Criterion(None, f"{term} in {gene.symbol}, a gain-of-function gene: PVS1 does not apply "
                               "(only known activating variants count).")
    what = f"{term} ({annotation.source})"
    t = annotation.truncation
    if t is None:
        if annotation.last_exon and term in ("stop_gained", "frameshift_variant"):
            return Criterion(E.PVS1_STRONG, f"{what} in the last exon of {gene.symbol} (escapes NMD): PVS1_Strong.")
        return Criterion(E.PVS1, f"{what} in {gene.symbol}, where loss of function is the disease mechanism: PVS1.")
    if t.kind == "start_lost":
        return Criterion(E.PVS1_MODERATE, f"{what}: loss of the initiation codon of {gene.symbol}; an alternative "
                                          "start cannot be excluded (ClinGen SVI default): PVS1_Moderate.")
    if t.in_frame_skip:
        return _in_frame_skip(t, what, gene.symbol, annotation.removed_critical)
    return _truncation(t, what, gene.symbol, annotation.removed_critical)


def _truncation(t: Truncation, what: str, gene: str, removed: tuple[str, ...]) -> Criterion:
    where = f"exon {t.exon} of {t.exons}, first changed codon {t.first_codon} of {t.codons}"
    lost = f"{t.removed:.0%} of the protein lost" if t.removed is not None else "share of the protein lost unknown"
    caveat = " (a frameshift's new stop lies at or after that codon)" if t.kind == "frameshift_variant" else ""
    if t.nmd is Nmd.PREDICTED:
        return Criterion(E.PVS1, f"{what}, {where}: nonsense-mediated decay predicted{caveat}; loss of function is the "
                                 f"disease mechanism of {gene}: PVS1.")
    escape = "in the last exon" if t.nmd is Nmd.ESCAPES_LAST_EXON else "within 50 nt of the last exon junction"
    curated = [r for r in removed if "known pathogenic" not in r]
    if curated:
        return Criterion(E.PVS1, f"{what}, {where}: escapes NMD ({escape}) but removes {', '.join(curated)}, a region "
                                 f"essential to {gene}'s function ({lost}): PVS1 (HLH adaptation of the ClinGen tree).")
    if removed:
        return Criterion(E.PVS1_STRONG, f"{what}, {where}: escapes NMD ({escape}); the lost part holds "
                                        f"{'; '.join(removed)}, so it is critical ({lost}): PVS1_Strong.")
    if t.removed is not None and t.removed > MINOR_LOSS:
        return Criterion(E.PVS1_STRONG, f"{what}, {where}: escapes NMD ({escape}); {lost} (> 10%): PVS1_Strong.")
    return Criterion(E.PVS1_MODERATE, f"{what}, {where}: escapes NMD ({escape}); {lost} (<= 10%, no known critical "
                                      "region lost): PVS1_Moderate.")


def _in_frame_skip(t: Truncation, what: str, gene: str, removed: tuple[str, ...]) -> Criterion:
    lost = f"{t.removed:.0%} of the protein" if t.removed is not None else "an unknown share of the protein"
    where = f"skipping exon {t.exon} of {t.exons} in frame (codons from {t.first_codon}; {lost})"
    if removed or (t.removed is not None and t.removed > MINOR_LOSS):
        why = f"removes {'; '.join(removed)}" if removed else "more than 10% of the protein"
        return Criterion(E.PVS1_STRONG, f"{what}, {where}: {why}: PVS1_Strong.")
    return Criterion(E.PVS1_MODERATE, f"{what}, {where}: PVS1_Moderate.")


def frequency_criterion(annotation: Annotation, settings: Settings) -> Criterion:
    """BA1 / BS1 / BS1_Supporting / PM2_Supporting from the filtering (popmax) allele frequency, where the source
    looked: absence from an exome-only source outside the exome is no evidence of rarity."""
    freq = annotation.frequency
    if freq is None:
        return Criterion(None, "No population frequency in the VCF, a local file or the bundled list: frequency "
                               "criteria not assessed.")
    af = freq.filtering_af
    field = freq.popmax_field or freq.af_field
    where = f" ({freq.source})"
    if af is None:
        if not covers(freq, annotation.consequence):
            return Criterion(None, f"No value in {freq.source}, an exome-only source, at a position outside the exome "
                                   f"({annotation.consequence}): absence says nothing; PM2 not applied.")
        return Criterion(E.PM2_SUPPORTING, f"No value for this allele in {freq.source}: absent, PM2_Supporting.")
    for code, threshold in ((E.BA1, settings.ba1_af), (E.BS1, settings.bs1_af),
                            (E.BS1_SUPPORTING, settings.bs1_supporting_af)):
        if af >= threshold:
            return Criterion(code, f"{field} {af:g} >= {threshold:g}{where}: {code}.")
    if af <= settings.pm2_max_af:
        return Criterion(E.PM2_SUPPORTING, f"{field} {af:g} <= {settings.pm2_max_af:g}{where}: PM2_Supporting.")
    return Criterion(None, f"{field} {af:g}{where} between the PM2 ({settings.pm2_max_af:g}) and BS1_Supporting "
                           f"({settings.bs1_supporting_af:g}) thresholds: no frequency criterion.")


def exempt(criterion: Criterion, clinvar: ClinVarEvidence | None) -> Criterion:
    """A frequency-based benign criterion is not applied to a ClinVar >= 2-star P/LP allele (Ghosh 2018 exception
    list principle: established pathogenic alleles can be common in one population)."""
    if criterion.code not in FREQUENCY_BENIGN or clinvar is None or (clinvar.stars or 0) < 2 \
            or not clinvar.significance.is_pathogenic:
        return criterion
    return Criterion(None, f"{criterion.reason[:-1]} - not applied: ClinVar {clinvar_words(clinvar)} "
                           f"({stars_text(clinvar)}) is pathogenic/likely pathogenic, exempt from frequency-based "
                           "benign criteria.")


def clinvar_words(clinvar: ClinVarEvidence) -> str:
    """The value as written, with its meaning when it is an old numeric CLNSIG code ('5 (pathogenic)')."""
    raw = clinvar.raw
    plain = clinvar.significance.value.replace("_", " ")
    return f"{raw} ({plain})" if raw.replace("|", "").replace(",", "").replace("/", "").isdigit() else raw


def clinvar_criterion(clinvar: ClinVarEvidence | None) -> Criterion:
    """ClinVar >= 2 stars P/LP or B/LB as strong external evidence; other states shown only."""
    if clinvar is None:
        return Criterion(None, "")
    stars = clinvar.stars or 0
    described = f"ClinVar {clinvar_words(clinvar)} ({stars_text(clinvar)}"
    described += f", VCV {clinvar.variation_id}" if clinvar.variation_id else ""
    described += f"; {clinvar.source})"
    if clinvar.significance.is_pathogenic:
        if stars >= 2:
            return Criterion(E.CLINVAR_PLP, f"{described}: strong external evidence for pathogenicity.")
        return Criterion(None, f"{described}: fewer than 2 stars, shown but not counted.")
    if clinvar.significance.is_benign:
        if stars >= 2:
            return Criterion(E.CLINVAR_BLB, f"{described}: strong external evidence for benignity.")
        return Criterion(None, f"{described}: fewer than 2 stars, shown but not counted.")
    if clinvar.significance is ClinVarClass.CONFLICTING:
        return Criterion(None, f"{described}: conflicting classifications, treated as uncertain evidence.")
    return Criterion(None, f"{described}: not counted as evidence.")


def listed_criterion(annotation: Annotation, counted: set[EvidenceCode], settings: Settings) -> Criterion:
    """Known_PLP for a previously well-described pathogenic allele of the bundled knowledge base — not when a
    current ClinVar record with 2 or more stars already counted, and only when a frequency source that looked
    says the allele is rare (below BS1_Supporting): the 2016 list holds 0-star OMIM records of common
    polymorphisms too (FCGR3A c.197T>A p.(Leu66His), homozygous in healthy genomes)."""
    listed = annotation.listed
    if listed is None:
        return Criterion(None, "")
    name = listed.hgvs_c or "this allele"
    record = (f"bundled knowledge base: ClinVar {listed.significance.value.replace('_', ' ')}, {listed.stars} star(s), "
              f"VariationID {listed.variation_id or '?'}, release {listed.source_date}")
    if listed.significance.is_benign:
        return Criterion(None, f"Listed as benign in the {record}: shown, not counted (a dated record; the current "
                               "ClinVar record and the population frequency decide).")
    if not listed.well_described:
        return Criterion(None, f"Listed in the {record}; not counted (not a well-described pathogenic allele).")
    if E.CLINVAR_PLP in counted or E.CLINVAR_BLB in counted:
        return Criterion(None, f"Listed in the {record}; the current ClinVar record already counted.")
    why = not_rare(annotation.frequency, annotation.consequence, settings.bs1_supporting_af)
    if why is not None:
        return Criterion(None, f"Listed as pathogenic in the {record}; not counted because {why}: a dated list "
                               "names common polymorphisms too; add population frequencies.")
    pmids = ", ".join(listed.pmids[:3])
    return Criterion(E.KNOWN_PLP, f"{name} is a previously described pathogenic allele ({record}; publications PMID "
                                  f"{pmids}): Known_PLP. A dated list: check the current ClinVar record.")


def codon_criterion(annotation: Annotation) -> Criterion:
    """PS1 / PM5 from the known pathogenic missense changes at this missense allele's codon (the annotator leaves
    out the allele itself)."""
    if not annotation.same_codon or annotation.hgvs_p is None:
        return Criterion(None, "")
    mine = _plain(annotation.hgvs_p)
    same = [m for m in annotation.same_codon if _plain(m.hgvs_p) == mine]
    if same:
        m = same[0]
        return Criterion(E.PS1, f"{annotation.hgvs_p} is the amino-acid change of a known pathogenic missense change "
                                f"made by another nucleotide change (ClinVar {m.clinvar_id or '?'}; {m.source}): PS1.")
    names = ", ".join(sorted({m.hgvs_p for m in annotation.same_codon})[:3])
    return Criterion(E.PM5, f"{annotation.hgvs_p} is another missense change at a codon with known pathogenic "
                            f"missense change(s) {names} ({annotation.same_codon[0].source}): PM5.")


def _plain(hgvs_p: str) -> str:
    return hgvs_p.replace("(", "").replace(")", "")

"""Build spiked VCFs in either build and either contig style from the real backgrounds.

The recipe behind tests/test_scenarios.py: a real public background (tests/data/backgrounds,
provenance in tests/data/README.md) plus documented curated alleles (the panel's known-variant
table, both builds) or constructed frameshift alleles placed in a coding exon of the bundled
MANE model (marked CONSTRUCTED; their REF base is not checked, there is no reference FASTA).
Every inserted record carries INFO/SPIKED.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conftest import DATA

from varhlh.annotate.transcript import TranscriptMap
from varhlh.models import Build
from varhlh.panel import load_panel

PANEL = load_panel()
BACKGROUNDS = {
    Build.GRCH37: DATA / "backgrounds" / "grch37_NA12878_GIAB_NIST2.19_complex.slice.vcf",
    Build.GRCH38: DATA / "backgrounds" / "grch38_NA12878_PlatinumGenomes_chr21.slice.vcf",
}
SPIKED_HEADER = ('##INFO=<ID=SPIKED,Number=1,Type=String,Description="Inserted by tests/scenario_vcf.py: '
                 'documented or constructed variant">\n'
                 '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">\n')
DECLARED = {  # INFO keys a spike may carry -> their header line (declared only when a spike uses the key)
    "gnomAD_AF": '##INFO=<ID=gnomAD_AF,Number=A,Type=Float,Description="gnomAD genomes allele frequency (spiked value)">\n',
    "CLNSIG": '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="ClinVar clinical significance (spiked value)">\n',
    "CLNREVSTAT": '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status (spiked value)">\n',
    "CSQ": ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP (constructed by '
            'tests/scenario_vcf.py for spiked records). Format: Allele|Consequence|IMPACT|SYMBOL|Feature|HGVSc|HGVSp">\n'),
}
CLINVAR_2_STARS = "CLNSIG=Pathogenic;CLNREVSTAT=criteria_provided,_multiple_submitters,_no_conflicts"


@dataclass(frozen=True)
class Spike:
    gene: str
    allele: str
    """A curated HGVS c. of the panel's known-variant table, 'frameshift' (constructed 1-bp deletion in a coding
    exon) or 'coding_snv' (constructed SNV in a coding exon: its protein effect is unknown without a reference)."""
    gt: str
    ps: int | None = None
    info: str = ""
    """Extra INFO for the record, e.g. ``gnomAD_AF=0.00002`` (a population frequency: a VUS needs one to pair) or
    :data:`CLINVAR_2_STARS`; keys of :data:`DECLARED` get their header line."""


def missense(gene: str, codon: int, ref_aa: str, alt_aa: str, gt: str, ps: int | None = None,
             info: str = "") -> Spike:
    """A CONSTRUCTED missense SNV at the first base of ``codon`` (coding G>A), annotated by a VEP-style CSQ on the
    MANE transcript with the amino-acid change given (there is no reference sequence to check it against)."""
    return Spike(gene, f"missense:{codon}:{ref_aa}:{alt_aa}", gt, ps, info)


def coding_snv(gene: str, c: int, ref: str, alt: str, gt: str, info: str = "", consequence: str = "",
               hgvs_p: str = "") -> Spike:
    """An SNV at coding position ``c`` with coding-strand bases ``ref``>``alt`` (placed on the plus strand for
    the VCF), optionally annotated by a VEP-style CSQ (``consequence``, ``hgvs_p``)."""
    return Spike(gene, f"coding:{c}:{ref}:{alt}:{consequence}:{hgvs_p}", gt, None, info)


def known_missense(gene: str, hgvs_p: str, gt: str, info: str = "") -> Spike:
    """A pathogenic missense change of the bundled knowledge base (ClinVar-derived), at its coordinates in either
    build, unannotated."""
    return Spike(gene, f"knowledge:{hgvs_p}", gt, None, info)


_COMPLEMENT = str.maketrans("ACGT", "TGCA")


def csq(spike: Spike, alt: str) -> str:
    """The CSQ entry of a constructed missense spike or an annotated coding SNV ('' for other spikes)."""
    if spike.allele.startswith("coding:"):
        _, c, ref, alt_c, term, hgvs_p = spike.allele.split(":", 5)
        if not term:
            return ""
        transcript = PANEL.gene(spike.gene).mane_refseq
        impact = {"missense_variant": "MODERATE", "stop_gained": "HIGH"}.get(term, "LOW")
        return f"CSQ={alt}|{term}|{impact}|{spike.gene}|{transcript}|{transcript}:c.{c}{ref}>{alt_c}|{hgvs_p}"
    if not spike.allele.startswith("missense:"):
        return ""
    _, codon, ref_aa, alt_aa = spike.allele.split(":")
    transcript = PANEL.gene(spike.gene).mane_refseq
    return (f"CSQ={alt}|missense_variant|MODERATE|{spike.gene}|{transcript}|{transcript}:c.{3 * int(codon) - 2}G>A|"
            f"p.({ref_aa}{codon}{alt_aa})")


def locate(spike: Spike, build: Build) -> tuple[str, int, str, str, str]:
    """(chrom, pos, ref, alt, label) on the plus strand of ``build``."""
    if spike.allele.startswith("knowledge:"):
        hgvs_p = spike.allele.split(":", 1)[1]
        entry = next(m for m in PANEL.knowledge.missense if m.gene == spike.gene and m.hgvs_p == hgvs_p)
        site = entry.sites[build]
        return site.chrom, site.pos, site.ref, site.alt, f"{spike.gene}:{hgvs_p}_knowledge_base_missense"
    if spike.allele.startswith("coding:"):
        _, c, ref, alt, *_ = spike.allele.split(":")
        model = PANEL.transcripts[(spike.gene, build)]
        tmap = TranscriptMap(model)
        pos = tmap.g_of_c(int(c))
        if not tmap.plus:
            ref, alt = ref.translate(_COMPLEMENT), alt.translate(_COMPLEMENT)
        return model.chrom, pos, ref, alt, f"{spike.gene}_c.{c}{spike.allele.split(':')[2]}>{spike.allele.split(':')[3]}"
    if spike.allele.startswith("missense:"):
        _, codon, ref_aa, alt_aa = spike.allele.split(":")
        model = PANEL.transcripts[(spike.gene, build)]
        tmap = TranscriptMap(model)
        c = 3 * int(codon) - 2
        pos = tmap.g_of_c(c)
        ref, alt = ("G", "A") if tmap.plus else ("C", "T")
        return model.chrom, pos, ref, alt, f"{spike.gene}_CONSTRUCTED_missense_c.{c}G>A"
    if spike.allele in ("frameshift", "coding_snv"):
        model = PANEL.transcripts[(spike.gene, build)]
        exon = next((e for e in model.exons if not e.c_start.startswith(("-", "*")) and e.number > 1), None)
        if exon is not None and spike.allele == "frameshift":
            pos = (exon.start + exon.end) // 2
            return model.chrom, pos, "AC", "A", f"{spike.gene}_CONSTRUCTED_1bp_deletion_exon{exon.number}"
        tmap = TranscriptMap(model)  # the middle of the CDS (the CDS may share its exon with UTR, as in STX11)
        c = model.cds_length // 2
        pos = tmap.g_of_c(c) if tmap.plus else tmap.g_of_c(c + 1)
        if spike.allele == "coding_snv":
            return model.chrom, pos, "C", "T", f"{spike.gene}_CONSTRUCTED_coding_SNV_c.{c}"
        return model.chrom, pos, "AC", "A", f"{spike.gene}_CONSTRUCTED_1bp_deletion_c.{c}"
    known = next(k for k in PANEL.known_variants if k.gene == spike.gene and k.hgvs_c == spike.allele)
    locus = known.loci[build]
    if locus.alt == "-":
        assert locus.ref, f"{spike.allele}: deleted bases unknown"
        return locus.chrom, locus.start - 1, "N" + locus.ref, "N", f"{spike.gene}:{spike.allele}"
    return locus.chrom, locus.start, locus.ref, locus.alt, f"{spike.gene}:{spike.allele}"


def build_vcf(build: Build, spikes: list[Spike], *, chr_names: bool, drop_x: bool = False,
              background: Path | None = None, proband: str | None = None) -> str:
    """The background of ``build`` (or ``background``) with the spikes inserted. In a multi-sample background the
    spike's genotype goes to ``proband`` (default: the first sample) and every other sample is ``0/0``."""
    lines = (background or BACKGROUNDS[build]).read_text().splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    samples = header[-1].rstrip("\n").split("\t")[9:]
    column = samples.index(proband) if proband is not None else 0
    body = [line for line in lines if not line.startswith("#")]
    sites = [locate(s, build) for s in spikes]
    blocked = {(c, p) for c, p, *_ in sites}
    records = [line for line in body if not _near(line, blocked) and not (drop_x and _chrom(line) == "X")]
    for spike, (chrom, pos, ref, alt, label) in zip(spikes, sites, strict=True):
        fields = "GT:PS" if spike.ps is not None else "GT"
        mine = f"{spike.gt}:{spike.ps}" if spike.ps is not None else spike.gt
        other = "0/0:." if spike.ps is not None else "0/0"
        value = "\t".join(mine if i == column else other for i in range(len(samples)))
        if "N" in ref:
            ref, alt = "A" + ref[1:], "A"
        info = ";".join(x for x in (f"SPIKED={label}", spike.info, csq(spike, alt)) if x)
        records.append(f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t100\tPASS\t{info}\t{fields}\t{value}\n")
    order = {c: i for i, c in enumerate(_contigs(header))}
    records.sort(key=lambda r: (order.get(_chrom(r), 99), int(r.split("\t", 2)[1])))
    column = header.pop()
    used = ";".join(f"{s.info};{csq(s, alt)}" for s, (*_, alt, _) in zip(spikes, sites, strict=True))
    declared = "".join(line for key, line in DECLARED.items() if f"{key}=" in used)
    text = "".join(header) + SPIKED_HEADER + declared + column + "".join(records)
    return _rename(text, chr_names)


def _chrom(line: str) -> str:
    name = line.split("\t", 1)[0]
    name = name[3:] if name.startswith("chr") else name
    return "MT" if name == "M" else name


def _near(line: str, blocked: set[tuple[str, int]]) -> bool:
    chrom, pos = _chrom(line), int(line.split("\t", 2)[1])
    return any(chrom == c and abs(pos - p) <= 10 for c, p in blocked)


def _contigs(header: list[str]) -> list[str]:
    names = []
    for line in header:
        if line.startswith("##contig=<ID="):
            name = line[len("##contig=<ID="):].split(",")[0].split(">")[0]
            names.append(_chrom(name + "\t"))
    return names


def _rename(text: str, chr_names: bool) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("##contig=<ID="):
            name = line[len("##contig=<ID="):].split(",")[0].split(">")[0]
            line = line.replace(f"<ID={name}", f"<ID={_style(name, chr_names)}", 1)
        elif not line.startswith("#"):
            name, rest = line.split("\t", 1)
            line = f"{_style(name, chr_names)}\t{rest}"
        out.append(line)
    return "".join(out)


def _style(name: str, chr_names: bool) -> str:
    bare = _chrom(name + "\t")
    if not chr_names:
        return bare
    return "chrM" if bare == "MT" else f"chr{bare}"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / f"{name}.vcf"
    path.write_text(text)
    return path

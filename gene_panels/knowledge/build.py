#!/usr/bin/env python3
"""Rebuild the bundled, dated knowledge base in gene_panels/knowledge/ (maintainer-only).

This script is NOT part of varhlh and is never run by it. Users never need it: the four TSV
files next to it are the product. It exists so that a maintainer can regenerate them byte for
byte and see every check that was made. Standard library only (Python 3.10+).

Inputs
------
--shared   public-domain slices, read-only (default /work/shared/data/knowledge):
             clinvar_20161102_macarthur_grch37_hlh41.vcf.gz   ClinVar 2016-09 (GRCh37)
             intervar_PS1_patho_missense_hlh41_grch37.tsv / _grch38.tsv
             autopvs1_exon_lof_popmax_hlh41_hg19.tsv / _hg38.tsv
--derived  the curator's derived tables (default /work/scratch/knowledge): known_alleles.tsv,
           pathogenic_missense.tsv, lof_frequencies.tsv. They supply what cannot be read from
           the slices without a chain file or a transcript model: the panel gene of each record,
           the GRCh38 liftover, the MANE c. of SNVs and the per-row PS1/PM5 usability decision.
--panel    the panel directory (default: the parent of this script's directory), for
           hlh_known_variants.tsv (curated alleles) and hlh_exons.tsv (MANE exon models).
--out      output directory (default: this script's directory).

What is taken from where
------------------------
* Every ClinVar fact written (VariationID, significance, review status, stars, PMIDs) is
  re-read here from the ClinVar slice itself, not copied from the derived table; a derived
  row that has no exactly matching ClinVar record aborts the build.
* Every MANE c. of an SNV in the derived table is recomputed here from the GRCh37 exon models
  of hlh_exons.tsv; any disagreement aborts the build.
* Every pathogenic-missense row is checked against both InterVar tables (position, alleles,
  amino acids, codon number); every LoF frequency against the AutoPVS1 table of its build.
* critical_regions.tsv is written from the two hand-curated rows below (CRITICAL_REGIONS).

Output is deterministic: rows are sorted, no timestamps are written, and two runs give
byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

KNOWN_HEADER = (
    "gene", "hgvs_c", "hgvs_p", "grch37_chrom", "grch37_pos", "grch37_ref", "grch37_alt",
    "grch38_pos", "grch38_ref", "grch38_alt", "significance", "stars", "review_status",
    "clinvar_variation_id", "pmids", "well_described", "source", "source_date",
)
MISSENSE_HEADER = (
    "gene", "codon", "ref_aa", "alt_aa", "hgvs_p", "grch37_chrom", "grch37_pos", "grch37_ref",
    "grch37_alt", "grch38_pos", "grch38_ref", "grch38_alt", "clinvar_id", "source", "source_date",
)
LOF_HEADER = ("gene", "build", "chrom", "pos", "ref", "alt", "popmax_af", "source", "source_date")
REGION_HEADER = ("gene", "region", "aa_start", "aa_end", "source", "note")

CRITICAL_REGIONS = (
    ("PRF1",
     "C2 domain (Ca2+-dependent membrane binding; calcium ligands D436, D484, D486, D491)",
     "430", "492",
     "UniProt P14222 (metal-binding sites 436, 484, 486, 491); Law et al., Nature "
     "2010;468:447 (PMID 21037563); Traore et al., Biochem J 2013;456:323 (PMID 24070258)",
     "A truncation before codon 430 removes the calcium-binding loops of the C-terminal C2 "
     "domain, which mediates perforin's Ca2+-dependent binding to the target membrane. Not "
     "verified here: the PMID of Law et al. 2010 (journal reference verified) and the exact "
     "domain boundaries 430-492 (the four calcium ligands were read in UniProt P14222)."),
    ("STX11",
     "C-terminal cysteine-rich membrane anchor",
     "268", "287",
     "zur Stadt et al., Hum Mol Genet 2005;14:827 (PMID 15703195; founder Q268X); the "
     "C-terminus is required for degranulation (PMID 23160464, not verified); Hellewell et "
     "al., PLoS One 2014;9:e98900 (PMID 24910990)",
     "Defined by the most C-terminal well-established pathogenic truncation (p.Gln268Ter) and "
     "the rescue experiment in which a C-terminally truncated syntaxin-11 failed to restore "
     "degranulation. Not verified: the title and claim of PMID 23160464 could not be "
     "retrieved. Verified instead: Hellewell et al. 2014 showed that the C-terminal "
     "cysteine-rich region deleted by FHL4 truncations is S-acylated and is needed for "
     "membrane association of syntaxin-11, its polarisation to the immunological synapse and "
     "the recruitment of Munc18-2 in NK cells."),
)

AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "X": "Ter",
    "*": "Ter",
}
COMPLEMENT = str.maketrans("ACGT", "TGCA")

# ClinVar review status (2016 wording) -> stars, ClinVar "Review status" documentation.
STARS = {
    "practice_guideline": 4,
    "reviewed_by_expert_panel": 3,
    "criteria_provided,_multiple_submitters,_no_conflicts": 2,
    "criteria_provided,_single_submitter": 1,
    "criteria_provided,_conflicting_interpretations": 1,
    "no_assertion_criteria_provided": 0,
    "no_assertion_provided": 0,
    "no_interpretation_for_the_single_variant": 0,
}
PLP = {"pathogenic", "likely_pathogenic", "pathogenic_likely_pathogenic"}
CLINVAR_SOURCE = "ClinVar 2016-09 release (VariationID {}; reshaped by macarthur-lab/clinvar@69d301b)"
MISSENSE_SOURCE = ("ClinVar pathogenic missense (AlleleID {}) as listed by InterVar's PS1 table "
                   "(WGLab/InterVar@4801682, 2021-08-31)")
LOF_SOURCE = {
    "GRCh37": "gnomAD popmax allele frequency of a loss-of-function allele (gnomAD v2-era; release "
              "not stated upstream), via the AutoPVS1 data table (JiguangPeng/autopvs1@7fb1be9 "
              "data/exon_lof_popmax_hg19.bed)",
    "GRCh38": "gnomAD popmax allele frequency of a loss-of-function allele (release not stated "
              "upstream; differs from the GRCh37 table, probably a later release), via the AutoPVS1 "
              "data table (JiguangPeng/autopvs1@7fb1be9 data/exon_lof_popmax_hg38.bed)",
}


class BuildError(Exception):
    pass


def fail(message: str) -> None:
    raise BuildError(message)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("##")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return list(reader)


def read_hash_tsv(path: Path) -> list[dict[str, str]]:
    """A TSV whose header line starts with '#'."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines()
    header = lines[0].lstrip("#").split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line]


def write_tsv(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    out = ["\t".join(header)]
    for row in rows:
        if len(row) != len(header):
            fail(f"{path.name}: row has {len(row)} fields, header {len(header)}: {row}")
        for value in row:
            if value == "" or "\t" in value or "\n" in value or "\r" in value or value != value.strip():
                fail(f"{path.name}: bad cell {value!r} in {row}")
        out.append("\t".join(row))
    path.write_bytes(("\n".join(out) + "\n").encode("utf-8"))


# ---------------------------------------------------------------- ClinVar 2016-09 slice


def read_clinvar(path: Path) -> dict[tuple[str, str, str, str, str], dict[str, str]]:
    records: dict[tuple[str, str, str, str, str], dict[str, str]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            chrom, pos, _id, ref, alt, _q, _f, info = line.rstrip("\n").split("\t")[:8]
            fields = dict(item.partition("=")[::2] for item in info.split(";"))
            key = (chrom, pos, ref, alt, fields["MEASURESET_ID"])
            if key in records:
                fail(f"duplicate ClinVar record {key}")
            records[key] = fields
    return records


def significance(raw: str, conflicted: str) -> str:
    terms = {t for t in raw.split("|") if t}
    if len(terms) > 1:
        terms.discard("not_provided")
    plp = terms & {"Pathogenic", "Likely_pathogenic"}
    blb = terms & {"Benign", "Likely_benign"}
    if "risk_factor" in terms and plp and not blb and terms <= {"Pathogenic", "Likely_pathogenic", "risk_factor"}:
        # PRF1 A91V: 'Pathogenic|risk_factor' must never read as a plain pathogenic allele.
        return "risk_factor"
    if conflicted == "1" or (plp and (blb or "Uncertain_significance" in terms)):
        return "conflicting"
    if plp and terms == plp:
        return {frozenset({"Pathogenic"}): "pathogenic",
                frozenset({"Likely_pathogenic"}): "likely_pathogenic"}.get(
                    frozenset(plp), "pathogenic_likely_pathogenic")
    if blb and terms == blb:
        return {frozenset({"Benign"}): "benign", frozenset({"Likely_benign"}): "likely_benign"}.get(
            frozenset(blb), "benign_likely_benign")
    single = {"Uncertain_significance": "uncertain", "risk_factor": "risk_factor",
              "drug_response": "drug_response", "not_provided": "not_provided", "other": "other"}
    if len(terms) == 1 and next(iter(terms)) in single:
        return single[next(iter(terms))]
    if terms == {"Uncertain_significance", "Benign"} or terms == {"Uncertain_significance", "Likely_benign"}:
        return "conflicting"
    fail(f"unmapped ClinVar significance {raw!r}")
    return ""


def review_status(raw: str) -> str:
    value = raw.replace("..", ",_")
    if value not in STARS:
        fail(f"unknown review status {raw!r}")
    return value


def pmids(raw: str | None) -> tuple[str, list[str]]:
    if not raw:
        return ".", []
    kept: list[str] = []
    dropped: list[str] = []
    for pmid in raw.split(".."):
        if not pmid.isdigit():
            fail(f"non-numeric PMID {pmid!r}")
        if int(pmid) < 1000:  # '1' and '3' occur: artefacts of the reshaping, not real PMIDs
            dropped.append(pmid)
        elif pmid not in kept:
            kept.append(pmid)
    return (";".join(kept[:5]) if kept else "."), dropped


# ---------------------------------------------------------------- MANE exon models (c. check)


def t_of_label(label: str, cds: int) -> int:
    if label.startswith("*"):
        return cds + int(label[1:])
    n = int(label)
    return n if n > 0 else n + 1


def label_of_t(t: int, cds: int) -> str:
    if t > cds:
        return f"*{t - cds}"
    return str(t) if t >= 1 else str(t - 1)


def read_models(path: Path) -> dict[str, dict]:
    models: dict[str, dict] = {}
    for row in read_tsv(path):
        if row["build"] != "GRCh37":
            continue
        model = models.setdefault(row["symbol"], {"strand": row["strand"], "cds": int(row["cds_length"]),
                                                  "exons": []})
        model["exons"].append((int(row["exon"]), int(row["start"]), int(row["end"]), row["c_start"]))
    for model in models.values():
        model["exons"].sort()
    return models


def c_of_pos(model: dict, pos: int) -> str | None:
    """HGVS c. position (without 'c.') of a GRCh37 position on the MANE model, or None outside."""
    strand, cds, exons = model["strand"], model["cds"], model["exons"]
    anchors = []  # (genomic pos, transcript t) of exon ends, in transcript order
    for _n, start, end, c_start in exons:
        t0 = t_of_label(c_start, cds)
        first, last = (start, end) if strand == "+" else (end, start)
        length = end - start
        if start <= pos <= end:
            offset = pos - start if strand == "+" else end - pos
            return label_of_t(t0 + offset, cds)
        anchors.append((first, t0, last, t0 + length))
    for (_f, _t, last_g, last_t), (next_g, next_t, _l, _lt) in zip(anchors, anchors[1:]):
        lo, hi = sorted((last_g, next_g))
        if lo < pos < hi:
            d_donor = abs(pos - last_g)
            d_acceptor = abs(next_g - pos)
            if d_donor <= d_acceptor:
                return f"{label_of_t(last_t, cds)}+{d_donor}"
            return f"{label_of_t(next_t, cds)}-{d_acceptor}"
    return None


# ---------------------------------------------------------------- curated panel alleles


def curated_index(path: Path) -> dict[tuple[str, str, str, str], dict[str, str]]:
    """Curated alleles keyed by the VCF-style GRCh37 representation they can take."""
    index: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for row in read_tsv(path):
        chrom, start, end = row["grch37_chrom"], int(row["grch37_start"]), int(row["grch37_end"])
        ref, alt = row["grch37_ref"], row["grch37_alt"]
        if alt != "-":
            index[(chrom, str(start), ref, alt)] = row
        else:
            index[(chrom, "DEL", str(start), str(end))] = row
            if ref != ".":
                index[(chrom, "DELSEQ", str(start), ref)] = row
    return index


def curated_match(index: dict, chrom: str, pos: str, ref: str, alt: str) -> dict[str, str] | None:
    if (chrom, pos, ref, alt) in index:
        return index[(chrom, pos, ref, alt)]
    if len(alt) == 1 and len(ref) > 1 and ref[0] == alt[0]:
        start, end = int(pos) + 1, int(pos) + len(ref) - 1
        row = index.get((chrom, "DEL", str(start), str(end)))
        if row is not None and row["grch37_ref"] in (".", ref[1:]):
            return row
    return None


def curated_disagrees(row: dict[str, str]) -> bool:
    """The panel's own curation does not treat this allele as a full-weight P/LP allele."""
    return (row["classification"] not in ("pathogenic", "likely_pathogenic")
            or row["diagnostic_weight"] != "full")


# ---------------------------------------------------------------- builders


def build_missense(shared: Path, derived: Path, clinvar: dict, log: list[str]) -> tuple[list[tuple[str, ...]], dict]:
    raw37 = {(r["chrom"], r["start"], r["ref"], r["alt"], r["id_as_given_by_InterVar(likely_ClinVar_VariationID)"]): r
             for r in read_hash_tsv(shared / "intervar_PS1_patho_missense_hlh41_grch37.tsv")}
    raw38_by_id: dict[str, list[dict]] = defaultdict(list)
    for r in read_hash_tsv(shared / "intervar_PS1_patho_missense_hlh41_grch38.tsv"):
        raw38_by_id[r["id_as_given_by_InterVar(likely_ClinVar_VariationID)"]].append(r)
    by_allele = defaultdict(list)
    for (chrom, pos, ref, alt, vid) in clinvar:
        by_allele[(chrom, pos, ref, alt)].append(vid)
    rows, p_by_allele, dropped = [], {}, Counter()
    for r in read_tsv(derived / "pathogenic_missense.tsv"):
        if r["use_for_ps1_pm5"] != "yes":
            dropped[r["use_for_ps1_pm5"]] += 1
            continue
        allele_id = r["clinvar_allele_id"]
        key37 = (r["grch37_chrom"], r["grch37_pos"], r["grch37_ref"], r["grch37_alt"], allele_id)
        raw = raw37.get(key37)
        if raw is None:
            fail(f"pathogenic_missense: {key37} not in the InterVar GRCh37 table")
        if (AA3[raw["ref_aa"]], AA3[raw["alt_aa"]]) != (r["ref_aa"], r["alt_aa"]):
            fail(f"pathogenic_missense: amino acids differ from InterVar for {key37}")
        if raw["p_change"][3:-1] != r["codon"] or r["hgvs_p"] != f"p.({r['ref_aa']}{r['codon']}{r['alt_aa']})":
            fail(f"pathogenic_missense: codon/hgvs_p differ from InterVar GRCh37 {raw['p_change']} for {key37}")
        for r38 in raw38_by_id.get(allele_id, []):
            if (r38["start"], r38["ref"], r38["alt"]) != (r["grch38_pos"], r["grch38_ref"], r["grch38_alt"]):
                fail(f"pathogenic_missense: GRCh38 allele differs from InterVar for AlleleID {allele_id}")
        vids = by_allele.get(key37[:4], [])
        if len(vids) > 1:
            fail(f"pathogenic_missense: several ClinVar 2016 records at {key37[:4]}")
        vid = vids[0] if vids else None
        if (vid or ".") != r["clinvar_variation_id"]:
            fail(f"pathogenic_missense: VariationID {vid} (ClinVar 2016) vs {r['clinvar_variation_id']} (derived)")
        clinvar_id = vid if vid else f"AlleleID {allele_id}"
        rows.append((r["gene"], r["codon"], r["ref_aa"], r["alt_aa"], r["hgvs_p"], r["grch37_chrom"],
                     r["grch37_pos"], r["grch37_ref"], r["grch37_alt"], r["grch38_pos"], r["grch38_ref"],
                     r["grch38_alt"], clinvar_id, MISSENSE_SOURCE.format(allele_id), "2021-08"))
        p_by_allele[key37[:4]] = r["hgvs_p"]
    rows.sort(key=lambda x: (x[0], int(x[6]), x[7], x[8]))
    log.append(f"pathogenic_missense: {len(rows)} rows kept; derived rows not used: {dict(sorted(dropped.items()))}")
    return rows, p_by_allele


def build_known(derived: Path, panel: Path, clinvar: dict, p_by_allele: dict,
                log: list[str]) -> list[tuple[str, ...]]:
    models = read_models(panel / "hlh_exons.tsv")
    curated = curated_index(panel / "hlh_known_variants.tsv")
    rows, seen, checked_c, matched = [], set(), 0, []
    for r in read_tsv(derived / "known_alleles.tsv"):
        key = (r["grch37_chrom"], r["grch37_pos"], r["grch37_ref"], r["grch37_alt"], r["clinvar_variation_id"])
        info = clinvar.get(key)
        if info is None:
            fail(f"known_alleles: {key} has no exactly matching ClinVar 2016 record")
        seen.add(key)
        sig = significance(info["CLINICAL_SIGNIFICANCE"], info["CONFLICTED"])
        status = review_status(info["REVIEW_STATUS"])
        pmid_text, dropped = pmids(info.get("ALL_PMIDS"))
        if dropped:
            log.append(f"known_alleles: VariationID {key[4]}: implausible PMID(s) {','.join(dropped)} dropped")
        # MANE c. (SNVs): recompute on the GRCh37 exon model and compare with the derived table.
        hgvs_c = "."
        derived_c = r["hgvs_c_mane_derived"]
        if derived_c != ".":
            model = models[r["gene"]]
            label = c_of_pos(model, int(key[1]))
            ref, alt = key[2], key[3]
            if model["strand"] == "-":
                ref, alt = ref.translate(COMPLEMENT), alt.translate(COMPLEMENT)
            mine = f"c.{label}{ref}>{alt}"
            if label is None or derived_c.split(":", 1)[1] != mine:
                fail(f"known_alleles: MANE c. {derived_c} (derived) vs {mine} (hlh_exons.tsv) for {key}")
            hgvs_c = mine
            checked_c += 1
        hgvs_p = p_by_allele.get(key[:4], ".")
        cur = curated_match(curated, *key[:4])
        if cur is not None:
            matched.append(f"{cur['gene']} {cur['hgvs_c']} ({cur['classification']}, {cur['diagnostic_weight']}) "
                           f"= VariationID {key[4]} {sig}")
            if hgvs_c != "." and hgvs_c != cur["hgvs_c"]:
                fail(f"known_alleles: curated {cur['hgvs_c']} vs derived {hgvs_c}")
            hgvs_c = cur["hgvs_c"]
            # The curated p. is taken for substitutions only; an indel's p. may be unverified there.
            if len(key[2]) == len(key[3]) == 1 and cur["hgvs_p"] not in (".", "p.?"):
                hgvs_p = cur["hgvs_p"]
        well = (sig in PLP and pmid_text != "." and "somatic" not in info["ORIGIN"].split("|")
                and not (cur is not None and curated_disagrees(cur)))
        stars = STARS[status]
        rows.append((r["gene"], hgvs_c, hgvs_p, key[0], key[1], key[2], key[3], r["grch38_pos"],
                     r["grch38_ref"], r["grch38_alt"], sig, str(stars), status, key[4], pmid_text,
                     "yes" if well else "no", CLINVAR_SOURCE.format(key[4]), "2016-09"))
    excluded = sorted(set(clinvar) - seen, key=lambda k: (k[0], int(k[1])))
    for k in excluded:
        log.append(f"known_alleles: ClinVar record not written (not a panel-gene allele per the curator's "
                   f"exclusion list): {k[0]}:{k[1]} {k[2]}>{k[3]} VariationID {k[4]} "
                   f"SYMBOL={clinvar[k]['SYMBOL']} traits={clinvar[k]['ALL_TRAITS'][:60]}")
    if len(excluded) != 5:
        fail(f"known_alleles: expected the 5 documented exclusions, found {len(excluded)}")
    log.append(f"known_alleles: {len(rows)} rows; MANE c. recomputed and agreeing for {checked_c} SNVs")
    for m in matched:
        log.append(f"known_alleles: curated panel allele in ClinVar 2016: {m}")
    rows.sort(key=lambda x: (x[0], int(x[4]), x[5], x[6], x[13]))
    return rows


def build_lof(shared: Path, derived: Path, log: list[str]) -> list[tuple[str, ...]]:
    raw: dict[str, dict[tuple[str, str, str, str], set[str]]] = {"GRCh37": defaultdict(set), "GRCh38": defaultdict(set)}
    for build, name in (("GRCh37", "hg19"), ("GRCh38", "hg38")):
        for r in read_hash_tsv(shared / f"autopvs1_exon_lof_popmax_hlh41_{name}.tsv"):
            for item in r["refseq_exon|gnomAD_LoF_variant:popmax_AF..."].split("|")[1:]:
                variant, _, af = item.partition(":")
                chrom, pos, ref, alt = variant.split("-")
                raw[build][(chrom, pos, ref, alt)].add(af)
    rows, seen = [], set()
    for r in read_tsv(derived / "lof_frequencies.tsv"):
        key = (r["chrom"], r["pos"], r["ref"], r["alt"])
        afs = raw[r["build"]].get(key)
        if afs is None or r["popmax_af"] not in afs or len(afs) != 1:
            fail(f"lof_frequencies: {r['build']} {key} {r['popmax_af']} not (uniquely) in the AutoPVS1 table")
        seen.add((r["build"], key))
        rows.append((r["gene"], r["build"], *key, r["popmax_af"], LOF_SOURCE[r["build"]], "2021-08"))
    unused = [(b, k) for b in raw for k in raw[b] if (b, k) not in seen]
    for b, k in unused:
        log.append(f"lof_frequencies: AutoPVS1 allele not written (outside the panel genes per the curator): {b} {'-'.join(k)}")
    if len(unused) != 1:
        fail(f"lof_frequencies: expected 1 documented exclusion (ACD allele), found {len(unused)}")
    rows.sort(key=lambda x: (x[0], x[1], int(x[3]), x[4], x[5]))
    log.append(f"lof_frequencies: {len(rows)} rows")
    return rows


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - a file fingerprint, not security


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("/work/shared/data/knowledge"))
    parser.add_argument("--derived", type=Path, default=Path("/work/scratch/knowledge"))
    parser.add_argument("--panel", type=Path, default=HERE.parent)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    for needed in (args.shared / "clinvar_20161102_macarthur_grch37_hlh41.vcf.gz",
                   args.derived / "known_alleles.tsv", args.panel / "hlh_known_variants.tsv"):
        if not needed.is_file():
            print(f"build.py: input {needed} not found; this maintainer script needs the shared "
                  f"slices and the curator's derived tables (see README.md)", file=sys.stderr)
            return 2
    log: list[str] = []
    try:
        clinvar = read_clinvar(args.shared / "clinvar_20161102_macarthur_grch37_hlh41.vcf.gz")
        missense, p_by_allele = build_missense(args.shared, args.derived, clinvar, log)
        known = build_known(args.derived, args.panel, clinvar, p_by_allele, log)
        lof = build_lof(args.shared, args.derived, log)
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    outputs = {
        "known_alleles.tsv": (KNOWN_HEADER, known),
        "pathogenic_missense.tsv": (MISSENSE_HEADER, missense),
        "lof_frequencies.tsv": (LOF_HEADER, lof),
        "critical_regions.tsv": (REGION_HEADER, list(CRITICAL_REGIONS)),
    }
    for name, (header, rows) in outputs.items():
        write_tsv(args.out / name, header, rows)
    for line in log:
        print(line)
    for name, (_header, rows) in outputs.items():
        per_gene = Counter(r[0] for r in rows)
        print(f"{name}: {len(rows)} rows, md5 {md5(args.out / name)}; per gene: "
              + ", ".join(f"{g} {n}" for g, n in sorted(per_gene.items())))
    well = Counter(r[15] for r in known)
    print(f"known_alleles.tsv well_described: {dict(sorted(well.items()))}")
    for label, path in (("ClinVar slice", args.shared / "clinvar_20161102_macarthur_grch37_hlh41.vcf.gz"),
                        ("InterVar PS1 GRCh37", args.shared / "intervar_PS1_patho_missense_hlh41_grch37.tsv"),
                        ("InterVar PS1 GRCh38", args.shared / "intervar_PS1_patho_missense_hlh41_grch38.tsv"),
                        ("AutoPVS1 hg19", args.shared / "autopvs1_exon_lof_popmax_hlh41_hg19.tsv"),
                        ("AutoPVS1 hg38", args.shared / "autopvs1_exon_lof_popmax_hlh41_hg38.tsv"),
                        ("derived known_alleles", args.derived / "known_alleles.tsv"),
                        ("derived pathogenic_missense", args.derived / "pathogenic_missense.tsv"),
                        ("derived lof_frequencies", args.derived / "lof_frequencies.tsv"),
                        ("hlh_exons.tsv", args.panel / "hlh_exons.tsv"),
                        ("hlh_known_variants.tsv", args.panel / "hlh_known_variants.tsv")):
        print(f"input md5 {label}: {md5(path)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

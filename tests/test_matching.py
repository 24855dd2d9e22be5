"""Every curated allele is recognised in every representation a VCF may use.

Representations: as in the table; chr-prefixed contig; extra shared padding base(s); one ALT of a
multi-allelic record (the other ALT a different change); split records; and, for indels in a
repeat, written at another copy of the repeat (matched only after left-alignment against a FASTA;
without one an 'it may be the same allele' note is given). GRCh37 and GRCh38 loci of the table;
with and without the CONSTRUCTED reference FASTA (GRCh37).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA
from interpretation_fixtures import reference_fasta  # noqa: F401  (session fixture)

from varhlh.annotate.annotator import Annotator
from varhlh.annotate.reference import Reference
from varhlh.annotate.resources import LocalSources
from varhlh.models import Allele, Build, KnownVariant, VcfRecord
from varhlh.panel import load_panel
from varhlh.settings import Settings

PANEL = load_panel()
OTHER = {"A": "C", "C": "G", "G": "T", "T": "A"}


def _allele(chrom: str, pos: int, ref: str, alts: tuple[str, ...], index: int, gene: str) -> Allele:
    record = VcfRecord(chrom, pos, pos + len(ref) - 1, None, ref, alts, 50.0, (), {}, {})
    return Allele(f"{chrom}-{pos}-{ref}-{alts[index - 1]}", record, index, PANEL.gene(gene))


def representations(known: KnownVariant, build: Build) -> list[tuple[str, str, int, str, tuple[str, ...], int]]:
    """(label, chrom, pos, ref, alts, alt_index) for each way a VCF may write the curated allele."""
    locus = known.loci[build]
    chrom = locus.chrom
    if locus.alt != "-":  # substitution
        ref, alt = locus.ref or "", locus.alt
        pad = "A"
        return [
            ("as written", chrom, locus.start, ref, (alt,), 1),
            ("chr prefix", f"chr{chrom}", locus.start, ref, (alt,), 1),
            ("padded left", chrom, locus.start - 1, pad + ref, (pad + alt,), 1),
            ("padded both sides", chrom, locus.start - 1, pad + ref + pad, (pad + alt + pad,), 1),
            ("multi-allelic ALT2", chrom, locus.start, ref, (OTHER[alt], alt), 2),
            ("multi-allelic with a deletion", chrom, locus.start, ref + "GA", (alt + "GA", ref), 1),
        ]
    deleted = locus.ref or "ACGTACGTAC"[: locus.end - locus.start + 1]
    anchor = "G"
    return [
        ("as written", chrom, locus.start - 1, anchor + deleted, (anchor,), 1),
        ("chr prefix", f"chr{chrom}", locus.start - 1, anchor + deleted, (anchor,), 1),
        ("padded right", chrom, locus.start - 1, anchor + deleted + "T", (anchor + "T",), 1),
        ("multi-allelic ALT2", chrom, locus.start - 1, anchor + deleted, (OTHER[anchor] + deleted, anchor), 2),
    ]


CASES = [(k, b, rep) for k in PANEL.known_variants for b in Build for rep in representations(k, b)]


@pytest.mark.parametrize(("known", "build", "rep"), CASES,
                         ids=[f"{k.gene}:{k.hgvs_c}:{b}:{r[0]}" for k, b, r in CASES])
def test_curated_allele_matched_without_fasta(known: KnownVariant, build: Build, rep: tuple) -> None:  # type: ignore[type-arg]
    annotator = Annotator({}, PANEL, build, Settings())
    _, chrom, pos, ref, alts, index = rep
    assert annotator.annotate(_allele(chrom, pos, ref, alts, index, known.gene)).known is known


@pytest.fixture(scope="module")
def with_fasta(reference_fasta: Path) -> Annotator:  # noqa: F811
    local = LocalSources(reference=Reference(reference_fasta, Build.GRCH37))
    return Annotator({}, PANEL, Build.GRCH37, Settings(), local)


CASES37 = [(k, rep) for k, b, rep in CASES if b is Build.GRCH37]


@pytest.mark.parametrize(("known", "rep"), CASES37, ids=[f"{k.gene}:{k.hgvs_c}:{r[0]}" for k, r in CASES37])
def test_curated_allele_matched_with_fasta(with_fasta: Annotator, known: KnownVariant, rep: tuple) -> None:  # type: ignore[type-arg]
    _, chrom, pos, ref, alts, index = rep
    assert with_fasta.annotate(_allele(chrom, pos, ref, alts, index, known.gene)).known is known


def test_every_curated_allele_is_covered() -> None:
    assert {k.hgvs_c for k, _, _ in CASES} == {k.hgvs_c for k in PANEL.known_variants}
    assert any(k.loci[Build.GRCH37].alt == "-" for k, _, _ in CASES)


@pytest.mark.parametrize(("pos", "ref", "alt"), [
    (72358630, "TCTT", "T"),    # PRF1 c.853_855del written at the last CTT copy (not left-aligned)
    (72358624, "TCTT", "T"),    # ... at the second copy
    (72358627, "TCTTCTT", "TCTT"),  # ... with extra padding
])
def test_repeat_indel_needs_the_fasta(with_fasta: Annotator, pos: int, ref: str, alt: str) -> None:
    allele = _allele("10", pos, ref, (alt,), 1, "PRF1")
    assert with_fasta.annotate(allele).known.hgvs_c == "c.853_855del"  # type: ignore[union-attr]
    plain = Annotator({}, PANEL, Build.GRCH37, Settings())
    assert plain.annotate(allele).known is None
    notes = plain.annotate(allele).notes
    assert any("may be the same allele" in n and "c.853_855del" in n for n in notes)


def test_end_to_end_unnormalised_deletion_with_and_without_fasta(run_cli, reference_fasta: Path,  # noqa: F811
                                                                  tmp_path: Path) -> None:
    lines = (DATA / "vcf" / "prf1_carrier.vcf").read_text().splitlines()
    spiked = next(i for i, line in enumerate(lines) if "\t72358355\t" in line)
    fields = lines[spiked].split("\t")
    fields[1:5], fields[7] = ["72358630", ".", "TCTT", "T"], "."
    lines.insert(spiked + 1, "\t".join(fields))
    vcf = tmp_path / "prf1_w374x_k285del_unnormalised.vcf"
    vcf.write_text("\n".join(lines) + "\n")
    with_ref = run_cli("triage", str(vcf), "--fasta", str(reference_fasta))
    assert with_ref.code == 0, with_ref.err
    data = with_ref.json()
    deletion = next(v for v in data["variants"] if v["id"] == "10-72358630-TCTT-T")
    assert (deletion["curated"], deletion["hgvs_c"], deletion["hgvs_p"]) == ("c.853_855del", "c.853_855del",
                                                                             "p.(Lys285del)")
    assert next(g for g in data["genes"] if g["symbol"] == "PRF1")["call"] == "possible_biallelic"
    without = run_cli("triage", str(vcf)).json()
    deletion = next(v for v in without["variants"] if v["id"] == "10-72358630-TCTT-T")
    assert deletion["curated"] is None and deletion["hgvs_c"] == "c.844_846del"
    assert any("may be the same allele" in n for n in deletion["annotation_notes"])

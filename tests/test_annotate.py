"""The VCF's annotation against the built-in model: both reported, the one used named (CONSTRUCTED entries)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from interpretation_fixtures import INTERPRETATION, reference_fasta  # noqa: F401  (session fixture)

from varhlh.annotate.annotator import Annotator, disagree
from varhlh.annotate.protein import comparable_p
from varhlh.annotate.reference import Reference
from varhlh.annotate.resources import LocalSources
from varhlh.models import Allele, Build, VcfRecord
from varhlh.panel import load_panel
from varhlh.read.reader import FieldDef
from varhlh.settings import Settings

PANEL = load_panel()
_INFO = re.compile(r'##INFO=<ID=([^,>]+),Number=([^,>]+),Type=([^,>]+),Description="(.*)">')


def _csq_header() -> tuple[dict[str, FieldDef], list[str]]:
    line = next(x for x in (INTERPRETATION / "annotations_vep_csq.vcf").read_text().splitlines()
                if x.startswith("##INFO=<ID=CSQ"))
    m = _INFO.match(line)
    assert m is not None
    fields = m.group(4).split("Format: ")[1].split("|")
    return {"CSQ": FieldDef("CSQ", m.group(2), m.group(3), m.group(4))}, fields


DEFS, FIELDS = _csq_header()


def csq(**values: str) -> str:
    return "|".join(values.get(name, "") for name in FIELDS)


def prf1_entry(alt: str, term: str, hgvs_c: str, hgvs_p: str = "", transcript: str = "ENST00000441259",
               mane: str = "NM_001083116.3") -> str:
    return csq(Allele=alt, Consequence=term, SYMBOL="PRF1", Feature_type="Transcript", Feature=transcript,
               BIOTYPE="protein_coding", HGVSc=f"{transcript}.2:{hgvs_c}", HGVSp=hgvs_p, MANE_SELECT=mane,
               CANONICAL="YES" if mane else "")


def allele(pos: int, ref: str, alt: str, entry: str) -> Allele:
    record = VcfRecord("10", pos, pos + len(ref) - 1, None, ref, (alt,), 50.0, (), {"CSQ": entry}, {})
    return Allele(f"10-{pos}-{ref}-{alt}", record, 1, PANEL.gene("PRF1"))


@pytest.fixture(scope="module")
def with_fasta(reference_fasta: Path) -> Annotator:  # noqa: F811
    return Annotator(DEFS, PANEL, Build.GRCH37, Settings(),
                     LocalSources(reference=Reference(reference_fasta, Build.GRCH37)))


PLAIN = Annotator(DEFS, PANEL, Build.GRCH37, Settings())
K285DEL = prf1_entry("-", "inframe_deletion", "c.853_855del", "ENSP00000398568.1:p.Lys285del")


def test_hgvs_c_difference_is_reported_and_explained() -> None:
    """PRF1 c.853_855del written at the last repeat copy: VEP 3'-shifts, the built-in model (no FASTA) cannot."""
    a = allele(72358630, "TCTT", "T", K285DEL)
    annotation = PLAIN.annotate(a)
    assert (annotation.hgvs_c, annotation.hgvs_source) == ("c.853_855del", "VCF CSQ (vep)")
    assert any("HGVS c. differs" in n and "c.844_846del" in n and "not 3'-shifted" in n for n in annotation.notes)
    (other,) = annotation.other_consequence
    assert (other.source, other.hgvs_c) == ("built-in MANE model", "c.844_846del")


def test_with_fasta_the_two_agree(with_fasta: Annotator) -> None:
    a = allele(72358630, "TCTT", "T", K285DEL)
    annotation = with_fasta.annotate(a)
    assert not any("differs" in n for n in annotation.notes)
    (other,) = annotation.other_consequence
    assert (other.hgvs_c, other.hgvs_p) == ("c.853_855del", "p.(Lys285del)")
    assert annotation.known is not None and annotation.known.hgvs_c == "c.853_855del"


def test_consequence_disagreement_with_fasta(with_fasta: Annotator) -> None:
    """A (wrong) VCF annotation calls W374X missense; the FASTA gives stop_gained: both shown, VCF used."""
    a = allele(72358355, "C", "T", prf1_entry("T", "missense_variant", "c.1122G>A", "ENSP00000398568.1:p.Trp374Cys"))
    annotation = with_fasta.annotate(a)
    assert annotation.consequence == "missense_variant"
    assert any("built-in MANE model gives stop_gained" in n and "(missense_variant) on the MANE transcript was used"
               in n for n in annotation.notes)
    assert any("HGVS p. differs" in n and "p.(Trp374Ter)" in n for n in annotation.notes)
    assert annotation.other_consequence[0].consequence == "stop_gained"


def test_entry_on_another_transcript_gets_mane_names(with_fasta: Annotator) -> None:
    a = allele(72358355, "C", "T", prf1_entry("T", "stop_gained", "c.999G>A", "ENSP00000999999.1:p.Trp333Ter",
                                              transcript="ENST00000373209", mane=""))
    annotation = with_fasta.annotate(a)
    assert (annotation.hgvs_c, annotation.hgvs_p, annotation.transcript) == ("c.1122G>A", "p.(Trp374Ter)",
                                                                             "NM_001083116.3")
    assert any("p.Trp333Ter is on ENST00000373209" in n for n in annotation.notes)


def test_missing_vep_hgvsp_is_taken_from_the_model(with_fasta: Annotator) -> None:
    a = allele(72360386, "G", "A", prf1_entry("A", "synonymous_variant", "c.273C>T"))  # not curated
    annotation = with_fasta.annotate(a)
    assert annotation.hgvs_p == "p.(Ala91=)"
    assert any("HGVS p. p.(Ala91=) from the built-in model" in n for n in annotation.notes)
    assert PLAIN.annotate(a).hgvs_p is None


@pytest.mark.parametrize(("a", "b", "differ"), [
    ("stop_gained", "stop_gained", False), ("stop_gained", "missense_variant", True),
    ("missense_variant", "coding_sequence_variant", False), ("intron_variant", "splice_acceptor_variant", True),
    ("intron_variant", "3_prime_UTR_variant", False), ("frameshift_variant", "inframe_deletion", True),
])
def test_disagree(a: str, b: str, differ: bool) -> None:
    assert disagree(a, b) is differ


@pytest.mark.parametrize(("text", "expected"), [
    ("p.Trp374Ter", "p.Trp374Ter"), ("p.(Trp374Ter)", "p.Trp374Ter"), ("p.Trp374*", "p.Trp374Ter"),
    ("p.W374*", "p.Trp374Ter"), ("p.R45=", "p.Arg45="), ("p.(Lys285del)", "p.Lys285del"),
])
def test_comparable_p(text: str, expected: str) -> None:
    assert comparable_p(text) == expected


def test_null_consequence_on_another_transcript_does_not_override_mane() -> None:
    """A stop_gained on a non-MANE transcript at a position that is intronic on MANE must not become PVS1."""
    entry = prf1_entry("A", "stop_gained", "c.100C>T", "ENSP00000999999.1:p.Gln34Ter", transcript="ENST00000999999",
                       mane="")
    a = allele(72359500, "G", "A", entry)  # PRF1 intron 2 on the MANE transcript (GRCh37)
    annotation = PLAIN.annotate(a)
    assert annotation.consequence == "intron_variant"
    assert any("not the MANE transcript" in n and "stop_gained" in n for n in annotation.notes)
    assert annotation.other_consequence[0].consequence == "stop_gained"


# ------------------------------------------------------------------ transcript identity (issue: MANE checked)

def _entry(transcript: str, versioned: str | None, hgvs_c: str, hgvs_p: str, term: str = "missense_variant") -> str:
    prefix = f"{transcript}.{versioned}" if versioned else transcript
    return csq(Allele="T", Consequence=term, SYMBOL="PRF1", Feature_type="Transcript",
               Feature=prefix, BIOTYPE="protein_coding", HGVSc=f"{prefix}:{hgvs_c}", HGVSp=hgvs_p)


NONSENSE_POS = 72358376  # PRF1 c.1101 on GRCh37 (minus strand; a constructed, non-curated change C>T = c.1101G>A)


@pytest.mark.parametrize(("transcript", "version", "hgvs_c", "exact", "p_kept"), [
    ("NM_001083116", "3", "c.1101G>A", True, True),     # the panel's MANE Select accession.version: used as is
    ("NM_001083116", "2", "c.1101G>A", False, True),    # another version, same c.: numbering checked, p. kept
    ("NM_001083116", None, "c.1101G>A", False, True),   # no version, same c.
    ("NM_001083116", "1", "c.1136G>A", False, False),   # another version numbering otherwise: p. not shown
    ("NM_005041", "4", "c.1101G>A", False, True),       # another transcript whose c. happens to agree
])
def test_an_annotation_speaks_for_mane_only_with_the_exact_version(transcript: str, version: str | None,
                                                                   hgvs_c: str, exact: bool, p_kept: bool) -> None:
    entry = _entry(transcript, version, hgvs_c, f"{transcript}:p.Trp367Ter" if p_kept else "XP_1:p.Trp379Ter",
                   term="stop_gained")
    found = PLAIN.annotate(allele(NONSENSE_POS, "C", "T", entry))
    assert found.consequence == "stop_gained"           # the model agrees on the class (coding): the term is used
    assert found.transcript == "NM_001083116.3" and found.hgvs_c == "c.1101G>A"
    notes = " ".join(found.notes)
    if exact:
        assert found.hgvs_source.startswith("VCF CSQ")  # type: ignore[union-attr]
    else:
        assert "not the panel's MANE Select NM_001083116.3" in notes
        assert found.hgvs_source == "built-in MANE model"
    assert (found.hgvs_p is not None) is p_kept, notes
    assert found.truncation is not None and found.truncation.first_codon == 367


def test_another_transcripts_splice_region_does_not_override_a_mane_intron() -> None:
    """An entry on another transcript calling a deep-intronic MANE position a splice-region variant: the MANE model
    decides (intron), so the allele is not reported as a splice-region VUS."""
    pos = 72359500  # PRF1 intron 2 on MANE, far from any exon
    entry = csq(Allele="T", Consequence="splice_region_variant&intron_variant", SYMBOL="PRF1",
                Feature_type="Transcript", Feature="ENST00000999999.1", BIOTYPE="protein_coding")
    found = PLAIN.annotate(allele(pos, "C", "T", entry))
    assert found.consequence == "intron_variant", found.notes


def test_unannotated_coding_snv_is_unresolved_and_says_what_would_resolve_it() -> None:
    record = VcfRecord("10", 72360259, 72360259, None, "C", ("T",), 50.0, (), {}, {})  # PRF1 c.400
    found = Annotator({}, PANEL, Build.GRCH37, Settings()).annotate(Allele("x", record, 1, PANEL.gene("PRF1")))
    assert found.consequence == "coding_sequence_variant"
    assert found.unresolved is not None and "--fasta" in found.unresolved and "VEP" in found.unresolved


def test_evidence_sources_found_in_the_alleles_annotations_only_once_one_has_them() -> None:
    """The header names no ClinVar or frequency INFO field: the sources are read from the alleles' CSQ columns
    (a frequency column present but empty still names its source). An annotator that has made no annotation with
    a ClinVar value answers None for ClinVar without reading the annotations; once it has, the first annotation in
    the given order that carries one names the source."""
    annotator = Annotator(DEFS, PANEL, Build.GRCH37, Settings())
    assert annotator.evidence_sources([])[2:] == (None, None)
    bare = annotator.annotate(allele(72358630, "TCTT", "T", K285DEL))
    assert bare.clinvar is None and bare.frequency is not None
    assert annotator.evidence_sources([bare])[2:] == (None, bare.frequency.source)
    rich = annotator.annotate(allele(72360387, "G", "A", csq(
        **{**dict(zip(FIELDS, prf1_entry("A", "stop_gained", "c.1122G>A").split("|"), strict=True)),
           "CLIN_SIG": "pathogenic"})))
    assert rich.clinvar is not None
    assert annotator.evidence_sources([bare, rich])[2] == rich.clinvar.source
    assert annotator.evidence_sources([bare])[2] is None  # the given alleles' own values, still

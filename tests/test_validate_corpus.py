"""The bad-input corpus: every case refused with exit 3, one line naming file, record and fix, no
traceback and no output files; or accepted with its warning in JSON ``warnings`` and ``limitations``.

Three sources (provenance in tests/data/malformed/README.md): the VCF conformance suite, malformed
files from other tools' test suites, and cases generated here from the spiked fixture
``prf1_hom_w374x.vcf`` (its PRF1 record 10:72358355 C>T, GT 1/1, is the one mutated).
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA

from varhlh.errors import InputError
from varhlh.read.reader import VcfReader

MALFORMED = DATA / "malformed"
BASE = DATA / "vcf" / "prf1_hom_w374x.vcf"
PRF1 = "10\t72358355\t"


def read_everything(path: Path) -> int:
    """Open with the reader and read every record of every contig (validation on all of them)."""
    names: set[str] = set()
    data = path.read_bytes()
    try:
        text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    except (OSError, EOFError, zlib.error):
        text = b""  # the reader must say so itself
    for line in text.split(b"\n"):
        if line and not line.startswith(b"#"):
            names.add(line.split(b"\t", 1)[0].decode("utf-8", "replace"))
    with VcfReader(str(path)) as reader:
        reader.select_samples(reader.header.samples)
        regions = {name: [(1, 2**31 - 2)] for name in names | set(reader.header.contigs)}
        return len(list(reader.records(regions, 0)))


# ------------------------------------------------------------------------------------------ corpus

CONFORMANCE_REFUSED = {
    "failed_body_alt_000.vcf": "ALT 'R' is an IUPAC ambiguity code",
    "failed_body_alt_001.vcf": "ALT 'A T' is an invalid allele",
    "failed_body_alt_002.vcf": "ALT '.' is an invalid allele",
    "failed_body_alt_003.vcf": "ALT '<INS>BLAH>' is an invalid allele",
    "failed_body_alt_005.vcf": "ALT '[1:100[' is an invalid allele",
    "failed_body_ref_000.vcf": "REF 'C,A' is an invalid allele",
    "failed_body_ref_001.vcf": "REF 'B' is an IUPAC ambiguity code",
    "failed_body_ref_002.vcf": "REF '.' is an invalid allele",
    "failed_body_sample_000.vcf": "record 1:55388: GT '1/C' is not allele numbers",
    "failed_body_sample_001.vcf": "genotype 0/3 refers to allele 3, but the record has 2 ALT",
    "failed_body_sample_002.vcf": "GT '0.000' is not allele numbers",
    "failed_body_sample_003.vcf": "cannot parse the first record",
    "failed_body_sample_011.vcf": "duplicate sample name(s) HG00096, HG00097",
    "failed_body_format_006.vcf": "GT '0/|1' is not allele numbers",
    "failed_body_format_007.vcf": "record 1:200: no GT in FORMAT",
    "failed_body_info_031.vcf": "INFO/MY has 1 value(s), but Number=A needs 2",
    "failed_body_unsorted_000.vcf": "record 1:500 comes after 1:1400; the VCF is not sorted",
    "failed_body_contiguous_000.vcf": "contig 1 appears again after other contigs",
    "failed_body_pos_000.vcf": "malformed record",
    "failed_body_pos_001.vcf": "malformed record",
    "failed_body_pos_002.vcf": "malformed record",
    "failed_body_chrom_000.vcf": "cannot parse the first record",
    "failed_body_no_newline_001.vcf": "the last line has no newline",
    "failed_empty.vcf": "line 1 is '', not '##fileformat=VCF",
    "failed_empty_sample.vcf": "the file is empty",
    "failed_fileformat_000.vcf": "line 1 is '##fileformat=', not",
    "failed_header_000.vcf": "the '#CHROM' columns are not",
    "failed_header_001.vcf": "no FORMAT and sample columns (a sites-only VCF)",
    "failed_meta_002.vcf": "no '#CHROM' header line before the records",
    "passed_body_alt.vcf": "record 1:1900: sample HG00097 genotype 0|1 refers to allele 1, but the record has 0 ALT",
}
CONFORMANCE_ACCEPTED = ["passed_body_chrom.vcf", "passed_body_filter.vcf", "passed_body_id.vcf",
                        "passed_body_info.vcf", "passed_body_pos.vcf", "passed_body_qual.vcf", "passed_body_ref.vcf",
                        "passed_ploidy_000.vcf", "passed_ploidy_001.vcf", "passed_symbolic_duplicates.vcf"]
REAL_WORLD_REFUSED = {
    "1kg_corrupt.vcf.gz": "cannot decompress the header",
    "improperly_formatted.vcf": "cannot parse the first record",
    "missing-headers.vcf": "record ref:100: 9 columns, but the header has 10",
    "test-invalid-header.vcf": "sample 2 has an empty name",
    "empty.vcf": "the file is empty",
    "test48a.vcf": "line 1 is 'foo', not '##fileformat=VCF",
}


@pytest.mark.parametrize(("name", "message"), sorted(CONFORMANCE_REFUSED.items()))
def test_conformance_suite_failures_are_refused(name: str, message: str) -> None:
    path = MALFORMED / "hts-specs" / name
    with pytest.raises(InputError) as caught:
        read_everything(path)
    text = str(caught.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


@pytest.mark.parametrize("name", CONFORMANCE_ACCEPTED)
def test_conformance_suite_valid_corner_cases_are_accepted(name: str) -> None:
    assert read_everything(MALFORMED / "hts-specs" / name) > 0


@pytest.mark.parametrize(("name", "message"), sorted(REAL_WORLD_REFUSED.items()))
def test_real_world_malformed_files_are_refused(name: str, message: str) -> None:
    path = MALFORMED / "real-world" / name
    with pytest.raises(InputError) as caught:
        read_everything(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_real_world_valid_oddities_are_accepted() -> None:
    assert read_everything(MALFORMED / "real-world" / "duplicate-positions.vcf") == 4
    assert read_everything(MALFORMED / "real-world" / "notbgz.vcf.gz") == 168


# ------------------------------------------------------------------------------- generated cases


def mutate(tmp_path: Path, name: str, record: Callable[[list[str]], str] | None = None,
           header: Callable[[str], str] | None = None) -> Path:
    """A copy of BASE with the PRF1 record rewritten by ``record`` and/or the header by ``header``."""
    text = BASE.read_text()
    line = next(x for x in text.splitlines() if x.startswith(PRF1))
    if record is not None:
        text = text.replace(line, record(line.split("\t")))
    if header is not None:
        head, _, body = text.partition("\n#CHROM")
        text = header(head) + "\n#CHROM" + body
    target = tmp_path / f"{name}.vcf"
    target.write_text(text)
    return target


def fields(**changes: str) -> Callable[[list[str]], str]:
    """Replace columns by index: fields(c3='R') sets REF."""
    def apply(columns: list[str]) -> str:
        for key, value in changes.items():
            columns[int(key[1:])] = value
        return "\t".join(columns)
    return apply


REFUSED_RECORDS: dict[str, tuple[Callable[[list[str]], str], str]] = {
    "gt_index_beyond_alts": (fields(c9="0/3:0,604:604:99:18123,1815,0"),
                             "record 10:72358355: sample NA12878 genotype 0/3 refers to allele 3, but the record "
                             "has 1"),
    "ad_wrong_length": (fields(c9="1/1:0,604,2:604:99:18123,1815,0"),
                        "FORMAT/AD of sample NA12878 has 3 value(s), but Number=R needs 2"),
    "ad_too_short": (fields(c9="1/1:604:604:99:18123,1815,0"), "FORMAT/AD of sample NA12878 has 1 value(s)"),
    "iupac_ref": (fields(c3="Y"), "REF 'Y' is an IUPAC ambiguity code"),
    "garbage_alt": (fields(c4="T;"), "ALT 'T;' is an invalid allele"),
    "gvcf_block": (fields(c4="<NON_REF>", c9="0/0:604,0:604:99:0,1815,18123"), "gVCF reference block"),
    "gvcf_star_block": (fields(c4="<*>", c9="0/0:604,0:604:99:0,1815,18123"), "gVCF reference block"),
    "no_gt": (fields(c8="AD:DP", c9="0,604:604"), "no GT in FORMAT"),
    "bad_gt": (fields(c9="1/x:0,604:604:99:18123,1815,0"), "GT '1/x' is not allele numbers"),
    "column_dropped": (lambda c: "\t".join(c[:9]), "record 10:72358355: 9 columns, but the header has 10"),
    "column_added": (lambda c: "\t".join([*c, "0/1"]), "11 columns, but the header has 10 (two records merged"),
    "lost_newline": (lambda c: "\t".join(c) + "\t" + "\t".join(c), "20 columns, but the header has 10"),
}


def assert_refused(run, path: Path, message: str, *extra: str) -> None:  # type: ignore[no-untyped-def]
    result = run("triage", str(path), *extra)
    assert result.code == 3, result.err
    errors = [line for line in result.err.splitlines() if line.startswith("varhlh: error:")]
    assert len(errors) == 1 and message in errors[0], result.err
    assert errors[0].startswith(f"varhlh: error: {path}: ")
    assert "Traceback" not in result.err and "[E::" not in result.err and "[W::" not in result.err
    assert not result.outdir.exists() or not any(result.outdir.iterdir())


@pytest.mark.parametrize("access", ["streamed", "indexed"])
@pytest.mark.parametrize("case", sorted(REFUSED_RECORDS))
def test_generated_record_defects_are_refused(run_cli, tmp_path: Path, indexed, case: str,  # type: ignore[no-untyped-def]
                                              access: str) -> None:
    change, message = REFUSED_RECORDS[case]
    path = mutate(tmp_path, case, change)
    if access == "indexed":
        if case in ("column_added", "lost_newline"):
            pytest.skip("extra columns are invisible through an index (htslib drops them); see docs/validation-and-security.md")
        path = indexed(path)
        if case in ("column_dropped", "bad_gt"):  # htslib parses these: the message names the record, not the cause
            message = "record 10:72358355" if case == "column_dropped" else "cannot parse the first record of 10:"
    assert_refused(run_cli, path, message)


@pytest.mark.parametrize(("case", "header", "message"), [
    ("undeclared_panel_contig", lambda h: "\n".join(x for x in h.splitlines() if not x.startswith("##contig=<ID=10,")),
     "records on contig 10, which the header's ##contig lines do not declare"),
    ("no_fileformat", lambda h: h.split("\n", 1)[1], "line 1 is '##varhlh_fixture"),
    ("duplicate_sample", None, "duplicate sample name(s) NA12878"),
    ("empty_sample_name", None, "sample 2 has an empty name"),
    ("non_utf8_sample", None, "sample 1 name is not valid UTF-8 (bytes 4e 41 e9)"),
    ("spaces_for_tabs", None, "the '#CHROM' columns are separated by spaces, not tabs"),
])
def test_generated_header_defects_are_refused(run_cli, tmp_path: Path, case: str,  # type: ignore[no-untyped-def]
                                              header: Callable[[str], str] | None, message: str) -> None:
    path = mutate(tmp_path, case, header=header)
    data = path.read_bytes()
    column_line = b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNA12878"
    replacement = {
        "duplicate_sample": column_line + b"\tNA12878",
        "empty_sample_name": column_line + b"\t",
        "non_utf8_sample": column_line.replace(b"NA12878", b"NA\xe9"),
        "spaces_for_tabs": column_line.replace(b"\t", b" "),
    }.get(case)
    if replacement is not None:
        path.write_bytes(data.replace(column_line, replacement))
    assert_refused(run_cli, path, message)


def test_header_only_and_no_final_newline_are_refused(run_cli, tmp_path: Path, indexed) -> None:  # type: ignore[no-untyped-def]
    text = BASE.read_text()
    header_only = tmp_path / "header_only.vcf"
    header_only.write_text("".join(x for x in text.splitlines(keepends=True) if x.startswith("#")))
    assert_refused(run_cli, header_only, "the VCF has a header but no records")
    assert_refused(run_cli, indexed(header_only), "the VCF has a header but no records")
    cut = tmp_path / "cut.vcf"
    cut.write_text(text[: text.index(PRF1) + 30])
    assert_refused(run_cli, cut, "the last line has no newline")


# ----------------------------------------------------------------------------- BGZF integrity


def bgzf_blocks(path: Path) -> list[int]:
    """Start offsets of the BGZF blocks of a file (the last one is the empty EOF block)."""
    data = path.read_bytes()
    offsets, i = [], 0
    while i < len(data):
        offsets.append(i)
        i += struct.unpack_from("<H", data, i + 16)[0] + 1
    return offsets


def _compress_base() -> Path:
    import tempfile

    import pysam

    target = Path(tempfile.mkdtemp(prefix="varhlh-bgzf-")) / "base.vcf.gz"
    pysam.tabix_compress(str(BASE), str(target), force=True)
    return target


COMPRESSED = _compress_base()
_BLOCKS = bgzf_blocks(COMPRESSED)
TRUNCATIONS = ([(f"at_block_{i}", offset) for i, offset in enumerate(_BLOCKS[1:], start=1)]  # every boundary
               + [(f"mid_block_{i}", offset + 100) for i, offset in enumerate(_BLOCKS[:-1])])


@pytest.fixture(scope="module")
def compressed() -> Path:
    return COMPRESSED


def test_fixture_spans_several_blocks() -> None:
    assert len(_BLOCKS) >= 4  # header block, data blocks, EOF block


@pytest.mark.parametrize(("name", "offset"), TRUNCATIONS, ids=[name for name, _ in TRUNCATIONS])
def test_truncated_bgzf_is_refused_at_every_block_boundary_and_mid_block(run_cli, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                         name: str, offset: int) -> None:
    target = tmp_path / f"{name}.vcf.gz"
    target.write_bytes(COMPRESSED.read_bytes()[:offset])
    result = run_cli("triage", str(target))
    assert result.code == 3, (name, result.err)
    assert "truncated" in result.err or "end-of-file marker" in result.err or "ends inside a block" in result.err
    assert "Traceback" not in result.err
    assert not result.outdir.exists() or not any(result.outdir.iterdir())


def test_truncated_file_with_a_newer_copied_index_is_refused(run_cli, tmp_path: Path, indexed) -> None:  # type: ignore[no-untyped-def]
    whole = indexed(BASE)
    target = tmp_path / "cut.vcf.gz"
    blocks = bgzf_blocks(whole)
    target.write_bytes(whole.read_bytes()[: blocks[-2]])  # drop the last data block and the EOF block
    index = tmp_path / "cut.vcf.gz.tbi"
    index.write_bytes(Path(f"{whole}.tbi").read_bytes())
    os.utime(index, (target.stat().st_mtime + 10, target.stat().st_mtime + 10))
    assert_refused(run_cli, target, "end-of-file marker is missing")


@pytest.mark.parametrize("where", ["header_block", "data_block"])
def test_flipped_byte_is_refused(run_cli, tmp_path: Path, compressed: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    blocks = bgzf_blocks(compressed)
    data = bytearray(compressed.read_bytes())
    start, end = (blocks[0], blocks[1]) if where == "header_block" else (blocks[1], blocks[2])
    data[(start + end) // 2] ^= 0xFF
    target = tmp_path / f"flip_{where}.vcf.gz"
    target.write_bytes(bytes(data))
    result = run_cli("triage", str(target))
    assert result.code == 3, result.err
    assert "corrupt" in result.err and "Traceback" not in result.err
    assert not result.outdir.exists() or not any(result.outdir.iterdir())


# --------------------------------------------------------------------------- accepted, with warnings


def assert_warned(data: dict, text: str) -> None:  # type: ignore[type-arg]
    assert any(text in w for w in data["warnings"]), data["warnings"]
    assert any(text in w for w in data["limitations"]), data["limitations"]


@pytest.mark.parametrize("access", ["streamed", "indexed"])
def test_lowercase_alleles_are_upper_cased_and_warned(run_cli, tmp_path: Path, indexed, access: str) -> None:  # type: ignore[no-untyped-def]
    path = mutate(tmp_path, "lower", fields(c3="c", c4="t"))
    result = run_cli("triage", str(indexed(path) if access == "indexed" else path))
    assert result.code == 0, result.err
    data = result.json()
    assert data["conclusion"]["primary_hlh"] == "confirmed"
    assert "10-72358355-C-T" in {v["id"] for v in data["variants"]}
    assert_warned(data, "lowercase REF/ALT bases (10:72358355")


@pytest.mark.parametrize(("genotype", "flag", "zygosity"), [
    ("1/1/1", "ploidy_3_call", "hom"),
    ("0/1/1", "ploidy_3_call", "het"),
    ("1", "haploid_call_on_autosome", "hemi"),
])
def test_inconsistent_ploidy_is_flagged_never_confirmed(run_cli, tmp_path: Path, genotype: str, flag: str,  # type: ignore[no-untyped-def]
                                                        zygosity: str) -> None:
    path = mutate(tmp_path, "ploidy", fields(c9=f"{genotype}:0,604:604:99:18123,1815,0"))
    data = run_cli("triage", str(path)).json()
    variant = next(v for v in data["variants"] if v["id"] == "10-72358355-C-T")
    assert variant["zygosity"] == zygosity and flag in variant["filters"]
    assert data["conclusion"]["primary_hlh"] != "confirmed"
    assert_warned(data, f"genotype flag {flag}")


def test_haploid_call_on_female_x_is_flagged(run_cli) -> None:  # type: ignore[no-untyped-def]
    data = run_cli("triage", str(DATA / "vcf" / "xlp1_male_hemizygous.vcf"), "--sex", "female").json()
    flagged = [v for v in data["variants"] if "haploid_call_in_female_X" in v["filters"]]
    assert flagged and all(v["zygosity"] == "hemi" for v in flagged)
    assert_warned(data, "haploid_call_in_female_X")


def test_no_call_at_a_panel_site_is_listed_not_reference(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = mutate(tmp_path, "nocall", fields(c9="./.:0,604:604:99:18123,1815,0"))
    data = run_cli("triage", str(path)).json()
    variant = next(v for v in data["set_aside"] if v["id"] == "10-72358355-C-T")  # listed (compact), never reference
    assert variant["zygosity"] == "no_call" and variant["reason"] == "no_call"
    assert data["conclusion"]["primary_hlh"] == "undetermined"
    assert any("no-calls in the patient" in x for x in data["limitations"])


def test_plain_gzip_and_misnamed_text_are_read_with_a_warning(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "plain.vcf.gz"
    with gzip.open(plain, "wb") as fh:
        fh.write(BASE.read_bytes())
    misnamed = tmp_path / "text.vcf.gz"
    misnamed.write_bytes(BASE.read_bytes())
    for path, warning in ((plain, "is plain gzip, not BGZF"), (misnamed, "is named .gz but is not compressed")):
        result = run_cli("triage", str(path))
        assert result.code == 0, result.err
        data = result.json()
        assert data["conclusion"]["primary_hlh"] == "confirmed"
        assert_warned(data, warning)


# --------------------------------------------------------------------------- symbolic alleles


SV_HEADER = ('##INFO=<ID=SVTYPE,Number=1,Type=String,Description="SV type">\n'
             '##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="SV length">\n'
             '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">\n'
             '##ALT=<ID=DEL,Description="Deletion">')


@pytest.mark.parametrize("access", ["streamed", "indexed"])
@pytest.mark.parametrize(("info", "upstream"), [("SVTYPE=DEL;END={end}", 5000), ("SVTYPE=DEL;SVLEN=-{length}", 5000),
                                                ("SVTYPE=DEL;SVLEN=-{length}", 9000)])
def test_deletion_starting_upstream_counts_in_the_gene(run_cli, tmp_path: Path, indexed, info: str,  # type: ignore[no-untyped-def]
                                                       upstream: int, access: str) -> None:
    """A <DEL> that starts ``upstream`` bp before PRF1's padded region and ends inside the gene is
    listed in PRF1 (not assessed), whether its extent comes from END or only from SVLEN."""
    from varhlh.models import Build
    from varhlh.panel import load_panel

    start, _ = load_panel().gene("PRF1").spans[Build.GRCH37]
    pos = start - 100 - upstream  # region start is span start minus the default padding (100 bp)
    end = start + 2000
    record = "\t".join(["10", str(pos), ".", "N", "<DEL>", "50", "PASS",
                        info.format(end=end, length=end - pos), "GT", "0/1"])
    text = BASE.read_text().replace("#CHROM", SV_HEADER + "\n#CHROM", 1)
    lines = text.splitlines()
    body = [x for x in lines if not x.startswith("#")]
    body.append(record)
    order = {c: i for i, c in enumerate([*(str(i) for i in range(1, 23)), "X", "Y", "MT"])}
    body.sort(key=lambda x: (order.get(x.split("\t")[0], 99), int(x.split("\t")[1])))
    path = tmp_path / "del.vcf"
    path.write_text("\n".join([x for x in lines if x.startswith("#")] + body) + "\n")
    data = run_cli("triage", str(indexed(path) if access == "indexed" else path)).json()
    deletion = [v for v in data["variants"] if v["alt"] == "<DEL>"]
    assert len(deletion) == 1 and deletion[0]["gene"] == "PRF1" and deletion[0]["end"] == end
    assert data["counts"]["not_assessed"] >= 1
    assert any("symbolic or structural" in x for x in data["limitations"])


# ------------------------------------------------------------------------------------- indexes


def test_foreign_index_with_newer_mtime_is_ignored(run_cli, tmp_path: Path, indexed) -> None:  # type: ignore[no-untyped-def]
    """Same contigs, another file's offsets: the index is detected and the file streamed."""
    target = tmp_path / "patient.vcf.gz"
    target.write_bytes(indexed(BASE).read_bytes())
    other = indexed(DATA / "vcf" / "nothing_found.vcf")
    index = tmp_path / "patient.vcf.gz.tbi"
    index.write_bytes(Path(f"{other}.tbi").read_bytes())
    os.utime(index, (target.stat().st_mtime + 10, target.stat().st_mtime + 10))
    result = run_cli("triage", str(target))
    assert result.code == 0, result.err
    data = result.json()
    assert data["input"]["access"].startswith("streamed"), data["input"]["access"]
    assert "stale or foreign" in data["input"]["access"]
    assert data["conclusion"]["primary_hlh"] == "confirmed"


def test_index_check_accepts_the_files_own_index(indexed) -> None:  # type: ignore[no-untyped-def]
    from varhlh.read import index_check

    for fixture in ("prf1_hom_w374x.vcf", "nothing_found.vcf", "trio_prf1_comphet.vcf"):
        data = indexed(DATA / "vcf" / fixture)
        with VcfReader(str(data)) as reader:
            assert index_check.problem(Path(f"{data}.tbi"), data, reader.header.contigs) is None
            assert reader.index is not None


def test_json_output_of_a_refusal_never_exists(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("user file")
    path = mutate(tmp_path, "idx", fields(c9="0/3:0,604:604:99:18123,1815,0"))
    result = run_cli("triage", str(path), "-o", str(out))
    assert result.code == 3
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


# ------------------------------------------------------------------------ fuzzer findings

FUZZ_FOUND = {
    "undeclared_format_tag_instead_of_gt.vcf": "record 1:123: no GT in FORMAT",  # cyvcf2 segfaulted
    "nul_bytes_in_sample_column.vcf": "record 6:100: contains NUL bytes",  # cyvcf2 segfaulted
    "non_utf8_alt.vcf": "record 4:300: not valid UTF-8 text (bytes ff)",
    "invalid_type_of_used_format.vcf": "declares FORMAT/DP with Number=1, Type=In4eger",
    "header_line_after_chrom_line.vcf": "line 12: a header line after the '#CHROM' line",  # UnicodeDecodeError
    "non_utf8_header_line.vcf": "line 12: a header line after the '#CHROM' line",  # UnicodeDecodeError on CHROM
}


@pytest.mark.parametrize("form", ["text", "bgzf", "indexed"])
@pytest.mark.parametrize(("name", "message"), sorted(FUZZ_FOUND.items()))
def test_fuzzer_findings_are_clean_refusals(tmp_path: Path, name: str, message: str, form: str) -> None:
    """Inputs tests/fuzz/fuzz_reader.py found; run in a subprocess because two once crashed the interpreter.
    Through an index htslib parses the record itself, so only a clean refusal of that record is required."""
    import subprocess
    import sys

    import pysam

    path = MALFORMED / "fuzz" / name
    if form != "text":
        target = tmp_path / f"{name}.gz"
        pysam.tabix_compress(str(path), str(target), force=True)
        if form == "indexed":
            pysam.tabix_index(str(target), preset="vcf", force=True)
            message = ": "
        path = target
    code = ("import sys\nfrom pathlib import Path\nfrom test_validate_corpus import read_everything\n"
            "from varhlh.errors import InputError\n"
            f"try:\n    read_everything(Path({str(path)!r}))\nexcept InputError as exc:\n"
            "    print(exc)\n    sys.exit(3)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent)
    assert result.returncode == 3, (result.returncode, result.stderr[-2000:])
    assert message in result.stdout and result.stdout.startswith(str(path))


def test_debug_shows_the_traceback_of_a_refusal(tmp_path: Path) -> None:
    from varhlh.cli import main

    path = mutate(tmp_path, "idx", fields(c9="0/3:0,604:604:99:18123,1815,0"))
    with pytest.raises(InputError, match="refers to allele 3"):
        main(["triage", str(path), "-o", str(tmp_path / "out"), "--debug"])
    assert not (tmp_path / "out").exists()

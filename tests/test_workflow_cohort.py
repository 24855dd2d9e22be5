"""The sharded cohort workflow (workflows/snakemake/cohort) with the real Snakemake, against one process.

A synthetic 2,504-sample joint call (benchmarks/make_cohort_vcf.py: a site every ~2 kb over every panel gene, the
five designated patients and the curated alleles carried by a few samples each) is cut into four region chunks
the way a biobank delivers a pVCF, one cut inside LYST so that a gene straddles two chunks. Snakemake then runs
4 extractions, 1 concatenation, 8 sample blocks, the gather and MultiQC (15 jobs), and the gathered cohort must
equal one ``varhlh triage --all-samples`` of the uncut file: the cohort tables byte for byte, every per-sample
result equal apart from the command and the input file's identity. A block whose manifest is removed (a job
killed before it finished: the manifest is written last) reruns alone, and the gathered tables are unchanged.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SNAKEFILE = ROOT / "workflows" / "snakemake" / "cohort" / "Snakefile"
CONFIG = SNAKEFILE.parent / "config.yaml"
BLOCKS = 8
CHUNKS = (  # bcftools -t (by POS, so no record is in two chunks); the first cut is inside LYST (chr1:235.66-235.87 Mb)
    "chr1:1-235750000",
    "chr1:235750001-248956422,chr2,chr4,chr5,chr6,chr7,chr8",
    "chr10,chr11,chr12,chr14,chr15,chr16,chr17",
    "chr19,chr20,chr22,chrX",
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("snakemake") is None or shutil.which("snakemake") is None,
                       reason="snakemake is not installed (pip install 'varhlh[test]')"),
    pytest.mark.skipif(shutil.which("bcftools") is None or shutil.which("varhlh") is None,
                       reason="needs bcftools and the varhlh console script on PATH"),
]


def _run(*command: str | Path, cwd: Path | None = None, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout, cwd=cwd)
    assert done.returncode == 0, " ".join(map(str, command)) + "\n" + done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic cohort, its single-process result (``single/``) and its four region chunks."""
    base = tmp_path_factory.mktemp("cohort")
    _run(sys.executable, ROOT / "benchmarks" / "make_cohort_vcf.py", base, "--spacing", "2000")
    vcf = base / "cohort.vcf.gz"
    _run("varhlh", "triage", vcf, "--all-samples", "-o", base / "single", "-q")
    for i, regions in enumerate(CHUNKS, 1):
        chunk = base / f"chunk{i}.vcf.gz"
        _run("bcftools", "view", "-t", regions, "-Oz", "-o", chunk, vcf)
        _run("bcftools", "index", "-t", chunk)
    return base


def _snakemake(cohort: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    chunks = "[" + ",".join(f"'{cohort / f'chunk{i}.vcf.gz'}'" for i in range(1, len(CHUNKS) + 1)) + "]"
    return _run("snakemake", "--snakefile", SNAKEFILE, "--cores", "2", "--directory", cohort, "--config",
                f"chunks={chunks}", f"blocks={BLOCKS}", "outdir=sharded", *extra, timeout=1800)


def _comparable(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    data["run"].pop("command")
    data["input"] = {k: v for k, v in data["input"].items() if k not in ("path", "fingerprint", "access")}
    return data


def test_sharded_cohort_equals_one_process_and_a_killed_block_reruns_alone(cohort: Path) -> None:
    _snakemake(cohort)
    single, gathered = cohort / "single", cohort / "sharded" / "cohort"
    for table in ("cohort.varhlh_cohort.tsv", "cohort.varhlh_cohort_alleles.tsv"):
        assert (gathered / table).read_bytes() == (single / table).read_bytes(), table
    with (single / "cohort.varhlh_cohort.tsv").open() as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == 2504
    assert {r["primary_hlh"] for r in rows} >= {"confirmed", "suspected", "undetermined"}
    assert rows[0]["gene_calls"] == "PRF1:biallelic/homozygous"  # SYN00001, designed
    files = sorted(p.name for p in single.glob("*.varhlh.*"))
    assert files == sorted(p.name for p in gathered.glob("*.varhlh.*")) and len(files) > 100
    for name in (n for n in files if n.endswith(".varhlh.json")):
        assert _comparable(gathered / name) == _comparable(single / name), name
    # every block ran in bounded memory; Snakemake's benchmark files report it
    peaks = [float(next(csv.DictReader((cohort / "sharded" / "benchmarks" / "blocks" / f"{b}.tsv").open(),
                                        delimiter="\t"))["max_rss"]) for b in range(1, BLOCKS + 1)]
    assert all(0 < peak < 1024 for peak in peaks), peaks  # MB: under the 725 MB the config's model asks for
    assert (cohort / "sharded" / "multiqc" / "multiqc_report.html").is_file()
    # a run that died while block 3 ran: block 3 has no output and nothing was gathered; the rerun runs block 3
    # alone, then the gather and MultiQC, and the gathered tables are the same
    before = (gathered / "cohort.varhlh_cohort.tsv").read_bytes()
    shutil.rmtree(cohort / "sharded" / "blocks" / "3")  # Snakemake removes a failed job's directory() output
    shutil.rmtree(gathered)
    (cohort / "sharded" / "multiqc" / "multiqc_report.html").unlink()
    rerun = _snakemake(cohort)
    log = rerun.stdout + rerun.stderr
    stats = log.split("Job stats:")[1].split("\n\n")[0].splitlines()
    jobs = {f[0]: int(f[1]) for f in (line.split() for line in stats) if len(f) == 2 and f[1].isdigit()}
    assert jobs == {"triage_block": 1, "gather": 1, "multiqc": 1, "all": 1, "total": 4}, log[-2000:]
    assert (gathered / "cohort.varhlh_cohort.tsv").read_bytes() == before


def test_the_cohort_workflow_lints_clean_and_refuses_a_bad_config(tmp_path: Path) -> None:
    vcf = ROOT / "examples" / "patient_fhl2.vcf.gz"
    done = subprocess.run(["snakemake", "--snakefile", str(SNAKEFILE), "--lint", "--directory", str(tmp_path),
                           "--config", f"cohort={vcf}"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Congratulations, your workflow is in a good condition" in done.stdout + done.stderr
    both = subprocess.run(["snakemake", "--snakefile", str(SNAKEFILE), "--dry-run", "--directory", str(tmp_path),
                           "--config", f"cohort={vcf}", f"chunks=['{vcf}']"], capture_output=True, text=True,
                          timeout=300)
    assert both.returncode != 0 and "either 'cohort'" in both.stdout + both.stderr
    env = {**os.environ}
    bad = subprocess.run(["snakemake", "--snakefile", str(SNAKEFILE), "--dry-run", "--directory", str(tmp_path),
                          "--config", f"cohort={vcf}", "blocks=0"], capture_output=True, text=True, timeout=300,
                         env=env)
    assert bad.returncode != 0 and "minimum" in bad.stdout + bad.stderr

#!/usr/bin/env python3
"""Time ``varhlh triage`` against bcftools, tabix, cyvcf2 and pysam on synthetic WGS and cohort VCFs.

Builds the data unless it is already there (``make_wgs_vcf.py``, ``make_cohort_vcf.py``; rebuilt when
the generator, its parameters or the panel change), writes ``panel.bed`` from the panel TSV, then times
each workload in **paired, rotated rounds**: one round runs varhlh and its peers once each, the order
rotated from round to round, so that a busy machine slows all of them alike; the ratio of a round is
varhlh's time over its baseline's in that round, and the table gives the medians. Peak RSS comes from
GNU time (``%M``) around every run (``wait4`` without it). Also two scaling tables: time against listed
alleles (WGS files of growing density) and against samples (cohorts of 20 to 2,504 samples).

Prints the tables with PASS/MISS per target of issue 14 and writes them as Markdown (``--markdown``,
``benchmarks/RESULTS.md`` is the committed copy). A measurement, not a gate: it exits 0 whether or not
the targets are met. Standard library only; bcftools, tabix and bgzip are required, hyperfine is not
used, GNU time is optional.

Usage::

    python benchmarks/run_benchmark.py [--module] [--rounds 5] [--no-cohort] [--no-scaling] [--markdown FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import make_cohort_vcf as cohort_gen
import make_wgs_vcf as gen
import panel_bed

COHORT_SAMPLE = "SYN00001"
"""The sample of the one-sample cohort case (it has designated findings: PRF1 c.1122G>A homozygous)."""
SCALING_RECORDS = (500_000, 1_000_000, 2_000_000)
"""WGS densities of the listed-allele scaling table (the default 4.5 M-record file is added)."""
SCALING_SAMPLES = (20, 100, 500)
"""Cohort sizes of the sample scaling table (the default 2,504-sample cohort is added)."""

CYVCF2_FLOOR = """
import sys
from cyvcf2 import VCF
path, bed, sample = sys.argv[1:4]
vcf = VCF(path, lazy=True, threads=2)
vcf.set_samples([sample])
for line in open(bed):
    chrom, start, end = line.split()[:3]
    for v in vcf(f"{chrom}:{int(start) + 1}-{end}"):
        v.genotypes
"""
PYSAM_FLOOR = """
import sys
import pysam
path, bed, sample = sys.argv[1:4]
vcf = pysam.VariantFile(path)
vcf.subset_samples([sample])
for line in open(bed):
    chrom, start, end = line.split()[:3]
    for rec in vcf.fetch(chrom, int(start), int(end)):
        rec.samples[sample]["GT"]
"""


@dataclass(frozen=True)
class Case:
    """One command. ``out_dir`` is removed before every run (the tool must create it)."""

    name: str
    argv: tuple[str, ...]
    out_dir: Path | None = None


@dataclass(frozen=True)
class Workload:
    """varhlh and its peers, timed together in rotated rounds; ``peers[0]`` is the ratio's baseline."""

    title: str
    subject: Case
    peers: tuple[Case, ...]
    rounds: int
    floor: str | None = None
    """A second peer the subject's ratio is also given against (e.g. the cyvcf2 fetch + GT floor)."""
    warm_up: bool = True
    """Run every case once before the rounds (off for a workload of minutes: its first round runs the peers
    first, which fills the page cache)."""


@dataclass
class Timing:
    """The runs of one case."""

    times: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def peak_rss(self) -> float | None:
        return max(self.rss_mib) if self.rss_mib else None


@dataclass
class Measured:
    """One workload's timings and the paired ratios of its subject (per round, to the baseline and floor)."""

    workload: Workload
    timings: dict[str, Timing]
    ratios: list[float] = field(default_factory=list)
    floor_ratios: list[float] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """A goal of issue 14 on a workload: ``metric`` is wall, ratio, floor_ratio, rss or a key of ``extra``."""

    label: str
    workload: str
    metric: str
    limit: float


TARGETS = (
    Target("indexed WGS wall <= 0.45 s", "indexed WGS", "wall", 0.45),
    Target("indexed WGS <= 2.0 x the cyvcf2 fetch+GT floor", "indexed WGS", "floor_ratio", 2.0),
    Target("indexed WGS peak RSS <= 100 MiB", "indexed WGS", "rss", 100.0),
    Target("unindexed WGS <= 0.4 x bcftools view -T", "unindexed WGS", "ratio", 0.4),
    Target("cohort --all-samples <= 3 x bcftools query -R", "cohort, all samples", "ratio", 3.0),
    Target("cohort --all-samples peak RSS <= 1 GiB", "cohort, all samples", "rss", 1024.0),
    Target("cohort output <= 0.1 MB per sample without findings", "cohort, all samples",
           "mb_per_sample_without_findings", 0.1),
    Target("one sample -s <= 2 x bcftools query -s -R", "cohort, one sample", "ratio", 2.0),
)


# --------------------------------------------------------------------------- data


def ensure_wgs(data_dir: Path, panel: Path, records: int, *, rebuild: bool) -> dict[str, object]:
    """Generate the WGS VCFs in ``data_dir`` unless current ones exist; return the manifest."""
    wanted = gen.params(records, gen.DEFAULT_SEED, gen.SAMPLE, panel)
    if rebuild or not gen.is_current(data_dir, wanted):
        print(f"generating {records:,}-record VCF in {data_dir} ...", flush=True)
        script = Path(gen.__file__).resolve()  # a child process, so that this one stays small
        cmd = [sys.executable, str(script), str(data_dir), "--records", str(records), "--panel", str(panel)]
        subprocess.run(cmd, check=True)
    manifest: dict[str, object] = json.loads((data_dir / gen.MANIFEST_NAME).read_text())
    return manifest


def ensure_cohort(data_dir: Path, panel: Path, samples: int, *, rebuild: bool) -> dict[str, object]:
    """Generate the cohort VCF in ``data_dir`` unless a current one exists; return its manifest."""
    spacing, flank, seed = cohort_gen.DEFAULT_SPACING, cohort_gen.DEFAULT_FLANK, cohort_gen.DEFAULT_SEED
    wanted = cohort_gen.params(samples, spacing, flank, seed, panel)
    if rebuild or not cohort_gen.is_current(data_dir, wanted):
        print(f"generating the {samples:,}-sample cohort VCF in {data_dir} ...", flush=True)
        script = Path(cohort_gen.__file__).resolve()
        cmd = [sys.executable, str(script), str(data_dir), "--samples", str(samples), "--panel", str(panel)]
        subprocess.run(cmd, check=True)
    manifest: dict[str, object] = json.loads((data_dir / cohort_gen.MANIFEST_NAME).read_text())
    return manifest


def find_varhlh(*, module: bool) -> tuple[tuple[str, ...], str | None]:
    """The varhlh command prefix and why it cannot run (``None`` if it can). Its bytecode is compiled first:
    an installed wheel has it, and a checkout run with PYTHONDONTWRITEBYTECODE would compile every module on
    every run (~0.05 s)."""
    cmd: tuple[str, ...]
    if module:
        cmd = (sys.executable, "-m", "varhlh")
    else:
        exe = shutil.which("varhlh")
        if exe is None:
            return ("varhlh",), "varhlh is not installed (not on PATH; try --module)"
        cmd = (exe,)
    probe = subprocess.run([*cmd, "--version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
        return cmd, f"varhlh is not runnable ({last})"
    python = sys.executable if module else _interpreter(cmd[0])
    where = subprocess.run([python, "-c", "import varhlh, os; print(os.path.dirname(varhlh.__file__))"],
                           capture_output=True, text=True, check=False).stdout.strip()
    if where:
        subprocess.run([python, "-m", "compileall", "-q", where], check=False, stdout=subprocess.DEVNULL)
    return cmd, None


def _interpreter(script: str) -> str:
    first = Path(script).read_text(errors="replace").splitlines()[0] if Path(script).is_file() else ""
    return first[2:].strip() if first.startswith("#!") else sys.executable


def find_gnu_time() -> str | None:
    """Path of GNU time (its child's peak RSS is free of this process's footprint)."""
    exe = shutil.which("time", path="/usr/bin:/bin") or shutil.which("gtime")
    if exe is None:
        return None
    probe = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return exe if "GNU" in probe.stdout + probe.stderr else None


# --------------------------------------------------------------------------- workloads


def workloads(data: Path, work: Path, varhlh: tuple[str, ...], rounds: int, slow_rounds: int,
              cohort: bool, all_samples: bool = True, all_samples_rounds: int = 2) -> list[Workload]:
    """Every workload of the ratio table, in table order."""
    bed = str(data / "panel.bed")
    indexed, unindexed = str(data / gen.VCF_NAME), str(data / gen.NOINDEX_NAME)
    py = sys.executable

    def triage(vcf: str, out: Path, *extra: str) -> Case:
        return Case("varhlh triage", (*varhlh, "triage", vcf, "-o", str(out), "-q", *extra), out)

    wgs = ("-s", gen.SAMPLE, "--build", "GRCh38")
    out = [
        Workload("indexed WGS", triage(indexed, work / "idx", *wgs), (
            Case("bcftools view -R", ("bcftools", "view", "-R", bed, indexed, "-o", "/dev/null")),
            Case("cyvcf2 fetch+GT floor", (py, "-c", CYVCF2_FLOOR, indexed, bed, gen.SAMPLE)),
            Case("pysam fetch+GT floor", (py, "-c", PYSAM_FLOOR, indexed, bed, gen.SAMPLE)),
            Case("tabix -R", ("tabix", "-R", bed, indexed)),
        ), rounds, floor="cyvcf2 fetch+GT floor"),
        Workload("unindexed WGS", triage(unindexed, work / "noidx", *wgs), (
            Case("bcftools view -T", ("bcftools", "view", "-T", bed, unindexed, "-o", "/dev/null")),
            Case("bgzip -dc", ("bgzip", "-dc", unindexed)),
        ), slow_rounds),
    ]
    if cohort:
        vcf = str(data / cohort_gen.VCF_NAME)
        gt = ("-f", "[%GT\t]\n")
        out.append(Workload("cohort, one sample", triage(vcf, work / "one", "-s", COHORT_SAMPLE), (
            Case("bcftools query -s -R", ("bcftools", "query", "-s", COHORT_SAMPLE, "-R", bed, *gt, vcf)),
        ), slow_rounds))
        if all_samples:
            out.append(Workload("cohort, all samples", triage(vcf, work / "all", "--all-samples"), (
                Case("bcftools query -R", ("bcftools", "query", "-R", bed, *gt, vcf)),
            ), all_samples_rounds, warm_up=False))
    return out


# --------------------------------------------------------------------------- timing


def run_once(case: Case, gnu_time: str | None, stderr_path: str = os.devnull) -> tuple[float, int, float]:
    """Run ``case`` once: (wall seconds, exit code, peak RSS MiB of the process and its waited-for children)."""
    if case.out_dir is not None:
        shutil.rmtree(case.out_dir, ignore_errors=True)
    argv = list(case.argv)
    rss_file = None
    if gnu_time is not None:
        fd, rss_file = tempfile.mkstemp(prefix="rss-")
        os.close(fd)
        argv = [gnu_time, "-f", "%M", "-o", rss_file, *argv]
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    started = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    rss_kib = float(usage.ru_maxrss)  # KiB on Linux; includes what a spawned child inherits from this process
    if rss_file is not None:
        text = Path(rss_file).read_text().split()
        Path(rss_file).unlink()
        rss_kib = float(text[-1]) if text and text[-1].isdigit() else rss_kib
    return wall, os.waitstatus_to_exitcode(status), rss_kib / 1024


def measure(workload: Workload, work: Path, gnu_time: str | None, skip: str | None) -> Measured:
    """A warm-up run of every case (checks it works, fills the page cache), then ``rounds`` rotated rounds."""
    cases = (workload.subject, *workload.peers)
    timings = {c.name: Timing() for c in cases}
    measured = Measured(workload, timings)
    if skip:
        timings[workload.subject.name].error = skip
    stderr = work / "stderr.txt"
    for case in cases:
        if timings[case.name].error:
            continue
        _, code, _ = run_once(case, gnu_time, str(stderr)) if workload.warm_up else (0.0, 0, 0.0)
        if code != 0:
            tail = stderr.read_text(errors="replace").strip().splitlines()[-3:]
            timings[case.name].error = f"exit code {code}: {' | '.join(tail) or 'no stderr'}"
    for r in range(workload.rounds):
        shift = (r + 1) % len(cases)  # peers first in the first round: they warm the cache when there is no warm-up
        order = cases[shift:] + cases[:shift]
        this: dict[str, float] = {}
        for case in order:
            timing = timings[case.name]
            if timing.error:
                continue
            wall, code, rss = run_once(case, gnu_time, str(stderr))
            if code != 0:
                tail = stderr.read_text(errors="replace").strip().splitlines()[-3:]
                timing.error = f"exit code {code}: {' | '.join(tail) or 'no stderr'}"
                continue
            timing.times.append(wall)
            timing.rss_mib.append(rss)
            this[case.name] = wall
        subject, baseline = this.get(workload.subject.name), this.get(workload.peers[0].name)
        if subject is not None and baseline:
            measured.ratios.append(subject / baseline)
        floor = this.get(workload.floor or "")
        if subject is not None and floor:
            measured.floor_ratios.append(subject / floor)
    return measured


def cohort_output(measured: Measured) -> None:
    """Output sizes of the last cohort run: per sample with and without findings (the tables shared out)."""
    out = measured.workload.subject.out_dir
    table = out / "cohort.varhlh_cohort.tsv" if out is not None else None
    if table is None or not table.is_file():
        return
    rows = [line.split("\t") for line in table.read_text().splitlines()]
    result = rows[0].index("result")
    with_files = {r[0] for r in rows[1:] if r[result] != "."}
    n = len(rows) - 1
    tables = sum(p.stat().st_size for p in out.glob("cohort.varhlh_cohort*"))
    files = sum(p.stat().st_size for p in out.iterdir() if p.is_file()) - tables
    measured.extra.update(samples=n, samples_with_findings=len(with_files), output_mb=(files + tables) / 1e6,
                          mb_per_sample_without_findings=tables / max(n, 1) / 1e6,
                          mb_per_sample_with_findings=(files / max(len(with_files), 1) + tables / max(n, 1)) / 1e6)


# --------------------------------------------------------------------------- scaling


def scaling_alleles(data: Path, panel: Path, work: Path, varhlh: tuple[str, ...], gnu_time: str | None,
                    rounds: int, rebuild: bool) -> list[dict[str, object]]:
    """Indexed WGS triage on files of growing density: time against the alleles listed."""
    rows = []
    for records in (*SCALING_RECORDS, gen.DEFAULT_RECORDS):
        directory = data if records == gen.DEFAULT_RECORDS else data / f"scale_wgs_{records}"
        ensure_wgs(directory, panel, records, rebuild=rebuild)
        out = work / f"scale_{records}"
        case = Case("varhlh triage", (*varhlh, "triage", str(directory / gen.VCF_NAME), "-s", gen.SAMPLE,
                                      "--build", "GRCh38", "-o", str(out), "-q"), out)
        run_once(case, gnu_time)
        times = [run_once(case, gnu_time)[0] for _ in range(rounds)]
        doc = json.loads((out / f"{gen.SAMPLE}.varhlh.json").read_text())
        listed = int(doc["counts"]["records_in_panel_regions"])
        median = statistics.median(times)
        rows.append({"records": records, "listed_alleles": listed, "median_s": median,
                     "ms_per_1000_alleles": 1000 * median / max(listed, 1) * 1000})
        print(f"  {records:>9,} records: {listed:,} alleles listed, {median:.3f} s", flush=True)
    return rows


def scaling_samples(data: Path, panel: Path, work: Path, varhlh: tuple[str, ...], gnu_time: str | None,
                    rebuild: bool, full: Measured | None) -> list[dict[str, object]]:
    """Cohort runs (--all-samples) of growing size against bcftools query -R over the same regions."""
    rows = []
    bed = str(data / "panel.bed")
    for samples in (*SCALING_SAMPLES, cohort_gen.DEFAULT_SAMPLES):
        if samples == cohort_gen.DEFAULT_SAMPLES and full is not None:
            measured = full
        else:
            directory = data / f"scale_cohort_{samples}"
            ensure_cohort(directory, panel, samples, rebuild=rebuild)
            vcf = str(directory / cohort_gen.VCF_NAME)
            out = work / f"scale_cohort_{samples}"
            subject = Case("varhlh triage", (*varhlh, "triage", vcf, "--all-samples", "-o", str(out), "-q"), out)
            peer = Case("bcftools query -R", ("bcftools", "query", "-R", bed, "-f", "[%GT\t]\n", vcf))
            measured = measure(Workload(f"cohort of {samples}", subject, (peer,), 1, warm_up=False), work, gnu_time,
                               None)
            cohort_output(measured)
        subject_t = measured.timings[measured.workload.subject.name]
        peer_t = measured.timings[measured.workload.peers[0].name]
        rows.append({"samples": samples, "varhlh_s": subject_t.median, "bcftools_s": peer_t.median,
                     "ratio": statistics.median(measured.ratios) if measured.ratios else None,
                     "peak_rss_mib": subject_t.peak_rss,
                     "with_findings": measured.extra.get("samples_with_findings"),
                     "output_mb": measured.extra.get("output_mb")})
        print(f"  {samples:>5,} samples: varhlh {subject_t.median} s, bcftools {peer_t.median} s", flush=True)
    return rows


# --------------------------------------------------------------------------- report


def _f(value: object, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def target_value(measured: Measured, target: Target) -> float | None:
    subject = measured.timings[measured.workload.subject.name]
    values: dict[str, float | None] = {
        "wall": subject.median, "rss": subject.peak_rss,
        "ratio": statistics.median(measured.ratios) if measured.ratios else None,
        "floor_ratio": statistics.median(measured.floor_ratios) if measured.floor_ratios else None,
    }
    if target.metric in values:
        return values[target.metric]
    value = measured.extra.get(target.metric)
    return float(value) if isinstance(value, int | float) else None


def markdown(results: list[Measured], alleles: list[dict[str, object]], samples: list[dict[str, object]],
             facts: dict[str, str]) -> str:
    lines = ["# varhlh benchmark results", "", "Written by `python benchmarks/run_benchmark.py` "
             "(benchmarks/README.md says how it measures).", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    lines += ["", "## varhlh against its peers (paired, rotated rounds)", "",
              "| workload | command | median s | ratio (paired median) | peak RSS MiB | runs |",
              "| --- | --- | ---: | ---: | ---: | ---: |"]
    for m in results:
        w = m.workload
        for case in (w.subject, *w.peers):
            t = m.timings[case.name]
            if case is w.subject:
                ratio = _f(statistics.median(m.ratios), ".2f") + f" x {w.peers[0].name}" if m.ratios else "-"
                if m.floor_ratios:
                    ratio += f"; {statistics.median(m.floor_ratios):.2f} x {w.floor}"
            else:
                ratio = "1" if case is w.peers[0] else (
                    _f(t.median / m.timings[w.peers[0].name].median, ".2f")
                    if t.median and m.timings[w.peers[0].name].median else "-")
            note = f" ({t.error})" if t.error else ""
            lines.append(f"| {w.title} | `{case.name}`{note} | {_f(t.median, '.3f')} | {ratio} | "
                         f"{_f(t.peak_rss, '.0f')} | {len(t.times)} |")
    for m in results:
        if m.extra:
            shown = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in m.extra.items())
            lines += ["", f"{m.workload.title}: {shown}."]
    lines += ["", "## Targets (issue 14)", "", "| target | measured | |", "| --- | ---: | --- |"]
    by_title = {m.workload.title: m for m in results}
    for target in TARGETS:
        m = by_title.get(target.workload)
        value = target_value(m, target) if m is not None else None
        verdict = "not measured" if value is None else "PASS" if value <= target.limit else "MISS"
        lines.append(f"| {target.label} | {_f(value, '.3f')} | {verdict} |")
    if alleles:
        lines += ["", "## Scaling: time against listed alleles (indexed WGS, one sample)", "",
                  "| records in file | alleles listed | median s | ms per 1,000 alleles |",
                  "| ---: | ---: | ---: | ---: |"]
        lines += [f"| {r['records']:,} | {r['listed_alleles']:,} | {_f(r['median_s'], '.3f')} | "
                  f"{_f(r['ms_per_1000_alleles'], '.0f')} |" for r in alleles]
    if samples:
        lines += ["", "## Scaling: time against samples (cohort, --all-samples, one run each; 2,504: the ratio table's "
                  "rounds)", "",
                  "| samples | varhlh s | bcftools query -R s | ratio | peak RSS MiB | samples with findings "
                  "| output MB |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        lines += [f"| {r['samples']:,} | {_f(r['varhlh_s'], '.2f')} | {_f(r['bcftools_s'], '.2f')} | "
                  f"{_f(r['ratio'], '.1f')} | {_f(r['peak_rss_mib'], '.0f')} | {_f(r['with_findings'], 'd')} | "
                  f"{_f(r['output_mb'], '.1f')} |" for r in samples]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=gen.DEFAULT_OUT_DIR)
    parser.add_argument("--panel", type=Path, default=panel_bed.DEFAULT_PANEL, help="panel TSV")
    parser.add_argument("--padding", type=int, default=panel_bed.DEFAULT_PADDING)
    parser.add_argument("--records", type=int, default=gen.DEFAULT_RECORDS)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the VCFs")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of the fast workloads")
    parser.add_argument("--slow-rounds", type=int, default=3, help="rounds of the full-file workloads")
    parser.add_argument("--all-samples-rounds", type=int, default=2,
                        help="rounds of the 2,504-sample --all-samples workload (about a minute each)")
    parser.add_argument("--module", action="store_true", help="run 'python -m varhlh'")
    parser.add_argument("--no-cohort", action="store_true", help="skip the 2,504-sample cohort (minutes)")
    parser.add_argument("--no-all-samples", action="store_true",
                        help="skip the --all-samples cohort workload (and the scaling table against samples)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the two scaling tables")
    parser.add_argument("--cohort-samples", type=int, default=cohort_gen.DEFAULT_SAMPLES)
    parser.add_argument("--markdown", type=Path, help="also write the tables here (e.g. benchmarks/RESULTS.md)")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    args = parser.parse_args(argv)

    for tool in ("bcftools", "bgzip", "tabix"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is required (Debian packages bcftools, tabix)")
    if not args.panel.is_file():
        parser.error(f"panel file {args.panel} not found (pass --panel)")
    manifest = ensure_wgs(args.data_dir, args.panel, args.records, rebuild=args.rebuild)
    if not args.no_cohort:
        cohort = ensure_cohort(args.data_dir, args.panel, args.cohort_samples, rebuild=args.rebuild)
        print(f"cohort: {cohort['records_written']:,} records x {cohort['samples']:,} samples")
    intervals = panel_bed.panel_intervals(panel_bed.read_panel(args.panel), args.padding)
    panel_bed.write_bed(intervals, args.data_dir / "panel.bed")
    gnu_time = find_gnu_time()
    varhlh, missing = find_varhlh(module=args.module)
    if missing:
        print(f"note: {missing}; measuring the peers only")
    tools = {t: subprocess.run([t, "--version"], capture_output=True, text=True, check=False).stdout.splitlines()[:1]
             for t in ("bcftools",)}
    facts = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared with other jobs), Python "
                   f"{platform.python_version()}, {tools['bcftools'][0] if tools['bcftools'] else 'bcftools ?'}",
        "data": f"WGS {manifest['records_written']:,} records "
                f"({(args.data_dir / gen.VCF_NAME).stat().st_size / 2**20:.0f} MiB bgzipped); panel "
                f"{len(intervals)} intervals, {sum(i.end - i.start for i in intervals):,} bp",
        "peak RSS": gnu_time or "wait4 (includes this script's own RSS)",
    }
    results: list[Measured] = []
    alleles: list[dict[str, object]] = []
    samples: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="varhlh-bench-") as tmp:
        work = Path(tmp)
        for workload in workloads(args.data_dir, work, varhlh, args.rounds, args.slow_rounds, not args.no_cohort,
                                  not args.no_all_samples, args.all_samples_rounds):
            print(f"measuring {workload.title} ({workload.rounds} rounds) ...", flush=True)
            measured = measure(workload, work, gnu_time, missing)
            if workload.title == "cohort, all samples":
                cohort_output(measured)
            results.append(measured)
        if not args.no_scaling and not missing:
            print("scaling: listed alleles ...", flush=True)
            alleles = scaling_alleles(args.data_dir, args.panel, work, varhlh, gnu_time, args.slow_rounds,
                                      args.rebuild)
            if not args.no_cohort and not args.no_all_samples:
                print("scaling: samples ...", flush=True)
                full = next((m for m in results if m.workload.title == "cohort, all samples"), None)
                samples = scaling_samples(args.data_dir, args.panel, work, varhlh, gnu_time, args.rebuild, full)
    text = markdown(results, alleles, samples, facts)
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text)
    if args.json:
        raw = {"results": [{"workload": m.workload.title, "timings": {k: asdict(v) for k, v in m.timings.items()},
                            "ratios": m.ratios, "floor_ratios": m.floor_ratios, "extra": m.extra} for m in results],
               "scaling_alleles": alleles, "scaling_samples": samples, "facts": facts}
        args.json.write_text(json.dumps(raw, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

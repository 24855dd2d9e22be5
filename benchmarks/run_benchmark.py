#!/usr/bin/env python3
"""Time ``varhlh triage`` against bcftools on a synthetic 30x WGS VCF.

Builds the data with ``make_wgs_vcf.py`` unless it is already there (and was
generated with the same parameters and panel), writes ``panel.bed`` from the
panel TSV, then measures each case: median wall time (hyperfine when it is on
PATH, else this script's own repeated runs) and peak RSS (GNU time's ``%M``,
else ``wait4`` rusage). Prints a table and PASS/MISS per target. This is a
measurement, not a gate: it exits 0 whether or not the targets are met, and
runs the bcftools side even without varhlh.

The cohort case (``make_cohort_vcf.py``: 2,504 samples over the panel genes) times
``varhlh triage cohort.vcf.gz --all-samples`` against ``bcftools query -R panel.bed
-f '[%GT\t]\n'``; it takes minutes, so ``--no-cohort`` skips it.

Usage::

    python benchmarks/run_benchmark.py [--data-dir DIR] [--panel TSV] [--module] [--no-cohort]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import make_cohort_vcf as cohort_gen
import make_wgs_vcf as gen
import panel_bed

BCF_R = "bcftools view -R (indexed)"
BCF_T = "bcftools view -T (unindexed)"
VARHLH_IDX = "varhlh triage (indexed)"
VARHLH_NOIDX = "varhlh triage (unindexed)"
BCF_QUERY = "bcftools query -R (cohort GT)"
VARHLH_COHORT = "varhlh triage --all-samples (cohort)"


@dataclass(frozen=True)
class Case:
    """One command to time. ``baseline`` names the case its ratio is taken against."""

    name: str
    argv: tuple[str, ...]
    runs: int
    baseline: str | None = None
    out_dir: Path | None = None  # removed before every run (the tool must create it)
    skip_reason: str | None = None
    warm_up: bool = True  # False: with runs == 1 the checking run is the measurement (long cases)


@dataclass(frozen=True)
class Target:
    """A goal on a case's metric: wall seconds, peak RSS MiB, or ratio to its baseline."""

    label: str
    case: str
    metric: Literal["wall", "rss", "ratio"]
    limit: float


@dataclass
class Result:
    """What was measured for one case (``error`` says why it was not)."""

    name: str
    median_s: float | None = None
    peak_rss_mib: float | None = None
    ratio: float | None = None
    baseline: str | None = None
    runs: int = 0
    error: str | None = None


TARGETS = (
    Target("indexed wall <= 0.6 s", VARHLH_IDX, "wall", 0.6),
    Target("indexed peak RSS <= 150 MiB", VARHLH_IDX, "rss", 150.0),
    Target("unindexed wall <= 0.6 x bcftools -T", VARHLH_NOIDX, "ratio", 0.6),
    Target("cohort wall <= 3 x bcftools query", VARHLH_COHORT, "ratio", 3.0),
)


# --------------------------------------------------------------------------- data


def ensure_data(data_dir: Path, panel: Path, records: int, *, rebuild: bool) -> dict[str, object]:
    """Generate the VCFs unless current ones exist; return the manifest."""
    wanted = gen.params(records, gen.DEFAULT_SEED, gen.SAMPLE, panel)
    if rebuild or not gen.is_current(data_dir, wanted):
        print(f"generating {records:,}-record VCF in {data_dir} ...", flush=True)
        # A child process, so that this one stays small (see run_once on RSS).
        script = Path(gen.__file__).resolve()
        cmd = [sys.executable, str(script), str(data_dir), "--records", str(records)]
        subprocess.run([*cmd, "--panel", str(panel)], check=True)
    manifest: dict[str, object] = json.loads((data_dir / gen.MANIFEST_NAME).read_text())
    return manifest


def ensure_cohort(data_dir: Path, panel: Path, samples: int, *, rebuild: bool) -> dict[str, object]:
    """Generate the cohort VCF unless a current one exists; return its manifest."""
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
    """Return the varhlh command prefix and why it cannot run (``None`` if it can)."""
    if module:
        cmd = (sys.executable, "-m", "varhlh")
        probe = subprocess.run([*cmd, "--help"], capture_output=True, text=True, check=False)
        if probe.returncode != 0:
            last = (probe.stderr.strip().splitlines() or ["no output"])[-1]
            return cmd, f"python -m varhlh is not runnable ({last})"
        return cmd, None
    exe = shutil.which("varhlh")
    if exe is None:
        return ("varhlh",), "varhlh is not installed (not on PATH; try --module)"
    return (exe,), None


def build_cases(
    data_dir: Path,
    work: Path,
    varhlh: tuple[str, ...],
    missing: str | None,
    args: argparse.Namespace,
) -> list[Case]:
    """All cases, in table order. Add new cases (e.g. a cohort VCF) here and in TARGETS."""
    bed = str(data_dir / "panel.bed")
    indexed = str(data_dir / gen.VCF_NAME)
    unindexed = str(data_dir / gen.NOINDEX_NAME)
    link = work / "index_build.vcf.gz"
    link.symlink_to(Path(unindexed).resolve())

    def triage(vcf: str, out: Path) -> tuple[str, ...]:
        return (*varhlh, "triage", vcf, "-s", gen.SAMPLE, "-o", str(out), "--build", "GRCh38")

    fast, slow = args.runs, args.slow_runs
    cohort = str(data_dir / cohort_gen.VCF_NAME)
    cohort_cases = [] if args.no_cohort else [
        Case(BCF_QUERY, ("bcftools", "query", "-R", bed, "-f", "[%GT\t]\n", cohort), slow, BCF_QUERY),
        Case(VARHLH_COHORT, (*varhlh, "triage", cohort, "--all-samples", "-o", str(work / "cohort")), args.cohort_runs,
             BCF_QUERY, work / "cohort", missing, warm_up=False),
    ]
    return [*cohort_cases,
        Case(VARHLH_IDX, triage(indexed, work / "idx"), fast, BCF_R, work / "idx", missing),
        Case(BCF_R, ("bcftools", "view", "-R", bed, indexed, "-o", "/dev/null"), fast, BCF_R),
        Case(VARHLH_NOIDX, triage(unindexed, work / "noidx"), slow, BCF_T, work / "noidx", missing),
        Case(BCF_T, ("bcftools", "view", "-T", bed, unindexed, "-o", "/dev/null"), slow, BCF_T),
        Case("floor: bgzip -dc (unindexed)", ("bgzip", "-dc", unindexed), slow, BCF_T),
        Case("floor: tabix -p vcf (index build)", ("tabix", "-fp", "vcf", str(link)), slow, BCF_T),
    ]


# --------------------------------------------------------------------------- timing


def find_gnu_time() -> str | None:
    """Path of GNU time (its child's peak RSS is free of this process's footprint)."""
    exe = shutil.which("time", path="/usr/bin:/bin") or shutil.which("gtime")
    if exe is None:
        return None
    probe = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return exe if "GNU" in probe.stdout + probe.stderr else None


def run_once(
    case: Case, gnu_time: str | None = None, stderr_path: str = os.devnull
) -> tuple[float, int, float]:
    """Run ``case`` once: (wall seconds, exit code, peak RSS MiB).

    The RSS is the largest of the process and its waited-for descendants. Without
    GNU time it comes from ``wait4`` and cannot be lower than this script's own
    peak RSS, which a spawned child inherits in its high-water mark.
    """
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
    rss_kib = float(usage.ru_maxrss)  # KiB on Linux
    if rss_file is not None:
        text = Path(rss_file).read_text().split()
        Path(rss_file).unlink()
        rss_kib = float(text[-1]) if text and text[-1].isdigit() else rss_kib
    return wall, os.waitstatus_to_exitcode(status), rss_kib / 1024


def hyperfine_median(case: Case, work: Path) -> float:
    """Median wall seconds over ``case.runs`` hyperfine runs."""
    export = work / "hyperfine.json"
    cmd = ["hyperfine", "--style", "none", "--runs", str(case.runs), "--export-json", str(export)]
    if case.out_dir is not None:
        cmd += ["--prepare", shlex.join(["rm", "-rf", str(case.out_dir)])]
    cmd.append(shlex.join(case.argv))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return float(json.loads(export.read_text())["results"][0]["median"])


def measure(case: Case, work: Path, *, use_hyperfine: bool, gnu_time: str | None) -> Result:
    """Check that the case runs (doubling as a cache warm-up), then time it.

    Wall time: median of ``case.runs`` runs, by hyperfine or by this script.
    Peak RSS: the maximum over the check run and up to two more, measured apart
    from the timed runs so that wrapping in GNU time cannot skew the timing.
    A long case (``warm_up=False``, one run) is measured by the check run alone,
    wall time and peak RSS together; put a case that reads the same file before it.
    """
    result = Result(case.name, baseline=case.baseline, runs=case.runs)
    if case.skip_reason:
        result.error = case.skip_reason
        return result
    stderr_file = work / "stderr.txt"
    try:
        wall, code, rss = run_once(case, gnu_time, str(stderr_file))
    except OSError as exc:
        result.error = f"cannot start: {exc}"
        return result
    if code != 0:
        tail = stderr_file.read_text(errors="replace").strip().splitlines()[-3:]
        result.error = f"exit code {code}: {' | '.join(tail) or 'no stderr'}"
        return result
    if not case.warm_up and case.runs == 1:
        result.median_s, result.peak_rss_mib = wall, rss
        return result
    if use_hyperfine:
        try:
            result.median_s = hyperfine_median(case, work)
        except subprocess.CalledProcessError as exc:
            result.error = f"hyperfine failed ({exc.returncode})"
            return result
    else:
        result.median_s = statistics.median(run_once(case)[0] for _ in range(case.runs))
    extra = [run_once(case, gnu_time)[2] for _ in range(min(3, case.runs) - 1)]
    result.peak_rss_mib = max([rss, *extra])
    return result


# --------------------------------------------------------------------------- report


def fill_ratios(results: dict[str, Result]) -> None:
    """Set each result's ratio of its median to its baseline's median."""
    for res in results.values():
        base = results.get(res.baseline or "")
        if res.median_s is not None and base is not None and base.median_s:
            res.ratio = res.median_s / base.median_s


def _fmt(value: float | None, spec: str) -> str:
    width = int(spec.split(".")[0])
    return "-".rjust(width) if value is None else format(value, spec)


def print_table(results: dict[str, Result]) -> None:
    """Print one row per case."""
    print(f"\n{'case':<34} {'median s':>9} {'peak RSS MiB':>13} {'ratio':>7}  ratio to / note")
    for res in results.values():
        note = res.error or (res.baseline if res.baseline != res.name else "")
        print(
            f"{res.name:<34} {_fmt(res.median_s, '9.3f')} {_fmt(res.peak_rss_mib, '13.1f')}"
            f" {_fmt(res.ratio, '7.2f')}  {note}"
        )


def print_targets(results: dict[str, Result]) -> None:
    """Print PASS/MISS (or n/a when not measured) per target."""
    print("\ntargets:")
    for target in TARGETS:
        res = results[target.case]
        metrics = {"wall": res.median_s, "rss": res.peak_rss_mib, "ratio": res.ratio}
        value = metrics[target.metric]
        verdict = "n/a " if value is None else "PASS" if value <= target.limit else "MISS"
        unit = {"wall": " s", "rss": " MiB", "ratio": "x"}[target.metric]
        shown = "not measured" if value is None else f"{value:.3f}{unit}"
        base = results.get(res.baseline or "")
        if target.metric == "ratio" and base is not None and base.median_s is not None:
            shown += f" (limit {target.limit * base.median_s:.3f} s)"
        print(f"  {verdict}  {target.label:<38} measured: {shown}")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=gen.DEFAULT_OUT_DIR)
    parser.add_argument("--panel", type=Path, default=panel_bed.DEFAULT_PANEL, help="panel TSV")
    parser.add_argument("--padding", type=int, default=panel_bed.DEFAULT_PADDING)
    parser.add_argument("--records", type=int, default=gen.DEFAULT_RECORDS)
    parser.add_argument("--rebuild", action="store_true", help="regenerate the VCFs")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of indexed cases")
    parser.add_argument("--slow-runs", type=int, default=3, help="timed runs of full-file cases")
    parser.add_argument("--module", action="store_true", help="run 'python -m varhlh'")
    parser.add_argument("--no-hyperfine", action="store_true", help="use the built-in timer")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-cohort", action="store_true", help="skip the 2,504-sample cohort case (minutes)")
    parser.add_argument("--cohort-samples", type=int, default=cohort_gen.DEFAULT_SAMPLES)
    parser.add_argument("--cohort-runs", type=int, default=1, help="timed runs of varhlh on the cohort")
    args = parser.parse_args(argv)

    for tool in ("bcftools", "bgzip", "tabix"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is required (Debian packages bcftools, tabix)")
    if not args.panel.is_file():
        parser.error(f"panel file {args.panel} not found (pass --panel)")

    manifest = ensure_data(args.data_dir, args.panel, args.records, rebuild=args.rebuild)
    if not args.no_cohort:
        cohort = ensure_cohort(args.data_dir, args.panel, args.cohort_samples, rebuild=args.rebuild)
        size = (args.data_dir / cohort_gen.VCF_NAME).stat().st_size / 2**20
        print(f"cohort: {cohort['records_written']:,} records x {cohort['samples']:,} samples, {size:.1f} MiB")
    intervals = panel_bed.panel_intervals(panel_bed.read_panel(args.panel), args.padding)
    panel_bed.write_bed(intervals, args.data_dir / "panel.bed")
    use_hyperfine = not args.no_hyperfine and shutil.which("hyperfine") is not None
    gnu_time = find_gnu_time()
    varhlh, missing = find_varhlh(module=args.module)

    size = (args.data_dir / gen.VCF_NAME).stat().st_size / 2**20
    own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_by = gnu_time or f"wait4 (includes {own_rss:.0f} MiB inherited; install GNU time)"
    print(
        f"data: {manifest['records_written']:,} records, {size:.1f} MiB bgzipped; panel: "
        f"{len(intervals)} intervals, {sum(i.end - i.start for i in intervals):,} bp "
        f"(padding {args.padding})\ntimer: {'hyperfine' if use_hyperfine else 'built-in'}; "
        f"peak RSS: {rss_by}; cpus: {os.cpu_count()}"
    )
    if missing:
        print(f"note: {missing}; measuring the bcftools side only")

    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="varhlh-bench-") as tmp:
        work = Path(tmp)
        for case in build_cases(args.data_dir, work, varhlh, missing, args):
            if not case.skip_reason:
                print(f"measuring {case.name} ({case.runs} runs) ...", flush=True)
            results[case.name] = measure(case, work, use_hyperfine=use_hyperfine, gnu_time=gnu_time)
    fill_ratios(results)
    print_table(results)
    print_targets(results)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results.values()], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: version, exit codes, one-line errors on stderr, no partial outputs, stdin."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from varhlh import __version__

PRF1_HOM = DATA / "vcf" / "prf1_hom_w374x.vcf"
TRIO = DATA / "vcf" / "trio_prf1_comphet.vcf"


def test_version_prints_only_the_version() -> None:
    out = subprocess.run([sys.executable, "-m", "varhlh", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout == f"varhlh {__version__}\n" and out.stderr == ""


def test_console_script_runs_the_bundled_example(tmp_path: Path) -> None:
    """README command 1, through the installed entry point."""
    result = subprocess.run(["varhlh", "triage", str(ROOT / "examples" / "patient_fhl2.vcf.gz"), "-o",
                             str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "NA12878.varhlh.json").read_text())
    assert data["conclusion"]["primary_hlh"] == "confirmed"
    assert data["conclusion"]["transplant_workup"] == "indicated"
    assert data["input"]["access"].startswith("index")
    tsv = (tmp_path / "NA12878.varhlh.tsv").read_text().splitlines()
    assert tsv[0].startswith("# completeness: ") and tsv[1].startswith("# listed: ")
    assert len(tsv) == len(data["variants"]) + 3
    assert result.stdout == data["conclusion"]["summary"] + "\n"  # the answer on stdout, logs on stderr
    assert result.stderr == (f"varhlh: varhlh {__version__}\n"
                             "varhlh: primary HLH: confirmed; transplant work-up: indicated\n"
                             f"varhlh: completeness: {tsv[0].removeprefix('# completeness: ')}\n")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["triage", str(TRIO)], 3, "3 samples; choose one with -s SAMPLE (available: HG002, HG003, HG004)"),
    (["triage", str(TRIO), "-s", "NOPE"], 3, "sample 'NOPE' is not in the VCF; available: HG002, HG003, HG004"),
    (["triage", str(PRF1_HOM), "--build", "GRCh38"], 4, "--build GRCh38 contradicts the VCF header"),
    (["triage", "missing.vcf"], 3, "missing.vcf: cannot read input"),
    (["triage", str(PRF1_HOM), "--format", "xml"], 2, "unknown format(s) xml"),
    (["triage", str(PRF1_HOM), "--panel", "nope.tsv"], 4, "nope.tsv: cannot read panel file"),
    (["triage", str(PRF1_HOM), "--prefix", "../escape"], 2, "must be a plain file name"),
])
def test_refusals_are_one_line_with_exit_code(run_cli, args: list[str], code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(*args)
    assert result.code == code
    lines = [line for line in result.err.splitlines() if line.startswith("varhlh: error:")]
    assert len(lines) == 1 and message in lines[0], result.err
    assert "Traceback" not in result.err
    assert not list(result.outdir.glob("*")) if result.outdir.exists() else True


def test_usage_errors_exit_2() -> None:
    result = subprocess.run([sys.executable, "-m", "varhlh", "triage"], capture_output=True, text=True)
    assert result.returncode == 2 and "INPUT" in result.stderr
    result = subprocess.run([sys.executable, "-m", "varhlh"], capture_output=True, text=True)
    assert result.returncode == 2


def test_ped_chooses_the_affected_proband(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("triage", str(TRIO), "--ped", str(DATA / "ped" / "trio_prf1_comphet.ped"))
    assert result.code == 0, result.err
    data = result.json()
    assert data["sample"]["id"] == "HG002" and data["sample"]["sex_source"] == "ped"
    assert data["sample"]["family"]["father"] == "HG003"


def test_stdin_and_plain_gzip_give_the_same_result(tmp_path: Path) -> None:
    gz = tmp_path / "plain.vcf.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(PRF1_HOM.read_bytes())
    outputs = []
    for name, command, stdin in (("text", [str(PRF1_HOM)], None), ("gzip", [str(gz)], None),
                                 ("stdin", ["-"], PRF1_HOM.read_bytes())):
        out = tmp_path / name
        subprocess.run([sys.executable, "-m", "varhlh", "triage", *command, "-o", str(out), "-q"], input=stdin,
                       check=True, capture_output=True)
        data = json.loads(next(out.glob("*.varhlh.json")).read_text())
        outputs.append((data["input"]["format"], data["conclusion"], len(data["variants"])))
    assert outputs[0][0] == "text" and outputs[1][0] == "gzip" and outputs[2][0] == "text"
    assert outputs[0][1:] == outputs[1][1:] == outputs[2][1:]


def test_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    digests = []
    for run, lang in (("a", "C"), ("b", "C.UTF-8")):  # different working directories and locales
        cwd = tmp_path / run
        cwd.mkdir()
        subprocess.run([sys.executable, "-m", "varhlh", "triage", str(PRF1_HOM), "-o", "out", "-q"], check=True,
                       cwd=cwd, env={**os.environ, "LANG": lang, "LC_ALL": lang})
        digests.append([p.read_bytes() for p in sorted((cwd / "out").iterdir())])
    assert digests[0] == digests[1]


def test_source_date_epoch_is_the_only_date(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("triage", str(PRF1_HOM)).json()["run"]["date"] is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert run_cli("triage", str(PRF1_HOM)).json()["run"]["date"] == "1970-01-01T00:00:00Z"


def test_unwritable_output_directory(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = run_cli("triage", str(PRF1_HOM), "-o", str(blocker / "sub"))
    assert result.code == 6 and "cannot create the output directory" in result.err


def test_never_overwrites_the_input(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    victim = tmp_path / "x.varhlh.json"
    victim.write_bytes(PRF1_HOM.read_bytes())
    result = run_cli("triage", str(victim), "-o", str(tmp_path), "--prefix", "x")
    assert result.code == 6 and "overwrite an input" in result.err
    assert victim.read_bytes() == PRF1_HOM.read_bytes()


def test_sample_name_never_becomes_a_path(tmp_path: Path) -> None:
    text = PRF1_HOM.read_text()
    header_line = next(line for line in text.splitlines() if line.startswith("#CHROM"))
    sample = header_line.split("\t")[9]
    evil = tmp_path / "evil.vcf"
    evil.write_text(text.replace(header_line, header_line.replace(sample, "../../<script>alert(1)</script>")))
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "varhlh", "triage", str(evil), "-o", str(out), "-q"], check=True)
    files = sorted(p.name for p in out.iterdir())
    assert files == ["script_alert_1_script.varhlh.json", "script_alert_1_script.varhlh.tsv"]
    assert json.loads((out / files[0]).read_text())["sample"]["id"] == "../../<script>alert(1)</script>"


def test_config_overrides_thresholds_and_is_recorded(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "varhlh.toml"
    config.write_text("[settings]\nmin_gq = 30\nregion_padding_bp = 500\n")
    data = run_cli("triage", str(PRF1_HOM), "--config", str(config)).json()
    assert data["settings"]["min_gq"] == 30 and data["settings"]["region_padding_bp"] == 500
    config.write_text("min_qg = 30\n")
    result = run_cli("triage", str(PRF1_HOM), "--config", str(config))
    assert result.code == 4 and "unknown setting 'min_qg'" in result.err


def test_readme_opens_with_exactly_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = text.split("```")[1].splitlines()[1:]
    assert first_block == ["pip install . && varhlh triage examples/patient_fhl2.vcf.gz -o out/",
                           "pip install '.[test]' && pytest"]
    assert (ROOT / "examples" / "patient_fhl2.vcf.gz").is_file()
    assert (ROOT / "examples" / "patient_fhl2.vcf.gz.tbi").is_file()


def test_ped_that_does_not_belong_to_the_vcf(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ped = tmp_path / "other.ped"
    ped.write_text("famX\tKID\tDAD\tMUM\t1\t2\nfamX\tDAD\t0\t0\t1\t1\nfamX\tMUM\t0\t0\t2\t1\n")
    result = run_cli("triage", str(TRIO), "-s", "HG002", "--ped", str(ped))
    assert result.code == 3 and "none of its individuals" in result.err


@pytest.mark.parametrize(("content", "message"), [
    ("fam\tA\t0\t0\t1\n", "5 columns, a PED line needs 6"),
    ("fam\tA\t0\t0\t3\t2\n", "sex '3' must be 1 (male), 2 (female) or 0"),
    ("fam\tA\t0\t0\t1\t7\n", "phenotype '7'"),
    ("fam\tA\t0\t0\t1\t2\nfam\tA\t0\t0\t1\t2\n", "listed twice"),
    ("fam\tA\tM\t0\t1\t2\nfam\tM\t0\t0\t2\t1\n", "father M has sex female"),
])
def test_malformed_ped_is_refused(run_cli, tmp_path: Path, content: str, message: str) -> None:  # type: ignore[no-untyped-def]
    ped = tmp_path / "bad.ped"
    ped.write_text(content)
    result = run_cli("triage", str(PRF1_HOM), "--ped", str(ped))
    assert result.code == 3 and message in result.err and str(ped) in result.err


def test_multi_family_ped_is_named_not_silently_truncated(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ped = tmp_path / "multi.ped"
    ped.write_text((DATA / "ped" / "trio_prf1_comphet.ped").read_text() + "other\tX1\t0\t0\t1\t2\n")
    data = run_cli("triage", str(TRIO), "--ped", str(ped)).json()
    assert data["sample"]["id"] == "HG002"
    assert any("2 families" in w and "other" in w for w in data["warnings"])

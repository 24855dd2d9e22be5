"""Command-line conventions (issue 17 item 9): streams, verbosity, ``-o -``, ``--help``, shell completion."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

from varhlh import __version__
from varhlh.commands.triage import EXIT_CODES, OUTPUT_FILES
from varhlh.errors import ExitStatus
from varhlh.report.output import FORMATS

HOM = DATA / "vcf" / "prf1_hom_w374x.vcf"
DECISION = "varhlh: primary HLH: confirmed; transplant work-up: indicated"


def test_default_log_is_version_decision_and_warnings(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(HOM))
    assert run.code == 0
    lines = run.err.splitlines()
    assert lines[:2] == [f"varhlh: varhlh {__version__}", DECISION]
    assert len(lines) == 3 and lines[2].startswith(f"varhlh: completeness: {run.json()['completeness']['verdict']} (")
    assert run.out == run.json()["conclusion"]["summary"] + "\n"


def test_warnings_are_shown_by_default(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(DATA / "vcf" / "xlp1_male_hemizygous.vcf"))
    warnings = run.json()["warnings"]
    lines = run.err.splitlines()
    assert lines[0] == f"varhlh: varhlh {__version__}"
    assert [line for line in lines if line.startswith("varhlh: warning: ")] == [f"varhlh: warning: {w}"
                                                                                for w in warnings]
    assert "settings:" not in run.err and "command:" not in run.err


def test_verbose_adds_command_settings_and_steps(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(HOM), "-v")
    assert "varhlh: command: varhlh triage" in run.err
    assert "varhlh: settings: {" in run.err
    assert "varhlh: genome build GRCh37" in run.err
    assert "varhlh: wrote " in run.err
    assert DECISION in run.err


def test_quiet_prints_nothing(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(HOM), "-q")
    assert (run.code, run.out, run.err) == (0, "", "")
    assert run.json()["conclusion"]["primary_hlh"] == "confirmed"


def test_settings_are_not_logged_before_a_refusal(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(tmp_path / "missing.vcf"))
    assert run.code == 3
    assert "settings: {" not in run.err
    assert len(run.err.splitlines()) <= 2


def test_json_stdout_streams_the_result(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(HOM), "--json-stdout", "-q")
    assert run.code == 0
    written = (run.outdir / "NA12878.varhlh.json").read_text()
    assert run.out == written
    assert json.loads(run.out)["sample"]["id"] == "NA12878"


@pytest.mark.parametrize("command", [["triage", str(HOM)], ["report", str(HOM), "--format", "html"]])
def test_dash_output_is_refused(command: list[str], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "varhlh", *command, "-o", "-"], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == ExitStatus.USAGE
    assert "-o - is not supported" in done.stderr and "--json-stdout" in done.stderr
    assert not (tmp_path / "-").exists()
    assert "Traceback" not in done.stderr


def test_json_stdout_is_refused_for_a_cohort(run_cli) -> None:  # type: ignore[no-untyped-def]
    run = run_cli("triage", str(HOM), "--all-samples", "--json-stdout")
    assert run.code == ExitStatus.USAGE
    assert "--json-stdout" in run.err


def test_help_lists_outputs_and_exit_codes() -> None:
    done = subprocess.run([sys.executable, "-m", "varhlh", "triage", "--help"], capture_output=True, text=True,
                          check=True)
    text = done.stdout
    assert set(OUTPUT_FILES) == set(FORMATS)
    for name, files in OUTPUT_FILES.items():
        assert f"  {name} " in text
        for described in files:
            assert described.split(" (")[0] in text
    assert "PREFIX.varhlh_cohort.tsv" in text and "PREFIX.varhlh_cohort_alleles.tsv" in text
    for code in ExitStatus:
        assert f"  {int(code):<4} {EXIT_CODES[code.name]}" in text, code
    assert "--json-stdout" in text
    top = subprocess.run([sys.executable, "-m", "varhlh", "--help"], capture_output=True, text=True, check=True)
    assert "exit codes:" in top.stdout and "completion" in top.stdout


def test_quiet_hides_the_progress_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from varhlh import cohort

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = {}
    for level in (logging.ERROR, 25):  # -q, default
        terminal = Terminal()
        monkeypatch.setattr(sys, "stderr", terminal)
        logging.getLogger("varhlh").setLevel(level)
        try:
            with cohort._progress(10, "analysing samples") as advance:
                advance(5)
        finally:
            logging.getLogger("varhlh").setLevel(logging.NOTSET)
        shown[level] = "analysing samples" in terminal.getvalue()
    assert shown == {logging.ERROR: False, 25: True}


@pytest.mark.parametrize("shell", ["bash", "zsh", "tcsh"])
def test_completion_script_covers_the_options(run_cli, shell: str) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("shtab", reason="shtab is in the test extra")
    run = run_cli("completion", shell)
    assert run.code == 0
    words = ("triage", "panel", "completion") if shell == "tcsh" else ("triage", "--all-samples", "--json-stdout",
                                                                         "panel")  # shtab's tcsh: sub-commands only
    for word in words:
        assert word in run.out, word


def test_completion_without_shtab_names_the_extra() -> None:
    code = ("import sys; sys.modules['shtab'] = None; from varhlh.cli import main; "
            "raise SystemExit(main(['completion', 'bash']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == ExitStatus.CONFIG
    assert "pip install 'varhlh[completion]'" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_completion_script_loads_in_bash(tmp_path: Path) -> None:
    import shutil

    pytest.importorskip("shtab", reason="shtab is in the test extra")
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    script = subprocess.run([sys.executable, "-m", "varhlh", "completion", "bash"], capture_output=True, text=True,
                            check=True).stdout
    (tmp_path / "varhlh.bash").write_text(script)
    done = subprocess.run(["bash", "-c", f"source {tmp_path / 'varhlh.bash'} && complete -p varhlh"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "varhlh" in done.stdout

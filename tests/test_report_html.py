"""The counselor's HTML report: content per scenario, escaping, self-containment, reproducibility.

The scenarios are real triage results of the golden-case fixtures (report_helpers.SCENARIOS);
the HTML is parsed with the standard library's HTML parser, as a browser would tokenise it.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from report_helpers import KEY_SCENARIOS, SCENARIOS, XSS_SAMPLE, XSS_VALUE, Page, evil_vcf, scenarios, triage

from varhlh.report.counselor.html import html_text
from varhlh.result import SCHEMA_VERSION

__all__ = ["scenarios"]

ANSWERS = {
    "confirmed_biallelic": ("confirmed", "indicated"),
    "suspected_unknown_phase": ("suspected", "consider"),
    "carrier": ("undetermined", "not_indicated_by_genetics"),
    "x_linked_male": ("confirmed", "indicated"),
    "nothing_found": ("undetermined", "not_indicated_by_genetics"),
    "trio_confirmed": ("confirmed", "indicated"),
}
SCENARIO_TEXT = {
    "confirmed_biallelic": ["one on each copy of the gene (in trans)", "Copies follow the phased genotypes",
                            "1 in 4 (25 %)"],
    "suspected_unknown_phase": ["Possibility 1", "If in trans: one variant on each copy",
                                "If in cis: both on the same copy", "Testing both parents"],
    "carrier": ["on one copy only (a carrier)", "What a carrier result means", "What it does not mean"],
    "x_linked_male": ["X chromosome (from his mother)", "Y chromosome (from his father)",
                      "each son has a 1 in 2 (50 %) chance of being affected"],
    "nothing_found": ["No variant that explains HLH was found", "no direct implications for relatives"],
    "trio_confirmed": ["Father HG003", "Mother HG004", "Copy from the father", "Copy from the mother",
                       "In this family"],
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_scenario_renders_the_answer_the_evidence_and_the_limits(name: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios[name]
    page = Page(html_text(data))
    answers = [v for tag, k, v in page.attrs if k == "data-answer"]
    conclusion = data["conclusion"]
    assert answers == list(ANSWERS[name]) == [conclusion["primary_hlh"], conclusion["transplant_workup"]]
    text = page.text
    assert " ".join(data["conclusion"]["summary"].split()) in text
    for recommendation in data["conclusion"]["recommendations"]:
        assert " ".join(recommendation.split()) in text
    for phrase in SCENARIO_TEXT[name]:
        assert phrase in text, phrase
    for variant in data["variants"]:  # every allele, reportable or not, is shown with its position
        assert f"{variant['chrom']}:{variant['pos']} {variant['ref']}>{variant['alt']}" in text
        for reason in variant["reasons"]:
            assert " ".join(reason.split()) in text
    for item in [*data["limitations"], *data["warnings"]]:
        assert " ".join(item.split()) in text
    for fact in (data["panel"]["version"], data["panel"]["sha256"], data["input"]["sha256"],
                 data["input"]["build_evidence"], data["tool"]["version"], "1970-01-01",
                 "decision-support aid, not a diagnosis"):
        assert fact in text, fact


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_reportable_variant_has_its_evidence_card(name: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios[name]
    page = Page(html_text(data))
    cards = [v for tag, k, v in page.attrs if tag == "article" and k == "id" and v and v.startswith("v-")]
    reportable = [v for v in data["variants"] if v["reportable"]]
    assert len(cards) == len(reportable) == data["counts"]["reportable"]
    for v in reportable:
        assert v["id"] in page.text
        for code in v["evidence"]:
            assert code in page.text
        if v["hgvs_c"]:
            assert f"{v['transcript']}: {v['hgvs_c']}" in page.text
    genes_with_model = {g["symbol"] for g in data["genes"] if g.get("exon_model")}
    diagrams = [v for tag, k, v in page.attrs if tag == "svg" and k == "aria-label" and v and "drawn 5\u2032 to" in v]
    assert len(diagrams) == len({v["gene"] for v in reportable} & genes_with_model)


def test_self_contained_no_script_no_external_reference(scenarios) -> None:  # type: ignore[no-untyped-def]
    for data in scenarios.values():
        text = html_text(data)
        page = Page(text)
        assert not {"script", "link", "img", "iframe", "object", "embed"} & set(page.tags)
        assert not [a for a in page.attrs if a[1] in ("src", "href", "srcset", "action")]
        assert "url(" not in text and "@import" not in text
        csp = [v for tag, k, v in page.attrs if tag == "meta" and k == "content" and v and "default-src 'none'" in v]
        assert csp, "the Content-Security-Policy forbids loading anything"


def _inject(data: dict[str, Any]) -> dict[str, Any]:
    """Every free-text field a VCF, PED, panel or config can reach, replaced by an attack string."""
    evil = copy.deepcopy(data)
    evil["sample"]["id"] = XSS_SAMPLE
    evil["sample"]["family"] = {"father": XSS_SAMPLE + "F", "mother": XSS_VALUE, "unaffected_siblings": [],
                                "ped": XSS_VALUE}
    evil["run"]["command"] = f"varhlh triage {XSS_VALUE}"
    evil["input"]["path"] = XSS_VALUE
    evil["input"]["build_evidence"] = XSS_VALUE
    evil["panel"]["name"] = XSS_VALUE
    evil["conclusion"]["summary"] += XSS_VALUE
    evil["conclusion"]["recommendations"].append(XSS_VALUE)
    evil["limitations"].append(XSS_VALUE)
    evil["warnings"].append(XSS_SAMPLE)
    for gene in evil["genes"]:
        gene["disease"] = XSS_VALUE
        gene["phase_evidence"] = [*gene["phase_evidence"], XSS_VALUE]
    for v in evil["variants"]:
        v["reasons"].append(XSS_VALUE)
        v["filters"] = [XSS_VALUE]
        v["hgvs_p"] = XSS_VALUE if v["reportable"] else v["hgvs_p"]
        v["annotation_notes"] = [XSS_SAMPLE]
        v["genotype"] = XSS_VALUE
        v["family"] = {XSS_SAMPLE + "F": {"zygosity": "het", "genotype": XSS_VALUE}}
    return evil


def _assert_inert(text: str) -> Page:
    page = Page(text)
    assert "script" not in page.tags and "img" not in page.tags
    assert not [a for a in page.attrs if a[1].startswith("on") or a[1] == "src"], "an event handler got through"
    return page


@pytest.mark.parametrize("name", ["confirmed_biallelic", "suspected_unknown_phase", "trio_confirmed"])
def test_every_string_from_the_inputs_is_escaped(name: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    text = html_text(_inject(scenarios[name]))
    page = _assert_inert(text)
    assert XSS_SAMPLE in page.text and XSS_VALUE in page.text, "shown as given, as text"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in text


def test_end_to_end_hostile_sample_name_and_info_values(tmp_path: Path) -> None:
    data = triage(tmp_path / "out", evil_vcf(tmp_path), formats="json,html")
    assert data["sample"]["id"] == XSS_SAMPLE
    (report,) = (tmp_path / "out").glob("*.varhlh.html")
    assert report.name == "script_alert_1_script.varhlh.html", "the sample name never becomes a path"
    page = _assert_inert(report.read_text())
    assert f"Patient sample: {XSS_SAMPLE}" in page.text
    assert f"Pathogenic{XSS_VALUE}" in page.text, "the ClinVar INFO value is shown as written"


def test_template_engine_escapes_and_refuses_undefined() -> None:
    import jinja2

    from varhlh.report.counselor.html import _environment

    env = _environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ x.missing }}").render(x={})


def test_reproducible_and_dated_only_from_the_result(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = scenarios["confirmed_biallelic"]
    assert html_text(data) == html_text(copy.deepcopy(data))
    undated = copy.deepcopy(data)
    undated["run"]["date"] = None
    text = Page(html_text(undated)).text
    assert "Analysis date: not recorded" in text and "1970" not in text


def test_older_result_without_exon_models_still_renders(scenarios) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(scenarios["confirmed_biallelic"])
    for gene in data["genes"]:
        gene.pop("exon_model", None)
    text = Page(html_text(data)).text
    assert "No exon model for PRF1 in the gene panel: no gene diagram." in text
    assert "c.1122G>A" in text


def test_report_command_rerenders_the_stored_result_identically(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    triage(tmp_path / "t", DATA / "vcf" / "prf1_comphet_unphased.vcf", formats="json,html")
    (stored,) = (tmp_path / "t").glob("*.varhlh.json")
    run = run_cli("report", str(stored), "-o", str(tmp_path / "r"), "--prefix", "again")
    assert run.code == 0, run.err
    rerendered = (tmp_path / "r" / "again.varhlh.html").read_bytes()
    assert rerendered == (tmp_path / "t" / "NA12878.varhlh.html").read_bytes()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["conclusion"].pop("primary_hlh"), "missing required field `primary_hlh` - at `$.conclusion`"),
    (lambda d: d["variants"][3].pop("reasons"), "missing required field `reasons` - at `$.variants[3]`"),
    (lambda d: d.update(schema_version="2.0.0"), "schema_version '2.0.0' is not supported"),
    (lambda d: d.update(schema_version="1.99.0"), "written by a newer varhlh (schema_version 1.99.0"),
    (lambda d: (d.update(schema_version="1.1.0"), d["variants"][0].pop("functional_effect")),
     f"written by an older varhlh (schema_version 1.1.0; this varhlh reads {SCHEMA_VERSION}): Object missing required field "
     "`functional_effect` - at `$.variants[0]`"),
    (lambda d: d.update(genes={}), "Expected `array`, got `object` - at `$.genes`"),
    (lambda d: d["variants"][0].update(reasons=None), "Expected `array`, got `null` - at `$.variants[0].reasons`"),
    (lambda d: d["conclusion"].update(primary_hlh=2), "Expected `str`, got `int` - at `$.conclusion.primary_hlh`"),
    (lambda d: d["conclusion"].update(primary_hlh="maybe"), "Invalid enum value 'maybe' - at `$.conclusion.primary_hlh`"),
    (lambda d: d["counts"].update(surprise=1), "Object contains unknown field `surprise` - at `$.counts`"),
])
def test_report_command_refuses_an_incomplete_result(edit, message: str, tmp_path: Path, run_cli, scenarios) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(scenarios["carrier"])
    edit(data)
    path = tmp_path / "broken.varhlh.json"
    path.write_text(json.dumps(data))
    run = run_cli("report", str(path), "-o", str(tmp_path / "out"))
    assert run.code == 3
    assert str(path) in run.err and message in run.err
    assert not (tmp_path / "out").exists()


def test_report_command_refuses_non_json_and_bad_prefix(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.varhlh.json"
    path.write_text('{"schema_version": "1.0.0",\n oops')
    run = run_cli("report", str(path))
    assert run.code == 3 and f"{path}: line 2 column 2: not valid JSON" in run.err
    assert run_cli("report", str(path), "--prefix", "../x").code == 2


def test_triage_hot_path_never_imports_the_report_stack(tmp_path: Path) -> None:
    code = (
        "import sys; from varhlh.cli import main; "
        f"rc = main(['triage', {str(DATA / 'vcf' / 'prf1_carrier.vcf')!r}, '-o', {str(tmp_path)!r}, '-q']); "
        "print(rc, sorted(m for m in ('jinja2', 'weasyprint', 'varhlh.report.counselor.html') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "[]"]


@pytest.mark.parametrize("name", KEY_SCENARIOS)
def test_first_screen_order_answer_then_next_steps(name: str, scenarios) -> None:  # type: ignore[no-untyped-def]
    text = Page(html_text(scenarios[name])).text
    order = [text.index(s) for s in ("The answer", "Primary HLH", "Transplant (HSCT) work-up",
                                     "What happens next", "What this means for the family",
                                     "The evidence: reported variants", "What this test cannot see")]
    assert order == sorted(order)


def test_templates_ship_in_the_wheel_and_render_from_it(tmp_path: Path, scenarios) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    from conftest import ROOT

    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheel_dir)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("varhlh-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("report.html.j2", "_svg.html.j2", "report.css"):
        assert f"varhlh/report/counselor/templates/{name}" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    stored = tmp_path / "r.json"
    stored.write_text(json.dumps(scenarios["carrier"]))
    code = ("import json, sys, varhlh; from varhlh.report.counselor.html import html_text; "
            f"print(varhlh.__file__); sys.stdout.write(html_text(json.load(open({str(stored)!r}))))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, cwd=tmp_path).stdout
    first, _, page = out.partition("\n")
    assert first.startswith(str(site))
    assert page == html_text(scenarios["carrier"])

"""``varhlh triage --annotate-online vep`` against a local server with recorded Ensembl VEP REST answers.

The fixture VCF (tests/data/online/prf1_online.vcf) has 7 panel-region alleles: 5 that may be sent
and a symbolic <DEL> and a spanning deletion '*' that never are; a lab ID sits in one ID column.
Every test asserts what the server received, byte for byte where it matters.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

VCF = DATA / "online" / "prf1_online.vcf"
RECORDED = DATA / "online" / "vep"
REGION = "/vep/homo_sapiens/region"
QUERY = {"hgvs": "1", "mane": "1", "canonical": "1", "numbers": "1", "transcript_version": "1"}
CANARY = "10 72358355 . C T . . ."
SENT = ["1 235979745 . A T . . .", "10 72358355 . C T . . .", "10 72360210 . G T . . .",
        "15 55566992 . TTA T . . .", "X 123046537 . T A . . ."]
SOURCE = "Ensembl VEP REST API release 113 (GRCh37)"
VARIANT_STRING = re.compile(r"^(?:[0-9]{1,2}|X|Y|MT) [0-9]+ \. [ACGTN]+ [ACGTN]+ \. \. \.$")


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


def answer(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data), status=status, headers=headers, content_type="application/json")


def batch_answer(request: Request) -> Response:
    """The recorded results for exactly the inputs of this request (any batch split)."""
    by_input = {r["input"]: r for r in recorded("grch37_batch.json")}
    return answer([by_input[text] for text in json.loads(request.data)["variants"]])


@pytest.fixture
def vep(httpserver: HTTPServer) -> HTTPServer:
    httpserver.expect_request("/info/software").respond_with_json(recorded("info_software.json"))
    httpserver.expect_request(REGION, method="POST", query_string=QUERY, json={"variants": [CANARY]}).respond_with_json(
        recorded("grch37_canary.json"))
    return httpserver


def bodies(server: HTTPServer) -> list[Any]:
    return [json.loads(r.data) if r.data else None for r, _ in server.log]


def run_online(run_cli: Callable[..., Any], tmp_path: Path, server: HTTPServer, *extra: str,
               vcf: Path = VCF, settings: str = "") -> Any:
    config = tmp_path / "online.toml"
    config.write_text(f'vep_grch37_url = "{server.url_for("")}"\nvep_grch38_url = "{server.url_for("")}"\n'
                      f"online_backoff_s = 0\n{settings}")
    return run_cli("triage", str(vcf), "--annotate-online", "vep", "--config", str(config),
                   "--cache-dir", str(tmp_path / "cache"), *extra)


def error_line(result: Any) -> str:
    lines = [line for line in result.err.splitlines() if line.startswith("varhlh: error:")]
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    return lines[0]


def test_annotation_from_vep_rest_is_used_and_only_variant_strings_leave(run_cli, tmp_path, vep) -> None:  # type: ignore[no-untyped-def]
    vep.expect_request(REGION, method="POST", query_string=QUERY, json={"variants": SENT}).respond_with_handler(
        batch_answer)
    result = run_online(run_cli, tmp_path, vep, "--all-alleles")  # the annotation of every allele is checked
    assert result.code == 0, result.err
    # exactly three requests, in this order: release, the canary alone, then the patient's variants
    assert [(r.method, r.path) for r, _ in vep.log] == [("GET", "/info/software"), ("POST", REGION), ("POST", REGION)]
    assert bodies(vep) == [None, {"variants": [CANARY]}, {"variants": SENT}]
    for request, _ in vep.log:
        raw = request.get_data(as_text=True)
        assert request.headers["User-Agent"].startswith("varhlh/")
        for private in ("NA12878", "LAB-ID-0042", "0|1", "1|0", "0/1", "PASS", "SPIKED", "9423", "<DEL>", "*"):
            assert private not in raw, f"{private!r} left the machine"
    assert all(VARIANT_STRING.match(s) for body in bodies(vep)[1:] for s in body["variants"])

    data = result.json()
    online = data["online"]
    assert online["status"] == "ok" and online["service"]["release"] == 113 and online["service"]["build"] == "GRCh37"
    assert online["data_sent"]["variants"] == SENT and online["data_sent"]["canary"] == [CANARY]
    assert online["not_sent"] == {"symbolic or spanning-deletion allele": 2}
    assert [(q["purpose"], q["variants_sent"], q["from_cache"], q["left_machine"]) for q in online["requests"]] == [
        ("Ensembl release", 0, False, True), ("canary PRF1 c.1122G>A (GRCh37)", 1, False, True),
        ("batch 1/1", 5, False, True)]
    by_id = {v["id"]: v for v in data["variants"]}
    sent_ids = ["1-235979745-A-T", "10-72358355-C-T", "10-72360210-G-T", "15-55566992-TTA-T", "X-123046537-T-A"]
    assert {by_id[i]["annotation_source"] for i in sent_ids} == {SOURCE}
    assert by_id["10-72360210-G-T"]["consequence"] == "stop_gained"
    assert by_id["10-72360210-G-T"]["transcript"] == "ENST00000441259.2"
    assert by_id["10-72360210-G-T"]["hgvs_c"] == "c.449C>A"
    assert by_id["X-123046537-T-A"]["consequence"] == "3_prime_UTR_variant"
    assert "MANE Select transcript ENST00000371199.8 (VEP REST)" in by_id["X-123046537-T-A"]["annotation_notes"][0]
    assert by_id["10-72358386-A-<DEL>"]["annotation_source"] == "not annotated (symbolic allele)"
    assert by_id["15-55566993-T-*"]["annotation_source"] == "not annotated (symbolic allele)"
    assert data["conclusion"]["primary_hlh"] == "confirmed"
    assert data["input"]["annotation"]["online_consequences"] == SOURCE
    assert any("queried online" in x for x in data["limitations"])
    assert not any(x.startswith("The VCF carries no consequence annotation") for x in data["limitations"])
    _valid(data)


def test_batches_stay_within_the_post_limit(run_cli, tmp_path, vep) -> None:  # type: ignore[no-untyped-def]
    vep.expect_request(REGION, method="POST", query_string=QUERY).respond_with_handler(batch_answer)
    result = run_online(run_cli, tmp_path, vep, settings="online_vep_batch_size = 2\n")
    assert result.code == 0, result.err
    assert bodies(vep)[1:] == [{"variants": [CANARY]}, {"variants": SENT[0:2]}, {"variants": SENT[2:4]},
                               {"variants": SENT[4:]}]
    purposes = [q["purpose"] for q in result.json()["online"]["requests"]]
    assert purposes[2:] == ["batch 1/3", "batch 2/3", "batch 3/3"]


@pytest.mark.parametrize(("reply", "message"), [
    (lambda: answer(recorded("grch37_batch.json")[:3] + recorded("grch37_batch.json")[4:]),
     "4 result(s) for 5 variant(s) sent; missing 1: '15 55566992 . TTA T . . .'"),
    (lambda: Response(json.dumps(recorded("grch37_batch.json"))[:900], content_type="application/json"),
     "response is not valid JSON"),
    (lambda: answer([{**r, "transcript_consequences": [{**tc, "consequence_terms": "stop_gained"}
                                                       for tc in r["transcript_consequences"]]}
                     for r in recorded("grch37_batch.json")]),
     "schema drift?): 0.transcript_consequences.0.consequence_terms: Input should be a valid list"),
    (lambda: answer([{k: v for k, v in r.items() if k != "input"} for r in recorded("grch37_batch.json")]),
     "schema drift?): 0.input: Field required"),
])
def test_bad_answers_fail_the_run_with_exit_5(run_cli, tmp_path, vep, reply, message: str) -> None:  # type: ignore[no-untyped-def]
    vep.expect_request(REGION, method="POST", query_string=QUERY, json={"variants": SENT}).respond_with_handler(
        lambda request: reply())
    result = run_online(run_cli, tmp_path, vep)
    assert result.code == 5
    line = error_line(result)
    assert message in line and "batch 1/1" in line
    assert not result.outdir.exists() or not list(result.outdir.iterdir())  # no "no annotation", no report


def test_wrong_build_canary_stops_before_any_patient_variant_is_sent(run_cli, tmp_path, httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/info/software").respond_with_json(recorded("info_software.json"))
    httpserver.expect_request(REGION, method="POST").respond_with_json(recorded("grch37_canary_wrong_build.json"))
    result = run_online(run_cli, tmp_path, httpserver)
    assert result.code == 5
    assert "answered on assembly GRCh38, not GRCh37" in error_line(result)
    assert bodies(httpserver) == [None, {"variants": [CANARY]}]


def test_canary_with_the_wrong_answer_stops_the_run(run_cli, tmp_path, httpserver) -> None:  # type: ignore[no-untyped-def]
    wrong = recorded("grch37_canary_wrong_build.json")
    wrong[0]["assembly_name"] = "GRCh37"  # right label, wrong content: e.g. a misconfigured mirror
    httpserver.expect_request("/info/software").respond_with_json(recorded("info_software.json"))
    httpserver.expect_request(REGION, method="POST").respond_with_json(wrong)
    result = run_online(run_cli, tmp_path, httpserver)
    assert result.code == 5
    line = error_line(result)
    assert "canary PRF1 c.1122G>A (GRCh37 10 72358355 . C T) came back as intergenic_variant" in line
    assert "no patient variant was sent" in line and len(httpserver.log) == 2


def test_server_errors_exhaust_retries_then_exit_5(run_cli, tmp_path, vep) -> None:  # type: ignore[no-untyped-def]
    vep.expect_request(REGION, method="POST", json={"variants": SENT}).respond_with_json(
        {"error": "Internal server error"}, status=500)
    result = run_online(run_cli, tmp_path, vep, settings="online_retries = 1\n")
    assert result.code == 5
    assert "batch 1/1: HTTP 500 (Internal server error) after 2 attempt(s)" in error_line(result)


def test_optional_step_failure_warns_and_continues_offline(run_cli, tmp_path, vep) -> None:  # type: ignore[no-untyped-def]
    vep.expect_request(REGION, method="POST", json={"variants": SENT}).respond_with_json(
        {"error": "Internal server error"}, status=500)
    result = run_online(run_cli, tmp_path, vep, "--online-optional", settings="online_retries = 1\n")
    assert result.code == 0, result.err
    data = result.json()
    assert data["online"]["status"] == "failed" and "HTTP 500" in data["online"]["message"]
    assert data["online"]["data_sent"]["variants"] == SENT  # attempted: it did leave the machine
    assert any("failed and was optional" in w for w in data["warnings"])
    failed = "Online annotation (Ensembl VEP REST) was requested but failed"
    assert any(x.startswith(failed) for x in data["limitations"])
    sources = {v["annotation_source"] for v in data["variants"]}
    assert SOURCE not in sources and "built-in MANE model" in sources
    assert data["conclusion"]["primary_hlh"] == "confirmed"
    _valid(data)


def test_rate_limited_batch_is_retried_after_retry_after(run_cli, tmp_path, vep) -> None:  # type: ignore[no-untyped-def]
    replies = iter([Response("", status=429, headers={"Retry-After": "0.2", "X-RateLimit-Remaining": "0"})])
    vep.expect_request(REGION, method="POST", json={"variants": SENT}).respond_with_handler(
        lambda request: next(replies, None) or batch_answer(request))
    result = run_online(run_cli, tmp_path, vep)
    assert result.code == 0, result.err
    assert bodies(vep)[2:] == [{"variants": SENT}, {"variants": SENT}]
    assert result.json()["online"]["requests"][-1]["attempts"] == 2


def test_offline_replays_the_cache_and_nothing_leaves(run_cli, tmp_path, vep) -> None:  # type: ignore[no-untyped-def]
    vep.expect_request(REGION, method="POST", json={"variants": SENT}).respond_with_handler(batch_answer)
    first = run_online(run_cli, tmp_path, vep)
    assert first.code == 0, first.err
    sent_before = len(vep.log)
    second = run_online(run_cli, tmp_path, vep, "--offline")
    assert second.code == 0, second.err
    assert len(vep.log) == sent_before  # not a single request
    online = second.json()["online"]
    assert all(q["from_cache"] and not q["left_machine"] for q in online["requests"])
    assert online["data_sent"]["variants"] == [] and online["data_sent"]["canary"] == []
    assert online["data_sent"]["what"].startswith("nothing")
    strip = ("online", "run", "input")
    assert {k: v for k, v in first.json().items() if k not in strip} == \
           {k: v for k, v in second.json().items() if k not in strip}


def test_offline_with_a_cold_cache_exits_5(run_cli, tmp_path, vep) -> None:  # type: ignore[no-untyped-def]
    result = run_online(run_cli, tmp_path, vep, "--offline")
    assert result.code == 5
    assert "not in the cache" in error_line(result) and vep.log == []


def test_an_annotated_vcf_is_not_sent(run_cli, tmp_path, httpserver) -> None:  # type: ignore[no-untyped-def]
    result = run_online(run_cli, tmp_path, httpserver, vcf=DATA / "vcf" / "xlp1_male_hemizygous.vcf")
    assert result.code == 0, result.err
    assert httpserver.log == []
    online = result.json()["online"]
    assert online["status"] == "skipped" and online["requests"] == [] and online["data_sent"]["variants"] == []
    assert any("already carries consequence annotation (VEP CSQ)" in w for w in result.json()["warnings"])


def test_grch38_chr_prefixed_input_uses_bare_names_and_mane(run_cli, tmp_path, httpserver) -> None:  # type: ignore[no-untyped-def]
    canary38 = "10 70598599 . C T . . ."
    httpserver.expect_request("/info/software").respond_with_json(recorded("info_software.json"))
    httpserver.expect_request(REGION, method="POST", json={"variants": [canary38]}).respond_with_json(
        recorded("grch38_canary.json"))
    result = run_online(run_cli, tmp_path, httpserver, vcf=DATA / "vcf" / "grch38_chr_prf1_hom_w374x.vcf")
    assert result.code == 0, result.err
    # the patient's only variant is the canary itself: the identical batch POST is answered by the cache
    assert bodies(httpserver)[1:] == [{"variants": [canary38]}]
    online = result.json()["online"]
    assert [(q["purpose"], q["from_cache"]) for q in online["requests"][1:]] == [
        ("canary PRF1 c.1122G>A (GRCh38)", False), ("batch 1/1", True)]
    assert online["data_sent"]["canary"] == [canary38] and online["data_sent"]["variants"] == []
    variant = result.json()["variants"][0]
    assert variant["annotation_source"] == "Ensembl VEP REST API release 113 (GRCh38)"
    assert variant["annotation_notes"][0] == "consequence from MANE Select transcript ENST00000441259.2 (VEP REST)"
    assert result.json()["conclusion"]["primary_hlh"] == "confirmed"


def test_plain_triage_never_loads_the_online_stack(tmp_path: Path) -> None:
    code = ("import sys; from varhlh.cli import main; "
            f"rc = main(['triage', {str(VCF)!r}, '-o', {str(tmp_path)!r}, '-q']); "
            "print(rc, sorted(m for m in ('requests_cache', 'pydantic', 'varhlh.online.http', 'varhlh.online.vep') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"
    assert "online" not in json.loads(next(tmp_path.glob("*.varhlh.json")).read_text())


def _valid(data: dict[str, Any]) -> None:
    from importlib.resources import files

    import jsonschema

    jsonschema.validate(data, json.loads((files("varhlh") / "schema" / "result-v2.schema.json").read_text()))

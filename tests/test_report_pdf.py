"""The PDF report (WeasyPrint): text as extracted by pdftotext, reproducibility, locked URL fetching.

Skips with the reason when WeasyPrint (``pip install 'varhlh[pdf]'``), its system libraries or
poppler-utils (pdftotext, pdfinfo, pdfdetach, pdfimages) are missing; .ci/run installs them.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA
from report_helpers import KEY_SCENARIOS, SCENARIOS, as_doc, scenarios, triage

from varhlh.report.counselor import words

pytestmark = pytest.mark.slow

__all__ = ["scenarios"]


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError:
        pytest.skip("WeasyPrint is not installed (pip install 'varhlh[pdf]'); .ci/run installs it via the test extra")
    except OSError as exc:
        pytest.skip(f"WeasyPrint cannot load its system libraries ({exc}); install libpango-1.0-0 libpangoft2-1.0-0")
    return weasyprint


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not found: install poppler-utils (apt-get install poppler-utils)")
    return path


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run([_poppler("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _squash(text: str) -> str:
    """Whitespace and hyphens removed: pdftotext joins words hyphenated at a line end."""
    return re.sub(r"[\s\-]+", "", text)


@pytest.fixture(scope="module")
def pdfs(scenarios) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    _weasyprint()
    from varhlh.report.counselor.pdf import pdf_bytes

    return {name: pdf_bytes(as_doc(scenarios[name])) for name in SCENARIOS}


@pytest.mark.parametrize("name", SCENARIOS)
def test_pdf_text_has_the_answer_and_every_variant_row(name: str, pdfs, scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = scenarios[name]
    text = _text(pdfs[name], tmp_path)
    flat = _squash(text)
    conclusion = data["conclusion"]
    assert _squash(words.PRIMARY_HLH[conclusion["primary_hlh"]].label) in flat
    clinical = (data["clinical"] or {}).get("clinical_transplant_indication")
    assert _squash("Indicated on clinical grounds" if clinical else
                   words.TRANSPLANT[conclusion["transplant_workup"]].label) in flat
    assert _squash(conclusion["summary"]) in flat
    for v in data["variants"]:
        row = f"{v['chrom']}:{v['pos']} {v['ref']}>{v['alt']}"
        assert _squash(row) in flat, f"{row} missing from the PDF"
        if v["reportable"]:
            for field in (v["id"], v["hgvs_c"], words.protein(v["hgvs_p"]), words.CLASSIFICATION[v["classification"]],
                          words.ZYGOSITY[v["zygosity"]], *v["reasons"]):
                if field:
                    assert _squash(field) in flat, f"{v['id']}: {field!r} missing from the PDF"
    for item in data["limitations"]:
        assert _squash(item) in flat


def test_pdf_is_byte_reproducible_across_processes(tmp_path: Path, scenarios) -> None:  # type: ignore[no-untyped-def]
    _weasyprint()
    stored = tmp_path / "in" / "r.varhlh.json"
    stored.parent.mkdir()
    stored.write_text(json.dumps(scenarios["trio_confirmed"]))
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "PYTHONHASHSEED": seed}
        out = tmp_path / f"out{seed}"
        subprocess.run([sys.executable, "-m", "varhlh", "report", str(stored), "--format", "html,pdf", "-o", str(out),
                        "-q"], env=env, check=True)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert list(outputs[0]) == ["HG002.varhlh.html", "HG002.varhlh.pdf"]
    assert outputs[0] == outputs[1]


def test_pdf_dates_come_only_from_the_result(pdfs, scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from varhlh.report.counselor.pdf import pdf_bytes

    pdfinfo = _poppler("pdfinfo")
    dated = tmp_path / "dated.pdf"
    dated.write_bytes(pdfs["carrier"])
    undated = tmp_path / "undated.pdf"
    data = json.loads(json.dumps(scenarios["carrier"]))
    data["run"]["date"] = None
    undated.write_bytes(pdf_bytes(as_doc(data)))
    info = {p.name: subprocess.run([pdfinfo, str(p)], capture_output=True, text=True, check=True).stdout
            for p in (dated, undated)}
    assert re.search(r"CreationDate:\s+Thu Jan  1 00:00:00 1970", info["dated.pdf"])
    assert "CreationDate" not in info["undated.pdf"]
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info["dated.pdf"])


def _hostile_html(tmp_path: Path, base: str) -> str:
    from PIL import Image

    secret = tmp_path / "secret.txt"
    secret.write_text("VARHLH-SECRET-42\n")
    Image.new("RGB", (4, 4), (200, 0, 0)).save(tmp_path / "dot.png")
    return (f'<html><head><link rel="stylesheet" href="{base}/evil.css"></head><body><p>report</p>'
            f'<a rel="attachment" href="{base}/secret.txt">attached</a><img src="{base}/dot.png"></body></html>')


def _attachments_and_images(pdf: bytes, tmp_path: Path) -> tuple[str, str]:
    path = tmp_path / "probe.pdf"
    path.write_bytes(pdf)
    attached = subprocess.run([_poppler("pdfdetach"), "-list", str(path)], capture_output=True, text=True,
                              check=True).stdout
    images = subprocess.run([_poppler("pdfimages"), "-list", str(path)], capture_output=True, text=True,
                            check=True).stdout
    return attached, images


def test_pdf_fetcher_refuses_local_files(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    weasyprint = _weasyprint()
    from varhlh.report.counselor.pdf import html_to_pdf

    html = _hostile_html(tmp_path, tmp_path.as_uri())
    leaky = weasyprint.HTML(string=html).write_pdf()  # WeasyPrint's default fetcher: proves the probe sees leaks
    attached, images = _attachments_and_images(leaky, tmp_path)
    assert "secret.txt" in attached and len(images.splitlines()) == 3
    with caplog.at_level("WARNING", logger="varhlh"):
        locked = html_to_pdf(html)
    attached, images = _attachments_and_images(locked, tmp_path)
    assert attached.startswith("0 embedded files") and len(images.splitlines()) == 2, "header lines only"
    refused = [r.getMessage() for r in caplog.records if "refused to fetch" in r.getMessage()]
    assert any("file://" in m and "secret.txt" in m for m in refused)
    assert any("dot.png" in m for m in refused)


def test_pdf_fetcher_refuses_the_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    weasyprint = _weasyprint()
    from varhlh.report.counselor.pdf import html_to_pdf

    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def do_GET(self) -> None:
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        html = _hostile_html(tmp_path, f"http://127.0.0.1:{server.server_address[1]}")
        weasyprint.HTML(string=html).write_pdf()
        assert requests, "the default fetcher reaches the server (the probe works)"
        requests.clear()
        html_to_pdf(html)
        assert requests == []
    finally:
        server.shutdown()
        server.server_close()


def test_triage_writes_html_and_pdf_together(tmp_path: Path) -> None:
    _weasyprint()
    triage(tmp_path, DATA / "vcf" / "prf1_carrier.vcf", formats="json,html,pdf")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["NA12878.varhlh.html", "NA12878.varhlh.json", "NA12878.varhlh.pdf"]
    assert (tmp_path / "NA12878.varhlh.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize("command", ["report", "triage"])
def test_pdf_without_weasyprint_is_a_one_line_config_error(command: str, tmp_path: Path, run_cli, scenarios,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    stored = tmp_path / "r.varhlh.json"
    stored.write_text(json.dumps(scenarios["carrier"]))
    args = ([str(stored)] if command == "report" else [str(DATA / "vcf" / "prf1_carrier.vcf")])
    run = run_cli(command, *args, "--format", "html,pdf", "-o", str(tmp_path / "out"))
    assert run.code == 4
    (line,) = run.err.strip().splitlines()[-1:]
    assert line.startswith("varhlh: error: --format pdf needs WeasyPrint") and "pip install 'varhlh[pdf]'" in line
    assert "Traceback" not in run.err
    assert not (tmp_path / "out").exists(), "nothing is written when one format cannot be rendered"


@pytest.mark.parametrize("name", KEY_SCENARIOS)
def test_first_pdf_page_carries_the_answer_and_next_steps(name: str, pdfs, scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first_page = _text(pdfs[name], tmp_path).split("\f")[0]
    flat = _squash(first_page)
    conclusion = scenarios[name]["conclusion"]
    assert _squash(conclusion["summary"]) in flat
    assert _squash("2. Recommendations") in flat
    for recommendation in conclusion["recommendations"]:
        assert _squash(recommendation) in flat, "page 1 holds every recommendation"


@pytest.mark.parametrize("name", ["confirmed_biallelic", "a91v_with_null", "nothing_found", "refractory_carrier"])
def test_pdf_is_tagged_with_bookmarks_and_limitations_before_the_appendix(name: str, pdfs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pypdf = pytest.importorskip("pypdf", reason="pypdf is in the test extra")
    import io

    reader = pypdf.PdfReader(io.BytesIO(pdfs[name]))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "a structure tree (tagged PDF)"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root.get("/Lang", "")).startswith("en")
    kinds: set[str] = set()
    stack = [root["/StructTreeRoot"].get_object()]
    while stack and len(kinds) < 200:
        node = stack.pop()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                stack.extend(k.get_object() for k in (kids if isinstance(kids, list) else [kids])
                             if hasattr(k, "get_object"))
    assert {"/H2", "/P", "/L", "/Table"} <= kinds or {"/H2", "/P"} <= kinds, kinds
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[:3] == ["1. Result and interpretation", "2. Recommendations", "3. What this test cannot see"]
    assert titles[-1] == "Appendix: variants examined and not reported"
    text = _text(pdfs[name], tmp_path)
    assert text.index("What this test cannot see") < text.index("Appendix: variants examined")

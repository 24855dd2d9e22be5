"""Shared data for the counselor's-report tests: the key scenarios as real triage results.

Each scenario is a golden-case fixture (tests/cases/<name>) run through the real CLI with
SOURCE_DATE_EPOCH=0, so the report tests read exactly what ``varhlh triage`` writes.
"""

from __future__ import annotations

import html.parser
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA

from varhlh.cli import main

SCENARIOS: dict[str, tuple[str, ...]] = {
    "confirmed_biallelic": ("prf1_comphet_phased_trans.vcf",),
    "suspected_unknown_phase": ("prf1_comphet_unphased.vcf",),
    "carrier": ("prf1_carrier.vcf",),
    "x_linked_male": ("xlp1_male_hemizygous.vcf", "--ped", "ped/xlp1_male_hemizygous.ped"),
    "nothing_found": ("nothing_found.vcf",),
    "trio_confirmed": ("trio_prf1_comphet.vcf", "--ped", "ped/trio_prf1_comphet.ped"),
}
KEY_SCENARIOS = tuple(name for name in SCENARIOS if name != "trio_confirmed")
XSS_SAMPLE = "<script>alert(1)</script>"
XSS_VALUE = '"><img src=x onerror=alert(1)>'


def triage(outdir: Path, vcf: Path, *args: str, formats: str = "json") -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "0")
        code = main(["triage", str(vcf), *args, "-o", str(outdir), "--format", formats, "-q"])
    assert code == 0
    (result,) = outdir.glob("*.varhlh.json")
    return json.loads(result.read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("report-scenarios")
    out = {}
    for name, (vcf, *rest) in SCENARIOS.items():
        args = [str(DATA / a) if a.endswith(".ped") else a for a in rest]
        out[name] = triage(root / name, DATA / "vcf" / vcf, *args)
    return out


def evil_vcf(directory: Path) -> Path:
    """prf1_carrier.vcf with the sample renamed to a script tag and ClinVar INFO values that break out of attributes."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = []
    for line in (DATA / "vcf" / "prf1_carrier.vcf").read_text().splitlines(keepends=True):
        if line.startswith("#CHROM"):
            lines.append('##INFO=<ID=CLNSIG,Number=.,Type=String,Description="ClinVar significance">\n')
            lines.append('##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status">\n')
            fields = line.rstrip("\n").split("\t")
            line = "\t".join([*fields[:-1], XSS_SAMPLE]) + "\n"
        elif line.startswith("10\t72358355\t"):
            fields = line.split("\t")
            fields[7] += f";CLNSIG=Pathogenic{XSS_VALUE};CLNREVSTAT=criteria_provided{XSS_VALUE.replace(' ', '/')}"
            line = "\t".join(fields)
        lines.append(line)
    target = directory / "evil.vcf"
    target.write_text("".join(lines))
    return target


class Page(html.parser.HTMLParser):
    """The parsed report: elements, attributes and visible text, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.chunks: list[str] = []
        self._skip = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def chromium_path() -> str | None:
    return os.environ.get("VARHLH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


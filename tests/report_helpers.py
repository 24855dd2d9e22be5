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

import msgspec
import pytest
from conftest import DATA, ROOT
from scenario_vcf import Spike, build_vcf, missense, write

from varhlh.cli import main
from varhlh.models import Build
from varhlh.result import ResultDoc

RARE = "gnomAD_AF=0.00002"
REFRACTORY = "hlh_course: refractory\nhlh_occurred: true\nferritin_ug_per_l: 8200\ntemperature_c: 39.1\n"
SCENARIOS: dict[str, tuple[str, ...]] = {
    # name: (fixture under tests/data/vcf, or 'spiked:<name>' of SPIKED, then triage arguments; 'clinical:<name>'
    # gives --clinical with CLINICAL[name])
    "confirmed_biallelic": ("prf1_comphet_phased_trans.vcf",),
    "suspected_unknown_phase": ("prf1_comphet_unphased.vcf",),
    "carrier": ("prf1_carrier.vcf",),
    "x_linked_male": ("xlp1_male_hemizygous.vcf", "--ped", "ped/xlp1_male_hemizygous.ped"),
    "nothing_found": ("nothing_found.vcf",),
    "trio_confirmed": ("trio_prf1_comphet.vcf", "--ped", "ped/trio_prf1_comphet.ped"),
    "trio_cis": ("trio_prf1_cis.vcf", "--ped", "ped/trio_prf1_cis.ped"),
    "a91v_with_null": ("prf1_w374x_a91v_trans.vcf",),
    "refractory_carrier": ("prf1_carrier.vcf", "clinical:refractory"),
    "healthy_exome_clinical": ("nothing_found.vcf", "clinical:example"),
    "xlp2_male": ("spiked:xlp2_male", "--sex", "male"),
    "biallelic_vus": ("spiked:biallelic_vus",),
    "third_allele": ("spiked:third_allele",),
}
SPIKED: dict[str, list[Spike]] = {
    "xlp2_male": [Spike("XIAP", "frameshift", "1")],
    "biallelic_vus": [missense("PRF1", 300, "Ala", "Thr", "1/1", info=RARE)],
    "third_allele": [Spike("PRF1", "c.1122G>A", "0|1", 5), Spike("PRF1", "c.449C>A", "1|0", 5),
                     Spike("PRF1", "frameshift", "1|0", 5)],
}
CLINICAL = {"refractory": REFRACTORY, "example": (ROOT / "examples" / "clinical_context.yaml").read_text()}
KEY_SCENARIOS = ("confirmed_biallelic", "suspected_unknown_phase", "carrier", "x_linked_male", "nothing_found")
CLASSES = {  # the scenario classes of issue 13 (screenshots, browser tests at 1280 and 390 px)
    "confirmed": "confirmed_biallelic", "carrier": "carrier", "unknown_phase": "suspected_unknown_phase",
    "trio_trans": "trio_confirmed", "trio_cis": "trio_cis", "xlp1_male": "x_linked_male", "xlp2_male": "xlp2_male",
    "a91v_with_null": "a91v_with_null", "healthy_exome": "nothing_found",
    "healthy_exome_clinical": "healthy_exome_clinical", "refractory_carrier": "refractory_carrier",
    "biallelic_vus": "biallelic_vus", "third_allele": "third_allele",
}


def as_doc(data: dict[str, Any]) -> ResultDoc:
    """A result dictionary (as written to JSON) as the typed document the report reads."""
    return msgspec.convert(data, ResultDoc)


def scenario_args(name: str, directory: Path) -> tuple[Path, list[str]]:
    """The input VCF and the triage arguments of scenario ``name`` (spiked VCFs and clinical files in ``directory``)."""
    source, *rest = SCENARIOS[name]
    directory.mkdir(parents=True, exist_ok=True)
    if source.startswith("spiked:"):
        spikes = SPIKED[source.split(":", 1)[1]]
        vcf = write(directory, name, build_vcf(Build.GRCH37, spikes, chr_names=False, drop_x="male" in rest))
    else:
        vcf = DATA / "vcf" / source
    args: list[str] = []
    for a in rest:
        if a.startswith("clinical:"):
            clinical = directory / f"{a.split(':', 1)[1]}.yaml"
            clinical.write_text(CLINICAL[a.split(":", 1)[1]])
            args += ["--clinical", str(clinical)]
        else:
            args.append(str(DATA / a) if a.endswith(".ped") else a)
    return vcf, args
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
    for name in SCENARIOS:
        vcf, args = scenario_args(name, root / f"{name}-in")
        out[name] = triage(root / name, vcf, *args)
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


"""Property-based tests: random valid VCFs through the whole pipeline (hypothesis; derandomized when
``CI`` is set, see conftest.py).

Records are PRF1 sites (GRCh37) with 1-4 ALTs, ploidy 1-2, missing and partial calls, phased calls
with or without a phase set, and the three curated PRF1 alleles (W374X, S150X, A91V) so that the
decision takes every value. Properties:

* accounting: every ALT of every record appears exactly once in ``variants``, except records where
  the proband is a fully called homozygous reference, which are counted (``hom_ref_records``);
* zygosity equals an oracle written here from the GT text (no varhlh code);
* the result does not depend on the order of records sharing a position, nor on ``chr10`` vs
  ``10``, nor on splitting multi-allelic records the way ``bcftools norm -m-any`` does — except
  that a joint ``1/2`` genotype is itself evidence of trans, which the split ``1/0`` + ``0/1``
  records no longer carry: there the split decision may only be weaker, never stronger.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from varhlh.genome import CONTIG_LENGTHS  # noqa: E402
from varhlh.models import Build  # noqa: E402
from varhlh.pipeline import Request, run  # noqa: E402

pytestmark = pytest.mark.slow

CURATED = {72358355: ("C", "T"), 72360210: ("G", "T"), 72360387: ("G", "A")}
OTHER = (72357400, 72358300, 72358360, 72359000, 72360300, 72361000, 72362000)
BASES = "ACGT"
RANK = {"undetermined": 0, "suspected": 1, "confirmed": 2}


@dataclass(frozen=True)
class Rec:
    pos: int
    ref: str
    alts: tuple[str, ...]
    gt: str
    """The proband's GT text, e.g. '1/2', '0|1', '.', './1'."""
    ps: str | None


@st.composite
def records(draw: Any) -> list[Rec]:
    positions = draw(st.lists(st.sampled_from(sorted({*CURATED, *OTHER})), min_size=1, max_size=5))
    out: list[Rec] = []
    used: dict[int, set[str]] = {}
    for pos in positions:
        ref = CURATED[pos][0] if pos in CURATED else draw(st.sampled_from(BASES))
        free = [b for b in BASES if b != ref and b not in used.get(pos, set())]
        if not free:
            continue
        alts = draw(st.lists(st.sampled_from(free), min_size=1, max_size=min(4, len(free)), unique=True))
        if pos in CURATED and CURATED[pos][1] in free and draw(st.booleans()):
            alts = [CURATED[pos][1], *[a for a in alts if a != CURATED[pos][1]]][:4]
            alts = draw(st.permutations(alts))
        used.setdefault(pos, set()).update(alts)
        ploidy = draw(st.sampled_from((1, 2, 2, 2)))
        alleles = [draw(st.one_of(st.just("."), st.integers(0, len(alts)).map(str))) for _ in range(ploidy)]
        phased = ploidy == 2 and draw(st.booleans())
        ps = draw(st.sampled_from((None, "100", "200"))) if phased else None
        out.append(Rec(pos, ref, tuple(alts), ("|" if phased else "/").join(alleles), ps))
    return out or [Rec(72358355, "C", ("T",), "0/1", None)]


def write_vcf(path: Path, recs: list[Rec], chrom: str = "10") -> Path:
    lines = ["##fileformat=VCFv4.2"]
    for name, length in CONTIG_LENGTHS[Build.GRCH37].items():
        lines.append(f"##contig=<ID={'chr' + name if chrom.startswith('chr') else name},length={length}>")
    lines += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
              '##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">',
              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP"]
    for r in sorted(recs, key=lambda r: r.pos):  # stable: records sharing a position keep their order
        fmt, sample = ("GT:PS", f"{r.gt}:{r.ps}") if r.ps else ("GT", r.gt)
        lines.append("\t".join([chrom, str(r.pos), ".", r.ref, ",".join(r.alts), "50", "PASS", ".", fmt, sample]))
    path.write_text("\n".join(lines) + "\n")
    return path


def triage(path: Path) -> dict[str, Any]:
    result = run(Request(input=str(path), sample="P"))
    return {
        "decision": (str(result.conclusion.primary_hlh), str(result.conclusion.transplant_workup)),
        "zygosity": {v.id.split("-", 1)[1]: str(v.genotype.zygosity) for v in result.variants},
        "ids": [v.id for v in result.variants],
        "hom_ref_records": result.hom_ref_records,
    }


def oracle(gt: str, alt_index: int) -> str:
    """Zygosity of ALT ``alt_index`` from the GT text alone."""
    calls = re.split(r"[/|]", gt)
    carried = calls.count(str(alt_index))
    if all(c == "." for c in calls):
        return "no_call"
    if "." in calls:
        return "partial" if carried else "no_call"
    if not carried:
        return "ref"
    if len(calls) == 1:
        return "hemi"
    return "hom" if carried == len(calls) else "het"


def hom_ref(gt: str) -> bool:
    return all(c == "0" for c in re.split(r"[/|]", gt))


def carried(zygosity: dict[str, str]) -> dict[str, str]:
    """Alleles other than 'ref' (a split record whose GT became 0/0 is not listed at all)."""
    return {k: v for k, v in zygosity.items() if v != "ref"}


def split(recs: list[Rec]) -> list[Rec]:
    """``bcftools norm -m-any``: one record per ALT; other ALTs in GT become 0, missing stays missing."""
    out = []
    for r in recs:
        for i, alt in enumerate(r.alts, start=1):
            sep = "|" if "|" in r.gt else "/"
            calls = ["." if c == "." else ("1" if c == str(i) else "0") for c in re.split(r"[/|]", r.gt)]
            out.append(Rec(r.pos, r.ref, (alt,), sep.join(calls), r.ps))
    return out


def two_alts_in_one_genotype(recs: list[Rec]) -> bool:
    return any(len({c for c in re.split(r"[/|]", r.gt) if c not in (".", "0")}) > 1 for r in recs)


PROPERTY = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@PROPERTY
@given(recs=records())
def test_accounting_and_zygosity_oracle(tmp_path: Path, recs: list[Rec]) -> None:
    result = triage(write_vcf(tmp_path / "a.vcf", recs))
    listed = [r for r in recs if not hom_ref(r.gt)]
    expected = [f"{r.pos}-{r.ref}-{alt}" for r in listed for alt in r.alts]
    assert sorted(expected) == sorted(result["zygosity"]) and len(result["ids"]) == len(expected)
    assert result["hom_ref_records"] == len(recs) - len(listed)
    for r in listed:
        for i, alt in enumerate(r.alts, start=1):
            assert result["zygosity"][f"{r.pos}-{r.ref}-{alt}"] == oracle(r.gt, i), (r, alt)


@PROPERTY
@given(recs=records(), seed=st.randoms(use_true_random=False))
def test_order_of_records_sharing_a_position_does_not_matter(tmp_path: Path, recs: list[Rec], seed: Any) -> None:
    shuffled = list(recs)
    seed.shuffle(shuffled)
    assert triage(write_vcf(tmp_path / "a.vcf", recs)) == triage(write_vcf(tmp_path / "b.vcf", shuffled))


@PROPERTY
@given(recs=records())
def test_contig_naming_style_does_not_matter(tmp_path: Path, recs: list[Rec]) -> None:
    plain = triage(write_vcf(tmp_path / "a.vcf", recs, "10"))
    prefixed = triage(write_vcf(tmp_path / "b.vcf", recs, "chr10"))
    assert plain["decision"] == prefixed["decision"] and plain["zygosity"] == prefixed["zygosity"]


@PROPERTY
@given(recs=records())
def test_splitting_multiallelic_records(tmp_path: Path, recs: list[Rec]) -> None:
    joint = triage(write_vcf(tmp_path / "joint.vcf", recs))
    parts = triage(write_vcf(tmp_path / "split.vcf", split(recs)))
    assert carried(joint["zygosity"]) == carried(parts["zygosity"])
    if two_alts_in_one_genotype(recs):
        assert RANK[parts["decision"][0]] <= RANK[joint["decision"][0]]
    else:
        assert joint["decision"] == parts["decision"]


def test_the_generator_reaches_every_decision(tmp_path: Path) -> None:
    """The properties are not vacuous: the strategy's building blocks give all three decisions."""
    hom = [Rec(72358355, "C", ("T",), "1/1", None)]
    trans_by_multiallelic = [Rec(72360210, "G", ("T", "A"), "1/2", None), Rec(72358355, "C", ("T",), "0/0", None)]
    unphased = [Rec(72358355, "C", ("T",), "0/1", None), Rec(72360210, "G", ("T",), "0/1", None)]
    carrier = [Rec(72358355, "C", ("T",), "0/1", None)]
    decisions = [triage(write_vcf(tmp_path / f"{i}.vcf", r))["decision"][0]
                 for i, r in enumerate((hom, unphased, carrier, trans_by_multiallelic))]
    assert decisions[:3] == ["confirmed", "suspected", "undetermined"]
    split_decision = triage(write_vcf(tmp_path / "s.vcf", split(trans_by_multiallelic)))["decision"][0]
    assert RANK[split_decision] <= RANK[decisions[3]]


# ------------------------------------------------------------------ hostile text (issue 15, items 15, 17, 24)

_ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@given(text=_ANY_TEXT)
def test_messages_never_carry_control_characters(text: str) -> None:
    """Whatever a file contains, an echoed value is printable, one line and short (items 8, 24)."""
    from varhlh.errors import VALUE_LIMIT, clip, printable, shown

    for out in (printable(text), shown(text), clip(text * 50, 200)):
        assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]", out), out
    assert len(shown(text)) <= 6 * VALUE_LIMIT + 40 and len(clip(text * 50, 200)) <= 260


@given(value=st.one_of(_ANY_TEXT, st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_tsv_cells_are_one_cell_and_never_a_formula(value: Any) -> None:
    """CWE-1236 (item 17): no cell starts a formula, splits the row or drives a terminal."""
    from varhlh.report.tabular import _cell

    cell = _cell(value)
    assert cell and not re.search("[\t\r\n\x00-\x1f]", cell)
    assert cell.lstrip(" ")[:1] not in ("=", "+", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20") or cell.startswith("'")
    assert not cell.lstrip(" ").startswith("-") or cell.startswith("'") or isinstance(value, int | float)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_ANY_TEXT.filter(lambda t: "\x00" not in t))
def test_structured_header_values_round_trip_through_htslib(tmp_path: Path, value: str) -> None:
    """VCF 4.3 §1.4 (item 15): a value written into ##varhlh_conclusion=<…> is read back by htslib as one value
    of one key — it can never add keys."""
    import pysam

    from varhlh.report.vcf_writer import _structured

    vcf = tmp_path / "h.vcf"
    vcf.write_text("##fileformat=VCFv4.3\n"
                   f"##varhlh_conclusion=<sample={_structured(value)},primary_hlh=confirmed>\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n", encoding="utf-8")
    with pysam.VariantFile(str(vcf)) as reader:
        record = next(r for r in reader.header.records if r.key == "varhlh_conclusion")
        assert list(record.keys()) == ["sample", "primary_hlh"]
        assert record["primary_hlh"] == "confirmed"

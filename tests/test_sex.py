"""Sex inference from chrX heterozygosity / haploid calls / chrY, and precedence of sources."""

from __future__ import annotations

import pytest
from factories import record

from varhlh.errors import InputError
from varhlh.genotype.sex import infer_sex, resolve_sex
from varhlh.models import Build, Sex, SexSource


def x_calls(het: int = 0, hom: int = 0, haploid: int = 0, y: int = 0, par: int = 0) -> list:
    recs, pos = [], 20_000_000
    for gt, n in (("0/1", het), ("1/1", hom), ("1", haploid)):
        for _ in range(n):
            pos += 100
            recs.append(record(pos, gt, chrom="X"))
    recs += [record(3_000_000 + i, "1", chrom="Y") for i in range(y)]
    recs += [record(100_000 + i, "0/1", chrom="X") for i in range(par)]  # PAR1: ignored
    recs.append(record(72_000_000, "0/1"))  # autosome: ignored
    return recs


@pytest.mark.parametrize(("counts", "sex"), [
    ({"haploid": 1}, Sex.MALE),
    ({"hom": 20}, Sex.MALE),                 # het fraction 0 <= 0.05
    ({"hom": 19, "het": 1, "y": 5}, Sex.MALE),
    ({"het": 8, "hom": 10}, Sex.FEMALE),     # 0.44 >= 0.30
    ({"het": 2, "hom": 18}, Sex.UNKNOWN),    # 0.10: between thresholds, refuse to guess
    ({"het": 3}, Sex.UNKNOWN),               # too few calls
    ({"par": 40}, Sex.UNKNOWN),              # pseudoautosomal calls do not count
    ({"haploid": 2, "het": 5}, Sex.UNKNOWN),  # contradictory ploidy: no guess
])
def test_infer_sex(counts: dict, sex: Sex) -> None:
    call = infer_sex(x_calls(**counts), "P", Build.GRCH37)
    assert call.sex is sex
    assert "chrX ALT calls" in call.evidence
    assert call.source is (SexSource.UNKNOWN if sex is Sex.UNKNOWN else SexSource.INFERRED)


def test_precedence_and_conflicts() -> None:
    inferred = infer_sex(x_calls(haploid=3), "P", Build.GRCH37)
    warnings: list[str] = []
    assert resolve_sex(None, None, inferred, "P", warnings).source is SexSource.INFERRED
    assert resolve_sex(None, Sex.FEMALE, inferred, "P", warnings).sex is Sex.FEMALE
    assert warnings and "mix-up" in warnings[0]
    assert resolve_sex(Sex.MALE, Sex.UNKNOWN, inferred, "P", []).source is SexSource.ARGUMENT
    with pytest.raises(InputError, match="contradicts the PED"):
        resolve_sex(Sex.MALE, Sex.FEMALE, inferred, "P", [])


def test_the_chry_window_is_read_for_sex_inference(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No panel gene lies on chrY, yet its sex-inference window is read (and reported in the evidence)."""
    from conftest import DATA

    lines = (DATA / "vcf" / "prf1_carrier.vcf").read_text().splitlines()
    header = [line for line in lines if line.startswith("#")]
    body = [line for line in lines if not line.startswith("#") and line.split("\t")[0] not in ("X", "Y")]
    x = [f"X\t{48_100_000 + 1_000 * i}\t.\tA\tG\t50\tPASS\t.\tGT:DP:GQ:PL\t1/1:30:99:900,90,0" for i in range(12)]
    y = [f"Y\t{2_800_000 + 1_000 * i}\t.\tA\tG\t50\tPASS\t.\tGT:DP:GQ:PL\t1:30:99:900,0" for i in range(3)]
    vcf = tmp_path / "male_with_chry.vcf"
    vcf.write_text("\n".join([*header, *body, *x, *y]) + "\n")
    done = run_cli("triage", str(vcf))
    assert done.code == 0, done.err
    sample = done.json("NA12878")["sample"]
    assert sample["sex"] == "male"
    assert "homozygous" in sample["sex_evidence"] and "chrY ALT calls: 3" in sample["sex_evidence"], sample

import csv
import shlex
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

validate(config, schema="../schemas/config.schema.yaml")

OUT = config["outdir"]
FORMATS = config["formats"]
if not {"json", "multiqc"} <= set(FORMATS.split(",")):
    raise WorkflowError(
        f"config 'formats' is {FORMATS!r}: it must include json and multiqc (the workflow's outputs)"
    )


def read_sheet(path):
    """The sample sheet as {label: row}; friendly errors for a missing file, columns or duplicate labels."""
    sheet_path = Path(path)
    if not sheet_path.is_file():
        raise WorkflowError(
            f"sample sheet {path!r} not found (config 'samples', relative to {Path.cwd()}): create a "
            "tab-separated file with the columns sample, vcf[, ped][, vcf_sample], or pass "
            "--config samples=PATH"
        )
    with sheet_path.open(newline="", encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        rows = list(csv.DictReader(lines, delimiter="\t"))
    missing = {"sample", "vcf"} - set(rows[0] if rows else {})
    if missing:
        raise WorkflowError(
            f"{path}: the sample sheet needs the columns sample and vcf (missing: {sorted(missing)})"
        )
    sheet = {}
    for row in rows:
        row = {k: (v or "").strip() for k, v in row.items() if k}
        validate(row, schema="../schemas/samples.schema.yaml")
        if row["sample"] in sheet:
            raise WorkflowError(
                f"{path}: sample {row['sample']!r} is listed twice; sample labels must be unique"
            )
        sheet[row["sample"]] = row
    if not sheet:
        raise WorkflowError(f"{path}: the sample sheet lists no samples")
    return sheet


def given(value):
    return value if value not in ("", ".", None) else None


SHEET = read_sheet(config["samples"])


def triage_inputs(wildcards):
    row = SHEET[wildcards.sample]
    inputs = {"vcf": row["vcf"]}
    if given(row.get("ped")):
        inputs["ped"] = row["ped"]
    return inputs


def sample_option(wildcards):
    vcf_sample = given(SHEET[wildcards.sample].get("vcf_sample"))
    return f"-s {shlex.quote(vcf_sample)}" if vcf_sample else ""


def ped_option(wildcards, input):
    return f"--ped {shlex.quote(input.ped)}" if "ped" in input.keys() else ""

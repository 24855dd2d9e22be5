rule varhlh_triage:
    input:
        unpack(triage_inputs),
    output:
        json=f"{OUT}/varhlh/{{sample}}/{{sample}}.varhlh.json",
        tsv=f"{OUT}/varhlh/{{sample}}/{{sample}}.varhlh.tsv",
        mqc=f"{OUT}/varhlh/{{sample}}/{{sample}}.varhlh_mqc.json",
        mqc_table=f"{OUT}/varhlh/{{sample}}/{{sample}}.varhlh_results_mqc.json",
    log:
        f"{OUT}/logs/varhlh/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/varhlh/{{sample}}.tsv"
    conda:
        "../envs/varhlh.yaml"
    threads: config["threads"]
    resources:
        mem_mb=config["mem_mb"],
    params:
        outdir=lambda wildcards, output: Path(output.json).parent,
        sample=sample_option,
        ped=ped_option,
        formats=FORMATS,
        extra=config["varhlh_args"],
    shell:
        "varhlh triage {input.vcf:q} {params.sample} {params.ped} --prefix {wildcards.sample:q} "
        "--format {params.formats} --threads {threads} -o {params.outdir:q} {params.extra} "
        "> {log:q} 2>&1"


rule multiqc:
    input:
        expand(f"{OUT}/varhlh/{{sample}}/{{sample}}.varhlh_mqc.json", sample=SHEET),
        expand(
            f"{OUT}/varhlh/{{sample}}/{{sample}}.varhlh_results_mqc.json", sample=SHEET
        ),
    output:
        f"{OUT}/multiqc/multiqc_report.html",
    log:
        f"{OUT}/logs/multiqc.log",
    benchmark:
        f"{OUT}/benchmarks/multiqc.tsv"
    conda:
        "../envs/multiqc.yaml"
    resources:
        mem_mb=config["multiqc_mem_mb"],
    params:
        outdir=lambda wildcards, output: Path(output[0]).parent,
        extra=config["multiqc_args"],
    shell:
        "multiqc --force --no-ansi --no-version-check --outdir {params.outdir:q} {params.extra} "
        "{input:q} > {log:q} 2>&1"

process VARHLH_TRIAGE {
    tag "$meta.id"
    label 'process_low'

    // varhlh is not on Bioconda yet: the conda environment installs it from PyPI; for Docker or
    // Singularity build an image from the repository (README, "Running in pipelines and cohorts")
    // and set it with `withName: 'VARHLH_TRIAGE' { container = '...' }`.
    conda "${moduleDir}/environment.yml"
    container "varhlh:0.1.0"

    input:
    tuple val(meta), path(vcf), path(tbi)

    output:
    tuple val(meta), path("*.varhlh.json")            , emit: json
    tuple val(meta), path("*.varhlh.tsv")             , emit: tsv
    tuple val(meta), path("*.varhlh_mqc.json")        , emit: mqc
    tuple val(meta), path("*.varhlh_results_mqc.json"), emit: mqc_table
    path "versions.yml"                               , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def sample = meta.vcf_sample ? "-s ${meta.vcf_sample}" : ''
    // exit 0 whatever is found; a non-zero exit is an input, panel or output problem (README exit codes)
    """
    varhlh triage \\
        $vcf \\
        $sample \\
        --prefix $prefix \\
        --format json,tsv,multiqc \\
        --threads $task.cpus \\
        -o . \\
        $args

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        varhlh: \$(varhlh --version | sed 's/varhlh //')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.varhlh.json ${prefix}.varhlh.tsv ${prefix}.varhlh_mqc.json ${prefix}.varhlh_results_mqc.json

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        varhlh: \$(varhlh --version | sed 's/varhlh //')
    END_VERSIONS
    """
}

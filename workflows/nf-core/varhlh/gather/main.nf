process VARHLH_GATHER {
    tag "$meta.id"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/varhlh:0.1.0--pyhdfd78af_0':
        'quay.io/biocontainers/varhlh:0.1.0--pyhdfd78af_0' }"

    input:
    tuple val(meta), path(parts, stageAs: 'parts/*'), path(files, stageAs: 'parts/*')

    output:
    tuple val(meta), path("*.varhlh_cohort.tsv")        , emit: cohort
    tuple val(meta), path("*.varhlh_cohort_alleles.tsv"), emit: alleles
    tuple val(meta), path("*.varhlh_cohort*.parquet")   , emit: parquet  , optional: true
    tuple val(meta), path("*.varhlh.json")              , emit: json     , optional: true
    tuple val(meta), path("*.varhlh.tsv")               , emit: tsv      , optional: true
    tuple val(meta), path("*.varhlh_mqc.json")          , emit: mqc      , optional: true
    tuple val(meta), path("*.varhlh_results_mqc.json")  , emit: mqc_table, optional: true
    tuple val(meta), path("*.varhlh.vcf.gz")            , emit: vcf      , optional: true
    tuple val(meta), path("*.varhlh.vcf.gz.tbi")        , emit: vcf_tbi  , optional: true
    tuple val(meta), path("*.phenopacket.json")         , emit: phenopacket, optional: true
    tuple val(meta), path("*.varhlh.html")              , emit: html     , optional: true
    tuple val("${task.process}"), val('varhlh'), eval("varhlh --version | sed 's/varhlh //'"), topic: versions, emit: versions_varhlh

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    // parts: the PREFIX.varhlh_part.json manifests of the VARHLH_TRIAGE cohort blocks ('--all-samples
    // --samples-block I/N', ext.prefix 'block_I'); files: everything else those blocks wrote (their cohort
    // tables and per-sample files). Both are staged flat in parts/, so each manifest sits next to the files it
    // lists (block prefixes and sample IDs keep the names apart). varhlh gather refuses parts that do not
    // belong together (input, tool and panel versions, settings, block count) or a block missing or repeated.
    """
    varhlh gather \\
        $parts \\
        --prefix $prefix \\
        -o . \\
        -q \\
        $args
    """

    stub:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    echo $args
    touch ${prefix}.varhlh_cohort.tsv
    touch ${prefix}.varhlh_cohort_alleles.tsv
    """
}

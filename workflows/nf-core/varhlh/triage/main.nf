process VARHLH_TRIAGE {
    tag "$meta.id"
    label 'process_low'

    conda "${moduleDir}/environment.yml"
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/varhlh:0.1.0--pyhdfd78af_0':
        'quay.io/biocontainers/varhlh:0.1.0--pyhdfd78af_0' }"

    input:
    tuple val(meta), path(vcf), path(tbi), path(ped)

    output:
    tuple val(meta), path("*.varhlh.json")                , emit: json          , optional: true
    tuple val(meta), path("*.varhlh.tsv")                 , emit: tsv           , optional: true
    tuple val(meta), path("*.varhlh_mqc.json")            , emit: mqc           , optional: true
    tuple val(meta), path("*.varhlh_results_mqc.json")    , emit: mqc_table     , optional: true
    tuple val(meta), path("*.varhlh.vcf.gz")              , emit: vcf           , optional: true
    tuple val(meta), path("*.varhlh.vcf.gz.tbi")          , emit: vcf_tbi       , optional: true
    tuple val(meta), path("*.phenopacket.json")           , emit: phenopacket   , optional: true
    tuple val(meta), path("*.varhlh.html")                , emit: html          , optional: true
    tuple val(meta), path("*.varhlh_part.json")           , emit: part          , optional: true
    tuple val(meta), path("*.varhlh_cohort.tsv")          , emit: cohort        , optional: true
    tuple val(meta), path("*.varhlh_cohort_alleles.tsv")  , emit: cohort_alleles, optional: true
    tuple val("${task.process}"), val('varhlh'), eval("varhlh --version | sed 's/varhlh //'"), topic: versions, emit: versions_varhlh

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def ped_arg = ped ? "--ped ${ped}" : ''
    // ext.args may choose more formats (e.g. '--format json,tsv,multiqc,vcf,phenopacket'); json, tsv and
    // multiqc are always written for a single sample. A multi-sample VCF needs '-s SAMPLE' in ext.args unless
    // the PED names one affected sample. Cohort block (ext.args '--all-samples --samples-block I/N', ext.prefix
    // 'block_I'): files only for the block's samples with findings, plus PREFIX.varhlh_part.json and the
    // block's cohort tables, for VARHLH_GATHER. varhlh exits 0 whatever it finds; non-zero is an input, panel
    // or output problem.
    def formats = args.contains('--format') ? '' : '--format json,tsv,multiqc'
    """
    varhlh triage \\
        $vcf \\
        $ped_arg \\
        --prefix $prefix \\
        $formats \\
        --threads $task.cpus \\
        -o . \\
        -q \\
        $args
    """

    stub:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    def cohort = args.contains('--all-samples') || args.contains('--samples ')
    def sample_out = cohort ? '' : "touch ${prefix}.varhlh.json ${prefix}.varhlh.tsv ${prefix}.varhlh_mqc.json ${prefix}.varhlh_results_mqc.json"
    def cohort_out = cohort ? "touch ${prefix}.varhlh_part.json ${prefix}.varhlh_cohort.tsv ${prefix}.varhlh_cohort_alleles.tsv" : ''
    def vcf_out = !cohort && args =~ /--format\s+\S*vcf/ ? "touch ${prefix}.varhlh.vcf.gz ${prefix}.varhlh.vcf.gz.tbi" : ''
    def pp_out = !cohort && args.contains('phenopacket') ? "touch ${prefix}.phenopacket.json" : ''
    def html_out = !cohort && args =~ /--format\s+\S*html/ ? "touch ${prefix}.varhlh.html" : ''
    """
    echo $args
    $sample_out
    $cohort_out
    $vcf_out
    $pp_out
    $html_out
    """
}

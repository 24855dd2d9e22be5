process VARHLH_PANELREGIONS {
    tag "$meta.id"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/varhlh:0.1.0--pyhdfd78af_0':
        'quay.io/biocontainers/varhlh:0.1.0--pyhdfd78af_0' }"

    input:
    tuple val(meta), path(vcf)

    output:
    tuple val(meta), path("*.bed"), emit: bed
    tuple val("${task.process}"), val('varhlh'), eval("varhlh --version | sed 's/varhlh //'"), topic: versions, emit: versions_varhlh

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    // Only the VCF header is read (contig names and lengths: build and 'chr' style). The BED (0-based, sorted,
    // merged) holds exactly what 'varhlh triage' reads for the panel: padded gene regions, upstream windows and
    // the two sex-inference windows. ext.args must carry the same --panel/--config as VARHLH_TRIAGE's ext.args,
    // or the extract misses what the triage reads.
    """
    varhlh panel regions \\
        --vcf $vcf \\
        -o ${prefix}.regions.bed \\
        $args
    """

    stub:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    echo $args
    touch ${prefix}.regions.bed
    """
}

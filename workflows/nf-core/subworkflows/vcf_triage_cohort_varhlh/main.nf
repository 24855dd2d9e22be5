//
// Familial HLH triage of a large, region-chunked cohort pVCF (e.g. a biobank's): restrict every chunk to the
// panel regions, concatenate them to one panel pVCF, triage the samples in N blocks and gather the blocks.
// Decisions are never split by gene: a sample's answer needs all its panel genes (compound heterozygosity,
// the cross-gene decision), so the alleles are gathered per gene first and the samples are scattered after.
//
// BCFTOOLS_VIEW and BCFTOOLS_CONCAT are the nf-core/modules modules bcftools/view and bcftools/concat; they are
// not part of this repository. The include paths follow this repository's layout (workflows/nf-core/<tool>/
// <subtool>, workflows/nf-core/subworkflows/<name>): put those two modules at workflows/nf-core/bcftools/view
// and workflows/nf-core/bcftools/concat. In a pipeline with the nf-core layout (modules/nf-core/...,
// subworkflows/nf-core/...) the paths are '../../../modules/nf-core/<tool>/<subtool>/main'.
// Required process configuration (see tests/nextflow.config):
//   BCFTOOLS_VIEW   ext.args '--regions-overlap record --output-type z --write-index=tbi', ext.prefix "${meta.id}.panel"
//   BCFTOOLS_CONCAT ext.args '--allow-overlaps --rm-dups exact --output-type z --write-index=tbi', ext.prefix "${meta.id}.panel"
//   VARHLH_TRIAGE   ext.args "--all-samples --samples-block ${meta.block}/${meta.blocks}", ext.prefix "block_${meta.block}"
//

include { VARHLH_PANELREGIONS } from '../../varhlh/panelregions/main'
include { BCFTOOLS_VIEW       } from '../../bcftools/view/main'
include { BCFTOOLS_CONCAT     } from '../../bcftools/concat/main'
include { VARHLH_TRIAGE       } from '../../varhlh/triage/main'
include { VARHLH_GATHER       } from '../../varhlh/gather/main'

workflow VCF_TRIAGE_COHORT_VARHLH {

    take:
    ch_vcf      // channel: [ val(meta), path(vcf), path(tbi) ]  the region chunks of one cohort pVCF; meta.id unique per chunk
    ch_cohort   // channel: [ val(meta), path(ped) ]             one item: meta.id names the cohort; ped, or [] when none
    val_blocks  // integer: number of sample blocks (VARHLH_TRIAGE tasks)

    main:
    ch_versions = Channel.empty()

    // The panel regions, with the contig names of the pVCF header (every chunk has the same header).
    VARHLH_PANELREGIONS (
        ch_cohort.map { meta, ped -> meta }
            .combine( ch_vcf.first().map { meta, vcf, tbi -> [ vcf ] } )
    )
    ch_regions = VARHLH_PANELREGIONS.out.bed.map { meta, bed -> bed }.first()

    // Gather: every chunk restricted to the panel regions, then one panel pVCF (records spanning a chunk
    // boundary are in both chunks: --allow-overlaps --rm-dups exact keeps one).
    BCFTOOLS_VIEW ( ch_vcf, ch_regions, [], [] )
    ch_versions = ch_versions.mix( BCFTOOLS_VIEW.out.versions.first() )

    ch_concat_input = ch_cohort.map { meta, ped -> meta }
        .combine( BCFTOOLS_VIEW.out.vcf.map { meta, vcf -> vcf }.collect().map { vcfs -> [ vcfs ] } )
        .combine( BCFTOOLS_VIEW.out.tbi.map { meta, tbi -> tbi }.collect().map { tbis -> [ tbis ] } )
    BCFTOOLS_CONCAT ( ch_concat_input )
    ch_versions = ch_versions.mix( BCFTOOLS_CONCAT.out.versions )

    ch_panel_vcf = BCFTOOLS_CONCAT.out.vcf.join( BCFTOOLS_CONCAT.out.tbi, failOnDuplicate: true, failOnMismatch: true )

    // Scatter: N contiguous sample blocks of the panel pVCF (a sample's parents are read whatever block they are in).
    ch_triage_input = ch_panel_vcf
        .combine( ch_cohort.map { meta, ped -> [ ped ] } )
        .combine( Channel.of( 1..val_blocks ) )
        .map { meta, vcf, tbi, ped, block -> [ meta + [ block: block, blocks: val_blocks ], vcf, tbi, ped ] }
    VARHLH_TRIAGE ( ch_triage_input )

    // Gather the blocks: the part manifests plus everything else the blocks wrote, staged together.
    ch_block_files = VARHLH_TRIAGE.out.cohort
        .mix(
            VARHLH_TRIAGE.out.cohort_alleles,
            VARHLH_TRIAGE.out.json,
            VARHLH_TRIAGE.out.tsv,
            VARHLH_TRIAGE.out.mqc,
            VARHLH_TRIAGE.out.mqc_table,
            VARHLH_TRIAGE.out.vcf,
            VARHLH_TRIAGE.out.vcf_tbi,
            VARHLH_TRIAGE.out.phenopacket,
            VARHLH_TRIAGE.out.html
        )
        .map { meta, files -> files }
        .collect()
        .map { files -> [ files ] }
    ch_gather_input = ch_cohort.map { meta, ped -> meta }
        .combine( VARHLH_TRIAGE.out.part.map { meta, part -> part }.collect().map { parts -> [ parts ] } )
        .combine( ch_block_files )
    VARHLH_GATHER ( ch_gather_input )

    ch_multiqc_files = VARHLH_GATHER.out.mqc
        .mix( VARHLH_GATHER.out.mqc_table )
        .map { meta, files -> files }
        .flatten()

    emit:
    regions        = VARHLH_PANELREGIONS.out.bed   // channel: [ val(meta), path(bed) ]
    panel_vcf      = ch_panel_vcf                  // channel: [ val(meta), path(vcf), path(tbi) ]
    cohort         = VARHLH_GATHER.out.cohort      // channel: [ val(meta), path(tsv) ]
    cohort_alleles = VARHLH_GATHER.out.alleles     // channel: [ val(meta), path(tsv) ]
    json           = VARHLH_GATHER.out.json        // channel: [ val(meta), [ path(json) ] ]
    multiqc_files  = ch_multiqc_files              // channel: [ path(json) ]
    versions       = ch_versions                   // channel: [ path(versions.yml) ] (bcftools; varhlh: the 'versions' topic)
}

"""Annotate stage: consequence, HGVS, ClinVar, population frequency and curated alleles."""

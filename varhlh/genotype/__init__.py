"""Genotype stage: zygosity, sex and the family (PED) of the proband."""

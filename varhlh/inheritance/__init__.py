"""Inheritance stage: phase of allele pairs, segregation and the gene rules (AR, XL, AD)."""

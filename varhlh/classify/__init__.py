"""Classify stage: ACMG/AMP-style criteria per allele, then PM3/BP2 after phasing."""

"""Decide stage: Henter 2024 pathway, transplant indication, recommendations, limitations."""

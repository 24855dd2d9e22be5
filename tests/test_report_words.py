"""Every value of every closed vocabulary the result carries has plain-language wording in the report."""

from __future__ import annotations

from enum import Enum

import pytest

from varhlh.models import (
    Classification,
    ClinVarClass,
    DiagnosticWeight,
    EvidenceCode,
    GeneCall,
    Inheritance,
    Origin,
    Phase,
    PrimaryHlh,
    QualityFlag,
    SetAside,
    SexSource,
    Strength,
    Tier,
    TransplantPolicy,
    TransplantWorkup,
    Zygosity,
)
from varhlh.report.counselor import words

WORDING: list[tuple[type[Enum], dict[str, object]]] = [
    (PrimaryHlh, words.PRIMARY_HLH), (TransplantWorkup, words.TRANSPLANT), (Classification, words.CLASSIFICATION),
    (Zygosity, words.ZYGOSITY), (Zygosity, words.ZYGOSITY_SHORT), (Inheritance, words.INHERITANCE),
    (GeneCall, words.CALL), (Phase, words.PHASE), (Strength, words.STRENGTH), (DiagnosticWeight, words.WEIGHT),
    (Tier, words.TIER), (TransplantPolicy, words.POLICY), (SexSource, words.SEX_SOURCE), (Origin, words.ORIGIN),
    (ClinVarClass, words.CLINVAR), (EvidenceCode, words.EVIDENCE), (QualityFlag, words.QUALITY_FLAG),
    (SetAside, words.SET_ASIDE),
]


@pytest.mark.parametrize(("vocabulary", "table"), WORDING, ids=[f"{e.__name__}-{i}" for i, (e, _) in enumerate(WORDING)])
def test_every_value_has_wording(vocabulary: type[Enum], table: dict[str, object]) -> None:
    values = {m.value for m in vocabulary}
    assert values == set(table), f"{vocabulary.__name__}: missing {values - set(table)}, extra {set(table) - values}"
    assert all(table[v] for v in values)

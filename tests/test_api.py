"""The public API stated in ``varhlh/__init__.py`` works as its doctest says, and ``import varhlh`` stays light."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest
from conftest import ROOT

import varhlh


def test_public_api_doctest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the doctest names a fixture by its path in the repository
    failures, tried = doctest.testmod(varhlh, raise_on_error=False, verbose=False)
    assert tried >= 8 and failures == 0


def test_every_public_name_resolves() -> None:
    for name in varhlh.__all__:
        assert getattr(varhlh, name) is not None
    with pytest.raises(AttributeError):
        varhlh.not_public  # type: ignore[attr-defined]  # noqa: B018


def test_import_varhlh_loads_no_stage() -> None:
    code = "import sys, varhlh; print(sorted(m for m in sys.modules if m.startswith(('varhlh.', 'cyvcf2', 'pysam'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

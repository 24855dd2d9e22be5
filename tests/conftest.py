"""Shared fixtures: paths, bgzipped+indexed copies of the text fixtures, an in-process CLI runner."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from varhlh.cli import main

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = TESTS.parent
ARTIFACTS = TESTS / "artifacts"

try:  # property tests (tests/test_properties.py): derandomized in CI, so a CI run is reproducible
    from hypothesis import settings as _hypothesis

    _hypothesis.register_profile("ci", derandomize=True, max_examples=40, deadline=None, database=None)
    _hypothesis.register_profile("dev", max_examples=40, deadline=None)
    _hypothesis.load_profile("ci" if os.environ.get("CI") else "dev")
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass


_EMPTY_DATA_DIR: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """Never read a developer's real 'varhlh resources update' install: every test (and every subprocess it starts)
    sees an empty data directory, unless the test points VARHLH_DATA_DIR elsewhere itself (monkeypatch)."""
    import tempfile

    _EMPTY_DATA_DIR.append(tempfile.mkdtemp(prefix="varhlh-test-data-"))
    os.environ["VARHLH_DATA_DIR"] = _EMPTY_DATA_DIR[-1]


def pytest_unconfigure(config: pytest.Config) -> None:
    for directory in _EMPTY_DATA_DIR:
        shutil.rmtree(directory, ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/cases/*/expected.json")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@dataclass
class Run:
    code: int
    out: str
    err: str
    outdir: Path

    def json(self, prefix: str | None = None) -> dict[str, Any]:
        files = sorted(self.outdir.glob(f"{prefix or '*'}.varhlh.json"))
        assert len(files) == 1, f"expected one JSON output, found {files}; stderr: {self.err}"
        return json.loads(files[0].read_text())


@pytest.fixture
def run_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    counter = iter(range(1000))

    def _run(*args: str, outdir: Path | None = None) -> Run:
        target = outdir or tmp_path / f"out{next(counter)}"
        argv = [*args, "-o", str(target)] if args and args[0] == "triage" and "-o" not in args else list(args)
        code = main(argv)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, target)

    return _run


@pytest.fixture(scope="session")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """bgzip + tabix a text fixture once per session (pysam, so no htslib binaries are needed)."""
    import pysam

    cache: dict[Path, Path] = {}
    root = tmp_path_factory.mktemp("indexed")

    def _indexed(path: Path) -> Path:
        if path not in cache:
            target = root / (path.name + ".gz")
            pysam.tabix_compress(str(path), str(target), force=True)
            pysam.tabix_index(str(target), preset="vcf", force=True)
            cache[path] = target
        return cache[path]

    return _indexed


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def copy_to(path: Path, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(path, directory / path.name))

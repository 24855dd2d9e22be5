"""The documentation matches the repository: links resolve, named modules exist, the README stays short.

README.md is the front page; docs/*.md hold the rest. A newcomer must be able to go from the README to the
module where a rule lives, so the module map is checked against the tree and against the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
ARCHITECTURE = ROOT / "docs" / "architecture.md"
MAX_README_LINES = 260

_FENCE = re.compile(r"^\s*(```|~~~)")
_LINK = re.compile(r"(?<!\\)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^(#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
_PATH = re.compile(r"(?<![\w./-])varhlh/[\w./-]*[\w/]")
"""A repository path under varhlh/ (not part of a longer path such as workflows/nf-core/varhlh/triage/)."""


def _prose(path: Path) -> list[str]:
    """The lines of a Markdown file outside fenced code blocks."""
    lines, fenced = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def slug(title: str) -> str:
    """GitHub's anchor for a heading: links become their text, inline-code and emphasis marks go,
    lower case, every character other than letters, digits, spaces, '-' and '_' dropped, spaces to '-'."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", title)
    text = text.replace("`", "").replace("*", "")
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, with GitHub's -1, -2 … suffixes for repeated headings."""
    seen: dict[str, int] = {}
    found = set()
    for line in _prose(path):
        match = _HEADING.match(line)
        if not match:
            continue
        base = slug(match["title"])
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(path: Path) -> list[str]:
    return [m["target"] for line in _prose(path) for m in _LINK.finditer(line)
            if not re.match(r"^[a-z][a-z0-9+.-]*:", m["target"])]  # http:, https:, mailto: … are not checked


def test_slug_follows_github_rules() -> None:
    assert slug("What varhlh refuses and why") == "what-varhlh-refuses-and-why"
    assert slug("The JSON contract (schema version 1)") == "the-json-contract-schema-version-1"
    assert slug("Reference FASTA (`--fasta`, opt-in)") == "reference-fasta---fasta-opt-in"
    assert slug("Libraries, and why") == "libraries-and-why"
    assert slug("min_gq and `trust_phase_without_ps`") == "min_gq-and-trust_phase_without_ps"


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_anchors_resolve(page: Path) -> None:
    broken = []
    for target in links(page):
        file_part, _, anchor = target.partition("#")
        resolved = (page.parent / file_part).resolve() if file_part else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: no heading with anchor #{anchor} in {resolved.relative_to(ROOT)}")
    assert not broken, f"{page.relative_to(ROOT)}: " + "; ".join(broken)


def test_docs_pages_exist_and_are_linked_from_the_index() -> None:
    names = {p.name for p in DOCS}
    assert {"index.md", "architecture.md", "output-contract.md", "pipelines.md", "report.md",
            "validation-and-security.md", "performance.md", "interpretation.md", "development.md"} <= names
    index_targets = {t.partition("#")[0] for t in links(ROOT / "docs" / "index.md")}
    assert names - {"index.md"} <= index_targets, "every docs page is in docs/index.md"
    assert "docs/index.md" in links(README)


@pytest.mark.parametrize("page", [README, ARCHITECTURE], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_named_varhlh_path_exists(page: Path) -> None:
    named = sorted({m.group(0).rstrip(".") for m in _PATH.finditer(page.read_text(encoding="utf-8"))})
    assert named, "the page names no module"
    missing = [p for p in named if not (ROOT / p).exists()]
    assert not missing, f"{page.relative_to(ROOT)} names paths that do not exist: {missing}"


def test_readme_is_short() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move detail into docs/"


# Where a newcomer must find each rule within a minute: (what, words on the map line, module, code that must be
# in that module). The map line (README or docs/architecture.md) must name the module and the words; the code
# check keeps the map honest when the code moves.
FIND_IN_A_MINUTE = [
    ("minimum GQ", ("min_gq",), "varhlh/settings.py", "min_gq: int"),
    ("minimum GQ applied", ("min_gq",), "varhlh/genotype/zygosity.py", "settings.min_gq"),
    ("phase without PS", ("trust_phase_without_ps",), "varhlh/inheritance/phase.py",
     "settings.trust_phase_without_ps"),
    ("MANE transcript choice", ("MANE", "choose"), "varhlh/annotate/consequence.py", "def choose("),
    ("MANE choice is called by the annotator", ("MANE", "choose"), "varhlh/annotate/annotator.py",
     "consequence.choose("),
    ("PED relatives used", ("relatives",), "varhlh/genotype/pedigree.py", "def relatives("),
    ("hom-ref set-aside", ("set_aside",), "varhlh/restrict.py", "def set_aside("),
    ("limitations text", ("limitations",), "varhlh/decide/limitations.py", "def limitations("),
    ("transplant matrix", ("transplant", "workup_for"), "varhlh/decide/decision.py", "def workup_for("),
    ("panel loading", ("load_panel",), "varhlh/panel.py", "def load_panel("),
]


@pytest.mark.parametrize(("what", "words", "module", "code"), FIND_IN_A_MINUTE, ids=[f[0] for f in FIND_IN_A_MINUTE])
def test_rule_is_on_the_module_map(what: str, words: tuple[str, ...], module: str, code: str) -> None:
    assert code in (ROOT / module).read_text(encoding="utf-8"), f"{module} no longer has {code!r}: update the map"
    lines = [line for page in (README, ARCHITECTURE) for line in _prose(page) if line.startswith("|")]
    hits = [line for line in lines if f"`{module}`" in line and all(w in line for w in words)]
    assert hits, f"{what}: no map row in README.md or docs/architecture.md names {module} with {words}"


def test_architecture_map_names_every_module() -> None:
    """The full module map covers the whole package, so nothing is left to guess."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    modules = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "varhlh").rglob("*.py")
                     if p.name not in ("__init__.py", "__main__.py"))
    missing = [m for m in modules if f"`{m}`" not in text]
    assert not missing, f"docs/architecture.md does not map: {missing}"

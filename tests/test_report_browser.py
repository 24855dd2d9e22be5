"""The HTML report as a person sees it: Debian's headless Chromium driven by Playwright.

For each key scenario: no console errors, no horizontal overflow at A4 width (794 CSS px), the
answer and the first next step visible above the fold (1123 px), and the full list visible when
printed. For each scenario class of issue 13 (report_helpers.CLASSES) at 1280 and 390 CSS px: no horizontal
overflow (figures scroll inside their own box), no text smaller than 11 px (SVG text measured as drawn), the answer
and the completeness line above the fold, and axe-core (bundled by the axe-playwright-python package, so the test
runs offline) finds no violation. Screenshots go to tests/artifacts/ (git-ignored) for review. Skips with the reason
when Chromium or the playwright package is missing (.ci/run installs both; never `playwright install`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_helpers import CLASSES, SCENARIOS, XSS_SAMPLE, as_doc, chromium_path, evil_vcf, scenarios, triage

from varhlh.report.counselor.html import html_text as _html_text

pytestmark = pytest.mark.slow

__all__ = ["scenarios"]


def html_text(data: dict[str, Any]) -> str:
    return _html_text(as_doc(data))


A4_WIDTH, A4_HEIGHT = 794, 1123
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found (apt-get install chromium, or set VARHLH_CHROMIUM); .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (it is in the test extra: pip install '.[test]')")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Opened:
    def __init__(self, browser: Any, path: Path, width: int = A4_WIDTH, height: int = A4_HEIGHT,
                 bypass_csp: bool = False) -> None:
        self.messages: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": width, "height": height}, bypass_csp=bypass_csp)
        self.page.on("console", lambda m: self.messages.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.messages.append(f"pageerror: {e}"))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri(), wait_until="load")

    def js(self, script: str) -> Any:
        return self.page.evaluate(script)

    def box(self, selector: str) -> dict[str, float]:
        box = self.page.locator(selector).first.bounding_box()
        assert box is not None, f"{selector} is not rendered"
        return box  # type: ignore[no-any-return]


OVERFLOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.fig') || e.classList.contains('fig'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map(e => e.tagName + '.' + e.className)"""
SMALLEST_TEXT = """() => {
  let smallest = [1000, ''];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || !el.getClientRects().length) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size = parseFloat(el.getAttribute('font-size') || size) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    if (size < smallest[0]) smallest = [size, node.textContent.trim().slice(0, 40)];
  }
  return smallest;
}"""
WIDTHS = {1280: 800, 390: 844}
"""Viewport width -> height (a laptop and a phone)."""


def axe_script() -> str:
    """axe-core as shipped inside the axe-playwright-python wheel (no network)."""
    try:
        from importlib.resources import files

        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        pytest.skip("axe-playwright-python (it bundles axe-core) is not installed; it is in the test extra")


@pytest.mark.parametrize("name", SCENARIOS)
def test_report_in_chromium(name: str, browser, scenarios, tmp_path: Path, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    data = scenarios[name]
    path = tmp_path / f"{name}.varhlh.html"
    path.write_text(html_text(data), encoding="utf-8")
    opened = Opened(browser, path)
    page = opened.page
    page.screenshot(path=str(artifacts / f"report-{name}.png"))
    page.screenshot(path=str(artifacts / f"report-{name}-full.png"), full_page=True)
    assert opened.messages == [], "no console errors or warnings"
    assert opened.requests == [path.as_uri()], "nothing but the file itself is loaded"
    assert opened.js("document.documentElement.scrollWidth") <= A4_WIDTH
    assert opened.js(OVERFLOW) == []
    for selector in ('.card[data-answer]', '.card[data-answer] >> nth=1', '.summary', '#h-next', '.next li'):
        box = opened.box(selector)
        assert box["y"] + box["height"] <= A4_HEIGHT, f"{selector} is below the fold"
        assert page.locator(selector).first.is_visible()
    cards = page.locator(".card .a").all_inner_texts()
    conclusion = data["conclusion"]
    from varhlh.report.counselor import words

    clinical = (data["clinical"] or {}).get("clinical_transplant_indication")
    assert cards == [words.PRIMARY_HLH[conclusion["primary_hlh"]].label,
                     "Indicated on clinical grounds" if clinical and conclusion["transplant_workup"] != "indicated"
                     else words.TRANSPLANT[conclusion["transplant_workup"]].label]
    page.emulate_media(media="print")
    if page.locator("table.long tbody tr").count():
        assert page.locator("table.long tbody tr").last.is_visible(), "printed, the full list is expanded"
    page.close()


def test_narrow_screen_has_no_horizontal_overflow(browser, scenarios, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "narrow.html"
    path.write_text(html_text(scenarios["trio_confirmed"]), encoding="utf-8")
    opened = Opened(browser, path, width=390, height=844)
    assert opened.js("document.documentElement.scrollWidth") <= 390
    assert opened.js(OVERFLOW) == []
    opened.page.close()


def test_hostile_names_stay_text_in_the_browser(browser, tmp_path: Path, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    triage(tmp_path / "out", evil_vcf(tmp_path), formats="json,html")
    (report,) = (tmp_path / "out").glob("*.varhlh.html")
    opened = Opened(browser, report)
    opened.page.screenshot(path=str(artifacts / "report-hostile-sample.png"))
    assert opened.dialogs == [], "no alert() ran"
    assert opened.js("document.querySelectorAll('script, img, iframe').length") == 0
    assert opened.page.locator(".sample-id").inner_text() == XSS_SAMPLE
    assert opened.messages == []
    opened.page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", CLASSES)
def test_scenario_class_on_laptop_and_phone(kind: str, width: int, browser, scenarios, tmp_path: Path,  # type: ignore[no-untyped-def]
                                            artifacts: Path) -> None:
    data = scenarios[CLASSES[kind]]
    path = tmp_path / f"{kind}.varhlh.html"
    path.write_text(html_text(data), encoding="utf-8")
    opened = Opened(browser, path, width=width, height=WIDTHS[width], bypass_csp=True)
    page = opened.page
    page.screenshot(path=str(artifacts / f"class-{kind}-{width}.png"))
    assert opened.messages == [] and opened.dialogs == []
    assert opened.js("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert opened.js(OVERFLOW) == []
    size, text = opened.js(SMALLEST_TEXT)
    assert size >= 11 - 0.05, f"text smaller than 11 px: {size:.1f} px ({text!r})"
    for selector in ('.card[data-answer]', '.card[data-answer] >> nth=1', '#scope'):
        box = opened.box(selector)
        assert box["y"] + box["height"] <= WIDTHS[width], f"{selector} is below the fold at {width} px"
    headers = opened.js("""() => [...document.querySelectorAll('th')].filter(th => th.getClientRects().length)
        .filter(th => th.scrollWidth > th.clientWidth + 1).map(th => th.textContent)""")
    assert headers == [], "a table header is cut"
    page.evaluate(axe_script())
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results["violations"]]
    assert violations == [], violations
    page.close()

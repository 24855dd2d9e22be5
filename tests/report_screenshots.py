"""Regenerate the committed screenshots of the counselor's report (tests/artifacts/report/*.png).

    python tests/report_screenshots.py [OUTDIR]        # default: tests/artifacts/report

For every scenario class of issue 13 (report_helpers.CLASSES) it runs the real triage (SOURCE_DATE_EPOCH=0), renders
the HTML report and photographs it in Debian's headless Chromium (Playwright): the first screen at 1280 px (a
laptop, scaled to 800 px wide) and at 390 px (a phone), and the first haplotype figure at 1280 px. The PNGs are
reduced to a 64-colour palette so the whole set stays small. Not a test: it writes into the repository only when run
by hand; tests write their screenshots to the git-ignored tests/artifacts/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_helpers import CLASSES, as_doc, chromium_path, scenario_args, triage

from varhlh.report.counselor.html import html_text

VIEWS = ((1280, 800, 800), (390, 844, 390))
"""(viewport width, height, width of the saved PNG)."""


def shrink(path: Path, width: int) -> None:
    from PIL import Image

    with Image.open(path) as image:
        picture = image.convert("RGB")
    if picture.width != width:
        picture = picture.resize((width, round(picture.height * width / picture.width)), Image.Resampling.LANCZOS)
    picture.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def main(outdir: Path) -> None:
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        sys.exit("Chromium not found (apt-get install chromium, or set VARHLH_CHROMIUM)")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        for kind, name in CLASSES.items():
            vcf, args = scenario_args(name, Path(scratch) / f"{name}-in")
            data = triage(Path(scratch) / name, vcf, *args)
            page_file = Path(scratch) / f"{kind}.html"
            page_file.write_text(html_text(as_doc(data)), encoding="utf-8")
            for width, height, saved in VIEWS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(page_file.as_uri())
                target = outdir / f"{kind}-{width}.png"
                page.screenshot(path=str(target))
                shrink(target, saved)
                figure = page.locator(".finding figure").first
                if width == 1280 and figure.count():
                    target = outdir / f"{kind}-figure.png"
                    figure.screenshot(path=str(target))
                    shrink(target, 720)
                page.close()
            print(kind, "done")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "artifacts" / "report")

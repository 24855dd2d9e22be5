"""The counselor's report as PDF, via WeasyPrint (optional: ``pip install 'varhlh[pdf]'``).

The PDF is the HTML report (:mod:`varhlh.report.counselor.html`) with every collapsible section expanded,
laid out by its print stylesheet on A4. Rules:

* URL fetching is locked. The report embeds everything it needs, so the fetcher refuses every
  URL (``file://``, ``http(s)://``, anything) and logs the refusal: no local file and no network
  resource can ever enter a PDF, whatever the HTML contains.
* Tagged (``pdf_tags``): the structure tree lets screen readers and reflow read the PDF in order; every
  section heading is a bookmark.
* Byte-reproducible: the PDF identifier is derived from the HTML, and the only dates are
  ``run.date`` (from SOURCE_DATE_EPOCH at analysis time) carried as ``dcterms`` metadata.
* WeasyPrint and its system libraries (Pango) are imported only when a PDF is requested; when
  they are missing the request fails with a one-line :class:`ConfigError` naming the fix.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from typing import Any, NoReturn

from varhlh.errors import ConfigError
from varhlh.report.meta import ReportMeta, report_date
from varhlh.report.output import RenderContext
from varhlh.result import ResultDoc

log = logging.getLogger("varhlh")
INSTALL_HINT = "pip install 'varhlh[pdf]'"


class RefusedURL(ValueError):
    """Raised by the locked fetcher for every URL."""


def render_pdf(context: RenderContext) -> list[tuple[str, bytes]]:
    return [("varhlh.pdf", pdf_bytes(context.document, context.meta, report_date(context.meta)))]


def pdf_bytes(doc: ResultDoc, meta: ReportMeta | None = None, date: str = "") -> bytes:
    from varhlh.report.counselor.html import html_text

    return html_to_pdf(html_text(doc, meta=meta, date=date, for_pdf=True))


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` as a tagged PDF (structure tree: headings, paragraphs, lists, tables, figures with their
    text; bookmarks per section) with the locked fetcher; identical HTML gives identical bytes."""
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    with _quiet_weasyprint():
        weasyprint = _weasyprint()
        document = weasyprint.HTML(string=html, url_fetcher=locked_fetcher(), media_type="print")
        payload: bytes = document.write_pdf(pdf_identifier=identifier, pdf_tags=True)
    return payload


def refuse(url: str) -> NoReturn:
    log.warning("PDF: refused to fetch %s (the report may only use embedded content)", url[:200])
    msg = f"varhlh PDF rendering fetches nothing: {url[:200]}"
    raise RefusedURL(msg)


def locked_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL (a ``URLFetcher`` subclass where WeasyPrint has one)."""
    from weasyprint import urls

    base = getattr(urls, "URLFetcher", None)
    if base is None:  # older WeasyPrint: a plain callable
        return refuse

    class LockedFetcher(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            refuse(url)

    return LockedFetcher()


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError as exc:
        msg = f"--format pdf needs WeasyPrint, which is not installed ({exc.name}); install it with: {INSTALL_HINT}"
        raise ConfigError(msg) from exc
    except OSError as exc:
        msg = (f"--format pdf: WeasyPrint cannot load its system libraries ({str(exc).splitlines()[0]}); "
               f"install Pango (e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0) and {INSTALL_HINT}")
        raise ConfigError(msg) from exc
    return weasyprint


@contextlib.contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint warns about every CSS property meant for browsers only; keep stderr for real errors."""
    loggers = [logging.getLogger(name) for name in ("weasyprint", "weasyprint.progress", "fontTools")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)

"""The counselor's report as one self-contained HTML file, rendered from the JSON result only.

jinja2 with autoescaping on for every template and value (sample IDs, VCF and PED strings,
reasons) and ``StrictUndefined`` (a template typo is an error, never a silently blank field).
CSS and SVG are inline; there is no script, no external URL and a Content-Security-Policy that
forbids loading anything, so the file reads the same offline, printed or archived. Output is
deterministic: the only dates are ``run.date`` from the result and the report date (the metadata's, else
SOURCE_DATE_EPOCH's, else today's: :func:`varhlh.report.meta.report_date`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from varhlh.report.meta import ReportMeta, report_date
from varhlh.report.output import RenderContext
from varhlh.result import ResultDoc

TEMPLATE = "report.html.j2"


def render_html(context: RenderContext) -> list[tuple[str, bytes]]:
    text = html_text(context.document, meta=context.meta, date=report_date(context.meta))
    return [("varhlh.html", text.encode("utf-8"))]


def html_text(doc: ResultDoc, *, meta: ReportMeta | None = None, date: str = "", for_pdf: bool = False) -> str:
    """The report for ``doc`` as an HTML string; ``date`` is the report date (default: the analysis date)."""
    from varhlh.report.counselor.figures import legend
    from varhlh.report.counselor.view import build_view

    report = build_view(doc, meta, date)
    text: str = _environment().get_template(TEMPLATE).render(r=report, legend=legend(report.drawn_classes),
                                                             for_pdf=for_pdf)
    return text


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("varhlh.report.counselor", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

"""Writes a built report (builder.Report) into the Word template with docxtpl.

The template is the committed templates_docx/report.docx unless staff put an edited copy in
REPORT_TEMPLATE_DIR (default VAR_DIR/report-templates): `<region code>/report.docx` for a
region (the nearest region up the tree wins), or `report.docx` for all."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from docxtpl import DocxTemplate, RichText

from kechuang.reports.builder import Report
from kechuang.reports.layout import TEMPLATE

FILENAME = "report.docx"
HIGHLIGHTED = (
    '<w:r><w:rPr><w:highlight w:val="yellow"/></w:rPr><w:t xml:space="preserve">{}</w:t></w:r>'
)


def template_dir() -> Path:
    configured = getattr(settings, "REPORT_TEMPLATE_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "report-templates"


def template_path(region) -> Path:
    folder = template_dir()
    node = region
    while node is not None:
        candidate = folder / node.code / FILENAME
        if candidate.is_file():
            return candidate
        node = node.parent
    if (folder / FILENAME).is_file():
        return folder / FILENAME
    return TEMPLATE


def _rich(block) -> RichText:
    rich = RichText()
    for piece in block.pieces:
        if piece.figure is not None and piece.figure.missing:
            # Word's text highlight (RichText's `highlight` is a shading).
            rich.xml += HIGHLIGHTED.format(escape(piece.text))
        else:
            rich.add(piece.text)
    return rich


def context(report: Report) -> dict:
    return {
        "title": report.title,
        "blocks": [{"level": b.level, "rich": _rich(b)} for b in report.blocks],
        "appendix": [
            {
                "n": n,
                "name": use.name,
                "code": use.code,
                "display": use.display,
                "as_of": use.as_of.isoformat(),
            }
            for n, use in enumerate(report.appendix, 1)
        ],
    }


def render(report: Report) -> bytes:
    document = DocxTemplate(str(template_path(report.region)))
    document.render(context(report), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

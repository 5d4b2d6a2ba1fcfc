"""The report's Word template, built with python-docx in the layout of GB/T 9704-2012
(党政机关公文格式): A4; top margin 37 mm, left 28 mm, text block 156 × 225 mm (right 26 mm,
bottom 35 mm); body 3号 仿宋_GB2312, 22 lines of 28 characters (line grid); headings 黑体,
楷体_GB2312, 仿宋_GB2312 (bold), 仿宋_GB2312 by level; title 2号 方正小标宋简体 centred; page
numbers 4号 宋体 "— 1 —", 7 mm below the text block, odd pages right and even pages left,
one character in. Every style names its East Asian font (w:eastAsia), so Word uses it even
where the font is not installed.

`kechuang report_template` writes templates_docx/report.docx (committed); staff may replace it
with an edited copy (see docx.template_path). The body is docxtpl markup: a loop over the
report's paragraphs choosing the style by level, and the appendix table of figures.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TEMPLATE = Path(__file__).resolve().parent / "templates_docx" / "report.docx"

BODY_FONT = "仿宋_GB2312"
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
CHARS_PER_LINE, LINES_PER_PAGE = 28, 22
# Body characters condensed by 0.25 pt (in twips): 28 of 15.75 pt fill the 156 mm line
# (442.2 pt). Set on the text, not as a character grid, so Word and LibreOffice lay out
# the same 28 characters (LibreOffice spreads a linesAndChars grid over two cells a character).
CHAR_SPACING = -5
MARGINS = {"top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
FOOTER_DISTANCE = Mm(23)  # 35 mm − 7 mm − the page number's line (4号 ≈ 5 mm)

# style name: (font, size, bold, alignment, first-line indent in characters)
STYLES = {
    "Normal": (BODY_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Title": ("方正小标宋简体", SIZE_2, False, WD_ALIGN_PARAGRAPH.CENTER, 0),
    "Heading 1": ("黑体", SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Heading 2": ("楷体_GB2312", SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Heading 3": (BODY_FONT, SIZE_3, True, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Heading 4": (BODY_FONT, SIZE_3, False, WD_ALIGN_PARAGRAPH.JUSTIFY, 2),
    "Footer": ("宋体", SIZE_4, False, None, 0),
}
TABLE_TEXT = "Table Text"  # the appendix's cells: 小四 (12 pt), single spacing, off the grid


def set_fonts(style_or_run, font: str) -> None:
    """Names the font in every slot, the East Asian one included."""
    style_or_run.font.name = font
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
    # A theme font would take precedence over the names.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _style(document, name: str) -> None:
    font, size, bold, alignment, indent = STYLES[name]
    style = document.styles[name]
    set_fonts(style, font)
    style.font.size = size
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = None
    style.font.all_caps = False
    fmt = style.paragraph_format
    if alignment is not None:
        fmt.alignment = alignment
    fmt.first_line_indent = Pt(16 * indent) if indent else Pt(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if name != "Footer":
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
    rpr = style.element.get_or_add_rPr()
    for tag in ("w:color", "w:u", "w:spacing", "w:kern"):
        for found in rpr.findall(qn(tag)):
            rpr.remove(found)
    if size == SIZE_3 and name != "Footer":
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(CHAR_SPACING))
        sz = rpr.find(qn("w:sz"))
        if sz is not None:
            sz.addprevious(spacing)  # the schema's order: spacing before sz
        else:
            rpr.append(spacing)
    ppr = style.element.get_or_add_pPr()
    for found in ppr.findall(qn("w:pBdr")):
        ppr.remove(found)


def _defaults(document) -> None:
    """The document defaults: the body font and size (the line grid's character pitch is
    counted from the default size)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        node = rpr.find(qn(tag))
        if node is None:
            node = OxmlElement(tag)
            rpr.append(node)
        node.set(qn("w:val"), str(int(SIZE_3.pt * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _table_text(document) -> None:
    style = document.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    set_fonts(style, BODY_FONT)
    style.font.size = Pt(12)
    fmt = style.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    style.element.get_or_add_pPr().append(snap)


def _grid(section) -> None:
    """docGrid: 22 lines in the text block (the 28 characters come from CHAR_SPACING)."""
    sect = section._sectPr
    for found in sect.findall(qn("w:docGrid")):
        sect.remove(found)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.pt * 20)))
    sect.append(grid)


def _page_number(paragraph, align) -> None:
    """— PAGE — in 4号 宋体, one character in from the side."""
    paragraph.style = "Footer"
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = SIZE_4
    else:
        paragraph.paragraph_format.left_indent = SIZE_4
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        else:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._r.append(node)
        if kind == "separate":
            shown = OxmlElement("w:t")
            shown.text = "1"
            run._r.append(shown)
    paragraph.add_run(" —")
    for r in paragraph.runs:
        set_fonts(r, "宋体")
        r.font.size = SIZE_4


def build_template(path: Path = TEMPLATE) -> Path:
    document = Document()
    _defaults(document)
    for name in STYLES:
        _style(document, name)
    _table_text(document)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    section.header_distance, section.footer_distance = Mm(15), FOOTER_DISTANCE
    _grid(section)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)

    def line(text: str, style: str = "Normal") -> None:
        document.add_paragraph(text, style=style)

    line("{{ title }}", "Title")
    line("")
    line("{%p for b in blocks %}")
    line("{%p if b.level == 1 %}")
    line("{{r b.rich }}", "Heading 1")
    line("{%p elif b.level == 2 %}")
    line("{{r b.rich }}", "Heading 2")
    line("{%p elif b.level == 3 %}")
    line("{{r b.rich }}", "Heading 3")
    line("{%p else %}")
    line("{{r b.rich }}")
    line("{%p endif %}")
    line("{%p endfor %}")
    line("附：数字来源", "Heading 1")
    table = document.add_table(rows=4, cols=5, style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(
        table.rows[0].cells, ("序号", "数字", "来源", "数值", "截至"), strict=True
    ):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for f in appendix %}"
    for cell, text in zip(
        table.rows[2].cells,
        ("{{ f.n }}", "{{ f.name }}", "{{ f.code }}", "{{ f.display }}", "{{ f.as_of }}"),
        strict=True,
    ):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    widths = (Mm(12), Mm(50), Mm(50), Mm(22), Mm(22))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            for paragraph in cell.paragraphs:
                paragraph.style = TABLE_TEXT
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path

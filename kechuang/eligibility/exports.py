"""Screening results as Excel: the pool's candidate-list columns first, so the file
re-imports as a candidate list (kind `pool`); verdict columns after them are ignored."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from kechuang.core.excel import safe_cell

POOL_COLUMNS = ["统一社会信用代码", "企业名称", "培育目标", "申报年度", "状态", "联系干部", "备注"]
VERDICT_COLUMNS = ["结论", "评分下限", "评分上限", "未满足或待定的条件"]


def screening_workbook(rows, *, tier, year: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("资格筛查")
    header = []
    for text in POOL_COLUMNS + VERDICT_COLUMNS:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        firm = row.enterprise
        score = row.score or {}
        values = [
            firm.credit_code,
            firm.name,
            tier.name,
            year,
            row.pool_status_label or "培育对象",
            "",
            "",
            row.verdict_label,
            score.get("min"),
            score.get("max"),
            row.summary(),
        ]
        sheet.append([safe_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

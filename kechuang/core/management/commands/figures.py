"""kechuang figures --region CODE --period YYYY-MM [--format json] [--codes a,b]: the figures
every app declares (core/figures.py), computed for a region as the system."""

import json

from django.core.management.base import BaseCommand, CommandError

from kechuang.core import figures


class Command(BaseCommand):
    help = "输出某区域某期间（1月至该月累计）的各项数字及其明细页面"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 331121")
        parser.add_argument("--period", required=True, help="期间 YYYY-MM（1月至该月累计）")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--codes", default="", help="只输出这些数字，逗号分隔")

    def handle(self, *args, region, period, format, codes, **options):
        chosen = [c.strip() for c in codes.split(",") if c.strip()] or None
        try:
            rows = figures.evaluate(region, period, chosen)
        except figures.FigureError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if format == "json":
            self.stdout.write(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
        else:
            self.stdout.write(render_text(rows))


def render_text(rows) -> str:
    table = [("代码", "名称", "数值", "明细")]
    table += [(r.code, r.name, r.display, r.source) for r in rows]
    widths = [max(_width(row[i]) for row in table) for i in range(3)]
    lines = []
    for row in table:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:3])]
        lines.append("  ".join([*cells, row[3]]))
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a terminal gives the text: two for each Chinese character."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

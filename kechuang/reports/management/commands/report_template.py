"""kechuang report_template [--output FILE]: writes the GB/T 9704 report template (the one
committed as reports/templates_docx/report.docx)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from kechuang.reports.layout import TEMPLATE, build_template


class Command(BaseCommand):
    help = "生成工作报告的 Word 模板（GB/T 9704 公文格式）"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(TEMPLATE), help="输出文件")

    def handle(self, *args, output, **options):
        path = build_template(Path(output))
        self.stdout.write(f"已生成模板：{path}")

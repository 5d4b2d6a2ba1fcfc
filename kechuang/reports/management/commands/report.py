"""kechuang report --region CODE --period YYYY-MM --kind half-year|annual|monthly
--output FILE.docx: the work report written from live data, as the system."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.reports import builder, word
from kechuang.reports.choices import ReportKind


class Command(BaseCommand):
    help = "按实时数据生成工作报告（Word 文件）"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 331121")
        parser.add_argument("--period", required=True, help="期间 YYYY-MM（1月至该月累计）")
        parser.add_argument(
            "--kind", default=ReportKind.HALF_YEAR, help="half-year、annual 或 monthly"
        )
        parser.add_argument(
            "--output", default="", help="输出的 .docx 文件（默认按区域、期间命名）"
        )

    def handle(self, *args, region, period, kind, output, **options):
        try:
            report = builder.build(region, period, kind)
        except builder.ReportError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        path = Path(output or report.filename)
        data = word.render(report)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入输出文件 {path}：{exc.strerror}") from exc
        missing = sum(1 for use in report.uses.values() if use.missing)
        self.stdout.write(f"已生成：{path}（数字 {len(report.uses)} 个，待填 {missing} 个）")

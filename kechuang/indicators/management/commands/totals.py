"""kechuang totals --check | --rebuild [--region CODE] [--period YYYY-MM] [--format json]:
the bottom-up totals checked against a fresh computation from the firm data, or rebuilt."""

import json

from django.core.management.base import BaseCommand, CommandError

from kechuang.core.models import Region
from kechuang.indicators import engine
from kechuang.indicators.totals import FIELD_LABELS, totals_differences, totals_refresh


def _amount(value) -> str | None:
    """A stored figure as exact text (an aggregation text as is); None stays None."""
    return None if value is None else str(value)


def difference_json(d) -> dict:
    return {
        "region": d.region,
        "period": d.period,
        "element": d.element,
        "field": d.field,
        "stored": _amount(d.stored),
        "computed": _amount(d.computed),
    }


def difference_text(d) -> str:
    stored = "无此行" if d.stored is None else d.stored
    computed = "无此行" if d.computed is None else d.computed
    return (
        f"{d.region} {d.region_name} {d.period} {d.element_name}（{d.element}）"
        f"{FIELD_LABELS[d.field]}：库中 {stored}，重算 {computed}"
    )


class Command(BaseCommand):
    help = "核对或重建企业数据汇总（各县、乡镇按期间的自下而上汇总）"

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--check", action="store_true", help="由企业数据重算并列出差异（有差异时退出码 1）"
        )
        action.add_argument("--rebuild", action="store_true", help="由企业数据重建汇总")
        parser.add_argument("--region", help="只处理该区划（代码，如 331121）")
        parser.add_argument("--period", help="只处理该期间（YYYY-MM）")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, check, rebuild, region, period, format, **options):
        regions = periods = None
        if region is not None:
            if not Region.objects.filter(code=region.strip()).exists():
                raise CommandError(f"未知的区域代码：{region}", returncode=2)
            regions = [region.strip()]
        if period is not None:
            try:
                engine.parse_period(period)
            except engine.IndicatorError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            periods = [period.strip()]
        if rebuild:
            count = totals_refresh(periods, regions)
            if format == "json":
                self.stdout.write(json.dumps({"rebuilt_periods": count}, ensure_ascii=False))
            else:
                self.stdout.write(f"已重建 {count} 个期间的企业数据汇总")
            return
        differences = totals_differences(periods, regions)
        if format == "json":
            payload = {"differences": [difference_json(d) for d in differences]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        elif differences:
            self.stdout.write(f"企业数据汇总与重算有 {len(differences)} 处差异：")
            for d in differences:
                self.stdout.write("  " + difference_text(d))
            self.stdout.write("可运行 kechuang totals --rebuild 重建")
        else:
            self.stdout.write("企业数据汇总与重算一致")
        if differences:
            raise CommandError(f"发现 {len(differences)} 处差异", returncode=1)

"""kechuang indicators --region CODE --period YYYY-MM [--format json|text]: the scoreboard."""

import json

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from kechuang.core.cli import command_user
from kechuang.indicators import engine, selectors

CONTRACT_KEYS = (
    "code",
    "name",
    "value",
    "unit",
    "display",
    "yoy",
    "yoy_source",
    "target",
    "progress",
    "projection",
    "rank",
)


def contract(table: dict) -> dict:
    """The documented JSON: region, period and each indicator's contract keys."""
    return {
        "region": table["region"],
        "period": table["period"],
        "indicators": [{k: row[k] for k in CONTRACT_KEYS} for row in table["indicators"]],
    }


class Command(BaseCommand):
    help = "输出某区域某期间的主要指标（值、增速、目标进度、预计全年、排名）"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码，如 331121")
        parser.add_argument("--period", required=True, help="期间 YYYY-MM（1月至该月累计）")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--user", default=None, help="以该用户身份查看（默认：首个超级用户）")

    def handle(self, *args, region, period, format, user, **options):
        actor = command_user(user)
        try:
            table = selectors.indicator_table(actor, region, period)
        except (engine.IndicatorError, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if not table["has_data"]:
            raise CommandError(
                f"{table['region_name']}{engine.period_label(period)}没有指标数据", returncode=2
            )
        if format == "json":
            self.stdout.write(json.dumps(contract(table), ensure_ascii=False))
        else:
            self.stdout.write(render_text(table))


def render_text(table: dict) -> str:
    lines = [
        f"{table['region_name']}（{table['region']}）{table['period_label']}主要指标"
        f"　序时进度 {engine.display(engine.pace(table['period']), '%')}",
        "",
    ]
    header = ("指标", "本期", "同比", "增速口径", "目标", "完成进度", "预计全年", "排名")
    rows = [header]
    for row in table["indicators"]:
        rank = row["rank"]
        rows.append(
            (
                row["name"],
                row["display"],
                row["yoy_display"] if row["yoy"] is not None else "—",
                row["yoy_source_label"] or "—",
                row["target_display"] or "—",
                f"{row['progress']:.2f}%" if row["progress"] is not None else "—",
                row["projection_display"] or "—",
                f"{rank['position']}/{rank['of']}（按{'增速' if rank['by'] == 'yoy' else '数值'}）"
                if rank["position"]
                else "—",
            )
        )
    for row in rows:
        lines.append("  ".join(str(cell) for cell in row))
    return "\n".join(lines)

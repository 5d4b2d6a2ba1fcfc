"""kechuang demo [--port 8000] [--no-serve] [--force]: migrates, loads the demo data, serves it
(with one background worker beside the web server)."""

import os
import subprocess
import sys
import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kechuang.demo import dataset
from kechuang.demo.services import DemoRefused, demo_load, foreign_records, refusal

COLUMNS = (
    ("username", "用户名"),
    ("password", "密码"),
    ("role", "角色"),
    ("full_name", "姓名"),
    ("bound", "所属区域 / 企业 / 院所"),
)


def width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: list[dict]) -> list[str]:
    widths = [max(width(h), *(width(r[k]) for r in rows)) for k, h in COLUMNS]

    def line(cells):
        padded = (c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True))
        return "  ".join(padded).rstrip()

    header = line([h for _, h in COLUMNS])
    rule = "  ".join("-" * w for w in widths)
    return [header, rule, *(line([r[k] for k, _ in COLUMNS]) for r in rows)]


class Command(BaseCommand):
    help = "建库并载入青田县演示数据（可重复运行），打印演示账号，然后启动网站"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="网站端口，默认 8000")
        parser.add_argument("--no-serve", action="store_true", help="只载入数据，不启动网站")
        parser.add_argument(
            "--force",
            action="store_true",
            help="库里已有非演示数据时也载入（已存在的账号保持不变）",
        )

    def handle(self, *args, port, no_serve, force, **options):
        # Checked before migrate too: a database that is not ours is not migrated either.
        if not force and (reasons := foreign_records()):
            raise CommandError(refusal(reasons), returncode=2)
        call_command("migrate", verbosity=0, interactive=False)
        try:
            summary = demo_load(force=force)
        except DemoRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        done = summary["counts"]
        parts = []
        for kind, label in (("enterprises", "企业"), ("institutions", "院所"), ("users", "用户")):
            c = done[kind]
            parts.append(
                f"{label}新增 {c.get('created', 0)}、修改 {c.get('updated', 0)}、"
                f"未变 {c.get('unchanged', 0)}"
            )
        self.stdout.write(f"演示数据已就绪（{summary['seconds']} 秒）：" + "；".join(parts))
        self.stdout.write(
            f"规上制造业企业 {summary['above_scale_manufacturing']} 家，其中有研发活动 "
            f"{summary['rnd_active']} 家，占比 {summary['rnd_share']}%"
        )
        ladder = summary["ladder"]
        self.stdout.write(
            f"培育库 {ladder['pool'].get('created', 0) + ladder['pool'].get('unchanged', 0)} 条"
            "（2023年高新技术企业培育对象 24 家、科技型中小企业培育对象 40 家），"
            "2023年新认定高新技术企业 18 家"
        )
        # The demo is the seed report's half year: deadlines and expiries read as of then.
        business_day = settings.KECHUANG_TODAY or dataset.AS_OF.isoformat()
        self.stdout.write(f"业务日期：{business_day}（环境变量 KECHUANG_TODAY 可改）")
        self.stdout.write("")
        self.stdout.write(f"网址：http://127.0.0.1:{port}/")
        self.stdout.write("演示账号：")
        for row in table(summary["logins"]):
            self.stdout.write("  " + row)
        self.stdout.write("")
        if not no_serve:
            settings.KECHUANG_TODAY = business_day  # this process only serves the demo now
            # One background worker beside the web server, for imports above the threshold.
            worker = subprocess.Popen(
                [sys.executable, "-m", "kechuang", "db_worker", "--no-reload"],
                env={**os.environ, "KECHUANG_TODAY": business_day},
            )
            self.stdout.write(f"后台任务进程已启动（kechuang db_worker，进程号 {worker.pid}）")
            try:
                call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)
            finally:
                worker.terminate()
                worker.wait(timeout=30)

"""kechuang export KIND [--output FILE]: writes the kind's records to Excel."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from kechuang.core import excel
from kechuang.core.cli import command_user


class Command(BaseCommand):
    help = "把数据导出为 Excel（与导入模板同一表头，可原样导回）"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="数据类型，如 enterprises、institutions")
        parser.add_argument("--output", "-o", default="-", help="输出文件，- 表示标准输出")
        parser.add_argument("--filter", default="", help="筛选条件，与列表页网址参数相同")
        parser.add_argument("--template", action="store_true", help="只输出空白导入模板")
        parser.add_argument("--user", default=None, help="以该用户的可见范围导出")

    def handle(self, *args, kind, output, filter, template, user, **options):
        try:
            spec = excel.get_spec(kind)
        except excel.ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if template:
            content = excel.write_workbook(spec, None)
        else:
            actor = command_user(user)
            content = excel.write_workbook(spec, spec.filtered(QueryDict(filter), actor), actor)
        if output == "-":
            sys.stdout.buffer.write(content)
        else:
            Path(output).write_bytes(content)
            self.stderr.write(f"已写入 {output}")

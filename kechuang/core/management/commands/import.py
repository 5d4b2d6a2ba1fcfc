"""kechuang import KIND FILE [--dry-run]: imports an Excel file through the kind's sheet spec."""

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from kechuang.core import excel
from kechuang.core.cli import command_user


class Command(BaseCommand):
    help = "从 Excel 导入数据（企业、院所等）；任何一行有错误时不写入"

    def add_arguments(self, parser):
        parser.add_argument("kind", help="数据类型，如 enterprises、institutions")
        parser.add_argument("file", help="Excel 文件（.xlsx），- 表示标准输入")
        parser.add_argument("--dry-run", action="store_true", help="只预检，不写入")
        parser.add_argument("--user", default=None, help="以该用户身份导入（默认：首个超级用户）")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, kind, file, dry_run, user, format, **options):
        try:
            spec = excel.get_spec(kind)
        except excel.ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        content = sys.stdin.buffer.read() if file == "-" else _read(file)
        actor = command_user(user)
        result = _run(spec, content, actor, dry_run)
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "kind": kind,
                        "committed": result.committed,
                        "summary": result.summary(),
                        "errors": [
                            {"row": e.row, "column": e.column, "message": e.message}
                            for e in result.errors
                        ],
                    },
                    ensure_ascii=False,
                )
            )
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现 {len(result.errors)} 处错误，未写入任何数据", returncode=2)
        if format == "text":
            summary = "，".join(f"{k} {v} 条" for k, v in result.summary().items() if k != "错误")
            verb = "预检通过" if dry_run else "导入完成"
            self.stdout.write(f"{verb}：{summary}")


def _run(spec, content: bytes, actor, dry_run: bool) -> excel.ImportResult:
    """The import; a write refused midway (another writer changed the same records, the
    database stayed busy) rolls back and is reported as an error of the file, not a crash."""
    try:
        return excel.run_import(spec, content, actor, dry_run=dry_run)
    except (DatabaseError, ValidationError, PermissionDenied) as exc:
        reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        result = excel.ImportResult(kind=spec.kind)
        message = f"写入时被拒绝（{reason}），可能有其他导入或编辑同时修改了同一记录，请重新导入"
        result.errors.append(excel.RowError(0, "", message))
        return result


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}", returncode=2) from exc

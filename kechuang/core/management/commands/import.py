"""kechuang import KIND FILE [--dry-run]: imports an Excel file through the kind's sheet spec."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kechuang.core import excel, imports
from kechuang.core.cli import TerminalProgress, command_user


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
        try:
            content = _read_stdin() if file == "-" else _read(file)
        except excel.ImportFileError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        actor = command_user(user)
        # Recorded as a job (its result page can undo it), run here with a progress bar on
        # a terminal; quiet when stderr is not one.
        bar = TerminalProgress.factory(self.stderr._out)
        token = imports.store_pending(content)
        job, result = imports.run(spec, token, actor, dry_run=dry_run, progress=bar)
        imports.pending_path(token).unlink(missing_ok=True)  # no confirmation follows here
        if format == "json":
            self.stdout.write(json.dumps({**result.as_json(), "job": job.pk}, ensure_ascii=False))
        if result.errors:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"发现 {len(result.errors)} 处错误，未写入任何数据", returncode=2)
        if format == "text":
            summary = "，".join(f"{k} {v} 条" for k, v in result.summary().items() if k != "错误")
            verb = "预检通过" if dry_run else "导入完成"
            self.stdout.write(f"{verb}：{summary}（任务 #{job.pk}）")


def _read_stdin() -> bytes:
    """Standard input up to the cap: one byte more than allowed is enough to refuse it."""
    content = sys.stdin.buffer.read(excel.upload_limit() + 1)
    if len(content) > excel.upload_limit():
        raise excel.ImportFileError(f"文件大小超过上限 {settings.UPLOAD_MAX_MB} MB")
    return content


def _read(path: str) -> bytes:
    """The file, its size checked before it is read."""
    try:
        excel.check_size(Path(path).stat().st_size)
        return Path(path).read_bytes()
    except OSError as exc:
        raise CommandError(f"无法读取文件 {path}：{exc.strerror}", returncode=2) from exc

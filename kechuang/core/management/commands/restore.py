"""kechuang restore FILE [--force] [--format json]: restores a backup and verifies its counts.

Exit codes: 0 restored and verified; 2 refused (nothing changed); 1 row counts differ."""

import json

from django.core.management.base import BaseCommand, CommandError

from kechuang.core import backup


class Command(BaseCommand):
    help = "从 kechuang backup 的备份文件恢复数据库和上传文件，并核对各表行数"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（kechuang backup 写出的 zip）")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库不是空库时也恢复（覆盖其中全部数据）"
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, file, force, format, **options):
        try:
            summary = backup.restore_archive(file, force=force)
        except backup.BackupRefused as exc:
            self._json(format, {"restored": False, "error": str(exc)})
            raise CommandError(str(exc), returncode=2) from exc
        except backup.VerificationFailed as exc:
            self._json(format, exc.summary)
            for row in exc.summary["mismatches"]:
                self.stderr.write(
                    f"表 {row['table']}：备份 {_rows(row['expected'])}，"
                    f"恢复后 {_rows(row['actual'])}"
                )
            raise CommandError(str(exc), returncode=1) from exc
        if format == "json":
            self._json(format, summary)
            return
        self.stdout.write(
            f"已从 {file} 恢复：备份时间 {summary['created_at']}，版本 {summary['version']}，"
            f"{backup.ENGINE_LABEL[summary['engine']]}；{summary['tables']} 张表共 "
            f"{summary['rows']} 行，行数全部核对一致；上传文件 {summary['media_files']} 个"
        )
        if summary["migrated"]:
            self.stdout.write(f"备份的数据库结构较旧，已执行 {summary['migrated']} 个迁移")

    def _json(self, format: str, payload: dict) -> None:
        if format == "json":
            self.stdout.write(json.dumps(payload, ensure_ascii=False))


def _rows(count: int | None) -> str:
    return "无此表" if count is None else f"{count} 行"

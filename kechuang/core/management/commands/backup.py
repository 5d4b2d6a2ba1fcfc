"""kechuang backup FILE [--format json]: a consistent snapshot of the database and uploads."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kechuang.core import backup


class Command(BaseCommand):
    help = "备份数据库（运行中也能得到一致的快照）和上传文件，写成一个带清单的 zip 文件"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件路径，如 /var/backups/kechuang/2023-06-30.zip")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, file, format, **options):
        try:
            manifest = backup.backup_create(file)
        except backup.BackupRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        size = Path(file).stat().st_size
        if format == "json":
            result = {
                "file": str(file),
                "size": size,
                **{k: manifest[k] for k in ("version", "created_at", "engine", "rows")},
                "tables": len(manifest["tables"]),
                "media_files": manifest["media_files"],
            }
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"备份完成：{file}（{backup.ENGINE_LABEL[manifest['engine']]}，"
                f"{len(manifest['tables'])} 张表 {manifest['rows']} 行，"
                f"上传文件 {manifest['media_files']} 个，{size / 1048576:.1f} MB）"
            )

"""kechuang cleanup_imports: removes uploaded files whose dry run was never confirmed."""

from django.core.management.base import BaseCommand

from kechuang.core import excel


class Command(BaseCommand):
    help = "删除超过一天未确认写入的待导入文件"

    def handle(self, *args, **options):
        removed = excel.remove_abandoned_imports()
        self.stdout.write(f"已删除 {removed} 个超过一天未确认的待导入文件")

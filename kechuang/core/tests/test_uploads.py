"""Uploads through the web page and the CLI: the size cap before reading, hostile files
refused with their message, files without data rows, abandoned pending imports removed."""

import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from kechuang.core import excel
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.core.tests.hostile import far_cell_xlsx, shared_string_bomb, write_oversized
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.tests.test_importers import HEADER, row

URL = "/imports/enterprises/"
MB = 1024 * 1024


class UploadTestCase(CastTestCase):
    def setUp(self):
        self.workdir = Path(tempfile.mkdtemp(prefix="kechuang-uploads-"))
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)
        pending = override_settings(IMPORT_UPLOAD_DIR=self.workdir / "pending")
        pending.enable()
        self.addCleanup(pending.disable)

    def upload(self, content: bytes, name="data.xlsx"):
        self.client.force_login(self.staff)
        return self.client.post(URL, {"file": SimpleUploadedFile(name, content)})

    def errors(self, response) -> list[str]:
        return [e.message for e in response.context["result"].errors]

    def cli(self, *args, stdin: io.BytesIO | None = None):
        """Runs `kechuang import enterprises ARGS`; returns (exit code, stdout, stderr)."""
        stdout, stderr = io.StringIO(), io.StringIO()
        patch = mock.patch.object(sys, "stdin", mock.Mock(buffer=stdin or io.BytesIO()))
        with patch:
            try:
                call_command("import", "enterprises", *args, stdout=stdout, stderr=stderr)
            except CommandError as exc:
                return exc.returncode, stdout.getvalue(), stderr.getvalue() + str(exc)
        return 0, stdout.getvalue(), stderr.getvalue()

    def file(self, content: bytes) -> str:
        path = self.workdir / "upload.xlsx"
        path.write_bytes(content)
        return str(path)


class SizeCapTest(UploadTestCase):
    @override_settings(UPLOAD_MAX_MB=1)
    def test_a_request_declaring_more_than_the_cap_is_refused_before_its_body_is_read(self):
        with mock.patch("kechuang.core.import_views.UploadForm") as form:
            response = self.upload(b"x" * (3 * MB // 2))
        form.assert_called_once_with()  # only the empty form redisplayed: FILES never touched
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.errors(response)), 1)
        self.assertRegex(self.errors(response)[0], r"^文件大小 1\.5 MB，超过上限 1 MB$")
        self.assertContains(response, "超过上限 1 MB")

    @override_settings(UPLOAD_MAX_MB=1)
    def test_a_file_just_over_the_cap_is_refused_by_its_size_before_it_is_read(self):
        with mock.patch.object(excel, "run_import") as run_import:
            response = self.upload(b"x" * (MB + 10 * 1024))
        run_import.assert_not_called()
        self.assertEqual(self.errors(response), ["文件大小 1.0 MB，超过上限 1 MB"])

    def test_the_cli_refuses_a_25_mb_file_by_its_size(self):
        path = self.workdir / "big.xlsx"
        write_oversized(path, 25)
        with mock.patch.object(Path, "read_bytes") as read_bytes:
            code, _, err = self.cli(str(path))
        read_bytes.assert_not_called()
        self.assertEqual(code, 2)
        self.assertIn("文件大小 25.0 MB，超过上限 20 MB", err)

    @override_settings(UPLOAD_MAX_MB=1)
    def test_the_cli_reads_at_most_one_byte_over_the_cap_from_stdin(self):
        stdin = io.BytesIO(b"x" * (5 * MB))
        code, _, err = self.cli("-", stdin=stdin)
        self.assertEqual(code, 2)
        self.assertIn("文件大小超过上限 1 MB", err)
        self.assertEqual(stdin.tell(), MB + 1)


class HostileFileTest(UploadTestCase):
    def test_the_web_refuses_the_xfd1048576_file(self):
        response = self.upload(far_cell_xlsx(HEADER))
        self.assertIn("数据延伸到第 1048576 行", self.errors(response)[0])
        self.assertNotIn("token", response.context)

    def test_the_cli_refuses_the_xfd1048576_file_with_exit_2(self):
        code, _, err = self.cli(self.file(far_cell_xlsx(HEADER)), "--dry-run")
        self.assertEqual(code, 2)
        self.assertIn("工作表过大：数据延伸到第 1048576 行", err)

    def test_the_web_and_cli_refuse_a_shared_string_bomb(self):
        content = shared_string_bomb(8)
        self.assertIn("疑似压缩炸弹", self.errors(self.upload(content))[0])
        code, _, err = self.cli(self.file(content))
        self.assertEqual(code, 2)
        self.assertIn("xl/sharedStrings.xml 解压后 8 MB", err)


class NoDataRowsTest(UploadTestCase):
    def test_the_web_says_the_file_has_no_data_rows(self):
        response = self.upload(xlsx(HEADER, [[""] * len(HEADER)]))
        self.assertEqual(len(self.errors(response)), 1)
        self.assertIn("文件中没有数据行", self.errors(response)[0])
        self.assertNotContains(response, "预检通过")
        self.assertNotIn("token", response.context)

    def test_the_cli_says_so_and_exits_2(self):
        firms = Enterprise.objects.count()
        code, out, err = self.cli(self.file(xlsx(HEADER, [])))
        self.assertEqual(code, 2)
        self.assertIn("文件中没有数据行", err)
        self.assertNotIn("导入完成", out)
        self.assertEqual(Enterprise.objects.count(), firms)


class AbandonedImportTest(UploadTestCase):
    def pending(self, name: str, age_hours: float) -> Path:
        path = excel.pending_dir() / f"{name}.xlsx"
        path.write_bytes(b"pending")
        stamp = time.time() - age_hours * 3600
        os.utime(path, (stamp, stamp))
        return path

    def test_the_command_removes_files_older_than_a_day(self):
        old, fresh = self.pending("old", 25), self.pending("fresh", 23)
        stdout = io.StringIO()
        call_command("cleanup_imports", stdout=stdout)
        self.assertFalse(old.exists())
        self.assertTrue(fresh.exists())
        self.assertIn("已删除 1 个", stdout.getvalue())

    def test_a_new_upload_removes_abandoned_files(self):
        old = self.pending("old", 30)
        response = self.upload(xlsx(HEADER, [row(credit_code(901), "新登记企业")]))
        self.assertFalse(old.exists())
        token = response.context["token"]
        self.assertTrue((excel.pending_dir() / f"{token}.xlsx").exists())

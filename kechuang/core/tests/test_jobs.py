"""Imports as background jobs: queued above the threshold, progress, result, undo."""

import io
import json
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from openpyxl import load_workbook

from kechuang.core import excel, imports, jobs
from kechuang.core.models import AuditEvent, Job
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_update
from kechuang.enterprises.tests.test_importers import HEADER, row
from kechuang.institutions.models import Institution


def run_worker() -> None:
    """What `kechuang db_worker` does, until the queue is empty (in the test's transaction:
    the worker's connection recycling would close it)."""
    with mock.patch(f"{WORKER}.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


WORKER = "django_tasks_db.management.commands.db_worker"


def table() -> dict:
    """Every firm's stored values, to compare the registry before and after."""
    fields = [f.attname for f in Enterprise._meta.concrete_fields if f.attname != "updated_at"]
    return {e["pk"]: e for e in Enterprise.objects.values("pk", *fields)}


class ImportJobTestCase(CastTestCase):
    def file(self, second_township="温溪镇") -> bytes:
        """Two new firms and a new address for enterprise A."""
        return xlsx(
            HEADER,
            [
                row(credit_code(700), "浙江新材一号有限公司"),
                row(credit_code(701), "浙江新材二号有限公司", township=second_township),
                row(
                    self.ent_a.credit_code,
                    self.ent_a.name,
                    address="鹤城街道新址",
                    contact_person=self.ent_a.contact_person,
                    contact_phone=self.ent_a.contact_phone,
                ),
            ],
        )

    def commit(self, user=None):
        """Imports the file through the job runner, as the confirm page does."""
        own = user is not None and user.role == "liaison"
        token = imports.store_pending(self.file("鹤城街道" if own else "温溪镇"))
        job, result = imports.run(
            excel.get_spec("enterprises"), token, user or self.staff, dry_run=False
        )
        self.assertTrue(result.committed, result.errors)
        return job


@override_settings(IMPORT_JOB_ROWS=2)
class BackgroundImportTest(ImportJobTestCase):
    def test_a_file_above_the_threshold_is_checked_and_written_by_a_worker(self):
        self.client.force_login(self.staff)
        firms = Enterprise.objects.count()
        response = self.client.post(
            "/imports/enterprises/", {"file": SimpleUploadedFile("big.xlsx", self.file())}
        )
        job = Job.objects.get()
        self.assertRedirects(response, f"/jobs/{job.pk}/")
        self.assertEqual((job.state, job.user, job.params["dry_run"]), ("queued", self.staff, True))
        page = self.client.get(f"/jobs/{job.pk}/")
        self.assertContains(page, 'role="progressbar"')
        self.assertContains(page, "排队中")
        self.assertContains(self.client.get(f"/jobs/{job.pk}/progress/"), "排队中")

        run_worker()
        job.refresh_from_db()
        self.assertEqual((job.state, job.done, job.total), ("done", 3, 3))
        progress = self.client.get(f"/jobs/{job.pk}/progress/")
        self.assertEqual((progress.status_code, progress["HX-Refresh"]), (204, "true"))
        page = self.client.get(f"/jobs/{job.pk}/")
        self.assertContains(page, "预检通过：新增 2 条，更新 1 条，无变化 0 条")
        self.assertContains(page, "浙江新材一号有限公司")
        self.assertEqual(Enterprise.objects.count(), firms)

        token = page.context["token"]
        response = self.client.post("/imports/enterprises/confirm/", {"token": token})
        write = Job.objects.latest("pk")
        self.assertRedirects(response, f"/jobs/{write.pk}/")
        self.assertEqual((write.state, write.params["dry_run"]), ("queued", False))
        run_worker()
        page = self.client.get(f"/jobs/{write.pk}/")
        self.assertContains(page, "已写入：新增 2 条，更新 1 条")
        self.assertContains(page, "撤销本次导入")
        self.assertEqual(Enterprise.objects.count(), firms + 2)
        self.assertContains(self.client.get("/jobs/"), "企业库导入")

    def test_a_bad_row_in_a_big_file_is_reported_by_the_job_and_nothing_is_written(self):
        self.client.force_login(self.staff)
        content = xlsx(
            HEADER,
            [row(credit_code(710), "甲公司"), row("123", "乙公司"), row(credit_code(711), "")],
        )
        self.client.post("/imports/enterprises/", {"file": SimpleUploadedFile("b.xlsx", content)})
        run_worker()
        job = Job.objects.get()
        self.assertEqual(job.state, "done")
        self.assertEqual([e["row"] for e in job.errors], [3, 4])
        page = self.client.get(f"/jobs/{job.pk}/")
        self.assertContains(page, "发现 2 处错误，未写入任何数据")
        self.assertNotContains(page, "确认写入")

    def test_a_job_whose_handler_fails_is_marked_failed_with_a_chinese_message(self):
        @jobs.handler("test-broken")
        def broken(job, progress):
            raise RuntimeError("boom")

        job = jobs.start("test-broken", "测试", self.staff, {})
        run_worker()
        job.refresh_from_db()
        self.assertEqual(job.state, "failed")
        self.assertIn("任务意外中止", job.errors[0]["message"])


class JobScopeTest(ImportJobTestCase):
    def test_a_job_is_seen_by_its_user_and_bureau_staff_of_the_region_only(self):
        job = self.commit(user=self.liaison_a)
        for user, status in (
            (self.liaison_a, 200),
            (self.staff, 200),
            (self.liaison_b, 404),
            (self.ent_user_a, 404),
            (self.inst_user, 404),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(f"/jobs/{job.pk}/").status_code, status)
                self.assertEqual(
                    self.client.get(f"/jobs/{job.pk}/progress/").status_code,
                    204 if status == 200 else 404,
                )


class UndoTest(ImportJobTestCase):
    def test_undo_removes_what_the_import_created_and_restores_what_it_changed(self):
        before = table()
        job = self.commit()
        self.assertNotEqual(table(), before)
        last_event = AuditEvent.objects.latest("pk").pk
        self.client.force_login(self.staff)
        response = self.client.post(f"/jobs/{job.pk}/undo/", follow=True)
        self.assertContains(response, "已撤销本次导入：删除新增的 2 条记录，恢复修改过的 1 条记录")
        self.assertEqual(table(), before)
        job.refresh_from_db()
        self.assertEqual(job.undone_by, self.staff)
        # The undo is audited like any write: two deletions and one change back.
        events = AuditEvent.objects.filter(pk__gt=last_event)
        self.assertEqual(
            sorted(events.values_list("action", flat=True)), ["delete", "delete", "update"]
        )
        update = events.get(action="update")
        self.assertEqual(update.after["address"], self.ent_a.address)
        self.assertContains(self.client.get(f"/jobs/{job.pk}/"), "本次导入已于")
        with self.assertRaisesMessage(ValidationError, "本次导入已经撤销"):
            imports.undo(job, self.staff)

    def test_a_later_edit_blocks_the_undo_which_then_changes_nothing(self):
        job = self.commit()
        firm = Enterprise.objects.get(credit_code=credit_code(701))
        enterprise_update(actor=self.staff, enterprise=firm, name="浙江新材二号（改名）有限公司")
        after_edit = table()
        self.client.force_login(self.staff)
        response = self.client.post(f"/jobs/{job.pk}/undo/", follow=True)
        self.assertContains(response, "浙江新材二号（改名）有限公司")
        self.assertContains(response, "本次撤销未作任何改动")
        self.assertEqual(table(), after_edit)
        job.refresh_from_db()
        self.assertIsNone(job.undone_at)

    def test_only_the_importer_or_bureau_staff_may_undo(self):
        job = self.commit(user=self.liaison_a)
        self.client.force_login(self.liaison_b)
        self.assertEqual(self.client.post(f"/jobs/{job.pk}/undo/").status_code, 404)
        self.client.force_login(self.viewer)
        self.assertEqual(self.client.post(f"/jobs/{job.pk}/undo/").status_code, 404)
        self.client.force_login(self.liaison_a)
        self.assertContains(self.client.get(f"/jobs/{job.pk}/"), "撤销本次导入")
        self.client.post(f"/jobs/{job.pk}/undo/")
        job.refresh_from_db()
        self.assertEqual(job.undone_by, self.liaison_a)

    def test_an_import_of_a_kind_written_row_by_row_is_undone_too(self):
        spec = excel.get_spec("institutions")
        self.assertFalse(spec.bulk)
        workbook = load_workbook(io.BytesIO(excel.write_workbook(spec, spec.queryset(self.staff))))
        sheet = workbook.worksheets[0]
        names = dict(Institution.objects.values_list("pk", "short_name"))
        column = [c.value for c in sheet[1]].index("简称") + 1
        sheet.cell(row=2, column=column, value="改过的简称")
        buffer = io.BytesIO()
        workbook.save(buffer)
        job, result = imports.run(
            spec, imports.store_pending(buffer.getvalue()), self.staff, dry_run=False
        )
        self.assertEqual(result.summary()["更新"], 1, result.errors)
        self.assertIn("改过的简称", Institution.objects.values_list("short_name", flat=True))
        self.assertEqual(imports.undo(job, self.staff), {"removed": 0, "restored": 1})
        self.assertEqual(dict(Institution.objects.values_list("pk", "short_name")), names)


class CommandTest(ImportJobTestCase):
    def test_the_command_records_a_job_and_draws_progress_only_on_a_terminal(self):
        path = excel.pending_dir() / "command-test.xlsx"
        path.write_bytes(self.file())
        out, err = io.StringIO(), io.StringIO()
        call_command("import", "enterprises", str(path), "--format", "json", stdout=out, stderr=err)
        answer = json.loads(out.getvalue())
        job = Job.objects.get(pk=answer["job"])
        self.assertEqual(answer["summary"], {"新增": 2, "更新": 1, "无变化": 0, "错误": 0})
        self.assertTrue(job.result["committed"])
        self.assertEqual(err.getvalue(), "")  # not a terminal: no bar

        class Terminal(io.StringIO):
            def isatty(self):
                return True

        terminal = Terminal()
        call_command("import", "enterprises", str(path), "--dry-run", stderr=terminal)
        self.assertIn("[██████████████████████████████] 3/3 行", terminal.getvalue())
        path.unlink()

"""Excel for the enterprise registry: template, import (run_import, UI, CLI) and export."""

import io
import shutil
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from openpyxl import load_workbook

from kechuang.core import excel
from kechuang.core.models import AuditEvent, Job
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.services import enterprise_create

HEADER = [
    "统一社会信用代码",
    "企业名称",
    "所属乡镇（街道）",
    "行业代码",
    "规模以上",
    "有研发活动",
    "成立日期",
    "投产日期",
    "地址",
    "联系人",
    "联系电话",
    "状态",
]


def row(code, name, township="鹤城街道", division="33", **extra) -> list:
    values = {
        "above_scale": "否",
        "rnd_active": "否",
        "founded_on": "",
        "production_started_on": "",
        "address": "",
        "contact_person": "",
        "contact_phone": "",
        "status": "在营",
    }
    values.update(extra)
    return [code, name, township, division, *values.values()]


def wrong_check(code: str) -> str:
    return code[:17] + ("0" if code[-1] != "0" else "1")


def sheet_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


class ExcelTestCase(CastTestCase):
    spec = None

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.spec = excel.get_spec("enterprises")
        enterprise_create(
            actor=cls.admin,
            credit_code=credit_code(10),
            name="鹤城丙科技有限公司",
            township=cls.township_a,
            industry_division="65",
            rnd_active=True,
            founded_on="2018-06-30",
            production_started_on="2019-01-02",
            address="鹤城街道中山路1号",
            contact_person="欧阳明",
            contact_phone="0578-6812345",
            status=EnterpriseStatus.MOVED_OUT,
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.upload_dir = tempfile.mkdtemp(prefix="kechuang-imports-")
        cls.settings_override = override_settings(IMPORT_UPLOAD_DIR=Path(cls.upload_dir))
        cls.settings_override.enable()

    @classmethod
    def tearDownClass(cls):
        cls.settings_override.disable()
        shutil.rmtree(cls.upload_dir, ignore_errors=True)
        super().tearDownClass()

    def bad_file(self) -> bytes:
        return xlsx(
            HEADER,
            [
                row(credit_code(400), "好企业一"),
                row(wrong_check(credit_code(401)), "校验位错"),
                row(credit_code(402), "重复企业甲"),
                row(credit_code(402), "重复企业乙"),
                row(credit_code(403), "乡镇不存在", township="火星镇"),
            ],
        )

    def good_file(self) -> bytes:
        return xlsx(
            HEADER,
            [
                row(
                    credit_code(500), "新企业一", township="温溪镇", division="38", above_scale="是"
                ),
                row(
                    credit_code(501).lower(),
                    "新企业二",
                    township="331121001",
                    founded_on="2020-01-01",
                ),
                row(
                    self.ent_a.credit_code,
                    self.ent_a.name,
                    division="34",
                    address="鹤城街道新址",
                    above_scale="是",
                    rnd_active="是",
                    founded_on="2015-03-01",
                    contact_person="张三丰",
                    contact_phone="13800001111",
                ),
            ],
        )

    def assert_bad_rows_reported(self, errors):
        by_row = {(e.row, e.column): e.message for e in errors}
        self.assertEqual(len(errors), 3, [str(e) for e in errors])
        self.assertIn("校验位错误", by_row[(3, "统一社会信用代码")])
        self.assertEqual(by_row[(5, "统一社会信用代码")], f"{credit_code(402)} 与第4行重复")
        self.assertEqual(by_row[(6, "所属乡镇（街道）")], "未知的乡镇（街道）：火星镇")


class TemplateTest(ExcelTestCase):
    def test_the_template_has_the_chinese_headers(self):
        self.client.force_login(self.staff)
        response = self.client.get("/imports/enterprises/template/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        rows = sheet_rows(response.content)
        self.assertEqual(list(rows[0]), HEADER)
        self.assertEqual(len(rows), 1)

    def test_read_only_roles_may_not_import(self):
        for user in (self.viewer, self.ent_user_a, self.inst_user):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get("/imports/enterprises/template/").status_code, 403)
                self.assertEqual(self.client.get("/imports/enterprises/").status_code, 403)

    def test_an_unknown_kind_is_404(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/imports/nothing/template/").status_code, 404)


class BadFileTest(ExcelTestCase):
    def test_run_import_reports_every_bad_row_and_writes_nothing(self):
        firms, events = Enterprise.objects.count(), AuditEvent.objects.count()
        result = excel.run_import(self.spec, self.bad_file(), self.staff, dry_run=False)
        self.assertFalse(result.committed)
        self.assert_bad_rows_reported(result.errors)
        self.assertEqual(
            str(result.errors[0]), f"第3行【统一社会信用代码】：{result.errors[0].message}"
        )
        self.assertEqual(Enterprise.objects.count(), firms)
        self.assertEqual(AuditEvent.objects.count(), events)
        self.assertFalse(Enterprise.objects.filter(name="好企业一").exists())

    def test_the_ui_preview_shows_the_errors_and_offers_no_confirm(self):
        self.client.force_login(self.staff)
        firms = Enterprise.objects.count()
        response = self.client.post(
            "/imports/enterprises/", {"file": SimpleUploadedFile("bad.xlsx", self.bad_file())}
        )
        self.assertEqual(response.status_code, 200)
        self.assert_bad_rows_reported(response.context["result"].errors)
        self.assertContains(response, 'id="import-errors"')
        self.assertContains(response, "发现 3 处错误，未写入任何数据")
        self.assertContains(response, "未知的乡镇（街道）：火星镇")
        self.assertNotContains(response, "确认写入")
        self.assertNotIn("token", response.context)
        self.assertEqual(Enterprise.objects.count(), firms)

    def test_the_cli_exits_2_with_the_errors_in_chinese(self):
        firms = Enterprise.objects.count()
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(self.bad_file())
            handle.flush()
            stderr = io.StringIO()
            with self.assertRaises(CommandError) as caught:
                call_command(
                    "import", "enterprises", handle.name, stderr=stderr, stdout=io.StringIO()
                )
        self.assertEqual(caught.exception.returncode, 2)
        self.assertIn("发现 3 处错误", str(caught.exception))
        self.assertIn("第6行【所属乡镇（街道）】：未知的乡镇（街道）：火星镇", stderr.getvalue())
        self.assertEqual(Enterprise.objects.count(), firms)

    def test_a_file_missing_required_columns_is_refused(self):
        result = excel.run_import(
            self.spec, xlsx(["企业名称"], [["某企业"]]), self.staff, dry_run=False
        )
        self.assertEqual(len(result.errors), 1)
        self.assertIn("缺少必填列：统一社会信用代码", result.errors[0].message)

    def test_a_file_that_is_not_excel_is_refused(self):
        result = excel.run_import(self.spec, b"not a spreadsheet", self.staff, dry_run=True)
        self.assertIn("无法读取文件", result.errors[0].message)

    def test_a_liaison_cannot_import_into_another_township(self):
        content = xlsx(
            HEADER,
            [
                row(credit_code(600), "越界新企业", township="温溪镇"),
                row(self.ent_b.credit_code, self.ent_b.name, township="温溪镇", division="19"),
            ],
        )
        result = excel.run_import(self.spec, content, self.liaison_a, dry_run=False)
        self.assertEqual(
            [(e.row, e.message) for e in result.errors],
            [(2, "无权在温溪镇登记企业"), (3, "无权修改该记录")],
        )
        self.assertFalse(Enterprise.objects.filter(name="越界新企业").exists())


class GoodFileTest(ExcelTestCase):
    def test_a_dry_run_writes_nothing(self):
        firms, events = Enterprise.objects.count(), AuditEvent.objects.count()
        result = excel.run_import(self.spec, self.good_file(), self.staff, dry_run=True)
        self.assertTrue(result.ok)
        self.assertFalse(result.committed)
        self.assertEqual(result.summary(), {"新增": 2, "更新": 1, "无变化": 0, "错误": 0})
        self.assertEqual(result.rows[2].changes, ["地址"])
        self.assertEqual(Enterprise.objects.count(), firms)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_cli_dry_run_writes_nothing(self):
        firms = Enterprise.objects.count()
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(self.good_file())
            handle.flush()
            stdout = io.StringIO()
            call_command("import", "enterprises", handle.name, "--dry-run", stdout=stdout)
        self.assertIn("预检通过：新增 2 条，更新 1 条，无变化 0 条", stdout.getvalue())
        self.assertEqual(Enterprise.objects.count(), firms)

    def test_upload_then_confirm_writes_and_updates_by_credit_code(self):
        self.client.force_login(self.staff)
        firms = Enterprise.objects.count()
        preview = self.client.post(
            "/imports/enterprises/", {"file": SimpleUploadedFile("good.xlsx", self.good_file())}
        )
        self.assertContains(preview, "预检通过：新增 2 条，更新 1 条，无变化 0 条")
        self.assertContains(preview, "确认写入")
        self.assertEqual(Enterprise.objects.count(), firms)

        response = self.client.post(
            "/imports/enterprises/confirm/", {"token": preview.context["token"]}
        )
        job = Job.objects.latest("pk")
        self.assertRedirects(response, f"/jobs/{job.pk}/")
        self.assertContains(self.client.get(f"/jobs/{job.pk}/"), "撤销本次导入")
        self.assertEqual(Enterprise.objects.count(), firms + 2)
        created = Enterprise.objects.get(credit_code=credit_code(501))
        self.assertEqual(created.township, self.township_a)
        new_one = Enterprise.objects.get(credit_code=credit_code(500))
        self.assertEqual((new_one.township, new_one.above_scale), (self.township_b, True))
        self.ent_a.refresh_from_db()
        self.assertEqual(self.ent_a.address, "鹤城街道新址")
        update = AuditEvent.objects.get(object_id=str(self.ent_a.pk), action="update")
        self.assertEqual((update.user, update.after), (self.staff, {"address": "鹤城街道新址"}))

    def test_a_token_is_good_for_one_confirm_only(self):
        self.client.force_login(self.staff)
        preview = self.client.post(
            "/imports/enterprises/", {"file": SimpleUploadedFile("good.xlsx", self.good_file())}
        )
        token = preview.context["token"]
        self.client.post("/imports/enterprises/confirm/", {"token": token})
        firms = Enterprise.objects.count()
        response = self.client.post("/imports/enterprises/confirm/", {"token": token})
        self.assertRedirects(response, "/imports/enterprises/", fetch_redirect_response=False)
        self.assertEqual(Enterprise.objects.count(), firms)

    def test_another_users_token_is_refused(self):
        self.client.force_login(self.staff)
        preview = self.client.post(
            "/imports/enterprises/", {"file": SimpleUploadedFile("good.xlsx", self.good_file())}
        )
        self.client.force_login(self.leader)
        firms = Enterprise.objects.count()
        self.client.post("/imports/enterprises/confirm/", {"token": preview.context["token"]})
        self.assertEqual(Enterprise.objects.count(), firms)


class ExportTest(ExcelTestCase):
    def export(self, user, **params) -> list[tuple]:
        self.client.force_login(user)
        response = self.client.get("/imports/enterprises/export/", params)
        self.assertEqual(response.status_code, 200)
        return sheet_rows(response.content)

    def test_the_filtered_export_holds_only_that_townships_firms(self):
        rows = self.export(self.staff, township=self.township_a.pk)
        self.assertEqual(list(rows[0]), HEADER)
        codes = {r[0] for r in rows[1:]}
        expected = set(
            Enterprise.objects.filter(township=self.township_a).values_list(
                "credit_code", flat=True
            )
        )
        self.assertEqual(codes, expected)
        self.assertNotIn(self.ent_b.credit_code, codes)

    def test_a_liaison_exports_only_own_township(self):
        codes = {r[0] for r in self.export(self.liaison_a)[1:]}
        self.assertIn(self.ent_a.credit_code, codes)
        self.assertNotIn(self.ent_b.credit_code, codes)

    def test_the_export_masks_contacts_for_read_only_roles(self):
        # The list page and the API mask contacts for these roles; the export must not leak them.
        for user in (self.viewer, self.commissioner):
            with self.subTest(user=user.username):
                rows = {r[0]: r for r in self.export(user)[1:]}
                person, phone = rows[self.ent_a.credit_code][9:11]
                self.assertEqual((person, phone), ("张**", "138****1111"))

    def test_the_export_writes_values_as_the_import_reads_them(self):
        rows = {r[0]: r for r in self.export(self.staff)[1:]}
        self.assertEqual(
            list(rows[credit_code(10)]),
            [
                credit_code(10),
                "鹤城丙科技有限公司",
                "鹤城街道",
                "65",
                "否",
                "是",
                "2018-06-30",
                "2019-01-02",
                "鹤城街道中山路1号",
                "欧阳明",
                "0578-6812345",
                "迁出",
            ],
        )

    def test_the_whole_export_reimports_unchanged(self):
        self.client.force_login(self.staff)
        content = self.client.get("/imports/enterprises/export/").content
        events = AuditEvent.objects.count()
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        self.assertEqual([str(e) for e in result.errors], [])
        total = Enterprise.objects.count()
        self.assertEqual(result.summary(), {"新增": 0, "更新": 0, "无变化": total, "错误": 0})
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_cli_export_then_import_round_trip_changes_nothing(self):
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "enterprises.xlsx")
            call_command("export", "enterprises", "--output", path, stderr=io.StringIO())
            events = AuditEvent.objects.count()
            stdout = io.StringIO()
            call_command("import", "enterprises", path, stdout=stdout)
        total = Enterprise.objects.count()
        self.assertIn(f"导入完成：新增 0 条，更新 0 条，无变化 {total} 条", stdout.getvalue())
        self.assertEqual(AuditEvent.objects.count(), events)

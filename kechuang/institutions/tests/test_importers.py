"""Excel for the institutions: export, re-import unchanged, and errors."""

import io

from openpyxl import load_workbook

from kechuang.core import excel
from kechuang.core.models import AuditEvent
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.institutions.choices import InstitutionKind
from kechuang.institutions.models import Institution
from kechuang.institutions.services import institution_create

HEADER = [
    "名称",
    "简称",
    "类型",
    "统一社会信用代码",
    "登记区域",
    "所在地",
    "地址",
    "联系人",
    "联系电话",
    "网址",
    "简介",
]


class InstitutionExcelTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.spec = excel.get_spec("institutions")
        institution_create(
            actor=cls.admin,
            name="青田县科技服务中心",
            short_name="科服中心",
            kind=InstitutionKind.SERVICE,
            credit_code=credit_code(800),
            region=cls.county,
            location="青田县",
            address="鹤城街道1号",
            contact_person="吴主任",
            contact_phone="0578-6800000",
            website="https://kfzx.example.cn/",
            description="第一行\n第二行",
        )

    def export(self, user=None, **params) -> bytes:
        self.client.force_login(user or self.staff)
        response = self.client.get("/imports/institutions/export/", params)
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_the_template_has_the_chinese_headers(self):
        self.client.force_login(self.staff)
        content = self.client.get("/imports/institutions/template/").content
        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        self.assertEqual(list(next(sheet.iter_rows(values_only=True))), HEADER)

    def test_the_export_reimports_unchanged(self):
        content = self.export()
        events = AuditEvent.objects.count()
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        self.assertEqual([str(e) for e in result.errors], [])
        self.assertEqual(result.summary(), {"新增": 0, "更新": 0, "无变化": 3, "错误": 0})
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_export_masks_contacts_for_the_viewer(self):
        sheet = load_workbook(io.BytesIO(self.export(self.viewer)), read_only=True).worksheets[0]
        rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(rows["丽水学院"][7:9], ("钱**", "136****4444"))

    def test_an_institute_user_exports_only_own_institution(self):
        sheet = load_workbook(io.BytesIO(self.export(self.inst_user)), read_only=True).worksheets[0]
        names = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(names, ["浙江理工大学青田研究院"])

    def test_an_import_updates_by_name_and_reports_bad_rows(self):
        content = xlsx(
            HEADER,
            [
                [
                    "丽水学院",
                    "丽院",
                    "高等院校",
                    "",
                    "331121",
                    "丽水市",
                    "",
                    "钱老师",
                    "13600004444",
                    "",
                    "",
                ],
                ["无类型研究所", "", "不知道", "", "331121", "", "", "", "", "", ""],
                ["外省大学", "", "高等院校", "", "999999", "", "", "", "", "", ""],
            ],
        )
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        self.assertEqual([(e.row, e.column) for e in result.errors], [(3, "类型"), (4, "登记区域")])
        self.assertEqual(result.errors[1].message, "未知的登记区域：999999")
        self.assertFalse(result.committed)
        self.assertEqual(Institution.objects.get(name="丽水学院").short_name, "")

        fixed = xlsx(
            HEADER,
            [
                [
                    "丽水学院",
                    "丽院",
                    "高等院校",
                    "",
                    "青田县",
                    "丽水市",
                    "",
                    "钱老师",
                    "13600004444",
                    "",
                    "",
                ]
            ],
        )
        result = excel.run_import(self.spec, fixed, self.staff, dry_run=False)
        self.assertEqual(result.summary()["更新"], 1)
        self.assertEqual(result.rows[0].changes, ["简称"])
        self.assertEqual(Institution.objects.get(name="丽水学院").short_name, "丽院")

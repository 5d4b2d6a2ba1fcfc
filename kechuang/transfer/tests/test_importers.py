"""Excel for demands, achievements and contracts: templates, bad rows, round trips."""

import io
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from kechuang.core import excel
from kechuang.core.tests.cast import xlsx
from kechuang.transfer.models import Achievement, Demand, TechContract
from kechuang.transfer.tests.test_contracts import contract
from kechuang.transfer.tests.test_demands import TransferCastTestCase

DEMAND_HEADER = ["编号", "名称", "描述", "企业统一社会信用代码", "产业链", "技术领域", "预算(万元)"]
ACHIEVEMENT_HEADER = ["编号", "名称", "描述", "完成单位", "技术领域", "成熟度"]


def header_of(content: bytes) -> list:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return list(next(sheet.iter_rows(values_only=True)))


class TransferExcelTest(TransferCastTestCase):
    def test_the_templates_start_with_the_issue_columns(self):
        self.client.force_login(self.staff)
        demands = header_of(self.client.get("/imports/demands/template/").content)
        self.assertEqual(demands[:7], DEMAND_HEADER)
        achievements = header_of(self.client.get("/imports/achievements/template/").content)
        self.assertEqual(achievements[:6], ACHIEVEMENT_HEADER)
        self.assertEqual(achievements[6:11], ["TRL", "相关专利", "转化方式", "联系人", "联系电话"])

    def test_bad_rows_are_reported_and_nothing_is_written(self):
        content = xlsx(
            DEMAND_HEADER,
            [
                ["XQ-N-1", "新需求", "描述", self.ent_a.credit_code, "阀门", "新材料", 20],
                ["XQ-N-2", "坏需求", "描述", "91331121MA0000999X", "", "", ""],
                ["XQ-N-3", "坏预算", "描述", self.ent_a.credit_code, "无此链", "魔法", "-1"],
                ["XQ-N-1", "重复", "描述", self.ent_a.credit_code, "", "", ""],
            ],
        )
        result = excel.run_import(excel.get_spec("demands"), content, self.staff, dry_run=False)
        self.assertFalse(result.committed)
        where = {(e.row, e.column) for e in result.errors}
        self.assertIn((3, "企业统一社会信用代码"), where)
        self.assertIn((4, "产业链"), where)
        self.assertIn((4, "技术领域"), where)
        self.assertIn((4, "预算(万元)"), where)
        self.assertIn((5, "编号"), where)
        self.assertFalse(Demand.objects.filter(code="XQ-N-1").exists())

    def test_a_liaison_may_not_import_another_townships_firm(self):
        content = xlsx(DEMAND_HEADER, [["XQ-N-9", "t", "d", self.ent_a.credit_code, "", "", ""]])
        result = excel.run_import(excel.get_spec("demands"), content, self.liaison_b, dry_run=True)
        self.assertEqual(result.errors[0].row, 2)

    def test_demands_round_trip_unchanged(self):
        self.client.force_login(self.staff)
        exported = self.client.get("/imports/demands/export/").content
        result = excel.run_import(excel.get_spec("demands"), exported, self.staff, dry_run=True)
        self.assertEqual([str(e) for e in result.errors], [])
        self.assertEqual(result.summary()["无变化"], 2)
        self.assertEqual(result.summary()["更新"], 0)

    def test_achievements_import_and_round_trip(self):
        content = xlsx(
            [*ACHIEVEMENT_HEADER, "TRL", "相关专利", "转化方式"],
            [
                [
                    "CG-N-1",
                    "阀门密封检测",
                    "简介",
                    "丽水学院",
                    "先进制造与自动化",
                    "中试",
                    6,
                    "ZL2021",
                    "许可",
                ],
                ["CG-N-2", "坏", "简介", "不存在的大学", "", "量产", 12, "", ""],
            ],
        )
        spec = excel.get_spec("achievements")
        result = excel.run_import(spec, content, self.staff, dry_run=False)
        where = {(e.row, e.column) for e in result.errors}
        self.assertLessEqual({(3, "完成单位"), (3, "成熟度"), (3, "TRL")}, where)
        self.assertEqual({row for row, _ in where}, {3})
        self.assertFalse(Achievement.objects.filter(code="CG-N-1").exists())
        content = xlsx(
            [*ACHIEVEMENT_HEADER, "TRL", "转化方式"],
            [["CG-N-1", "阀门密封检测", "简介", "丽水学院", "先进制造与自动化", "中试", 6, "许可"]],
        )
        result = excel.run_import(spec, content, self.staff, dry_run=False)
        self.assertTrue(result.committed, [str(e) for e in result.errors])
        record = Achievement.objects.get(code="CG-N-1")
        self.assertEqual(
            (record.owner_institution, record.region), (self.institution_2, self.county)
        )
        self.client.force_login(self.staff)
        exported = self.client.get("/imports/achievements/export/").content
        again = excel.run_import(spec, exported, self.staff, dry_run=True)
        self.assertEqual([str(e) for e in again.errors], [])
        self.assertEqual(again.summary()["无变化"], 3)

    def test_an_institute_user_imports_only_its_own(self):
        content = xlsx(ACHIEVEMENT_HEADER, [["CG-002", "改名", "简介", "丽水学院", "", "实验室"]])
        result = excel.run_import(
            excel.get_spec("achievements"), content, self.inst_user, dry_run=True
        )
        self.assertEqual(result.errors[0].message, "无权修改该记录")

    def test_contracts_round_trip_in_wan(self):
        contract(self.staff, "HT-X", "123456.78", "100000.5", "2023-03-03", self.county)
        self.client.force_login(self.staff)
        exported = self.client.get("/imports/contracts/export/").content
        spec = excel.get_spec("contracts")
        result = excel.run_import(spec, exported, self.staff, dry_run=True)
        self.assertEqual([str(e) for e in result.errors], [])
        self.assertEqual(result.summary()["无变化"], 1)
        self.assertEqual(TechContract.objects.get().amount, Decimal("123456.78"))

    def test_the_cli_imports_demands_and_exits_2_on_bad_rows(self):
        path = self.tmp(
            "ok.xlsx",
            xlsx(DEMAND_HEADER, [["XQ-C-1", "命令行", "描述", self.ent_b.credit_code, "", "", 3]]),
        )
        call_command("import", "demands", path, "--user", "staff")
        self.assertEqual(Demand.objects.get(code="XQ-C-1").budget, Decimal("30000.00"))
        bad = self.tmp("bad.xlsx", xlsx(DEMAND_HEADER, [["XQ-C-2", "", "描述", "", "", "", ""]]))
        with self.assertRaises(CommandError) as caught:
            call_command("import", "demands", bad, "--user", "staff")
        self.assertEqual(caught.exception.returncode, 2)

    def tmp(self, name: str, content: bytes) -> str:
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        path = folder / name
        path.write_bytes(content)
        return str(path)

"""Excel: the statistics table and the firms' monthly table (run_import, CLI, export)."""

import io
import tempfile
from decimal import Decimal as D
from pathlib import Path

from django.core.management import CommandError, call_command

from kechuang.core import excel
from kechuang.core.tests.cast import xlsx
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.models import DataValue, EnterpriseMonth
from kechuang.indicators.tests.base import YI, IndicatorTestCase

STATS = ["区划代码", "期间", "指标项", "本期值", "上年同期值", "同比增长(%)", "单位"]
MONTHS = [
    "统一社会信用代码",
    "企业名称",
    "期间",
    "营业收入(元)",
    "技术开发费(元)",
    "工业增加值(元)",
    "有研发活动(是/否)",
    "高新技术产业(是/否)",
]

GOOD = [
    ["331121", "2023-04", "tech_dev_expense", 3.38, 2.414, 40.01, "亿元"],
    ["331121", "2023-04", "规上工业企业营业收入(主营业务收入)", 1_000_000, None, None, "万元"],
    ["331121", "2023-04", "mfg_enterprises", 64, None, None, "家"],
    ["331121", "2023-04", "mfg_rnd_enterprises", 45, None, None, "个"],
]


class StatsImportTests(IndicatorTestCase):
    spec = excel.get_spec("stats")

    def run_import(self, rows, user=None, dry_run=False):
        return excel.run_import(self.spec, xlsx(STATS, rows), user or self.staff, dry_run=dry_run)

    def test_a_good_file_converts_units_and_reimports_unchanged(self):
        result = self.run_import(GOOD)
        assert result.committed, [str(e) for e in result.errors]
        assert result.summary()["新增"] == 4
        td = DataValue.objects.get(element__code="tech_dev_expense")
        assert (td.value, td.previous, td.published_yoy) == (338_000_000, 241_400_000, D("40.01"))
        assert td.source == ValueSource.STATS_BUREAU
        assert td.history.first().history_user == self.staff
        assert DataValue.objects.get(element__code="main_revenue").value == 10_000_000_000
        # The same file again, then the export: nothing changes.
        assert self.run_import(GOOD).summary()["无变化"] == 4
        exported = excel.write_workbook(self.spec, self.spec.queryset(self.staff))
        again = excel.run_import(self.spec, exported, self.staff, dry_run=False)
        assert again.summary() == {"新增": 0, "更新": 0, "无变化": 4, "错误": 0}
        # A changed figure updates.
        changed = [list(r) for r in GOOD]
        changed[0][3] = 3.5
        result = self.run_import(changed)
        assert result.summary()["更新"] == 1 and result.rows[0].changes == ["本期值"]

    def test_every_bad_row_is_reported_and_nothing_written(self):
        self.value(self.county, "2023-03", "gdp", 50 * YI)
        rows = [
            *GOOD,
            ["331121", "2023-04", "tech_market_turnover", 1, None, None, "美元"],  # 6: bad unit
            ["331121", "2023-04", "不存在的指标", 1, None, None, "元"],  # 7: unknown element
            ["331121", "2023-04", "hitech_investment", 2, None, None, "亿元"],  # 8: part > whole
            ["331121", "2023-04", "fixed_asset_investment", 1, None, None, "亿元"],  # 9
            ["331121", "2023-04", "gdp", 40, None, None, "亿元"],  # 10: cumulative drop
            ["999999", "2023-04", "gdp", 1, None, None, "亿元"],  # 11: unknown region
            ["331121", "2023-4", "rnd_expenditure", 1, None, None, "亿元"],  # 12: bad period
            ["331121", "2023-05", "mfg_enterprises", 64, None, None, "亿元"],  # 13: unit ≠ measure
        ]
        result = self.run_import(rows)
        assert not result.committed
        messages = {e.row: str(e) for e in result.errors}
        assert "未知的单位：美元" in messages[6]
        assert "未知的指标项：不存在的指标" in messages[7]
        assert "高新技术产业投资不能超过固定资产投资" in messages[8]
        assert "青田县 2023年1-4月" in messages[8]
        assert "不能低于2023年1-3月的50.00亿元" in messages[10]
        assert "未知的区划代码：999999" in messages[11]
        assert "期间应为 YYYY-MM" in messages[12]
        assert "单位“亿元”与该数据项不符（应为：家、个）" in messages[13]
        assert messages[6].startswith("第6行")
        assert DataValue.objects.count() == 1

    def test_part_over_whole_across_rows_and_duplicates(self):
        rows = [
            ["331121", "2023-04", "mfg_enterprises", 64, None, None, "家"],
            ["331121", "2023-04", "mfg_rnd_enterprises", 65, None, None, "家"],
            ["331121", "2023-04", "mfg_enterprises", 64, None, None, "家"],
        ]
        result = self.run_import(rows)
        messages = {e.row: str(e) for e in result.errors}
        assert "与第2行重复" in messages[4]
        assert "（65家 > 64家）" in messages[3]
        assert not DataValue.objects.exists()

    def test_others_may_not_import_their_region(self):
        result = self.run_import(
            [["331102", "2023-04", "gdp", 1, None, None, "亿元"]], user=self.staff
        )
        assert "无权导入莲都区的统计数据" in str(result.errors[0])
        assert not self.spec.can_import(self.liaison_a)

    def test_the_cli_imports_and_exits_2_on_row_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            good, bad = Path(tmp, "good.xlsx"), Path(tmp, "bad.xlsx")
            good.write_bytes(xlsx(STATS, GOOD))
            bad.write_bytes(xlsx(STATS, [["331121", "2023-04", "gdp", 1, None, None, "斤"]]))
            out, err = io.StringIO(), io.StringIO()
            with self.assertRaises(CommandError) as caught:
                call_command("import", "stats", str(bad), stdout=out, stderr=err)
            assert caught.exception.returncode == 2
            assert "第2行【单位】：未知的单位：斤" in err.getvalue()
            call_command("import", "stats", str(good), stdout=out, stderr=err)
            assert "新增 4 条" in out.getvalue()
        assert DataValue.objects.count() == 4


class EnterpriseMonthImportTests(IndicatorTestCase):
    spec = excel.get_spec("enterprise_months")

    def rows(self, revenue=1000, expense=100, period="2023-04"):
        return [
            [self.ent_a.credit_code, "", "2023-03", 800, 80, 300, "是", "是"],
            [self.ent_a.credit_code, "", period, revenue, expense, 400, "是", "否"],
            [self.ent_b.credit_code, "", "2023-04", 500, 0, 100, "否", "否"],
        ]

    def test_a_good_file_imports_and_reimports_unchanged(self):
        result = excel.run_import(self.spec, xlsx(MONTHS, self.rows()), self.staff, dry_run=False)
        assert result.committed, [str(e) for e in result.errors]
        april = EnterpriseMonth.objects.get(enterprise=self.ent_a, period="2023-04")
        assert (april.revenue, april.county, april.township) == (1000, self.county, self.township_a)
        assert (april.rnd_active, april.hitech, april.manufacturing) == (True, False, True)
        exported = excel.write_workbook(self.spec, self.spec.queryset(self.staff))
        again = excel.run_import(self.spec, exported, self.staff, dry_run=False)
        assert again.summary() == {"新增": 0, "更新": 0, "无变化": 3, "错误": 0}

    def test_rules_across_the_file(self):
        rows = self.rows(revenue=700, expense=900)
        rows.append(["91331121MA0000099X", "", "2023-04", 1, 0, 0, "否", "否"])
        result = excel.run_import(self.spec, xlsx(MONTHS, rows), self.staff, dry_run=False)
        messages = [str(e) for e in result.errors]
        assert any("第3行" in m and "技术开发费不能超过营业收入" in m for m in messages)
        assert any("第3行" in m and "不能低于2023年1-3月" in m for m in messages)
        assert any("第5行" in m and "未登记的企业" in m for m in messages)
        assert not EnterpriseMonth.objects.exists()

"""Importing recommendations from Excel: new rows through the services, re-importing an
export changes nothing, errors named by row and column, rows out of the importer's scope
refused, and nothing written while any row is wrong."""

from decimal import Decimal

from kechuang.core import excel
from kechuang.core.tests.cast import CastTestCase, xlsx
from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation
from kechuang.loans.tests.helpers import make_loan

HEADER = ["企业名称", "统一社会信用代码", "银行", "推荐额度（元）", "授信额度（元）", "推荐日期"]


class LoanImportTest(CastTestCase):
    def run_import(self, rows, user=None, dry_run=False):
        spec = excel.get_spec("loans")
        return excel.run_import(spec, xlsx(HEADER, rows), user or self.staff, dry_run=dry_run)

    def test_rows_create_recommendations_and_reimporting_changes_nothing(self):
        rows = [
            [self.ent_a.name, "", "青田农商银行", "3000000", "", "2023-03-10"],
            ["", self.ent_b.credit_code, "中国银行青田支行", "2000000", "1500000", "2023-04-01"],
        ]
        result = self.run_import(rows)
        self.assertTrue(result.ok, result.errors)
        self.assertEqual(result.count("create"), 2)
        loan = LoanRecommendation.objects.get(enterprise=self.ent_b)
        self.assertEqual(
            (loan.amount_granted, loan.status), (Decimal(1_500_000), LoanStatus.RECOMMENDED)
        )
        again = self.run_import(rows)
        self.assertEqual(again.count("unchanged"), 2)
        self.assertEqual(LoanRecommendation.objects.count(), 2)

    def test_the_export_reimports_unchanged(self):
        make_loan(self, status=LoanStatus.GRANTED)
        spec = excel.get_spec("loans")
        content = excel.write_workbook(spec, spec.queryset(self.staff), self.staff)
        result = excel.run_import(spec, content, self.staff, dry_run=True)
        self.assertTrue(result.ok, result.errors)
        self.assertEqual(result.count("unchanged"), 1)

    def test_errors_name_row_and_column_and_nothing_is_written(self):
        result = self.run_import(
            [
                [self.ent_a.name, "", "青田农商银行", "3000000", "", "2023-03-10"],
                ["不存在的企业", "", "青田农商银行", "1000000", "", "2023-03-10"],
                [self.ent_a.name, "", "青田农商银行", "0", "", "2023-05-10"],
                [self.ent_a.name, "", "青田农商银行", "1000000", "", "2023-13-01"],
                [self.ent_a.name, "", "青田农商银行", "3000000", "", "2023-03-10"],
            ]
        )
        self.assertFalse(result.ok)
        found = {(e.row, e.column) for e in result.errors}
        self.assertEqual(
            found, {(3, "企业名称"), (4, "推荐额度（元）"), (5, "推荐日期"), (6, "企业名称")}
        )
        self.assertFalse(LoanRecommendation.objects.exists())

    def test_a_liaison_imports_only_its_townships_firms(self):
        result = self.run_import(
            [[self.ent_b.name, "", "青田农商银行", "1000000", "", "2023-03-10"]],
            user=self.liaison_a,
        )
        self.assertFalse(result.ok)
        self.assertFalse(LoanRecommendation.objects.exists())

    def test_a_firm_user_may_not_import(self):
        self.assertFalse(excel.get_spec("loans").can_import(self.ent_user_a))
        self.client.force_login(self.ent_user_a)
        self.assertEqual(self.client.get("/imports/loans/").status_code, 403)

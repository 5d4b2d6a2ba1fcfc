"""A firm's annual figures: validation, who may enter them, the record section and Excel."""

import io
import tempfile
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from openpyxl import load_workbook

from kechuang.core import excel
from kechuang.core.models import AuditEvent
from kechuang.core.tests.cast import CastTestCase, credit_code, xlsx
from kechuang.enterprises.models import EnterpriseYear
from kechuang.enterprises.services import enterprise_year_save

FIGURES = {
    "employees": 120,
    "st_staff": 18,
    "sales_revenue": Decimal("50000000"),
    "total_income": Decimal("52000000"),
    "rnd_expense": Decimal("2250000"),
    "rnd_expense_domestic": Decimal("2200000"),
    "hightech_income": Decimal("36400000"),
    "total_costs": Decimal("45000000"),
    "total_assets": Decimal("80000000"),
    "net_assets": Decimal("30000000"),
    "ip_class1": 2,
    "ip_class2": 10,
    "conversions": 6,
    "incidents": False,
}

HEADER = [c.header for c in excel.get_spec("enterprise_years").columns]


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def figures(**changes) -> dict:
    return {**FIGURES, **changes}


class AnnualTestCase(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.year_a = enterprise_year_save(
            actor=cls.staff, enterprise=cls.ent_a, year=2022, **FIGURES
        )
        cls.year_b = enterprise_year_save(
            actor=cls.staff, enterprise=cls.ent_b, year=2022, **figures(employees=30, st_staff=3)
        )


class EnterpriseYearSaveTest(AnnualTestCase):
    def test_it_creates_then_updates_the_same_year(self):
        record = enterprise_year_save(
            actor=self.staff, enterprise=self.ent_a, year=2022, employees=130
        )
        self.assertEqual(record.pk, self.year_a.pk)
        self.assertEqual(record.employees, 130)
        self.assertEqual(record.sales_revenue, FIGURES["sales_revenue"])
        self.assertEqual(EnterpriseYear.objects.filter(enterprise=self.ent_a).count(), 1)

    def test_it_records_who_wrote_the_figures(self):
        enterprise_year_save(actor=self.liaison_a, enterprise=self.ent_a, year=2022, ip_class1=3)
        event = AuditEvent.objects.filter(object_id=str(self.year_a.pk), action="update").get()
        self.assertEqual((event.user, event.after), (self.liaison_a, {"ip_class1": 3}))

    def test_saving_unchanged_figures_writes_no_history(self):
        events = AuditEvent.objects.count()
        enterprise_year_save(actor=self.staff, enterprise=self.ent_a, year=2022, **FIGURES)
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_each_limit_is_reported_on_its_field(self):
        cases = [
            ({"st_staff": 121}, "st_staff", "科技人员数不能超过职工总数"),
            ({"rnd_expense": Decimal("45000001")}, "rnd_expense", "研发费用不能超过成本费用总额"),
            (
                {"rnd_expense_domestic": Decimal("2250001")},
                "rnd_expense_domestic",
                "境内研发费用不能超过研发费用",
            ),
            (
                {"hightech_income": Decimal("52000001")},
                "hightech_income",
                "高新技术产品（服务）收入不能超过总收入",
            ),
            ({"sales_revenue": Decimal("52000001")}, "sales_revenue", "销售收入不能超过总收入"),
            ({"net_assets": Decimal("80000001")}, "net_assets", "净资产不能超过资产总额"),
            ({"total_assets": Decimal("-1")}, "total_assets", "不能为负数"),
        ]
        for change, field, message in cases:
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                enterprise_year_save(
                    actor=self.staff, enterprise=self.ent_a, year=2023, **figures(**change)
                )
            self.assertIn(message, caught.exception.message_dict[field])
        self.assertFalse(EnterpriseYear.objects.filter(year=2023).exists())

    def test_a_negative_net_asset_is_allowed(self):
        record = enterprise_year_save(
            actor=self.staff, enterprise=self.ent_a, year=2021, **figures(net_assets=Decimal("-5"))
        )
        self.assertEqual(record.net_assets, Decimal("-5"))

    def test_the_firm_user_enters_its_own_figures(self):
        record = enterprise_year_save(
            actor=self.ent_user_a, enterprise=self.ent_a, year=2023, **FIGURES
        )
        self.assertEqual(record.enterprise, self.ent_a)

    def test_others_may_not_enter_a_firms_figures(self):
        cases = [
            (self.liaison_b, self.ent_a),
            (self.viewer, self.ent_a),
            (self.commissioner, self.ent_a),
            (self.ent_user_a, self.ent_b),
        ]
        for user, enterprise in cases:
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                enterprise_year_save(actor=user, enterprise=enterprise, year=2023, **FIGURES)


class AnnualPagesTest(AnnualTestCase):
    def test_the_record_page_shows_the_years_in_wan_with_their_ratios(self):
        self.client.force_login(self.staff)
        response = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(response, 'id="section-annual"')
        self.assertContains(response, "5000.00万元")  # sales revenue
        self.assertContains(response, "4.50%")  # R&D / sales
        self.assertContains(response, "70.00%")  # high-tech income / total income
        self.assertContains(response, "15.00%")  # S&T staff / employees
        self.assertContains(response, f"/enterprises/years/{self.year_a.pk}/edit/")

    def test_read_only_roles_see_figures_without_edit_links(self):
        self.client.force_login(self.viewer)
        response = self.client.get(f"/enterprises/{self.ent_a.pk}/")
        self.assertContains(response, "5000.00万元")
        self.assertNotContains(response, "/years/")

    def test_the_firm_user_adds_a_year_on_its_record_page(self):
        self.client.force_login(self.ent_user_a)
        data = {"year": 2023, **figures(incidents="")}
        response = self.client.post(f"/enterprises/{self.ent_a.pk}/years/new/", data)
        self.assertRedirects(response, f"/enterprises/{self.ent_a.pk}/")
        self.assertTrue(EnterpriseYear.objects.filter(enterprise=self.ent_a, year=2023).exists())

    def test_the_form_shows_a_limit_on_its_field(self):
        self.client.force_login(self.staff)
        data = {"year": 2023, **figures(rnd_expense_domestic="3000000", incidents="")}
        response = self.client.post(f"/enterprises/{self.ent_a.pk}/years/new/", data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["rnd_expense_domestic"],
            ["境内研发费用不能超过研发费用"],
        )

    def test_adding_a_year_already_entered_is_refused(self):
        self.client.force_login(self.staff)
        data = {"year": 2022, **figures(incidents="")}
        response = self.client.post(f"/enterprises/{self.ent_a.pk}/years/new/", data)
        self.assertIn("已存在", response.context["form"].errors["year"][0])

    def test_editing_keeps_the_year(self):
        self.client.force_login(self.liaison_a)
        data = {"year": 1999, **figures(employees=200, incidents="")}
        response = self.client.post(f"/enterprises/years/{self.year_a.pk}/edit/", data)
        self.assertEqual(response.status_code, 302)
        self.year_a.refresh_from_db()
        self.assertEqual((self.year_a.year, self.year_a.employees), (2022, 200))

    def test_a_liaison_of_township_b_neither_sees_nor_adds_township_a_figures(self):
        self.client.force_login(self.liaison_b)
        self.assertEqual(
            self.client.get(f"/enterprises/{self.ent_a.pk}/years/new/").status_code, 404
        )
        response = self.client.post(f"/enterprises/{self.ent_a.pk}/years/new/", {"year": 2023})
        self.assertEqual(response.status_code, 404)
        edit = f"/enterprises/years/{self.year_a.pk}/edit/"
        self.assertEqual(self.client.get(edit).status_code, 404)
        self.assertFalse(EnterpriseYear.objects.filter(year=2023).exists())

    def test_the_firm_user_cannot_reach_another_firms_figures(self):
        self.client.force_login(self.ent_user_a)
        self.assertEqual(
            self.client.get(f"/enterprises/{self.ent_b.pk}/years/new/").status_code, 404
        )
        edit = f"/enterprises/years/{self.year_b.pk}/edit/"
        self.assertEqual(self.client.get(edit).status_code, 404)

    def test_read_only_roles_may_not_edit(self):
        self.client.force_login(self.viewer)
        edit = f"/enterprises/years/{self.year_a.pk}/edit/"
        self.assertEqual(self.client.get(edit).status_code, 403)


class AnnualExcelTest(AnnualTestCase):
    spec = excel.get_spec("enterprise_years")

    def row(self, code, year, **changes) -> list:
        values = {**FIGURES, **changes}
        cells = [code, "", year]
        for column in self.spec.columns[3:-1]:
            cells.append(str(values[column.field]))
        cells.append("是" if values["incidents"] else "否")
        return cells

    def test_the_export_reimports_unchanged(self):
        self.client.force_login(self.staff)
        content = self.client.get("/imports/enterprise_years/export/").content
        rows = sheet_rows(content)
        self.assertEqual(rows[0], HEADER)
        exported = {(r[0], r[2]): r for r in rows[1:]}
        key = (self.ent_a.credit_code, 2022)
        self.assertEqual(exported[key][:4], [self.ent_a.credit_code, self.ent_a.name, 2022, 120])
        events = AuditEvent.objects.count()
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        self.assertEqual([str(e) for e in result.errors], [])
        self.assertEqual(result.summary(), {"新增": 0, "更新": 0, "无变化": 2, "错误": 0})
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_an_edited_export_updates_by_credit_code_and_year(self):
        content = xlsx(HEADER, [self.row(self.ent_a.credit_code, 2022, employees=150)])
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        self.assertEqual(result.summary()["更新"], 1, [str(e) for e in result.errors])
        self.assertEqual(result.rows[0].changes, ["职工总数"])
        self.year_a.refresh_from_db()
        self.assertEqual(self.year_a.employees, 150)

    def test_a_new_year_is_created(self):
        content = xlsx(HEADER, [self.row(self.ent_a.credit_code.lower(), 2023)])
        result = excel.run_import(self.spec, content, self.liaison_a, dry_run=False)
        self.assertTrue(result.committed, [str(e) for e in result.errors])
        self.assertTrue(EnterpriseYear.objects.filter(enterprise=self.ent_a, year=2023).exists())

    def test_bad_rows_are_reported_per_row_and_column_and_nothing_is_written(self):
        content = xlsx(
            HEADER,
            [
                self.row(self.ent_a.credit_code, 2023),
                self.row(credit_code(999), 2023),
                self.row(self.ent_a.credit_code, 2021, rnd_expense="50000000"),
                self.row(self.ent_a.credit_code, 2020, rnd_expense_domestic="9999999"),
                self.row(self.ent_a.credit_code, 2023),
            ],
        )
        result = excel.run_import(self.spec, content, self.staff, dry_run=False)
        messages = [str(e) for e in result.errors]
        self.assertEqual(
            messages,
            [
                f"第3行【统一社会信用代码】：未登记的企业：{credit_code(999)}",
                "第4行【研发费用（元）】：研发费用不能超过成本费用总额",
                "第5行【其中：境内研发费用（元）】：境内研发费用不能超过研发费用",
                "第6行【统一社会信用代码】：2023年度与第2行重复",
            ],
        )
        self.assertFalse(result.committed)
        self.assertFalse(EnterpriseYear.objects.filter(year__in=[2019, 2020, 2021, 2023]).exists())

    def test_a_liaison_cannot_import_another_townships_figures(self):
        content = xlsx(HEADER, [self.row(self.ent_b.credit_code, 2023)])
        result = excel.run_import(self.spec, content, self.liaison_a, dry_run=False)
        self.assertEqual(
            [str(e) for e in result.errors],
            [f"第2行【统一社会信用代码】：未登记的企业：{self.ent_b.credit_code}"],
        )

    def test_the_cli_imports_a_file(self):
        content = xlsx(HEADER, [self.row(self.ent_b.credit_code, 2023)])
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(content)
            handle.flush()
            stdout = io.StringIO()
            call_command("import", "enterprise_years", handle.name, stdout=stdout)
        self.assertIn("导入完成：新增 1 条", stdout.getvalue())

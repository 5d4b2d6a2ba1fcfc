"""The bottom-up totals (RegionPeriodTotal): kept in step by every write of firm months
(the service, the import) and rebuilt by totals_refresh; the selectors read them."""

from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.core import excel
from kechuang.core.tests.cast import xlsx
from kechuang.enterprises.services import enterprise_update
from kechuang.indicators import selectors
from kechuang.indicators.models import RegionPeriodTotal
from kechuang.indicators.services import enterprise_month_save, totals_refresh
from kechuang.indicators.tests.base import IndicatorTestCase
from kechuang.indicators.tests.test_importers import MONTHS


def totals(region, period) -> dict:
    """{element code: (value, comparable this year, comparable last year)}."""
    rows = RegionPeriodTotal.objects.filter(region=region, period=period).values_list(
        "element__code", "value", "comparable_current", "comparable_previous"
    )
    return {code: (value, now, before) for code, value, now, before in rows}


def snapshot() -> list[tuple]:
    return sorted(
        RegionPeriodTotal.objects.values_list(
            "region_id",
            "period",
            "element__code",
            "aggregation",
            "value",
            "comparable_current",
            "comparable_previous",
        )
    )


class MaintenanceTests(IndicatorTestCase):
    def save(self, firm, period, **figures):
        return enterprise_month_save(actor=self.staff, enterprise=firm, period=period, **figures)

    def test_a_saved_month_updates_county_and_township_totals(self):
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(50), rnd_active=True)
        self.save(self.ent_b, "2023-04", revenue=D(500), tech_dev_expense=D(20))
        county = totals(self.county, "2023-04")
        assert county["tech_dev_expense"] == (D(70), None, None)  # no firm in both years
        assert county["main_revenue"][0] == D(1500)
        assert county["mfg_enterprises"][0] == 2 and county["mfg_rnd_enterprises"][0] == 1
        assert totals(self.township_a, "2023-04")["tech_dev_expense"][0] == D(50)
        assert totals(self.township_b, "2023-04")["tech_dev_expense"][0] == D(20)
        assert not totals(self.city, "2023-04")  # cities add up their counties when read

        self.save(self.ent_a, "2023-04", tech_dev_expense=D(80))
        assert totals(self.county, "2023-04")["tech_dev_expense"][0] == D(100)
        assert totals(self.township_a, "2023-04")["tech_dev_expense"][0] == D(80)

    def test_last_year_saved_after_this_year_updates_this_years_comparable_pair(self):
        self.save(self.ent_a, "2023-04", revenue=D(1200), tech_dev_expense=D(150))
        self.save(self.ent_b, "2023-04", revenue=D(800), tech_dev_expense=D(50))
        assert totals(self.county, "2023-04")["tech_dev_expense"][1:] == (None, None)
        # Last year's row of firm A: next year's (2023-04) comparable pair changes with it.
        self.save(self.ent_a, "2022-04", revenue=D(1000), tech_dev_expense=D(100))
        assert totals(self.county, "2023-04")["tech_dev_expense"] == (D(200), D(150), D(100))
        assert totals(self.township_a, "2023-04")["tech_dev_expense"][1:] == (D(150), D(100))
        assert totals(self.township_b, "2023-04")["tech_dev_expense"][1:] == (None, None)
        self.save(self.ent_a, "2022-04", tech_dev_expense=D(120))
        assert totals(self.county, "2023-04")["tech_dev_expense"] == (D(200), D(150), D(120))
        growth = selectors.comparable_growth([self.county, self.city], "2023-04")
        assert growth[self.county.pk]["tech_dev_expense"] == D(25)
        assert growth[self.city.pk] == growth[self.county.pk]
        assert self.township_b.pk not in selectors.comparable_growth([self.township_b], "2023-04")

    def test_a_firm_that_moved_leaves_its_old_township(self):
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(50))
        enterprise_update(actor=self.admin, enterprise=self.ent_a, township=self.township_b)
        self.ent_a.refresh_from_db()
        self.save(self.ent_a, "2023-04", tech_dev_expense=D(60))
        assert not totals(self.township_a, "2023-04")
        assert totals(self.township_b, "2023-04")["tech_dev_expense"][0] == D(60)

    def test_an_import_updates_the_totals_once(self):
        self.save(self.ent_a, "2022-04", revenue=D(700), tech_dev_expense=D(70))
        rows = [
            [self.ent_a.credit_code, "", "2023-03", 800, 80, 300, "是", "是"],
            [self.ent_a.credit_code, "", "2023-04", 1000, 100, 400, "是", "否"],
            [self.ent_b.credit_code, "", "2023-04", 500, 10, 100, "否", "否"],
        ]
        spec = excel.get_spec("enterprise_months")
        with CaptureQueriesContext(connection) as queries:
            result = excel.run_import(spec, xlsx(MONTHS, rows), self.staff, dry_run=False)
        assert result.committed, [str(e) for e in result.errors]
        sql = [q["sql"] for q in queries]
        inserts = [q for q in sql if q.startswith("INSERT INTO") and "SELECT" in q]
        # One flush: two periods × (county, township) levels, whatever the number of rows.
        assert len(inserts) == 4, len(inserts)
        assert totals(self.county, "2023-04")["tech_dev_expense"] == (D(110), D(100), D(70))
        assert totals(self.county, "2023-03")["tech_dev_expense"][0] == D(80)
        assert totals(self.township_b, "2023-04")["main_revenue"][0] == D(500)
        # A file with a bad row writes nothing, totals included.
        before = snapshot()
        rows[2][4] = 900  # expense above revenue
        result = excel.run_import(spec, xlsx(MONTHS, rows), self.staff, dry_run=False)
        assert not result.committed
        assert snapshot() == before

    def test_refresh_is_idempotent_and_matches_the_maintained_totals(self):
        self.save(self.ent_a, "2022-04", revenue=D(1000), tech_dev_expense=D(100), hitech=True)
        self.save(self.ent_a, "2023-04", revenue=D(1200), tech_dev_expense=D(150), hitech=True)
        self.save(self.ent_b, "2023-04", revenue=D(800), tech_dev_expense=D(50))
        maintained = snapshot()
        assert maintained
        assert totals_refresh() == 2
        assert snapshot() == maintained
        assert totals_refresh() == 2
        assert snapshot() == maintained
        RegionPeriodTotal.objects.all().delete()
        totals_refresh(periods=["2023-04"], regions=[self.city])
        assert snapshot() == [row for row in maintained if row[1] == "2023-04"]
        totals_refresh(regions=["331121"])
        assert snapshot() == maintained

    def test_the_totals_read_as_the_live_computation(self):
        self.save(self.ent_a, "2022-04", revenue=D(1000), tech_dev_expense=D(100), hitech=True)
        self.save(self.ent_a, "2023-04", revenue=D(1200), tech_dev_expense=D(150), hitech=True)
        self.save(self.ent_b, "2023-04", revenue=D(800), tech_dev_expense=D(50), rnd_active=True)
        regions = [self.county, self.township_a, self.township_b, self.city, self.liandu]
        periods = ["2022-04", "2023-04"]
        assert selectors.bottom_up_many(regions, periods) == selectors.live_bottom_up_many(
            regions, periods
        )
        assert selectors.comparable_growth(regions, "2023-04") == (
            selectors.live_comparable_growth(regions, "2023-04")
        )

    def test_a_changed_aggregation_is_computed_live_until_refreshed(self):
        self.save(self.ent_a, "2023-04", revenue=D(1000), tech_dev_expense=D(50), hitech=True)
        self.save(self.ent_b, "2023-04", revenue=D(500), tech_dev_expense=D(20))
        element = self.elements["hitech_value_added"]
        element.aggregation = "sum:revenue|hitech"
        element.save()
        figures = selectors.bottom_up([self.county], "2023-04")[self.county.pk]
        assert figures["hitech_value_added"] == D(1000)
        assert figures["tech_dev_expense"] == D(70)
        totals_refresh()
        assert totals(self.county, "2023-04")["hitech_value_added"][0] == D(1000)


class UndoTests(IndicatorTestCase):
    def test_undoing_a_month_import_restores_the_months_and_their_totals(self):
        from kechuang.core import imports
        from kechuang.indicators.models import EnterpriseMonth
        from kechuang.indicators.totals import totals_differences

        enterprise_month_save(
            actor=self.staff,
            enterprise=self.ent_a,
            period="2023-04",
            revenue=D(900),
            tech_dev_expense=D(50),
        )
        months, before = set(EnterpriseMonth.objects.values_list("pk", "revenue")), snapshot()
        rows = [
            [self.ent_a.credit_code, "", "2023-04", 1000, 100, 400, "是", "否"],
            [self.ent_b.credit_code, "", "2023-04", 500, 10, 100, "否", "否"],
        ]
        spec = excel.get_spec("enterprise_months")
        job, result = imports.run(
            spec, imports.store_pending(xlsx(MONTHS, rows)), self.staff, dry_run=False
        )
        assert result.committed, [str(e) for e in result.errors]
        assert snapshot() != before
        assert imports.undo(job, self.staff) == {"removed": 1, "restored": 1}
        assert set(EnterpriseMonth.objects.values_list("pk", "revenue")) == months
        assert snapshot() == before
        assert totals_differences() == []

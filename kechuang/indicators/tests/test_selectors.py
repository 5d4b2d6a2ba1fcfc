"""Reads: value precedence, growth sources, targets, projections, rankings, scoping and the
bottom-up figures computed from the firms' monthly statistics."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kechuang.indicators import engine, selectors
from kechuang.indicators.choices import ValueSource
from kechuang.indicators.tests.base import YI, IndicatorTestCase, row_of


class PublishedFiguresTests(IndicatorTestCase):
    """Statistics bureau figures for three of 丽水's counties; 遂昌 has none."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        county = cls.county
        cls.value(county, "2023-04", "tech_dev_expense", D("3.38") * YI, published_yoy=D("40.01"))
        cls.value(county, "2023-04", "main_revenue", 100 * YI)
        cls.value(county, "2022-04", "tech_dev_expense", D("2.5") * YI)
        cls.value(county, "2022-12", "tech_dev_expense", 10 * YI)
        cls.value(county, "2023-04", "mfg_enterprises", 64)
        cls.value(county, "2023-04", "mfg_rnd_enterprises", 45)
        # A manual figure loses to the published one; alone, it counts.
        cls.value(county, "2023-04", "tech_dev_expense", 1, source=ValueSource.MANUAL)
        cls.value(county, "2023-04", "hitech_investment", D("0.6") * YI, ValueSource.MANUAL)
        cls.value(county, "2023-04", "fixed_asset_investment", D("27.78") * YI)
        cls.value(cls.liandu, "2023-04", "tech_dev_expense", 5 * YI, previous=4 * YI)
        cls.value(cls.jinyun, "2023-04", "tech_dev_expense", 3 * YI, published_yoy=D("40.01"))
        cls.target(county, 2023, "tech_dev_expense", D("11.9") * YI)
        cls.target(county, 2023, "mfg_rnd_share", 100)

    def table(self, user=None, region="331121", period="2023-04"):
        return selectors.indicator_table(user or self.staff, region, period)

    def test_it_shows_the_published_value_and_growth(self):
        row = row_of(self.table(), "tech_dev_expense")
        assert row["value"] == 338_000_000
        assert row["unit"] == "元"
        assert row["display"] == "3.38亿元"
        assert (row["yoy"], row["yoy_source"]) == (40.01, "published")
        assert row["source"] == ValueSource.STATS_BUREAU

    def test_growth_is_computed_from_last_year_without_a_published_figure(self):
        row = row_of(self.table(region="331102"), "tech_dev_expense")
        assert (row["yoy"], row["yoy_source"]) == (25, "computed")

    def test_a_manual_value_counts_when_nothing_is_published(self):
        row = row_of(self.table(), "hitech_investment")
        assert row["display"] == "0.60亿元"
        assert row["source"] == ValueSource.MANUAL
        assert row_of(self.table(), "hitech_inv_share")["display"] == "2.16%"

    def test_ratios(self):
        table = self.table()
        assert row_of(table, "tech_dev_ratio")["value"] == 3.38
        assert row_of(table, "tech_dev_ratio")["display"] == "3.38%"
        share = row_of(table, "mfg_rnd_share")
        assert (share["value"], share["display"]) == (70.3125, "70.31%")
        assert share["yoy"] is None and share["rank"]["by"] == "value"
        assert row_of(table, "rnd_intensity")["value"] is None

    def test_target_progress_pace_and_projection(self):
        row = row_of(self.table(), "tech_dev_expense")
        assert row["target"] == 1_190_000_000
        assert row["progress"] == pytest.approx(33800 / 1190, rel=1e-15)  # unrounded 28.4033…
        assert (row["pace"], row["ahead"]) == (33.33, False)
        # 3.38亿 × 10亿 ÷ 2.5亿 = 13.52亿
        assert row["projection"] == 1_352_000_000
        assert row["projection_display"] == "13.52亿元"
        assert "上年全年值" in row["projection_method"]
        share = row_of(self.table(), "mfg_rnd_share")
        assert (share["target"], share["progress"], share["ahead"]) == (100, 70.3125, False)

    def test_rank_among_siblings_with_ties_and_missing_data(self):
        row = row_of(self.table(), "tech_dev_expense")
        # Growth: 青田 40.01 and 缙云 40.01 share first, 莲都 25 third; 遂昌 has no data.
        assert row["rank"] == {"by": "yoy", "position": 1, "of": 3}
        assert row["rank_value"]["position"] == 2
        assert row["rank_value"]["gap_to_above"] == 162_000_000
        table = selectors.ranking(self.staff, "331100", "tech_dev_expense", "2023-04")
        positions = [(r["region_name"], r["position"]) for r in table["rows"]]
        assert positions[:3] == [("青田县", 1), ("缙云县", 1), ("莲都区", 3)]
        assert len(table["rows"]) == 9 and table["rows"][-1]["position"] is None
        liandu = next(r for r in table["rows"] if r["region"] == "331102")
        assert liandu["gap_to_above"] == 15.01

    def test_query_count_is_pinned(self):
        self.table()  # warm the per-process caches (rules file, content types)
        with CaptureQueriesContext(connection) as queries:
            self.table(user=self.staff)
        # region, siblings, indicators, stored values, bottom-up sums, contract turnover, targets
        assert len(queries) == 7, [q["sql"] for q in queries]

    def test_children_table_drills_down_from_the_city(self):
        table = selectors.children_table(self.viewer, "331100", "2023-04")
        assert [c["region"] for c in table["children"]][:2] == ["331102", "331121"]
        qingtian = next(c for c in table["children"] if c["region"] == "331121")
        assert row_of(qingtian, "tech_dev_expense")["display"] == "3.38亿元"

    def test_a_viewer_of_the_city_sees_its_counties(self):
        row = row_of(self.table(user=self.viewer, region="331102"), "tech_dev_expense")
        assert row["value"] == 500_000_000

    def test_a_county_bureau_sees_its_peers_but_not_the_city(self):
        assert self.table(user=self.staff, region="331102")["has_data"]
        with self.assertRaises(PermissionDenied):
            self.table(user=self.staff, region="331100")
        with self.assertRaises(PermissionDenied):
            self.table(user=self.staff, region="330100")  # another city

    def test_others_are_refused(self):
        for user in (self.liaison_a, self.ent_user_a, self.inst_user):
            with self.assertRaises(PermissionDenied):
                self.table(user=user)

    def test_bad_input_is_reported_in_chinese(self):
        with self.assertRaisesMessage(engine.IndicatorError, "未知的区域代码：999999"):
            self.table(region="999999")
        with self.assertRaisesMessage(engine.IndicatorError, "期间格式不正确"):
            self.table(period="2023-13")
        assert not self.table(period="2020-04")["has_data"]

    def test_trend_and_yearly(self):
        trend = selectors.trend(self.staff, "331121", "tech_dev_expense", [2022, 2023])
        assert trend["years"][0]["values"][3] == 250_000_000
        assert trend["years"][0]["display_values"][11] == 10
        assert trend["years"][1]["display_values"][3] == 3.38
        assert trend["years"][1]["values"][4] is None
        yearly = selectors.yearly(self.staff, "331121", "tech_dev_expense")
        assert [(y["year"], y["display"]) for y in yearly["years"]] == [(2022, "10.00亿元")]


class BottomUpTests(IndicatorTestCase):
    """Three firms of 青田县: A and C in 鹤城街道 reported in both years, B (温溪镇) is new."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        a, b = cls.ent_a, cls.ent_b
        c = cls.firm(3, cls.township_a, "青田丙电器有限公司")
        cls.ent_c = c
        fig = dict
        cls.month(
            a,
            "2022-04",
            **fig(
                revenue=1000, tech_dev_expense=100, value_added=400, rnd_active=True, hitech=True
            ),
        )
        cls.month(c, "2022-04", **fig(revenue=500, tech_dev_expense=20, value_added=100))
        cls.month(a, "2022-12", **fig(revenue=3000, tech_dev_expense=300, value_added=1200))
        cls.month(c, "2022-12", **fig(revenue=1500, tech_dev_expense=60, value_added=300))
        cls.month(
            a,
            "2023-04",
            **fig(
                revenue=1200, tech_dev_expense=150, value_added=500, rnd_active=True, hitech=True
            ),
        )
        cls.month(
            b, "2023-04", **fig(revenue=800, tech_dev_expense=50, value_added=200, rnd_active=True)
        )
        cls.month(c, "2023-04", **fig(revenue=600, tech_dev_expense=30, value_added=120))

    def test_bottom_up_sums_counties_townships_and_cities(self):
        figures = selectors.bottom_up(
            [self.county, self.township_a, self.township_b, self.city, self.liandu], "2023-04"
        )
        county = figures[self.county.pk]
        assert county["tech_dev_expense"] == D(230)
        assert county["main_revenue"] == D(2600)
        assert county["industrial_value_added"] == D(820)
        assert county["hitech_value_added"] == D(500)
        assert county["mfg_enterprises"] == D(3)
        assert county["mfg_rnd_enterprises"] == D(2)
        assert figures[self.township_a.pk]["tech_dev_expense"] == D(180)
        assert figures[self.township_b.pk]["tech_dev_expense"] == D(50)
        assert figures[self.city.pk] == county
        assert self.liandu.pk not in figures

    def test_bottom_up_is_one_query_per_period(self):
        regions = [self.county, self.liandu, self.jinyun]
        with CaptureQueriesContext(connection) as queries:
            selectors.bottom_up(regions, "2023-04")
        # One to read which elements aggregate, one grouped query, one of the contracts.
        assert len(queries) == 3

    def test_comparable_growth_differs_from_the_ratio_of_totals(self):
        growth = selectors.comparable_growth([self.county], "2023-04")[self.county.pk]
        # Same firms (A, C): 180 / 120 − 1 = 50%; totals would give 230 / 120 − 1 = 91.67%.
        assert growth["tech_dev_expense"] == D(50)
        assert growth["mfg_enterprises"] is None if "mfg_enterprises" in growth else True
        row = row_of(
            selectors.indicator_table(self.staff, self.county, "2023-04"), "tech_dev_expense"
        )
        assert (row["value"], row["yoy"], row["yoy_source"]) == (230, 50, "comparable")
        assert row["source"] == "bottom_up"
        assert (
            row_of(
                selectors.indicator_table(self.staff, self.county, "2023-04"), "hitech_va_share"
            )["value"]
            == pytest.approx(2500 / 41, rel=1e-15)  # unrounded 60.9756…
        )

    def test_query_count_with_firm_data_is_pinned(self):
        selectors.indicator_table(self.staff, "331121", "2023-04")
        with CaptureQueriesContext(connection) as queries:
            selectors.indicator_table(self.staff, "331121", "2023-04")
        # region, siblings, indicators, stored values, bottom-up sums, contract turnover,
        # comparable sums, targets
        assert len(queries) == 8, [q["sql"] for q in queries]

    def test_projection_from_firm_data(self):
        row = row_of(
            selectors.indicator_table(self.staff, self.county, "2023-04"), "tech_dev_expense"
        )
        # 230 × 360 / 120 = 690
        assert row["projection"] == 690

    def test_bottom_up_versus_published(self):
        self.value(self.county, "2023-04", "tech_dev_expense", 200, published_yoy=D("40.01"))
        table = selectors.bottom_up_vs_published(self.staff, self.county, "2023-04")
        td = next(e for e in table["elements"] if e["code"] == "tech_dev_expense")
        assert (td["published"], td["bottom_up"], td["difference"]) == (200, 230, 30)
        assert td["difference_pct"] == 15
        assert (td["published_yoy"], td["comparable_yoy"], td["computed_yoy"]) == (40.01, 50, 91.67)

    def test_contributors_largest_growth_first_and_scoped(self):
        table = selectors.contributors(self.staff, self.county, "2023-04", "tech_dev_expense")
        assert [r["change"] for r in table["rows"]] == [50, 50, 10]
        assert table["rows"][2]["enterprise"] == "青田丙电器有限公司"
        assert table["total"] == 230
        previous = {r["enterprise"]: r["previous"] for r in table["rows"]}
        assert previous["青田甲阀门有限公司"] == 100 and previous["温溪乙鞋业有限公司"] is None
        mine = selectors.contributors(
            self.liaison_a, self.township_a, "2023-04", "tech_dev_expense"
        )
        assert {r["credit_code"] for r in mine["rows"]} == {
            self.ent_a.credit_code,
            self.ent_c.credit_code,
        }

    def test_a_liaison_sees_only_its_township(self):
        table = selectors.indicator_table(self.liaison_a, self.township_a, "2023-04")
        row = row_of(table, "tech_dev_expense")
        assert (row["value"], row["rank"]["of"]) == (180, 1)
        with self.assertRaises(PermissionDenied):
            selectors.indicator_table(self.liaison_a, self.township_b, "2023-04")
        with self.assertRaises(PermissionDenied):
            selectors.indicator_table(self.liaison_a, self.county, "2023-04")
        drill = selectors.children_table(self.staff, self.county, "2023-04")
        shown = {c["region"]: row_of(c, "tech_dev_expense")["value"] for c in drill["children"]}
        assert shown["331121001"] == 180 and shown["331121101"] == 50
        with self.assertRaises(PermissionDenied):
            selectors.children_table(self.liaison_a, self.county, "2023-04")

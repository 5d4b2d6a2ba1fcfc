"""技术市场交易额 is the figure transfer.turnover, computed from the contracts: cumulative from
January, a city sums its counties, and the indicator table and CLI read it through the figures
registry."""

import datetime
import json
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from kechuang.core import figures
from kechuang.core.models import Region
from kechuang.indicators import selectors as indicator_selectors
from kechuang.transfer.tests.test_contracts import contract
from kechuang.transfer.tests.test_demands import TransferCastTestCase


class TurnoverTest(TransferCastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.liandu = Region.objects.get(code="331102")
        rows = [
            ("Q1", "30000000", datetime.date(2023, 1, 15), cls.county),
            ("Q2", "50000000", datetime.date(2023, 4, 30), cls.county),
            ("Q3", "28000000", datetime.date(2023, 6, 30), cls.county),
            ("Q4", "9000000", datetime.date(2023, 7, 1), cls.county),
            ("Q5", "20000000", datetime.date(2022, 5, 1), cls.county),
            ("L1", "10000000", datetime.date(2023, 2, 1), cls.liandu),
        ]
        for number, turnover, on, region in rows:
            contract(cls.admin, number, turnover, turnover, on, region)

    def test_it_is_cumulative_from_january_and_a_city_sums_its_counties(self):
        with self.assertNumQueries(1):
            result = figures.series(
                "transfer.turnover",
                [self.county, self.city, self.liandu],
                ["2023-04", "2023-06", "2022-06"],
            )
        self.assertEqual(result["2023-04"][self.county.pk], Decimal("80000000"))
        self.assertEqual(result["2023-06"][self.county.pk], Decimal("108000000"))
        self.assertEqual(result["2023-06"][self.city.pk], Decimal("118000000"))
        self.assertEqual(result["2022-06"][self.county.pk], Decimal("20000000"))
        # No contract registered: no turnover rather than a zero.
        self.assertIsNone(result["2022-06"][self.liandu.pk])

    def test_the_indicator_is_computed_from_the_contracts(self):
        table = indicator_selectors.indicator_table(self.staff, "331121", "2023-06")
        row = next(r for r in table["indicators"] if r["code"] == "tech_market_turnover")
        self.assertEqual(row["value"], 108000000)
        self.assertEqual(row["display"], "1.08亿元")
        self.assertEqual(row["source"], "bottom_up")
        self.assertEqual(row["yoy"], 440)  # 1.08亿 against 0.2亿 a year before

    def test_the_cli_shows_it(self):
        out = StringIO()
        call_command(
            "indicators",
            "--region",
            "331121",
            "--period",
            "2023-06",
            "--format",
            "json",
            stdout=out,
        )
        rows = {r["code"]: r for r in json.loads(out.getvalue())["indicators"]}
        self.assertEqual(rows["tech_market_turnover"]["value"], 108000000)

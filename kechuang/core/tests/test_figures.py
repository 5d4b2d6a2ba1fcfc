"""The figures registry and `kechuang figures`: periods, the JSON contract, exit codes, who
may read a region's figures."""

import datetime
import json
from decimal import Decimal
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from kechuang.core import figures, formatting
from kechuang.core.models import Region
from kechuang.core.tests.cast import CastTestCase
from kechuang.enterprises.models import PoolEntry, Tier
from kechuang.transfer.tests.test_contracts import contract

D = datetime.date
KEYS = ["code", "name", "value", "unit", "display", "source"]


class PeriodTest(SimpleTestCase):
    def test_a_period_runs_from_january_to_the_end_of_its_month(self):
        period = figures.Period.parse("2024-02")
        self.assertEqual((period.start, period.end), (D(2024, 1, 1), D(2024, 2, 29)))
        self.assertEqual(str(period), "2024-02")

    def test_a_bad_period_is_refused_in_chinese(self):
        for text in ("2023-13", "2023-6", "202306", ""):
            with self.subTest(text=text), self.assertRaisesMessage(figures.FigureError, "期间"):
                figures.Period.parse(text)

    def test_amounts_read_in_yi_from_one_hundred_million_and_in_wan_below(self):
        self.assertEqual(formatting.amount(Decimal("108000000")), "1.08亿元")
        self.assertEqual(formatting.amount(Decimal("99999949")), "9999.99万元")
        self.assertEqual(formatting.amount(Decimal("99999999")), "1.00亿元")
        self.assertEqual(formatting.amount(None), "—")
        self.assertEqual(formatting.count(24, "家"), "24家")

    def test_an_unknown_figure_is_named(self):
        with self.assertRaisesMessage(figures.FigureError, "未知的数字：nope"):
            figures.get("nope")


class FiguresCommandTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        hnte = Tier.objects.get(code="hnte")
        PoolEntry.objects.create(
            enterprise=cls.ent_a, tier=hnte, year=2023, entered_on=D(2023, 3, 1)
        )
        PoolEntry.objects.create(
            enterprise=cls.ent_b, tier=hnte, year=2023, entered_on=D(2023, 4, 1)
        )
        contract(cls.admin, "HT-1", "1000000.50", "1000000.25", D(2023, 2, 1), cls.county)
        contract(cls.admin, "HT-2", "107000000", "106999999.75", D(2023, 6, 1), cls.county)

    def run_command(self, *args) -> str:
        out = StringIO()
        call_command("figures", *args, stdout=out)
        return out.getvalue()

    def test_json_rows_carry_exactly_the_contract_keys_at_full_precision(self):
        rows = json.loads(
            self.run_command("--region", "331121", "--period", "2023-06", "--format", "json")
        )
        self.assertEqual([r["code"] for r in rows], [f.code for f in figures.all_figures()])
        for row in rows:
            self.assertEqual(list(row), KEYS)
        by_code = {r["code"]: r for r in rows}
        self.assertEqual(by_code["ladder.hnte_candidates"]["value"], 2)
        self.assertEqual(by_code["ladder.hnte_candidates"]["display"], "2家")
        turnover = by_code["transfer.turnover"]
        self.assertEqual(Decimal(turnover["value"]), Decimal("108000000.00"))
        self.assertIsInstance(turnover["value"], str)
        self.assertEqual((turnover["unit"], turnover["display"]), ("元", "1.08亿元"))
        self.assertTrue(turnover["source"].startswith("/transfer/contracts/?region=331121"))

    def test_codes_choose_and_order_the_figures(self):
        rows = json.loads(
            self.run_command(
                "--region",
                "331121",
                "--period",
                "2023-03",
                "--format",
                "json",
                "--codes",
                "transfer.turnover,ladder.hnte_candidates",
            )
        )
        self.assertEqual(
            [(r["code"], r["value"]) for r in rows],
            [("transfer.turnover", "1000000.25"), ("ladder.hnte_candidates", 1)],
        )

    def test_the_table_shows_the_display_and_the_page(self):
        text = self.run_command("--region", "331121", "--period", "2023-06")
        line = next(x for x in text.splitlines() if x.startswith("transfer.turnover"))
        self.assertIn("技术市场交易额", line)
        self.assertIn("1.08亿元", line)
        self.assertIn("/transfer/contracts/?region=331121", line)

    def test_bad_input_exits_2_with_a_chinese_message(self):
        for args, message in (
            (("--region", "999999", "--period", "2023-06"), "未知的区域代码：999999"),
            (("--region", "331121", "--period", "2023-6"), "期间格式不正确"),
            (("--region", "331121", "--period", "2023-06", "--codes", "x.y"), "未知的数字：x.y"),
        ):
            with self.subTest(args=args), self.assertRaises(CommandError) as caught:
                self.run_command(*args)
            self.assertEqual(caught.exception.returncode, 2)
            self.assertIn(message, str(caught.exception))


class MayReadTest(CastTestCase):
    def test_area_roles_read_their_region_and_below_firms_and_institutes_none(self):
        liandu = Region.objects.get(code="331102")
        cases = (
            (self.staff, self.county, True),
            (self.staff, self.township_a, True),
            (self.staff, self.city, False),
            (self.staff, liandu, False),
            (self.liaison_a, self.township_a, True),
            (self.liaison_a, self.county, False),
            (self.viewer, liandu, True),
            (self.commissioner, self.township_b, False),
            (self.ent_user_a, self.township_a, False),
            (self.inst_user, self.county, False),
            (self.admin, liandu, True),
        )
        for user, region, allowed in cases:
            with self.subTest(user=user.username, region=region.code):
                self.assertEqual(figures.may_read(user, region), allowed)


class FiguresApiTest(CastTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        contract(cls.admin, "HT-1", "108000000", "108000000", D(2023, 5, 1), cls.county)

    def test_it_answers_the_rows_of_the_command(self):
        self.client.force_login(self.staff)
        response = self.client.get(
            "/api/figures/", {"region": "331121", "period": "2023-06", "codes": "transfer.turnover"}
        )
        self.assertEqual(response.status_code, 200)
        out = StringIO()
        call_command(
            "figures",
            "--region=331121",
            "--period=2023-06",
            "--format=json",
            "--codes=transfer.turnover",
            stdout=out,
        )
        self.assertEqual(response.json(), json.loads(out.getvalue()))
        self.assertEqual(response.json()[0]["display"], "1.08亿元")

    def test_a_region_the_user_may_not_read_is_refused(self):
        for user, region in (
            (self.staff, "331100"),
            (self.liaison_a, "331121"),
            (self.ent_user_a, "331121001"),
        ):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                response = self.client.get("/api/figures/", {"region": region, "period": "2023-06"})
                self.assertEqual(response.status_code, 403)

    def test_bad_parameters_are_a_400_naming_them(self):
        self.client.force_login(self.staff)
        for query, message in (
            ({"period": "2023-06"}, "缺少参数：region"),
            ({"region": "331121", "period": "2023-6"}, "期间格式不正确"),
            ({"region": "999999", "period": "2023-06"}, "未知的区域代码"),
        ):
            with self.subTest(query=query):
                response = self.client.get("/api/figures/", query)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.json()["detail"])


class NumberRuleTest(SimpleTestCase):
    def test_amounts_counts_and_percentages_by_one_rule(self):
        number = formatting.number
        self.assertEqual(number(Decimal("21198500"), "元"), "2119.85万元")
        self.assertEqual(number(Decimal("6000000000"), "元"), "60.00亿元")
        self.assertEqual(number(Decimal("108000000"), "元"), "1.08亿元")
        self.assertEqual(number(Decimal("99999949"), "元"), "9999.99万元")
        self.assertEqual(number(Decimal("99999950"), "元"), "1.00亿元")
        self.assertEqual(number(Decimal("0.005"), "元"), "0.00万元")
        self.assertEqual(number(24, "家"), "24家")
        self.assertEqual(number(34, "项"), "34项")
        self.assertEqual(number(None, "项"), "—")

    def test_a_published_percentage_keeps_its_precision_a_computed_one_two_places(self):
        self.assertEqual(formatting.number(Decimal("11.4"), "%", places=None), "11.4%")
        self.assertEqual(formatting.ratio(Decimal("11.4"), places=None), "11.4%")
        self.assertEqual(formatting.ratio(Decimal("11.4"), places=1), "11.4%")
        self.assertEqual(formatting.number(Decimal("27.205"), "%"), "27.21%")
        self.assertEqual(formatting.number(Decimal("27.2049"), "%"), "27.20%")
        self.assertEqual(formatting.ratio(Decimal("-3.205")), "-3.21%")

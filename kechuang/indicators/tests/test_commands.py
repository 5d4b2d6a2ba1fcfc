"""kechuang indicators: the JSON contract, the text table and the exit codes."""

import io
import json
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from kechuang.indicators.tests.base import YI, IndicatorTestCase

KEYS = {
    "code",
    "name",
    "value",
    "unit",
    "display",
    "yoy",
    "yoy_source",
    "target",
    "progress",
    "projection",
    "rank",
}


class IndicatorsCommandTests(IndicatorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.value(
            cls.county, "2023-04", "tech_dev_expense", D("3.38") * YI, published_yoy=D("40.01")
        )
        cls.value(cls.county, "2023-04", "main_revenue", 100 * YI)
        cls.target(cls.county, 2023, "tech_dev_expense", D("11.9") * YI)

    def run_command(self, *args):
        out, err = io.StringIO(), io.StringIO()
        call_command("indicators", *args, stdout=out, stderr=err)
        return out.getvalue()

    def test_json_contract(self):
        data = json.loads(
            self.run_command("--region", "331121", "--period", "2023-04", "--format", "json")
        )
        assert set(data) == {"region", "period", "indicators"}
        assert (data["region"], data["period"]) == ("331121", "2023-04")
        assert [r["code"] for r in data["indicators"]] == [
            "tech_dev_expense",
            "tech_dev_ratio",
            "mfg_rnd_share",
            "hitech_value_added",
            "hitech_va_share",
            "hitech_investment",
            "hitech_inv_share",
            "tech_market_turnover",
            "rnd_intensity",
        ]
        for row in data["indicators"]:
            assert set(row) == KEYS
            assert set(row["rank"]) == {"by", "position", "of"}
        first = data["indicators"][0]
        assert (first["value"], first["display"], first["yoy"]) == (338000000, "3.38亿元", 40.01)
        assert (first["yoy_source"], first["target"]) == ("published", 1190000000)
        # Machine fields are unrounded (338 / 1190 = 28.4033…%); the display rounds.
        assert first["progress"] == pytest.approx(33800 / 1190, rel=1e-15)
        assert first["progress"] != 28.4
        assert first["rank"] == {"by": "yoy", "position": 1, "of": 1}
        assert data["indicators"][1]["display"] == "3.38%"
        assert data["indicators"][2]["value"] is None

    def test_text_table_and_user(self):
        text = self.run_command("--region", "331121", "--period", "2023-04", "--user", "staff")
        assert "青田县（331121）2023年1-4月主要指标" in text
        assert "3.38亿元  +40.01%  公布增速" in text

    def test_exit_2_on_bad_input(self):
        cases = [
            (["--region", "999999", "--period", "2023-04"], "未知的区域代码：999999"),
            (["--region", "331121", "--period", "2023-13"], "期间格式不正确"),
            (["--region", "331121", "--period", "2019-04"], "青田县2019年1-4月没有指标数据"),
            (["--region", "331121", "--period", "2023-04", "--user", "liaison_a"], "无权查看"),
            (["--region", "331121", "--period", "2023-04", "--user", "nobody"], "用户 nobody"),
        ]
        for args, message in cases:
            with self.subTest(args=args), self.assertRaises(CommandError) as caught:
                self.run_command(*args)
            assert caught.exception.returncode == 2
            assert message in str(caught.exception)

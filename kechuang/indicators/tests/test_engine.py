"""The pure indicator engine: periods, units, formulas, ranking, display, validation rules."""

from decimal import Decimal as D

import pytest

from kechuang.indicators import engine
from kechuang.indicators.engine import Element, Fact

ELEMENTS = {
    "tech_dev_expense": Element("tech_dev_expense", "规上工业企业技术开发费"),
    "main_revenue": Element("main_revenue", "规上工业企业营业收入(主营业务收入)"),
    "mfg_enterprises": Element("mfg_enterprises", "规上制造业企业数", "count"),
    "mfg_rnd_enterprises": Element("mfg_rnd_enterprises", "有研发活动的规上制造业企业数", "count"),
    "share": Element("share", "某比重", "percent", cumulative=False),
}


def fact(element, value, period="2023-04", region="331121"):
    return Fact(element, region, period, D(value), "青田县")


# --- periods ---------------------------------------------------------------------------------


def test_periods_are_cumulative_months():
    assert engine.parse_period("2023-04") == (2023, 4)
    assert engine.previous_year("2023-04") == "2022-04"
    assert engine.previous_month("2023-04") == "2023-03"
    assert engine.previous_month("2023-01") is None
    assert engine.next_month("2023-12") is None
    assert engine.year_end("2022-04") == "2022-12"
    assert engine.period_label("2023-04") == "2023年1-4月"
    assert engine.period_label("2023-01") == "2023年1月"


@pytest.mark.parametrize("bad", ["2023-13", "2023-4", "23-04", "", "2023/04", None])
def test_bad_periods_are_refused_in_chinese(bad):
    with pytest.raises(engine.IndicatorError, match="期间格式不正确"):
        engine.parse_period(bad)


def test_pace_is_month_over_twelve():
    assert engine.pace("2023-04") == D("33.33")
    assert engine.pace("2023-06") == D("50.00")
    assert engine.pace("2023-12") == D("100.00")


# --- units -----------------------------------------------------------------------------------


def test_units_convert_to_base_units():
    assert engine.to_base("3.38", "亿元", "amount") == D("338000000")
    assert engine.to_base("1,234.5", "万元", "amount") == D("12345000")
    assert engine.to_base("12", "元", "amount") == D("12")
    assert engine.to_base("256", "家", "count") == D("256")
    assert engine.to_base("256", "个", "count") == D("256")
    assert engine.to_base("3.38", "%", "percent") == D("3.38")


def test_unknown_or_mismatched_units_are_refused():
    with pytest.raises(engine.IndicatorError, match="未知的单位：美元"):
        engine.to_base("1", "美元", "amount")
    with pytest.raises(engine.IndicatorError, match="单位“家”与该数据项不符"):
        engine.to_base("1", "家", "amount")
    with pytest.raises(engine.IndicatorError, match="不是有效的数字"):
        engine.to_base("一亿", "亿元", "amount")


# --- formulas --------------------------------------------------------------------------------


def test_ratio_is_percent_and_none_without_denominator():
    assert engine.ratio(D(338), D(10000)) == D("3.38")
    assert engine.ratio(D(1), D(0)) is None
    assert engine.ratio(D(1), None) is None
    assert engine.ratio(None, D(1)) is None


def test_published_growth_wins_over_computed():
    assert engine.growth(D(140), D(100), published=D("40.01")) == (D("40.01"), "published")
    assert engine.growth(D(140), D(100)) == (D(40), "computed")
    assert engine.growth(D(140), D(100), comparable=D(35)) == (D(35), "comparable")
    assert engine.growth(D(140), None) == (None, None)
    assert engine.growth(D(140), D(0)) == (None, None)


def test_progress_and_ahead_of_pace():
    assert engine.progress(D("3.38"), D("11.9")).quantize(D("0.01")) == D("28.40")
    assert engine.progress(D(1), None) is None
    # April: pace 33.33%; 28.40% is behind, 40% ahead.
    assert engine.ahead_of_pace(D("28.40"), "2023-04") is False
    assert engine.ahead_of_pace(D("40"), "2023-04") is True
    assert engine.ahead_of_pace(None, "2023-04") is None


def test_projection_scales_by_last_years_shape():
    # This year 3.38; last year 10 in all, 2.5 by April → 3.38 × 10 / 2.5 = 13.52.
    projected = engine.projection("2023-04", "amount", (D("3.38"), D(10), D("2.5")))
    assert projected.value == D("13.52")
    assert "上年全年值" in projected.method
    assert engine.projection("2023-04", "amount", (D(1), None, D(1))).value is None
    assert engine.projection("2023-12", "amount", (D(7), D(10), D(9))).value == D(7)


def test_ratio_projection_divides_projected_parts():
    # numerator 3 → 3×12/4 = 9; denominator 100 → 100×300/150 = 200; 9/200 = 4.5%.
    projected = engine.projection("2023-04", "ratio", (D(3), D(12), D(4)), (D(100), D(300), D(150)))
    assert projected.value == D("4.5")
    assert "分子、分母" in projected.method


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_shares_positions_on_ties_and_leaves_out_missing():
    values = {"a": D(10), "b": D(30), "c": D(30), "d": None, "e": D(5)}
    ranks = engine.rank_all(values)
    assert (ranks["b"].position, ranks["c"].position) == (1, 1)
    assert ranks["a"].position == 3
    assert ranks["e"].position == 4
    assert "d" not in ranks
    assert {r.of for r in ranks.values()} == {4}
    assert ranks["a"].gap_to_above == D(20)
    assert ranks["e"].gap_to_above == D(5) and ranks["e"].above == "a"
    assert ranks["b"].gap_to_above is None
    assert engine.rank(values, "d") is None


# --- display ---------------------------------------------------------------------------------


def test_display_as_the_bureau_writes():
    assert engine.display(D("338000000"), "亿元") == "3.38亿元"
    assert engine.display(D("60000000"), "亿元") == "0.60亿元"
    assert engine.display(D("619000000"), "亿元", 1) == "6.2亿元"
    assert engine.display(D("3.3812"), "%") == "3.38%"
    assert engine.display(D("70.3125"), "%") == "70.31%"
    assert engine.display(D("256"), "家") == "256家"
    assert engine.display(D("12345"), "万元") == "1.23万元"
    assert engine.display(None, "亿元") == "—"
    assert engine.display_growth(D("40.012")) == "+40.01%"
    assert engine.display_growth(D("-3.2")) == "-3.20%"


# --- validation rules ------------------------------------------------------------------------


def test_non_negative():
    [violation] = engine.check_rules([fact("main_revenue", -1)], ELEMENTS)
    assert violation.message == (
        "青田县 2023年1-4月 规上工业企业营业收入(主营业务收入)："
        "规上工业企业营业收入(主营业务收入)不能为负数"
    )


def test_part_of_within_the_batch_and_against_stored():
    batch = [fact("tech_dev_expense", 300_000_000), fact("main_revenue", 200_000_000)]
    [violation] = engine.check_rules(batch, ELEMENTS)
    assert violation.fact.element == "tech_dev_expense"
    assert "技术开发费不能超过营业收入" in violation.message
    assert "青田县 2023年1-4月" in violation.message
    stored = {("main_revenue", "331121", "2023-04"): D(100)}
    assert engine.check_rules([fact("tech_dev_expense", 101)], ELEMENTS, stored)
    assert not engine.check_rules([fact("tech_dev_expense", 100)], ELEMENTS, stored)
    # The batch's whole replaces the stored one.
    assert not engine.check_rules(
        [fact("tech_dev_expense", 150), fact("main_revenue", 200)], ELEMENTS, stored
    )


def test_count_part_of_whole():
    batch = [fact("mfg_rnd_enterprises", 65), fact("mfg_enterprises", 64)]
    [violation] = engine.check_rules(batch, ELEMENTS)
    assert "有研发活动的规上制造业企业数不能超过规上制造业企业数" in violation.message
    assert "（65家 > 64家）" in violation.message


def test_share_max():
    [violation] = engine.check_rules([fact("share", "100.5")], ELEMENTS)
    assert "某比重是百分比，不能超过100%" in violation.message
    assert not engine.check_rules([fact("share", "100")], ELEMENTS)


def test_cumulative_not_below_previous_month_nor_above_next():
    stored = {
        ("main_revenue", "331121", "2023-03"): D(500_000_000),
        ("main_revenue", "331121", "2023-05"): D(700_000_000),
    }
    [low] = engine.check_rules([fact("main_revenue", 400_000_000)], ELEMENTS, stored)
    assert "2023年1-4月的值不能低于2023年1-3月的5.00亿元" in low.message
    [high] = engine.check_rules([fact("main_revenue", 800_000_000)], ELEMENTS, stored)
    assert "2023年1-5月的值不能低于2023年1-4月的8.00亿元" in high.message
    assert not engine.check_rules([fact("main_revenue", 600_000_000)], ELEMENTS, stored)
    # January starts a new year: December of last year is not compared.
    december = {("main_revenue", "331121", "2022-12"): D(900)}
    assert not engine.check_rules([fact("main_revenue", 1, "2023-01")], ELEMENTS, december)
    # Non-cumulative elements are not checked.
    stored_share = {("share", "331121", "2023-03"): D(50)}
    assert not engine.check_rules([fact("share", 40)], ELEMENTS, stored_share)

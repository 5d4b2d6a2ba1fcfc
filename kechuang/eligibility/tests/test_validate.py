"""Invalid input: every missing or invalid field named, in Chinese."""

import pytest

from kechuang.eligibility.engine import InvalidInput, UnknownPolicy, assess, load_policy, validate

from .factories import facts, year


def test_valid_input_has_no_errors():
    assert validate(facts(), "hnte-2016") == []
    assert validate(facts(), load_policy("tsme-2017")) == []


def test_missing_fields_are_all_named():
    f = facts()
    del f["employees"]
    del f["ip"]["own_rnd"]
    del f["years"][0]["sales_revenue"]
    del f["years"][2]["net_assets"]
    errors = validate(f, "hnte-2016")
    assert errors == [
        "employees 缺失",
        "years[0].sales_revenue 缺失",
        "years[2].net_assets 缺失",
        "ip.own_rnd 缺失",
    ]
    with pytest.raises(InvalidInput) as e:
        assess("hnte-2016", f)
    assert e.value.errors == errors


def test_required_fields_depend_on_the_policy():
    f = facts()
    del f["direct"]
    del f["field"]
    assert validate(f, "hnte-2016") == ["field 缺失"]
    assert validate(f, "tsme-2017") == [
        "direct 缺失",
        "direct.hnte_valid 缺失",
        "direct.national_award_top3 缺失",
        "direct.provincial_rnd_institution 缺失",
        "direct.led_standard_5y 缺失",
    ]


def test_invalid_values_are_named():
    f = facts(as_of="2023/06/30", employees=True, st_staff=-1, incidents="no", conversions=[1, "x"])
    f["years"][1]["rnd_expense"] = -5
    f["years"][1]["sales_revenue"] = "100"
    errors = validate(f, "hnte-2016")
    assert errors == [
        "as_of 应为日期，格式 YYYY-MM-DD",
        "employees 应为非负整数",
        "st_staff 应为非负整数",
        "incidents 应为 true 或 false",
        "years[1].sales_revenue 应为非负金额（元）",
        "years[1].rnd_expense 应为非负金额（元）",
        "conversions[1] 应为非负整数",
    ]


def test_cross_field_checks():
    f = facts(employees=10, st_staff=11, registered_on="2024-01-01")
    f["years"][0]["rnd_expense_domestic"] = f["years"][0]["rnd_expense"] + 1
    f["years"][2]["year"] = 2023
    errors = validate(f, "hnte-2016")
    assert "st_staff 不能大于 employees（11 > 10）" in errors
    assert "registered_on 不能晚于 as_of" in errors
    assert "years[0].rnd_expense_domestic 不能大于 years[0].rnd_expense" in errors
    assert "years[2].year 应为 2022（年度须从早到晚连续排列）" in errors


def test_rnd_above_costs_is_checked_where_costs_matter():
    f = facts(years=[year(2022, total_costs=1)])
    assert validate(f, "hnte-2016") == []
    assert validate(f, "tsme-2017") == ["years[0].rnd_expense 不能大于 years[0].total_costs"]


def test_too_many_years_and_unknown_expert_key():
    f = facts(years=[year(2019), year(2020), year(2021), year(2022)], expert={"luck": 3})
    errors = validate(f, "hnte-2016")
    assert errors[0] == "years 最多 3 个年度（近三个会计年度），实际 4 个"
    assert errors[1].startswith("expert.luck 不是本政策可由专家评定的项目")
    assert validate(facts(expert={"conversion": 25}), "tsme-2017")[0].startswith(
        "expert.conversion 不是本政策可由专家评定的项目"
    )


def test_not_an_object():
    assert validate([1, 2], "hnte-2016") == ["输入应为 JSON 对象"]


def test_unknown_policy():
    for key in ("hnte-2099", "../settings", ""):
        with pytest.raises(UnknownPolicy, match="未知的政策"):
            load_policy(key)

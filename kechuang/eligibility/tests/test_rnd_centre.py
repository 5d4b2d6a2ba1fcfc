"""The table-driven policy kind on the provincial HNTE R&D-centre rules (zj-rnd-centre-2020):
every threshold at its boundary, missing data, and the policy files' own consistency."""

from decimal import Decimal

import pytest

from kechuang.eligibility import engine, table

M = 1_000_000
POLICY = "zj-rnd-centre-2020"


def facts(**kw):
    """A firm meeting every condition of the R&D-centre rules."""
    base = {
        "hnte_valid": True,
        "ip_class1": 1,
        "ip_class2": 0,
        "city_centre": True,
        "sales_revenue": 30 * M,
        "rnd_expense": Decimal("1.8") * M,
        "conversions_3y": 9,
        "software": False,
        "rnd_staff": 15,
        "rnd_staff_qualified": 9,
    }
    base.update(kw)
    return base


def verdict(key, **kw):
    result = engine.assess(POLICY, facts(**kw))
    return next(c for c in result["criteria"] if c["key"] == key)


def test_a_firm_meeting_every_condition_is_eligible():
    result = engine.assess(POLICY, facts())
    assert result["verdict"] == "eligible"
    assert [c["passed"] for c in result["criteria"]] == [True] * 7


@pytest.mark.parametrize(
    ("sales", "rnd", "passed"),
    [
        # below 5000万元: 6%
        (49_999_999, Decimal("2999999.94"), True),
        (49_999_999, Decimal("2999999.93"), False),
        # exactly 5000万元 is in the middle band: 4%
        (50 * M, 2 * M, True),
        (50 * M, 2 * M - 1, False),
        # exactly 20000万元 is still the middle band: 4%, no 1000万元 route
        (200 * M, 8 * M, True),
        (200 * M, 8 * M - 1, False),
        # above 20000万元: 3% or 1000万元
        (200 * M + 100, Decimal("6000003"), True),
        (200 * M + 100, Decimal("6000002.99"), False),
        (500 * M, 10 * M, True),  # 2% but 1000万元
        (500 * M, 10 * M - 1, False),
    ],
)
def test_rnd_ratio_bands_at_5000_and_20000_wan(sales, rnd, passed):
    assert verdict("rnd_ratio", sales_revenue=sales, rnd_expense=rnd)["passed"] is passed


def test_the_rnd_shortfall_names_the_missing_amount():
    found = verdict("rnd_ratio", sales_revenue=30 * M, rnd_expense=M)
    assert found["passed"] is False
    assert "销售收入低于5000万元" in found["message"]
    assert "还差 80.00万元" in found["message"]
    assert found["gap"] == 800_000


@pytest.mark.parametrize(
    ("software", "staff", "passed"),
    [(False, 15, True), (False, 14, False), (True, 30, True), (True, 29, False)],
)
def test_full_time_staff_15_or_30_for_software_firms(software, staff, passed):
    found = verdict("rnd_staff", software=software, rnd_staff=staff, rnd_staff_qualified=staff)
    assert found["passed"] is passed


@pytest.mark.parametrize(("qualified", "passed"), [(12, True), (11, False)])
def test_sixty_percent_qualified_staff(qualified, passed):
    found = verdict("qualified_share", rnd_staff=20, rnd_staff_qualified=qualified)
    assert found["passed"] is passed
    if not passed:
        assert "还差 1" in found["message"]


@pytest.mark.parametrize(("n", "passed"), [(9, True), (8, False)])
def test_nine_conversions_in_three_years(n, passed):
    assert verdict("conversions", conversions_3y=n)["passed"] is passed


@pytest.mark.parametrize(
    ("class1", "class2", "passed"),
    [(1, 0, True), (0, 4, True), (0, 3, False), (0, 0, False)],
)
def test_one_invention_patent_or_four_other_core_items(class1, class2, passed):
    assert verdict("core_ip", ip_class1=class1, ip_class2=class2)["passed"] is passed


def test_a_firm_not_hnte_or_without_a_city_centre_is_ineligible():
    assert verdict("hnte", hnte_valid=False)["passed"] is False
    assert engine.assess(POLICY, facts(city_centre=False))["verdict"] == "ineligible"


def test_missing_data_leaves_the_criterion_undecided_and_names_it():
    result = engine.assess(POLICY, facts(rnd_staff=None, rnd_staff_qualified=None))
    staff = next(c for c in result["criteria"] if c["key"] == "rnd_staff")
    assert staff["passed"] is None
    assert "缺少数据：研发机构专职人员" in staff["message"]
    assert result["verdict"] == "undetermined"
    unknown_revenue = verdict("rnd_ratio", sales_revenue=None)
    assert unknown_revenue["passed"] is None
    assert "上一年度销售收入" in unknown_revenue["message"]


def test_malformed_facts_are_refused_naming_them():
    with pytest.raises(engine.InvalidInput) as caught:
        engine.assess(POLICY, facts(rnd_staff=-1, software="yes"))
    assert "rnd_staff 应为非负数" in caught.value.errors
    assert "software 应为 true 或 false" in caught.value.errors


@pytest.mark.parametrize(
    "key", [k for k in engine.available_policies() if engine.load_policy(k).kind == "criteria"]
)
def test_every_table_policy_is_consistent_and_cites_its_source(key):
    policy = engine.load_policy(key)
    assert table.check(policy.data) == []
    assert policy.document
    assert all(c.get("ref") for c in policy.data["criteria"])
    if policy.data.get("example"):
        assert "示例" in policy.name

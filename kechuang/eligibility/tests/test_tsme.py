"""tsme-2017: every threshold and band boundary (pure engine, no database)."""

import pytest

from kechuang.eligibility.engine import assess, load_policy

from .factories import M, crit, facts, year

NO_IP = {"class1": 0, "class2": 0}


def run(**kw):
    return assess("tsme-2017", facts(**kw))


def test_policy_file():
    p = load_policy("tsme-2017")
    assert p.document == "国科发政〔2017〕115号"
    assert p.data["year_basis"] == "latest"
    assert p.data["year_basis_unconfirmed"] is True


def test_contract_shape_and_eligible():
    r = run()
    assert r["verdict"] == "eligible"
    assert [c["key"] for c in r["criteria"]] == [
        "employees_limit",
        "sales_limit",
        "assets_limit",
        "no_violations",
        "st_staff_points",
        "total_score",
        "direct_qualification",
    ]
    assert set(r["parts"]) == {"st_staff", "rnd", "ip"}
    assert r["score"]["min"] == r["score"]["max"] == 90  # 20 + 40 + 30


def scored(st_staff=30, employees=100, rnd=None, sales=10 * M, costs=100 * M, ip=None):
    y = year(
        2022,
        sales_revenue=sales,
        total_income=sales,
        total_costs=costs,
        rnd_expense=rnd if rnd is not None else 600_000,
        rnd_expense_domestic=0,
        hightech_income=0,
    )
    return run(
        employees=employees, st_staff=st_staff, years=[y], ip=ip or {"class1": 1, "class2": 0}
    )


def test_sixty_with_nonzero_st_points_is_eligible():
    # 4 (10% staff) + 50 (6% R&D) + 6 (one class II)
    r = scored(st_staff=10, rnd=600_000, ip={"class1": 0, "class2": 1})
    assert r["score"] == {"min": 60, "max": 60}
    assert r["verdict"] == "eligible"


def test_st_points_zero_fails_even_with_high_score():
    r = scored(st_staff=9)  # 0 + 50 + 30 = 80
    assert r["score"]["min"] == 80
    c = crit(r, "st_staff_points")
    assert (c["passed"], c["actual"], c["gap"]) == (False, 0, 2)
    assert crit(r, "total_score")["passed"] is True
    assert r["verdict"] == "ineligible"


def test_below_sixty_fails():
    r = scored(st_staff=10, rnd=500_000, ip={"class1": 0, "class2": 1})  # 4 + 40 + 6
    c = crit(r, "total_score")
    assert (c["passed"], c["actual"], c["gap"]) == (False, 50, 10)
    assert crit(r, "direct_qualification")["passed"] is False
    assert r["verdict"] == "ineligible"


@pytest.mark.parametrize(
    ("st", "points"),
    [(30, 20), (29, 16), (25, 16), (24, 12), (20, 12), (19, 8), (15, 8), (14, 4), (10, 4), (9, 0)],
)
def test_st_staff_bands(st, points):
    assert scored(st_staff=st)["parts"]["st_staff"]["min"] == points


@pytest.mark.parametrize(
    ("rnd", "points"),
    [
        (600_000, 50),
        (599_999, 40),
        (500_000, 40),
        (499_999, 30),
        (400_000, 30),
        (300_000, 20),
        (299_999, 10),
        (200_000, 10),
        (199_999, 0),
    ],
)
def test_rnd_option_sales_bands(rnd, points):
    part = scored(rnd=rnd)["parts"]["rnd"]
    assert (part["points_sales"], part["min"]) == (points, points)


@pytest.mark.parametrize(
    ("rnd", "points"),
    [
        (3 * M, 50),
        (3 * M - 1, 40),
        (2_500_000, 40),
        (2 * M, 30),
        (1_999_999, 20),
        (1_500_000, 20),
        (1 * M, 10),
        (999_999, 0),
    ],
)
def test_rnd_option_costs_bands(rnd, points):
    part = scored(rnd=rnd, sales=190 * M, costs=10 * M)["parts"]["rnd"]
    assert part["points_costs"] == points
    assert part["min"] == max(points, part["points_sales"])


def test_rnd_takes_the_higher_option_from_the_latest_year():
    r = run(
        years=[
            year(2021, rnd_expense=0, rnd_expense_domestic=0),
            year(
                2022,
                sales_revenue=100 * M,
                total_income=100 * M,
                total_costs=10 * M,
                rnd_expense=2 * M,
                rnd_expense_domestic=0,
            ),
        ]
    )
    part = r["parts"]["rnd"]
    assert (part["year"], part["points_sales"], part["points_costs"]) == (2022, 10, 30)
    assert (part["option"], part["min"]) == ("costs", 30)


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [(1, 0, 30), (0, 5, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_ip_bands(class1, class2, points):
    assert scored(ip={"class1": class1, "class2": class2})["parts"]["ip"]["min"] == points


def test_employee_limit_500_and_501():
    assert crit(scored(employees=500, st_staff=150), "employees_limit")["passed"] is True
    c = crit(scored(employees=501, st_staff=150), "employees_limit")
    assert (c["passed"], c["gap"]) == (False, 1)


@pytest.mark.parametrize(
    ("field", "key"), [("sales_revenue", "sales_limit"), ("total_assets", "assets_limit")]
)
def test_sales_and_assets_limit_200m_and_one_yuan_more(field, key):
    at = run(years=[year(2022, **{field: 200 * M, "total_income": 200 * M})])
    assert crit(at, key)["passed"] is True
    over = run(years=[year(2022, **{field: 200 * M + 1, "total_income": 200 * M + 1})])
    c = crit(over, key)
    assert (c["passed"], c["gap"]) == (False, 1.0)
    assert over["verdict"] == "ineligible"


def test_violations():
    assert crit(run(incidents=True), "no_violations")["passed"] is False
    assert crit(run(dishonest=True), "no_violations")["passed"] is False


@pytest.mark.parametrize(
    "route", ["hnte_valid", "national_award_top3", "provincial_rnd_institution", "led_standard_5y"]
)
def test_each_direct_route_qualifies_a_low_scoring_firm(route):
    direct = dict.fromkeys(
        ["hnte_valid", "national_award_top3", "provincial_rnd_institution", "led_standard_5y"],
        False,
    ) | {route: True}
    low = {
        "employees": 100,
        "st_staff": 5,
        "ip": NO_IP,
        "years": [year(2022, rnd_expense=0, rnd_expense_domestic=0)],
    }
    assert run(**low)["verdict"] == "ineligible"
    r = run(**low, direct=direct)
    assert r["score"]["min"] == 0
    assert r["verdict"] == "eligible"
    c = crit(r, "direct_qualification")
    assert (c["passed"], c["actual"]) == (True, [route])
    assert "免予评分" in crit(r, "total_score")["message"]


def test_direct_route_still_needs_basic_conditions():
    direct = {
        "hnte_valid": True,
        "national_award_top3": False,
        "provincial_rnd_institution": False,
        "led_standard_5y": False,
    }
    r = run(direct=direct, employees=501, st_staff=100)
    assert crit(r, "direct_qualification")["passed"] is True
    assert r["verdict"] == "ineligible"

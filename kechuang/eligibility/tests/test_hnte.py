"""hnte-2016: every threshold and band boundary (pure engine, no database)."""

import pytest

from kechuang.eligibility.engine import InvalidInput, assess, load_policy, validate

from .factories import M, crit, facts, year

# Fixes every expert part of the base firm so that the innovation score is exactly 85.
ALL_EXPERT = {
    "ip_advancement": 8,
    "ip_core_support": 8,
    "ip_quantity": 7,
    "ip_acquisition": 1,
    "standard_bonus": 0,
    "conversion": 25,
    "rnd_management": 20,
    "growth_net_assets": 9,
    "growth_sales": 7,
}


def run(**kw):
    return assess("hnte-2016", facts(**kw))


def test_policy_file_cites_documents():
    p = load_policy("hnte-2016")
    assert p.document == "国科发火〔2016〕32号"
    assert p.data["effective_from"] == "2016-01-01"
    assert {d["number"] for d in p.data["documents"]} == {
        "国科发火〔2016〕32号",
        "国科发火〔2016〕195号",
    }
    for c in p.data["criteria"].values():
        assert c["ref"]


def test_contract_shape_and_eligible():
    r = run(expert=ALL_EXPERT)
    assert list(r) == ["policy", "document", "verdict", "score", "criteria", "parts"]
    assert r["verdict"] == "eligible"
    assert r["score"] == {"min": 85, "max": 85}
    assert [c["key"] for c in r["criteria"]] == [
        "registered_one_year",
        "core_ip",
        "field",
        "st_staff_ratio",
        "rnd_ratio",
        "domestic_rnd_share",
        "hightech_income_share",
        "innovation_score",
        "no_incidents",
    ]
    assert set(r["parts"]) == {
        "ip",
        "conversion",
        "rnd_management",
        "growth_net_assets",
        "growth_sales",
    }
    for c in r["criteria"]:
        assert set(c) == {"key", "passed", "actual", "required", "gap", "message"}
        assert c["passed"] is True


def test_undetermined_without_expert_values():
    r = run()
    assert r["score"] == {"min": 49, "max": 98}
    assert crit(r, "innovation_score")["passed"] is None
    assert r["verdict"] == "undetermined"


# --- R&D ratio: threshold by the last year's revenue (bands include the upper bound) -------


@pytest.mark.parametrize(
    ("last_sales", "required"),
    [(50 * M, 0.05), (50 * M + 1, 0.04), (200 * M, 0.04), (200 * M + 1, 0.03)],
)
def test_rnd_threshold_by_last_year_revenue(last_sales, required):
    r = run(years=[year(2022, sales_revenue=last_sales, total_income=last_sales)])
    assert crit(r, "rnd_ratio")["required"] == required


def test_rnd_ratio_exactly_at_limit_passes_and_one_yuan_short_fails():
    years = [
        year(2020, sales_revenue=40 * M),
        year(2021, sales_revenue=50 * M),
        year(2022, sales_revenue=60 * M, total_income=61 * M),
    ]
    for y in years:
        y["rnd_expense"] = y["rnd_expense_domestic"] = 2 * M
    ok = crit(run(years=years), "rnd_ratio")
    assert (ok["passed"], ok["actual"], ok["required"], ok["gap"]) == (True, 0.04, 0.04, 0)
    years[0]["rnd_expense"] = years[0]["rnd_expense_domestic"] = 2 * M - 1
    short = crit(run(years=years), "rnd_ratio")
    assert short["passed"] is False
    assert short["gap"] == 1.0
    assert short["actual"] < 0.04


def test_rnd_gap_message():
    years = [
        year(2020, sales_revenue=2 * M),
        year(2021, sales_revenue=5_500_000),
        year(2022, sales_revenue=55 * M, total_income=56 * M, hightech_income=50 * M),
    ]
    for y, rnd in zip(years, (500_000, 500_000, 1 * M), strict=True):
        y["rnd_expense"] = y["rnd_expense_domestic"] = rnd
    c = crit(run(years=years), "rnd_ratio")
    assert c["passed"] is False
    assert c["actual"] == 0.032
    assert c["gap"] == 500_000.0
    assert c["message"].startswith(
        "近三年研发费用占比 3.20%，需 ≥ 4.00%，三年研发费用需再增加 50.00万元"
    )


def test_rnd_ratio_younger_firm_uses_actual_years():
    c = crit(run(years=[year(2021), year(2022)]), "rnd_ratio")
    assert c["message"].startswith("近两年")
    assert c["actual"] == pytest.approx(2 / 30, abs=1e-6)


# --- other ratios exactly at their limits --------------------------------------------------


def test_st_staff_exactly_ten_percent():
    assert crit(run(employees=100, st_staff=10), "st_staff_ratio")["passed"] is True
    c = crit(run(employees=100, st_staff=9), "st_staff_ratio")
    assert c["passed"] is False
    assert c["gap"] == 2  # 11 / 102 ≥ 10% while 10 / 101 is not
    assert "需再增加科技人员 2 人" in c["message"]


def test_hightech_income_exactly_sixty_percent():
    years = [year(2021), year(2022, total_income=10 * M, hightech_income=6 * M)]
    c = crit(run(years=years), "hightech_income_share")
    assert (c["passed"], c["actual"], c["gap"]) == (True, 0.6, 0.0)
    years[-1]["hightech_income"] = 6 * M - 1
    c = crit(run(years=years), "hightech_income_share")
    assert c["passed"] is False
    assert c["gap"] == 2.5  # (0.6 × 10,000,000 − 5,999,999) / 0.4


def test_domestic_rnd_exactly_sixty_percent():
    years = [year(2021, rnd_expense_domestic=1_200_000), year(2022, rnd_expense_domestic=1_200_000)]
    c = crit(run(years=years), "domestic_rnd_share")
    assert (c["passed"], c["actual"]) == (True, 0.6)
    years[0]["rnd_expense_domestic"] = 1_199_999
    c = crit(run(years=years), "domestic_rnd_share")
    assert c["passed"] is False
    assert c["gap"] == 2.5


def test_zero_sales_leaves_rnd_ratio_undecided():
    years = [year(2022, sales_revenue=0, total_income=31 * M)]
    c = crit(run(years=years), "rnd_ratio")
    assert c["passed"] is None


# --- registration, IP, field, incidents ----------------------------------------------------


def test_registered_exactly_365_days():
    assert crit(run(registered_on="2022-06-30"), "registered_one_year")["passed"] is True
    c = crit(run(registered_on="2022-07-01"), "registered_one_year")
    assert (c["passed"], c["actual"], c["gap"]) == (False, 364, 1)


def test_core_ip_and_field_and_incidents():
    r = run(
        ip={"class1": 0, "class2": 0, "own_rnd": True, "led_standard": False},
        field="纺织服装",
        incidents=True,
    )
    assert crit(r, "core_ip")["passed"] is False
    assert crit(r, "field")["passed"] is False
    assert crit(r, "no_incidents")["passed"] is False
    assert r["verdict"] == "ineligible"
    assert r["parts"]["ip"]["items"]["acquisition"] == {"min": 0, "max": 0}


# --- IP quantity, acquisition, standard bonus, cap ----------------------------------------


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [
        (1, 0, (7, 8)),
        (0, 5, (5, 6)),
        (0, 4, (3, 4)),
        (0, 3, (3, 4)),
        (0, 2, (1, 2)),
        (0, 1, (1, 2)),
        (0, 0, (0, 0)),
    ],
)
def test_ip_quantity_bands(class1, class2, points):
    ip = {"class1": class1, "class2": class2, "own_rnd": True, "led_standard": False}
    q = run(ip=ip)["parts"]["ip"]["items"]["quantity"]
    assert (q["min"], q["max"]) == points


def test_ip_acquisition_and_standard_bonus():
    ip = {"class1": 0, "class2": 2, "own_rnd": False, "led_standard": True}
    items = run(ip=ip)["parts"]["ip"]["items"]
    assert (items["acquisition"]["min"], items["acquisition"]["max"]) == (1, 3)
    assert (items["standard_bonus"]["min"], items["standard_bonus"]["max"]) == (1, 2)


def test_ip_capped_at_30():
    ip = {"class1": 2, "class2": 0, "own_rnd": True, "led_standard": True}
    part = run(
        ip=ip,
        expert={
            "ip_advancement": 8,
            "ip_core_support": 8,
            "ip_quantity": 8,
            "ip_acquisition": 6,
            "standard_bonus": 2,
        },
    )["parts"]["ip"]
    assert (part["min"], part["max"]) == (30, 30)


# --- conversion ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conv", "points"),
    [
        ([5, 5, 5], (25, 30)),
        ([4, 5, 5], (19, 24)),
        ([4, 4, 4], (19, 24)),
        ([3, 3, 3], (13, 18)),
        ([2, 2, 2], (7, 12)),
        ([1, 1, 1], (1, 6)),
        ([0, 1, 1], (0, 0)),
        ([3], (13, 18)),
    ],
)
def test_conversion_bands(conv, points):
    part = run(conversions=conv)["parts"]["conversion"]
    assert (part["min"], part["max"]) == points


# --- growth -------------------------------------------------------------------------------


def growth_part(values, field="sales_revenue"):
    years = [year(2020 + i, **{field: v}) for i, v in enumerate(values)]
    key = "growth_sales" if field == "sales_revenue" else "growth_net_assets"
    return run(years=years)["parts"][key]


@pytest.mark.parametrize(
    ("g", "points"), [("0.35", (9, 10)), ("0.25", (7, 8)), ("0.15", (5, 6)), ("0.05", (3, 4))]
)
def test_growth_exactly_at_band_edge_and_just_below(g, points):
    from decimal import Decimal

    factor = 1 + Decimal(g)
    y1 = 1_000_000
    y2 = int(y1 * factor)
    y3 = int(y2 * factor)
    part = growth_part([y1, y2, y3])
    assert part["rate"] == float(g)
    assert (part["min"], part["max"]) == points
    below = growth_part([y1, y2, y3 - 1])
    assert below["max"] == points[0] - 1


def test_growth_above_zero_and_at_zero_and_negative():
    assert (growth_part([100, 100, 101])["min"], growth_part([100, 100, 101])["max"]) == (1, 2)
    flat = growth_part([100, 100, 100])
    assert (flat["rate"], flat["min"], flat["max"]) == (0.0, 0, 0)
    assert growth_part([100, 90, 80])["max"] == 0


def test_growth_first_year_zero_uses_latter_two_years():
    part = growth_part([0, 100, 150])
    assert part["rate"] == 0.5
    assert (part["min"], part["max"]) == (9, 10)
    assert "后两年" in part["rule"]


def test_growth_second_year_zero_scores_zero():
    part = growth_part([100, 0, 150], field="net_assets")
    assert (part["rate"], part["min"], part["max"]) == (None, 0, 0)
    assert "第二年为0" in part["rule"]


def test_growth_younger_firms():
    two = growth_part([100, 120])
    assert (two["rate"], two["min"], two["max"]) == (0.2, 5, 6)
    one = growth_part([100])
    assert (one["rate"], one["min"], one["max"]) == (None, 0, 0)


# --- innovation score: 70 vs 71 -----------------------------------------------------------


def test_score_70_fails_71_passes():
    at70 = run(expert=ALL_EXPERT | {"rnd_management": 5})
    assert at70["score"] == {"min": 70, "max": 70}
    c = crit(at70, "innovation_score")
    assert (c["passed"], c["required"], c["gap"]) == (False, 71, 1)
    assert at70["verdict"] == "ineligible"
    at71 = run(expert=ALL_EXPERT | {"rnd_management": 6})
    assert at71["score"] == {"min": 71, "max": 71}
    assert crit(at71, "innovation_score")["passed"] is True
    assert at71["verdict"] == "eligible"


def test_score_straddling_70_is_undetermined():
    expert = {k: v for k, v in ALL_EXPERT.items() if k != "rnd_management"}
    r = run(expert=expert | {"ip_advancement": 8, "ip_core_support": 8})
    assert r["score"] == {"min": 65, "max": 85}
    assert crit(r, "innovation_score")["passed"] is None
    assert r["verdict"] == "undetermined"


def test_expert_value_outside_band_is_an_error():
    errors = validate(facts(expert={"growth_sales": 9, "conversion": 24}), "hnte-2016")
    assert errors == [
        "expert.growth_sales 超出该档允许范围 7–8",
        "expert.conversion 超出该档允许范围 25–30",
    ]
    with pytest.raises(InvalidInput):
        assess("hnte-2016", facts(expert={"growth_sales": 9}))

"""Input builders for the engine tests: a firm that passes everything, changed per test."""

import copy

M = 1_000_000  # yuan


def year(y, **kw):
    row = {
        "year": y,
        "sales_revenue": 30 * M,
        "total_income": 31 * M,
        "rnd_expense": 2 * M,
        "rnd_expense_domestic": 2 * M,
        "hightech_income": 25 * M,
        "total_costs": 25 * M,
        "total_assets": 50 * M,
        "net_assets": 20 * M,
    }
    row.update(kw)
    return row


def facts(**kw):
    """An HNTE-eligible (with expert values) and TSME-eligible firm."""
    base = {
        "as_of": "2023-06-30",
        "registered_on": "2019-03-15",
        "employees": 100,
        "st_staff": 30,
        "field": "新材料",
        "years": [
            year(2020, sales_revenue=20 * M, net_assets=10 * M),
            year(2021, sales_revenue=27 * M, net_assets=14 * M),
            year(2022, sales_revenue=36 * M, net_assets=19 * M),
        ],
        "ip": {"class1": 1, "class2": 0, "own_rnd": True, "led_standard": False},
        "conversions": [5, 5, 5],
        "incidents": False,
        "dishonest": False,
        "direct": {
            "hnte_valid": False,
            "national_award_top3": False,
            "provincial_rnd_institution": False,
            "led_standard_5y": False,
        },
        "expert": {},
    }
    base = copy.deepcopy(base)
    base.update(kw)
    return base


def crit(result, key):
    return next(c for c in result["criteria"] if c["key"] == key)

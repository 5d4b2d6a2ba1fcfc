"""Turns a firm's stored data into the engine's input (the `kechuang assess` format)."""

import datetime
from decimal import Decimal

YEAR_FIELDS = (
    "sales_revenue",
    "total_income",
    "rnd_expense",
    "rnd_expense_domestic",
    "hightech_income",
    "total_costs",
    "total_assets",
    "net_assets",
)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def facts_for(enterprise, *, as_of: datetime.date) -> dict:
    """Engine input for one firm loaded through `with_assessment_data`."""
    years = list(enterprise.assessment_years)
    latest = years[-1] if years else None
    return {
        "as_of": as_of.isoformat(),
        "registered_on": enterprise.founded_on.isoformat() if enterprise.founded_on else None,
        "employees": latest.employees if latest else None,
        "st_staff": latest.st_staff if latest else None,
        "field": enterprise.tech_field or None,
        "years": [
            {"year": y.year, **{name: _number(getattr(y, name)) for name in YEAR_FIELDS}}
            for y in years
        ],
        "ip": {
            "class1": latest.ip_class1 if latest else 0,
            "class2": latest.ip_class2 if latest else 0,
            "own_rnd": enterprise.ip_own_rnd,
            "led_standard": enterprise.led_standard,
        },
        "conversions": [y.conversions for y in years],
        "incidents": bool(latest and latest.incidents),
        "dishonest": enterprise.dishonest,
        "direct": {
            "hnte_valid": bool(enterprise.hnte_valid),
            "national_award_top3": enterprise.national_award_top3,
            "provincial_rnd_institution": enterprise.provincial_rnd_institution,
            "led_standard_5y": enterprise.led_standard,
        },
        "expert": {},
    }

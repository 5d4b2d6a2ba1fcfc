"""Read queries of a firm's annual figures."""

from decimal import Decimal

from django.db.models import QuerySet

from kechuang.core.models import User
from kechuang.enterprises.models import Enterprise, EnterpriseYear

HUNDRED = Decimal(100)


def share(part, whole) -> Decimal | None:
    """`part` as a percentage of `whole`; None when the whole is zero (undefined, not 0%)."""
    if not whole:
        return None
    return Decimal(part) * HUNDRED / Decimal(whole)


def enterprise_years(enterprise: Enterprise) -> QuerySet[EnterpriseYear]:
    """A firm's years, newest first (the caller has already checked it may see the firm)."""
    return EnterpriseYear.objects.filter(enterprise=enterprise).order_by("-year")


def year_rows(enterprise: Enterprise) -> list[dict]:
    """Each year with the ratios certification looks at, as percentages."""
    return [
        {
            "year": record,
            "rnd_ratio": share(record.rnd_expense, record.sales_revenue),
            "hightech_share": share(record.hightech_income, record.total_income),
            "st_staff_share": share(record.st_staff, record.employees),
        }
        for record in enterprise_years(enterprise)
    ]


def may_edit_years(user: User, enterprise: Enterprise) -> bool:
    """Whoever may edit the firm, its own user included, enters its figures."""
    return Enterprise.objects.editable_by(user).filter(pk=enterprise.pk).exists()


def record_sections(enterprise: Enterprise, user: User) -> list[dict]:
    return [
        {
            "title": "年度数据",
            "template": "enterprises/_section_annual.html",
            "context": {
                "enterprise": enterprise,
                "rows": year_rows(enterprise),
                "editable": may_edit_years(user, enterprise),
            },
        }
    ]


def year_figures(enterprises, years, fields) -> dict[tuple[int, int], dict]:
    """{(firm id, year): {field: value}} of the firms' annual figures in `years`: one query
    for any number of firms (`enterprises`: a queryset or ids)."""
    rows = EnterpriseYear.objects.filter(enterprise__in=enterprises, year__in=list(years))
    return {
        (row["enterprise_id"], row["year"]): row
        for row in rows.values("enterprise_id", "year", *fields)
    }

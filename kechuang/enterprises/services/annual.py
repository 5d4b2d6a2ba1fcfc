"""Writes of a firm's annual figures: one function per action, one transaction each."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kechuang.core import concurrency
from kechuang.core.models import User
from kechuang.enterprises.models import Enterprise, EnterpriseYear

# The figures of a year, in the order the page and the spreadsheet show them.
FIGURE_FIELDS = (
    "employees",
    "st_staff",
    "sales_revenue",
    "total_income",
    "rnd_expense",
    "rnd_expense_domestic",
    "hightech_income",
    "total_costs",
    "total_assets",
    "net_assets",
    "ip_class1",
    "ip_class2",
    "conversions",
    "incidents",
)


@transaction.atomic
def enterprise_year_save(
    *, actor: User, enterprise: Enterprise, year: int, **figures
) -> EnterpriseYear:
    """Creates or updates a firm's figures for a year; the actor must be allowed to edit the firm.

    A firm's own user enters its own figures. Figures not given keep their stored values.
    """
    if not Enterprise.objects.editable_by(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("无权填报该企业的年度数据")
    record = (
        EnterpriseYear.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    )
    if record is None:
        record = EnterpriseYear(enterprise=enterprise, year=year)
    changed = record.pk is None
    for name, value in figures.items():
        if name not in FIGURE_FIELDS:
            raise TypeError(f"unknown figure {name}")
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    record.full_clean()
    if changed:
        concurrency.save_changed(record, actor=actor)
    return record

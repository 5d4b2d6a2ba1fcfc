"""Read queries of the loans app, scoped to the user."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from kechuang.core.models import User
from kechuang.loans.models import LoanRecommendation


def loan_list(user: User) -> QuerySet[LoanRecommendation]:
    return (
        LoanRecommendation.objects.visible_to(user)
        .select_related("enterprise", "region")
        .order_by("-recommended_on", "pk")
    )


def banks_of(user: User) -> list[str]:
    """The banks named on the recommendations the user may see (the form's and filter's
    choices)."""
    return list(
        LoanRecommendation.objects.visible_to(user)
        .order_by("bank")
        .values_list("bank", flat=True)
        .distinct()
    )


def totals_by_year(queryset: QuerySet[LoanRecommendation]) -> list[dict]:
    """Per year, newest first: amount recommended and firms recommended (by the
    recommendation date), amount granted and firms granted (by the grant date)."""
    recommended = (
        queryset.order_by()
        .values("recommended_on__year")
        .annotate(
            amount=Sum("amount_recommended"),
            count=Count("pk"),
            firms=Count("enterprise", distinct=True),
        )
    )
    granted = (
        queryset.filter(granted_on__isnull=False)
        .order_by()
        .values("granted_on__year")
        .annotate(
            amount=Sum("amount_granted", filter=Q(amount_granted__isnull=False)),
            firms=Count("enterprise", distinct=True),
        )
    )
    years: dict[int, dict] = {}
    for row in recommended:
        years.setdefault(row["recommended_on__year"], {}).update(
            recommended=row["amount"], count=row["count"], firms=row["firms"]
        )
    for row in granted:
        years.setdefault(row["granted_on__year"], {}).update(
            granted=row["amount"], firms_granted=row["firms"]
        )
    return [
        {
            "year": year,
            "recommended": values.get("recommended"),
            "count": values.get("count", 0),
            "firms": values.get("firms", 0),
            "granted": values.get("granted"),
            "firms_granted": values.get("firms_granted", 0),
        }
        for year, values in sorted(years.items(), reverse=True)
    ]


def loan_sections(user: User, enterprise) -> list[dict]:
    """The enterprise page's 科技贷款 section, when the user may see some of its loans."""
    loans = list(loan_list(user).filter(enterprise=enterprise))
    if not loans:
        return []
    return [
        {
            "title": "科技贷款",
            "template": "loans/_section_loans.html",
            "context": {"loans": loans},
        }
    ]

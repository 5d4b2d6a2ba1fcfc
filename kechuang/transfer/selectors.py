"""Read queries of technology transfer, scoped to the user. The numbers other apps read
(技术市场交易额 and the counts) are figures: transfer/figures.py."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum

from kechuang.core.models import User
from kechuang.transfer.choices import MatchStatus
from kechuang.transfer.models import (
    Achievement,
    Demand,
    IndustryChain,
    Match,
    MatchFeedback,
    TechContract,
)
from kechuang.transfer.services import may_manage_matches

PIPELINE_LIMIT = 200


def demand_list(user: User):
    return Demand.objects.visible_to(user).select_related("enterprise__township", "chain", "node")


def achievement_list(user: User):
    return Achievement.objects.visible_to(user).select_related(
        "owner_institution", "owner_enterprise", "region", "chain", "node"
    )


def contract_list(user: User):
    return TechContract.objects.visible_to(user).select_related("region")


def match_list(user: User):
    return Match.objects.visible_to(user).select_related(
        "demand__enterprise__township", "achievement__owner_institution", "accepted_by"
    )


def matches_of(demand: Demand, user: User):
    return match_list(user).filter(demand=demand).select_related("achievement__owner_enterprise")


def feedback_of(demand: Demand, user: User):
    return (
        MatchFeedback.objects.visible_to(user)
        .filter(demand=demand)
        .select_related("achievement", "created_by")
    )


def chains_for(user: User):
    """The chains a user may file a record under: those they may read (their county's and
    the regions' above it)."""
    return IndustryChain.objects.visible_to(user)


def pipeline(user: User, matches=None) -> list[dict]:
    """The matches a user may see, in columns by status with their counts (one query)."""
    matches = match_list(user) if matches is None else matches
    columns = {s: [] for s in MatchStatus.values}
    for match in matches.order_by("-recommended_on", "-id")[:PIPELINE_LIMIT]:
        columns[match.status].append(match)
    counts = dict(matches.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {
            "status": status,
            "label": MatchStatus(status).label,
            "count": counts.get(status, 0),
            "matches": columns[status],
        }
        for status in MatchStatus.values
    ]


def contract_totals(contracts) -> dict:
    """Amount and turnover of a (filtered) contract list, and how many: one query."""
    totals = contracts.order_by().aggregate(
        amount=Sum("amount"), turnover=Sum("turnover"), count=Count("pk")
    )
    return {
        "amount": totals["amount"] or Decimal(0),
        "turnover": totals["turnover"] or Decimal(0),
        "count": totals["count"],
    }


def demand_counts(user: User) -> dict:
    return dict(
        Demand.objects.owned_by(user).order_by().values_list("status").annotate(n=Count("pk"))
    )


def home_widgets(user: User) -> list[dict]:
    from django.urls import reverse

    if not may_manage_matches(user) and user.enterprise_id is None:
        return []
    counts = demand_counts(user)
    widgets = [
        {
            "title": "技术需求",
            "value": sum(counts.values()),
            "url": reverse("transfer:demand_list"),
        }
    ]
    if may_manage_matches(user):
        live = (
            Match.objects.visible_to(user)
            .filter(
                status__in=[MatchStatus.RECOMMENDED, MatchStatus.CONTACTED, MatchStatus.NEGOTIATING]
            )
            .count()
        )
        widgets.append(
            {"title": "对接中的匹配", "value": live, "url": reverse("transfer:match_pipeline")}
        )
    return widgets


def institution_sections(institution, user: User) -> list[dict]:
    """The institution's achievements the user can read, on its record page."""
    achievements = list(
        Achievement.objects.visible_to(user)
        .filter(owner_institution=institution)
        .order_by("-id")[:50]
    )
    if not achievements:
        return []
    return [
        {
            "title": "科技成果",
            "template": "transfer/_section_achievements.html",
            "context": {"achievements": achievements},
        }
    ]


def enterprise_sections(enterprise, user: User) -> list[dict]:
    """The firm's technology demands on its record page, when there are any or the user may
    post one."""
    from kechuang.enterprises.models import Enterprise
    from kechuang.transfer.services import may_post_demand

    demands = list(
        Demand.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("chain")
        .annotate(n_matches=Count("matches"))
    )
    may_add = (
        may_post_demand(user)
        and Enterprise.objects.editable_by(user).filter(pk=enterprise.pk).exists()
    )
    if not demands and not may_add:
        return []
    return [
        {
            "title": "技术需求",
            "template": "transfer/_section_demands.html",
            "context": {"enterprise": enterprise, "demands": demands, "may_add": may_add},
        }
    ]

"""The recognition criteria of a planned or preparing enterprise R&D body: the host firm's
data (and this app's own records) turned into the facts of the policy in force, assessed by
the eligibility engine, with what the firm still lacks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from kechuang.eligibility import engine
from kechuang.enterprises.selectors.facts import with_assessment_data
from kechuang.platforms.choices import (
    ENTERPRISE_RND_TYPES,
    PlatformLevel,
    PlatformStatus,
)

# Industry division of 软件和信息技术服务业 (GB/T 4754-2017): a "software firm" of the rules.
SOFTWARE_DIVISIONS = {"65"}
CHECKED_STATES = (PlatformStatus.PLANNED, PlatformStatus.PREPARING)
VERDICTS = {"eligible": "符合", "undetermined": "待定", "ineligible": "不符合"}


@dataclass
class CriteriaCheck:
    policy: engine.Policy
    verdict: str
    criteria: list[dict] = field(default_factory=list)
    year: int | None = None  # the fiscal year the money figures come from

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict]

    @property
    def example(self) -> bool:
        return bool(self.policy.data.get("example"))

    @property
    def shortfalls(self) -> list[dict]:
        return [c for c in self.criteria if c["passed"] is not True]


def policy_for(platform_type: str, on: datetime.date) -> engine.Policy | None:
    """The table policy that applies to this type of platform on this day, if any."""
    for key in engine.available_policies():
        policy = engine.load_policy(key)
        data = policy.data
        if policy.kind != "criteria" or platform_type not in data.get("applies_to", ()):
            continue
        start = datetime.date.fromisoformat(data["effective_from"])
        end = data.get("effective_to")
        if start <= on and (end is None or on <= datetime.date.fromisoformat(end)):
            return policy
    return None


def platform_facts(enterprise, *, city_centre: bool, platform) -> dict:
    """The flat facts of the table policies, for a firm loaded through with_assessment_data
    (its last fiscal years before the day of the check); None where the data is missing."""
    years = list(enterprise.assessment_years)
    last = years[-1] if years else None
    return {
        "hnte_valid": bool(enterprise.hnte_valid),
        "ip_class1": last.ip_class1 if last else None,
        "ip_class2": last.ip_class2 if last else None,
        "city_centre": city_centre,
        "sales_revenue": last.sales_revenue if last else None,
        "rnd_expense": last.rnd_expense if last else None,
        "conversions_3y": sum(y.conversions for y in years) if years else None,
        "software": enterprise.industry_division in SOFTWARE_DIVISIONS,
        "rnd_staff": platform.rnd_staff,
        "rnd_staff_qualified": platform.rnd_staff_qualified,
    }


def has_city_centre(platform) -> bool:
    """Whether the host firm already has a recognised city-level (or higher) enterprise R&D
    body other than this one, as the R&D-centre rules require."""
    from kechuang.platforms.models import Platform

    return (
        Platform.objects.filter(
            host_enterprise_id=platform.host_enterprise_id,
            type__in=ENTERPRISE_RND_TYPES,
            status=PlatformStatus.RECOGNISED,
            level__in=(PlatformLevel.CITY, PlatformLevel.PROVINCIAL, PlatformLevel.NATIONAL),
        )
        .exclude(pk=platform.pk)
        .exists()
    )


def criteria_check(platform, *, as_of: datetime.date) -> CriteriaCheck | None:
    """The check shown on a planned or preparing firm-hosted R&D body whose type has known
    criteria; None otherwise."""
    if platform.status not in CHECKED_STATES or platform.host_enterprise_id is None:
        return None
    policy = policy_for(platform.type, as_of)
    if policy is None:
        return None
    from kechuang.enterprises.models import Enterprise

    firm = with_assessment_data(
        Enterprise.objects.filter(pk=platform.host_enterprise_id), as_of=as_of
    ).get()
    facts = platform_facts(firm, city_centre=has_city_centre(platform), platform=platform)
    result = engine.assess(policy, facts)
    years = firm.assessment_years
    return CriteriaCheck(
        policy=policy,
        verdict=result["verdict"],
        criteria=result["criteria"],
        year=years[-1].year if years else None,
    )

"""Read queries of the support app, scoped to the user: policies, disbursements, totals, and
the entitlements nobody has claimed yet (政策找企业)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse

from kechuang.core import clock, formatting
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise
from kechuang.support import rules
from kechuang.support.choices import OPEN_STATES, DisbursementStatus
from kechuang.support.facts import empty_facts, facts_for
from kechuang.support.models import Clause, Disbursement, Policy


def policy_list(user: User) -> QuerySet[Policy]:
    return Policy.objects.visible_to(user).select_related("region")


def clauses_of(policy: Policy) -> QuerySet[Clause]:
    return Clause.objects.filter(policy=policy).order_by("position", "pk")


def clause_list(user: User) -> QuerySet[Clause]:
    return (
        Clause.objects.visible_to(user)
        .select_related("policy")
        .order_by("policy", "position", "pk")
    )


def disbursement_list(user: User) -> QuerySet[Disbursement]:
    return Disbursement.objects.visible_to(user).select_related(
        "enterprise", "clause", "clause__policy", "region"
    )


def default_year(policies=None) -> int:
    """The award year the pages open on: last year, within the policies' effective years."""
    year = clock.today().year - 1
    spans = [
        (p.effective_from.year, p.effective_until.year if p.effective_until else year)
        for p in (policies if policies is not None else Policy.objects.all())
    ]
    if spans and not any(first <= year <= last for first, last in spans):
        year = max(last for _, last in spans)
    return year


def award_years(policies) -> list[int]:
    years = set()
    for p in policies:
        last = p.effective_until.year if p.effective_until else clock.today().year
        years.update(range(p.effective_from.year, last + 1))
    return sorted(years, reverse=True)


# --- totals ----------------------------------------------------------------------------------

TOTAL_KEYS = {
    "year": ("year", "year"),
    "policy": ("clause__policy_id", "clause__policy__name"),
    "clause": ("clause_id", "clause__name"),
    "township": ("region_id", "region__name"),
    "firm": ("enterprise_id", "enterprise__name"),
}
TOTAL_LABELS = {
    "year": "年度",
    "policy": "政策",
    "clause": "条款",
    "township": "乡镇",
    "firm": "企业",
}


def totals(records: QuerySet[Disbursement], by: str) -> list[dict]:
    """One row per year, policy, clause, township or firm: paid amount and firms, approved
    (not yet paid), applied (not yet approved); one grouped query."""
    key, label = TOTAL_KEYS[by]
    paid = Q(status=DisbursementStatus.PAID)
    rows = (
        records.order_by()
        .values(key, label)
        .annotate(
            paid=Sum("amount", filter=paid),
            paid_count=Count("pk", filter=paid),
            firms=Count("enterprise", filter=paid, distinct=True),
            approved=Sum("amount", filter=Q(status=DisbursementStatus.APPROVED)),
            pending=Sum(
                "amount",
                filter=Q(status__in=(DisbursementStatus.APPLIED, DisbursementStatus.REVIEWED)),
            ),
            total=Count("pk"),
        )
        .order_by(F("paid").desc(nulls_last=True), key)
    )
    return [{**row, "key": row[key], "label": row[label]} for row in rows]


# --- entitlements (政策找企业) ------------------------------------------------------------------


@dataclass(frozen=True)
class Entitlement:
    """A firm meets a clause for a year and has no open claim of it (or of its group)."""

    enterprise: Enterprise
    clause: Clause
    year: int
    amount: Decimal | None

    @property
    def amount_text(self) -> str:
        if self.amount is not None:
            return formatting.amount(self.amount)
        return rules.describe_amount(self.clause.amount_rule)


def entitlements(
    user: User,
    year: int | None = None,
    *,
    policy: Policy | None = None,
    clause: Clause | None = None,
    enterprises: QuerySet[Enterprise] | None = None,
    firm: Enterprise | None = None,
    claims: list[Disbursement] | None = None,
) -> tuple[int, list[Entitlement]]:
    """(year, entitlements): active firms the user may see whose data meet a clause for the
    year (default: `default_year` of the policies) and that have not claimed it (nor, for a
    grouped clause, any clause of its group); in a group only the highest amount is listed.
    `firm`: one firm the caller has already fetched as visible, with its `claims` when
    loaded. A fixed number of queries, whatever the number of firms."""
    clauses = list(clause_list(user).select_related("policy__region"))
    if year is None:
        year = default_year({c.policy for c in clauses})
    clauses = [c for c in clauses if c.policy.covers(year)]
    if policy is not None:
        clauses = [c for c in clauses if c.policy_id == policy.pk]
    if clause is not None:
        clauses = [c for c in clauses if c.pk == clause.pk]
    if not clauses:
        return year, []
    if firm is not None:
        if firm.status != EnterpriseStatus.ACTIVE:
            return year, []
        firms, chosen = [firm], [firm.pk]
    else:
        base = enterprises if enterprises is not None else Enterprise.objects.visible_to(user)
        prefixes = Q(pk__in=[])
        for region in {c.policy.region for c in clauses}:
            prefixes |= Q(township__code__startswith=region.prefix)
        chosen = base.filter(prefixes, status=EnterpriseStatus.ACTIVE).values("pk")
        firms = list(
            base.filter(prefixes, status=EnterpriseStatus.ACTIVE)
            .select_related("township")
            .order_by("township__code", "name")
        )
    if not firms:
        return year, []
    by_firm = facts_for(chosen, year)
    if claims is None:
        claims = Disbursement.objects.filter(year=year, enterprise__in=chosen)
    claimed = set()
    for d in claims:
        if d.year == year and d.status in OPEN_STATES:
            claimed.add((d.enterprise_id, d.clause_id))
            if d.group_key:
                claimed.add((d.enterprise_id, d.group_key))
    empty = empty_facts()
    default = {c.pk: _meets(c, empty) for c in clauses}
    found = []
    for one in firms:
        facts = by_firm.get(one.pk)
        best_in_group: dict[str, Entitlement] = {}
        for c in clauses:
            if not c.policy.region.contains(one.township):
                continue
            meets, amount = _meets(c, facts) if facts is not None else default[c.pk]
            if not meets or (one.pk, c.pk) in claimed:
                continue
            item = Entitlement(one, c, year, amount)
            if not c.group:
                found.append(item)
                continue
            if (one.pk, c.group_key) in claimed:
                continue
            best = best_in_group.get(c.group_key)
            if best is None or (amount or 0) > (best.amount or 0):
                best_in_group[c.group_key] = item
        found.extend(best_in_group.values())
    return year, found


def _meets(clause: Clause, facts: dict) -> tuple[bool, Decimal | None]:
    passed, _ = rules.evaluate(clause.conditions, facts)
    if passed is not True:
        return False, None
    return True, rules.amount(clause.amount_rule, facts)


# --- other apps' pages ------------------------------------------------------------------------


def enterprise_sections(user: User, enterprise: Enterprise) -> list[dict]:
    """The enterprise page's 政策兑现 section: its payments and what it may still claim
    (for `default_year`), when the user may see them."""
    payments = list(disbursement_list(user).filter(enterprise=enterprise).order_by("-year", "-pk"))
    year, open_items = entitlements(user, firm=enterprise, claims=payments)
    if not payments and not open_items:
        return []
    return [
        {
            "title": "政策兑现",
            "template": "support/_section_disbursements.html",
            "context": {"payments": payments, "entitlements": open_items, "year": year},
        }
    ]


def home_widgets(user: User) -> list[dict]:
    """A firm's user: what it was paid and what it may still claim; the bureau and liaisons:
    applications waiting for them."""
    if not user.is_authenticated:
        return []
    if user.role == Role.ENTERPRISE and user.enterprise_id and not user.is_superuser:
        paid = (
            disbursement_list(user)
            .filter(status=DisbursementStatus.PAID)
            .aggregate(total=Sum("amount"))["total"]
        )
        year, open_items = entitlements(user)
        return [
            {
                "title": "已获政策兑现",
                "value": formatting.amount(paid),
                "url": reverse("support:disbursement_list") + "?status=paid",
            },
            {
                "title": f"{year}年度可申请的政策奖励",
                "value": f"{len(open_items)}项",
                "url": reverse("support:entitlement_list"),
            },
        ]
    waiting = {
        Role.LIAISON: DisbursementStatus.APPLIED,
        Role.STAFF: DisbursementStatus.REVIEWED,
        Role.LEADER: DisbursementStatus.REVIEWED,
    }.get(user.role)
    if waiting is None:
        return []
    count = disbursement_list(user).filter(status=waiting).count()
    return [
        {
            "title": "待审核的政策兑现" if waiting == "applied" else "待批准的政策兑现",
            "value": f"{count}项",
            "url": reverse("support:disbursement_list") + f"?status={waiting}",
        }
    ]

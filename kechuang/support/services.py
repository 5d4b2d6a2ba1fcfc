"""Every write to the support app: one function per action, one transaction each, the acting
user first; each re-checks the scope of the records it links or changes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kechuang.core import clock, concurrency, workflow
from kechuang.core.choices import Role
from kechuang.core.models import Region, User
from kechuang.core.scoping import is_bureau, require_editable, require_visible
from kechuang.enterprises.models import Enterprise
from kechuang.support import rules
from kechuang.support.choices import OPEN_STATES, DisbursementStatus
from kechuang.support.facts import facts_of
from kechuang.support.models import Clause, Disbursement, Policy


def may_manage(user: User) -> bool:
    """Bureau staff and leaders: policies, entering applications for any firm, approval."""
    return user.is_authenticated and (user.is_superuser or is_bureau(user))


def may_apply(user: User) -> bool:
    """The bureau (for firms of its county) and a firm's own user (for its firm)."""
    if not user.is_authenticated:
        return False
    return may_manage(user) or (user.role == Role.ENTERPRISE and user.enterprise_id is not None)


def may_see_entitlements(user: User) -> bool:
    """政策找企业: the bureau, liaisons (their township's firms), a firm's user (its own)."""
    return user.is_authenticated and (
        user.is_superuser or is_bureau(user) or user.role in (Role.LIAISON, Role.ENTERPRISE)
    )


# --- policies --------------------------------------------------------------------------------


@transaction.atomic
def policy_load(*, actor: User, key: str) -> Policy:
    """Loads (or reloads) a policy and its clauses from its data file `data/<key>.toml`
    (bureau of the policy's region). Clauses are matched by code; none is deleted."""
    if not may_manage(actor):
        raise PermissionDenied("只有科技局可以载入政策")
    data = rules.policy_data(key)
    if data is None:
        raise ValidationError({"key": f"没有政策数据文件：{key}"})
    region = Region.objects.filter(code=data.region).first()
    if region is None:
        raise ValidationError({"key": f"政策数据文件的区域代码未知：{data.region}"})
    if not actor.is_superuser and not (actor.region and actor.region.contains(region)):
        raise PermissionDenied(f"无权载入{region}的政策")
    stored = Policy.objects.filter(key=key).first()
    policy = stored or Policy(key=key)
    if stored is not None:
        policy = concurrency.locked(Policy.objects.editable_by(actor), stored.pk)
        if policy is None:
            raise PermissionDenied("无权修改该政策")
    fields = {
        "name": data.name,
        "number": data.number,
        "issuer": data.issuer,
        "effective_from": data.effective_from,
        "effective_until": data.effective_until,
        "region": region,
        "is_example": data.example,
        "source": data.source,
    }
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    concurrency.save_changed(policy, actor=actor)
    existing = {c.code: c for c in Clause.objects.filter(policy=policy)}
    for position, item in enumerate(data.clauses):
        clause = existing.get(item.code) or Clause(policy=policy, code=item.code)
        clause.name = item.name
        clause.group = item.group
        clause.conditions = item.conditions
        clause.amount_rule = item.amount
        clause.evidence = item.evidence
        clause.budget_line = item.budget_line
        clause.is_example = item.example
        clause.position = position
        clause.full_clean()
        concurrency.save_changed(clause, actor=actor)
    return policy


# --- entitlement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """A firm against a clause for a year: whether it qualifies, the verdicts, the amount."""

    passed: bool | None
    verdicts: list
    amount: Decimal | None

    @property
    def unmet(self) -> str:
        return "；".join(v["message"] for v in self.verdicts if v["passed"] is not True)


def assess(clause: Clause, facts: dict, quantity=None) -> Assessment:
    passed, verdicts = rules.evaluate(clause.conditions, facts)
    return Assessment(passed, verdicts, rules.amount(clause.amount_rule, facts, quantity))


def _best_in_group(clause: Clause, facts: dict, quantity) -> tuple[Clause, Decimal] | None:
    """The group's clause (other than this one) the firm meets with the highest amount."""
    best = None
    for other in Clause.objects.filter(policy=clause.policy_id, group=clause.group).exclude(
        pk=clause.pk
    ):
        found = assess(other, facts, quantity if other.needs_quantity else None)
        if found.passed and found.amount is not None and (best is None or found.amount > best[1]):
            best = (other, found.amount)
    return best


def _check_claim(
    enterprise: Enterprise, clause: Clause, year: int, quantity, amount
) -> tuple[Decimal, Decimal]:
    """The checks of an application: policy in force for the year and covering the firm,
    conditions met on the firm's data, not yet claimed (clause, group), highest of its group.
    Returns (entitled, amount)."""
    policy = clause.policy
    if not policy.covers(year):
        raise ValidationError({"year": f"“{policy.name}”不适用于{year}年度"})
    if not policy.region.contains(enterprise.township):
        raise ValidationError({"enterprise": f"该企业不在“{policy.name}”的适用区域内"})
    if clause.needs_quantity and not quantity:
        raise ValidationError({"quantity": f"“{clause.name}”须填写申报数量"})
    facts = facts_of(enterprise, year)
    found = assess(clause, facts, quantity)
    if found.passed is not True:
        raise ValidationError({"clause": f"不符合“{clause.name}”的条件：{found.unmet}"})
    if found.amount is None:
        raise ValidationError({"clause": f"缺少计算“{clause.name}”金额的数据"})
    claims = Disbursement.objects.filter(enterprise=enterprise, year=year, status__in=OPEN_STATES)
    if claims.filter(clause=clause).exists():
        raise ValidationError({"clause": f"该企业{year}年度已有“{clause.name}”的兑现，不重复兑现"})
    if clause.group:
        taken = claims.filter(group_key=clause.group_key).select_related("clause").first()
        if taken is not None:
            raise ValidationError(
                {
                    "clause": f"该企业{year}年度已有同组条款“{taken.clause.name}”的兑现"
                    "（从高从优，不重复）"
                }
            )
        best = _best_in_group(clause, facts, quantity)
        if best is not None and best[1] > found.amount:
            raise ValidationError(
                {
                    "clause": f"同组条款从高从优：该企业符合“{best[0].name}”"
                    f"（{best[1]:,.2f} 元），应按该条款兑现"
                }
            )
    if amount is None:
        amount = found.amount
    if amount <= 0:
        raise ValidationError({"amount": "兑现金额须大于 0"})
    if amount > found.amount:
        raise ValidationError({"amount": f"兑现金额不能超过按条款计算的 {found.amount:,.2f} 元"})
    return found.amount, amount


@transaction.atomic
def disbursement_create(
    *,
    actor: User,
    enterprise: Enterprise,
    clause: Clause,
    year: int,
    quantity: int | None = None,
    amount: Decimal | None = None,
    applied_on: datetime.date | None = None,
    note: str = "",
) -> Disbursement:
    """An application under a clause: a firm's user for its own firm, the bureau for any firm
    it may change (entered from paper). The amount is the clause's, or less when the bureau
    enters a lower one; the firm must meet the clause on its data."""
    if not may_apply(actor):
        raise PermissionDenied("无权申请政策兑现")
    if not may_manage(actor):
        if enterprise.pk != actor.enterprise_id:
            raise PermissionDenied("企业用户只能为本企业申请")
        if amount is not None or applied_on is not None:
            raise PermissionDenied("兑现金额和申请日期由科技局核定")
    require_visible(actor, clause=clause)
    require_editable(actor, enterprise=enterprise)
    if year is None:
        raise ValidationError({"year": "请填写奖励年度"})
    applied_on = applied_on or clock.today()
    if applied_on > clock.today():
        raise ValidationError({"applied_on": "申请日期不能晚于今天"})
    entitled, amount = _check_claim(enterprise, clause, year, quantity, amount)
    record = Disbursement(
        enterprise=enterprise,
        clause=clause,
        year=year,
        quantity=quantity if clause.needs_quantity else None,
        entitled=entitled,
        amount=amount,
        applied_on=applied_on,
        status=DisbursementStatus.APPLIED,
        status_changed_on=applied_on,
        note=note,
    )
    record.full_clean()
    try:
        with transaction.atomic():
            concurrency.save_changed(record, actor=actor)
    except IntegrityError as exc:
        # A concurrent application of the same firm, clause (or group) and year won the race.
        raise ValidationError(
            {"clause": f"该企业{year}年度已有“{clause.name}”或同组条款的兑现，不重复兑现"}
        ) from exc
    return record


def disbursement_transition(
    *, actor: User, disbursement: Disbursement, target: str, comment: str = "", on=None
) -> Disbursement:
    return workflow.take(actor, disbursement, target, comment=comment, on=on)


@dataclass
class BatchResult:
    done: list
    refused: list  # (disbursement, message)


def disbursements_approve(
    *, actor: User, disbursements, comment: str = "", on: datetime.date | None = None
) -> BatchResult:
    """Approves each of a list (bureau), each through the workflow in its own transaction:
    one refused (scope, state, rules) leaves the others approved."""
    if not may_manage(actor):
        raise PermissionDenied("只有科技局可以批准兑现")
    result = BatchResult([], [])
    for record in disbursements:
        try:
            result.done.append(
                workflow.take(actor, record, DisbursementStatus.APPROVED, comment=comment, on=on)
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            result.refused.append((record, "；".join(messages)))
    return result

"""Every write to the loans app: one function per action, one transaction each, the acting
user first; each re-checks the scope of the records it links or changes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock, concurrency, workflow
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region, is_bureau, require_visible
from kechuang.loans.choices import LoanStatus
from kechuang.loans.models import LoanRecommendation

LOAN_FIELDS = (
    "enterprise",
    "bank",
    "amount_recommended",
    "amount_granted",
    "recommended_on",
    "note",
)


def may_register(user: User) -> bool:
    """Bureau staff and leaders, and liaisons (their township's firms)."""
    return user.is_authenticated and (
        user.is_superuser or is_bureau(user) or user.role == Role.LIAISON
    )


def _check_links(actor: User, loan: LoanRecommendation) -> None:
    """The firm must be visible and its township writable by the actor."""
    require_visible(actor, enterprise=loan.enterprise)
    if not actor.is_superuser and not can_write_region(actor, loan.region):
        raise PermissionDenied(f"无权登记{loan.region}企业的科技贷款推荐")


def _check_dates(loan: LoanRecommendation) -> None:
    if loan.recommended_on and loan.recommended_on > clock.today():
        raise ValidationError({"recommended_on": "推荐日期不能晚于今天"})
    if loan.granted_on and loan.recommended_on and loan.granted_on < loan.recommended_on:
        raise ValidationError({"recommended_on": "推荐日期不能晚于授信日期"})


@transaction.atomic
def loan_create(*, actor: User, **fields) -> LoanRecommendation:
    """Records a recommendation (bureau, or a liaison for its township's firms)."""
    if not may_register(actor):
        raise PermissionDenied("无权登记科技贷款推荐")
    unknown = set(fields) - set(LOAN_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "该项不能填写"})
    loan = LoanRecommendation(**fields)
    if loan.recommended_on is None:
        loan.recommended_on = clock.today()
    loan.status = LoanStatus.RECOMMENDED
    loan.status_changed_on = loan.recommended_on
    loan.full_clean()
    _check_links(actor, loan)
    _check_dates(loan)
    concurrency.save_changed(loan, actor=actor)
    return loan


@transaction.atomic
def loan_update(*, actor: User, loan: LoanRecommendation, **fields) -> LoanRecommendation:
    """Changes a recommendation the actor may edit (its status moves by the workflow)."""
    if not may_register(actor):
        raise PermissionDenied("无权修改科技贷款推荐")
    record = concurrency.locked(LoanRecommendation.objects.editable_by(actor), loan.pk)
    if record is None:
        raise PermissionDenied("无权修改该科技贷款推荐")
    for name, value in fields.items():
        if name not in LOAN_FIELDS:
            raise ValidationError({name: "该项不能修改"})
        setattr(record, name, value)
    record.full_clean()
    _check_links(actor, record)
    _check_dates(record)
    concurrency.save_changed(record, actor=actor)
    return record


def loan_transition(
    *, actor: User, loan: LoanRecommendation, target: str, comment: str = "", on=None
) -> LoanRecommendation:
    return workflow.take(actor, loan, target, comment=comment, on=on)

"""Every write to the platforms: one function per action, one transaction each."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import concurrency, workflow
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region, is_bureau, require_visible
from kechuang.platforms import sheets
from kechuang.platforms.choices import Grade, PlatformStatus
from kechuang.platforms.models import Platform, PlatformEvaluation

# What the bureau and liaisons edit; a host firm's user edits only its application data.
EDITABLE_FIELDS = (
    "name",
    "type",
    "level",
    "host_enterprise",
    "host_institution",
    "field",
    "recognition_number",
    "rnd_staff",
    "rnd_staff_qualified",
    "plan",
    "note",
)
HOST_FIELDS = ("field", "rnd_staff", "rnd_staff_qualified", "plan", "note")
# A platform is evaluated while it is being built or holds its title.
EVALUATED_STATES = (PlatformStatus.PREPARING, PlatformStatus.APPLIED, PlatformStatus.RECOGNISED)


def may_register(user: User) -> bool:
    """Bureau staff and leaders, liaisons (their township's firms), a firm's own user."""
    return user.is_authenticated and (
        user.is_superuser
        or is_bureau(user)
        or user.role == Role.LIAISON
        or (user.role == Role.ENTERPRISE and user.enterprise_id is not None)
    )


def may_evaluate(user: User) -> bool:
    return is_bureau(user)


def _fields_for(actor: User) -> tuple[str, ...]:
    if actor.is_superuser or is_bureau(actor) or actor.role == Role.LIAISON:
        return EDITABLE_FIELDS
    return HOST_FIELDS


def _check_holder(actor: User, platform: Platform) -> None:
    """Refuses a platform the actor could not change once saved (another firm's, another
    township's)."""
    require_visible(
        actor, host_enterprise=platform.host_enterprise, host_institution=platform.host_institution
    )
    if actor.is_superuser:
        return
    if actor.role == Role.ENTERPRISE:
        if (
            platform.host_enterprise_id is None
            or platform.host_enterprise_id != actor.enterprise_id
        ):
            raise PermissionDenied("企业用户只能登记本企业的平台")
    elif not can_write_region(actor, platform.region):
        raise PermissionDenied(f"无权登记{platform.region}的平台")


@transaction.atomic
def platform_create(*, actor: User, **fields) -> Platform:
    """Registers a platform (planned) for a host the actor may use."""
    if not may_register(actor):
        raise PermissionDenied("无权登记科创平台")
    allowed = (
        EDITABLE_FIELDS
        if _fields_for(actor) == EDITABLE_FIELDS
        else (*HOST_FIELDS, "name", "type", "level", "host_enterprise")
    )
    platform = Platform(**{k: v for k, v in fields.items() if k in allowed})
    if actor.role == Role.ENTERPRISE and not actor.is_superuser:
        platform.host_enterprise_id = actor.enterprise_id
        platform.host_institution = None
    platform.status = PlatformStatus.PLANNED
    platform.full_clean()
    _check_holder(actor, platform)
    platform._history_user = actor
    platform.save()
    return platform


@transaction.atomic
def platform_update(*, actor: User, platform: Platform, **fields) -> Platform:
    """Changes a platform the actor may edit; the row is re-read under lock and only the
    changed columns are written. A host firm's user changes only the application data."""
    record = concurrency.locked(Platform.objects.editable_by(actor), platform.pk)
    if record is None:
        raise PermissionDenied("无权修改该平台")
    allowed = _fields_for(actor)
    refused = [name for name in fields if name not in allowed and name in EDITABLE_FIELDS]
    if refused:
        label = Platform._meta.get_field(refused[0]).verbose_name
        raise PermissionDenied(f"无权修改{label}")
    for name, value in fields.items():
        if name in allowed:
            setattr(record, name, value)
    record.full_clean()
    _check_holder(actor, record)
    concurrency.save_changed(record, actor=actor)
    return record


def platform_transition(
    *, actor: User, platform: Platform, target: str, comment: str = "", on=None
) -> Platform:
    """Moves the platform along its workflow (see choices.PLATFORM_WORKFLOW)."""
    return workflow.take(actor, platform, target, comment=comment, on=on)


@transaction.atomic
def evaluation_save(
    *,
    actor: User,
    platform: Platform,
    year: int,
    sheet: str,
    scores: dict,
    evaluated_on: datetime.date,
    evaluator: str = "",
    note: str = "",
    evaluation: PlatformEvaluation | None = None,
) -> PlatformEvaluation:
    """Records (or corrects) a year's evaluation of a platform on a score sheet: the total
    and the grade come from the sheet. A grade that costs the title (不合格) revokes a
    recognised platform through its workflow, in the same transaction."""
    if not may_evaluate(actor):
        raise PermissionDenied("只有科技局工作人员可以录入平台评价")
    stored = concurrency.locked(Platform.objects.editable_by(actor), platform.pk)
    if stored is None:
        raise PermissionDenied("无权评价该平台")
    if stored.status not in EVALUATED_STATES:
        raise ValidationError(
            {"platform": f"“{stored.get_status_display()}”的平台不能录入年度评价"}
        )
    try:
        score_sheet = sheets.load_sheet(sheet)
    except ValueError as exc:
        raise ValidationError({"sheet": str(exc)}) from exc
    if stored.type not in score_sheet.types:
        raise ValidationError(
            {"sheet": f"评分表“{score_sheet.title}”不适用于{stored.get_type_display()}"}
        )
    read, total, band = sheets.score(score_sheet, scores)
    if evaluation is not None:
        record = concurrency.locked(
            PlatformEvaluation.objects.filter(platform=stored), evaluation.pk
        )
        if record is None:
            raise PermissionDenied("无权修改该评价")
    else:
        record = PlatformEvaluation(platform=stored)
    record.year = year
    record.sheet = sheet
    record.scores = {k: str(v) for k, v in read.items()}
    record.total = total
    record.grade = band.grade
    record.evaluated_on = evaluated_on
    record.evaluator = evaluator
    record.note = note
    record.full_clean()
    concurrency.save_changed(record, actor=actor)
    if band.revokes and stored.status == PlatformStatus.RECOGNISED:
        stored.revoked_on = evaluated_on
        workflow.follow(
            actor,
            stored,
            PlatformStatus.REVOKED,
            comment=f"{year}年度评价{Grade(band.grade).label}（{total}分）",
            on=evaluated_on,
        )
    return record

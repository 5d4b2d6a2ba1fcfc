"""Every write to the commissioners: one function per action, one transaction each."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.commissioners import engine
from kechuang.commissioners.choices import DEFAULT_MODEL
from kechuang.commissioners.models import Assignment, Commissioner, Evaluation, ServiceLog
from kechuang.core import concurrency
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.core.scoping import is_bureau, require_editable, require_visible

LOG_FIELDS = ("served_on", "township", "place", "enterprise", "cooperative", "content")


def may_manage(user: User) -> bool:
    """Who registers commissioners, assigns and evaluates them: the county's bureau."""
    return is_bureau(user)


def may_log(user: User) -> bool:
    """Who enters service logs: a commissioner with its record, liaisons and the bureau."""
    if not user.is_authenticated:
        return False
    if user.role == Role.COMMISSIONER:
        return Commissioner.objects.filter(user=user).exists()
    return is_bureau(user) or user.role == Role.LIAISON


def _save(actor: User, record) -> None:
    record.full_clean()
    record._history_user = actor
    record.save()


def _check_account(actor: User, account: User | None) -> None:
    """The linked account: a commissioner user the actor can see (the user's own region)."""
    if account is None:
        return
    if not User.objects.visible_to(actor).filter(pk=account.pk).exists():
        raise ValidationError({"user": "登录账号不存在或无权查看"})
    if account.role != Role.COMMISSIONER:
        raise ValidationError({"user": "登录账号须为科技特派员角色"})


@transaction.atomic
def commissioner_create(actor: User, **fields) -> Commissioner:
    if not may_manage(actor):
        raise PermissionDenied("无权登记科技特派员")
    require_editable(actor, region=fields.get("region"))
    _check_account(actor, fields.get("user"))
    if not fields.get("service_model") and fields.get("kind"):
        fields["service_model"] = DEFAULT_MODEL[fields["kind"]]
    commissioner = Commissioner(**fields)
    _save(actor, commissioner)
    return commissioner


@transaction.atomic
def commissioner_update(actor: User, commissioner: Commissioner, **changes) -> Commissioner:
    require_editable(actor, commissioner=commissioner)
    require_editable(actor, region=changes.get("region"))
    _check_account(actor, changes.get("user"))
    commissioner = concurrency.locked(Commissioner.objects.all(), commissioner.pk)
    for name, value in changes.items():
        setattr(commissioner, name, value)
    commissioner.full_clean()
    concurrency.save_changed(commissioner, actor=actor)
    return commissioner


@transaction.atomic
def assignment_create(actor: User, *, commissioner: Commissioner, **fields) -> Assignment:
    if not may_manage(actor):
        raise PermissionDenied("无权派驻科技特派员")
    require_editable(actor, commissioner=commissioner, township=fields.get("township"))
    assignment = Assignment(commissioner=commissioner, **fields)
    _save(actor, assignment)
    return assignment


def _check_log(actor: User, log: ServiceLog) -> None:
    """Refuses a log the actor could not change once saved: another commissioner's, another
    township's; and any linked record the actor cannot see."""
    require_visible(actor, commissioner=log.commissioner, enterprise=log.enterprise)
    require_visible(actor, township=log.township)
    if actor.is_superuser:
        return
    if actor.role == Role.COMMISSIONER:
        if log.commissioner.user_id != actor.pk:
            raise ValidationError({"commissioner": "只能登记本人的服务日志"})
    elif not (is_bureau(actor) or actor.role == Role.LIAISON):
        raise PermissionDenied("无权登记服务日志")
    elif actor.region is None or not actor.region.contains(log.township):
        raise ValidationError({"township": "只能登记本辖区乡镇的服务日志"})


@transaction.atomic
def log_create(actor: User, *, commissioner: Commissioner, photo=None, **fields) -> ServiceLog:
    """Records a service; `photo`, if given, is attached as 现场照片 in the same transaction."""
    log = ServiceLog(commissioner=commissioner, **fields)
    _check_log(actor, log)
    _save(actor, log)
    if photo is not None:
        from kechuang.core.attachments import attach

        attach(actor=actor, record=log, upload=photo, kind="现场照片")
    return log


@transaction.atomic
def log_update(actor: User, log: ServiceLog, **changes) -> ServiceLog:
    require_editable(actor, log=log)
    log = concurrency.locked(ServiceLog.objects.all(), log.pk)
    for name, value in changes.items():
        if name not in LOG_FIELDS:
            raise ValidationError({name: "该项不能修改"})
        setattr(log, name, value)
    _check_log(actor, log)
    log.full_clean()
    concurrency.save_changed(log, actor=actor)
    return log


@transaction.atomic
def evaluation_save(
    actor: User, *, commissioner: Commissioner, year: int, sheet: str, scores: dict, **fields
) -> Evaluation:
    """Records (or replaces) a year's evaluation; the total and grade come from the sheet."""
    if not may_manage(actor):
        raise PermissionDenied("无权考核科技特派员")
    require_editable(actor, commissioner=commissioner)
    try:
        loaded = engine.load_sheet(sheet)
    except ValueError as exc:
        raise ValidationError({"sheet": str(exc)}) from exc
    clean, total, grade = engine.score(loaded, scores)
    evaluation = (
        Evaluation.objects.select_for_update().filter(commissioner=commissioner, year=year).first()
    ) or Evaluation(commissioner=commissioner, year=year)
    evaluation.sheet, evaluation.scores, evaluation.total, evaluation.grade = (
        sheet,
        clean,
        total,
        grade,
    )
    for name, value in fields.items():
        setattr(evaluation, name, value)
    _save(actor, evaluation)
    return evaluation

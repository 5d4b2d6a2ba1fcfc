"""Every write to the commissioners: one function per action, one transaction each."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.commissioners import engine
from kechuang.commissioners.choices import DEFAULT_MODEL, RequesterKind, RequestStatus
from kechuang.commissioners.models import (
    Assignment,
    Commissioner,
    Evaluation,
    ServiceLog,
    ServiceRequest,
)
from kechuang.core import clock, concurrency, workflow
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
def log_create(
    actor: User,
    *,
    commissioner: Commissioner,
    photo=None,
    service_request: ServiceRequest | None = None,
    **fields,
) -> ServiceLog:
    """Records a service; `photo`, if given, is attached as 现场照片 in the same transaction.
    `service_request`: the assigned request this service answers; it links the log and
    follows to 已服务."""
    log = ServiceLog(commissioner=commissioner, **fields)
    _check_log(actor, log)
    request = _request_served_by(actor, service_request, commissioner)
    _save(actor, log)
    if photo is not None:
        from kechuang.core.attachments import attach

        attach(actor=actor, record=log, upload=photo, kind="现场照片")
    if request is not None:
        request.service_log = log
        request.served_on = log.served_on
        workflow.follow(
            actor,
            request,
            RequestStatus.SERVED,
            comment=f"登记服务日志（{log.served_on:%Y-%m-%d} {log.place}）",
            on=log.served_on,
        )
    return log


def _request_served_by(
    actor: User, request: ServiceRequest | None, commissioner: Commissioner
) -> ServiceRequest | None:
    """The request a new log serves, locked: one the actor may change, assigned to the
    log's commissioner and not yet served."""
    if request is None:
        return None
    require_editable(actor, service_request=request)
    locked = concurrency.locked(ServiceRequest.objects.all(), request.pk)
    if locked.status != RequestStatus.ASSIGNED:
        raise ValidationError({"service_request": "只有已分派的服务需求可以登记服务"})
    if locked.commissioner_id != commissioner.pk:
        raise ValidationError({"service_request": "该服务需求分派给了其他特派员"})
    return locked


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


# --- service requests -------------------------------------------------------------------

REQUEST_FIELDS = (
    "requester_kind",
    "enterprise",
    "requester",
    "township",
    "title",
    "content",
    "fields",
    "contact",
    "phone",
)


def may_request(user: User) -> bool:
    """Who enters service requests: a firm (its own), liaisons (their township) and the
    bureau (its county)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ENTERPRISE:
        return user.enterprise_id is not None
    return is_bureau(user) or user.role == Role.LIAISON


def may_dispatch(user: User) -> bool:
    """Who assigns requests to commissioners: the bureau and the township liaisons."""
    return user.is_authenticated and (is_bureau(user) or user.role == Role.LIAISON)


@transaction.atomic
def request_create(actor: User, *, submitted_on=None, **fields) -> ServiceRequest:
    """A new request, 已提交. A firm's user enters its own firm's (in the firm's township),
    dated today; a liaison those of its township; the bureau any of its county; these two
    may date a request received earlier (`submitted_on`, not after today)."""
    if not may_request(actor):
        raise PermissionDenied("无权登记服务需求")
    today = clock.today()
    if submitted_on is None or actor.role == Role.ENTERPRISE:
        submitted_on = today
    elif submitted_on > today:
        raise ValidationError({"submitted_on": "提出日期不能晚于今天"})
    fields = {k: v for k, v in fields.items() if k in REQUEST_FIELDS}
    if actor.role == Role.ENTERPRISE:
        fields["requester_kind"] = RequesterKind.ENTERPRISE
        fields["enterprise"] = actor.enterprise
    enterprise = fields.get("enterprise")
    if fields.get("requester_kind") == RequesterKind.ENTERPRISE and enterprise is not None:
        fields["township"] = enterprise.township
        fields["requester"] = ""
    request = ServiceRequest(**fields, status=RequestStatus.SUBMITTED, submitted_on=submitted_on)
    if enterprise is not None:
        require_visible(actor, enterprise=enterprise)
    township = fields.get("township")
    if township is not None and actor.role != Role.ENTERPRISE:  # a firm's: its own township
        require_visible(actor, township=township)
        outside = actor.region is None or not actor.region.contains(township)
        if not actor.is_superuser and outside:
            raise ValidationError({"township": "只能登记本辖区乡镇的服务需求"})
    _save(actor, request)
    return request


@transaction.atomic
def request_assign(
    actor: User,
    request: ServiceRequest,
    commissioner: Commissioner,
    comment: str = "",
    on=None,
) -> ServiceRequest:
    """Assigns a submitted request to a commissioner the actor can see (the bureau, the
    township's liaison): sets the commissioner, then takes the 分派 move."""
    require_editable(actor, service_request=request)
    require_visible(actor, commissioner=commissioner)
    if not may_dispatch(actor):
        raise PermissionDenied("无权分派服务需求")
    if not commissioner.region.contains(request.township):
        raise ValidationError({"commissioner": "请选择本县的科技特派员"})
    stored = concurrency.locked(ServiceRequest.objects.editable_by(actor), request.pk)
    if stored.status != RequestStatus.SUBMITTED:
        raise ValidationError({"status": f"需求状态为“{stored.get_status_display()}”，不能分派"})
    stored.commissioner = commissioner
    concurrency.save_changed(stored, actor=actor)
    note = f"分派给{commissioner.name}" + (f"：{comment}" if comment else "")
    return workflow.take(actor, stored, RequestStatus.ASSIGNED, comment=note, on=on)


def request_returned(actor: User, request: ServiceRequest, move) -> None:
    """Hook of 退回重新分派: the request no longer belongs to the commissioner."""
    request.commissioner = None
    concurrency.save_changed(request, actor=actor)


def request_transition(actor: User, request: ServiceRequest, target: str, **kwargs):
    return workflow.take(actor, request, target, **kwargs)

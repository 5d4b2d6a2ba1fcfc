"""Every write to programs, calls, projects, milestones and outputs: one function per
business action, one transaction each, the acting user first. Other apps (the 揭榜挂帅
board) create projects through `project_create_from`; they never write these tables."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock, concurrency, workflow
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region, is_bureau, require_editable, require_visible
from kechuang.projects.choices import ProjectStatus
from kechuang.projects.models import Call, Milestone, Output, Program, Project

PROGRAM_FIELDS = ("name", "kind", "level", "issuer", "region", "funding_rule", "description")
CALL_FIELDS = ("program", "year", "title", "opens_on", "closes_on", "note")
# What the applicant writes while drafting; the bureau may correct them at any stage.
PROJECT_FIELDS = (
    "code",
    "title",
    "call",
    "partner_institution",
    "partners",
    "government_funds",
    "own_funds",
    "description",
    "transfer_demand",
    "transfer_contract",
)
# Links another app owns, read-only here: the actor must be able to see them.
_VISIBLE_LINKS = ("program", "call", "partner_institution", "transfer_demand", "transfer_contract")
APPLICANT_STATES = (ProjectStatus.COLLECTED, ProjectStatus.DRAFTED)


def may_manage_programs(user: User) -> bool:
    return is_bureau(user)


def may_create_project(user: User) -> bool:
    """Bureau staff and liaisons (for their area's firms), firm and institute users (their
    own); the service re-checks the lead it is given."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or is_bureau(user) or user.role == Role.LIAISON:
        return True
    if user.role == Role.ENTERPRISE:
        return user.enterprise_id is not None
    if user.role == Role.INSTITUTE:
        return user.institution_id is not None
    return False


# --- programs and calls ----------------------------------------------------------------------


@transaction.atomic
def program_save(*, actor: User, program: Program | None = None, **fields) -> Program:
    """Creates or changes a program kept by a region the actor's bureau may write in."""
    if not may_manage_programs(actor):
        raise PermissionDenied("只有局领导和科室工作人员可以管理科技计划")
    if program is None:
        record = Program()
    else:
        record = concurrency.locked(Program.objects.editable_by(actor), program.pk)
        if record is None:
            raise PermissionDenied("无权修改该科技计划")
    for name, value in fields.items():
        if name in PROGRAM_FIELDS:
            setattr(record, name, value)
    record.full_clean()
    if not can_write_region(actor, record.region):
        raise PermissionDenied(f"无权在{record.region}登记科技计划")
    concurrency.save_changed(record, actor=actor)
    return record


@transaction.atomic
def call_save(*, actor: User, call: Call | None = None, **fields) -> Call:
    """Creates or changes a call of a program the actor may change."""
    if not may_manage_programs(actor):
        raise PermissionDenied("只有局领导和科室工作人员可以管理申报批次")
    if call is None:
        record = Call()
    else:
        record = concurrency.locked(Call.objects.editable_by(actor), call.pk)
        if record is None:
            raise PermissionDenied("无权修改该申报批次")
    for name, value in fields.items():
        if name in CALL_FIELDS:
            setattr(record, name, value)
    require_editable(actor, program=record.program if record.program_id else None)
    record.full_clean()
    concurrency.save_changed(record, actor=actor)
    return record


# --- projects --------------------------------------------------------------------------------


def _check_links(actor: User, fields: dict) -> None:
    require_visible(actor, **{k: fields.get(k) for k in _VISIBLE_LINKS if fields.get(k)})


def _check_call_open(call: Call | None, day: datetime.date, field: str = "call") -> None:
    if call is not None and (refusal := call.refusal(day)):
        raise ValidationError({field: refusal})


def _receipt_day(actor: User, on: datetime.date | None) -> datetime.date:
    """The day an application reaches the call: today, or for the bureau recording a paper
    application the day it was received (`on`, never later than today)."""
    today = clock.today()
    if on is not None and is_bureau(actor):
        if on > today:
            raise ValidationError({"on": "日期不能晚于今天"})
        return on
    return today


def _check_funding(project: Project) -> None:
    check = project.funding_check()
    if check is not None and not check.ok:
        raise ValidationError({"own_funds": check.message})


@transaction.atomic
def project_create(
    *,
    actor: User,
    program: Program,
    title: str,
    lead_enterprise=None,
    lead_institution=None,
    call: Call | None = None,
    year: int | None = None,
    milestones: Iterable = (),
    on: datetime.date | None = None,
    **fields,
) -> Project:
    """Collects a demand or opens an application (status 需求已征集) under a program, led by
    a firm and/or an institute the actor may change. With a call, the call must be open
    today (the bureau recording a paper application: on the day `on` it was received); a
    closed call accepts nothing."""
    if not may_create_project(actor):
        raise PermissionDenied("无权登记科技项目")
    day = _receipt_day(actor, on)
    project = _new_project(
        actor, program, title, lead_enterprise, lead_institution, call, year, day, fields
    )
    _check_call_open(call, day)
    _save_new(actor, project, milestones)
    return project


@transaction.atomic
def project_create_from(
    *,
    actor: User,
    title: str,
    lead_enterprise,
    government_funds: Decimal,
    own_funds: Decimal,
    call: Call | None = None,
    program: Program | None = None,
    partner_institution=None,
    milestones: Iterable = (),
    reason: str = "",
    on: datetime.date | None = None,
    **fields,
) -> Project:
    """A project decided elsewhere (a 揭榜挂帅 bid the bureau selected), created approved
    (已立项) with its milestones, for another app's service to call in its own transaction.

    `milestones`: (title, due_on) pairs or {"title", "due_on"} dicts. The call need not be
    open any more (the selection follows its close); the program's funding rule must hold.
    The approval is logged as an automatic move with `reason`."""
    if not is_bureau(actor):
        raise PermissionDenied("只有局领导和科室工作人员可以将揭榜项目立项")
    if program is None and call is None:
        raise ValidationError({"call": "须指定申报批次或科技计划"})
    program = program or call.program
    fields.update(
        partner_institution=partner_institution,
        government_funds=government_funds,
        own_funds=own_funds,
    )
    day = _receipt_day(actor, on)
    project = _new_project(actor, program, title, lead_enterprise, None, call, None, day, fields)
    _check_funding(project)
    _save_new(actor, project, milestones)
    project.decided_on = day
    workflow.follow(
        actor, project, ProjectStatus.APPROVED, comment=reason or "揭榜挂帅择优立项", on=day
    )
    return project


def _new_project(actor, program, title, lead_enterprise, lead_institution, call, year, on, fields):
    links = {"program": program, "call": call, **fields}
    _check_links(actor, links)
    require_editable(actor, lead_enterprise=lead_enterprise, lead_institution=lead_institution)
    region = None
    if lead_enterprise is not None:
        region = lead_enterprise.township
    elif lead_institution is not None:
        region = lead_institution.region
    project = Project(
        program=program,
        call=call,
        title=title,
        lead_enterprise=lead_enterprise,
        lead_institution=lead_institution,
        region=region,
        year=year or (call.year if call else (on or clock.today()).year),
        collected_on=on or clock.today(),
        **{k: v for k, v in fields.items() if k in PROJECT_FIELDS},
    )
    # Without a lead there is no region: the lead's error says what is missing.
    project.full_clean(exclude=["region"] if region is None else None)
    return project


def _save_new(actor: User, project: Project, milestones: Iterable) -> None:
    concurrency.save_changed(project, actor=actor)
    for row in milestones:
        title, due_on = (row["title"], row["due_on"]) if isinstance(row, dict) else row
        _milestone_write(actor, Milestone(project=project, title=title, due_on=due_on))


@transaction.atomic
def project_update(*, actor: User, project: Project, **fields) -> Project:
    """Changes a project the actor may change: its applicant while it is being collected or
    drafted, the bureau at any stage. A new call must be open today."""
    record = concurrency.locked(Project.objects.editable_by(actor), project.pk)
    if record is None:
        raise PermissionDenied("无权修改该项目")
    if not is_bureau(actor) and record.status not in APPLICANT_STATES:
        raise PermissionDenied(f"项目已{record.get_status_display()}，只能由科技局修改")
    changes = {k: v for k, v in fields.items() if k in PROJECT_FIELDS}
    _check_links(actor, changes)
    new_call = "call" in changes and changes["call"] != record.call
    for name, value in changes.items():
        setattr(record, name, value)
    if new_call:
        _check_call_open(record.call, clock.today())
    record.full_clean()
    concurrency.save_changed(record, actor=actor)
    return record


def project_transition(
    *, actor: User, project: Project, status: str, comment: str = "", on=None
) -> Project:
    """Moves a project along its workflow (choices.PROJECT_WORKFLOW)."""
    return workflow.take(actor, project, status, comment=comment, on=on)


def project_submitted(actor: User, project: Project, move) -> None:
    """Workflow hook of 提交申报: the call must be open today (for the bureau recording a
    paper submission: on the date of the move) and the funds must meet the program's rule
    (own share by county class)."""
    if project.call_id is None:
        raise ValidationError({"call": "提交前须选择申报批次"})
    _check_call_open(project.call, _receipt_day(actor, project.submitted_on))
    _check_funding(project)


def project_accepted(actor: User, project: Project, move) -> None:
    """Workflow hook of 验收通过: the outputs are reported first."""
    if not project.outputs.exists():
        raise ValidationError({"outputs": "验收前须登记项目成果（专利、新产品、营业收入等）"})


# --- milestones and outputs ------------------------------------------------------------------


def _editable_project(actor: User, project: Project) -> Project:
    record = concurrency.locked(Project.objects.editable_by(actor), project.pk)
    if record is None:
        raise PermissionDenied("无权修改该项目")
    return record


def _milestone_write(actor: User, milestone: Milestone) -> Milestone:
    milestone.full_clean()
    concurrency.save_changed(milestone, actor=actor)
    return milestone


@transaction.atomic
def milestone_save(
    *,
    actor: User,
    project: Project,
    title: str,
    due_on: datetime.date,
    milestone: Milestone | None = None,
    note: str = "",
) -> Milestone:
    """Adds a milestone to a project the actor may change, or changes one of its own."""
    record = _editable_project(actor, project)
    if milestone is None:
        milestone = Milestone(project=record)
    elif milestone.project_id != record.pk:
        raise ValidationError({"milestone": "该节点不属于此项目"})
    milestone.title, milestone.due_on, milestone.note = title, due_on, note
    return _milestone_write(actor, milestone)


@transaction.atomic
def milestone_done(
    *, actor: User, milestone: Milestone, on: datetime.date | None = None
) -> Milestone:
    """Marks a milestone done on a date (today by default), not in the future."""
    record = concurrency.locked(Milestone.objects.editable_by(actor), milestone.pk)
    if record is None:
        raise PermissionDenied("无权修改该项目节点")
    day = on or clock.today()
    if day > clock.today():
        raise ValidationError({"done_on": "完成日期不能晚于今天"})
    record.done_on = day
    return _milestone_write(actor, record)


@transaction.atomic
def output_save(
    *,
    actor: User,
    project: Project,
    kind: str,
    count: int | None = None,
    amount: Decimal | None = None,
    description: str = "",
) -> Output:
    """Reports an output of a project the actor may change."""
    record = _editable_project(actor, project)
    output = Output(project=record, kind=kind, count=count, amount=amount, description=description)
    output.full_clean()
    concurrency.save_changed(output, actor=actor)
    return output

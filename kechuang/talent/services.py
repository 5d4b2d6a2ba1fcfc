"""Every write to the talent app: one function per action, one transaction each, the acting
user first; each re-checks the scope of the records it links or changes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from kechuang.core import clock, concurrency, workflow
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region, is_bureau, require_visible
from kechuang.talent.choices import FUNDED_STAGES, Stage
from kechuang.talent.models import TalentPayment, TalentProgram, TalentProject

PROGRAM_FIELDS = ("name", "issuer", "rules", "note")
# What liaisons record; the bureau also sets the funding and the evaluation result.
FIELD_FIELDS = (
    "program",
    "talent_class",
    "kind",
    "applicant_kind",
    "applicant",
    "title",
    "host_enterprise",
    "contacted_on",
    "investment",
    "note",
)
BUREAU_FIELDS = (*FIELD_FIELDS, "funding_committed", "evaluation_result")


def may_register(user: User) -> bool:
    """Bureau staff and leaders, and liaisons (their township's firms)."""
    return user.is_authenticated and (
        user.is_superuser or is_bureau(user) or user.role == Role.LIAISON
    )


def may_manage(user: User) -> bool:
    """Bureau staff and leaders: programs, funding, payments."""
    return user.is_authenticated and (user.is_superuser or is_bureau(user))


def fields_for(user: User) -> tuple[str, ...]:
    return BUREAU_FIELDS if may_manage(user) else FIELD_FIELDS


# --- programs --------------------------------------------------------------------------------


@transaction.atomic
def program_save(*, actor: User, program: TalentProgram | None = None, **fields) -> TalentProgram:
    """Registers (for the actor's region, or a `region` the actor may write) or changes a
    program (bureau only)."""
    if not may_manage(actor):
        raise PermissionDenied("只有科技局可以登记人才计划")
    if program is None:
        region = fields.get("region") or actor.region
        if region is not None and not actor.is_superuser and not can_write_region(actor, region):
            raise PermissionDenied(f"无权登记{region}的人才计划")
        record = TalentProgram(region=region)
    else:
        record = concurrency.locked(TalentProgram.objects.editable_by(actor), program.pk)
        if record is None:
            raise PermissionDenied("无权修改该人才计划")
    for name in PROGRAM_FIELDS:
        if name in fields:
            setattr(record, name, fields[name])
    if record.region_id is None:
        raise ValidationError({"name": "操作人没有所属区域，不能登记人才计划"})
    record.full_clean()
    concurrency.save_changed(record, actor=actor)
    return record


# --- projects --------------------------------------------------------------------------------


def _check_links(actor: User, project: TalentProject) -> None:
    """The program and the host firm must be visible; the host's township writable."""
    require_visible(actor, program=project.program, host_enterprise=project.host_enterprise)
    if not actor.is_superuser and not can_write_region(actor, project.region):
        raise PermissionDenied(f"无权登记{project.region}的人才项目")


@transaction.atomic
def project_create(*, actor: User, **fields) -> TalentProject:
    """Registers a project at contact (bureau, or a liaison for its township's firms)."""
    if not may_register(actor):
        raise PermissionDenied("无权登记人才项目")
    allowed = fields_for(actor)
    refused = [name for name in fields if name in BUREAU_FIELDS and name not in allowed]
    if refused and fields.get(refused[0]) not in (None, ""):
        label = TalentProject._meta.get_field(refused[0]).verbose_name
        raise PermissionDenied(f"无权填写{label}")
    project = TalentProject(**{k: v for k, v in fields.items() if k in allowed})
    if project.contacted_on is None:
        project.contacted_on = clock.today()
    project.status = Stage.CONTACT
    project.status_changed_on = project.contacted_on
    project.full_clean()
    _check_links(actor, project)
    concurrency.save_changed(project, actor=actor)
    return project


@transaction.atomic
def project_update(*, actor: User, project: TalentProject, **fields) -> TalentProject:
    """Changes a project the actor may edit; funding and the evaluation result are the
    bureau's. The committed funding may not fall below what has been paid."""
    if not may_register(actor):
        raise PermissionDenied("无权修改人才项目")
    record = concurrency.locked(TalentProject.objects.editable_by(actor), project.pk)
    if record is None:
        raise PermissionDenied("无权修改该人才项目")
    allowed = fields_for(actor)
    refused = [name for name in fields if name in BUREAU_FIELDS and name not in allowed]
    if refused:
        label = TalentProject._meta.get_field(refused[0]).verbose_name
        raise PermissionDenied(f"无权修改{label}")
    for name, value in fields.items():
        if name in allowed:
            setattr(record, name, value)
    record.full_clean()
    _check_links(actor, record)
    paid = paid_total(record)
    if paid and (record.funding_committed or 0) < paid:
        raise ValidationError({"funding_committed": f"承诺资助不能少于已拨付的 {paid:,.2f} 元"})
    concurrency.save_changed(record, actor=actor)
    return record


def project_transition(
    *, actor: User, project: TalentProject, target: str, comment: str = "", on=None
) -> TalentProject:
    return workflow.take(actor, project, target, comment=comment, on=on)


# --- payments --------------------------------------------------------------------------------


def paid_total(project: TalentProject, stage: int | None = None) -> Decimal:
    payments = TalentPayment.objects.filter(project=project)
    if stage is not None:
        payments = payments.filter(stage=stage)
    return payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def stage_plan(project: TalentProject) -> list[dict]:
    """Each stage: label, share, due amount (share × committed), paid, open."""
    rules = project.rules
    if rules is None or project.funding_committed is None:
        return []
    paid = dict(
        TalentPayment.objects.filter(project=project)
        .values_list("stage")
        .annotate(total=Sum("amount"))
        .values_list("stage", "total")
    )
    plan = []
    for stage, due in zip(
        rules.stages, rules.stage_amounts(project.funding_committed), strict=True
    ):
        done = paid.get(stage.number) or Decimal(0)
        plan.append(
            {
                "number": stage.number,
                "label": stage.label,
                "share": stage.share,
                "percent": stage.percent,
                "due": due,
                "paid": done,
                "open": due - done,
            }
        )
    return plan


@transaction.atomic
def payment_record(
    *,
    actor: User,
    project: TalentProject,
    stage: int,
    amount: Decimal,
    paid_on: datetime.date,
    note: str = "",
) -> TalentPayment:
    """Records a payment of a stage (bureau only). Refused: a project not signed (or later),
    without committed funding, a stage before the previous ones are paid in full, and more
    than the stage's share of the committed funding."""
    if not may_manage(actor):
        raise PermissionDenied("只有科技局可以登记资助拨付")
    record = concurrency.locked(TalentProject.objects.editable_by(actor), project.pk)
    if record is None:
        raise PermissionDenied("无权登记该人才项目的拨付")
    if record.status not in FUNDED_STAGES:
        raise ValidationError({"stage": "项目签约后才能拨付资助"})
    if record.funding_committed is None:
        raise ValidationError({"amount": "项目尚未登记承诺资助"})
    if paid_on is None:
        raise ValidationError({"paid_on": "请填写拨付日期"})
    if paid_on > clock.today():
        raise ValidationError({"paid_on": "拨付日期不能晚于今天"})
    if record.signed_on and paid_on < record.signed_on:
        raise ValidationError({"paid_on": "拨付日期不能早于签约日期"})
    plan = {row["number"]: row for row in stage_plan(record)}
    if stage not in plan:
        raise ValidationError({"stage": f"该计划没有第{stage}期"})
    for earlier in range(1, stage):
        if plan[earlier]["open"] > 0:
            raise ValidationError(
                {"stage": f"{plan[earlier]['label']}尚未拨付完毕，不能拨付{plan[stage]['label']}"}
            )
    row = plan[stage]
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "拨付金额须大于 0"})
    if amount > row["open"]:
        raise ValidationError(
            {
                "amount": f"{row['label']}按 {row['share']:.0%} 应拨 {row['due']:,.2f} 元，"
                f"已拨 {row['paid']:,.2f} 元，本次最多 {row['open']:,.2f} 元"
            }
        )
    payment = TalentPayment(project=record, stage=stage, amount=amount, paid_on=paid_on, note=note)
    payment.full_clean()
    concurrency.save_changed(payment, actor=actor)
    return payment

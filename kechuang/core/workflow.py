"""Status machines declared as data, and the one service that moves records along them.

A model declares its machine as a class attribute:

    workflow = Workflow(
        states=PoolStatus,
        name="培育状态",
        transitions=[
            Transition(PoolStatus.COACHING, sources=[PoolStatus.CANDIDATE], roles=MANAGERS),
            Transition(PoolStatus.CERTIFIED, sources=[PoolStatus.APPLIED], roles=MANAGERS,
                       requires={"date"}, stamps="certified_on"),
        ],
        stamps="status_changed_on",
    )

`take(actor, record, target)` is the only way a record changes state on request: it locks
the record among those the actor may edit, checks the current state, the actor's role and
the transition's requirements (a comment, a date, an attachment), sets the state and the
stamped dates, runs the hooks, saves (audited as the actor) and writes a TransitionLog row,
all in one transaction. `moves_for(user, record)` lists the moves open to the user now,
from the same declaration; `history_of(record)` gives the log for the record's page.
Moves a record makes because another record moved (a demand following its match) go
through `follow`, which logs them without the checks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from kechuang.core import clock, concurrency
from kechuang.core.choices import Role

if TYPE_CHECKING:
    from kechuang.core.models import TransitionLog, User

# What a transition may require of the one taking it.
COMMENT, DATE, ATTACHMENT = "comment", "date", "attachment"
REQUIREMENTS = frozenset({COMMENT, DATE, ATTACHMENT})

# A hook: a callable, or its dotted path when the declaration cannot import it (services
# import the models that hold the declaration).
Hook = Callable[["User", models.Model, "Move"], None] | str


@dataclass(frozen=True)
class Transition:
    """A move to `target` from any of `sources`, open to users of `roles` (superusers
    always). `requires`: what the actor must give; `stamps`: a date field set to the date
    given (today by default); `after`: a hook run in the same transaction once saved."""

    target: str
    sources: Iterable[str]
    roles: Iterable[str]
    label: str = ""
    requires: Iterable[str] = frozenset()
    stamps: str | None = None
    attachment_kind: str | None = None
    after: Hook | None = None

    def __post_init__(self):
        # Frozen: normalise the iterables once, through object.__setattr__.
        object.__setattr__(self, "sources", frozenset(self.sources))
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "requires", frozenset(self.requires))
        unknown = self.requires - REQUIREMENTS
        if unknown:
            raise ValueError(f"unknown requirements {sorted(unknown)}")


@dataclass(frozen=True)
class Workflow:
    """A model's status machine: its state field and choices, the transitions between the
    states, and what every transition records.

    name: the Chinese name of the status in messages ("培育状态不能从“A”改为“B”");
    stamps: a date field every transition sets (each transition may stamp its own too);
    note_field: a text field each comment is appended to as "date label：comment";
    not_before: a date field the date given may not precede;
    after: a hook run after every transition, in the same transaction;
    editable: the records a user may move (default: `Model.objects.editable_by(user)`).
    """

    states: type[models.TextChoices]
    transitions: Iterable[Transition]
    name: str = "状态"
    field: str = "status"
    stamps: str | None = None
    note_field: str | None = None
    not_before: str | None = None
    after: Hook | None = None
    editable: Callable[[type[models.Model], User], models.QuerySet] | None = None
    _index: dict = dataclass_field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "transitions", tuple(self.transitions))
        for transition in self.transitions:
            for source in transition.sources:
                for state in (source, transition.target):
                    if state not in self.states.values:
                        raise ValueError(f"{state!r} is not a state of {self.states.__name__}")
                key = (source, transition.target)
                if key in self._index:
                    raise ValueError(f"two transitions from {source!r} to {transition.target!r}")
                self._index[key] = transition

    def label(self, state: str) -> str:
        return self.states(state).label if state in self.states.values else state

    def transition(self, source: str, target: str) -> Transition | None:
        return self._index.get((source, target))

    def targets(self, source: str) -> list[str]:
        """The states a record in `source` may move to, in the order of the choices."""
        return [s for s in self.states.values if (source, s) in self._index]

    def roles(self) -> frozenset[str]:
        return frozenset().union(*(t.roles for t in self.transitions))

    def moves(self, user: User, state: str) -> Moves:
        """The moves from `state` this user's role may take (scope not checked: see
        moves_for), in the order of the choices."""
        if not _active(user):
            return Moves()
        found = (self.transition(state, target) for target in self.targets(state))
        return Moves(Move(self, t) for t in found if _role_may(user, t))

    def editable_records(self, model: type[models.Model], user: User) -> models.QuerySet:
        if self.editable is not None:
            return self.editable(model, user)
        return model.objects.editable_by(user)


@dataclass(frozen=True)
class Move:
    """One transition as a user sees it: the target's value and label, the button text and
    which inputs it needs."""

    workflow: Workflow
    transition: Transition

    @property
    def value(self) -> str:
        return self.transition.target

    @property
    def label(self) -> str:
        return self.workflow.label(self.transition.target)

    @property
    def button(self) -> str:
        return self.transition.label or f"改为“{self.label}”"

    @property
    def field(self) -> str:
        return self.workflow.field

    @property
    def needs_comment(self) -> bool:
        return COMMENT in self.transition.requires

    @property
    def needs_date(self) -> bool:
        return DATE in self.transition.requires

    @property
    def needs_attachment(self) -> bool:
        return ATTACHMENT in self.transition.requires

    @property
    def dated(self) -> bool:
        """Whether the move takes a date: required, or stamped (today unless given)."""
        return self.needs_date or bool(self.workflow.stamps or self.transition.stamps)

    @property
    def hint(self) -> str:
        needs = [
            text
            for text, needed in (
                ("填写说明", self.needs_comment),
                ("填写日期", self.needs_date),
                ("先上传附件", self.needs_attachment),
            )
            if needed
        ]
        return "须" + "、".join(needs) if needs else ""


class Moves(list):
    """The moves open to a user, with what the form for them needs."""

    @property
    def dated(self) -> bool:
        return any(m.dated for m in self)

    @property
    def needs_comment(self) -> bool:
        return any(m.needs_comment for m in self)


def workflow_of(model: type[models.Model] | models.Model) -> Workflow:
    workflow = getattr(model, "workflow", None)
    if not isinstance(workflow, Workflow):
        raise TypeError(f"{model._meta.label} declares no Workflow")
    return workflow


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _role_may(user: User, transition: Transition) -> bool:
    return user.is_superuser or user.role in transition.roles


def _role_label(user: User) -> str:
    return Role(user.role).label if user.role in Role.values else "该用户"


def has_attachment(record: models.Model, kind: str | None = None) -> bool:
    """Whether the record carries an attachment (of `kind`); the attachments module is
    imported here only, so a workflow without the requirement never needs it."""
    from kechuang.core.attachments import attachments_of

    return attachments_of(record, kind=kind).exists()


# --- reading ------------------------------------------------------------------------------


def moves_for(user: User, record: models.Model, *, editable: bool | None = None) -> Moves:
    """The moves this user may take on this record now: by its state, the user's role and
    whether the user may edit it (one query, only when the role has a move; none when the
    page already knows and passes `editable`)."""
    workflow = workflow_of(record)
    moves = workflow.moves(user, getattr(record, workflow.field))
    if not moves or editable is False:
        return Moves()
    if editable is None:
        records = workflow.editable_records(type(record), user)
        editable = records.filter(pk=record.pk).exists()
    return moves if editable else Moves()


def history_of(*records: models.Model) -> list[TransitionLog]:
    """The logged moves of the records (of one or several models), oldest first, each with
    its states' labels and its model's name (`kind`)."""
    from kechuang.core.models import TransitionLog

    records = [r for r in records if r is not None and r.pk is not None]
    if not records:
        return []
    types = ContentType.objects.get_for_models(*{type(r) for r in records})
    query = models.Q(pk__in=[])
    for record in records:
        query |= models.Q(content_type=types[type(record)], object_id=str(record.pk))
    rows = list(TransitionLog.objects.filter(query).select_related("actor"))
    by_type = {types[type(r)].pk: (type(r), workflow_of(r)) for r in records}
    for row in rows:
        model, workflow = by_type[row.content_type_id]
        row.kind = model._meta.verbose_name
        row.from_label = workflow.label(row.from_state) if row.from_state else ""
        row.to_label = workflow.label(row.to_state)
    return rows


# --- writing ------------------------------------------------------------------------------


def _locked(workflow: Workflow, actor: User, record: models.Model) -> models.Model:
    stored = concurrency.locked(workflow.editable_records(type(record), actor), record.pk)
    if stored is None or not _active(actor):
        raise PermissionDenied(f"无权变更该{record._meta.verbose_name}的{workflow.name}")
    if not (actor.is_superuser or actor.role in workflow.roles()):
        raise PermissionDenied(f"{_role_label(actor)}无权变更{workflow.name}")
    return stored


def _check(
    workflow: Workflow, actor: User, record: models.Model, target: str
) -> tuple[Transition, str]:
    current = getattr(record, workflow.field)
    if target not in workflow.states.values:
        raise ValidationError({workflow.field: f"未知的状态：{target}"})
    transition = workflow.transition(current, target)
    if transition is None:
        raise ValidationError(
            {
                workflow.field: f"{workflow.name}不能从“{workflow.label(current)}”"
                f"改为“{workflow.label(target)}”"
            },
            code="transition",
        )
    if not _role_may(actor, transition):
        raise PermissionDenied(
            f"{_role_label(actor)}不能将{workflow.name}改为“{workflow.label(target)}”"
        )
    return transition, current


def _check_requirements(
    workflow: Workflow,
    transition: Transition,
    record: models.Model,
    comment: str,
    on: datetime.date | None,
    day: datetime.date,
) -> None:
    label = workflow.label(transition.target)
    errors = {}
    if COMMENT in transition.requires and not comment:
        errors[COMMENT] = f"改为“{label}”须填写说明"
    if DATE in transition.requires and on is None:
        errors["on"] = f"改为“{label}”须填写日期"
    earliest = getattr(record, workflow.not_before) if workflow.not_before else None
    if earliest is not None and day < earliest:
        name = record._meta.get_field(workflow.not_before).verbose_name
        errors["on"] = f"日期不能早于{name}"
    if ATTACHMENT in transition.requires and not has_attachment(record, transition.attachment_kind):
        errors[ATTACHMENT] = f"改为“{label}”须先上传附件"
    if errors:
        raise ValidationError(errors)


def _apply(
    workflow: Workflow,
    record: models.Model,
    target: str,
    on: datetime.date,
    comment: str,
    transition: Transition | None,
) -> None:
    setattr(record, workflow.field, target)
    for name in (workflow.stamps, transition.stamps if transition else None):
        if name:
            setattr(record, name, on)
    if workflow.note_field and comment:
        line = f"{on.isoformat()} {workflow.label(target)}：{comment}"
        before = getattr(record, workflow.note_field)
        setattr(record, workflow.note_field, f"{before}\n{line}" if before else line)


def _save_and_log(
    actor: User,
    record: models.Model,
    source: str,
    target: str,
    *,
    on: datetime.date | None,
    comment: str,
    automatic: bool,
) -> TransitionLog:
    from kechuang.core.models import TransitionLog

    record.full_clean()
    concurrency.save_changed(record, actor=actor)
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        from_state=source,
        to_state=target,
        actor=actor,
        at=timezone.now(),
        on=on,
        comment=comment,
        automatic=automatic,
        region_code=region_code_of(record),
    )


@transaction.atomic
def take(
    actor: User,
    record: models.Model,
    target: str,
    *,
    comment: str = "",
    on: datetime.date | None = None,
) -> models.Model:
    """Moves `record` to `target` for `actor`: checks scope, state, role and requirements,
    stamps, saves (audited as the actor), runs the hooks and logs the move, in one
    transaction. Returns the stored record. PermissionDenied when the actor may not move
    it; ValidationError naming the field otherwise."""
    workflow = workflow_of(record)
    stored = _locked(workflow, actor, record)
    transition, current = _check(workflow, actor, stored, str(target))
    comment = (comment or "").strip()
    day = on or clock.today()
    _check_requirements(workflow, transition, stored, comment, on, day)
    _apply(workflow, stored, transition.target, day, comment, transition)
    _save_and_log(
        actor, stored, current, transition.target, on=day, comment=comment, automatic=False
    )
    move = Move(workflow, transition)
    for hook in (transition.after, workflow.after):
        if isinstance(hook, str):
            hook = import_string(hook)
        if hook is not None:
            hook(actor, stored, move)
    return stored


def follow(
    actor: User,
    record: models.Model,
    target: str,
    *,
    comment: str = "",
    on: datetime.date | None = None,
) -> models.Model:
    """Moves a record because another one moved (a demand following its match): no state,
    role or scope check, the caller's own transaction already made them; stamped with the
    workflow's date and logged as automatic. The caller holds the transaction."""
    workflow = workflow_of(record)
    source = getattr(record, workflow.field)
    if source == target:
        return record
    day = on or clock.today()
    _apply(workflow, record, target, day, "", None)
    _save_and_log(actor, record, source, target, on=day, comment=comment, automatic=True)
    return record


def region_code_of(record: models.Model) -> str:
    """The code of the region the record belongs to, by its Scope (blank if none)."""
    scope = getattr(type(record), "scope", None)
    if scope is None:
        return ""
    if scope.region_code is not None:
        return _walk(record, scope.region_code) or ""
    if scope.region is not None:
        region = _walk(record, scope.region) if scope.region else record
        return getattr(region, "code", "") or ""
    return ""


def _walk(record: models.Model, path: str):
    value = record
    for part in path.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


# --- pages --------------------------------------------------------------------------------


class MoveForm(forms.Form):
    """What a move's buttons post: the target state, a comment and a date."""

    status = forms.CharField(max_length=40)
    comment = forms.CharField(required=False, max_length=500)
    on = forms.DateField(required=False)

    def __init__(self, *args, workflow: Workflow, **kwargs):
        super().__init__(*args, **kwargs)
        if workflow.field != "status":
            self.fields[workflow.field] = self.fields.pop("status")
        self.workflow = workflow


def take_from_post(request, record: models.Model) -> tuple[models.Model, str]:
    """Takes the move a page's buttons posted: (the record as stored, "" or the Chinese
    error to show). PermissionDenied is left to answer 403."""
    workflow = workflow_of(record)
    data = request.POST.copy()
    # Older forms posted the comment as "note".
    if not data.get("comment") and data.get("note"):
        data["comment"] = data["note"]
    form = MoveForm(data, workflow=workflow)
    if not form.is_valid():
        if workflow.field in form.errors:
            return record, f"请选择要变更的{workflow.name}"
        return record, "；".join(m for errors in form.errors.values() for m in errors)
    try:
        record = take(
            request.user,
            record,
            form.cleaned_data[workflow.field],
            comment=form.cleaned_data["comment"],
            on=form.cleaned_data["on"],
        )
    except ValidationError as exc:
        return record, "；".join(exc.messages)
    return record, ""

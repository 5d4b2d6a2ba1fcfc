"""Turns every historical record django-simple-history writes into one AuditEvent.

simple-history keeps a per-model history table; AuditEvent is the single,
filterable change log across all models, with before and after values.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.fields.files import FieldFile
from simple_history.signals import (
    post_create_historical_record,
    pre_create_historical_record,
)

ACTIONS = {"+": "create", "~": "update", "-": "delete"}


_PLAIN = frozenset({str, int, bool, float, type(None)})


def jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    return value


def _value(record, attname: str) -> Any:
    """A field's value for the log: related records by their name, not their id."""
    value = getattr(record, attname)
    field = record.instance_type._meta.get_field(attname)  # attnames are keys too
    if field.is_relation and value is not None:
        related = field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return jsonable(value)


def _live_value(instance, attname: str) -> Any:
    """The saved instance's value: its related objects are usually loaded already."""
    field = instance._meta.get_field(attname)  # attnames are keys too
    if field.is_relation and getattr(instance, attname) is not None:
        return str(getattr(instance, field.name))
    return jsonable(getattr(instance, attname))


def _m2m_names(record, name: str) -> list[str]:
    """A many-to-many field of a historical record (simple-history m2m_fields) as names."""
    from simple_history.utils import get_m2m_reverse_field_name

    field = record.instance_type._meta.get_field(name)
    target = get_m2m_reverse_field_name(field)
    ids = list(getattr(record, name).order_by(target).values_list(target, flat=True))
    found = field.related_model._base_manager.in_bulk(ids)
    return [str(found.get(pk, pk)) for pk in ids]


def _field_values(history_instance, fields: list[str]) -> dict[str, Any]:
    return {name: _value(history_instance, name) for name in fields}


def _tracked_fields(history_instance) -> list[str]:
    return [
        f.attname
        for f in history_instance.instance_type._meta.fields
        if hasattr(history_instance, f.attname)
    ]


def _region_code(instance) -> str:
    scope = getattr(type(instance), "scope", None)
    if scope is None:
        return ""
    if scope.generic is not None:  # an attachment: the region of its record
        record = getattr(instance, "record", None)
        return _region_code(record) if record is not None else ""
    path = scope.region if scope.region is not None else scope.region_code
    if path is None:
        return ""
    target = instance
    if scope.region is not None:
        for part in [p for p in path.split("__") if p]:
            target = getattr(target, part, None)
            if target is None:
                return ""
        return getattr(target, "code", "") or ""
    for part in path.split("__"):
        target = getattr(target, part, None)
    return str(target or "")


def record_event(sender, instance, history_instance, history_user=None, **kwargs) -> None:
    from kechuang.core.models import AuditEvent

    action = ACTIONS[history_instance.history_type]
    fields = _tracked_fields(history_instance)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if action == "create":
        after = {name: _live_value(instance, name) for name in fields}
    elif action == "delete":
        before = _field_values(history_instance, fields)
    else:
        previous = history_instance.prev_record
        if previous is None:
            after = _field_values(history_instance, fields)
        else:
            delta = history_instance.diff_against(previous)
            if not delta.changes:
                return  # a save that changed nothing tracked (e.g. last login)
            m2m = {f.name for f in getattr(history_instance, "_history_m2m_fields", [])}
            for change in delta.changes:
                if change.field in m2m:
                    before[change.field] = _m2m_names(previous, change.field)
                    after[change.field] = _m2m_names(history_instance, change.field)
                    continue
                attname = history_instance._meta.get_field(change.field).attname
                before[attname] = _value(previous, attname)
                after[attname] = _live_value(instance, attname)
    user = history_instance.history_user
    AuditEvent.objects.create(
        at=history_instance.history_date,
        user=user,
        user_repr=str(user) if user else "系统",
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        region_code=_region_code(instance),
        before=before,
        after=after,
    )


def connect() -> None:
    post_create_historical_record.connect(record_event, dispatch_uid="kechuang-audit")
    pre_create_historical_record.connect(_tag_record, dispatch_uid="kechuang-batch")


# The batch (an import, its undo) the writes of this context belong to: their history rows
# carry it as their change reason, so the batch can be found and reverted later.
_BATCH: ContextVar[str | None] = ContextVar("kechuang_batch", default=None)


@contextmanager
def batch(reason: str) -> Iterator[None]:
    """Tags every history row written inside with `reason` (none when it is empty)."""
    token = _BATCH.set(reason)
    try:
        yield
    finally:
        _BATCH.reset(token)


def _tag_record(sender, history_instance, **kwargs) -> None:
    reason = _BATCH.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason


def field_label(model: type[models.Model], attname: str) -> str:
    """The Chinese label of a field given its attribute name (e.g. township_id)."""
    for field in model._meta.fields:
        if field.attname == attname or field.name == attname:
            return str(field.verbose_name)
    return attname


# --- bulk writes --------------------------------------------------------------------------


def record_bulk(model: type[models.Model], items, *, action: str, user, at) -> None:
    """One AuditEvent per (instance, before, after) of a bulk write, in one INSERT per
    thousand; `before` and `after` map attnames to stored values, shown here as the log
    shows them (related records by name, looked up once per field)."""
    from kechuang.core.models import AuditEvent

    items = list(items)
    if not items:
        return
    names = _related_names(model, items)
    content_type = ContentType.objects.get_for_model(model)
    user_repr = str(user) if user else "系统"
    user_id = user.pk if user is not None else None

    def shown(values: dict) -> dict:
        return {
            attname: (
                jsonable(value)
                if attname not in names or value is None
                else names[attname].get(value, str(value))
            )
            for attname, value in values.items()
        }

    from kechuang.core.bulk import insert_rows

    insert_rows(
        AuditEvent,
        [
            "at",
            "user_id",
            "user_repr",
            "action",
            "content_type_id",
            "object_id",
            "object_repr",
            "region_code",
            "before",
            "after",
        ],
        (
            (
                at,
                user_id,
                user_repr,
                action,
                content_type.pk,
                str(instance.pk),
                str(instance)[:200],
                _region_code(instance),
                shown(before),
                shown(after),
            )
            for instance, before, after in items
        ),
    )


def _related_names(model: type[models.Model], items) -> dict[str, dict]:
    """For each foreign key among the logged values: id → the related record's name."""
    ids: dict[str, set] = {}
    for _, before, after in items:
        for values in (before, after):
            for attname, value in values.items():
                if value is not None and attname.endswith("_id"):
                    ids.setdefault(attname, set()).add(value)
    names = {}
    for attname, wanted in ids.items():
        field = model._meta.get_field(attname)  # attnames are keys too
        if not field.is_relation:
            continue
        found = field.related_model._base_manager.in_bulk(list(wanted))
        names[attname] = {pk: str(obj) for pk, obj in found.items()}
    return names

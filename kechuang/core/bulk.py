"""Bulk writes that keep the history and the change log: a few statements per thousand
records instead of several per record, for imports of tens of thousands of rows and their
undo. Every write here is still audited: one history row (tagged with the batch) and one
AuditEvent per record, both inserted in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from kechuang.core import audit

BATCH_SIZE = 1000


def tracked_values(obj: models.Model) -> dict[str, Any]:
    """The stored columns of `obj` (attnames, without the primary key)."""
    fields = obj._meta.concrete_fields
    return {f.attname: getattr(obj, f.attname) for f in fields if not f.primary_key}


def _logged(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The columns the change log shows: the history's tracked ones."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return values
    tracked = {f.attname for f in history.model.tracked_fields}
    return {k: v for k, v in values.items() if k in tracked}


def _history(model: type[models.Model], objs: Sequence, kind: str, *, user, reason, at) -> None:
    history = getattr(model, "history", None)
    if history is None or not objs:
        return
    historical = history.model
    historical.objects.bulk_create(
        (
            historical(
                history_date=at,
                history_user=user,
                history_change_reason=reason,
                history_type=kind,
                **{f.attname: getattr(obj, f.attname) for f in historical.tracked_fields},
            )
            for obj in objs
        ),
        batch_size=BATCH_SIZE,
    )


def create(model: type[models.Model], objs: Sequence[models.Model], *, user, reason: str) -> None:
    """Inserts validated new records with their history and change log."""
    if not objs:
        return
    at = timezone.now()
    model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    _history(model, objs, "+", user=user, reason=reason, at=at)
    audit.record_bulk(
        model,
        ((obj, {}, _logged(obj, tracked_values(obj))) for obj in objs),
        action="create",
        user=user,
        at=at,
    )


@dataclass
class Change:
    """A validated record with the values it was read with (attname → value)."""

    obj: models.Model
    before: dict[str, Any]
    fields: list[str] = field(default_factory=list)  # attnames that differ


def update(
    model: type[models.Model], changes: Sequence[Change], *, user, reason: str, queryset=None
) -> None:
    """Writes changed records. Each row is locked and compared with the values it was read
    with: a record another writer changed (or one `queryset` — the records the user may
    change — no longer holds) refuses the whole batch, naming it."""
    if not changes:
        return
    at = timezone.now()
    queryset = model._base_manager.all() if queryset is None else queryset
    stamps = [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    names: set[str] = set()
    for start in range(0, len(changes), BATCH_SIZE):
        chunk = changes[start : start + BATCH_SIZE]
        _check_unchanged(model, queryset, chunk)
        for change in chunk:
            for stamp in stamps:
                setattr(change.obj, stamp.attname, stamp.pre_save(change.obj, add=False))
            names.update(change.fields)
    columns = sorted({model._meta.get_field(_name(model, a)).name for a in names})
    columns += [f.name for f in stamps if f.name not in columns]
    model._base_manager.bulk_update([c.obj for c in changes], columns, batch_size=BATCH_SIZE)
    _history(model, [c.obj for c in changes], "~", user=user, reason=reason, at=at)
    tracked = _logged(changes[0].obj, {a: None for a in names})
    audit.record_bulk(
        model,
        (
            (
                c.obj,
                {a: c.before[a] for a in c.fields if a in tracked},
                {a: getattr(c.obj, a) for a in c.fields if a in tracked},
            )
            for c in changes
        ),
        action="update",
        user=user,
        at=at,
    )


def _name(model, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    return attname


def _check_unchanged(model, queryset, chunk: Sequence[Change]) -> None:
    attnames = sorted({a for c in chunk for a in c.before})
    locked = queryset.select_for_update(of=("self",)) if _in_transaction(queryset) else queryset
    rows = locked.filter(pk__in=[c.obj.pk for c in chunk]).values("pk", *attnames)
    stored = {row["pk"]: row for row in rows}
    stale = []
    for change in chunk:
        row = stored.get(change.obj.pk)
        if row is None or any(row[a] != change.before[a] for a in change.before):
            stale.append(str(change.obj))
    if stale:
        shown = "、".join(stale[:10]) + (f" 等 {len(stale)} 条" if len(stale) > 10 else "")
        raise ValidationError(f"以下记录在预检后被修改或已无权修改：{shown}")


def _in_transaction(queryset) -> bool:
    return transaction.get_connection(queryset.db).in_atomic_block


def delete(model: type[models.Model], objs: Iterable[models.Model], *, user, reason: str) -> dict:
    """Deletes records with their history and change log. Returns the rows deleted per model
    (Django's count): a caller that must not take other records with them checks it."""
    objs = list(objs)
    if not objs:
        return {}
    at = timezone.now()
    _history(model, objs, "-", user=user, reason=reason, at=at)
    audit.record_bulk(
        model,
        ((obj, _logged(obj, tracked_values(obj)), {}) for obj in objs),
        action="delete",
        user=user,
        at=at,
    )
    pks = [obj.pk for obj in objs]
    counts: dict[str, int] = {}
    for start in range(0, len(pks), BATCH_SIZE):
        _, per_model = model._base_manager.filter(pk__in=pks[start : start + BATCH_SIZE]).delete()
        for label, count in per_model.items():
            counts[label] = counts.get(label, 0) + count
    return counts

"""Bulk writes that keep the history and the change log: a few statements per thousand
records instead of several per record, for imports of tens of thousands of rows and their
undo. Every write here is still audited: one history row (tagged with the batch) and one
AuditEvent per record, both inserted in bulk.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from kechuang.core import audit, pagecache

BATCH_SIZE = 1000


_HISTORICAL: dict[type, Any] = {}


def historical_model(model: type[models.Model]):
    """The simple-history model of `model` (None if it keeps none); the descriptor builds a
    manager on every access, so it is looked up once."""
    if model not in _HISTORICAL:
        history = getattr(model, "history", None)
        _HISTORICAL[model] = getattr(history, "model", None)
    return _HISTORICAL[model]


def _tracked(model: type[models.Model]) -> list[str]:
    historical = historical_model(model)
    if historical is None:
        return [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return [f.attname for f in historical.tracked_fields]


def _logged(obj: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The columns the change log shows: the history's tracked ones."""
    tracked = set(_tracked(type(obj)))
    return {k: v for k, v in values.items() if k in tracked}


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]
) -> None:
    """INSERTs rows (values in the order of `columns`, attnames; columns left out take their
    defaults) with one executemany per thousand, without building model instances: for rows
    nobody reads back (history, change log). The auto primary key is left to the database."""
    connection = transaction.get_connection(router_db(model))
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    by_name = {f.attname: f for f in fields}
    given = [by_name[name] for name in columns]
    rest = [f for f in fields if f.attname not in set(columns)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in (*given, *rest)),
        ", ".join(["%s"] * (len(given) + len(rest))),
    )
    tail = [f.get_db_prep_save(f.get_default(), connection) for f in rest]
    prepared = _prepared_rows(connection, given, rows, tail)
    if connection.vendor == "postgresql":
        _copy_rows(connection, model, [*given, *rest], prepared)
        return
    batch: list[list] = []
    with connection.cursor() as cursor:
        for values in prepared:
            batch.append(values)
            if len(batch) == BATCH_SIZE:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _prepared_rows(connection, fields, rows, tail=()):
    """Each row as the list of values the driver takes (the fields' get_db_prep_save where
    a value needs it, see _AS_IS), followed by `tail`."""
    needs = [
        (i, prep)
        for i, prep in enumerate(_preparer(f, connection, memo=True) for f in fields)
        if prep is not None
    ]
    tail = list(tail)
    for row in rows:
        values = [*row, *tail]
        for i, prep in needs:
            values[i] = prep(values[i], connection)
        yield values


def _copy_rows(connection, model, fields, rows) -> None:
    """PostgreSQL: prepared rows streamed with COPY … FROM STDIN, an order of magnitude
    cheaper than INSERT statements for tens of thousands of rows. Each batch of rows is built
    before its COPY starts: building one may query (a related record), which a connection
    busy copying cannot answer."""
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    pagecache.changed(connection)  # COPY bypasses the connection's execute wrappers
    rows = iter(rows)
    while True:
        batch = list(itertools.islice(rows, 5 * BATCH_SIZE))
        if not batch:
            return
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for values in batch:
                copy.write_row(values)


# Columns whose Python values both drivers take as they are (sqlite3 with the adapters
# Django registers, psycopg natively); others go through the field's get_db_prep_save.
_AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _preparer(field: models.Field, connection, *, memo: bool = False):
    kind = field.get_internal_type()
    if kind == "ForeignKey":
        kind = field.target_field.get_internal_type()
    if kind in _AS_IS:
        return None
    if memo and kind == "DateTimeField":
        # A batch's stamps are one instant: converted once, not once per row.
        prepared: dict = {}

        def once(value, connection):
            if value not in prepared:
                prepared[value] = field.get_db_prep_save(value, connection)
            return prepared[value]

        return once
    return field.get_db_prep_save


def insert_returning(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """INSERTs new records with as many rows per statement as the driver takes parameters,
    reading their primary keys back (RETURNING, in the order given, as Django's bulk_create
    relies on): Django's bulk_create, without its per-value SQL compilation."""
    connection = transaction.get_connection(router_db(model))
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    stamps = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    now = timezone.now()
    values = [
        (f.attname, now if isinstance(f, models.DateTimeField) else timezone.localdate(now))
        for f in stamps
    ]
    for obj in objs:
        for attname, value in values:
            setattr(obj, attname, value)
    if connection.vendor == "postgresql":
        _copy_new(connection, model, objs, fields)
        return
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    attnames = [f.attname for f in fields]
    per_statement = max(1, _parameter_limit(connection) // len(fields))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            rows = ([getattr(obj, a) for a in attnames] for obj in chunk)
            params = [v for values in _prepared_rows(connection, fields, rows) for v in values]
            cursor.execute(
                head + ", ".join([row] * len(chunk)) + f" RETURNING {quote(pk.column)}", params
            )
            for obj, (key,) in zip(chunk, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, key)
                obj._state.adding = False
                obj._state.db = connection.alias


def _copy_new(connection, model, objs, fields) -> None:
    """PostgreSQL: keys drawn from the table's sequence in one query, then the rows COPYed
    with them (psycopg rewrites every placeholder of a multi-row INSERT in Python)."""
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objs)],
        )
        keys = [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, pk.attname, key)
        obj._state.adding = False
        obj._state.db = connection.alias
    attnames = [f.attname for f in fields]
    rows = ([obj.pk, *(getattr(obj, a) for a in attnames)] for obj in objs)
    _copy_rows(connection, model, [pk, *fields], _prepared_rows(connection, [pk, *fields], rows))


def _parameter_limit(connection) -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65535  # PostgreSQL's protocol


def router_db(model) -> str:
    from django.db import router

    return router.db_for_write(model)


def _history(model: type[models.Model], objs: Sequence, kind: str, *, user, reason, at) -> None:
    historical = historical_model(model)
    if historical is None or not objs:
        return
    tracked = _tracked(model)
    stamp = (at, user.pk if user is not None else None, reason, kind)
    insert_rows(
        historical,
        [*tracked, "history_date", "history_user_id", "history_change_reason", "history_type"],
        ([*(getattr(obj, a) for a in tracked), *stamp] for obj in objs),
    )


def create(model: type[models.Model], objs: Sequence[models.Model], *, user, reason: str) -> None:
    """Inserts validated new records with their history and change log."""
    if not objs:
        return
    logged = [a for a in _tracked(model) if a != model._meta.pk.attname]
    at = timezone.now()
    insert_returning(model, objs)
    _history(model, objs, "+", user=user, reason=reason, at=at)
    audit.record_bulk(
        model,
        ((obj, {}, {a: getattr(obj, a) for a in logged}) for obj in objs),
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


def delete(model: type[models.Model], objs: Iterable[models.Model]) -> dict:
    """Deletes records (each with its _history_user set) a thousand at a time. Django sends
    each deleted record's signal, so simple-history writes its history row (tagged with the
    current audit.batch) and the change log its event, for records deleted with them too.
    Returns the rows deleted per model (Django's count): a caller that must not take other
    records along checks it."""
    from django.db.models.deletion import Collector

    objs = list(objs)
    counts: dict[str, int] = {}
    for start in range(0, len(objs), BATCH_SIZE):
        # The collector keeps these instances (and their _history_user) for the signals.
        collector = Collector(using=router_db(model), origin=model)
        collector.collect(objs[start : start + BATCH_SIZE])
        _, per_model = collector.delete()
        for label, count in per_model.items():
            counts[label] = counts.get(label, 0) + count
    return counts

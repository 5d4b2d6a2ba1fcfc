"""No lost updates: one mechanism for record versions, locked saves of changed fields, and
create-or-update under concurrent writers.

A record's version is a short hash of its stored column values, so no migration adds a
version column and every model has one. An edit form carries the version it was opened
with (`VersionedFormMixin`); the API sends it as `ETag` and checks `If-Match`
(`VersionedUpdateMixin`). The check runs inside the save's transaction with the row locked
(`select_for_update`; SQLite serializes writers through its IMMEDIATE transactions), so of
two saves from one stale version exactly one is written.

Services write only the columns that changed (`save_changed`), so two edits of different
fields of one record both survive even when neither carries a version.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from rest_framework import status
from rest_framework.exceptions import APIException

STALE_MESSAGE = "该记录已被他人修改，请刷新后再改"
VERSION_FIELD = "_version"
_SNAPSHOT = "_concurrency_loaded"


class StaleRecord(ValidationError):
    """The record changed since the form or the API client read it."""

    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


def _columns(obj: models.Model) -> list[models.Field]:
    return [f for f in obj._meta.concrete_fields if not f.primary_key]


def _values(obj: models.Model) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in _columns(obj)}


def record_version(obj: models.Model) -> str:
    """16 hex characters that change whenever a stored column of `obj` changes.

    Computed from the values as read from the database: call it on a freshly read row."""
    payload = json.dumps(
        [[name, str(value)] for name, value in sorted(_values(obj).items())], ensure_ascii=False
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def snapshot(obj: models.Model) -> models.Model:
    """Remembers the values of `obj` as read, so `save_changed` writes only what differs."""
    setattr(obj, _SNAPSHOT, _values(obj))
    return obj


def locked(queryset: models.QuerySet, pk) -> models.Model | None:
    """The row `pk` of `queryset`, locked until the transaction ends (None if not there)."""
    if not transaction.get_connection(queryset.db).in_atomic_block:
        raise RuntimeError("locked() needs a transaction")
    obj = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    return snapshot(obj) if obj is not None else None


def check_version(model: type[models.Model], pk, version: str | None) -> models.Model:
    """Locks row `pk` and refuses with StaleRecord unless its version is `version`.

    A missing version (an old client, an API call without If-Match) is not checked."""
    obj = locked(model._base_manager.all(), pk)
    if obj is None or (version and record_version(obj) != version):
        raise StaleRecord()
    return obj


@contextmanager
def unchanged_since(instance: models.Model, version: str | None):
    """Runs the block in one transaction, after checking that `instance` is still at
    `version`; the row stays locked until the block's writes are committed."""
    with transaction.atomic():
        if instance.pk is not None:
            check_version(type(instance), instance.pk, version)
        yield


def changed_fields(obj: models.Model) -> list[str]:
    """Names of the columns of `obj` that differ from its snapshot or, without one, from
    the stored row."""
    loaded = getattr(obj, _SNAPSHOT, None)
    if loaded is None:
        names = [f.attname for f in _columns(obj)]
        row = type(obj)._base_manager.filter(pk=obj.pk).values(*names).first() or {}
        loaded = row
    return [
        f.name
        for f in _columns(obj)
        if f.attname not in loaded or getattr(obj, f.attname) != loaded[f.attname]
    ]


def save_changed(obj: models.Model, *, actor=None) -> list[str]:
    """Saves a new record whole, an existing one by its changed columns only (plus its
    auto_now stamps), audited as `actor`. Returns the names written (empty: nothing)."""
    if actor is not None:
        obj._history_user = actor
    if obj._state.adding or obj.pk is None:
        obj.save()
        snapshot(obj)
        return [f.name for f in _columns(obj)]
    changed = changed_fields(obj)
    if changed:
        stamps = [f.name for f in _columns(obj) if getattr(f, "auto_now", False)]
        obj.save(update_fields=sorted(set(changed) | set(stamps)))
        snapshot(obj)
    return changed


def upsert(lookup, build, *, retries: int = 1):
    """Create-or-update that survives a concurrent insert of the same natural key.

    `lookup()` returns the existing record or None; `build(existing)` writes it (creating
    when None). When a create fails because another writer has just inserted the key (an
    IntegrityError, or the unique check of full_clean), the savepoint is rolled back and the
    row, now there, is read and updated instead."""
    for attempt in range(retries + 1):
        found = None
        try:
            with transaction.atomic():
                found = lookup()
                return build(found)
        except (IntegrityError, ValidationError):
            if attempt == retries or found is not None or lookup() is None:
                raise
    return None  # pragma: no cover


# --- forms -------------------------------------------------------------------------------


class VersionField(forms.CharField):
    """The hidden version an edit form was opened with; never counts as a change."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


class VersionedFormMixin:
    """Adds the hidden `_version` of the edited instance; after validation it is kept in
    `form.version` and left out of `cleaned_data`, so views pass the data on unchanged.
    A subclass that is not an edit page (an import row form) sets `versioned = False`."""

    versioned = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        self.version = None
        if self.versioned and instance is not None and instance.pk is not None:
            self.fields[VERSION_FIELD] = VersionField(initial=record_version(instance))

    def clean(self):
        cleaned = super().clean()
        self.version = (self.cleaned_data.pop(VERSION_FIELD, "") or "").strip() or None
        return cleaned


# --- REST API ----------------------------------------------------------------------------


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = STALE_MESSAGE
    default_code = "precondition_failed"


def _etag(version: str) -> str:
    return f'"{version}"'


def _if_match_versions(header: str) -> list[str]:
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    return [tag.removeprefix("W/").strip('"') for tag in tags]


class VersionedUpdateMixin:
    """For a DRF viewset: `GET` of a record answers with its version as `ETag`; `PUT` and
    `PATCH` with `If-Match` are refused with 412 unless it names the stored version
    (`*` matches any). Without `If-Match` the update is taken; the services still write
    only the fields that changed."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if getattr(self, "_versioned_object", None) is not None:
            response["ETag"] = _etag(record_version(self._versioned_object))
        return response

    def get_object(self):
        obj = super().get_object()
        self._versioned_object = obj
        return obj

    def update(self, request, *args, **kwargs):
        header = request.headers.get("If-Match")
        with transaction.atomic():
            if header:
                obj = self.get_object()
                stored = locked(type(obj)._base_manager.all(), obj.pk)
                wanted = _if_match_versions(header)
                if stored is None or ("*" not in wanted and record_version(stored) not in wanted):
                    raise PreconditionFailed()
            response = super().update(request, *args, **kwargs)
        saved = getattr(self, "_versioned_object", None)
        if saved is not None and saved.pk is not None:
            fresh = type(saved)._base_manager.filter(pk=saved.pk).first()
            if fresh is not None:
                response["ETag"] = _etag(record_version(fresh))
        return response

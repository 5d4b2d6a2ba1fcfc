"""Read queries of the core app, scoped to the user."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from kechuang.core.audit import field_label
from kechuang.core.choices import RegionLevel
from kechuang.core.models import ApiToken, AuditEvent, Region, User


def apitokens_of(user: User) -> QuerySet[ApiToken]:
    """A user's own API tokens: personal keys, shown to nobody else, bureau included."""
    return ApiToken.objects.filter(user=user)


def townships_visible_to(user: User) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWNSHIP)


def audited_models() -> list[tuple[str, str]]:
    """(app_label.model, Chinese name) of every model with a history."""
    choices = []
    for model in apps.get_models():
        if hasattr(model, "history") and model._meta.app_label in {"core"} | _project_labels():
            choices.append((model._meta.label_lower, str(model._meta.verbose_name)))
    return sorted(choices, key=lambda c: c[0])


def _project_labels() -> set[str]:
    return {c.label for c in apps.get_app_configs() if c.name.startswith("kechuang.")}


def audit_events(user: User, *, q="", model="", action="", actor="", since=None, until=None):
    events = AuditEvent.objects.visible_to(user).select_related("content_type")
    if q:
        events = events.filter(object_repr__icontains=q)
    if model and "." in model:
        app_label, model_name = model.split(".", 1)
        events = events.filter(content_type__app_label=app_label, content_type__model=model_name)
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(user_repr__icontains=actor)
    if since:
        events = events.filter(at__gte=_start_of(since))
    if until:
        events = events.filter(at__lt=_start_of(until + datetime.timedelta(days=1)))
    return events


def record_history(obj) -> list[dict]:
    """The audit events of one record, newest first, with field labels for display."""
    content_type = ContentType.objects.get_for_model(type(obj))
    events = AuditEvent.objects.filter(content_type=content_type, object_id=str(obj.pk))
    return [describe_event(e, type(obj)) for e in events]


def describe_event(event: AuditEvent, model=None) -> dict:
    model = model or event.content_type.model_class()
    rows = [
        {
            "label": field_label(model, name),
            "before": event.before.get(name, ""),
            "after": event.after.get(name, ""),
        }
        for name in event.changed_fields
    ]
    return {"event": event, "rows": rows}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

"""Every write to the enterprise registry: one function per action, one transaction each."""

from contextlib import contextmanager
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from simple_history.models import HistoricalRecords

from kechuang.core import concurrency
from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region, is_bureau
from kechuang.enterprises.models import Enterprise

# A firm's own user corrects its profile but not its identity, place or standing.
OWNER_LOCKED_FIELDS = (
    "credit_code",
    "township_id",
    "above_scale",
    "status",
    "recruited_on",
    "dishonest",
)

EDITABLE_FIELDS = (
    "credit_code",
    "name",
    "township",
    "industry_division",
    "above_scale",
    "rnd_active",
    "founded_on",
    "production_started_on",
    "address",
    "contact_person",
    "contact_phone",
    "status",
    "tech_field",
    "recruited_on",
    "ip_own_rnd",
    "led_standard",
    "national_award_top3",
    "provincial_rnd_institution",
    "dishonest",
)


def _known(fields: dict) -> dict:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    return fields


def _check_region(actor: User, enterprise: Enterprise) -> None:
    if not can_write_region(actor, enterprise.township):
        raise PermissionDenied(f"无权在{enterprise.township}登记或迁入企业")


@transaction.atomic
def enterprise_create(*, actor: User, **fields) -> Enterprise:
    """Registers a firm; the actor must be allowed to write in its township."""
    enterprise = Enterprise(**_known(fields))
    enterprise.credit_code = enterprise.credit_code.strip().upper()
    enterprise.full_clean()
    _check_region(actor, enterprise)
    enterprise._history_user = actor
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, **fields) -> Enterprise:
    """Changes a firm the actor may edit; moving it needs write access to the new township.

    The stored row is re-read under lock and only the changed columns are written, so
    concurrent edits of different fields all survive."""
    # A validated form or serializer may already have changed `enterprise`: work on the row.
    record = concurrency.locked(Enterprise.objects.editable_by(actor), enterprise.pk)
    if record is None:
        raise PermissionDenied("无权修改该企业")
    stored = {name: getattr(record, name) for name in (*OWNER_LOCKED_FIELDS, "township_id")}
    for name, value in _known(fields).items():
        setattr(record, name, value)
    record.credit_code = record.credit_code.strip().upper()
    if actor.role == Role.ENTERPRISE:
        locked = [n for n in OWNER_LOCKED_FIELDS if getattr(record, n) != stored[n]]
        if locked:
            labels = "、".join(str(Enterprise._meta.get_field(n).verbose_name) for n in locked)
            raise PermissionDenied(f"企业用户不能修改{labels}，请联系科技局")
    record.full_clean()
    if record.township_id != stored["township_id"]:
        _check_region(actor, record)
    concurrency.save_changed(record, actor=actor)
    return record


@transaction.atomic
def enterprises_import(*, actor: User, outcomes, batch: str) -> None:
    """Writes the validated rows of an enterprise import in bulk (core.bulk): new firms and
    changed ones, each checked again here against the actor's regions, audited per firm."""
    from kechuang.core import bulk

    creates = [o.instance for o in outcomes if o.action == "create"]
    changes = [
        bulk.Change(o.instance, o.before, o.changed) for o in outcomes if o.action == "update"
    ]
    for enterprise in creates:
        enterprise.credit_code = enterprise.credit_code.strip().upper()
        _check_region(actor, enterprise)
    for change in changes:
        if "township_id" in change.fields:
            _check_region(actor, change.obj)
    bulk.create(Enterprise, creates, user=actor, reason=batch)
    bulk.update(
        Enterprise,
        changes,
        user=actor,
        reason=batch,
        queryset=Enterprise.objects.editable_by(actor),
    )


@transaction.atomic
def enterprise_delete(*, actor: User, enterprise: Enterprise) -> None:
    """Deletes a firm with what hangs off it (annual figures, qualifications, pool entries,
    monthly statistics), all audited as `actor`; bureau staff and leaders who may edit it.
    Its monthly statistics go through the indicators' service, which refreshes the bottom-up
    totals in this transaction. ValidationError naming what still refers to the firm
    (technology demands, contracts…); then nothing is deleted."""
    from kechuang.indicators.services import enterprise_months_delete

    record = concurrency.locked(Enterprise.objects.editable_by(actor), enterprise.pk)
    if record is None or not is_bureau(actor):
        raise PermissionDenied("无权删除该企业")
    enterprise_months_delete(actor=actor, enterprise=record)
    record._history_user = actor
    try:
        with _history_user(actor):
            record.delete()
    except ProtectedError as exc:
        kinds = sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects})
        raise ValidationError(f"{record.name}仍有{'、'.join(kinds)}引用，不能删除") from exc


@contextmanager
def _history_user(actor: User):
    """Records cascade-deleted with a firm are audited as `actor` (simple-history reads the
    user of its current request when an instance does not name one)."""
    context = HistoricalRecords.context
    had = hasattr(context, "request")
    previous = getattr(context, "request", None)
    context.request = SimpleNamespace(user=actor)
    try:
        yield
    finally:
        if had:
            context.request = previous
        else:
            del context.request

"""Every write to the institutions: one function per action, one transaction each."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kechuang.core import concurrency
from kechuang.core.models import User
from kechuang.core.scoping import can_write_region
from kechuang.institutions.models import Institution

EDITABLE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "credit_code",
    "region",
    "location",
    "address",
    "contact_person",
    "contact_phone",
    "website",
    "description",
)


@transaction.atomic
def institution_create(*, actor: User, **fields) -> Institution:
    """Registers an institution in a region the actor may write in."""
    institution = Institution(**{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    institution.credit_code = (institution.credit_code or "").strip().upper()
    institution.full_clean()
    if not can_write_region(actor, institution.region):
        raise PermissionDenied(f"无权在{institution.region}登记院所")
    institution._history_user = actor
    institution.save()
    return institution


@transaction.atomic
def institution_update(*, actor: User, institution: Institution, **fields) -> Institution:
    """Changes an institution the actor may edit (bureau staff, or its own institute user);
    the row is re-read under lock and only the changed columns are written."""
    # A validated form may already have changed `institution`: work on the stored row.
    record = concurrency.locked(Institution.objects.editable_by(actor), institution.pk)
    if record is None:
        raise PermissionDenied("无权修改该院所")
    stored_region = record.region_id
    for name, value in fields.items():
        if name in EDITABLE_FIELDS:
            setattr(record, name, value)
    record.credit_code = (record.credit_code or "").strip().upper()
    record.full_clean()
    if record.region_id != stored_region and not can_write_region(actor, record.region):
        raise PermissionDenied(f"无权把院所登记到{record.region}")
    concurrency.save_changed(record, actor=actor)
    return record

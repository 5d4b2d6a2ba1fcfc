"""The one visit log: a visit to any firm (a pool firm, a cadre's key firm), with a photo."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock
from kechuang.core.models import User
from kechuang.enterprises.models import Enterprise, PoolEntry, Visit
from kechuang.enterprises.services.pool import _locked_entry, _save, may_manage_pool

PHOTO_KIND = "现场照片"


def may_record_visit(user: User, enterprise: Enterprise | None = None) -> bool:
    """Bureau staff and leaders (the liaison cadres among them) and township liaisons, for a
    firm they may manage; never firm, institute, commissioner or read-only users."""
    if not may_manage_pool(user):
        return False
    return enterprise is None or (
        Enterprise.objects.editable_by(user).filter(pk=enterprise.pk).exists()
    )


@transaction.atomic
def visit_log(
    *,
    actor: User,
    enterprise: Enterprise | None = None,
    entry: PoolEntry | None = None,
    visited_on: datetime.date,
    visitors: str,
    agreed: str,
    next_step: str = "",
    next_on: datetime.date | None = None,
    photo=None,
) -> Visit:
    """Records a visit to a firm (to a pool entry's firm when `entry` is given): who went,
    what was agreed, the next step and when; `photo`, if given, is attached as 现场照片 in the
    same transaction."""
    if entry is not None:
        entry = _locked_entry(actor, entry)
        if enterprise is not None and enterprise.pk != entry.enterprise_id:
            raise ValidationError({"entry": "培育对象与走访企业不符"})
        enterprise = entry.enterprise
    if enterprise is None:
        raise ValidationError({"enterprise": "请选择走访的企业"})
    if not may_record_visit(actor, enterprise):
        raise PermissionDenied(f"无权登记{enterprise}的走访记录")
    if visited_on and visited_on > clock.today():
        raise ValidationError({"visited_on": "走访日期不能晚于今天"})
    visit = Visit(
        enterprise=enterprise,
        entry=entry,
        visited_on=visited_on,
        visitors=visitors,
        agreed=agreed,
        next_step=next_step,
        next_on=next_on,
        recorded_by=actor,
    )
    _save(visit, actor)
    if photo is not None:
        from kechuang.core.attachments import attach

        attach(actor=actor, record=visit, upload=photo, kind=PHOTO_KIND)
    return visit

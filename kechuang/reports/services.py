"""Writes of the reports app: a section's narrative (one function, one transaction)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import concurrency
from kechuang.core.choices import BUREAU_ROLES, Role
from kechuang.core.figures import FigureError, Period
from kechuang.core.models import Region, User
from kechuang.core.scoping import can_write_region
from kechuang.reports.builder import outline, section_keys
from kechuang.reports.choices import ReportKind
from kechuang.reports.models import Narrative


def may_use(user: User) -> bool:
    """Reports are for bureau staff and leaders, and township liaisons (their township's)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in BUREAU_ROLES or user.role == Role.LIAISON


def may_write(user: User, region: Region) -> bool:
    return may_use(user) and (user.is_superuser or can_write_region(user, region))


@transaction.atomic
def narrative_save(
    *, actor: User, region: Region, period: str, kind: str, section: str, text: str
) -> Narrative:
    """Writes a section's narrative for a region, period and kind (history and audit)."""
    if not may_write(actor, region):
        raise PermissionDenied(f"无权编写{region.name}的报告")
    if kind not in ReportKind.values:
        raise ValidationError({"kind": f"报告类型不正确：{kind}"})
    try:
        period = str(Period.parse(period))
    except FigureError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    if section not in section_keys(outline(kind)):
        raise ValidationError({"section": f"没有这个章节：{section}"})
    record = (
        Narrative.objects.select_for_update()
        .filter(region=region, period=period, kind=kind, section=section)
        .first()
    ) or Narrative(region=region, period=period, kind=kind, section=section)
    record.text = text.strip()
    record.author = actor
    record.full_clean()
    concurrency.save_changed(record, actor=actor)
    return record

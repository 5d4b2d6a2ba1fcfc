"""Writes of the tier ladder's qualifications and regional tiers, one transaction each."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock, concurrency
from kechuang.core.choices import Role
from kechuang.core.models import Region, User
from kechuang.core.scoping import can_write_region, is_bureau, require_visible
from kechuang.enterprises.choices import QualificationSource, TierValidity
from kechuang.enterprises.models import Enterprise, PlaqueDelivery, Qualification, Tier
from kechuang.enterprises.selectors.qualifications import (
    may_record_qualifications,
    tier_applies_to,
)

QUALIFICATION_FIELDS = ("tier", "year", "number", "issued_on", "batch")
TIER_FIELDS = (
    "code",
    "name",
    "rank",
    "validity",
    "validity_years",
    "criteria",
    "document",
    "is_example",
)


@transaction.atomic
def qualification_save(
    *,
    actor: User,
    enterprise: Enterprise,
    tier: Tier,
    year: int,
    number: str = "",
    issued_on: datetime.date | None = None,
    source: str = QualificationSource.MANUAL,
    batch: str = "",
    qualification: Qualification | None = None,
) -> Qualification:
    """Records a firm's qualification; validity follows from the tier, never typed.

    Without `qualification`, the record of the same firm, tier and year is updated if it
    exists (so re-importing a list changes nothing); with it, that record is changed.
    """
    if not may_record_qualifications(actor, enterprise):
        raise PermissionDenied("无权登记该企业的资质")
    if not tier_applies_to(tier, enterprise):
        raise ValidationError({"tier": f"{tier.name}不适用于{enterprise.township}的企业"})
    if qualification is None:
        qualification = Qualification.objects.filter(
            enterprise=enterprise, tier=tier, year=year
        ).first() or Qualification(enterprise=enterprise, source=source)
    else:
        # Compare with the stored record: a validated form may already have changed the instance.
        qualification = (
            Qualification.objects.select_for_update(of=("self",))
            .select_related("tier")
            .get(pk=qualification.pk)
        )
        if qualification.enterprise_id != enterprise.pk:
            raise PermissionDenied("资质不属于该企业")
    values = {
        "year": year,
        "number": (number or "").strip(),
        "issued_on": issued_on,
        "batch": (batch or "").strip(),
    }
    changed = qualification.pk is None or qualification.tier_id != tier.pk
    qualification.tier = tier
    for name, value in values.items():
        if getattr(qualification, name) != value:
            setattr(qualification, name, value)
            changed = True
    qualification.full_clean()
    if changed:
        concurrency.save_changed(qualification, actor=actor)
    return qualification


@transaction.atomic
def tier_save(
    *,
    actor: User,
    region: Region | None,
    code: str,
    name: str,
    rank: int,
    validity: str,
    validity_years: int | None = None,
    criteria: str = "",
    document: str = "",
    is_example: bool = False,
) -> Tier:
    """Creates or updates (by code) a tier a region defines; national tiers are not editable.

    Bureau staff and leaders define tiers for their own region or a region inside it.
    """
    if region is None:
        raise PermissionDenied("全国性资质由国家政策确定，不能在此设定")
    if not (is_bureau(actor) and can_write_region(actor, region)):
        raise PermissionDenied(f"无权为{region}设定资质梯次")
    code = (code or "").strip().lower()
    stored = Tier.objects.select_for_update(of=("self",)).select_related("region")
    tier = stored.filter(code=code).first()
    if tier is not None:
        if tier.region_id is None:
            raise PermissionDenied("全国性资质由国家政策确定，不能修改")
        if not can_write_region(actor, tier.region):
            raise PermissionDenied(f"资质代码 {code} 已被{tier.region}使用")
    else:
        tier = Tier(code=code)
    tier.region = region
    tier.name = name
    tier.rank = rank
    tier.validity = validity
    tier.validity_years = validity_years if validity == TierValidity.YEARS else None
    tier.criteria = criteria
    tier.document = document
    tier.is_example = is_example
    tier.full_clean()
    concurrency.save_changed(tier, actor=actor)
    return tier


def may_deliver_plaques(user: User) -> bool:
    """Staff, leaders and liaisons (for the firms whose qualifications they record)."""
    return user.is_authenticated and (
        user.is_superuser or is_bureau(user) or user.role == Role.LIAISON
    )


@transaction.atomic
def plaque_deliver(
    *,
    actor: User,
    qualification: Qualification,
    delivered_on: datetime.date,
    delivered_by: str = "",
    note: str = "",
    photo=None,
) -> PlaqueDelivery:
    """Records that the plaque of a qualification was delivered to the firm (staff and
    liaisons who record the firm's qualifications); once per qualification. `photo`, if
    given, is attached as 现场照片 in the same transaction."""
    require_visible(actor, qualification=qualification)
    qualification = (
        Qualification.objects.select_for_update(of=("self",))
        .select_related("enterprise", "tier")
        .get(pk=qualification.pk)
    )
    if not may_record_qualifications(actor, qualification.enterprise):
        raise PermissionDenied("无权登记该企业的牌匾发放")
    done = PlaqueDelivery.objects.filter(qualification=qualification).first()
    if done is not None:
        raise ValidationError(
            {"qualification": f"该资质的牌匾已于{done.delivered_on:%Y-%m-%d}发放"}
        )
    if delivered_on is None:
        raise ValidationError({"delivered_on": "请填写发放日期"})
    if delivered_on > clock.today():
        raise ValidationError({"delivered_on": "发放日期不能晚于今天"})
    if qualification.issued_on and delivered_on < qualification.issued_on:
        raise ValidationError({"delivered_on": "发放日期不能早于发证日期"})
    delivery = PlaqueDelivery(
        qualification=qualification,
        delivered_on=delivered_on,
        delivered_by=(delivered_by or "").strip() or actor.display_name,
        note=note or "",
    )
    delivery.full_clean()
    concurrency.save_changed(delivery, actor=actor)
    if photo is not None:
        from kechuang.core.attachments import attach

        attach(actor=actor, record=delivery, upload=photo, kind="现场照片")
    return delivery

"""Writes of the tier ladder's qualifications and regional tiers, one transaction each."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import concurrency
from kechuang.core.models import Region, User
from kechuang.core.scoping import can_write_region, is_bureau
from kechuang.enterprises.choices import QualificationSource, TierValidity
from kechuang.enterprises.models import Enterprise, Qualification, Tier
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

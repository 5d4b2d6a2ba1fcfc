"""Every write of the cultivation pool: one function per action, one transaction each."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock, concurrency, workflow
from kechuang.core.choices import RegionLevel
from kechuang.core.models import Region, User
from kechuang.core.scoping import is_bureau
from kechuang.enterprises.choices import POOL_MANAGERS, PoolStatus
from kechuang.enterprises.models import Enterprise, LadderSettings, PoolEntry, Tier

# Roles whose users may be named as a pool firm's liaison cadre.
LIAISON_ROLES = POOL_MANAGERS
LADDER_SETTINGS_FIELDS = (
    "recruit_cutoff",
    "tsme_years",
    "hnte_years",
    "expiry_warning_months",
    "document",
)


def may_manage_pool(user: User) -> bool:
    """Bureau staff and leaders, and township liaisons; never firm, institute or read-only users."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in LIAISON_ROLES


def _check_enterprise(actor: User, enterprise: Enterprise) -> None:
    if not may_manage_pool(actor) or not (
        Enterprise.objects.editable_by(actor).filter(pk=enterprise.pk).exists()
    ):
        raise PermissionDenied(f"无权管理{enterprise}的培育工作")


def _locked_entry(actor: User, entry: PoolEntry) -> PoolEntry:
    """The stored entry, locked for the transaction, if the actor may manage its firm."""
    stored = (
        PoolEntry.objects.editable_by(actor)
        .select_for_update()
        .select_related("enterprise__township", "tier")
        .filter(pk=entry.pk)
        .first()
    )
    if stored is None or not may_manage_pool(actor):
        raise PermissionDenied("无权管理该培育对象")
    return stored


def _check_tier(tier: Tier, enterprise: Enterprise) -> None:
    if tier.region_id is not None and not tier.region.contains(enterprise.township):
        raise ValidationError({"tier": f"“{tier}”是{tier.region}的梯次，不适用于该企业"})


def _check_liaison(liaison: User | None, enterprise: Enterprise) -> None:
    if liaison is None:
        return
    if not liaison.is_active or liaison.role not in LIAISON_ROLES:
        raise ValidationError({"liaison": f"{liaison}不是科技局干部或乡镇联络员"})
    if liaison.region is None or not liaison.region.contains(enterprise.township):
        raise ValidationError({"liaison": f"{liaison}不负责{enterprise.township}"})


def _save(obj, actor: User) -> None:
    obj.full_clean()
    concurrency.save_changed(obj, actor=actor)


@transaction.atomic
def pool_entry_add(
    *,
    actor: User,
    enterprise: Enterprise,
    tier: Tier,
    year: int,
    liaison: User | None = None,
    entered_on: datetime.date | None = None,
    note: str = "",
    status: str = PoolStatus.CANDIDATE,
) -> PoolEntry:
    """Puts a firm in the pool for a target tier and year (status: candidate unless imported)."""
    _check_enterprise(actor, enterprise)
    _check_tier(tier, enterprise)
    _check_liaison(liaison, enterprise)
    entry = PoolEntry(
        enterprise=enterprise,
        tier=tier,
        year=year,
        liaison=liaison,
        status=status,
        entered_on=entered_on or clock.today(),
        note=note,
    )
    _save(entry, actor)
    return entry


def pool_entry_transition(
    *,
    actor: User,
    entry: PoolEntry,
    status: str,
    on: datetime.date | None = None,
    note: str = "",
) -> PoolEntry:
    """Moves an entry along PoolEntry.workflow, dated `on` (today) with the note appended;
    any other move is refused, naming both statuses."""
    return workflow.take(actor, entry, status, comment=note, on=on)


@transaction.atomic
def pool_entry_assign(*, actor: User, entry: PoolEntry, liaison: User | None) -> PoolEntry:
    """Names (or clears) the liaison cadre who follows the firm."""
    stored = _locked_entry(actor, entry)
    _check_liaison(liaison, stored.enterprise)
    stored.liaison = liaison
    _save(stored, actor)
    return stored


@transaction.atomic
def pool_entry_note_set(*, actor: User, entry: PoolEntry, note: str) -> PoolEntry:
    """Replaces the entry's note (the Excel import's 备注 column)."""
    stored = _locked_entry(actor, entry)
    stored.note = note
    _save(stored, actor)
    return stored


def county_of(region: Region | None) -> Region | None:
    """The county a region lies in (itself if a county); None above county level."""
    while region is not None and region.level != RegionLevel.COUNTY:
        if region.level in (RegionLevel.CITY, RegionLevel.PROVINCE):
            return None
        region = region.parent
    return region


@transaction.atomic
def ladder_settings_save(*, actor: User, region: Region, **fields) -> LadderSettings:
    """Bureau staff and leaders of a county: its deadlines for recruited firms and alert window."""
    if (
        not is_bureau(actor)
        or region.level != RegionLevel.COUNTY
        or not (actor.is_superuser or (actor.region and actor.region.contains(region)))
    ):
        raise PermissionDenied(f"无权修改{region}的梯次培育设置")
    settings = LadderSettings.objects.select_for_update().filter(
        region=region
    ).first() or LadderSettings(region=region)
    for name, value in fields.items():
        if name in LADDER_SETTINGS_FIELDS:
            setattr(settings, name, value)
    _save(settings, actor)
    return settings

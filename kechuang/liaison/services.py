"""Every write of the cadre liaison: one function per action, one transaction each. Visits
are logged through the enterprise app's `visit_log`; this app writes only its links."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kechuang.core import clock, concurrency
from kechuang.core.choices import BUREAU_ROLES, RegionLevel
from kechuang.core.models import Region, User
from kechuang.core.scoping import can_write_region, is_bureau, require_editable
from kechuang.enterprises.models import Enterprise
from kechuang.liaison.models import CadreLink

LINK_FIELDS = ("cadre", "valid_from", "valid_until", "note")


def may_manage(user: User) -> bool:
    """Who links cadres to townships and firms: the county's bureau (leaders and staff)."""
    return is_bureau(user)


def _county(actor: User, cadre: User) -> Region:
    """The county of the link: the cadre's, which the actor must be able to write."""
    if not cadre.is_active or cadre.role not in BUREAU_ROLES:
        raise ValidationError({"cadre": f"{cadre}不是科技局干部（局领导或科室工作人员）"})
    county = cadre.region
    if county is None or county.level != RegionLevel.COUNTY:
        raise ValidationError({"cadre": f"{cadre}不是县科技局的干部"})
    if not User.objects.visible_to(actor).filter(pk=cadre.pk).exists():
        raise ValidationError({"cadre": "科技干部不存在或无权查看"})
    if not can_write_region(actor, county):
        raise PermissionDenied(f"无权安排{county}的科技干部联系")
    return county


def _check_townships(county: Region, townships) -> list[Region]:
    townships = list(townships)
    for township in townships:
        if township.level != RegionLevel.TOWNSHIP or township.parent_id != county.pk:
            raise ValidationError(
                {"townships": f"“{township.name}”不是{county.name}的乡镇（街道）"}
            )
    return townships


def _check_firms(actor: User, county: Region, firms) -> list[Enterprise]:
    firms = list(firms)
    visible = set(
        Enterprise.objects.visible_to(actor)
        .filter(pk__in=[f.pk for f in firms], township__parent=county)
        .values_list("pk", flat=True)
    )
    for firm in firms:
        if firm.pk not in visible:
            raise ValidationError({"firms": f"“{firm.name}”不是{county.name}的企业或无权查看"})
    return firms


def _save(actor: User, link: CadreLink, townships, firms) -> None:
    if not townships and not firms:
        raise ValidationError({"townships": "请至少选择一个联系乡镇（街道）或联系企业"})
    link.full_clean()
    concurrency.save_changed(link, actor=actor)
    link._history_user = actor
    link.townships.set(townships)
    link.firms.set(firms)


@transaction.atomic
def cadre_link_create(
    actor: User,
    *,
    cadre: User,
    townships=(),
    firms=(),
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    note: str = "",
) -> CadreLink:
    """Links a cadre to townships of its county and key firms there, from a day (today)."""
    if not may_manage(actor):
        raise PermissionDenied("无权安排科技干部联系")
    county = _county(actor, cadre)
    link = CadreLink(
        cadre=cadre,
        county=county,
        valid_from=valid_from or clock.today(),
        valid_until=valid_until,
        note=note,
    )
    _save(
        actor,
        link,
        _check_townships(county, townships),
        _check_firms(actor, county, firms),
    )
    return link


@transaction.atomic
def cadre_link_update(actor: User, link: CadreLink, *, townships=None, firms=None, **changes):
    """Changes a link's cadre, period, note, townships or firms (those given)."""
    if not may_manage(actor):
        raise PermissionDenied("无权安排科技干部联系")
    require_editable(actor, link=link)
    link = concurrency.locked(CadreLink.objects.all(), link.pk)
    for name, value in changes.items():
        if name not in LINK_FIELDS:
            raise ValidationError({name: "该项不能修改"})
        setattr(link, name, value)
    county = link.county
    # Only a new cadre is checked: the link of a cadre who has left may still be ended.
    if "cadre" in changes and _county(actor, link.cadre).pk != county.pk:
        raise ValidationError({"cadre": "科技干部须是本县的干部"})
    townships = link.townships.all() if townships is None else townships
    firms = link.firms.all() if firms is None else firms
    _save(
        actor,
        link,
        _check_townships(county, townships),
        _check_firms(actor, county, firms),
    )
    return link


@transaction.atomic
def cadre_link_end(actor: User, link: CadreLink, *, on: datetime.date | None = None):
    """Ends a link on a day (today); the townships and firms stay on the record."""
    on = on or clock.today()
    if link.valid_until is not None and link.valid_until <= on:
        raise ValidationError({"valid_until": "该联系已于此前结束"})
    return cadre_link_update(actor, link, valid_until=on)

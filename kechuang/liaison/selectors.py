"""Read queries of the cadre liaison, scoped to the user; visit counts come from the
enterprise app's selectors (the one visit log)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.core.models import Region, User
from kechuang.core.scoping import is_bureau
from kechuang.core.selectors import townships_visible_to
from kechuang.enterprises.selectors.visits import visit_counts
from kechuang.liaison.models import CadreLink


def may_view_table(user: User) -> bool:
    """The bureau, township liaisons (their township) and city/province viewers."""
    return user.is_authenticated and (is_bureau(user) or user.role in (Role.LIAISON, Role.VIEWER))


def current_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    )


def link_list(user: User):
    return (
        CadreLink.objects.visible_to(user)
        .select_related("cadre", "county")
        .prefetch_related("townships", "firms")
    )


@dataclass
class TownshipRow:
    township: Region
    links: list = field(default_factory=list)
    visits: int = 0
    last_visit: datetime.date | None = None

    @property
    def cadres(self) -> list[User]:
        return list({link.cadre_id: link.cadre for link in self.links}.values())

    @property
    def firms(self) -> list:
        return list({f.pk: f for link in self.links for f in link.firms.all()}.values())


def cadre_table(user: User, day: datetime.date | None = None) -> list[TownshipRow]:
    """Every township the user may see (a liaison: its own) with the cadres linked to it on
    `day`, their key firms and the visits to its firms this year up to `day`; townships
    without a cadre first. The links are read for the townships shown, whoever keeps them."""
    day = day or clock.today()
    townships = list(townships_visible_to(user).order_by("code"))
    rows = {t.pk: TownshipRow(t) for t in townships}
    links = (
        CadreLink.objects.filter(current_q(day), townships__in=townships)
        .select_related("cadre")
        .prefetch_related("townships", "firms")
        .distinct()
        .order_by("valid_from", "pk")
    )
    for link in links:
        for township in link.townships.all():
            if township.pk in rows:
                rows[township.pk].links.append(link)
    for pk, (count, latest) in visit_counts(year=day.year, townships=townships, until=day).items():
        rows[pk].visits, rows[pk].last_visit = count, latest
    return sorted(rows.values(), key=lambda r: (bool(r.links), r.township.code))


def visits_url(**params) -> str:
    return f"{reverse('enterprises:visit_list')}?{urlencode(params)}"


def own_links(user: User, day: datetime.date | None = None):
    day = day or clock.today()
    return (
        CadreLink.objects.visible_to(user)
        .filter(current_q(day), cadre=user)
        .prefetch_related("townships", "firms")
    )


def home_widgets(user: User) -> list[dict]:
    """A cadre's townships and key firms, and the visits to them this year."""
    if not is_bureau(user):
        return []
    day = clock.today()
    links = list(own_links(user, day))
    if not links:
        return []
    townships = {t.pk: t for link in links for t in link.townships.all()}
    firms = {f.pk: f for link in links for f in link.firms.all()}
    by_township = visit_counts(year=day.year, townships=list(townships), until=day)
    by_firm = visit_counts(year=day.year, enterprises=list(firms), until=day)
    table = reverse("liaison:cadre_table")
    widgets = [
        {
            "title": f"联系乡镇今年走访：{'、'.join(t.name for t in townships.values()) or '—'}",
            "value": f"{sum(n for n, _ in by_township.values())} 次",
            "url": table,
        }
    ]
    if firms:
        widgets.append(
            {
                "title": f"联系企业今年走访：{'、'.join(f.name for f in firms.values())}",
                "value": f"{sum(n for n, _ in by_firm.values())} 次",
                "url": table,
            }
        )
    return widgets

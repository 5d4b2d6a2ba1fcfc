"""The one place that decides which records a user may see and change.

A model declares how it belongs to the region tree, an enterprise or an
institute with a `scope = Scope(...)` attribute and uses ScopedQuerySet as its
manager; views, the API and exports fetch records only through
`Model.objects.visible_to(user)` / `.editable_by(user)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from kechuang.core.choices import BUREAU_ROLES, READ_ONLY_REGION_ROLES, Role

if TYPE_CHECKING:
    from kechuang.core.models import Region, User

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """How a record belongs to the region tree, an enterprise or an institute.

    region: path to the Region the record belongs to ("" means the record is a Region);
    region_code: path to a field holding a region code, for records without a Region key;
    enterprise / institution: path to the enterprise's or institute's primary key.
    """

    region: str | None = None
    region_code: str | None = None
    enterprise: str | None = None
    institution: str | None = None

    def region_q(self, region: Region) -> Q:
        if self.region is not None:
            path = f"{self.region}__code" if self.region else "code"
            return Q(**{f"{path}__startswith": region.prefix})
        if self.region_code is not None:
            return Q(**{f"{self.region_code}__startswith": region.prefix})
        return NOTHING


def _scope_of(model: type[models.Model]) -> Scope:
    scope = getattr(model, "scope", None)
    if not isinstance(scope, Scope):
        raise TypeError(f"{model.__name__} declares no Scope")
    return scope


def scope_q(model: type[models.Model], user: User, *, write: bool) -> Q | None:
    """The filter a user's view of `model` is limited to; None means everything."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return None
    scope = _scope_of(model)
    role = user.role
    if role == Role.ENTERPRISE:
        if scope.enterprise is None or user.enterprise_id is None:
            return NOTHING
        return Q(**{scope.enterprise: user.enterprise_id})
    if role == Role.INSTITUTE:
        if scope.institution is None or user.institution_id is None:
            return NOTHING
        return Q(**{scope.institution: user.institution_id})
    if write and role in READ_ONLY_REGION_ROLES:
        return NOTHING
    if role in BUREAU_ROLES or role in READ_ONLY_REGION_ROLES or role == Role.LIAISON:
        if user.region_id is None:
            return NOTHING
        return scope.region_q(user.region)
    return NOTHING


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see or change."""

    def visible_to(self, user: User) -> ScopedQuerySet:
        q = scope_q(self.model, user, write=False)
        return self if q is None else self.filter(q)

    def editable_by(self, user: User) -> ScopedQuerySet:
        q = scope_q(self.model, user, write=True)
        return self if q is None else self.filter(q)


def get_visible_or_404(model: type[models.Model], user: User, **lookup) -> models.Model:
    """The record if the user may see it; 404 otherwise, so others' records are not revealed."""
    try:
        return model.objects.visible_to(user).get(**lookup)
    except model.DoesNotExist as exc:
        raise Http404("记录不存在或无权查看") from exc


def get_editable_or_403(model: type[models.Model], user: User, **lookup) -> models.Model:
    """The record if the user may change it; 404 if unseen, 403 if seen but read-only."""
    obj = get_visible_or_404(model, user, **lookup)
    if not model.objects.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied("无权修改该记录")
    return obj


def can_write_region(user: User, region: Region | None) -> bool:
    """Whether the user may create or move records into this region."""
    if user.is_superuser:
        return True
    if region is None or user.region is None:
        return False
    if user.role in BUREAU_ROLES or user.role == Role.LIAISON:
        return user.region.contains(region)
    return False


def can_see_contacts(user: User) -> bool:
    """Whether contact persons and phone numbers are shown unmasked to this user."""
    from kechuang.core.choices import CONTACT_ROLES

    return user.is_superuser or user.role in CONTACT_ROLES


def is_bureau(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in BUREAU_ROLES)

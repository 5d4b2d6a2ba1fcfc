"""The one place that decides which records a user may see and change.

A model declares how it belongs to the region tree, an enterprise or an
institute with a `scope = Scope(...)` attribute and uses ScopedQuerySet as its
manager; views, the API and exports fetch records only through
`Model.objects.visible_to(user)` / `.editable_by(user)`, and services re-check
every record they link or change with `require_visible` / `require_editable`.

A record attached to another of any model (an attachment, through `content_type` and
`object_id`) declares `Scope(generic=...)`: it is seen and changed exactly when the record
it belongs to is.

Two rules widen reading, never writing:
- published material (`Scope.public`, e.g. an achievement or demand marked 已发布)
  is readable by every signed-in user;
- records kept at a region above the user's (`Scope.read_up`, e.g. a county's
  industry chains) are readable by the users of the regions below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
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
    enterprise / institution: path to the enterprise's or institute's primary key;
    public: the records every signed-in user may read (published material);
    read_up: users of a region read the records kept at the regions above it;
    commissioner: path to the User a commissioner's own records belong to: a commissioner
      user reads and changes only those (e.g. its service logs), not its region's;
    generic: for a record linked by `content_type` + `object_id` to a record of any model
      that has the class attribute of this name: visible and editable exactly when that
      record is (its model's own scope decides).
    """

    region: str | None = None
    region_code: str | None = None
    enterprise: str | None = None
    institution: str | None = None
    public: Q | None = None
    read_up: bool = False
    generic: str | None = None
    commissioner: str | None = None

    def region_q(self, region: Region) -> Q:
        if self.region is not None:
            path = f"{self.region}__code" if self.region else "code"
            return Q(**{f"{path}__startswith": region.prefix})
        if self.region_code is not None:
            return Q(**{f"{self.region_code}__startswith": region.prefix})
        return NOTHING

    def ancestors_q(self, region: Region) -> Q:
        """Records kept at the regions above `region` (by their GB/T 2260 codes)."""
        path = f"{self.region}__code" if self.region else "code"
        codes = {region.code[:n].ljust(6, "0") for n in (2, 4, 6) if len(region.code) > n}
        return Q(**{f"{path}__in": sorted(codes)}) if codes and self.region is not None else NOTHING


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
    if scope.generic is not None:
        if write:
            return generic_q(scope, lambda records: records.editable_by(user))
        return generic_q(scope, lambda records: records.visible_to(user))
    own = _own_q(scope, user, write=write)
    if write:
        return own
    if scope.read_up and user.region_id is not None:
        own |= scope.ancestors_q(user.region)
    if scope.public is not None:
        own |= scope.public
    return own


def _own_q(scope: Scope, user: User, *, write: bool) -> Q:
    """The records of the user's own region, enterprise or institute."""
    role = user.role
    if role == Role.ENTERPRISE:
        if scope.enterprise is None or user.enterprise_id is None:
            return NOTHING
        return Q(**{scope.enterprise: user.enterprise_id})
    if role == Role.INSTITUTE:
        if scope.institution is None or user.institution_id is None:
            return NOTHING
        return Q(**{scope.institution: user.institution_id})
    if role == Role.COMMISSIONER and scope.commissioner is not None:
        return Q(**{scope.commissioner: user.pk})
    if write and role in READ_ONLY_REGION_ROLES:
        return NOTHING
    if role in BUREAU_ROLES or role in READ_ONLY_REGION_ROLES or role == Role.LIAISON:
        if user.region_id is None:
            return NOTHING
        return scope.region_q(user.region)
    return NOTHING


def generic_models(marker: str) -> list[type[models.Model]]:
    """The scoped models that declare the class attribute `marker` (e.g. attachment_kinds)."""
    return [
        m
        for m in apps.get_models()
        if hasattr(m, marker) and isinstance(getattr(m, "scope", None), Scope)
    ]


def generic_q(scope: Scope, narrow: Callable[[ScopedQuerySet], models.QuerySet]) -> Q:
    """Records linked to a record of a `scope.generic` model that `narrow` keeps: one
    subquery per such model, so the filter stays one query."""
    from django.contrib.contenttypes.models import ContentType

    q = NOTHING
    for model in generic_models(scope.generic):
        content_type = ContentType.objects.get_for_model(model)
        records = narrow(model._default_manager.all()).values("pk")
        q |= Q(content_type=content_type.pk, object_id__in=records)
    return q


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see or change."""

    def visible_to(self, user: User) -> ScopedQuerySet:
        q = scope_q(self.model, user, write=False)
        return self if q is None else self.filter(q)

    def editable_by(self, user: User) -> ScopedQuerySet:
        q = scope_q(self.model, user, write=True)
        return self if q is None else self.filter(q)

    def visible_to_enterprise(self, enterprise_id: int) -> ScopedQuerySet:
        """What an enterprise's users read: its own records and published material."""
        scope = _scope_of(self.model)
        if scope.generic is not None:
            return self.filter(
                generic_q(scope, lambda records: records.visible_to_enterprise(enterprise_id))
            )
        q = Q(**{scope.enterprise: enterprise_id}) if scope.enterprise else NOTHING
        return self.filter(q | scope.public if scope.public is not None else q)

    def owned_by(self, user: User) -> ScopedQuerySet:
        """What the user reads by right of region, enterprise or institute, without the
        published material of others: for counts and figures of the user's own area."""
        if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
            return self
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        scope = _scope_of(self.model)
        if scope.generic is not None:
            return self.filter(generic_q(scope, lambda records: records.owned_by(user)))
        return self.filter(_own_q(scope, user, write=False))


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


def require_visible(user: User, **records: models.Model | None) -> None:
    """Refuses, naming the field, any linked record the user may not see (the same answer
    as for a record that does not exist, so others' records are not revealed)."""
    _require(user, records, write=False)


def require_editable(user: User, **records: models.Model | None) -> None:
    """Refuses, naming the field, any record the user may not change."""
    _require(user, records, write=True)


def _require(user: User, records: dict, *, write: bool) -> None:
    from django.core.exceptions import ValidationError

    errors = {}
    for field, record in records.items():
        if record is None or record.pk is None:
            continue
        model = type(record)
        q = scope_q(model, user, write=write)
        if q is not None and not model._base_manager.filter(q, pk=record.pk).exists():
            verb = "修改" if write else "使用"
            errors[field] = f"{model._meta.verbose_name}“{record}”不存在或无权{verb}"
    if errors:
        raise ValidationError(errors)


def can_write_region(user: User, region: Region | None) -> bool:
    """Whether the user may create or move records into this region."""
    if user.is_superuser:
        return True
    if region is None or user.region is None:
        return False
    if user.role in BUREAU_ROLES or user.role == Role.LIAISON:
        return user.region.contains(region)
    return False


def linkable_regions(user) -> models.QuerySet:
    """Regions a user may file records under: their own subtree (see can_write_region);
    a firm's or institute's user only its own region, so it can send its profile back."""
    from kechuang.core.models import Region

    regions = Region.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return regions.none()
    if user.is_superuser:
        return regions
    if user.region_id and (user.role in BUREAU_ROLES or user.role == Role.LIAISON):
        return regions.filter(code__startswith=user.region.prefix)
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return regions.filter(enterprises__pk=user.enterprise_id)
    if user.role == Role.INSTITUTE and user.institution_id:
        return regions.filter(institutions__pk=user.institution_id)
    return regions.none()


def can_see_contacts(user: User) -> bool:
    """Whether contact persons and phone numbers are shown unmasked to this user."""
    from kechuang.core.choices import CONTACT_ROLES

    return user.is_superuser or user.role in CONTACT_ROLES


def is_bureau(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in BUREAU_ROLES)

"""What the eligibility engine is told about firms: figures of the last fiscal years and
the qualifications that matter, fetched for many firms in a fixed number of queries."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from kechuang.enterprises.models import EnterpriseYear, Qualification

ASSESSED_YEARS = 3


def with_assessment_data(enterprises: QuerySet, *, as_of: datetime.date) -> QuerySet:
    """Firms with `assessment_years` (up to three fiscal years before as_of, oldest first)
    and `hnte_valid` (a high-tech certificate valid on as_of)."""
    years = EnterpriseYear.objects.filter(
        year__gte=as_of.year - ASSESSED_YEARS, year__lt=as_of.year
    ).order_by("year")
    hnte = Qualification.objects.filter(
        enterprise=OuterRef("pk"), tier__code="hnte", valid_from__lte=as_of, valid_until__gte=as_of
    )
    return enterprises.prefetch_related(
        Prefetch("years", queryset=years, to_attr="assessment_years")
    ).annotate(hnte_valid=Exists(hnte))


def screening_candidates(
    user, *, tier, year: int, as_of: datetime.date, township=None, whole_township: bool = False
) -> QuerySet:
    """Firms to screen for a tier: the pool's entries for that tier and year, or every
    active firm of a township; scoped to the user, with their assessment data."""
    from django.db.models import OuterRef, Subquery

    from kechuang.enterprises.choices import EnterpriseStatus
    from kechuang.enterprises.models import Enterprise, PoolEntry

    firms = Enterprise.objects.visible_to(user).select_related("township")
    entries = PoolEntry.objects.filter(enterprise=OuterRef("pk"), tier=tier, year=year)
    if whole_township:
        firms = firms.filter(status=EnterpriseStatus.ACTIVE)
    else:
        firms = firms.filter(Exists(entries))
    if township is not None:
        firms = firms.filter(township=township)
    firms = firms.annotate(pool_status=Subquery(entries.values("status")[:1]))
    return with_assessment_data(firms.order_by("township__code", "name"), as_of=as_of)

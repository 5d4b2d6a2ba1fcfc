"""Read queries of the visit log, scoped to the user; counts for other apps (liaison)."""

import datetime

from django.db.models import Count, Max, Q

from kechuang.core.models import User
from kechuang.enterprises.models import Enterprise, Visit


def visit_list(user: User):
    return Visit.objects.visible_to(user).select_related(
        "enterprise__township", "entry__tier", "recorded_by"
    )


def visits_of_enterprise(enterprise: Enterprise, user: User):
    return visit_list(user).filter(enterprise=enterprise)


def record_sections(enterprise: Enterprise, user: User) -> list[dict]:
    """All the firm's visits the user may see, and a link to log one for those who may."""
    from kechuang.enterprises.services.visits import may_record_visit

    visits = list(visits_of_enterprise(enterprise, user))
    may_add = may_record_visit(user, enterprise)
    if not visits and not may_add:
        return []
    return [
        {
            "title": "走访记录",
            "template": "enterprises/_section_visits.html",
            "context": {"enterprise": enterprise, "visits": visits, "may_add": may_add},
        }
    ]


def visit_counts(
    *, year: int, townships=None, enterprises=None, until: datetime.date | None = None
) -> dict[int, tuple[int, datetime.date | None]]:
    """{township id: (visits, latest visit day)} in the year (by the firm's township), or by
    firm when `enterprises` (ids) is given; one grouped query, not scoped (the caller decides
    who reads the counts of which townships)."""
    visits = Visit.objects.filter(visited_on__year=year)
    if until is not None:
        visits = visits.filter(visited_on__lte=until)
    if enterprises is not None:
        key = "enterprise_id"
        visits = visits.filter(enterprise_id__in=list(enterprises))
    else:
        key = "enterprise__township_id"
        visits = visits.filter(enterprise__township__in=townships)
    rows = visits.values(key).annotate(n=Count("id"), latest=Max("visited_on")).order_by()
    return {row[key]: (row["n"], row["latest"]) for row in rows}


def visits_in(year: int, *, townships=(), enterprises=()) -> Q:
    """The visits of a year to firms in the townships or to the firms given (for links)."""
    return Q(visited_on__year=year) & (
        Q(enterprise__township__in=townships) | Q(enterprise__in=enterprises)
    )

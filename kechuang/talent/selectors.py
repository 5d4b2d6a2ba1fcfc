"""Read queries of the talent app, scoped to the user."""

from __future__ import annotations

from django.db.models import QuerySet

from kechuang.core.models import User
from kechuang.talent.models import TalentPayment, TalentProgram, TalentProject


def program_list(user: User) -> QuerySet[TalentProgram]:
    return TalentProgram.objects.visible_to(user).order_by("name")


def project_list(user: User) -> QuerySet[TalentProject]:
    return (
        TalentProject.objects.visible_to(user)
        .select_related("program", "host_enterprise", "region")
        .order_by("-contacted_on", "pk")
    )


def payments_of(project: TalentProject, user: User) -> QuerySet[TalentPayment]:
    return TalentPayment.objects.visible_to(user).filter(project=project)


def project_sections(user: User, enterprise) -> list[dict]:
    """The enterprise page's 人才项目 section, when the firm hosts projects the user may see."""
    projects = list(project_list(user).filter(host_enterprise=enterprise))
    if not projects:
        return []
    return [
        {
            "title": "人才项目",
            "template": "talent/_section_projects.html",
            "context": {"projects": projects},
        }
    ]

"""Read queries of the institutions, scoped to the user."""

from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.institutions.models import Institution


def institution_list(user):
    return Institution.objects.visible_to(user).select_related("region")


def record_sections(institution, user) -> list[dict]:
    """Sections other apps add to the institution page through `institution_sections(
    institution, user)` on their AppConfig: {"title", "template", "context"}."""
    from django.apps import apps

    sections = []
    for config in apps.get_app_configs():
        provider = getattr(config, "institution_sections", None)
        if provider:
            sections.extend(provider(institution, user))
    return sections


def home_widgets(user) -> list[dict]:
    if user.role == Role.INSTITUTE:
        if user.institution_id is None:
            return []
        return [
            {
                "title": "本院所档案",
                "value": user.institution.name,
                "url": reverse("institutions:institution_detail", args=[user.institution_id]),
            }
        ]
    if user.role == Role.ENTERPRISE:
        return []
    count = Institution.objects.visible_to(user).count()
    return [{"title": "合作院所", "value": count, "url": reverse("institutions:institution_list")}]

"""Read queries of the institutions, scoped to the user."""

from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.institutions.models import Institution


def institution_list(user):
    return Institution.objects.visible_to(user).select_related("region")


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

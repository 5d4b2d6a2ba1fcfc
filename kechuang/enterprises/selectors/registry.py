"""Read queries of the enterprise registry, scoped to the user."""

from django.db.models import Count, Q
from django.urls import reverse

from kechuang.core.choices import Role
from kechuang.core.models import User
from kechuang.enterprises.choices import EnterpriseStatus
from kechuang.enterprises.models import Enterprise


def enterprise_list(user: User):
    return Enterprise.objects.visible_to(user).select_related("township")


def enterprise_counts(user: User) -> dict[str, int]:
    """Counts for the home page: one query."""
    counts = Enterprise.objects.visible_to(user).aggregate(
        n_total=Count("pk", filter=Q(status=EnterpriseStatus.ACTIVE)),
        n_above_scale=Count("pk", filter=Q(status=EnterpriseStatus.ACTIVE, above_scale=True)),
        n_above_scale_mfg=Count(
            "pk", filter=Q(status=EnterpriseStatus.ACTIVE, above_scale=True, manufacturing=True)
        ),
        n_above_scale_mfg_rnd=Count(
            "pk",
            filter=Q(
                status=EnterpriseStatus.ACTIVE,
                above_scale=True,
                manufacturing=True,
                rnd_active=True,
            ),
        ),
    )
    return {key.removeprefix("n_"): value for key, value in counts.items()}


def home_widgets(user: User) -> list[dict]:
    if user.role == Role.ENTERPRISE:
        if user.enterprise_id is None:
            return []
        return [
            {
                "title": "本企业档案",
                "value": user.enterprise.name,
                "url": reverse("enterprises:enterprise_detail", args=[user.enterprise_id]),
            }
        ]
    if user.role == Role.INSTITUTE:
        return []
    counts = enterprise_counts(user)
    url = reverse("enterprises:enterprise_list")
    share = (
        f"{counts['above_scale_mfg_rnd'] * 100 / counts['above_scale_mfg']:.2f}%"
        if counts["above_scale_mfg"]
        else "—"
    )
    return [
        {"title": "在营企业", "value": counts["total"], "url": url},
        {"title": "规上企业", "value": counts["above_scale"], "url": f"{url}?above_scale=true"},
        {
            "title": "规上制造业企业",
            "value": counts["above_scale_mfg"],
            "url": f"{url}?above_scale=true&manufacturing=true",
        },
        {
            "title": "规上制造业有研发活动占比",
            "value": share,
            "url": f"{url}?above_scale=true&manufacturing=true&rnd_active=true",
        },
    ]

"""Achievement pages: list, detail (with the engine's demands for staff), create, edit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kechuang.core import concurrency
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import (
    can_see_contacts,
    get_editable_or_403,
    get_visible_or_404,
    is_bureau,
)
from kechuang.transfer import selectors, services
from kechuang.transfer.filters import AchievementFilter
from kechuang.transfer.forms import AchievementForm
from kechuang.transfer.models import Achievement, Demand
from kechuang.transfer.views.matches import suggestions


def achievement_list(request):
    """Every signed-in user: the achievements they may see (an institute's user: its own)."""
    filterset = AchievementFilter(
        request.GET or None, queryset=selectors.achievement_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": services.may_post_achievement(request.user),
    }
    template = page_or_fragment(
        request, "transfer/achievement_list.html", "transfer/achievement_table.html"
    )
    return render(request, template, context)


def _demands_for(achievement: Achievement, user) -> tuple[list[dict], str]:
    """Demands the achievement may answer: those the user reads whose firm may read the
    achievement (all firms when it is published), as on the demand's side."""
    readable = Demand.objects.visible_to(user)
    if not achievement.published:
        readable = readable.filter(enterprise_id=achievement.owner_enterprise_id)
    found, note = suggestions(
        "achievement", achievement, allowed=list(readable.values_list("pk", flat=True))
    )
    demands = {
        d.code: d
        for d in readable.filter(code__in=[s["code"] for s in found]).select_related("enterprise")
    }
    return [{**s, "demand": demands[s["code"]]} for s in found if s["code"] in demands], note


def achievement_detail(request, pk: int):
    """Whoever may see the achievement; bureau staff also see the demands it may answer."""
    achievement = get_visible_or_404(Achievement, request.user, pk=pk)
    editable = Achievement.objects.editable_by(request.user).filter(pk=pk).exists()
    context = {
        "achievement": achievement,
        "editable": editable,
        "show_contacts": editable or can_see_contacts(request.user),
        "matches": selectors.match_list(request.user).filter(achievement=achievement),
    }
    if is_bureau(request.user):
        context["demands"], context["demands_note"] = _demands_for(achievement, request.user)
    return render(request, "transfer/achievement_detail.html", context)


def achievement_create(request):
    """Institute users (their institution), firm users (their firm) and bureau staff."""
    if not services.may_post_achievement(request.user):
        raise PermissionDenied("无权登记科技成果")
    form = AchievementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            achievement = services.achievement_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记科技成果“{achievement.title}”")
            return redirect("transfer:achievement_detail", pk=achievement.pk)
    return render(request, "transfer/achievement_edit.html", {"form": form, "creating": True})


def achievement_edit(request, pk: int):
    """Whoever may change the achievement (its own institute or firm, or bureau staff)."""
    achievement = get_editable_or_403(Achievement, request.user, pk=pk)
    form = AchievementForm(request.POST or None, instance=achievement, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(achievement, form.version):
                services.achievement_save(
                    actor=request.user, achievement=achievement, **form.cleaned_data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "成果已保存")
            return redirect("transfer:achievement_detail", pk=achievement.pk)
    return render(
        request,
        "transfer/achievement_edit.html",
        {"form": form, "achievement": achievement, "creating": False},
    )

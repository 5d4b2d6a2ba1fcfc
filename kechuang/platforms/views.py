"""Platform pages: thin wrappers over the filters, selectors and services."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import clock, workflow
from kechuang.core.forms import add_service_errors, save_changes
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.platforms import criteria, selectors, services, sheets
from kechuang.platforms.filters import PlatformFilter
from kechuang.platforms.forms import EvaluationForm, PlatformForm
from kechuang.platforms.models import Platform, PlatformEvaluation


def platform_list(request):
    """Every signed-in user: the platforms they may see (a host's user: its own)."""
    filterset = PlatformFilter(
        request.GET or None, queryset=selectors.platform_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": services.may_register(request.user),
    }
    template = page_or_fragment(
        request, "platforms/platform_list.html", "platforms/_platform_table.html"
    )
    return render(request, template, context)


def _detail_context(request, platform: Platform, **extra) -> dict:
    editable = Platform.objects.editable_by(request.user).filter(pk=platform.pk).exists()
    evaluations = list(selectors.evaluations_of(platform, request.user))
    for evaluation in evaluations:
        evaluation.sheet_title = _sheet_title(evaluation.sheet)
    context = {
        "platform": platform,
        "editable": editable,
        "moves": workflow.moves_for(request.user, platform, editable=editable),
        "transitions": workflow.history_of(platform) if editable else None,
        "evaluations": evaluations,
        "may_evaluate": editable
        and services.may_evaluate(request.user)
        and platform.status in services.EVALUATED_STATES
        and bool(sheets.sheets_for(platform.type)),
        "check": criteria.criteria_check(platform, as_of=clock.today()),
    }
    context.update(extra)
    return context


def _sheet_title(key: str) -> str:
    try:
        return sheets.load_sheet(key).title
    except ValueError:
        return key


def platform_detail(request, pk: int):
    """Whoever may see the platform: its record, moves, history, evaluations and, while it is
    planned or preparing, the recognition criteria checked on the host firm's data."""
    platform = get_visible_or_404(Platform, request.user, pk=pk)
    return render(request, "platforms/platform_detail.html", _detail_context(request, platform))


def platform_create(request):
    """Bureau staff and leaders, liaisons (their township's firms), a firm's own user."""
    if not services.may_register(request.user):
        raise PermissionDenied("无权登记科创平台")
    form = PlatformForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            platform = services.platform_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记平台“{platform.name}”")
            return redirect("platforms:platform_detail", pk=platform.pk)
    return render(request, "platforms/platform_edit.html", {"form": form, "creating": True})


def platform_edit(request, pk: int):
    """Whoever may change the platform: edit its record (a host's user: application data)."""
    platform = get_editable_or_403(Platform, request.user, pk=pk)
    form = PlatformForm(request.POST or None, instance=platform, user=request.user)
    save = partial(services.platform_update, actor=request.user, platform=platform)
    if request.method == "POST" and form.is_valid() and save_changes(form, platform, save):
        messages.success(request, "平台已保存")
        return redirect("platforms:platform_detail", pk=platform.pk)
    return render(
        request,
        "platforms/platform_edit.html",
        {"form": form, "platform": platform, "creating": False},
    )


@require_POST
def platform_transition(request, pk: int):
    """Whoever may move the platform (see the workflow's declaration); htmx gets the status
    fragment back."""
    platform = get_visible_or_404(Platform, request.user, pk=pk)
    platform, error = workflow.take_from_post(request, platform)
    template = page_or_fragment(
        request, "platforms/platform_detail.html", "platforms/_platform_status.html"
    )
    if template == "platforms/platform_detail.html":
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"平台状态已改为“{platform.get_status_display()}”")
        return redirect("platforms:platform_detail", pk=platform.pk)
    return render(request, template, _detail_context(request, platform, status_error=error))


def _evaluation_page(request, platform: Platform, evaluation: PlatformEvaluation | None):
    if not services.may_evaluate(request.user):
        raise PermissionDenied("只有科技局工作人员可以录入平台评价")
    form = EvaluationForm(request.POST or None, platform=platform, evaluation=evaluation)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_save(
                actor=request.user,
                platform=platform,
                evaluation=evaluation,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "年度评价已保存")
            return redirect("platforms:platform_detail", pk=platform.pk)
    return render(
        request,
        "platforms/evaluation_edit.html",
        {"form": form, "sheet": form.score_sheet, "platform": platform, "evaluation": evaluation},
    )


def evaluation_create(request, pk: int):
    """Bureau staff and leaders: enter a year's evaluation of a platform they may change."""
    platform = get_editable_or_403(Platform, request.user, pk=pk)
    return _evaluation_page(request, platform, None)


def evaluation_edit(request, pk: int):
    """Bureau staff and leaders: correct an evaluation."""
    evaluation = get_editable_or_403(PlatformEvaluation, request.user, pk=pk)
    return _evaluation_page(request, evaluation.platform, evaluation)

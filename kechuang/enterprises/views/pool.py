"""Pages of the cultivation pool: list, funnel, entry with status, liaison and visits, import."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import clock, workflow
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_visible_or_404
from kechuang.enterprises import services
from kechuang.enterprises.forms.pool import (
    AssignForm,
    PoolEntryFilter,
    PoolEntryForm,
    VisitForm,
)
from kechuang.enterprises.models import Enterprise, PoolEntry
from kechuang.enterprises.selectors import pool as selectors
from kechuang.enterprises.services.pool import may_manage_pool


def poolentry_list(request):
    """Every signed-in user: the pool entries they may see, by township and status."""
    filterset = PoolEntryFilter(
        request.GET or None, queryset=selectors.pool_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "matrix": selectors.pool_matrix(filterset.qs),
        "may_manage": may_manage_pool(request.user),
    }
    template = page_or_fragment(
        request, "enterprises/poolentry_list.html", "enterprises/poolentry_table.html"
    )
    return render(request, template, context)


def poolentry_funnel(request):
    """Every signed-in user: the funnel per tier for a year; data from poolentry_funnel_data."""
    years = selectors.pool_years(request.user)
    return render(
        request,
        "enterprises/poolentry_funnel.html",
        {
            "years": years or [clock.today().year],
            "townships": selectors.townships_for_funnel(request.user),
        },
    )


def poolentry_create(request):
    """Staff, leaders and liaisons: put a firm of their area in the pool."""
    if not may_manage_pool(request.user):
        raise PermissionDenied("无权管理培育库")
    initial = {}
    firm_pk = request.GET.get("enterprise", "")
    if firm_pk.isdigit():
        firm = Enterprise.objects.editable_by(request.user).filter(pk=firm_pk).first()
        if firm is not None:
            initial["enterprise"] = firm.credit_code
    form = PoolEntryForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.pool_entry_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已将{entry.enterprise}列入{entry.year}年{entry.tier}培育库")
            return redirect("enterprises:poolentry_detail", pk=entry.pk)
    return render(request, "enterprises/poolentry_edit.html", {"form": form})


def _detail_context(request, entry: PoolEntry, **extra) -> dict:
    manage = may_manage_pool(request.user) and (
        PoolEntry.objects.editable_by(request.user).filter(pk=entry.pk).exists()
    )
    context = {
        "entry": entry,
        "may_manage": manage,
        "moves": workflow.moves_for(request.user, entry, editable=manage),
        "transitions": workflow.history_of(entry),
        "visits": selectors.visits_of(entry, request.user),
        "today": clock.today(),
    }
    if manage:
        context["assign_form"] = AssignForm(user=request.user, entry=entry)
        context["visit_form"] = VisitForm()
    context.update(extra)
    return context


def poolentry_detail(request, pk: int):
    """Whoever may see the firm: the entry, its status moves, liaison and visit log."""
    entry = get_visible_or_404(PoolEntry, request.user, pk=pk)
    return render(request, "enterprises/poolentry_detail.html", _detail_context(request, entry))


@require_POST
def poolentry_transition(request, pk: int):
    """Whoever may manage the firm: move the entry; htmx gets the status fragment back."""
    entry = get_visible_or_404(PoolEntry, request.user, pk=pk)
    entry, error = workflow.take_from_post(request, entry)
    template = page_or_fragment(
        request, "enterprises/poolentry_detail.html", "enterprises/poolentry_status.html"
    )
    if template == "enterprises/poolentry_detail.html" and not error:
        messages.success(request, f"状态已改为“{entry.get_status_display()}”")
        return redirect("enterprises:poolentry_detail", pk=entry.pk)
    return render(request, template, _detail_context(request, entry, status_error=error))


@require_POST
def poolentry_assign(request, pk: int):
    """Whoever may manage the firm: name its liaison cadre."""
    entry = get_visible_or_404(PoolEntry, request.user, pk=pk)
    if not may_manage_pool(request.user):
        raise PermissionDenied("无权管理该培育对象")
    form = AssignForm(request.POST, user=request.user, entry=entry)
    if form.is_valid():
        try:
            services.pool_entry_assign(
                actor=request.user, entry=entry, liaison=form.cleaned_data["liaison"]
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "联系干部已更新")
    else:
        messages.error(request, "请从列表中选择联系干部")
    return redirect("enterprises:poolentry_detail", pk=entry.pk)


def visit_create(request, pk: int):
    """Whoever may manage the firm: add a visit to its log."""
    entry = get_visible_or_404(PoolEntry, request.user, pk=pk)
    if request.method != "POST":
        return redirect("enterprises:poolentry_detail", pk=entry.pk)
    form = VisitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.visit_log(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "走访记录已添加")
            return redirect("enterprises:poolentry_detail", pk=entry.pk)
    return render(
        request,
        "enterprises/poolentry_detail.html",
        _detail_context(request, entry, visit_form=form),
    )

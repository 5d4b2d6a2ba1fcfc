"""Technology demand pages: list, detail with the engine's suggestions, create, edit, status."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import concurrency, workflow
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.transfer import selectors, services
from kechuang.transfer.choices import RejectReason
from kechuang.transfer.filters import DemandFilter
from kechuang.transfer.forms import DemandForm
from kechuang.transfer.models import Demand
from kechuang.transfer.views.matches import demand_suggestions, suggestion_urls


def demand_list(request):
    """Every signed-in user: the demands they may see (a firm's user: its own)."""
    filterset = DemandFilter(
        request.GET or None, queryset=selectors.demand_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": services.may_post_demand(request.user),
    }
    template = page_or_fragment(request, "transfer/demand_list.html", "transfer/demand_table.html")
    return render(request, template, context)


def _detail_context(request, demand: Demand, **extra) -> dict:
    editable = Demand.objects.editable_by(request.user).filter(pk=demand.pk).exists()
    may_match = editable and services.may_manage_matches(request.user)
    matches = selectors.matches_of(demand, request.user)
    context = {
        "demand": demand,
        "editable": editable,
        "may_match": may_match,
        "moves": workflow.moves_for(request.user, demand, editable=editable),
        # Who moved it and why is for those who may change it, not every reader.
        "transitions": workflow.history_of(demand, *matches) if editable else None,
        "matches": matches,
        "reject_reasons": RejectReason.choices,
    }
    if may_match:
        context["suggestions"], context["suggestions_note"] = demand_suggestions(
            demand, request.user
        )
        context["feedback"] = selectors.feedback_of(demand, request.user)
        context.update(suggestion_urls(demand))
    context.update(extra)
    return context


def demand_detail(request, pk: int):
    """Whoever may see the demand: the firm, chain and node, its matches; staff and liaisons
    also get the engine's suggestions with 采纳 / 不采纳."""
    demand = get_visible_or_404(Demand, request.user, pk=pk)
    return render(request, "transfer/demand_detail.html", _detail_context(request, demand))


def demand_create(request):
    """Firm users (their own firm), liaisons (their township's firms) and bureau staff."""
    if not services.may_post_demand(request.user):
        raise PermissionDenied("无权登记技术需求")
    form = DemandForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记技术需求“{demand.title}”")
            return redirect("transfer:demand_detail", pk=demand.pk)
    return render(request, "transfer/demand_edit.html", {"form": form, "creating": True})


def demand_edit(request, pk: int):
    """Whoever may change the demand's firm: edit the demand."""
    demand = get_editable_or_403(Demand, request.user, pk=pk)
    form = DemandForm(request.POST or None, instance=demand, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(demand, form.version):
                services.demand_save(actor=request.user, demand=demand, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "需求已保存")
            return redirect("transfer:demand_detail", pk=demand.pk)
    return render(
        request, "transfer/demand_edit.html", {"form": form, "demand": demand, "creating": False}
    )


@require_POST
def demand_transition(request, pk: int):
    """Whoever may change the demand: move its status; htmx gets the status fragment back."""
    demand = get_visible_or_404(Demand, request.user, pk=pk)
    demand, error = workflow.take_from_post(request, demand)
    template = page_or_fragment(
        request, "transfer/demand_detail.html", "transfer/demand_status.html"
    )
    if template == "transfer/demand_detail.html":
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"需求状态已改为“{demand.get_status_display()}”")
        return redirect("transfer:demand_detail", pk=demand.pk)
    return render(request, template, _detail_context(request, demand, status_error=error))

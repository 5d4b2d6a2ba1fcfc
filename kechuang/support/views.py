"""Support pages: thin wrappers over the filters, selectors and services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import workflow
from kechuang.core.forms import add_service_errors
from kechuang.core.htmx import page_or_fragment
from kechuang.core.scoping import get_visible_or_404
from kechuang.support import selectors, services
from kechuang.support.choices import DisbursementStatus
from kechuang.support.filters import DisbursementFilter
from kechuang.support.forms import (
    DisbursementForm,
    TotalsForm,
    entitlement_search,
)
from kechuang.support.models import Disbursement, Policy

PAGE_SIZE = 30


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def policy_list(request):
    """Every signed-in user: the policies and their clauses."""
    policies = list(selectors.policy_list(request.user).prefetch_related("clauses"))
    return render(request, "support/policy_list.html", {"policies": policies})


def policy_detail(request, pk: int):
    """Every signed-in user: a policy's clauses (conditions, amounts, evidence, budget line)."""
    policy = get_visible_or_404(Policy, request.user, pk=pk)
    clauses = list(selectors.clauses_of(policy))
    return render(request, "support/policy_detail.html", {"policy": policy, "clauses": clauses})


def disbursement_list(request):
    """Every signed-in user: the disbursements they may see (a firm's user: its own); the
    bureau approves a selection of them at once."""
    filterset = DisbursementFilter(
        request.GET or None, queryset=selectors.disbursement_list(request.user), request=request
    )
    page = Paginator(filterset.qs.order_by("-applied_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "filter": filterset,
        "totals": filterset.qs.aggregate(
            amount=Sum("amount"), firms=Count("enterprise", distinct=True)
        ),
        "page": page,
        "query": _query(request),
        "may_create": services.may_apply(request.user),
        "may_approve": services.may_manage(request.user),
        "reviewed": DisbursementStatus.REVIEWED,
    }
    template = page_or_fragment(
        request, "support/disbursement_list.html", "support/_disbursement_table.html"
    )
    return render(request, template, context)


@require_POST
def disbursement_approve_many(request):
    """Bureau staff and leaders: approve the ticked disbursements, each checked on its own."""
    if not services.may_manage(request.user):
        raise PermissionDenied("只有科技局可以批准兑现")
    ids = [i for i in request.POST.getlist("ids") if i.isdigit()][:200]
    chosen = list(selectors.disbursement_list(request.user).filter(pk__in=ids))
    if not chosen:
        messages.error(request, "请勾选要批准的兑现")
        return redirect("support:disbursement_list")
    result = services.disbursements_approve(
        actor=request.user, disbursements=chosen, comment=request.POST.get("comment", "")[:500]
    )
    if result.done:
        messages.success(request, f"已批准 {len(result.done)} 项")
    for record, reason in result.refused:
        messages.error(request, f"{record}：{reason}")
    return redirect(request.POST.get("next") or "support:disbursement_list")


def _detail_context(request, record: Disbursement, **extra) -> dict:
    editable = Disbursement.objects.editable_by(request.user).filter(pk=record.pk).exists()
    context = {
        "record": record,
        "moves": workflow.moves_for(request.user, record, editable=editable),
        "transitions": workflow.history_of(record) if editable else None,
    }
    context.update(extra)
    return context


def disbursement_detail(request, pk: int):
    """Whoever may see the disbursement: record, moves, history, evidence."""
    record = get_visible_or_404(Disbursement, request.user, pk=pk)
    return render(request, "support/disbursement_detail.html", _detail_context(request, record))


@require_POST
def disbursement_transition(request, pk: int):
    """Whoever may move the disbursement (see the workflow's declaration)."""
    record = get_visible_or_404(Disbursement, request.user, pk=pk)
    record, error = workflow.take_from_post(request, record)
    template = page_or_fragment(
        request, "support/disbursement_detail.html", "support/_disbursement_status.html"
    )
    if template == "support/disbursement_detail.html":
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"状态已改为“{record.get_status_display()}”")
        return redirect("support:disbursement_detail", pk=record.pk)
    return render(request, template, _detail_context(request, record, status_error=error))


def disbursement_create(request):
    """Bureau staff and leaders for any firm they may change; a firm's user for its own."""
    if not services.may_apply(request.user):
        raise PermissionDenied("无权申请政策兑现")
    initial = {k: request.GET[k] for k in ("clause", "year", "enterprise") if k in request.GET}
    form = DisbursementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if "enterprise" not in form.fields:
            data["enterprise"] = request.user.enterprise
        try:
            record = services.disbursement_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记“{record.clause.name}”的兑现申请")
            return redirect("support:disbursement_detail", pk=record.pk)
    return render(request, "support/disbursement_create.html", {"form": form})


def entitlement_list(request):
    """Bureau staff and leaders, liaisons (their township's firms), a firm's user (its own):
    firms whose data meet a clause and that have not claimed it, with the amount."""
    if not services.may_see_entitlements(request.user):
        raise PermissionDenied("无权查看政策找企业")
    form, year, rows = entitlement_search(request.user, request.GET)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "year": year,
        "page": page,
        "query": _query(request),
        "total": sum((r.amount for r in rows if r.amount is not None), 0),
        "may_create": services.may_apply(request.user),
    }
    return render(request, "support/entitlement_list.html", context)


def totals(request):
    """Every signed-in user: totals of the disbursements they may see, by year, policy,
    clause, township or firm."""
    form = TotalsForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or "clause"
    params = request.GET.copy()
    params.pop("by", None)
    records = DisbursementFilter(
        params, queryset=selectors.disbursement_list(request.user), request=request
    ).qs
    rows = selectors.totals(records, by)
    context = {
        "form": form,
        "by": by,
        "by_label": selectors.TOTAL_LABELS[by],
        "rows": rows,
        "sum_paid": sum((r["paid"] or 0 for r in rows), 0),
    }
    return render(request, "support/totals.html", context)

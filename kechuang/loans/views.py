"""Loan recommendation pages: thin wrappers over the filters, selectors and services."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import excel, workflow
from kechuang.core.forms import add_service_errors, save_changes
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.loans import selectors, services
from kechuang.loans.filters import LoanFilter
from kechuang.loans.forms import BANK_LIST, LoanForm
from kechuang.loans.models import LoanRecommendation


def loan_list(request):
    """Every signed-in user: the recommendations they may see (a firm's user: its own), with
    the yearly totals of what the filters select."""
    filterset = LoanFilter(
        request.GET or None, queryset=selectors.loan_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "totals": selectors.totals_by_year(filterset.qs),
        "may_create": services.may_register(request.user),
        "may_import": excel.get_spec("loans").can_import(request.user),
    }
    template = page_or_fragment(request, "loans/loan_list.html", "loans/_loan_table.html")
    return render(request, template, context)


def _detail_context(request, loan: LoanRecommendation, **extra) -> dict:
    editable = LoanRecommendation.objects.editable_by(request.user).filter(pk=loan.pk).exists()
    context = {
        "loan": loan,
        "editable": editable and services.may_register(request.user),
        "moves": workflow.moves_for(request.user, loan, editable=editable),
        "transitions": workflow.history_of(loan) if editable else None,
    }
    context.update(extra)
    return context


def loan_detail(request, pk: int):
    """Whoever may see the recommendation: record, moves, history, attachments."""
    loan = get_visible_or_404(LoanRecommendation, request.user, pk=pk)
    return render(request, "loans/loan_detail.html", _detail_context(request, loan))


def _form_context(request, form, **extra) -> dict:
    return {
        "form": form,
        "banks": selectors.banks_of(request.user),
        "bank_list": BANK_LIST,
        **extra,
    }


def loan_create(request):
    """Bureau staff and leaders; liaisons for their township's firms."""
    if not services.may_register(request.user):
        raise PermissionDenied("无权登记科技贷款推荐")
    form = LoanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            loan = services.loan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记对“{loan.enterprise.name}”的科技贷款推荐")
            return redirect("loans:loan_detail", pk=loan.pk)
    return render(request, "loans/loan_edit.html", _form_context(request, form, creating=True))


def loan_edit(request, pk: int):
    """Bureau staff and leaders; liaisons for their township's recommendations."""
    if not services.may_register(request.user):
        raise PermissionDenied("无权修改科技贷款推荐")
    loan = get_editable_or_403(LoanRecommendation, request.user, pk=pk)
    form = LoanForm(request.POST or None, instance=loan, user=request.user)
    save = partial(services.loan_update, actor=request.user, loan=loan)
    if request.method == "POST" and form.is_valid() and save_changes(form, loan, save):
        messages.success(request, "科技贷款推荐已保存")
        return redirect("loans:loan_detail", pk=loan.pk)
    return render(
        request, "loans/loan_edit.html", _form_context(request, form, loan=loan, creating=False)
    )


@require_POST
def loan_transition(request, pk: int):
    """Whoever may move the recommendation (see the workflow's declaration)."""
    loan = get_visible_or_404(LoanRecommendation, request.user, pk=pk)
    loan, error = workflow.take_from_post(request, loan)
    template = page_or_fragment(request, "loans/loan_detail.html", "loans/_loan_status.html")
    if template == "loans/loan_detail.html":
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"状态已改为“{loan.get_status_display()}”")
        return redirect("loans:loan_detail", pk=loan.pk)
    return render(request, template, _detail_context(request, loan, status_error=error))

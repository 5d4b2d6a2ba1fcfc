"""Technology contract pages: the filtered list with its totals, detail, register, edit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kechuang.core import concurrency
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.transfer import selectors, services
from kechuang.transfer.filters import ContractFilter
from kechuang.transfer.forms import ContractForm
from kechuang.transfer.models import Match, TechContract


def contract_list(request):
    """Every signed-in user: the contracts of their region, with the filtered list's totals."""
    filterset = ContractFilter(
        request.GET or None, queryset=selectors.contract_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "totals": selectors.contract_totals(filterset.qs),
        "may_create": services.may_register_contracts(request.user),
    }
    template = page_or_fragment(
        request, "transfer/contract_list.html", "transfer/contract_table.html"
    )
    return render(request, template, context)


def contract_detail(request, pk: int):
    contract = get_visible_or_404(TechContract, request.user, pk=pk)
    editable = TechContract.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "transfer/contract_detail.html",
        {
            "contract": contract,
            "editable": editable and services.may_register_contracts(request.user),
        },
    )


def contract_create(request):
    """Bureau staff: register a contract, possibly from a match (?match=ID)."""
    if not services.may_register_contracts(request.user):
        raise PermissionDenied("无权登记技术合同")
    initial = {}
    match_pk = request.GET.get("match", "")
    if match_pk.isdigit():
        match = Match.objects.visible_to(request.user).filter(pk=match_pk).first()
        if match is not None:
            demand, achievement = match.demand, match.achievement
            initial = {
                "match": match.pk,
                "demand": demand.pk,
                "achievement": achievement.pk,
                "title": f"{demand.title}技术合同",
                "buyer_name": demand.enterprise.name,
                "buyer_enterprise": demand.enterprise_id,
                "seller_name": achievement.owner.name if achievement.owner else "",
                "seller_institution": achievement.owner_institution_id,
                "seller_enterprise": achievement.owner_enterprise_id,
            }
    form = ContractForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已登记技术合同“{contract.title}”")
            return redirect("transfer:contract_detail", pk=contract.pk)
    return render(request, "transfer/contract_edit.html", {"form": form, "creating": True})


def contract_edit(request, pk: int):
    contract = get_editable_or_403(TechContract, request.user, pk=pk)
    if not services.may_register_contracts(request.user):
        raise PermissionDenied("无权修改技术合同")
    form = ContractForm(request.POST or None, instance=contract, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(contract, form.version):
                services.contract_save(actor=request.user, contract=contract, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "合同已保存")
            return redirect("transfer:contract_detail", pk=contract.pk)
    return render(
        request,
        "transfer/contract_edit.html",
        {"form": form, "contract": contract, "creating": False},
    )

"""Enterprise pages: thin wrappers over the filters, selectors and services."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kechuang.core import excel
from kechuang.core.choices import Role
from kechuang.core.forms import save_changes
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import (
    can_see_contacts,
    get_editable_or_403,
    get_visible_or_404,
    is_bureau,
)
from kechuang.enterprises import selectors, services
from kechuang.enterprises.filters import EnterpriseFilter
from kechuang.enterprises.forms import EnterpriseForm
from kechuang.enterprises.models import Enterprise
from kechuang.enterprises.sections import record_sections


def _may_create(user) -> bool:
    return is_bureau(user) or user.role == Role.LIAISON


def enterprise_list(request):
    """Every signed-in user: the enterprises they may see, with search and filters."""
    filterset = EnterpriseFilter(
        request.GET or None, queryset=selectors.enterprise_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": _may_create(request.user),
        "may_import": excel.get_spec("enterprises").can_import(request.user),
        "show_contacts": can_see_contacts(request.user),
    }
    template = page_or_fragment(
        request, "enterprises/enterprise_list.html", "enterprises/_enterprise_table.html"
    )
    return render(request, template, context)


def enterprise_detail(request, pk: int):
    """Whoever may see the firm: its record page, with the sections other apps add."""
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    editable = Enterprise.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "enterprises/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "editable": editable,
            "show_contacts": can_see_contacts(request.user),
            "sections": record_sections(enterprise, request.user),
        },
    )


def enterprise_create(request):
    """Staff, leaders and township liaisons: register a firm in their area."""
    if not _may_create(request.user):
        raise PermissionDenied("无权登记企业")
    form = EnterpriseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    return render(request, "enterprises/enterprise_edit.html", {"form": form, "creating": True})


def enterprise_edit(request, pk: int):
    """Whoever may change the firm: edit its record."""
    enterprise = get_editable_or_403(Enterprise, request.user, pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    save = partial(services.enterprise_update, actor=request.user, enterprise=enterprise)
    if request.method == "POST" and form.is_valid() and save_changes(form, enterprise, save):
        return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterprise_edit.html",
        {"form": form, "enterprise": enterprise, "creating": False},
    )

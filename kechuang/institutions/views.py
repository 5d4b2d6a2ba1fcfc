"""Institution pages: thin wrappers over the filters, selectors and services."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kechuang.core.forms import save_changes
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import (
    can_see_contacts,
    get_editable_or_403,
    get_visible_or_404,
    is_bureau,
)
from kechuang.institutions import selectors, services
from kechuang.institutions.filters import InstitutionFilter
from kechuang.institutions.forms import InstitutionForm
from kechuang.institutions.models import Institution


def institution_list(request):
    """Every signed-in user: the institutions they may see."""
    filterset = InstitutionFilter(
        request.GET or None, queryset=selectors.institution_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": is_bureau(request.user),
        "may_import": is_bureau(request.user),
    }
    template = page_or_fragment(
        request, "institutions/institution_list.html", "institutions/_institution_table.html"
    )
    return render(request, template, context)


def institution_detail(request, pk: int):
    """Whoever may see the institution: its record page."""
    institution = get_visible_or_404(Institution, request.user, pk=pk)
    editable = Institution.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(
        request,
        "institutions/institution_detail.html",
        {
            "institution": institution,
            "editable": editable,
            "show_contacts": can_see_contacts(request.user) or editable,
            "sections": selectors.record_sections(institution, request.user),
        },
    )


def institution_create(request):
    """Staff and leaders: register an institution."""
    if not is_bureau(request.user):
        raise PermissionDenied("无权登记院所")
    form = InstitutionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("institutions:institution_detail", pk=institution.pk)
    return render(request, "institutions/institution_edit.html", {"form": form, "creating": True})


def institution_edit(request, pk: int):
    """Whoever may change the institution: edit its record."""
    institution = get_editable_or_403(Institution, request.user, pk=pk)
    form = InstitutionForm(request.POST or None, instance=institution, user=request.user)
    save = partial(services.institution_update, actor=request.user, institution=institution)
    if request.method == "POST" and form.is_valid() and save_changes(form, institution, save):
        return redirect("institutions:institution_detail", pk=institution.pk)
    return render(
        request,
        "institutions/institution_edit.html",
        {"form": form, "institution": institution, "creating": False},
    )

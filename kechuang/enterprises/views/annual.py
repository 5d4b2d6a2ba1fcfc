"""Pages of a firm's annual figures: thin wrappers over the forms and the service."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from kechuang.core import concurrency
from kechuang.core.scoping import get_editable_or_403
from kechuang.enterprises.forms.annual import EnterpriseYearForm
from kechuang.enterprises.models import Enterprise, EnterpriseYear
from kechuang.enterprises.services.annual import FIGURE_FIELDS, enterprise_year_save


def _save(request, form, enterprise, record=None):
    if request.method != "POST" or not form.is_valid():
        return None
    year = record.year if record else form.cleaned_data["year"]
    figures = {name: form.cleaned_data[name] for name in FIGURE_FIELDS}
    try:
        with concurrency.unchanged_since(form.instance, form.version):
            return enterprise_year_save(
                actor=request.user, enterprise=enterprise, year=year, **figures
            )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def enterpriseyear_create(request, pk: int):
    """Whoever may edit the firm, its own user included: enter a year's figures."""
    enterprise = get_editable_or_403(Enterprise, request.user, pk=pk)
    form = EnterpriseYearForm(request.POST or None, enterprise=enterprise)
    if _save(request, form, enterprise):
        return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterpriseyear_edit.html",
        {"form": form, "enterprise": enterprise, "creating": True},
    )


def enterpriseyear_edit(request, pk: int):
    """Whoever may edit the firm, its own user included: correct a year's figures."""
    record = get_editable_or_403(EnterpriseYear, request.user, pk=pk)
    enterprise = record.enterprise
    form = EnterpriseYearForm(request.POST or None, instance=record, enterprise=enterprise)
    if _save(request, form, enterprise, record):
        return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/enterpriseyear_edit.html",
        {"form": form, "enterprise": enterprise, "record": record, "creating": False},
    )

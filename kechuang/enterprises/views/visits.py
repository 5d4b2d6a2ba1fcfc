"""Pages of the visit log: the list, a visit with its photos, logging a visit to a firm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kechuang.core import clock
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_visible_or_404
from kechuang.enterprises import services
from kechuang.enterprises.forms.pool import VisitForm
from kechuang.enterprises.forms.visits import VisitListFilter
from kechuang.enterprises.models import Enterprise, Visit
from kechuang.enterprises.selectors import visits as selectors


def visit_list(request):
    """Every signed-in user: the visits to the firms they may see (a firm's user: its own)."""
    filterset = VisitListFilter(
        request.GET or None, queryset=selectors.visit_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "today": clock.today(),
    }
    template = page_or_fragment(
        request, "enterprises/visit_list.html", "enterprises/_visit_table.html"
    )
    return render(request, template, context)


def visit_detail(request, pk: int):
    """Whoever may see the firm: the visit and its photos."""
    visit = get_visible_or_404(Visit, request.user, pk=pk)
    return render(request, "enterprises/visit_detail.html", {"visit": visit})


def visit_create(request, pk: int):
    """Bureau staff and leaders (cadres) and liaisons who may manage the firm: log a visit,
    with a photo from the phone's camera."""
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    if not services.may_record_visit(request.user, enterprise):
        raise PermissionDenied("无权登记该企业的走访记录")
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_log(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "走访记录已添加")
            return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    return render(request, "enterprises/visit_edit.html", {"form": form, "enterprise": enterprise})

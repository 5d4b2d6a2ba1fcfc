"""Cadre liaison pages: thin wrappers over the selectors and services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import clock, concurrency
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.liaison import selectors, services
from kechuang.liaison.forms import CadreLinkForm, EndForm
from kechuang.liaison.models import CadreLink

PAGE_SIZE = 30


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = "firm_codes" if name == "firms" else name
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def cadre_table(request):
    """The bureau, liaisons (their township) and viewers: each township, its cadres now,
    key firms and visits this year; townships without a cadre first."""
    if not selectors.may_view_table(request.user):
        raise PermissionDenied("无权查看科技干部联系乡镇")
    today = clock.today()
    rows = selectors.cadre_table(request.user, today)
    return render(
        request,
        "liaison/cadre_table.html",
        {
            "rows": rows,
            "today": today,
            "gaps": sum(1 for r in rows if not r.links),
            "may_manage": services.may_manage(request.user),
        },
    )


def link_list(request):
    """The bureau: every cadre link of the county, current and ended."""
    if not services.may_manage(request.user):
        raise PermissionDenied("无权查看科技干部联系安排")
    page = Paginator(selectors.link_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "liaison/link_list.html", {"page": page, "query": "", "today": clock.today()}
    )


def link_detail(request, pk: int):
    """The bureau: a link, its townships and firms; end it."""
    link = get_visible_or_404(CadreLink, request.user, pk=pk)
    editable = services.may_manage(request.user)
    return render(
        request,
        "liaison/link_detail.html",
        {
            "link": link,
            "editable": editable,
            "end_form": EndForm(initial={"on": clock.today()}) if editable else None,
        },
    )


def link_create(request):
    """The county's bureau: link a cadre to townships and key firms."""
    if not services.may_manage(request.user):
        raise PermissionDenied("无权安排科技干部联系")
    form = CadreLinkForm(
        request.POST or None, user=request.user, initial={"valid_from": clock.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = services.cadre_link_create(request.user, **form.link_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "已安排科技干部联系")
            return redirect("liaison:link_detail", pk=link.pk)
    return render(request, "liaison/link_edit.html", {"form": form})


def link_edit(request, pk: int):
    """The county's bureau: change a link."""
    link = get_editable_or_403(CadreLink, request.user, pk=pk)
    if not services.may_manage(request.user):
        raise PermissionDenied("无权安排科技干部联系")
    form = CadreLinkForm(request.POST or None, instance=link, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(link, form.version):
                services.cadre_link_update(request.user, link, **form.link_fields())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "科技干部联系已更新")
            return redirect("liaison:link_detail", pk=link.pk)
    return render(request, "liaison/link_edit.html", {"form": form, "link": link})


@require_POST
def link_end(request, pk: int):
    """The county's bureau: end a link on a day."""
    link = get_editable_or_403(CadreLink, request.user, pk=pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.cadre_link_end(request.user, link, on=form.cleaned_data["on"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已结束该联系")
    else:
        messages.error(request, "请填写结束日期")
    return redirect("liaison:link_detail", pk=link.pk)

"""Screening and self-check pages: thin wrappers over screening.py."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from kechuang.core import clock
from kechuang.core.choices import Role
from kechuang.core.import_views import XLSX
from kechuang.core.scoping import get_visible_or_404, is_bureau
from kechuang.eligibility import screening
from kechuang.eligibility.exports import screening_workbook
from kechuang.eligibility.forms import ScreeningForm
from kechuang.enterprises.models import Enterprise, Tier

SELF_CHECK_POLICIES = ["tsme-2017", "hnte-2016"]


def _may_screen(user) -> bool:
    return is_bureau(user) or user.role == Role.LIAISON


def _run(request):
    if not _may_screen(request.user):
        raise PermissionDenied("只有科技局工作人员和乡镇联络员可以进行资格筛查")
    form = ScreeningForm(request.GET or None, user=request.user)
    if not form.is_bound or not form.is_valid():
        return form, None
    data = form.cleaned_data
    rows = screening.screen(
        request.user,
        tier=data["tier"],
        year=data["year"],
        as_of=data["as_of"],
        township=data["township"],
        whole_township=data["whole_township"],
    )
    return form, rows


def screening_page(request):
    """Leaders, staff and township liaisons: screen the pool (or a township) for a tier."""
    form, rows = _run(request)
    counts = None
    if rows is not None:
        counts = {
            label: sum(1 for r in rows if r.verdict == key)
            for key, label in screening.VERDICT_LABELS.items()
        }
    return render(
        request,
        "eligibility/screening.html",
        {
            "form": form,
            "rows": rows,
            "counts": counts,
            "query": request.GET.urlencode(),
        },
    )


def screening_export(request):
    """Same users: the screening as Excel, re-importable as a candidate list."""
    form, rows = _run(request)
    if rows is None:
        raise PermissionDenied("筛查条件不完整")
    data = form.cleaned_data
    content = screening_workbook(rows, tier=data["tier"], year=data["year"])
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''screening.xlsx"
    return response


def self_check(request, pk: int | None = None):
    """A firm user: its own firm; others who may see a firm: that firm."""
    if pk is None:
        if request.user.role != Role.ENTERPRISE or request.user.enterprise_id is None:
            raise PermissionDenied("企业自评仅限企业用户；工作人员请从企业档案进入")
        pk = request.user.enterprise_id
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    as_of = clock.today()
    results = screening.self_check(
        Enterprise.objects.filter(pk=enterprise.pk), SELF_CHECK_POLICIES, as_of=as_of
    )
    tiers = {t.policy: t for t in Tier.objects.filter(policy__in=SELF_CHECK_POLICIES)}
    return render(
        request,
        "eligibility/self_check.html",
        {
            "enterprise": enterprise,
            "as_of": as_of,
            "results": [(tiers.get(r.policy), r) for r in results],
        },
    )

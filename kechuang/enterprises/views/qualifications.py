"""Pages of the ladder: qualifications, regional tiers, plaques and counts by township."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kechuang.core import clock, concurrency, excel
from kechuang.core.choices import Role
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404, is_bureau
from kechuang.enterprises import services
from kechuang.enterprises.forms.qualifications import (
    PlaqueDeliveryFilter,
    PlaqueDeliveryForm,
    QualificationFilter,
    QualificationForm,
    TierForm,
)
from kechuang.enterprises.models import Enterprise, PlaqueDelivery, Qualification, Tier
from kechuang.enterprises.selectors import qualifications as selectors
from kechuang.enterprises.services.qualifications import (
    QUALIFICATION_FIELDS,
    TIER_FIELDS,
    qualification_save,
    tier_save,
)


def _reads_regions(user) -> bool:
    """Staff, leaders, liaisons, commissioners and city/province viewers: the area pages."""
    return user.is_superuser or user.role not in (Role.ENTERPRISE, Role.INSTITUTE)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def qualification_list(request):
    """Every signed-in user: the qualifications they may see, with filters and export."""
    queryset = selectors.qualification_list(request.user).order_by(
        "-year", "tier__rank", "enterprise__name", "pk"
    )
    filterset = QualificationFilter(request.GET or None, queryset=queryset, request=request)
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "today": clock.today(),
        "may_import": excel.get_spec("qualifications").can_import(request.user),
    }
    template = page_or_fragment(
        request, "enterprises/qualification_list.html", "enterprises/qualification_table.html"
    )
    return render(request, template, context)


def _qualification_form_page(request, enterprise, qualification=None):
    form = QualificationForm(request.POST or None, instance=qualification, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in QUALIFICATION_FIELDS}
        try:
            with concurrency.unchanged_since(form.instance, form.version):
                qualification_save(
                    actor=request.user,
                    enterprise=enterprise,
                    qualification=qualification,
                    **fields,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("enterprises:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "enterprises/qualification_edit.html",
        {"form": form, "enterprise": enterprise, "qualification": qualification},
    )


def qualification_create(request, pk: int):
    """Staff and liaisons who may edit the firm: record one of its qualifications."""
    enterprise = get_visible_or_404(Enterprise, request.user, pk=pk)
    _require(selectors.may_record_qualifications(request.user, enterprise), "无权登记该企业的资质")
    return _qualification_form_page(request, enterprise)


def qualification_edit(request, pk: int):
    """Staff and liaisons who may edit the firm: correct one of its qualifications."""
    qualification = get_visible_or_404(Qualification, request.user, pk=pk)
    enterprise = qualification.enterprise
    _require(selectors.may_record_qualifications(request.user, enterprise), "无权修改该企业的资质")
    return _qualification_form_page(request, enterprise, qualification)


def tier_list(request):
    """Bureau staff and leaders: the tiers that apply to their region and those they define."""
    _require(is_bureau(request.user), "仅科技局工作人员可以管理资质梯次")
    tiers = selectors.tiers_managed_by(request.user).order_by("rank", "code")
    editable = set(Tier.objects.editable_by(request.user).values_list("pk", flat=True))
    return render(
        request,
        "enterprises/tier_list.html",
        {"tiers": tiers, "editable": editable},
    )


def _tier_form_page(request, tier=None):
    form = TierForm(request.POST or None, instance=tier, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in TIER_FIELDS}
        if tier is not None:
            fields["code"] = tier.code
        try:
            with concurrency.unchanged_since(form.instance, form.version):
                tier_save(actor=request.user, region=form.cleaned_data["region"], **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("enterprises:tier_list")
    return render(request, "enterprises/tier_edit.html", {"form": form, "tier": tier})


def tier_create(request):
    """Bureau staff and leaders: define a tier of their region (科技小巨人 …)."""
    _require(is_bureau(request.user), "仅科技局工作人员可以设定资质梯次")
    return _tier_form_page(request)


def tier_edit(request, pk: int):
    """Bureau staff and leaders: change a tier their region defines (national ones: 404/403)."""
    _require(is_bureau(request.user), "仅科技局工作人员可以设定资质梯次")
    tier = get_editable_or_403(Tier, request.user, pk=pk)
    _require(tier.region_id is not None, "全国性资质由国家政策确定，不能修改")
    return _tier_form_page(request, tier)


def _int_param(request, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


def plaque_list(request):
    """Staff, leaders, liaisons and viewers: firms newly certified in a year (the plaques)."""
    _require(_reads_regions(request.user), "无权查看")
    year = _int_param(request, "year", clock.today().year)
    tiers = list(selectors.tiers_for(request.user))
    tier = next(
        (t for t in tiers if t.code == request.GET.get("tier", selectors.HNTE)),
        next((t for t in tiers if t.code == selectors.HNTE), None),
    )
    rows = (
        list(selectors.newly_certified(request.user, tier.code, year).select_related("plaque"))
        if tier
        else []
    )
    for row in rows:
        row.delivery = _plaque_of(row)
    rows.sort(key=lambda r: r.delivery is not None)  # those still without a plaque first
    delivered = sum(1 for r in rows if r.delivery is not None)
    return render(
        request,
        "enterprises/plaque_list.html",
        {
            "year": year,
            "years": range(clock.today().year + 1, clock.today().year - 10, -1),
            "tier": tier,
            "tiers": tiers,
            "rows": rows,
            "first_time": sum(1 for r in rows if not r.renewed),
            "renewed": sum(1 for r in rows if r.renewed),
            "delivered": delivered,
            "undelivered": len(rows) - delivered,
            "may_deliver": services.may_deliver_plaques(request.user),
        },
    )


def _plaque_of(qualification):
    try:
        return qualification.plaque
    except PlaqueDelivery.DoesNotExist:
        return None


def plaquedelivery_list(request):
    """Staff, leaders, liaisons and viewers: the plaques delivered (filters as the figure's
    link sets them)."""
    _require(_reads_regions(request.user), "无权查看")
    filterset = PlaqueDeliveryFilter(
        request.GET or None, queryset=selectors.plaque_deliveries(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "enterprises/plaquedelivery_list.html",
        {"filter": filterset, "page": page, "query": query},
    )


def plaque_deliver(request, pk: int):
    """Whoever sees the qualification: its plaque's delivery (with photos) once recorded;
    staff and liaisons who record the firm's qualifications record the delivery."""
    qualification = get_visible_or_404(Qualification, request.user, pk=pk)
    delivery = _plaque_of(qualification)
    may_record = delivery is None and selectors.may_record_qualifications(
        request.user, qualification.enterprise
    )
    if request.method == "POST":
        _require(may_record, "无权登记该资质的牌匾发放" if delivery is None else "牌匾已发放")
    form = PlaqueDeliveryForm(request.POST or None, request.FILES or None) if may_record else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.plaque_deliver(
                actor=request.user, qualification=qualification, **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.message_dict.items():
                    name = "photo" if name in ("file", "kind") else name  # the photo's checks
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, f"已登记“{qualification.enterprise.name}”的牌匾发放")
            return redirect("enterprises:plaque_deliver", pk=qualification.pk)
    return render(
        request,
        "enterprises/plaque_deliver.html",
        {"qualification": qualification, "delivery": delivery, "form": form},
    )


def qualification_counts(request):
    """Staff, leaders, liaisons and viewers: firms with a valid HNTE / TSME by township."""
    _require(_reads_regions(request.user), "无权查看")
    try:
        on = datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = clock.today()
    counts = selectors.valid_counts_by_township(request.user, on)
    template = page_or_fragment(
        request, "enterprises/qualification_counts.html", "enterprises/_counts_table.html"
    )
    return render(request, template, {"counts": counts, "on": on})

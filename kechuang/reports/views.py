"""Report pages: choose region, period and kind; the HTML preview with each figure linked to
its records and a form per section's narrative; the .docx download."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from kechuang.core import figures
from kechuang.core.models import Region
from kechuang.reports import builder, services, word
from kechuang.reports.choices import ReportKind

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _chosen(request, data):
    """(region, period, kind) asked for, checked; period None when not asked yet."""
    user = request.user
    if not services.may_use(user):
        raise PermissionDenied("无权查看工作报告")
    code = data.get("region") or (user.region.code if user.region_id else "")
    region = Region.objects.filter(code=code).first()
    if region is None:
        return None, None, data.get("kind") or ReportKind.HALF_YEAR
    if not figures.may_read(user, region):
        raise PermissionDenied(f"无权查看{region.name}的工作报告")
    return region, data.get("period") or None, data.get("kind") or ReportKind.HALF_YEAR


def report_page(request):
    """Bureau staff and leaders (their region and below), liaisons (their township)."""
    data = request.POST if request.method == "POST" else request.GET
    region, period, kind = _chosen(request, data)
    report, error = None, None
    if request.method == "POST":
        if region is None:
            raise PermissionDenied("请选择区域")
        try:
            services.narrative_save(
                actor=request.user,
                region=region,
                period=period or "",
                kind=kind,
                section=data.get("section", ""),
                text=data.get("text", ""),
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已保存报告文字")
        query = f"?region={region.code}&period={period or ''}&kind={kind}"
        return redirect(reverse("reports:report") + query)
    if region is not None and period:
        try:
            report = builder.build(region, period, kind)
        except builder.ReportError as exc:
            error = str(exc)
    context = {
        "region": region,
        "period": period or "",
        "kind": kind,
        "kinds": ReportKind.choices,
        "report": report,
        "error": error,
        "editable": region is not None and services.may_write(request.user, region),
    }
    return render(request, "reports/report.html", context)


def report_download(request):
    """As the report page: the .docx."""
    region, period, kind = _chosen(request, request.GET)
    if region is None or not period:
        raise PermissionDenied("请选择区域和期间")
    try:
        report = builder.build(region, period, kind)
    except builder.ReportError as exc:
        raise PermissionDenied(str(exc)) from exc
    response = HttpResponse(word.render(report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
    return response

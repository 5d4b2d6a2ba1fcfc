"""Deadline and expiry alert pages, each with its Excel export, and the county's settings."""

import io
from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from openpyxl import Workbook

from kechuang.core import clock, concurrency
from kechuang.core.excel import safe_cell
from kechuang.core.import_views import XLSX
from kechuang.core.scoping import is_bureau
from kechuang.enterprises import services
from kechuang.enterprises.forms.pool import LadderSettingsForm
from kechuang.enterprises.selectors import alerts as selectors
from kechuang.enterprises.services.pool import county_of

PAGE_SIZE = 50


def _days(days: int) -> str:
    if days < 0:
        return f"逾期{-days}天"
    return "今天到期" if days == 0 else f"剩余{days}天"


def _iso(day) -> str:
    return day.isoformat() if day else ""


# Each list: its title, its columns (header, value of a row) and how the rows are found.
DEADLINE_COLUMNS: list[tuple[str, Callable]] = [
    ("统一社会信用代码", lambda r: r.enterprise.credit_code),
    ("企业名称", lambda r: r.enterprise.name),
    ("乡镇（街道）", lambda r: r.enterprise.township.name),
    ("招引落地日期", lambda r: r.enterprise.recruited_on.isoformat()),
    ("投产日期", lambda r: r.enterprise.production_started_on.isoformat()),
    ("应创成", lambda r: r.tier.name),
    ("期限", lambda r: r.due_on.isoformat()),
    ("剩余/逾期", lambda r: _days(r.days_left)),
    ("逾期后创成日期", lambda r: _iso(r.reached_on)),
]
EXPIRY_COLUMNS: list[tuple[str, Callable]] = [
    ("统一社会信用代码", lambda r: r.enterprise.credit_code),
    ("企业名称", lambda r: r.enterprise.name),
    ("乡镇（街道）", lambda r: r.enterprise.township.name),
    ("证书编号", lambda r: r.qualification.number),
    ("发证日期", lambda r: _iso(r.qualification.issued_on)),
    ("有效期止", lambda r: r.qualification.valid_until.isoformat()),
    ("剩余天数", lambda r: r.days_left),
]
UNRENEWED_COLUMNS: list[tuple[str, Callable]] = [
    ("统一社会信用代码", lambda q: q.enterprise.credit_code),
    ("企业名称", lambda q: q.enterprise.name),
    ("乡镇（街道）", lambda q: q.enterprise.township.name),
    ("上年登记编号", lambda q: q.number),
    ("上年度", lambda q: q.year),
]


def _check(user) -> None:
    if not selectors.may_see_alerts(user):
        raise PermissionDenied("无权查看培育提醒")


def _xlsx(title: str, columns, rows) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append([header for header, _ in columns])
    for row in rows:
        sheet.append([safe_cell(sheet, value(row)) for _, value in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    filename = quote(f"{title}_{stamp}.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _alert_page(request, *, kind: str, title: str, note: str, columns, rows):
    if request.GET.get("format") == "xlsx":
        return _xlsx(title, columns, rows)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/alert_list.html",
        {
            "kind": kind,
            "title": title,
            "note": note,
            "headers": [header for header, _ in columns],
            "page": page,
            "cells": [[value(r) for _, value in columns] + [r] for r in page.object_list],
            "settings": selectors.settings_for_user(request.user),
            "may_edit_settings": _may_edit_settings(request.user),
        },
    )


def alert_deadlines(request):
    """Bureau, liaisons and read-only region users: recruited firms and their ladder deadlines."""
    _check(request.user)
    return _alert_page(
        request,
        kind="deadlines",
        title="招引企业创建期限",
        note="新招引企业投产后须在规定年限内创成科技型中小企业、高新技术企业；"
        "列出尚未在期限内取得相应资质的企业。",
        columns=DEADLINE_COLUMNS,
        rows=selectors.recruited_deadlines(request.user),
    )


def alert_expiring(request):
    """Bureau, liaisons and read-only region users: HNTE certificates about to expire."""
    _check(request.user)
    return _alert_page(
        request,
        kind="expiring",
        title="高企证书即将到期",
        note="有效期在提醒期内届满、且尚无新证书的高新技术企业。",
        columns=EXPIRY_COLUMNS,
        rows=selectors.hnte_expiring(request.user),
    )


def alert_unrenewed(request):
    """Bureau, liaisons and read-only region users: last year's TSMEs not registered this year."""
    _check(request.user)
    today = clock.today()
    return _alert_page(
        request,
        kind="unrenewed",
        title="科技型中小企业未重新登记",
        note=f"{today.year - 1}年已入库登记、{today.year}年尚未登记的科技型中小企业。",
        columns=UNRENEWED_COLUMNS,
        rows=selectors.tsme_unrenewed(request.user, today),
    )


def _may_edit_settings(user) -> bool:
    return is_bureau(user) and county_of(user.region) is not None


def ladder_settings_edit(request):
    """Bureau staff and leaders of a county: its deadlines and alert window."""
    if not _may_edit_settings(request.user):
        raise PermissionDenied("只有县级科技局可以修改梯次培育设置")
    county = county_of(request.user.region)
    current = selectors.settings_for_county(county)
    form = LadderSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            with concurrency.unchanged_since(form.instance, form.version):
                services.ladder_settings_save(
                    actor=request.user, region=county, **form.cleaned_data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "梯次培育设置已保存")
            return redirect("enterprises:alert_deadlines")
    return render(
        request, "enterprises/ladder_settings_edit.html", {"form": form, "county": county}
    )

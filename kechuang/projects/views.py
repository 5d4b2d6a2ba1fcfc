"""Pages of programs, calls and projects: thin wrappers over the filters, selectors and
services. Who may use each is in its docstring and checked in its first lines."""

from __future__ import annotations

import io
from decimal import Decimal
from functools import partial
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from kechuang.core import clock, workflow
from kechuang.core.excel import safe_cell
from kechuang.core.formatting import TEN_THOUSAND
from kechuang.core.forms import add_service_errors, save_changes
from kechuang.core.htmx import page_or_fragment
from kechuang.core.import_views import XLSX
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404, is_bureau
from kechuang.projects import selectors, services
from kechuang.projects.filters import ProgramFilter, ProjectFilter
from kechuang.projects.forms import (
    CallForm,
    MilestoneDoneForm,
    MilestoneForm,
    OutputForm,
    ProgramForm,
    ProjectForm,
)
from kechuang.projects.models import Call, Milestone, Program, Project

PAGE_SIZE = 30


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def _editable(model, user, pk) -> bool:
    return model.objects.editable_by(user).filter(pk=pk).exists()


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
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{quote(f'{title}_{stamp}.xlsx')}"
    )
    return response


# --- programs and calls ----------------------------------------------------------------------


def program_list(request):
    """Every signed-in user: the programs and the calls open today; the bureau manages them."""
    filterset = ProgramFilter(
        request.GET or None, queryset=selectors.program_list(request.user), request=request
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": _query(request),
        "open_calls": selectors.open_calls(request.user)[:20],
        "today": clock.today(),
        "may_create": services.may_manage_programs(request.user),
    }
    return render(request, "projects/program_list.html", context)


def program_detail(request, pk: int):
    """Every signed-in user: a program, its funding rule and its calls."""
    program = get_visible_or_404(Program, request.user, pk=pk)
    editable = services.may_manage_programs(request.user) and _editable(Program, request.user, pk)
    return render(
        request,
        "projects/program_detail.html",
        {
            "program": program,
            "rule": program.rule,
            "calls": list(program.calls.all()),
            "today": clock.today(),
            "editable": editable,
        },
    )


def program_create(request):
    """Staff and leaders: register a program kept by their region."""
    if not services.may_manage_programs(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以管理科技计划")
    form = ProgramForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记科技计划“{program.name}”")
            return redirect(program)
    return render(request, "projects/program_edit.html", {"form": form, "creating": True})


def program_edit(request, pk: int):
    """Staff and leaders of the region keeping the program: edit it."""
    program = get_editable_or_403(Program, request.user, pk=pk)
    if not services.may_manage_programs(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以管理科技计划")
    form = ProgramForm(request.POST or None, instance=program, user=request.user)
    save = partial(services.program_save, actor=request.user, program=program)
    if request.method == "POST" and form.is_valid() and save_changes(form, program, save):
        messages.success(request, "科技计划已保存")
        return redirect(program)
    return render(request, "projects/program_edit.html", {"form": form, "program": program})


def call_detail(request, pk: int):
    """Every signed-in user: a call, whether it is open today, and the projects filed under
    it that the user may see."""
    call = get_visible_or_404(Call, request.user, pk=pk)
    today = clock.today()
    projects = selectors.project_list(request.user).filter(call=call)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/call_detail.html",
        {
            "call": call,
            "open": call.is_open(today),
            "refusal": call.refusal(today),
            "page": page,
            "query": "",
            "may_apply": call.is_open(today) and services.may_create_project(request.user),
            "editable": services.may_manage_programs(request.user)
            and _editable(Call, request.user, pk),
        },
    )


def call_create(request, pk: int):
    """Staff and leaders of the region keeping the program: open a call of it."""
    program = get_editable_or_403(Program, request.user, pk=pk)
    if not services.may_manage_programs(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以管理申报批次")
    form = CallForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_save(actor=request.user, program=program, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记申报批次“{call.title}”")
            return redirect(call)
    return render(
        request, "projects/call_edit.html", {"form": form, "program": program, "creating": True}
    )


def call_edit(request, pk: int):
    """Staff and leaders of the region keeping the program: edit a call."""
    call = get_editable_or_403(Call, request.user, pk=pk)
    if not services.may_manage_programs(request.user):
        raise PermissionDenied("只有局领导和科室工作人员可以管理申报批次")
    form = CallForm(request.POST or None, instance=call)
    save = partial(services.call_save, actor=request.user, call=call)
    if request.method == "POST" and form.is_valid() and save_changes(form, call, save):
        messages.success(request, "申报批次已保存")
        return redirect(call)
    return render(
        request,
        "projects/call_edit.html",
        {"form": form, "program": call.program, "call": call},
    )


# --- projects --------------------------------------------------------------------------------


def _wan(amount) -> Decimal:
    """Yuan as a number of 万元 with the bureau's two decimals, for a sheet cell."""
    return (Decimal(amount or 0) / TEN_THOUSAND).quantize(Decimal("0.01"))


PROJECT_COLUMNS = [
    ("项目编号", lambda p: p.code),
    ("项目名称", lambda p: p.title),
    ("科技计划", lambda p: p.program.name),
    ("计划类别", lambda p: p.program.get_kind_display()),
    ("级别", lambda p: p.program.get_level_display()),
    ("申报批次", lambda p: p.call.title if p.call else ""),
    ("年度", lambda p: p.year),
    ("牵头单位", lambda p: p.lead_name),
    ("所属区域", lambda p: p.region.name),
    ("状态", lambda p: p.get_status_display()),
    ("财政资金（万元）", lambda p: _wan(p.government_funds)),
    ("自筹资金（万元）", lambda p: _wan(p.own_funds)),
    ("征集日期", lambda p: p.collected_on.isoformat()),
]


def project_list(request):
    """Every signed-in user: the projects they may see (a firm's or institute's user: its
    own), filtered; ?format=xlsx exports the filtered list."""
    filterset = ProjectFilter(
        request.GET or None, queryset=selectors.project_list(request.user), request=request
    )
    if request.GET.get("format") == "xlsx":
        return _xlsx("科技项目", PROJECT_COLUMNS, filterset.qs.iterator(chunk_size=500))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query": _query(request),
        "may_create": services.may_create_project(request.user),
    }
    template = page_or_fragment(
        request, "projects/project_list.html", "projects/_project_table.html"
    )
    return render(request, template, context)


def _detail_context(request, project: Project, **extra) -> dict:
    editable = _editable(Project, request.user, project.pk)
    today = clock.today()
    milestones = selectors.milestones_of(project)
    for m in milestones:
        m.days = m.days_left(today)
        m.overdue = m.is_overdue(today)
        m.late = -m.days
    context = {
        "project": project,
        "editable": editable,
        "may_edit_fields": editable
        and (is_bureau(request.user) or project.status in services.APPLICANT_STATES),
        "moves": workflow.moves_for(request.user, project, editable=editable),
        "transitions": workflow.history_of(project) if editable else None,
        "funding": project.funding_check(),
        "milestones": milestones,
        "outputs": selectors.outputs_of(project),
        "output_form": OutputForm(),
    }
    context.update(extra)
    return context


def _project(request, pk: int) -> Project:
    return get_visible_or_404(Project, request.user, pk=pk)


def project_detail(request, pk: int):
    """Whoever may see the project: funding check, milestones with overdue badges, outputs,
    moves (for those who may change it) and history."""
    project = _project(request, pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


def project_create(request):
    """Firm and institute users (their own), liaisons (their township's firms), bureau staff:
    collect a demand or open an application; ?call=ID starts from a call."""
    if not services.may_create_project(request.user):
        raise PermissionDenied("无权登记科技项目")
    initial = {}
    call_pk = request.GET.get("call", "")
    if call_pk.isdigit():
        call = Call.objects.visible_to(request.user).filter(pk=call_pk).first()
        if call is not None:
            initial = {"call": call.pk, "program": call.program_id, "year": call.year}
    form = ProjectForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记项目“{project.title}”")
            return redirect(project)
    return render(request, "projects/project_edit.html", {"form": form, "creating": True})


def project_edit(request, pk: int):
    """Whoever may change the project (its applicant until it is submitted, the bureau at
    any stage): edit it."""
    project = get_editable_or_403(Project, request.user, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    save = partial(services.project_update, actor=request.user, project=project)
    if request.method == "POST" and form.is_valid() and save_changes(form, project, save):
        messages.success(request, "项目已保存")
        return redirect(project)
    return render(request, "projects/project_edit.html", {"form": form, "project": project})


@require_POST
def project_transition(request, pk: int):
    """Whoever may change the project: take one of its moves (roles per the workflow)."""
    project = _project(request, pk)
    project, error = workflow.take_from_post(request, project)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"项目状态已改为“{project.get_status_display()}”")
    return redirect(project)


@require_POST
def milestone_create(request, pk: int):
    """Whoever may change the project: add a milestone."""
    project = get_editable_or_403(Project, request.user, pk=pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_save(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已添加节点“{form.cleaned_data['title']}”")
    else:
        messages.error(request, _form_errors(form))
    return redirect(project)


@require_POST
def milestone_done(request, pk: int):
    """Whoever may change the milestone's project: mark it done."""
    milestone = get_editable_or_403(Milestone, request.user, pk=pk)
    form = MilestoneDoneForm(request.POST)
    on = form.cleaned_data.get("done_on") if form.is_valid() else None
    try:
        services.milestone_done(actor=request.user, milestone=milestone, on=on)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"节点“{milestone.title}”已完成")
    return redirect("projects:project_detail", pk=milestone.project_id)


@require_POST
def output_create(request, pk: int):
    """Whoever may change the project: report an output."""
    project = get_editable_or_403(Project, request.user, pk=pk)
    form = OutputForm(request.POST)
    if form.is_valid():
        try:
            services.output_save(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已登记项目成果")
    else:
        messages.error(request, _form_errors(form))
    return redirect(project)


def _form_errors(form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{message}".lstrip("：")
        for name, errors in form.errors.items()
        for message in errors
    )


# --- alerts ----------------------------------------------------------------------------------


def _days(days: int) -> str:
    if days < 0:
        return f"逾期{-days}天"
    return "今天到期" if days == 0 else f"剩余{days}天"


ALERT_COLUMNS = [
    ("项目名称", lambda a: a.project.title),
    ("牵头单位", lambda a: a.project.lead_name),
    ("所属区域", lambda a: a.project.region.name),
    ("节点", lambda a: a.milestone.title),
    ("计划完成日期", lambda a: a.milestone.due_on.isoformat()),
    ("剩余/逾期", lambda a: _days(a.days_left)),
]


def milestone_alerts(request):
    """Staff, leaders, liaisons, viewers, firm and institute users: the overdue and soon-due
    milestones of the projects they may see; ?format=xlsx exports them."""
    if not selectors.may_see_alerts(request.user):
        raise PermissionDenied("无权查看项目节点提醒")
    rows = selectors.milestone_alerts(request.user)
    if request.GET.get("format") == "xlsx":
        return _xlsx("项目节点提醒", ALERT_COLUMNS, rows)
    page = Paginator(rows, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/milestone_alerts.html",
        {
            "page": page,
            "query": "",
            "rows": [(a, _days(a.days_left)) for a in page.object_list],
            "today": clock.today(),
            "within": selectors.DUE_SOON_DAYS,
        },
    )

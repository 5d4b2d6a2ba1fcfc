"""Talent pages: thin wrappers over the filters, selectors and services."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import concurrency, workflow
from kechuang.core.forms import add_service_errors, save_changes
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404
from kechuang.talent import selectors, services
from kechuang.talent.filters import TalentProjectFilter
from kechuang.talent.forms import PaymentForm, ProgramForm, ProjectForm
from kechuang.talent.models import TalentProgram, TalentProject


def project_list(request):
    """Every signed-in user: the talent projects they may see (a firm's user: its own)."""
    filterset = TalentProjectFilter(
        request.GET or None, queryset=selectors.project_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": services.may_register(request.user),
    }
    template = page_or_fragment(request, "talent/project_list.html", "talent/_project_table.html")
    return render(request, template, context)


def _detail_context(request, project: TalentProject, **extra) -> dict:
    editable = TalentProject.objects.editable_by(request.user).filter(pk=project.pk).exists()
    may_pay = editable and services.may_manage(request.user)
    context = {
        "project": project,
        "editable": editable and services.may_register(request.user),
        "moves": workflow.moves_for(request.user, project, editable=editable),
        "transitions": workflow.history_of(project) if editable else None,
        "payments": list(selectors.payments_of(project, request.user)),
        "plan": services.stage_plan(project),
        "rules": project.rules,
        "payment_form": PaymentForm(project=project) if may_pay else None,
    }
    context.update(extra)
    return context


def project_detail(request, pk: int):
    """Whoever may see the project: record, moves, history, stage payments, attachments."""
    project = get_visible_or_404(TalentProject, request.user, pk=pk)
    return render(request, "talent/project_detail.html", _detail_context(request, project))


def project_create(request):
    """Bureau staff and leaders; liaisons for their township's firms."""
    if not services.may_register(request.user):
        raise PermissionDenied("无权登记人才项目")
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记人才项目“{project.title}”")
            return redirect("talent:project_detail", pk=project.pk)
    return render(request, "talent/project_edit.html", {"form": form, "creating": True})


def project_edit(request, pk: int):
    """Bureau staff and leaders; liaisons for their township's projects (not the funding)."""
    if not services.may_register(request.user):
        raise PermissionDenied("无权修改人才项目")
    project = get_editable_or_403(TalentProject, request.user, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    save = partial(services.project_update, actor=request.user, project=project)
    if request.method == "POST" and form.is_valid() and save_changes(form, project, save):
        messages.success(request, "人才项目已保存")
        return redirect("talent:project_detail", pk=project.pk)
    return render(
        request, "talent/project_edit.html", {"form": form, "project": project, "creating": False}
    )


@require_POST
def project_transition(request, pk: int):
    """Whoever may move the project (see the workflow's declaration)."""
    project = get_visible_or_404(TalentProject, request.user, pk=pk)
    project, error = workflow.take_from_post(request, project)
    template = page_or_fragment(
        request, "talent/project_detail.html", "talent/_project_status.html"
    )
    if template == "talent/project_detail.html":
        if error:
            messages.error(request, error)
        else:
            messages.success(request, f"阶段已改为“{project.get_status_display()}”")
        return redirect("talent:project_detail", pk=project.pk)
    return render(request, template, _detail_context(request, project, status_error=error))


@require_POST
def payment_create(request, pk: int):
    """Bureau staff and leaders: record a stage payment of a project they may change."""
    if not services.may_manage(request.user):
        raise PermissionDenied("只有科技局可以登记资助拨付")
    project = get_editable_or_403(TalentProject, request.user, pk=pk)
    form = PaymentForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.payment_record(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "拨付已登记")
            return redirect("talent:project_detail", pk=project.pk)
    return render(
        request,
        "talent/project_detail.html",
        _detail_context(request, project, payment_form=form),
        status=400,
    )


def program_list(request):
    """Every signed-in user: the talent programs, with their classes, caps and stages."""
    items = list(selectors.program_list(request.user))
    return render(
        request,
        "talent/program_list.html",
        {"programs": items, "may_manage": services.may_manage(request.user)},
    )


def _program_page(request, program: TalentProgram | None):
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if program is None:
                services.program_save(actor=request.user, **form.cleaned_data)
            else:
                with concurrency.unchanged_since(program, form.version):
                    services.program_save(actor=request.user, program=program, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "人才计划已保存")
            return redirect("talent:program_list")
    return render(request, "talent/program_edit.html", {"form": form, "program": program})


def program_create(request):
    """Bureau staff and leaders."""
    if not services.may_manage(request.user):
        raise PermissionDenied("只有科技局可以登记人才计划")
    return _program_page(request, None)


def program_edit(request, pk: int):
    """Bureau staff and leaders of the program's region."""
    if not services.may_manage(request.user):
        raise PermissionDenied("只有科技局可以修改人才计划")
    program = get_editable_or_403(TalentProgram, request.user, pk=pk)
    return _program_page(request, program)

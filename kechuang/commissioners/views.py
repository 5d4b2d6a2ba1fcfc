"""Commissioner pages: thin wrappers over the filters, selectors and services."""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.commissioners import engine, selectors, services
from kechuang.commissioners.choices import RequesterKind, RequestStatus
from kechuang.commissioners.filters import CoverageFilter, LogFilter, RequestFilter
from kechuang.commissioners.forms import (
    AssignmentForm,
    AssignRequestForm,
    CommissionerForm,
    EvaluationForm,
    LogForm,
    RequestForm,
)
from kechuang.commissioners.models import Commissioner, ServiceLog, ServiceRequest
from kechuang.core import clock, workflow
from kechuang.core.forms import add_service_errors, save_changes
from kechuang.core.htmx import page_or_fragment, paginate
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404


def commissioner_list(request):
    """The bureau, liaisons, viewers and commissioners: the county's commissioners."""
    if not selectors.may_view_logs(request.user):
        raise PermissionDenied("无权查看科技特派员")
    page, query = paginate(request, selectors.commissioner_list(request.user))
    return render(request, "commissioners/commissioner_list.html", {"page": page, "query": query})


def commissioner_detail(request, pk: int):
    """Whoever may see the commissioner: its assignments and, for the bureau, evaluations."""
    commissioner = get_visible_or_404(Commissioner, request.user, pk=pk)
    assignments = commissioner.assignments.visible_to(request.user).select_related("township")
    evaluations = commissioner.evaluations.visible_to(request.user)
    return render(
        request,
        "commissioners/commissioner_detail.html",
        {
            "commissioner": commissioner,
            "assignments": assignments,
            "evaluations": evaluations,
            "sheet": engine.load_sheet(SHEET),
            "editable": Commissioner.objects.editable_by(request.user).filter(pk=pk).exists()
            and services.may_manage(request.user),
        },
    )


def log_list(request):
    """Commissioners (their own logs), liaisons (their township), the bureau, viewers."""
    if not selectors.may_view_logs(request.user):
        raise PermissionDenied("无权查看服务日志")
    filterset = LogFilter(
        request.GET or None, queryset=selectors.log_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": services.may_log(request.user),
    }
    template = page_or_fragment(
        request, "commissioners/log_list.html", "commissioners/_log_table.html"
    )
    return render(request, template, context)


def log_detail(request, pk: int):
    """Whoever may see the log: its record and photos."""
    log = get_visible_or_404(ServiceLog, request.user, pk=pk)
    editable = ServiceLog.objects.editable_by(request.user).filter(pk=pk).exists()
    return render(request, "commissioners/log_detail.html", {"log": log, "editable": editable})


def log_create(request):
    """A commissioner with its record (for itself), liaisons and the bureau. `?request=` an
    assigned service request the log answers (filled in from it; the request then links
    the log)."""
    if not services.may_log(request.user):
        raise PermissionDenied("无权登记服务日志")
    own = selectors.own_commissioner(request.user)
    initial = {"served_on": clock.today()}
    if request.user.region_id and request.user.region.level == "township":
        initial["township"] = request.user.region_id
    served = _served_request(request)
    if served is not None:
        initial.update(_log_initial(served))
        if own is None:
            own = served.commissioner
    form = LogForm(
        request.POST or None, request.FILES or None, user=request.user, own=own, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        commissioner = own or data.pop("commissioner")
        try:
            log = services.log_create(
                actor=request.user, commissioner=commissioner, service_request=served, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("commissioners:log_detail", pk=log.pk)
    return render(
        request,
        "commissioners/log_edit.html",
        {"form": form, "creating": True, "service_request": served},
    )


def _served_request(request) -> ServiceRequest | None:
    pk = request.GET.get("request", "")
    if not pk:
        return None
    if not pk.isdigit():
        raise PermissionDenied("服务需求编号无效")
    return get_editable_or_403(ServiceRequest, request.user, pk=int(pk))


def _log_initial(served: ServiceRequest) -> dict:
    initial = {"township": served.township_id, "content": f"服务需求：{served.title}"}
    if served.enterprise_id:
        initial["enterprise"] = served.enterprise.credit_code
        initial["place"] = served.enterprise.name[:100]
    else:
        initial["cooperative"] = served.requester
        initial["place"] = served.requester
    return initial


def log_edit(request, pk: int):
    """Whoever may change the log: the commissioner it belongs to, its township's liaison,
    the bureau."""
    log = get_editable_or_403(ServiceLog, request.user, pk=pk)
    form = LogForm(request.POST or None, instance=log, user=request.user)
    save = partial(services.log_update, actor=request.user, log=log)
    if request.method == "POST" and form.is_valid() and save_changes(form, log, save):
        return redirect("commissioners:log_detail", pk=log.pk)
    return render(
        request, "commissioners/log_edit.html", {"form": form, "log": log, "creating": False}
    )


def coverage(request):
    """The bureau, liaisons and viewers: every township with its commissioners and last
    service, gaps first."""
    if not selectors.may_view_coverage(request.user):
        raise PermissionDenied("无权查看覆盖情况")
    filterset = CoverageFilter(
        request.GET or None,
        queryset=selectors.coverage_townships(request.user),
        request=request,
    )
    as_of = clock.today()
    rows = selectors.coverage(request.user, filterset.qs, as_of)
    return render(
        request,
        "commissioners/coverage.html",
        {
            "filter": filterset,
            "rows": rows,
            "as_of": as_of,
            "days": engine.SERVED_WITHIN_DAYS,
            "gaps": sum(1 for r in rows if r.standing != "served"),
        },
    )


SHEET = "commissioner-eval-example"


def commissioner_create(request):
    """The county's bureau: register a commissioner."""
    if not services.may_manage(request.user):
        raise PermissionDenied("无权登记科技特派员")
    form = CommissionerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            commissioner = services.commissioner_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(commissioner)
    return render(request, "commissioners/commissioner_edit.html", {"form": form})


def commissioner_edit(request, pk: int):
    """The county's bureau: change a commissioner's record."""
    commissioner = get_editable_or_403(Commissioner, request.user, pk=pk)
    form = CommissionerForm(request.POST or None, instance=commissioner, user=request.user)
    save = partial(services.commissioner_update, actor=request.user, commissioner=commissioner)
    if request.method == "POST" and form.is_valid() and save_changes(form, commissioner, save):
        return redirect(commissioner)
    return render(
        request,
        "commissioners/commissioner_edit.html",
        {"form": form, "commissioner": commissioner},
    )


def assignment_create(request, pk: int):
    """The county's bureau: assign the commissioner to a township."""
    commissioner = get_editable_or_403(Commissioner, request.user, pk=pk)
    if not services.may_manage(request.user):
        raise PermissionDenied("无权派驻科技特派员")
    form = AssignmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_create(
                actor=request.user, commissioner=commissioner, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(commissioner)
    return render(
        request,
        "commissioners/record_form.html",
        {"form": form, "commissioner": commissioner, "title": "派驻"},
    )


def evaluation_create(request, pk: int):
    """The county's bureau: record (or replace) a year's evaluation on the score sheet."""
    commissioner = get_editable_or_403(Commissioner, request.user, pk=pk)
    if not services.may_manage(request.user):
        raise PermissionDenied("无权考核科技特派员")
    sheet = engine.load_sheet(SHEET)
    form = EvaluationForm(request.POST or None, sheet=sheet)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_save(
                actor=request.user,
                commissioner=commissioner,
                year=data["year"],
                sheet=SHEET,
                scores=form.scores(),
                evaluated_on=data["evaluated_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(commissioner)
    return render(
        request,
        "commissioners/record_form.html",
        {"form": form, "commissioner": commissioner, "title": f"年度考核（{sheet.title}）"},
    )


# --- service requests -------------------------------------------------------------------


def request_list(request):
    """Firms (their own), commissioners (assigned to them), liaisons (their township), the
    bureau (its county) and viewers."""
    if not selectors.may_view_requests(request.user):
        raise PermissionDenied("无权查看服务需求")
    filterset = RequestFilter(
        request.GET or None, queryset=selectors.request_list(request.user), request=request
    )
    page, query = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page": page,
        "query": query,
        "may_create": services.may_request(request.user),
    }
    template = page_or_fragment(
        request, "commissioners/request_list.html", "commissioners/_request_table.html"
    )
    return render(request, template, context)


def request_create(request):
    """A firm's user (its own), liaisons (their township) and the bureau."""
    if not services.may_request(request.user):
        raise PermissionDenied("无权登记服务需求")
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data.get("requester_kind") == RequesterKind.ENTERPRISE:
            data.pop("township", None)
        try:
            created = services.request_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已登记服务需求“{created.title}”")
            return redirect(created)
    return render(request, "commissioners/request_edit.html", {"form": form})


def _request_context(request, record: ServiceRequest, **extra) -> dict:
    user = request.user
    editable = ServiceRequest.objects.editable_by(user).filter(pk=record.pk).exists()
    moves = workflow.moves_for(user, record, editable=editable)
    may_assign = (
        editable and services.may_dispatch(user) and record.status == RequestStatus.SUBMITTED
    )
    context = {
        "record": record,
        "editable": editable,
        "moves": workflow.Moves(m for m in moves if m.value != RequestStatus.ASSIGNED),
        "transitions": workflow.history_of(record) if editable else None,
        "may_assign": may_assign,
        "may_log": editable
        and record.status == RequestStatus.ASSIGNED
        and services.may_log(user)
        and (user.role != "commissioner" or record.commissioner.user_id == user.pk),
    }
    if may_assign:
        found = context["suggestions"] = selectors.suggestions(user, record)
        initial = {"commissioner": found[0].commissioner.pk} if found else {}
        context["assign_form"] = extra.pop("assign_form", None) or AssignRequestForm(
            user=user, request=record, initial=initial
        )
    context.update(extra)
    return context


def request_detail(request, pk: int):
    """Whoever may see the request: its record, moves and history; for those who assign
    it, the suggested commissioners."""
    record = get_object_or_404(
        selectors.request_list(request.user).select_related("service_log"), pk=pk
    )
    return render(request, "commissioners/request_detail.html", _request_context(request, record))


@require_POST
def request_assign(request, pk: int):
    """The bureau and the township's liaison: assign the request to a commissioner."""
    record = get_editable_or_403(ServiceRequest, request.user, pk=pk)
    if not services.may_dispatch(request.user):
        raise PermissionDenied("无权分派服务需求")
    form = AssignRequestForm(request.POST, user=request.user, request=record)
    if form.is_valid():
        try:
            services.request_assign(
                request.user,
                record,
                form.cleaned_data["commissioner"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已分派给{form.cleaned_data['commissioner'].name}")
            return redirect(record)
    return render(
        request,
        "commissioners/request_detail.html",
        _request_context(request, record, assign_form=form),
        status=400,
    )


@require_POST
def request_transition(request, pk: int):
    """Whoever may move the request (see the workflow's declaration)."""
    record = get_visible_or_404(ServiceRequest, request.user, pk=pk)
    record, error = workflow.take_from_post(request, record)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"需求状态已改为“{record.get_status_display()}”")
    return redirect(record)

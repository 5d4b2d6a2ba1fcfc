"""Background jobs' pages: the list, a job's progress and result, the undo of an import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kechuang.core import excel, imports, jobs
from kechuang.core.import_views import SESSION_KEY

PAGE_SIZE = 30


def job_list(request):
    """Any signed-in user: their own jobs; bureau staff also those of their region."""
    queryset = jobs.visible_jobs(request.user).select_related("user")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page})


def _job_or_404(request, pk: int):
    return get_object_or_404(jobs.visible_jobs(request.user).select_related("user"), pk=pk)


def job_detail(request, pk: int):
    """Whoever sees the job: its progress while it runs, then its result; an import's dry run
    offers to confirm, a committed import to undo."""
    job = _job_or_404(request, pk)
    context = {"job": job}
    if job.kind == imports.JOB_KIND:
        try:
            context["spec"] = excel.get_spec(job.params.get("kind", ""))
        except excel.ImportFileError:
            context["spec"] = None
        token = job.params.get("token")
        dry_run_passed = job.finished and job.params.get("dry_run") and not job.errors
        if dry_run_passed and token in request.session.get(SESSION_KEY, []):
            context["token"] = token
        context["may_undo"] = job.finished and imports.may_undo(request.user, job)
    return render(request, "core/job_detail.html", context)


def job_progress(request, pk: int):
    """The progress bar, polled by the job page; tells the page to reload once it is done."""
    job = _job_or_404(request, pk)
    if job.finished:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "core/_job_progress.html", {"job": job})


@require_POST
def job_undo(request, pk: int):
    """Whoever ran the import, or bureau staff of its region: undo it whole, or nothing."""
    job = _job_or_404(request, pk)
    try:
        done = imports.undo(job, request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            f"已撤销本次导入：删除新增的 {done['removed']} 条记录，"
            f"恢复修改过的 {done['restored']} 条记录",
        )
    return redirect("jobs:detail", pk=job.pk)

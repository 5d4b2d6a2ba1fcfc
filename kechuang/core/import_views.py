"""Excel pages shared by every app: template download, import with dry run, export."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from kechuang.core import excel, imports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "pending_imports"


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")


def _spec_or_404(kind: str) -> excel.SheetSpec:
    try:
        return excel.get_spec(kind)
    except excel.ImportFileError as exc:
        raise Http404(str(exc)) from exc


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(filename: str) -> str:
    from urllib.parse import quote

    return quote(filename)


def template_download(request, kind: str):
    """Whoever may import this kind: the empty template with its Chinese headers."""
    spec = _spec_or_404(kind)
    if not spec.can_import(request.user):
        raise PermissionDenied("无权导入该类数据")
    return _xlsx_response(excel.write_workbook(spec, None), f"{spec.title}导入模板.xlsx")


def export(request, kind: str):
    """Whoever may see the list: the records of the current filtered list."""
    spec = _spec_or_404(kind)
    objects = spec.filtered(request.GET, request.user)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return _xlsx_response(
        excel.write_workbook(spec, objects, request.user), f"{spec.title}_{stamp}.xlsx"
    )


def import_upload(request, kind: str):
    """Whoever may import this kind: upload a file, see the dry run, then confirm. A file of
    more than IMPORT_JOB_ROWS rows is checked by a background job, whose page shows progress."""
    spec = _spec_or_404(kind)
    if not spec.can_import(request.user):
        raise PermissionDenied("无权导入该类数据")
    if request.method == "POST" and _declared_length(request) > excel.upload_limit() + BODY_MARGIN:
        # Refused before the body is parsed: nothing of it is read or stored.
        refused = _refusal(spec.kind, _declared_length(request))
        return render(
            request, "core/import.html", {"spec": spec, "form": UploadForm(), "result": refused}
        )
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"spec": spec, "form": form, "threshold": imports.threshold()}
    if request.method == "POST" and form.is_valid():
        excel.remove_abandoned_imports()  # opportunistic: no scheduler needed
        upload = form.cleaned_data["file"]
        if upload.size > excel.upload_limit():
            context["result"] = _refusal(spec.kind, upload.size)
            return render(request, "core/import.html", context)
        content = upload.read()
        rows = imports.estimate_rows(content)
        if rows > imports.threshold():
            token = imports.store_pending(content)
            _remember(request, token)
            job = imports.start(spec, token, request.user, dry_run=True, rows=rows)
            return redirect("jobs:detail", pk=job.pk)
        result = excel.run_import(spec, content, request.user, dry_run=True)
        context["result"] = result
        context["rows"] = result.changed_rows(imports.PREVIEW_ROWS)
        if result.ok:
            context["token"] = imports.store_pending(content)
            _remember(request, context["token"])
    return render(request, "core/import.html", context)


# The multipart envelope around the file: boundaries, headers, the CSRF token.
BODY_MARGIN = 64 * 1024


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refusal(kind: str, size: int) -> excel.ImportResult:
    result = excel.ImportResult(kind=kind)
    try:
        excel.check_size(size)
    except excel.ImportFileError as exc:
        result.errors.append(excel.RowError(0, "", str(exc)))
    return result


def import_confirm(request, kind: str):
    """Writes a file whose dry run the same user has just seen; the result page (the job's)
    offers to undo it."""
    spec = _spec_or_404(kind)
    if request.method != "POST" or not spec.can_import(request.user):
        raise PermissionDenied("无权导入该类数据")
    token = request.POST.get("token", "")
    if not _take(request, token):
        messages.error(request, "预检结果已失效，请重新上传文件")
        return redirect("imports:upload", kind=kind)
    rows = imports.estimate_rows(imports.pending_path(token).read_bytes())
    if rows > imports.threshold():
        job = imports.start(spec, token, request.user, dry_run=False, rows=rows)
        return redirect("jobs:detail", pk=job.pk)
    job, result = imports.run(spec, token, request.user, dry_run=False)
    if result.committed:
        summary = result.summary()
        messages.success(
            request,
            f"导入完成：新增 {summary['新增']} 条，更新 {summary['更新']} 条，"
            f"无变化 {summary['无变化']} 条",
        )
        return redirect("jobs:detail", pk=job.pk)
    return render(
        request, "core/import.html", {"spec": spec, "form": UploadForm(), "result": result}
    )


def _remember(request, token: str) -> None:
    """The pending files this session may confirm (the last five)."""
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-4:], token]


def _take(request, token: str) -> bool:
    """Whether `token` is a pending file of this session, which it now gives up."""
    tokens = request.session.get(SESSION_KEY, [])
    if token not in tokens or not imports.pending_path(token).exists():
        return False
    request.session[SESSION_KEY] = [t for t in tokens if t != token]
    return True

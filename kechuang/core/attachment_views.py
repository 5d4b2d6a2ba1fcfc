"""Attachment pages: the download, the removal, and each attachable record's list with its
upload form (the fragment `core/_attachments.html` a record page includes)."""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from kechuang.core import attachments
from kechuang.core.forms import AttachmentForm, add_service_errors
from kechuang.core.htmx import is_htmx
from kechuang.core.models import Attachment
from kechuang.core.scoping import get_editable_or_403, get_visible_or_404

FRAGMENT = "core/_attachments.html"
# The multipart envelope around the file: boundaries, headers, the other fields.
BODY_MARGIN = 64 * 1024


def attachment_urls(model: type[models.Model]) -> list[URLPattern]:
    """The URL an app mounts for a model declaring `attachment_kinds`:
    `<int:pk>/attachments/`, named `<model_name>_attachments` in the app's namespace."""
    name = f"{model._meta.model_name}_attachments"
    return [path("<int:pk>/attachments/", record_attachments, {"model": model}, name=name)]


@require_GET
def attachment_download(request, pk: int):
    """Whoever sees the attachment's record: the file, always as a download."""
    attachment = get_visible_or_404(Attachment, request.user, pk=pk)
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except OSError as exc:
        raise Http404("附件文件不存在") from exc
    response = FileResponse(handle, content_type=attachment.mime_type)
    response["Content-Disposition"] = content_disposition(attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    # Opened directly in a browser, the file may run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987 `filename*`."""
    suffix = PurePosixPath(name).suffix
    fallback = "attachment" + (suffix if suffix.isascii() and suffix.isprintable() else "")
    fallback = fallback.replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_POST
def attachment_delete(request, pk: int):
    """Whoever may change the attachment's record: removes the attachment."""
    attachment = get_editable_or_403(Attachment, request.user, pk=pk)
    record = attachment.record
    attachments.detach(actor=request.user, attachment=attachment)
    if record is not None and is_htmx(request):
        return render(request, FRAGMENT, {"record": record})
    messages.success(request, f"已删除附件“{attachment.name}”")
    return _back_to(record)


def record_attachments(request, pk: int, model: type[models.Model]):
    """Whoever sees the record: its attachments; whoever may change it: uploads one."""
    record = get_visible_or_404(model, request.user, pk=pk)
    form = None
    if request.method == "POST":
        if not attachments.may_attach(request.user, record):
            raise PermissionDenied("无权为该记录上传附件")
        form = _upload(request, record)
        if not is_htmx(request):
            if form.errors:
                for errors in form.errors.values():
                    for error in errors:
                        messages.error(request, error)
            else:
                messages.success(request, "附件已上传")
            return _back_to(record)
        if not form.errors:
            form = None
    return render(request, FRAGMENT, {"record": record, "attachment_form": form})


def _upload(request, record) -> AttachmentForm:
    """The submitted form, with the service's errors on it; unbound-looking (no errors) when
    the file was attached."""
    kinds = attachments.kinds_of(type(record))
    declared = _declared_length(request)
    if declared > attachments.max_size() + BODY_MARGIN:
        # Refused before the body is parsed: nothing of it is read or stored.
        form = AttachmentForm(kinds=kinds)
        form.cleaned_data = {}  # unbound: add_error expects it
        limit = settings.ATTACHMENT_MAX_MB
        form.add_error(
            "file", f"附件大小约 {declared / attachments.MB:.1f} MB，超过上限 {limit} MB"
        )
        return form
    form = AttachmentForm(request.POST, request.FILES, kinds=kinds)
    if form.is_valid():
        try:
            attachments.attach(
                actor=request.user,
                record=record,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    return form


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _back_to(record):
    if record is not None and hasattr(record, "get_absolute_url"):
        return redirect(record.get_absolute_url())
    return redirect("core:home")

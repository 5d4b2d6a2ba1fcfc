"""Files attached to records: application documents, recognition documents, acceptance reports.

A model takes attachments by declaring `attachment_kinds` (the kinds its records take, e.g.
("申报材料", "认定文件", "验收报告"); an empty tuple takes any short text). An attachment is
visible exactly when its record is and may be added or removed by whoever may change the
record (`Scope(generic="attachment_kinds")` in core/scoping.py).

Files are stored in the storage named by ATTACHMENTS_STORAGE (MEDIA_ROOT/attachments/ on the
local disk by default) under a random name, never the uploader's; they are served only by the
download view. A file is accepted when it is at most ATTACHMENT_MAX_MB, its extension is one
of FILE_TYPES and its first bytes (and, for the zip-based formats, its member names) are
those of that type: an .exe renamed .pdf is refused.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import QuerySet

from kechuang.core.models import Attachment, User
from kechuang.core.scoping import require_editable
from kechuang.core.text import CONTROL, INVISIBLE, strip_control

MB = 1024 * 1024
MARKER = "attachment_kinds"
NAME_LENGTH = 200
HEAD = 8

_HIDDEN = re.compile(f"[{INVISIBLE}{CONTROL}]")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003, Excel 97–2003, WPS


def _starts(magic: bytes) -> Callable[[bytes, UploadedFile], bool]:
    return lambda head, upload: head.startswith(magic)


def _zip_with(*members: str) -> Callable[[bytes, UploadedFile], bool]:
    """A zip (Office Open XML, OFD) holding the given members and no macros."""

    def check(head: bytes, upload: UploadedFile) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:  # reads only the central directory
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return False
        finally:
            upload.seek(0)
        macros = any(name.lower().endswith("vbaproject.bin") for name in names)
        return not macros and all(member in names for member in members)

    return check


@dataclass(frozen=True)
class FileType:
    label: str
    mime_type: str
    check: Callable[[bytes, UploadedFile], bool]


# Extension -> what its content must be. What a county bureau exchanges: PDF and OFD (the
# national e-document format), Word, Excel and WPS documents, scans as JPEG or PNG. No
# archives or executables: an archive could carry anything past these checks.
FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType("PDF 文档", "application/pdf", _starts(b"%PDF-")),
    ".ofd": FileType("OFD 版式文档", "application/ofd", _zip_with("OFD.xml")),
    ".docx": FileType(
        "Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_with("[Content_Types].xml", "word/document.xml"),
    ),
    ".xlsx": FileType(
        "Excel 表格",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_with("[Content_Types].xml", "xl/workbook.xml"),
    ),
    ".doc": FileType("Word 97–2003 文档", "application/msword", _starts(OLE)),
    ".xls": FileType("Excel 97–2003 表格", "application/vnd.ms-excel", _starts(OLE)),
    ".wps": FileType("WPS 文字文档", "application/octet-stream", _starts(OLE)),
    ".et": FileType("WPS 表格", "application/octet-stream", _starts(OLE)),
    ".jpg": FileType("JPEG 图片", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileType("JPEG 图片", "image/jpeg", _starts(b"\xff\xd8\xff")),
    ".png": FileType("PNG 图片", "image/png", _starts(b"\x89PNG\r\n\x1a\n")),
}


def attachable(model: type[models.Model]) -> bool:
    return hasattr(model, MARKER)


def kinds_of(model: type[models.Model]) -> tuple[str, ...]:
    """The kinds a model's records take; empty: any short text."""
    return tuple(getattr(model, MARKER, ()))


def max_size() -> int:
    return settings.ATTACHMENT_MAX_MB * MB


def accepted_extensions() -> str:
    return ",".join(FILE_TYPES)


def attachments_of(record: models.Model, kind: str | None = None) -> QuerySet[Attachment]:
    """The record's attachments, newest first. Not narrowed to a user: whoever sees the
    record sees them all (fetch the record through its scope first)."""
    found = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("uploaded_by")
    return found if kind is None else found.filter(kind=kind)


def may_attach(user: User, record: models.Model) -> bool:
    """Whether the user may add attachments to the record, or remove them."""
    model = type(record)
    return attachable(model) and model.objects.editable_by(user).filter(pk=record.pk).exists()


# --- writes -------------------------------------------------------------------------------


@transaction.atomic
def attach(*, actor: User, record: models.Model, upload: UploadedFile, kind: str) -> Attachment:
    """Stores `upload` as an attachment of `record`, which the actor must be able to change.
    Refuses, naming the field, a file over the size cap, of a type not accepted or whose
    content is not what its extension says, and a kind the record's model does not take."""
    model = type(record)
    if not attachable(model):
        raise ValueError(f"{model.__name__} does not declare {MARKER}")
    require_editable(actor, record=record)
    kind = _clean_kind(model, kind)
    file_type = check_file(upload)
    name = clean_name(upload.name)
    digest, size = _digest(upload)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(model),
        object_id=record.pk,
        kind=kind,
        name=name,
        size=size,
        mime_type=file_type.mime_type,
        sha256=digest,
        uploaded_by=actor,
    )
    # Only the extension of this name is kept (see models.attachment_path).
    attachment.file.save(f"file{PurePosixPath(name).suffix.lower()}", upload, save=False)
    # The file is written first: a row never names a missing file. If the row is not
    # written, the file goes; if an enclosing transaction rolls back later, an unnamed file
    # stays behind under its random name, which nothing serves.
    stored = attachment.file.name
    try:
        attachment.full_clean()
        attachment._history_user = actor
        attachment.save()
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def detach(*, actor: User, attachment: Attachment) -> None:
    """Removes an attachment of a record the actor may change; the file is deleted once the
    removal is committed (the history keeps its name, size and checksum)."""
    locked = Attachment.objects.select_for_update().filter(pk=attachment.pk).first()
    if locked is None:
        raise PermissionDenied("附件不存在")
    require_editable(actor, attachment=locked)
    storage, stored = locked.file.storage, locked.file.name
    locked._history_user = actor
    locked.delete()
    transaction.on_commit(lambda: storage.delete(stored))


# --- checks -------------------------------------------------------------------------------


def check_file(upload: UploadedFile) -> FileType:
    """The file's type if it is accepted; a ValidationError naming 「附件」 otherwise."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": "附件是空文件"})
    if size > max_size():
        raise ValidationError(
            {"file": f"附件大小 {size / MB:.1f} MB，超过上限 {settings.ATTACHMENT_MAX_MB} MB"}
        )
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    file_type = FILE_TYPES.get(suffix)
    if file_type is None:
        shown = suffix or "无扩展名的文件"
        raise ValidationError(
            {"file": f"附件不接受 {shown}，只接受 {'、'.join(e[1:] for e in FILE_TYPES)}"}
        )
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    if not file_type.check(head, upload):
        raise ValidationError(
            {"file": f"附件的内容不是{file_type.label}（扩展名 {suffix} 与文件内容不符）"}
        )
    return file_type


def clean_name(name: str | None) -> str:
    """The uploader's file name for display: its last path part, NFC, without control
    characters, at most NAME_LENGTH characters with its extension kept."""
    text = unicodedata.normalize("NFC", name or "")
    # Invisible and bidirectional characters too: U+202E can show "exe.pdf" as "fdp.exe".
    text = _HIDDEN.sub("", re.sub(r"[\t\n\r]", " ", text))
    text = text.replace("\\", "/").rsplit("/", 1)[-1].strip()
    path = PurePosixPath(text or "附件")
    suffix = path.suffix.lower()
    stem = path.stem.strip() or "附件"
    return stem[: NAME_LENGTH - len(suffix)] + suffix


def _clean_kind(model: type[models.Model], kind: str) -> str:
    kind = strip_control(unicodedata.normalize("NFC", kind or "")).strip()
    kinds = kinds_of(model)
    if kinds and kind not in kinds:
        if not kind:
            raise ValidationError({"kind": "请选择附件类别"})
        raise ValidationError({"kind": f"附件类别“{kind}”不可选，可选：{'、'.join(kinds)}"})
    if len(kind) > Attachment._meta.get_field("kind").max_length:
        raise ValidationError({"kind": "附件类别过长（最多 40 字）"})
    return kind


def _digest(upload: UploadedFile) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size

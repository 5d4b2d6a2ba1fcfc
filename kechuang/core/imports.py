"""Imports as jobs, and their undo.

Every write from the web page or the CLI, and every check of a file above IMPORT_JOB_ROWS
rows, is recorded as a Job: a small file runs at once in the request or command, a bigger
one is queued for a worker and the page polls its progress (API imports stay synchronous).
The file waits in the pending folder (excel.pending_dir) until its job has read it.
A committed import can be undone: its history rows carry the job's tag, so every record
it created is removed and every record it changed goes back to the values before it —
unless any of them changed again since, in which case nothing is done.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import Max
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from simple_history.models import registered_models

from kechuang.core import audit, bulk, excel, jobs
from kechuang.core.models import Job, User

JOB_KIND = "import"
# The rows of a preview kept with a job (the summary counts all of them).
PREVIEW_ROWS = 1000


def threshold() -> int:
    return settings.IMPORT_JOB_ROWS


def estimate_rows(content: bytes) -> int:
    """The file's data rows as its largest sheet's extent tells (0 if it cannot be read)."""
    try:
        return max(excel.inspect_workbook(content) - 1, 0)
    except excel.ImportFileError:
        return 0


def store_pending(content: bytes) -> str:
    """Keeps the file for its job (and a dry run's confirmation); returns its token."""
    token = uuid.uuid4().hex
    pending_path(token).write_bytes(content)
    return token


def pending_path(token: str) -> Path:
    if not token.isalnum():
        raise ValueError("bad token")
    return excel.pending_dir() / f"{token}.xlsx"


def tag(job: Job) -> str:
    """The change reason the history rows of the job's writes carry."""
    return f"导入#{job.pk}"


def _title(spec: excel.SheetSpec, dry_run: bool) -> str:
    return f"{spec.title}导入{'预检' if dry_run else ''}"


def start(spec: excel.SheetSpec, token: str, user: User, *, dry_run: bool, rows: int) -> Job:
    """Queues the import of a pending file for a worker."""
    params = {"kind": spec.kind, "token": token, "dry_run": dry_run}
    return jobs.start(JOB_KIND, _title(spec, dry_run), user, params, total=rows)


def run(
    spec: excel.SheetSpec, token: str, user: User, *, dry_run: bool, progress=None
) -> tuple[Job, excel.ImportResult]:
    """Runs the import of a pending file here and now, recorded as a job."""
    params = {"kind": spec.kind, "token": token, "dry_run": dry_run}
    job = jobs.run_now(JOB_KIND, _title(spec, dry_run), user, params, progress=progress)
    return job, result_of(job)


def result_of(job: Job) -> excel.ImportResult:
    """The job's import result (as the handler left it, or rebuilt from the job's row)."""
    found = getattr(job, "import_result", None)
    if found is not None:
        return found
    result = excel.ImportResult(kind=job.params.get("kind", ""))
    result.committed = bool(job.result.get("committed"))
    result.errors = [excel.RowError(e["row"], e["column"], e["message"]) for e in job.errors]
    return result


@jobs.handler(JOB_KIND)
def _run_import(job: Job, progress: jobs.Progress) -> None:
    spec = excel.get_spec(job.params["kind"])
    dry_run = job.params["dry_run"]
    path = pending_path(job.params["token"])
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        result = excel.ImportResult(kind=spec.kind)
        result.errors.append(excel.RowError(0, "", "待导入的文件已失效，请重新上传"))
    else:
        result = excel.run_import(
            spec, content, job.user, dry_run=dry_run, progress=progress, batch=tag(job)
        )
        if not (dry_run and result.ok):
            path.unlink(missing_ok=True)  # a passed dry run's file waits for its confirmation
    job.import_result = result
    job.result = {
        **result.as_json(),
        "dry_run": dry_run,
        "rows": result.changed_rows(PREVIEW_ROWS),
        "changed": result.count("create") + result.count("update"),
    }
    job.result.pop("errors")
    job.errors = result.as_json()["errors"]


# --- undo -------------------------------------------------------------------------------------


def may_undo(user: User, job: Job) -> bool:
    try:
        _check_undoable(user, job)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _check_undoable(user: User, job: Job) -> None:
    if job.kind != JOB_KIND or not job.result.get("committed"):
        raise ValidationError("只有已写入的导入可以撤销")
    if job.undone_at is not None:
        raise ValidationError("本次导入已经撤销")
    jobs.require_manager(user, job)


def undo(job: Job, actor: User) -> dict[str, int]:
    """Reverts a committed import; returns how many records were removed and restored.
    Raises ValidationError naming the records changed since (then nothing is done)."""
    _check_undoable(actor, job)
    reason = f"撤销导入#{job.pk}"
    try:
        with transaction.atomic():
            locked = Job.objects.select_for_update().get(pk=job.pk)
            if locked.undone_at is not None:
                raise ValidationError("本次导入已经撤销")
            plan = _plan(tag(job))
            _refuse_changed_since(plan)
            removed = restored = 0
            with audit.batch(reason):
                for model, rows in plan:
                    first = _first_rows(model, rows)
                    changed = [r for r in first if r.history_type != "+"]
                    created = [r for r in first if r.history_type == "+"]
                    restored += _restore(model, changed, actor, reason)
                    removed += _remove(model, created, actor)
            excel.get_spec(job.params["kind"]).undone(
                actor, {model._meta.label: rows for model, rows in plan}
            )
            locked.undone_at = timezone.now()
            locked.undone_by = actor
            locked.save(update_fields=["undone_at", "undone_by"])
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError("导入的记录已被其他记录引用，无法撤销；本次导入未作任何改动") from exc
    except DatabaseError as exc:
        raise ValidationError(f"撤销时被数据库拒绝（{exc}），未作任何改动，请稍后重试") from exc
    job.undone_at, job.undone_by = locked.undone_at, actor
    return {"removed": removed, "restored": restored}


def _plan(reason: str) -> list[tuple[type[models.Model], list]]:
    """The history rows written under `reason`, per tracked model."""
    plan = []
    for model in dict.fromkeys(registered_models.values()):
        history = getattr(model, "history", None)
        if history is None or not hasattr(history, "model"):
            continue
        rows = list(
            history.model.objects.filter(history_change_reason=reason).order_by("history_id")
        )
        if rows:
            plan.append((model, rows))
    return plan


def _refuse_changed_since(plan) -> None:
    changed = []
    for model, rows in plan:
        pk = model._meta.pk.attname
        ours = defaultdict(int)
        for row in rows:
            ours[getattr(row, pk)] = max(ours[getattr(row, pk)], row.history_id)
        latest = dict(
            model.history.model.objects.filter(**{f"{pk}__in": list(ours)})
            .values_list(pk)
            .annotate(last=Max("history_id"))
            .order_by()
        )
        for object_id, last in ours.items():
            if latest.get(object_id) != last:
                changed.append(_name(model, object_id, rows))
    if changed:
        shown = "、".join(changed[:10]) + (f" 等 {len(changed)} 条" if len(changed) > 10 else "")
        raise ValidationError(
            f"以下记录在导入后又被修改或删除：{shown}。为免覆盖这些修改，本次撤销未作任何改动"
        )


def _name(model, object_id, rows) -> str:
    live = model._base_manager.filter(pk=object_id).first()
    if live is not None:
        return f"{model._meta.verbose_name}“{live}”"
    return f"{model._meta.verbose_name}（编号 {object_id}）"


def _first_rows(model, rows) -> list:
    """Each record's first history row of the import (what it did to the record first)."""
    pk = model._meta.pk.attname
    first = {}
    for row in rows:
        first.setdefault(getattr(row, pk), row)
    return list(first.values())


def _editable(model, actor: User):
    """The records of `model` the actor may change (all, for a model without a scope)."""
    manager = model.objects
    if hasattr(manager, "editable_by"):
        return manager.editable_by(actor)
    return model._base_manager.all()


def _restore(model, rows, actor: User, reason: str) -> int:
    """Puts records back to the values of the history row before the import's first."""
    if not rows:
        return 0
    pk = model._meta.pk.attname
    historical = model.history.model
    fields = [f.attname for f in historical.tracked_fields if not f.primary_key and f.attname != pk]
    starts = {getattr(r, pk): r.history_id for r in rows}
    previous = {}
    earlier = historical.objects.filter(**{f"{pk}__in": list(starts)}).order_by("history_id")
    for row in earlier:
        object_id = getattr(row, pk)
        if row.history_id < starts[object_id]:
            previous[object_id] = row
    live = model._base_manager.in_bulk(list(starts))
    changes = []
    for object_id, obj in live.items():
        before = previous.get(object_id)
        if before is None:
            continue
        current = {a: getattr(obj, a) for a in fields}
        for attname in fields:
            setattr(obj, attname, getattr(before, attname))
        differ = [a for a in fields if getattr(obj, a) != current[a]]
        if differ:
            changes.append(bulk.Change(obj, current, differ))
    bulk.update(
        model,
        changes,
        user=actor,
        reason=reason,
        queryset=_editable(model, actor),
    )
    return len(changes)


def _remove(model, rows, actor: User) -> int:
    """Deletes the records the import created; refuses when others would go with them."""
    if not rows:
        return 0
    pk = model._meta.pk.attname
    ids = [getattr(r, pk) for r in rows]
    objs = list(_editable(model, actor).filter(pk__in=ids))
    if len(objs) != len(ids):
        raise PermissionDenied("无权删除本次导入新增的部分记录")
    for obj in objs:
        obj._history_user = actor
    counts = bulk.delete(model, objs)
    others = {label: n for label, n in counts.items() if label != model._meta.label and n}
    if others:
        raise ValidationError(
            "本次导入新增的记录已被其他记录引用（"
            + "、".join(f"{label} {n} 条" for label, n in others.items())
            + "），为免连带删除，本次撤销未作任何改动"
        )
    return len(objs)

"""Background jobs: long work (an import of many rows) run by `kechuang db_worker`.

A Job row is what people see: who started it, its progress (done / total and the phase),
its result and its errors. The queue is Django's tasks API (the django-tasks backport) with
the database backend: the task row is written in the caller's transaction, so a job is
queued exactly when what started it commits, and any number of workers on any number of
machines take tasks from the database. Each kind of job registers one handler here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from kechuang.core.models import Job, User
from kechuang.core.scoping import is_bureau

logger = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], None]
_HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Registers the function that runs jobs of `kind`: it reads job.params, reports through
    the Progress it is given, and stores job.result / job.errors (the runner saves them)."""

    def register(function: Handler) -> Handler:
        _HANDLERS[kind] = function
        return function

    return register


def start(kind: str, title: str, user: User | None, params: dict, *, total: int = 0) -> Job:
    """Queues a job; a worker takes it once the caller's transaction commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler for job kind {kind!r}")
    with transaction.atomic():
        job = _record(kind, title, user, params, total=total, phase="排队等待处理")
        run_job.enqueue(job.pk)
    return job


def run_now(kind: str, title: str, user: User | None, params: dict, *, progress=None) -> Job:
    """Runs a job in this process at once (small work, or a command that shows its own
    progress: `progress(job)` makes the Progress to report to), recorded like a queued one."""
    job = _record(kind, title, user, params)
    execute(job, progress)
    return job


def _record(kind: str, title: str, user: User | None, params: dict, **fields) -> Job:
    return Job.objects.create(
        kind=kind,
        title=title[:200],
        user=user,
        region_code=user.region.code if user is not None and user.region_id else "",
        params=params,
        **fields,
    )


@task()
def run_job(job_id: int) -> None:
    job = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).first()
    if job is not None:
        execute(job)


def execute(job: Job, progress=None) -> None:
    """Runs the job's handler, recording start, end, and an unexpected failure."""
    job.state = Job.State.RUNNING
    job.started_at = timezone.now()
    job.phase = "开始处理"
    job.save(update_fields=["state", "started_at", "phase"])
    try:
        _HANDLERS[job.kind](job, (progress or Progress)(job))
    except Exception:
        logger.exception("job %s failed", job.pk)
        job.state = Job.State.FAILED
        job.errors = [
            *job.errors,
            {"row": 0, "column": "", "message": "任务意外中止，未写入任何数据；请重试或联系管理员"},
        ]
    else:
        job.state = Job.State.DONE
    job.phase = ""
    job.finished_at = timezone.now()
    job.save()


class Progress:
    """Reports rows done to the job's row, at most every `interval` seconds (each report is
    one UPDATE, visible to the pages polling it). Called outside a transaction it is seen at
    once; inside one (the write phase) it is seen at commit, so writers report the phase
    before they open their transaction."""

    def __init__(self, job: Job, interval: float = 0.5):
        self.job = job
        self.interval = interval
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None, phase: str | None = None) -> None:
        now = time.monotonic()
        changes = {"done": done}
        if total is not None:
            changes["total"] = total
        if phase is not None and phase != self.job.phase:
            changes["phase"] = phase
        elif now - self.last < self.interval and (total is None or done < total):
            return
        self.last = now
        for name, value in changes.items():
            setattr(self.job, name, value)
        Job.objects.filter(pk=self.job.pk).update(**changes)


# --- who sees and acts on a job -------------------------------------------------------------


def visible_jobs(user: User):
    """A user's own jobs, and for bureau staff the jobs started in their region."""
    if not user.is_authenticated:
        return Job.objects.none()
    mine = Q(user=user)
    if is_bureau(user):
        return Job.objects.filter(mine | Q(pk__in=Job.objects.visible_to(user).values("pk")))
    return Job.objects.filter(mine)


def require_manager(user: User, job: Job) -> None:
    """Whoever started the job, or staff of its region, may act on it (undo an import)."""
    if job.user_id == user.pk:
        return
    if is_bureau(user) and Job.objects.editable_by(user).filter(pk=job.pk).exists():
        return
    raise PermissionDenied("只有导入人或科技局工作人员可以撤销本次导入")

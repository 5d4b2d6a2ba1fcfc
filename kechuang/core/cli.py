"""Helpers shared by the management commands."""

from django.core.management.base import CommandError

from kechuang.core.models import User


def command_user(username: str | None) -> User:
    """The user a command acts as: the one named, or the first active superuser."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用", returncode=2)
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError(
            "没有可用的超级用户：请用 --user 指定用户，或先运行 kechuang demo", returncode=2
        )
    return user


class TerminalProgress:
    """A job's Progress that also draws a bar on a terminal (nothing when not on one)."""

    WIDTH = 30

    def __init__(self, job, stream):
        from kechuang.core.jobs import Progress

        self.progress = Progress(job)
        self.stream = stream
        self.drawn = False

    @classmethod
    def factory(cls, stream):
        """What jobs.run_now takes: job → progress; plain job progress off a terminal."""
        from kechuang.core.jobs import Progress

        if not getattr(stream, "isatty", lambda: False)():
            return Progress
        return lambda job: cls(job, stream)

    def __call__(self, done: int, total: int | None = None, phase: str | None = None) -> None:
        self.progress(done, total, phase)
        job = self.progress.job
        total = job.total or 0
        filled = self.WIDTH * min(done, total) // total if total else 0
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        count = f"{done}/{total}" if total else f"{done}"
        self.stream.write(f"\r{job.phase or '处理中'} [{bar}] {count} 行\033[K")
        if total and done >= total:
            self.stream.write("\n")
        self.stream.flush()
        self.drawn = True

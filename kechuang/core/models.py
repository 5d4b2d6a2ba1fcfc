"""Regions, users and the audit trail: what every other app stands on."""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from simple_history.models import HistoricalRecords

from kechuang.core.choices import RegionLevel, Role
from kechuang.core.links import record_url
from kechuang.core.scoping import Scope, ScopedQuerySet

# Length of the code prefix shared by a region and everything below it (GB/T 2260).
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
}


class Region(models.Model):
    """An administrative division: province, city, county or township (GB/T 2260 code)."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=60)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The code prefix every region below this one starts with."""
        return self.code[: PREFIX_LENGTH[self.level]]

    def contains(self, other: "Region | None") -> bool:
        return other is not None and other.code.startswith(self.prefix)

    def clean(self) -> None:
        if self.parent and not self.code.startswith(self.parent.prefix):
            raise ValidationError({"code": f"区划代码 {self.code} 不属于上级 {self.parent.name}"})


class KechuangUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in: bound to a region, and to an enterprise or institute by role."""

    full_name = models.CharField("姓名", max_length=40, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.STAFF)
    region = models.ForeignKey(
        Region,
        verbose_name="所属区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Enterprise and institute users are bound to the one body they act for.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="所属院所",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = KechuangUserManager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.role == Role.LIAISON and (
            self.region is None or self.region.level != RegionLevel.TOWNSHIP
        ):
            errors["region"] = "乡镇联络员必须绑定到一个乡镇（街道）"
        if self.role == Role.ENTERPRISE and self.enterprise_id is None:
            errors["enterprise"] = "企业用户必须绑定到一家企业"
        if self.role == Role.INSTITUTE and self.institution_id is None:
            errors["institution"] = "院所用户必须绑定到一个院所"
        if self.role != Role.ENTERPRISE and self.enterprise_id is not None:
            errors["enterprise"] = "只有企业用户可以绑定企业"
        if self.role != Role.INSTITUTE and self.institution_id is not None:
            errors["institution"] = "只有院所用户可以绑定院所"
        if self.region is None and not self.is_superuser:
            errors.setdefault("region", "用户必须绑定所属区域")
        if errors:
            raise ValidationError(errors)


class AuditEvent(models.Model):
    """One create, change or delete of any record: who, when, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"

    at = models.DateTimeField("时间", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_repr = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name="记录类型", on_delete=models.CASCADE
    )
    object_id = models.CharField("记录编号", max_length=64)
    object_repr = models.CharField("记录", max_length=200)
    region_code = models.CharField("所属区域代码", max_length=12, blank=True, db_index=True)
    before = models.JSONField("修改前", default=dict)
    after = models.JSONField("修改后", default=dict)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region_code="region_code")

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        return sorted(set(self.before) | set(self.after))


class LoginCounter(models.Model):
    """Failed sign-ins of one username or one client address, and the lockout they caused.

    Keyed by what was typed, not by account, so an unknown username behaves exactly like a
    known one. A security counter, not business data: updated in place, outside the audit.
    """

    key = models.CharField("计数对象", max_length=200, unique=True)
    failures = models.PositiveIntegerField("失败次数", default=0)
    last_failure = models.DateTimeField("最近失败时间")
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = "登录失败计数"

    def __str__(self) -> str:
        return self.key


class ApiToken(models.Model):
    """A key for the REST API: only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=60)
    key_hash = models.CharField("密钥摘要", max_length=64, unique=True)
    prefix = models.CharField("密钥前缀", max_length=8)
    created = models.DateTimeField("创建时间")
    expires = models.DateTimeField("到期时间")
    last_used = models.DateTimeField("最近使用", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["key_hash", "last_used"])
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="user__region")

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"


class DataVersion(models.Model):
    """One row whose token changes whenever committed data changes (see core/pagecache.py).
    Bookkeeping, not business data: outside the audit."""

    token = models.CharField("数据版本", max_length=32)

    class Meta:
        verbose_name = "数据版本"
        verbose_name_plural = "数据版本"

    def __str__(self) -> str:
        return self.token


class Job(models.Model):
    """A piece of long work run by a background worker (an import of many rows): who started
    it, its progress, its result and its errors. Bookkeeping, not audited: what the job
    writes is audited where it is written."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "进行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=40)
    title = models.CharField("名称", max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region_code = models.CharField("所属区域代码", max_length=12, blank=True, db_index=True)
    params = models.JSONField("参数", default=dict)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    phase = models.CharField("阶段", max_length=40, blank=True)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    result = models.JSONField("结果", default=dict)
    errors = models.JSONField("错误", default=list)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="撤销人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region_code="region_code")

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（#{self.pk}）"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0


class TransitionLog(models.Model):
    """One status move of a record (core.workflow): from, to, who, when, the date given and
    the comment. Append-only and itself the audit of the move (the record's own history
    holds the changed columns), so it keeps no history of its own, like AuditEvent."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name="记录类型", on_delete=models.CASCADE
    )
    object_id = models.CharField("记录编号", max_length=64)
    from_state = models.CharField("原状态", max_length=40, blank=True)
    to_state = models.CharField("新状态", max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间")
    on = models.DateField("日期", null=True, blank=True)
    comment = models.TextField("说明", blank=True)
    automatic = models.BooleanField("随关联记录变更", default=False)
    region_code = models.CharField("所属区域代码", max_length=12, blank=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region_code="region_code")

    class Meta:
        verbose_name = "状态变更记录"
        verbose_name_plural = "状态变更记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state}"


class _AttachmentStorage(LazyObject):
    """The storage of the STORAGES alias ATTACHMENTS_STORAGE, looked up at first use."""

    def _setup(self):
        self._wrapped = storages[settings.ATTACHMENTS_STORAGE]


attachment_storage = _AttachmentStorage()


def get_attachment_storage():
    """The FileField's storage: a callable, so migrations do not record the alias."""
    return attachment_storage


@receiver(setting_changed)
def _storage_changed(*, setting, **kwargs) -> None:
    # Settings change at run time only in tests (override_settings).
    if setting in {"STORAGES", "ATTACHMENTS_STORAGE"}:
        attachment_storage._wrapped = empty


def attachment_path(instance, filename: str) -> str:
    """attachments/<yyyy>/<mm>/<random><.ext>: never the uploader's file name."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"attachments/{timezone.localtime():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class Attachment(models.Model):
    """A file attached to a record of any model declaring `attachment_kinds` (application
    documents, recognition documents, acceptance reports). Seen and changed exactly as that
    record is; stored under a random name and served only through the scoped download view."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name="记录类型", on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField("记录编号")
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField("类别", max_length=40, blank=True)
    name = models.CharField("文件名", max_length=200)
    file = models.FileField(
        "文件", upload_to=attachment_path, storage=get_attachment_storage, max_length=200
    )
    size = models.PositiveBigIntegerField("大小（字节）")
    mime_type = models.CharField("文件类型", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(generic="attachment_kinds")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("core:attachment_download", self.pk)

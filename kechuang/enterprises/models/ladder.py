"""The tier ladder: tiers, qualifications with validity, the cultivation pool and its visits."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from kechuang.core.scoping import Scope, ScopedQuerySet
from kechuang.core.text import validate_clean_name, validate_clean_text
from kechuang.enterprises.choices import (
    POOL_WORKFLOW,
    PoolStatus,
    QualificationSource,
    TierValidity,
)

# The last year a qualification may be recorded for (validity windows are dates).
LAST_YEAR = 2100


class Tier(models.Model):
    """A rung of the ladder. National tiers (TSME, HNTE) have no region; a region defines its own.

    Criteria of tiers that are not national (科技小巨人, 科技领军企业 …) are the defining
    region's data: there are no defaults.
    """

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)
    rank = models.PositiveSmallIntegerField(
        "梯次", help_text="越大越高：科技型中小企业 10，高新技术企业 20"
    )
    region = models.ForeignKey(
        "core.Region",
        verbose_name="设定区域",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tiers",
        help_text="为空表示全国性资质",
    )
    validity = models.CharField("有效期规则", max_length=16, choices=TierValidity.choices)
    validity_years = models.PositiveSmallIntegerField("有效年数", null=True, blank=True)
    policy = models.CharField("评估政策", max_length=40, blank=True, help_text="如 hnte-2016")
    document = models.CharField("依据文件", max_length=200, blank=True)
    criteria = models.TextField("认定条件", blank=True)
    is_example = models.BooleanField("示例（非正式条件）", default=False)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "资质梯次"
        verbose_name_plural = "资质梯次"
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.validity == TierValidity.YEARS and not self.validity_years:
            raise ValidationError({"validity_years": "按年数计算有效期时必须填写有效年数"})

    def validity_window(
        self, year: int, issued_on: datetime.date | None
    ) -> tuple[datetime.date, datetime.date]:
        """The first and last valid day of a qualification of this tier."""
        if self.validity == TierValidity.CALENDAR_YEAR:
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if issued_on is None:
            raise ValidationError({"issued_on": f"{self.name}须填写发证日期"})
        end = _add_years(issued_on, self.validity_years) - datetime.timedelta(days=1)
        return issued_on, end


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Qualification(models.Model):
    """A firm's registration or certificate in a tier, valid from one day to another."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    tier = models.ForeignKey(
        Tier, verbose_name="资质", on_delete=models.PROTECT, related_name="qualifications"
    )
    number = models.CharField("证书/登记编号", max_length=60, blank=True)
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(1990)])
    issued_on = models.DateField("发证日期", null=True, blank=True)
    valid_from = models.DateField("有效期起", editable=False)
    valid_until = models.DateField("有效期止", editable=False)
    source = models.CharField(
        "来源",
        max_length=10,
        choices=QualificationSource.choices,
        default=QualificationSource.MANUAL,
    )
    batch = models.CharField("公示批次", max_length=100, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="enterprise__township", enterprise="enterprise_id")

    class Meta:
        verbose_name = "资质"
        verbose_name_plural = "资质"
        ordering = ["enterprise", "-valid_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tier", "year"],
                name="qualification_once_a_year",
                violation_error_message="该企业该年度已有此项资质",
            ),
            models.UniqueConstraint(
                fields=["tier", "number"],
                condition=~Q(number=""),
                name="qualification_number_unique",
                violation_error_message="证书/登记编号已被使用",
            ),
        ]
        indexes = [models.Index(fields=["tier", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.tier} {self.year}"

    def clean(self) -> None:
        if self.year and not 1990 <= self.year <= LAST_YEAR:
            # clean() runs even when the field's own check failed: a date needs a real year.
            raise ValidationError({"year": f"年度应在 1990–{LAST_YEAR} 之间"})
        if self.tier_id and self.year:
            self.valid_from, self.valid_until = self.tier.validity_window(self.year, self.issued_on)
        if self.issued_on and self.year and abs(self.issued_on.year - self.year) > 1:
            raise ValidationError({"issued_on": "发证日期与年度不符"})

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_until


class PlaqueDelivery(models.Model):
    """The bureau delivered the plaque of a qualification (e.g. a newly certified HNTE) to the
    firm (送牌匾进企业): once per qualification, with who delivered it and a photo."""

    qualification = models.OneToOneField(
        Qualification, verbose_name="资质", on_delete=models.CASCADE, related_name="plaque"
    )
    delivered_on = models.DateField("发放日期")
    delivered_by = models.CharField("发放人", max_length=60, validators=[validate_clean_name])
    note = models.TextField("备注", blank=True, validators=[validate_clean_text])

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="qualification__enterprise__township", enterprise="qualification__enterprise_id"
    )
    attachment_kinds = ("现场照片", "其他")

    class Meta:
        verbose_name = "牌匾发放"
        verbose_name_plural = "牌匾发放"
        ordering = ["-delivered_on", "pk"]

    def __str__(self) -> str:
        return f"{self.qualification} 牌匾"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enterprises:plaque_deliver", args=[self.qualification_id])


class PoolEntry(models.Model):
    """A firm in the cultivation pool, aimed at a tier in a year."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.CASCADE,
        related_name="pool_entries",
    )
    tier = models.ForeignKey(
        Tier, verbose_name="培育目标", on_delete=models.PROTECT, related_name="pool_entries"
    )
    year = models.PositiveSmallIntegerField("申报年度", validators=[MinValueValidator(1990)])
    status = models.CharField(
        "状态", max_length=12, choices=PoolStatus.choices, default=PoolStatus.CANDIDATE
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="联系干部",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pool_entries",
    )
    entered_on = models.DateField("入库日期")
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="enterprise__township", enterprise="enterprise_id")
    workflow = POOL_WORKFLOW

    class Meta:
        verbose_name = "培育库企业"
        verbose_name_plural = "培育库"
        ordering = ["-year", "tier__rank", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tier", "year"],
                name="pool_entry_unique",
                violation_error_message="该企业已在该年度该目标的培育库中",
            )
        ]
        indexes = [models.Index(fields=["year", "tier", "status"])]

    def __str__(self) -> str:
        return f"{self.enterprise}（{self.year}年 {self.tier}）"


class Visit(models.Model):
    """A visit to a pool firm: who went, what was agreed, the next step."""

    entry = models.ForeignKey(
        PoolEntry, verbose_name="培育对象", on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人员", max_length=100)
    agreed = models.TextField("商定事项")
    next_step = models.CharField("下一步", max_length=200, blank=True)
    next_on = models.DateField("下次跟进日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="entry__enterprise__township", enterprise="entry__enterprise_id")

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.entry.enterprise} {self.visited_on}"

    def clean(self) -> None:
        if self.next_on and self.visited_on and self.next_on < self.visited_on:
            raise ValidationError({"next_on": "下次跟进日期不能早于走访日期"})


class LadderSettings(models.Model):
    """A region's deadlines for recruited firms and its alert windows.

    Default periods are the seed report's rule: "新招引企业投产后二年内须创成省科技型中小企业，
    三年内须创成高新技术企业".
    """

    region = models.OneToOneField(
        "core.Region", verbose_name="区域", on_delete=models.CASCADE, related_name="ladder_settings"
    )
    recruit_cutoff = models.DateField(
        "适用于此日期后招引的企业", null=True, blank=True, help_text="为空时适用于全部新招引企业"
    )
    tsme_years = models.PositiveSmallIntegerField("投产后创成科技型中小企业年限", default=2)
    hnte_years = models.PositiveSmallIntegerField("投产后创成高新技术企业年限", default=3)
    expiry_warning_months = models.PositiveSmallIntegerField("高企证书到期提醒（月）", default=12)
    document = models.CharField("依据", max_length=200, blank=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")

    class Meta:
        verbose_name = "梯次培育设置"
        verbose_name_plural = "梯次培育设置"

    def __str__(self) -> str:
        return f"{self.region}梯次培育设置"
